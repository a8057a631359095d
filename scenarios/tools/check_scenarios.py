#!/usr/bin/python3
"""Checks the scenario files against docs/scenario-format.md, independently of the C++ loader.

    /usr/bin/python3 scenarios/tools/check_scenarios.py [FILE.toml ...]

With no arguments, checks every *.toml under scenarios/. For each file: TOML syntax
(tomllib), overlays resolved as the format says (tables merge key by key; area,
centre, hospital, session and campaign merge by name; `remove = true` deletes; other
arrays are replaced), unknown keys, types and ranges, names unique, every reference
(parents, centres, hubs, hospitals' centres, links, session and campaign areas)
resolving, every leaf area reaching a centre, session dates inside the period, shares
summing to 1, and parents' populations equal to the sum of their children's.
Standard library only; exits 1 if anything is wrong.
"""
from __future__ import annotations

import copy
import datetime as dt
import re
import sys
import tomllib
from pathlib import Path

SCEN = Path(__file__).resolve().parent.parent
NAMED_ARRAYS = ("area", "centre", "hospital", "session", "campaign")
PRODUCTS = ("red_cells", "platelets", "plasma")
GROUPS = ("O+", "O-", "A+", "A-", "B+", "B-", "AB+", "AB-")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

# key -> kind; kinds: str, date, int, num, share, bool, list:N (numbers), table (special)
COSTS = {"cost_per_unit_ordered": "num", "cost_per_unit_day_held": "num", "cost_per_unit_short": "num",
         "cost_per_unit_outdated": "num", "revenue_per_unit_issued": "num"}
TOP = {"name": "str", "extends": "str", "start": "date", "end": "date", "seed": "int", "warm_up_days": "int",
       "local_travel_minutes": "num", "area": "array", "centre": "array", "hospital": "array",
       "link": "array", "session": "array", "campaign": "array", "appeals": "table", "collection": "table", "season": "table",
       "turnout": "table", "initial_pool": "table", "processing": "table", "demand": "table",
       "policy": "table", "drive_flow": "table"}
AREA = {"name": "str", "parent": "str", "population": "int", "centre": "str", "eligible_share": "share",
        "known_donor_share": "share", "student_share": "share", "engagement": "num", "remove": "bool"}
CENTRE = {"name": "str", "area": "str", "hub": "str", "order_up_to_days": "num", "reserve_days": "num",
          "initial_stock_days": "num", "storage_red_cell_units": "int", "remove": "bool", **COSTS}
HOSPITAL = {"name": "str", "area": "str", "centre": "str", "population_served": "num",
            "order_up_to_days": "num", "reorder_point_units": "products", "order_up_to_units": "products",
            "initial_stock_days": "num", "external_lead_time_days": "int", "remove": "bool",
            "standing_order_units": "products", "order_policy": "str", "review": "str", **COSTS}
LINK = {"from": "str", "to": "str", "travel_minutes": "pos"}
SESSION = {"name": "str", "area": "str", "organiser": "str", "date": "when", "weekdays": "weekdays",
           "from": "when", "to": "when", "capacity": "int", "capacity_per_100k": "num", "target_units": "int",
           "invitations_per_capacity": "num", "walk_in_per_capacity": "num", "resources": "resources",
           "remove": "bool"}
RESOURCES = {"opens": "str", "closes": "str", "registration_desks": "int", "screening_desks": "int", "beds": "int",
             "staff_per_bed": "num", "arrival_profile": "numbers", "appointment_slot_minutes": "int"}
DURATION = {"distribution": "str", "mean_minutes": "num", "sd_minutes": "num"}
DRIVE_FLOW = {k: "duration" for k in ("registration", "screening", "bed_setup", "donation_250ml", "donation_350ml",
                                      "donation_450ml", "rest", "patience")}
CAMPAIGN = {"name": "str", "start": "when", "end": "when", "areas": "strings", "turnout_factor": "num",
            "recruitment_factor": "num", "session": "sessions", "remove": "bool"}
