#!/usr/bin/python3
"""The domain-level peer benchmark, SimPy's side: the system of bench/peer/peer.toml.

One centre, 20 hospitals with Poisson demand (mean 10 red cells a day each),
FIFO stock of red cells with a 42-day shelf life, daily base-stock orders (up to
30 units on hand + on order) filled by the centre with units that last 3 more
days, a daily session with Poisson walk-ins (mean 240), 14% deferral and 2-day
testing; ten years (2020-01-01 .. 2029-12-31). The day follows giotmau's
(engine/blood/model.cpp): 06:00 expiry, tested units on the shelf, the session;
12:00 demand; 18:00 what expired today out, orders and shipments (60 minutes on
the road); 23:00 what expired today out, the stock count. Prints `key: value`
lines like bench/peer/giotmau_peer.cpp.

Run with Debian's /usr/bin/python3 (python3-simpy3, python3-numpy).
"""
import argparse
import bisect
import datetime
import math
import time

import numpy
import simpy

MINUTES_PER_DAY = 24 * 60
HOSPITALS = 20
DEMAND_PER_DAY = 10.0          # per hospital, Poisson
ORDER_UP_TO_DAYS = 3           # hospitals: base stock = ceil(3 x 10) = 30
HOSPITAL_INITIAL_DAYS = 3
CENTRE_INITIAL_DAYS = 7
WALK_INS_PER_DAY = 240.0       # Poisson (0.96 per place x 250 places)
DEFERRAL = 0.14                # walk-ins are first-time donors
TESTING_DAYS = 2
SHELF_DAYS = 42
MIN_REMAINING_DAYS = 3         # a shipped unit is usable this many days after arrival
TRAVEL_MINUTES = 60
FIRST_DAY = datetime.date(2020, 1, 1)
LAST_DAY = datetime.date(2029, 12, 31)


class Stock:
    """Batches [expires, made, units] in order of expiry: FIFO is the front."""

    def __init__(self):
        self.batches = []

    def add(self, made, expires, units):
        if units <= 0:
            return
        b = self.batches
        if b and b[-1][0] == expires and b[-1][1] == made:
            b[-1][2] += units
            return
        bisect.insort(b, [expires, made, units])

    def on_hand(self):
        return sum(batch[2] for batch in self.batches)

    def remove_expired(self, today):
        b, outdated, n = self.batches, 0, 0
        while n < len(b) and b[n][0] < today:
            outdated += b[n][2]
            n += 1
        del b[:n]
        return outdated

    def take(self, wanted, usable_until):
        """Takes up to `wanted` units, oldest first, among those expiring on or after `usable_until`."""
        b = self.batches
        i = 0
        while i < len(b) and b[i][0] < usable_until:
            i += 1
        taken, parts = 0, []
        while i < len(b) and taken < wanted:
            n = min(b[i][2], wanted - taken)
            parts.append((b[i][0], b[i][1], n))
            taken += n
            if n < b[i][2]:
                b[i][2] -= n
                break
            del b[i]
        return taken, parts


