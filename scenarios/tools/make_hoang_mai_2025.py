#!/usr/bin/python3
"""Generates the Hoàng Mai district 2025 scenario from the plan's drive list.

    /usr/bin/python3 scenarios/tools/make_hoang_mai_2025.py

reads   scenarios/data/hoang-mai-2025-drives.csv   (seed 003, section II.1.3)
writes  scenarios/hoang-mai-2025.toml

Standard library only (Debian's Python 3.11); deterministic. Sources in the comments
as in make_vietnam_2025.py: "domain.md", "seed 00x", "data README", "assumed".
"""
from __future__ import annotations

import csv
import datetime as dt
import math
import sys
import unicodedata
from pathlib import Path

sys.dont_write_bytecode = True
sys.path.insert(0, str(Path(__file__).resolve().parent))
import make_vietnam_2025 as nat  # noqa: E402  (shared TOML helpers and national parameters)

SCEN = nat.SCEN
COMMAND = "/usr/bin/python3 scenarios/tools/make_hoang_mai_2025.py"

PLAN_TARGET = 3300                 # seed 003: district target 2025
PLAN_RATE = 0.0043                 # seed 003: ward targets ≈ 0.43% of the ward population
CAPACITY_OVER_TARGET = 1.25        # assumed: places set up ~25% above the drive's target
# calibrated: tests/calibration/calibration_test.cpp (CalibrationHoangMai, mean of 8
# replications) checks that the 21 drives give 3,300 ± 10% and each drive its target
# ± 25%. On the engine of the "Scenarios" issue (national response probabilities
# 0.132/0.315/0.578): ~3,310 units (3,290-3,340 over other seed ranges); spring drives
# run 3-16% over their targets, summer and autumn ones 3-17% under (students away,
# lapsing donors), mean absolute deviation ~8%. With the drives run as queues (the
# resources below; issue 15) the 20-replication mean moves from 3,291 to 3,239 units
# (-1.6%: ~1.6% of arrivals leave before donating); not refitted.
WARD_KNOWN_DONOR_SHARE = 0.02      # assumed: residents who gave in the last year and whom the ward can invite
WARD_STUDENT_SHARE = 0.25          # assumed: residential wards; students mostly give at their universities
WARD_ENGAGEMENT = 0.9              # calibrated, see above
ORG_KNOWN_DONOR_SHARE = 0.02       # assumed, same as wards
ORG_STUDENT_SHARE = 0.5            # assumed: youth union, vocational schools, youth volunteer team
ORG_ENGAGEMENT = 0.9               # assumed/calibrated, as wards
HOSPITAL_POPULATION_SERVED = 100_000  # assumed, see the hospital comment
HOSPITAL_LINK_MINUTES = 45         # assumed: Hoàng Mai to NIHBT (Cầu Giấy), ~10 km across the city

# Drives as queues (docs/scenario-format.md, "Session resources"). A ward drive is a
# Sunday (or Saturday) morning at the ward's cultural house: doors 07:00, registration
# closes 11:30 (assumed, the usual morning drive), most donors in the first two hours
# (assumed profile). The NIHBT team is sized to the target (assumed): one bed per
# BEDS_PER_UNITS units of target, one registration desk per 80 and one screening
# (haemoglobin + physician) desk per 40, plus one each; one bed-side nurse per two beds.
# With these, an average drive's donors (≈1.1 × target arrive) keep the beds ~70%
# busy over the morning and queue in the first two hours.
OPENS, CLOSES = "07:00", "11:30"
ARRIVAL_PROFILE = [3, 3, 2, 1, 0.5]   # assumed: relative arrivals per hour from 07:00
BEDS_PER_UNITS = 20
BIG_DRIVE_UNITS = 200                 # the strategy overlay's "big drives"
MORE_BEDS_FACTOR = 1.5                # the overlay: half as many beds again, and staff to match