APPEALS = {"enabled": "bool", "threshold_days": "num", "delay_days": "int", "turnout_factor": "num",
           "walk_in_factor": "num", "decay_days": "num", "cooldown_days": "int"}
COLLECTION = {"intake_cap_days": "num", "push_below_days": "num", "push_invitation_factor": "num"}
SEASON = {"tet": "date", "tet_days_before": "int", "tet_days_after": "int", "tet_student_presence": "share",
          "tet_worker_presence": "share", "student_presence_by_month": "shares:12",
          "worker_presence_by_month": "shares:12"}
TURNOUT = {"response_probability": "shares:3", "lapse_days": "list:3", "deferral_probability": "shares:3",
           "min_interval_days": "int", "repeat_after_donations": "int", "regular_after_donations": "int",
           "volume_shares": "sum1:3", "group_shares": "groups", "student_share_of_recruits": "share",
           "return_factor_after_leaving": "share"}
INITIAL_POOL = {"kind_shares": "sum1:3", "last_donation_spread_days": "int"}
PROCESSING = {"testing_delay_days": "int", "discard_share": "share", "platelet_share": "share",
              "platelet_pool_size": "int", "plasma_share": "share", "shelf_life_days": "products"}
DEMAND = {"weekday_factors": "list:7", "month_factors": "list:12", "tet_surge_factor": "num",
          "tet_surge_days_before": "int", "tet_surge_days_after": "int", "group_shares": "groups",
          "emergency_share": "share", "max_wait_days": "int", "red_cells": "product", "platelets": "product",
          "plasma": "product"}
PRODUCT = {"per_1000_population_per_year": "num", "fixed_per_day": "num", "distribution": "distribution",
           "dispersion": "num"}
POLICY = {"issue": "issue", "substitution": "bool", "hub_supply": "bool", "min_remaining_shelf_days": "int"}
TABLES = {"appeals": APPEALS, "collection": COLLECTION, "season": SEASON, "turnout": TURNOUT,
          "initial_pool": INITIAL_POOL, "processing": PROCESSING, "demand": DEMAND, "policy": POLICY,
          "drive_flow": DRIVE_FLOW}


def shown(path: Path) -> str:
    try:
        return str(path.relative_to(SCEN.parent))
    except ValueError:
        return str(path)