def initial_stock(stock, units, first_day):
    """`units` spread evenly over ages 0 .. shelf/2 - 1, as giotmau's initial stock."""
    spread = max(1, SHELF_DAYS // 2)
    for age in range(spread):
        share = units * (age + 1) // spread - units * age // spread
        made = first_day - age
        stock.add(made, made + SHELF_DAYS - 1, share)


class System:
    def __init__(self, env, seed, days):
        self.env = env
        self.random = numpy.random.default_rng(seed)
        self.days = days
        self.centre = Stock()
        self.hospitals = [Stock() for _ in range(HOSPITALS)]
        self.on_order = [0] * HOSPITALS
        self.testing = []  # [ready day, collected day, units]
        initial_stock(self.centre, round(HOSPITALS * DEMAND_PER_DAY * CENTRE_INITIAL_DAYS), 0)
        for h in self.hospitals:
            initial_stock(h, round(DEMAND_PER_DAY * HOSPITAL_INITIAL_DAYS), 0)
        self.totals = dict(collected=0, requested=0, issued=0, shortage=0, outdated=0, stock=0, age=0)
        env.process(self.centre_days())
        for h in range(HOSPITALS):
            env.process(self.hospital_days(h))
        env.process(self.stock_counts())

    def centre_days(self):
        for day in range(self.days):
            yield self.env.timeout(day * MINUTES_PER_DAY + 6 * 60 - self.env.now)
            for stock in [self.centre] + self.hospitals:
                self.totals["outdated"] += stock.remove_expired(day)
            while self.testing and self.testing[0][0] <= day:
                _, made, units = self.testing.pop(0)
                self.centre.add(made, made + SHELF_DAYS - 1, units)
            walk_ins = int(self.random.poisson(WALK_INS_PER_DAY))
            donated = int(self.random.binomial(walk_ins, 1.0 - DEFERRAL))
            self.totals["collected"] += donated
            if donated:
                self.testing.append([day + TESTING_DAYS, day, donated])

    def hospital_days(self, h):
        stock = self.hospitals[h]
        target = math.ceil(ORDER_UP_TO_DAYS * DEMAND_PER_DAY - 1e-9)
        for day in range(self.days):
            yield self.env.timeout(day * MINUTES_PER_DAY + 12 * 60 - self.env.now)
            requests = int(self.random.poisson(DEMAND_PER_DAY))
            issued, parts = stock.take(requests, day)
            self.totals["requested"] += requests
            self.totals["issued"] += issued
            self.totals["shortage"] += requests - issued
            self.totals["age"] += sum((day - made) * n for _, made, n in parts)
            yield self.env.timeout(18 * 60 - 12 * 60)
            # As giotmau's review: units whose last day was today leave first, so
            # that the order counts only the stock still usable tomorrow.
            self.totals["outdated"] += stock.remove_expired(day + 1)
            order = max(0, target - (stock.on_hand() + self.on_order[h]))
            if order > 0:
                self.on_order[h] += order
                _, parts = self.centre.take(order, day + MIN_REMAINING_DAYS)
                self.env.process(self.deliver(h, order, parts))

    def deliver(self, h, ordered, parts):
        yield self.env.timeout(TRAVEL_MINUTES)
        for expires, made, n in parts:
            self.hospitals[h].add(made, expires, n)
        self.on_order[h] = max(0, self.on_order[h] - ordered)

    def stock_counts(self):
        for day in range(self.days):
            yield self.env.timeout(day * MINUTES_PER_DAY + 23 * 60 - self.env.now)
            # As giotmau's evening count: what expired today is outdated, not counted.
            for stock in [self.centre] + self.hospitals:
                self.totals["outdated"] += stock.remove_expired(day + 1)
            self.totals["stock"] += self.centre.on_hand() + sum(h.on_hand() for h in self.hospitals)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    days = (LAST_DAY - FIRST_DAY).days + 1
    started, cpu_started = time.perf_counter(), time.process_time()
    env = simpy.Environment()
    system = System(env, args.seed, days)
    env.run()
    seconds = time.perf_counter() - started
    cpu_seconds = time.process_time() - cpu_started
    t = system.totals
    print("tool: simpy")
    print(f"days: {days}")
    for key in ("collected", "requested", "issued", "shortage", "outdated"):
        print(f"{key}_per_day: {t[key] / days:.3f}")
    print(f"mean_stock_units: {t['stock'] / days:.1f}")
    print(f"mean_age_at_issue_days: {t['age'] / max(1, t['issued']):.2f}")
    print(f"run_seconds: {seconds:.4f}")
    print(f"cpu_seconds: {cpu_seconds:.4f}")
    print(f"days_per_second: {days / seconds:.0f}")
    print(f"days_per_cpu_second: {days / cpu_seconds:.0f}")


if __name__ == "__main__":
    main()