def resources(target: int, beds_per_units: float = BEDS_PER_UNITS) -> list[str]:
    beds = math.ceil(target / beds_per_units)
    return [nat.kv("resources.opens", OPENS, "assumed: a morning drive"),
            nat.kv("resources.closes", CLOSES, "assumed: registration closes"),
            nat.kv("resources.registration_desks", math.ceil(target / 80) + 1, "assumed: 1 per 80 units + 1"),
            nat.kv("resources.screening_desks", math.ceil(target / 40) + 1, "assumed: 1 per 40 units + 1"),
            nat.kv("resources.beds", beds, f"assumed: 1 per {beds_per_units:g} units of target"),
            nat.kv("resources.staff_per_bed", 0.5, "assumed: one nurse per two beds"),
            nat.kv("resources.arrival_profile", ARRIVAL_PROFILE, "assumed: most come early")]


def ascii_slug(text: str) -> str:
    t = unicodedata.normalize("NFKD", text.replace("Đ", "D").replace("đ", "d"))
    t = "".join(c for c in t if not unicodedata.combining(c)).lower()
    out, dash = [], False
    for c in t:
        if c.isalnum():
            out.append(c)
            dash = False
        elif not dash:
            out.append("-")
            dash = True
    return "".join(out).strip("-")


def main() -> None:
    with open(nat.DATA / "hoang-mai-2025-drives.csv", encoding="utf-8", newline="") as f:
        drives = list(csv.DictReader(f))
    if len(drives) != 21 or sum(int(d["target_units"]) for d in drives) != PLAN_TARGET:
        sys.exit("the drive list changed: expected 21 drives summing to 3,300 units")

    wards: dict[str, dict] = {}
    for d in drives:
        if d["kind"] == "ward":
            name = "phuong-" + ascii_slug(d["organiser_vi"].removeprefix("Phường").strip())
            wards[name] = {"vi": d["organiser_vi"], "population": int(d["population"])}
    ward_population = sum(w["population"] for w in wards.values())
    org_target = sum(int(d["target_units"]) for d in drives if d["kind"] == "organisation")
    org_population = round(org_target / PLAN_RATE)

    L: list[str] = []
    w = L.append
    L += [
        "# Hoàng Mai district (Hà Nội), 2025: the district's voluntary blood donation plan.",
        "#",
        "# GENERATED FILE - do not edit by hand. Regenerate with:",
        f"#     {COMMAND}",
        "# from scenarios/data/hoang-mai-2025-drives.csv (seed 003: Kế hoạch tổ chức phong trào",
        "# hiến máu tình nguyện năm 2025 trên địa bàn quận Hoàng Mai, section II.1.3).",
        "#",
        "# Sources in comments: 'domain.md' = the project's domain brief; 'seed 00x' = the source",
        "# documents; 'data README' = scenarios/data/README.md; 'assumed' = a modelling choice to",
        "# be calibrated. Format: docs/scenario-format.md.",
        "#",
        "# What is in it: Hà Nội -> Hoàng Mai district -> its 14 wards (populations as listed in",
        "# the plan) plus one 'organisations' area for the district-level bodies (youth volunteer",
        "# team, youth union, labour federation, education sector). The 21 scheduled drives with",
        "# their dates, organisers and targets exactly as in the plan (sum 3,300 units). All the",
        "# district's drives are received by NIHBT (seed 003: 'phối hợp với Viện Huyết học -",
        "# Truyền máu Trung ương'), modelled as the scenario's only centre (a hub). The national",
        "# campaigns the plan responds to (seed 003, II.2 and III.1) raise turnout in their windows.",
        "#",
        "# Caveat: NIHBT's intake from the rest of Hà Nội is not modelled, so supply-side measures",
        "# (stock, shortages between the district's drives, outdates after the August cluster) show",
        "# the district in isolation; use this scenario for collections against the plan.",
        "",
        nat.kv("name", "hoang-mai-2025"),
        nat.kv("start", nat.YEAR_START, "brief: calendar year 2025"),
        nat.kv("end", nat.YEAR_END, "inclusive"),
        nat.kv("seed", 2025, "assumed (any)"),
        "",
        "# ---------------------------------------------------------------------------",
        "# Season, turnout, processing, demand: as in vietnam-2025.toml (see the sources there).",
        "[season]",
        "# tet: computed for every simulated year (Vietnamese lunisolar calendar, UTC+7); 2025-01-29",
        "# in 2025 (domain.md). A `tet = YYYY-MM-DD` line here would override it.",
        nat.kv("tet_days_before", 10, "assumed, as national"),
        nat.kv("tet_days_after", 10, "assumed, as national"),
        nat.kv("student_presence_by_month", [1, 1, 1, 1, 1, 0.45, 0.35, 0.45, 1, 1, 1, 1],
               "assumed (format default); domain.md: students leave in June–August", 80),
        "",
        "[turnout]",
        nat.kv("response_probability", nat.RESPONSE_PROBABILITY, "assumed/calibrated, as national", 60),
        nat.kv("lapse_days", [240, 540, 1080], "assumed, as national", 60),
        nat.kv("deferral_probability", [0.14, 0.07, 0.04], "domain.md: ~14% first-time, ~3–7% regular", 60),
        nat.kv("min_interval_days", 84, "domain.md: 12 weeks (Circular 26/2013/TT-BYT)", 60),
        nat.kv("volume_shares", [0.33, 0.64, 0.03], "domain.md: > 64% of 2025 donations >= 350 ml", 60),
        "",
        "[initial_pool]",
        nat.kv("kind_shares", [0.33, 0.25, 0.42], "domain.md: ~67% repeat donors", 60),
        nat.kv("last_donation_spread_days", 365, "assumed", 60),
        "",
        "[processing]",
        nat.kv("testing_delay_days", 2, "domain.md: ~1–2 days"),
        nat.kv("discard_share", 0.02, "assumed, as national"),
        "",
        "[demand]",
        nat.kv("tet_surge_factor", 1.25, "assumed, as national"),
        "",
        "[demand.red_cells]",
        nat.kv("per_1000_population_per_year", 15.5, "assumed, as national"),
        nat.kv("distribution", "negative_binomial", "assumed, as national"),
        nat.kv("dispersion", 25.0, "assumed, as national"),
        "",
        "[demand.platelets]",
        nat.kv("per_1000_population_per_year", 0.9, "assumed, as national"),
        "",
        "[demand.plasma]",
        nat.kv("per_1000_population_per_year", 6.0, "assumed, as national"),
        "",
        "[policy]",
        nat.kv("min_remaining_shelf_days", 2, "assumed, as national"),
        "",
        "[appeals]",
        nat.kv("enabled", False, "assumed: appeals are NIHBT-wide, not driven by this district's stock"),
        "",
        "# ===========================================================================",
        "# Areas",
        "# ===========================================================================",
        "",
        "# Only Hoàng Mai is modelled, so Hà Nội's population here is the district's.",
        "[[area]]",
        nat.kv("name", "ha-noi"),
        nat.kv("display_name", "Hà Nội"),
        nat.kv("population", ward_population + org_population, "sum of its children"),
        nat.kv("centre", "centre-nihbt", "seed 003: NIHBT receives the drives"),
        "",
        "[[area]]",
        nat.kv("name", "hoang-mai"),
        nat.kv("display_name", "Hoàng Mai"),
        nat.kv("parent", "ha-noi"),
        nat.kv("population", ward_population + org_population, "sum of its children (wards + organisations proxy)"),
        nat.kv("centre", "centre-nihbt", "seed 003"),
        "",
        f"# The 14 wards, populations as listed in the plan (seed 003; they sum to {ward_population:,},",
        "# the plan's total row says 553,720: an inconsistency in the source, data README).",
        f"# Known donors, student share and engagement per ward: assumed ({WARD_KNOWN_DONOR_SHARE},",
        f"# {WARD_STUDENT_SHARE}, {WARD_ENGAGEMENT}; calibrated so that ward drives roughly meet their targets).",
    ]
    for name, info in wards.items():
        L += ["",
              "[[area]]",
              nat.kv("name", name),
              nat.kv("display_name", info["vi"]),
              nat.kv("parent", "hoang-mai"),
              nat.kv("population", info["population"], "seed 003 (ward population, estimated)"),
              nat.kv("known_donor_share", WARD_KNOWN_DONOR_SHARE, "assumed/calibrated"),
              nat.kv("student_share", WARD_STUDENT_SHARE, "assumed"),
              nat.kv("engagement", WARD_ENGAGEMENT, "assumed/calibrated")]
    L += ["",
          "# District-level bodies (seed 003, II.1.2): youth volunteer team 590 units, youth union",
          "# (vocational schools) 100, labour federation 100, education sector 110: their 7 drives",
          f"# target {org_target:,} units. No membership figures are given, so the population is a proxy:",
          f"# the plan's own rule (targets ≈ 0.43% of population, seed 003) inverted, {org_target} / 0.0043",
          f"# = {org_population:,} people reached (workers of the district's enterprises, vocational",
          "# students, teachers; many also live in the wards: a pool proxy, not residents).",
          "[[area]]",
          nat.kv("name", "hoang-mai-organisations"),
          nat.kv("display_name", "Các tổ chức quận Hoàng Mai"),
          nat.kv("parent", "hoang-mai"),
          nat.kv("population", org_population, "assumed proxy, see above"),
          nat.kv("known_donor_share", ORG_KNOWN_DONOR_SHARE, "assumed/calibrated"),
          nat.kv("student_share", ORG_STUDENT_SHARE, "assumed: youth union, vocational schools"),
          nat.kv("engagement", ORG_ENGAGEMENT, "assumed/calibrated"),
          "",
          "# ===========================================================================",
          "# Sites",
          "# ===========================================================================",
          "",
          "# NIHBT (Viện Huyết học - Truyền máu Trung ương, Hà Nội): receives the district's drives",
          "# (seed 003); a hub here, since nothing upstream is modelled.",
          "[[centre]]",
          nat.kv("name", "centre-nihbt"),
          nat.kv("display_name", "Viện Huyết học - Truyền máu Trung ương"),
          nat.kv("area", "ha-noi"),
          nat.kv("hub", "", "a hub (data README: NIHBT is the northern hub)"),
          nat.kv("initial_stock_days", 7, "assumed (format default)"),
          "",
          "# The district's own hospitals, aggregated and sized modestly: most of the district's",
          "# patients are treated in central hospitals elsewhere in Hà Nội, supplied from NIHBT's",
          f"# city-wide stock (not modelled). {HOSPITAL_POPULATION_SERVED:,} people served (assumed) ×",
          f"# 15.5 red cells /1000/yr ≈ {HOSPITAL_POPULATION_SERVED * 15.5 / 1000:,.0f} units a year, about half of what the drives collect.",
          "[[hospital]]",
          nat.kv("name", "hospitals-hoang-mai"),
          nat.kv("display_name", "Các bệnh viện quận Hoàng Mai"),
          nat.kv("area", "hoang-mai"),
          nat.kv("centre", "centre-nihbt"),
          nat.kv("population_served", HOSPITAL_POPULATION_SERVED, "assumed, see above"),
          "",
          "[[link]]",
          nat.kv("from", "hospitals-hoang-mai"),
          nat.kv("to", "centre-nihbt"),
          nat.kv("travel_minutes", HOSPITAL_LINK_MINUTES, "assumed: ~10 km across Hà Nội"),
          "",
          "# ===========================================================================",
          "# The 21 drives of the plan (seed 003, II.1.3; data/hoang-mai-2025-drives.csv): date,",
          "# organiser and target exactly as planned. capacity = ceil(1.25 × target) (assumed:",
          "# places set up somewhat above the target). invitations / walk-ins per place: 3.0 / 0.2",
          "# (assumed, as national). Resources (desks, beds, hours): sized to the target, see the",
          "# generator's comment; service times and patience: the format's [drive_flow] defaults.",
          "# ==========================================================================="]
    for d in drives:
        seq = int(d["seq"])
        target = int(d["target_units"])
        if d["kind"] == "ward":
            area = "phuong-" + ascii_slug(d["organiser_vi"].removeprefix("Phường").strip())
        else:
            area = "hoang-mai-organisations"
        date = dt.date.fromisoformat(d["date"])
        L += ["",
              f"# {seq}. {d['organiser_en']}, {date.strftime('%a %d %b')}",
              "[[session]]",
              nat.kv("name", f"drive-{seq:02d}-{area.removeprefix('phuong-').removeprefix('hoang-mai-')}"),
              nat.kv("area", area),
              nat.kv("organiser", d["organiser_vi"], "seed 003"),
              nat.kv("date", nat.yearly(date), f"seed 003: {date.isoformat()}; the same day every year"),
              nat.kv("capacity", math.ceil(CAPACITY_OVER_TARGET * target), "assumed: 1.25 × target"),
              nat.kv("target_units", target, "seed 003"),
              nat.kv("invitations_per_capacity", 3.0, "assumed, as national"),
              nat.kv("walk_in_per_capacity", 0.2, "assumed, as national")]
        L += resources(target)

    L += ["",
          "# ===========================================================================",
          "# National campaigns the district takes part in (seed 003, II.2 and III.1); windows and",
          "# factors as in vietnam-2025.toml (sources there). No extra sessions: the district's",
          "# drives are all listed above.",
          "# ==========================================================================="]
    for c in nat.campaigns():
        if c.name.startswith("chu-nhat-do"):
            continue  # not in seed 003's list
        L += ["",
              f"# {c.title} ({c.source})",
              "[[campaign]]",
              nat.kv("name", c.name),
              nat.kv("display_name", nat.CAMPAIGN_VI[c.name]),
              nat.kv("start", c.when(c.start), f"every year; {c.start.isoformat()} in 2025"),
              nat.kv("end", c.when(c.end), f"{c.end.isoformat()} in 2025"),
              nat.kv("areas", [], "the whole district"),
              nat.kv("turnout_factor", c.turnout, "assumed, as national"),
              nat.kv("recruitment_factor", c.recruitment, "assumed, as national")]

    text = "\n".join(L) + "\n"
    out = SCEN / "hoang-mai-2025.toml"
    out.write_text(text, encoding="utf-8", newline="\n")
    print(f"wrote {out.relative_to(SCEN.parent)} ({text.count(chr(10))} lines)")
    write_more_beds_overlay(drives)


