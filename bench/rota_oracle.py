#!/usr/bin/env python3
"""bench/rota_oracle.py: an independent check of the rota's exact decisions.

Reads the JSON of `baton run --allow fs.read bench/rota_stress.lua N FIRST
--json` on standard input and, for each roster, asks scipy's MILP solver
(HiGHS) whether some rota meets the fairness bound in every class: each
slot holds at most one person, each meeting fills the slots it must, each
person holds at most one role per meeting, and in each class every member's
count (history included) lies in [m, m + 1] for some integer m. Compares
with how baton ended: "met" must be feasible, "impossible" infeasible.
Prints one line per disagreement and a summary; exits 1 on any.

scipy is a benchmark reference only: apt-get install python3-scipy."""
import json
import sys
import time

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp


def feasible(d):
    n_p, n_r, n_t = d["people"], d["roles"], d["meetings"]
    var = {}
    for t in range(n_t):
        for r in range(n_r):
            for p in range(n_p):
                if d["eligible"][p][r] and not d["away"][p][t]:
                    var[(t, r, p)] = len(var)
    nx, nm = len(var), len(d["classes"])
    rows, lo, hi = [], [], []
    for t in range(n_t):
        for r in range(n_r):
            c = {var[k]: 1 for k in ((t, r, p) for p in range(n_p)) if k in var}
            if c:
                rows.append(c); lo.append(0); hi.append(1)
        c = {var[k]: 1 for k in ((t, r, p) for r in range(n_r) for p in range(n_p)) if k in var}
        rows.append(c); lo.append(d["fill"][t]); hi.append(d["fill"][t])
        for p in range(n_p):
            c = {var[k]: 1 for k in ((t, r, p) for r in range(n_r)) if k in var}
            if len(c) > 1:
                rows.append(c); lo.append(0); hi.append(1)
    for i, cl in enumerate(d["classes"]):
        s = cl["scope"]
        for p in (m - 1 for m in cl["members"]):
            if s == 0:
                base = d["history_total"][p]
                keys = [(t, r, p) for t in range(n_t) for r in range(n_r)]
            else:
                base = d["history"][p][s - 1]
                keys = [(t, s - 1, p) for t in range(n_t)]
            c = {var[k]: 1 for k in keys if k in var}
            c[nx + i] = -1  # base + turns - m in [0, 1]
            rows.append(c); lo.append(-base); hi.append(1 - base)
    a = np.zeros((len(rows), nx + nm))
    for i, c in enumerate(rows):
        for j, v in c.items():
            a[i, j] = v
    bounds = Bounds(np.r_[np.zeros(nx), -1e4 * np.ones(nm)], np.r_[np.ones(nx), 1e4 * np.ones(nm)])
    res = milp(np.zeros(nx + nm), constraints=LinearConstraint(a, lo, hi),
               integrality=np.ones(nx + nm), bounds=bounds, options={"time_limit": 300})
    if res.status not in (0, 2):
        raise SystemExit(f"seed {d['seed']}: the MILP solver did not decide ({res.message})")
    return res.status == 0


def main():
    rosters = json.load(sys.stdin)
    start = time.time()
    agree, wrong, skipped = 0, 0, 0
    for d in rosters:
        if d["ending"] == "budget":
            skipped += 1
            continue
        ok = feasible(d)
        if ok == (d["ending"] == "met"):
            agree += 1
        else:
            wrong += 1
            print(f"seed {d['seed']}: baton says {d['ending']}, the MILP says {'feasible' if ok else 'infeasible'}")
    print(f"oracle: {agree} of {agree + wrong} decided rosters agree with scipy's MILP (HiGHS); "
          f"{wrong} disagree; {skipped} not reached were not checked; {time.time() - start:.1f} s")
    sys.exit(1 if wrong else 0)


main()
