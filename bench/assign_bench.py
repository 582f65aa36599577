#!/usr/bin/env python3
"""bench/assign_bench.py: the same matrices through baton and scipy.

    /usr/bin/python3 bench/assign_bench.py [SIZES] [CAPS] [SEED]
        SIZES like 1000x1500,2000x3000,3000x5000; CAPS like 1,3

School-like scores: each mentee and mentor has a subject (of 12), a grade
band (of 4), a campus (of 5) and a language (of 3); a pair scores
3 x same subject + 2 x same grade + same campus + same language, the
mentoring plugin's default weights: eight distinct values, many ties. Both
solvers maximise. scipy gets column j as CAP copies (it has no capacities).
Times are the solve alone (matrix already in memory), best of REPEAT runs
(env, default 1). Run through bench/assign.sh.
"""
import os
import subprocess
import sys
import tempfile
import time

try:
    import numpy as np
    from scipy.optimize import linear_sum_assignment
except ImportError:
    sys.exit("assign_bench.py needs numpy and scipy: sudo apt-get install "
             "python3-scipy (then run it with /usr/bin/python3)")

HERE = os.path.dirname(os.path.abspath(__file__))
DRIVER = os.environ.get("ASSIGN_DRIVER",
                        os.path.join(HERE, "..", "build", "assign_driver"))
REPEAT = int(os.environ.get("REPEAT", "1"))


def school_scores(n, m, rng):
    def people(k):
        return (rng.integers(0, 12, k), rng.integers(0, 4, k),
                rng.integers(0, 5, k), rng.integers(0, 3, k))
    a, b = people(n), people(m)
    w = (3, 2, 1, 1)
    S = np.zeros((n, m))
    for f in range(4):
        S += w[f] * (a[f][:, None] == b[f][None, :])
    return S


def main():
    sizes = (sys.argv[1] if len(sys.argv) > 1 else
             "1000x1500,2000x3000,3000x5000").split(",")
    caps = [int(c) for c in (sys.argv[2] if len(sys.argv) > 2 else
                             "1,3").split(",")]
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    rng = np.random.default_rng(seed)
    print(f"{'size':>10} {'cap':>3} {'baton ms':>9} {'scipy ms':>9} "
          f"{'ratio':>6}  same optimum")
    worst = 0.0
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        for size in sizes:
            n, m = (int(x) for x in size.split("x"))
            S = school_scores(n, m, rng)
            path = os.path.join(tmp, f"{size}.bin")
            S.tofile(path)
            for cap in caps:
                bms = []
                for _ in range(REPEAT):
                    line = subprocess.run(
                        [DRIVER, path, str(n), str(m), str(cap), "max",
                         "total"], check=True, capture_output=True,
                        text=True).stdout
                    vals = dict(kv.split("=") for kv in line.split())
                    bms.append(float(vals["ms"]))
                b_total, b_rows = float(vals["total"]), int(vals["assigned"])
                wide = np.repeat(-S, cap, axis=1)
                sms = []
                for _ in range(REPEAT):
                    t0 = time.perf_counter()
                    r, c = linear_sum_assignment(wide)
                    sms.append((time.perf_counter() - t0) * 1000)
                s_total = float(-wide[r, c].sum())
                same = (b_total, b_rows) == (s_total, len(r))
                ok &= same
                ratio = min(bms) / min(sms)
                worst = max(worst, ratio)
                print(f"{size:>10} {cap:>3} {min(bms):9.1f} {min(sms):9.1f} "
                      f"{ratio:6.2f}  {'yes' if same else 'NO'} "
                      f"(total {b_total:.0f} / {s_total:.0f}, rows "
                      f"{b_rows} / {len(r)})")
    print(f"worst ratio baton/scipy: {worst:.2f} (target <= 1.0)")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
