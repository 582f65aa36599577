#!/usr/bin/env python3
"""bench/rota_oracle.py: an independent check of the rota's exact decisions.

Reads the JSON of `baton run --allow fs.read bench/rota_stress.lua N FIRST
--json` on standard input and asks scipy's MILP solver (HiGHS) whether some
rota meets the fairness bound in a given set of class checks: each slot
holds at most one person, each meeting fills the slots it must, each person
holds at most one role per meeting, and in each check every member's count
(history included) lies in [m, m + 1] for some integer m. Checked: a roster
baton says meets the bound is feasible in every check; each impossibility
baton claims (a check hopeless from history, a class hopeless from counts,
or no rota for all the other checks, from the classes' shares or an
exhaustive search) is infeasible on its own; and for a roster not reached,
whether the checks it had to meet were feasible. Prints one line per
disagreement and a summary; exits 1 on any.

scipy is a benchmark reference only: apt-get install python3-scipy."""
import json
import sys
import time

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp


def feasible(d, checks):
    n_p, n_r, n_t = d["people"], d["roles"], d["meetings"]
    var = {}
    for t in range(n_t):
        for r in range(n_r):
            for p in range(n_p):
                if d["eligible"][p][r] and not d["away"][p][t]:
                    var[(t, r, p)] = len(var)
    nx, nm = len(var), len(checks)
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
    for i, cl in enumerate(d["classes"][k - 1] for k in checks):
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
    agree, wrong, claims, reached_feasible, not_reached = 0, 0, 0, 0, 0
    for d in rosters:
        every = list(range(1, len(d["classes"]) + 1))
        if d["ending"] == "budget":
            not_reached += 1
            if feasible(d, d["live"]):
                reached_feasible += 1
            continue
        ok = feasible(d, every)
        if ok != (d["ending"] == "met"):
            wrong += 1
            print(f"seed {d['seed']}: baton says {d['ending']}, the MILP says {'feasible' if ok else 'infeasible'}")
            continue
        bad = [c for c in d["claims"] if feasible(d, c["checks"])]
        claims += len(d["claims"])
        for c in bad:
            print(f"seed {d['seed']}: baton proves {c['kind']} checks {c['checks']} impossible, the MILP meets them")
        if bad:
            wrong += 1
        else:
            agree += 1
    print(f"oracle: {agree} of {agree + wrong} decided rosters agree with scipy's MILP (HiGHS), "
          f"each of their {claims} impossibility proofs confirmed; {wrong} disagree; "
          f"{not_reached} not reached ({reached_feasible} of them feasible); {time.time() - start:.1f} s")
    sys.exit(1 if wrong else 0)


main()
