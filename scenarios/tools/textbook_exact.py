#!/usr/bin/python3
"""Exact long-run daily means of the textbook perishable-inventory cases.

An independent check of scenarios/textbook/*.toml: the same problems solved as
a Markov chain over the age vector of the stock, with no simulation. One
period (a day), as giotmau runs these scenarios (docs/scenario-format.md,
"A day"):
  1. the order placed at yesterday's review arrives fresh (usable m days);
  2. review (morning): position x = stock on hand (all usable today);
     base stock: order S - x if x < S;
     waste-conscious (Hendrix et al. 2019): order S - x + max(x_oldest - mu, 0)
     if x < S, x_oldest = units whose last usable day is today;
  3. demand D, issued FIFO (oldest first) or LIFO, the rest lost;
  4. units on their last usable day and not issued are outdated;
  5. holding is charged on the units carried into tomorrow.
Costs per day: order * ordered + holding * carried + short * lost
+ outdate * outdated - revenue * issued.

  /usr/bin/python3 scenarios/tools/textbook_exact.py            # all five cases at their S
  /usr/bin/python3 scenarios/tools/textbook_exact.py --sweep 3  # and S +- 3: the best S
  /usr/bin/python3 scenarios/tools/textbook_exact.py --check hendrix-2019-m3 r.h5
      # a results file of `giotmau run scenarios/textbook/hendrix-2019-m3.toml -n 100 -o r.h5`:
      # the simulated daily means after the warm-up, with 99% intervals, against the exact ones
"""
import argparse
import math

import numpy as np


def poisson_pmf(mean, tail=1e-13):
    p, k, out = math.exp(-mean), 0, []
    while True:
        out.append(p)
        k += 1
        p *= mean / k
        if k > mean and sum(out) > 1 - tail:
            break
    out[-1] += 1 - sum(out)
    return out


def rounded_gamma_pmf(mean, cv, tail=1e-13):
    """P(round(G) = k), G gamma with this mean and coefficient of variation."""
    shape = 1 / cv**2
    scale = mean / shape

    def cdf(x):  # regularised lower incomplete gamma, by its series
        if x <= 0:
            return 0.0
        z = x / scale
        term = total = 1.0 / shape
        n = 0
        while term > 1e-17 * total:
            n += 1
            term *= z / (shape + n)
            total += term
        return total * math.exp(-z + shape * math.log(z) - math.lgamma(shape))

    out, k = [], 0
    while True:
        out.append(cdf(k + 0.5) - cdf(k - 0.5))
        k += 1
        if k > mean and cdf(k - 0.5) > 1 - tail:
            break
    out[-1] += 1 - sum(out)
    return out


CASES = {
    "de-moor-2022-fifo": dict(m=2, S=7, demand=rounded_gamma_pmf(4, 0.5), fifo=True, wc=False, mu=4,
                              costs=dict(order=3, hold=1, short=5, outdate=7, revenue=0)),
    "de-moor-2022-lifo": dict(m=2, S=5, demand=rounded_gamma_pmf(4, 0.5), fifo=False, wc=False, mu=4,
                              costs=dict(order=3, hold=1, short=5, outdate=7, revenue=0)),
    "hendrix-2019-m2": dict(m=2, S=13, demand=poisson_pmf(5), fifo=True, wc=True, mu=5,
                            costs=dict(order=0.5, hold=0, short=0, outdate=0, revenue=1)),
    "hendrix-2019-m3": dict(m=3, S=15, demand=poisson_pmf(5), fifo=True, wc=True, mu=5,
                            costs=dict(order=0.5, hold=0, short=0, outdate=0, revenue=1)),
    "hendrix-2019-m4": dict(m=4, S=17, demand=poisson_pmf(5), fifo=True, wc=True, mu=5,
                            costs=dict(order=0.5, hold=0, short=0, outdate=0, revenue=1)),
}


