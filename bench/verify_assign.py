#!/usr/bin/env python3
"""bench/verify_assign.py: baton's assignment solver against scipy.

    python3 bench/verify_assign.py [CASES] [SEED]     (default 300 cases, seed 1)

Writes random matrices to files, solves each with baton (build/assign_driver,
which calls baton_assign_solve) and with scipy.optimize.linear_sum_assignment,
and checks that both reach the same optimum to the last unit: the same number
of assigned rows and the same total. Scores are integers, so "the same" is
exact equality. Baton's assignment is also checked on its own: every row at
most once, no forbidden cell, no column over its capacity, and the total it
reports is the sum of its cells.

Capacities > 1 are given to scipy as copies of the column. Where some rows
cannot all be placed (forbidden cells, too few seats), scipy gets one private
"unassigned" column per row costing more than any assignment of one more
row could save, which is how "as many rows as possible, then the best total"
is written for a solver that must place every row. Where every row fits,
scipy gets the plain matrix, with no such trick.

scipy is a reference for this script and bench/assign.sh only, not a baton
dependency: on Debian, apt-get install python3-scipy (use /usr/bin/python3
if another python3 comes first in PATH).
"""
import os
import random
import subprocess
import sys
import tempfile

try:
    import numpy as np
    from scipy.optimize import linear_sum_assignment
except ImportError:
    sys.exit("verify_assign.py needs numpy and scipy: sudo apt-get install "
             "python3-scipy (then run it with /usr/bin/python3)")

HERE = os.path.dirname(os.path.abspath(__file__))
DRIVER = os.environ.get("ASSIGN_DRIVER",
                        os.path.join(HERE, "..", "build", "assign_driver"))


def baton_solve(path, n, m, cap, maximize, objective="total"):
    """Runs the driver; returns (ms, assigned, total, worst, cols)."""
    out = path + ".out"
    line = subprocess.run(
        [DRIVER, path, str(n), str(m), str(cap), "max" if maximize else "min",
         objective, out], check=True, capture_output=True, text=True).stdout
    vals = dict(kv.split("=") for kv in line.split())
    with open(out) as f:
        cols = [int(x) for x in f.read().split()]
    os.unlink(out)
    return (float(vals["ms"]), int(vals["assigned"]), float(vals["total"]),
            float(vals["worst"]), cols)


def scipy_solve(S, cap, maximize):
    """Returns (assigned, total) of the best max-cardinality assignment."""
    n, m = S.shape
    cost = -S if maximize else S.copy()
    forbidden = np.isnan(cost)
    cost[forbidden] = np.inf
    wide = np.repeat(cost, cap, axis=1)  # column j -> cap copies
    owner = np.repeat(np.arange(m), cap)
    if not forbidden.any() and n <= m * cap:
        rows, cols = linear_sum_assignment(wide)
    else:
        allowed = cost[~forbidden]
        if allowed.size == 0:
            return 0, 0.0
        cmin, cmax = allowed.min(), allowed.max()
        big = cmax + (n + 1) * (cmax - cmin) + 1
        dummy = np.full((n, n), np.inf)
        np.fill_diagonal(dummy, big)
        rows, cols = linear_sum_assignment(np.hstack([wide, dummy]))
    real = cols < wide.shape[1]
    rows, cols = rows[real], owner[cols[real]]
    return len(rows), float(S[rows, cols].sum())


def check_valid(S, cap, cols, assigned, total):
    n, m = S.shape
    load = [0] * m
    got = 0.0
    for i, j in enumerate(cols):
        if j < 0:
            continue
        assert not np.isnan(S[i, j]), f"row {i} on forbidden column {j}"
        load[j] += 1
        assert load[j] <= cap, f"column {j} over capacity"
        got += S[i, j]
    assert sum(1 for j in cols if j >= 0) == assigned
    assert got == total, f"reported total {total}, cells sum to {got}"


def random_case(rng):
    n = rng.randint(1, 200)
    m = rng.randint(1, 200)
    cap = rng.choice([1, 1, 2, 3])
    kind = rng.choice(["school", "wide", "negative"])
    if kind == "school":  # few distinct values: many ties
        S = np.array([[rng.randint(0, 6) for _ in range(m)] for _ in range(n)],
                     dtype=float)
    elif kind == "wide":
        S = np.array([[rng.randint(0, 10**6) for _ in range(m)]
                      for _ in range(n)], dtype=float)
    else:
        S = np.array([[rng.randint(-50, 50) for _ in range(m)]
                      for _ in range(n)], dtype=float)
    p = rng.choice([0, 0, 0.1, 0.5, 0.9])
    if p:
        mask = np.array([[rng.random() < p for _ in range(m)]
                         for _ in range(n)])
        S[mask] = np.nan
    return S, cap, rng.random() < 0.5, kind, p


def main():
    cases = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    if not os.access(DRIVER, os.X_OK):
        sys.exit(f"{DRIVER} not found: build it first (cmake --build build)")
    rng = random.Random(seed)
    bad = 0
    with tempfile.TemporaryDirectory() as tmp:
        for k in range(cases):
            S, cap, maximize, kind, p = random_case(rng)
            n, m = S.shape
            path = os.path.join(tmp, f"m{k}.bin")
            S.astype(np.float64).tofile(path)
            _, assigned, total, _, cols = baton_solve(path, n, m, cap,
                                                      maximize)
            check_valid(S, cap, cols, assigned, total)
            ref_assigned, ref_total = scipy_solve(S, cap, maximize)
            # The fairest objective keeps the same number of rows.
            _, f_assigned, f_total, _, f_cols = baton_solve(
                path, n, m, cap, maximize, "fairest")
            check_valid(S, cap, f_cols, f_assigned, f_total)
            if (assigned, total) != (ref_assigned, ref_total) or \
                    f_assigned != assigned:
                bad += 1
                print(f"MISMATCH case {k} ({n}x{m} cap {cap} {kind} "
                      f"forbidden {p} {'max' if maximize else 'min'}): baton "
                      f"{assigned} rows total {total}, scipy {ref_assigned} "
                      f"rows total {ref_total}, fairest {f_assigned} rows")
    print(f"{cases - bad} of {cases} cases: baton and scipy reach the same "
          f"optimum (rows assigned and total, exactly); seed {seed}")
    print(f"reproduce: /usr/bin/python3 bench/verify_assign.py {cases} {seed}")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