class Checker:
    def __init__(self, path: Path):
        self.path = path
        self.errors: list[str] = []
        self.warnings: list[str] = []

    def err(self, where: str, msg: str) -> None:
        self.errors.append(f"{shown(self.path)}: {where}: {msg}")

    def warn(self, where: str, msg: str) -> None:
        self.warnings.append(f"{shown(self.path)}: {where}: {msg}")

    # --- loading with overlays ---
    def load(self, path: Path, seen: tuple = ()) -> dict:
        if path in seen:
            self.err("extends", f"cycle through {path}")
            return {}
        with open(path, "rb") as f:
            doc = tomllib.load(f)
        base_name = doc.get("extends")
        if base_name is None:
            return doc
        base = self.load((path.parent / base_name).resolve(), seen + (path,))
        return self.overlay(base, doc)

    def overlay(self, base: dict, over: dict) -> dict:
        out = copy.deepcopy(base)
        out.pop("extends", None)
        for key, value in over.items():
            if key == "extends":
                continue
            if key in NAMED_ARRAYS:
                entries = out.setdefault(key, [])
                for e in value:
                    names = [x.get("name") for x in entries]
                    if e.get("name") in names:
                        i = names.index(e["name"])
                        if e.get("remove"):
                            entries.pop(i)
                        else:
                            entries[i].update(e)
                    elif not e.get("remove"):
                        entries.append(copy.deepcopy(e))
                    else:
                        self.err(f"{key}.{e.get('name')}", "remove = true for an unknown name")
            elif isinstance(value, dict) and isinstance(out.get(key), dict):
                merged = out[key]
                for k, v in value.items():
                    if isinstance(v, dict) and isinstance(merged.get(k), dict):
                        merged[k].update(v)
                    else:
                        merged[k] = v
            else:
                out[key] = copy.deepcopy(value)
        return out

    # --- values ---
    def value(self, where: str, kind: str, v) -> None:
        def is_num(x):
            return isinstance(x, (int, float)) and not isinstance(x, bool)

        if kind == "str":
            ok = isinstance(v, str)
        elif kind == "date":
            ok = isinstance(v, dt.date) and not isinstance(v, dt.datetime)
            if isinstance(v, str):
                try:
                    dt.date.fromisoformat(v)
                    ok = True
                except ValueError:
                    ok = False
        elif kind == "when":  # a date, or a yearly one: "MM-DD", "Tết + N days"
            ok = (isinstance(v, dt.date) and not isinstance(v, dt.datetime)) or (
                isinstance(v, str) and (yearly(v) or absolute(v) is not None))
        elif kind == "int":
            ok = isinstance(v, int) and not isinstance(v, bool) and v >= 0
        elif kind == "num":
            ok = is_num(v) and v >= 0
        elif kind == "pos":
            ok = is_num(v) and v > 0
        elif kind == "share":
            ok = is_num(v) and 0 <= v <= 1
        elif kind == "bool":
            ok = isinstance(v, bool)
        elif kind == "strings":
            ok = isinstance(v, list) and all(isinstance(x, str) for x in v)
        elif kind == "weekdays":
            ok = isinstance(v, list) and len(v) > 0 and all(x in WEEKDAYS for x in v) and len(set(v)) == len(v)
        elif kind.startswith(("list:", "shares:", "sum1:")):
            n = int(kind.split(":")[1])
            ok = isinstance(v, list) and len(v) == n and all(is_num(x) for x in v)
            if ok and kind.startswith("shares:"):
                ok = all(0 <= x <= 1 for x in v)
            if ok and kind.startswith("sum1:"):
                ok = all(x >= 0 for x in v) and abs(sum(v) - 1) < 1e-9
        elif kind == "groups":
            ok = isinstance(v, dict) and set(v) <= set(GROUPS) and all(is_num(x) and x >= 0 for x in v.values()) \
                and abs(sum(v.values()) - 1) < 1e-9
        elif kind == "products":
            ok = isinstance(v, dict) and set(v) <= set(PRODUCTS) and all(isinstance(x, int) and x >= 0 for x in v.values())
        elif kind == "distribution":
            ok = v in ("poisson", "negative_binomial", "gamma")
        elif kind == "issue":
            ok = v in ("fifo", "lifo")
        else:
            ok = True
        if not ok:
            self.err(where, f"expected {kind}, found {v!r}")

    def table(self, where: str, schema: dict, t: dict) -> None:
        if not isinstance(t, dict):
            self.err(where, "expected a table")
            return
        for k, v in t.items():
            if k not in schema:
                self.err(f"{where}.{k}", "unknown key")
                continue
            kind = schema[k]
            if kind == "product":
                self.table(f"{where}.{k}", PRODUCT, v)
            elif kind == "resources":
                self.table(f"{where}.{k}", RESOURCES, v)
            elif kind == "duration":
                self.table(f"{where}.{k}", DURATION, v)
            elif kind == "numbers":
                if not isinstance(v, list) or not all(isinstance(x, (int, float)) and x >= 0 for x in v):
                    self.err(f"{where}.{k}", "expected an array of non-negative numbers")
            elif kind == "sessions":
                if not isinstance(v, list):
                    self.err(f"{where}.{k}", "expected an array of tables")
                else:
                    for i, s in enumerate(v):
                        self.table(f"{where}.{k}[{i}]", SESSION, s)
            elif kind not in ("array", "table"):
                self.value(f"{where}.{k}", kind, v)

    # --- the whole scenario ---
    def check(self) -> None:
        try:
            doc = self.load(self.path.resolve())
        except tomllib.TOMLDecodeError as e:
            self.err("syntax", str(e))
            return
        for k, v in doc.items():
            if k not in TOP:
                self.err(k, "unknown top-level key")
            elif TOP[k] == "table":
                self.table(k, TABLES[k], v)
            elif TOP[k] not in ("array",):
                self.value(k, TOP[k], v)
        for k, schema in (("area", AREA), ("centre", CENTRE), ("hospital", HOSPITAL), ("link", LINK),
                          ("session", SESSION), ("campaign", CAMPAIGN)):
            for i, e in enumerate(doc.get(k, [])):
                self.table(f"{k}[{i}]", schema, e)
        for req in ("name", "start", "end"):
            if req not in doc:
                self.err(req, "required")
        if self.errors and any(m.endswith(": required") for m in self.errors):
            return
        try:
            self.references(doc)
        except (KeyError, TypeError, ValueError) as e:  # malformed entries already reported above
            self.err("references", f"not checked further ({type(e).__name__}: {e})")

    def references(self, doc: dict) -> None:
        date = lambda x: x if isinstance(x, dt.date) else dt.date.fromisoformat(x)  # noqa: E731
        start, end = date(doc["start"]), date(doc["end"])
        if end < start:
            self.err("end", "before start")

        def unique(kind, names):
            seen = set()
            for n in names:
                if n in seen:
                    self.err(kind, f"duplicate name {n!r}")
                seen.add(n)
            return seen

        areas = {a["name"]: a for a in doc.get("area", [])}
        unique("area", [a["name"] for a in doc.get("area", [])])
        centres = {c["name"]: c for c in doc.get("centre", [])}
        hospitals = {h["name"]: h for h in doc.get("hospital", [])}
        sites = unique("centre/hospital", list(centres) + list(hospitals))
        unique("campaign", [c["name"] for c in doc.get("campaign", [])])
        all_sessions = list(doc.get("session", [])) + [s for c in doc.get("campaign", []) for s in c.get("session", [])]
        unique("session", [s["name"] for s in all_sessions])

        for a in areas.values():
            w = f"area {a['name']}"
            if a.get("parent") and a["parent"] not in areas:
                self.err(w, f"parent {a['parent']!r} is not an area")
            if a.get("centre") and a["centre"] not in centres:
                self.err(w, f"centre {a['centre']!r} is not a centre")
        children: dict[str, list] = {}
        for a in areas.values():
            children.setdefault(a.get("parent", ""), []).append(a)
        for name, kids in children.items():
            if name and "population" in areas.get(name, {}):
                total = sum(k.get("population", 0) for k in kids)
                if total != areas[name]["population"]:
                    self.warn(f"area {name}", f"population {areas[name]['population']} != sum of children {total}")
        centre_areas = {c["area"] for c in centres.values()}
        for a in areas.values():
            if a["name"] in children:
                continue  # not a leaf
            n, reached, hops = a["name"], False, 0
            while n and hops < 100:
                if areas[n].get("centre") or n in centre_areas:
                    reached = True
                    break
                n, hops = areas[n].get("parent", ""), hops + 1
            if not reached and a.get("population", 0) > 0:
                self.err(f"area {a['name']}", "leaf reaches no centre")
        for c in centres.values():
            w = f"centre {c['name']}"
            if c["area"] not in areas:
                self.err(w, f"area {c['area']!r} is not an area")
            hub = c.get("hub", "")
            if hub:
                if hub not in centres:
                    self.err(w, f"hub {hub!r} is not a centre")
                elif centres[hub].get("hub", ""):
                    self.err(w, f"hub {hub!r} is not itself a hub")
        for h in hospitals.values():
            w = f"hospital {h['name']}"
            if h["area"] not in areas:
                self.err(w, f"area {h['area']!r} is not an area")
            if h["centre"] != "external" and h["centre"] not in centres:
                self.err(w, f"centre {h['centre']!r} is not a centre")
        # connectivity: every supplier relation must have a route
        adj: dict[str, set] = {s: set() for s in sites}
        for i, l in enumerate(doc.get("link", [])):
            for end_ in ("from", "to"):
                if l[end_] not in sites:
                    self.err(f"link[{i}]", f"{end_} {l[end_]!r} is not a centre or hospital")
            if l["from"] in sites and l["to"] in sites:
                adj[l["from"]].add(l["to"])
                adj[l["to"]].add(l["from"])
        site_area = {**{c["name"]: c["area"] for c in centres.values()}, **{h["name"]: h["area"] for h in hospitals.values()}}
        for a_ in set(site_area.values()):
            group = [s for s, ar in site_area.items() if ar == a_]
            for x in group:
                adj[x].update(y for y in group if y != x)

        def route(a_, b_):
            seen, todo = {a_}, [a_]
            while todo:
                x = todo.pop()
                if x == b_:
                    return True
                for y in adj[x] - seen:
                    seen.add(y)
                    todo.append(y)
            return False

        for c in centres.values():
            if c.get("hub") in centres and not route(c["name"], c["hub"]):
                self.err(f"centre {c['name']}", f"no route to its hub {c['hub']!r}")
        for h in hospitals.values():
            if h["centre"] in centres and not route(h["name"], h["centre"]):
                self.err(f"hospital {h['name']}", f"no route to its centre {h['centre']!r}")

        for s in all_sessions:
            w = f"session {s['name']}"
            if s["area"] not in areas:
                self.err(w, f"area {s['area']!r} is not an area")
            if ("date" in s) == ("weekdays" in s):
                self.err(w, "exactly one of date and weekdays")
            for k in ("date", "from", "to"):
                if k in s and not yearly(s[k]) and not (start <= date(s[k]) <= end):
                    self.err(w, f"{k} {s[k]} outside the simulated period")
            if "from" in s and "to" in s and not yearly(s["from"]) and date(s["to"]) < date(s["from"]):
                self.err(w, "to before from")
        for c in doc.get("campaign", []):
            w = f"campaign {c['name']}"
            if not yearly(c["start"]) and date(c["end"]) < date(c["start"]):
                self.err(w, "end before start")
            for a in c.get("areas", []):
                if a not in areas:
                    self.err(w, f"area {a!r} is not an area")
            for s in c.get("session", []):
                if "date" in s and not yearly(s["date"]) and not yearly(c["start"]) and not (
                        date(c["start"]) <= date(s["date"]) <= date(c["end"])):
                    self.warn(w, f"session {s['name']} on {s['date']} outside the campaign window")
        if "tet" in doc.get("season", {}):  # else computed by giotmau for every year
            tet = date(doc["season"]["tet"])
            if not (start - dt.timedelta(days=60) <= tet <= end + dt.timedelta(days=60)):
                self.warn("season.tet", f"{tet} far from the simulated period")
        self.summary = (f"{len(areas)} areas, {len(centres)} centres, {len(hospitals)} hospitals, "
                        f"{len(doc.get('link', []))} links, {len(all_sessions)} sessions, "
                        f"{len(doc.get('campaign', []))} campaigns, targets {sum(s.get('target_units', 0) for s in all_sessions):,} units")


def absolute(v):
    try:
        return v if isinstance(v, dt.date) else dt.date.fromisoformat(v.strip())
    except ValueError:
        return None


def yearly(v) -> bool:
    """A yearly date (docs/scenario-format.md): "MM-DD" or "Tết ± N days"."""
    if not isinstance(v, str):
        return False
    return bool(re.fullmatch(r"\s*(\d\d-\d\d|(Tết|Tet|tet)(\s*[+-]\s*\d{1,3}\s*days?)?)\s*", v))


def main(argv: list[str]) -> int:
    files = [Path(a) for a in argv] if argv else sorted(SCEN.rglob("*.toml"))
    bad = 0
    for f in files:
        c = Checker(f.resolve())
        c.summary = ""
        c.check()
        for m in c.warnings:
            print("warning:", m)
        for m in c.errors:
            print("error:", m)
        status = "FAIL" if c.errors else "ok"
        print(f"{status:4s} {shown(f.resolve())}  {c.summary}")
        bad += bool(c.errors)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