def drive_name(d: dict) -> str:
    if d["kind"] == "ward":
        area = "phuong-" + ascii_slug(d["organiser_vi"].removeprefix("Phường").strip())
    else:
        area = "hoang-mai-organisations"
    return f"drive-{int(d['seq']):02d}-{area.removeprefix('phuong-').removeprefix('hoang-mai-')}"


def write_more_beds_overlay(drives: list[dict]) -> None:
    """scenarios/strategies/hoang-mai-more-beds.toml: more beds at the big drives."""
    L = ["# Strategy: more beds (and bed-side staff) at Hoàng Mai's big drives.",
         "#",
         "# GENERATED FILE - do not edit by hand. Regenerate with:",
         f"#     {COMMAND}",
         "#",
         f"# Changes: every drive with a target of {BIG_DRIVE_UNITS} units or more brings {MORE_BEDS_FACTOR:g} ×",
         f"# the beds of the base plan (which has 1 per {BEDS_PER_UNITS} units of target), at the same staff",
         "# per bed; desks and hours unchanged.",
         "# Why: the big drives' beds are the bottleneck in the first two hours (most donors come",
         "# early), so donors wait and some leave. Compare with:",
         "#     giotmau compare scenarios/hoang-mai-2025.toml scenarios/strategies/hoang-mai-more-beds.toml",
         "# to see the units gained and the waiting time saved.",
         "",
         'extends = "../hoang-mai-2025.toml"',
         "",
         'name = "hoang-mai-2025-more-beds"']
    for d in drives:
        target = int(d["target_units"])
        if target < BIG_DRIVE_UNITS:
            continue
        beds = math.ceil(target * MORE_BEDS_FACTOR / BEDS_PER_UNITS)
        L += ["",
              "[[session]]",
              nat.kv("name", drive_name(d)),
              nat.kv("resources.beds", beds, f"{MORE_BEDS_FACTOR:g} × the base plan's {math.ceil(target / BEDS_PER_UNITS)}")]
    text = "\n".join(L) + "\n"
    out = SCEN / "strategies" / "hoang-mai-more-beds.toml"
    out.write_text(text, encoding="utf-8", newline="\n")
    print(f"wrote {out.relative_to(SCEN.parent)} ({text.count(chr(10))} lines)")


if __name__ == "__main__":
    main()