def step(state, S, d, fifo, wc, mu):
    """state: units on hand by remaining life 1..m, after today's arrival."""
    x = sum(state)
    q = 0
    if x < S:
        q = S - x + (max(state[0] - mu, 0) if wc else 0)
    left = list(state)
    want = d
    order = range(len(left)) if fifo else range(len(left) - 1, -1, -1)
    for i in order:
        take = min(left[i], want)
        left[i] -= take
        want -= take
    issued = d - want
    outdated = left[0]
    carried = left[1:]
    nxt = tuple(carried) + (q,)
    return nxt, dict(ordered=q, issued=issued, short=want, outdated=outdated, held=sum(carried), requested=d)


def exact_means(m, S, demand, fifo, wc, mu, costs):
    start = tuple([0] * (m - 1) + [S])
    index, states, edges = {start: 0}, [start], []
    rewards = []
    i = 0
    while i < len(states):
        s = states[i]
        row = {}
        for d, p in enumerate(demand):
            if p == 0:
                continue
            nxt, r = step(s, S, d, fifo, wc, mu)
            if nxt not in index:
                index[nxt] = len(states)
                states.append(nxt)
            edges.append((i, index[nxt], p))
            for k, v in r.items():
                row[k] = row.get(k, 0.0) + p * v
        rewards.append(row)
        i += 1
    n = len(states)
    src = np.array([e[0] for e in edges])
    dst = np.array([e[1] for e in edges])
    prob = np.array([e[2] for e in edges])
    pi = np.full(n, 1.0 / n)
    for _ in range(100000):
        new = np.bincount(dst, weights=pi[src] * prob, minlength=n)
        if np.abs(new - pi).sum() < 1e-15:
            pi = new
            break
        pi = new
    keys = ["requested", "ordered", "issued", "short", "outdated", "held"]
    means = {k: float(sum(pi[j] * rewards[j][k] for j in range(n))) for k in keys}
    means["cost"] = (costs["order"] * means["ordered"] + costs["hold"] * means["held"] + costs["short"] * means["short"]
                     + costs["outdate"] * means["outdated"] - costs["revenue"] * means["issued"])
    means["states"] = n
    return means


def check(name, path, warm_up_days=200):
    """Simulated daily means per replication (after the warm-up) against the exact means."""
    import h5py
    exact = exact_means(**CASES[name])
    ok = True
    with h5py.File(path, "r") as f:
        daily = f["daily"]
        cost = daily["cost"][:, warm_up_days:, :].sum(axis=2).mean(axis=1)
        rows = {"cost": cost}
        for measure, key in [("ordered", "ordered"), ("issued", "issued"), ("shortage", "short"),
                             ("outdated", "outdated"), ("requested", "requested")]:
            # red cells, all areas and groups
            rows[key] = daily[measure][:, warm_up_days:, :, :, 0].sum(axis=(2, 3)).mean(axis=1)
    n = len(cost)
    z = 2.576  # 99%, normal: use at least 30 replications
    for key, values in rows.items():
        mean, half = values.mean(), z * values.std(ddof=1) / math.sqrt(n)
        inside = abs(mean - exact[key]) <= half
        ok &= inside
        print(f"{name} {key:10s} exact {exact[key]:.5f}  simulated {mean:.5f} ± {half:.5f} (99%, n={n})"
              f"  {'ok' if inside else 'OUTSIDE'}")
    return ok


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sweep", type=int, default=0, help="also solve S - k .. S + k and name the best S")
    parser.add_argument("--check", nargs=2, metavar=("CASE", "RESULTS_H5"), help="compare a results file")
    args = parser.parse_args()
    if args.check:
        raise SystemExit(0 if check(*args.check) else 1)
    for name, c in CASES.items():
        e = exact_means(**c)
        print(f"{name} S={c['S']}: " + " ".join(f"{k}={e[k]:.6f}" for k in
                                                  ["requested", "ordered", "issued", "short", "outdated", "held", "cost"]))
        if args.sweep:
            costs = {}
            for S in range(max(1, c["S"] - args.sweep), c["S"] + args.sweep + 1):
                costs[S] = exact_means(**{**c, "S": S})["cost"]
            best = min(costs, key=costs.get)
            print("  cost per day by S: " + " ".join(f"{S}:{v:.5f}" for S, v in costs.items()) + f"  best S = {best}")


if __name__ == "__main__":
    main()
