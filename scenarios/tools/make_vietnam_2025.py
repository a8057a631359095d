#!/usr/bin/python3
"""Generates the national 2025 scenario and its strategy overlays.

    /usr/bin/python3 scenarios/tools/make_vietnam_2025.py

reads   scenarios/data/provinces-2025.csv
        scenarios/data/provinces-2025-hub-distance.csv
writes  scenarios/vietnam-2025.toml
        scenarios/strategies/{pre-tet-push,summer-non-students,student-campaign-before-summer,
                              early-appeals,hospital-fixed-sites}.toml

Standard library only (Debian's Python 3.11). Deterministic: the same CSVs give
byte-identical files (no clocks, no hashing order, no randomness).

Every number written carries its source in a comment: "domain.md" (the project's
domain brief), "seed 00x" (the source documents), "data README" (the compiled
data set's README, scenarios/data/README.md) or "assumed" (a modelling choice to
be calibrated). The choices are explained where the constants are defined below.
"""
from __future__ import annotations

import csv
import datetime as dt
import math
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCEN = HERE.parent
DATA = SCEN / "data"
COMMAND = "/usr/bin/python3 scenarios/tools/make_vietnam_2025.py"

YEAR_START = dt.date(2025, 1, 1)
YEAR_END = dt.date(2025, 12, 31)
TET = dt.date(2025, 1, 29)  # domain.md (computed in UTC+7); giotmau computes it for any year


# Dates written so that they hold every year (docs/scenario-format.md, "Dates"):
# the scenario then moves to another year with --year, and a run of several
# years repeats each campaign and series every year.
def yearly(d: dt.date) -> str:
    """A month-day, every year: "04-07"."""
    return f"{d.month:02d}-{d.day:02d}"


def from_tet(d: dt.date) -> str:
    """Days from Tết, every year: "Tết + 10 days"."""
    n = (d - TET).days
    if n == 0:
        return "Tết"
    return f"Tết {'+' if n > 0 else '-'} {abs(n)} day{'' if abs(n) == 1 else 's'}"

# --- population --------------------------------------------------------------
GSO_POPULATION = 101_112_656       # GSO mid-term survey 1/4/2024 (data README)
MERGER_POPULATION = 112_093_848    # sum of the CSV's merger-document figures (data README)

# --- the plan ------------------------------------------------------------------
# seed 004: ~894,000 units in H1 2025 ≈ 50% of the annual plan -> ~1.8 M units.
# (domain.md: 2025 collected 1,748,935 = 94% of plan, i.e. a plan of ~1.86 M.)
NATIONAL_PLAN = 1_800_000
# domain.md: 2024 > 1.7 M units; 2025 plan ~1.8 M. Growth applied to 2024 anchors.
PLAN_GROWTH = 1_800_000 / 1_700_000
# Annual session capacity relative to the plan (brief: turnout, not capacity, binds).
CAPACITY_OVER_PLAN = 1.3           # assumed
# Share of a hub city's plan collected at the hub's own fixed donation site
# (NIHBT, Huế, Chợ Rẫy/BTH, Cần Thơ), the rest by mobile drives.
HUB_FIXED_SITE_SHARE = 0.30        # assumed

HUBS = ["ha-noi", "hue", "ho-chi-minh", "can-tho"]   # data README (regional hubs)
REGIONS = ["north", "central", "south", "mekong"]    # data README
# Display names of the campaigns (their `name` is an ASCII slug).
CAMPAIGN_VI = {
    "chu-nhat-do-2025-q1": "Chủ Nhật Đỏ 2025 (tháng 1–3)",
    "chu-nhat-do-2025-dec": "Chủ Nhật Đỏ 2025–2026 (tháng 12)",
    "le-hoi-xuan-hong-2025": "Lễ hội Xuân Hồng 2025",
    "toan-dan-hien-mau-7-4-2025": "Ngày toàn dân hiến máu tình nguyện 7/4/2025",
    "quoc-te-nguoi-hien-mau-14-6-2025": "Ngày Quốc tế Người hiến máu 14/6/2025",
    "hanh-trinh-do-2025": "Hành trình Đỏ 2025",
    "nhung-giot-mau-hong-he-2025": "Những giọt máu hồng hè 2025",
    "pre-tet-push-2025": "Vận động hiến máu trước Tết 2025",
    "summer-workplaces-2025": "Hiến máu tại nơi làm việc mùa hè 2025",
    "students-before-summer-2025": "Sinh viên hiến máu trước hè 2025",
}
# The four regional hubs by their own names (data README); other centres: "Trung tâm máu <province>".
HUB_CENTRE_VI = {"ha-noi": "Viện Huyết học - Truyền máu Trung ương",
                 "hue": "Trung tâm Truyền máu khu vực Huế",
                 "ho-chi-minh": "Bệnh viện Truyền máu Huyết học TP. Hồ Chí Minh",
                 "can-tho": "Trung tâm Truyền máu khu vực Cần Thơ"}

REGION_VI = {"north": "Miền Bắc", "central": "Miền Trung", "south": "Miền Nam (Đông Nam Bộ, Tây Nguyên)",
             "mekong": "Đồng bằng sông Cửu Long"}

# Collection intensity classes (plan units per person, relative to an ordinary
# province of the same hub catchment = 1.0). All assumed, for the reasons given.
INTENSITY = {
    # hub cities: regional transfusion centre with a large fixed site, many universities
    "ho-chi-minh": 1.6, "hue": 1.6, "can-tho": 1.25,
    # big university / port cities
    "da-nang": 1.2, "hai-phong": 1.1, "thai-nguyen": 1.1,
    # remote northern mountain provinces: thin, dispersed population (seed 004: "vùng sâu, vùng xa")
    "cao-bang": 0.6, "dien-bien": 0.6, "lai-chau": 0.6, "son-la": 0.6, "lang-son": 0.6,
    "tuyen-quang": 0.6, "lao-cai": 0.6,
    # units that absorbed Central Highlands provinces (Kon Tum, Gia Lai plateau, Đắk Lắk, Đắk Nông)
    "quang-ngai": 0.8, "gia-lai": 0.8, "dak-lak": 0.8, "lam-dong": 0.8,
}
# Units whose 2024 collections are known (CSV units_collected_2024) keep them,
# grown by PLAN_GROWTH: Hà Nội (344,410, a derived lower bound) and Quảng Ninh (21,500).

# Traits used for engagement and student share (assumed).
REMOTE = {"cao-bang", "dien-bien", "lai-chau", "son-la", "lang-son", "tuyen-quang", "lao-cai"}
HIGHLANDS = {"quang-ngai", "gia-lai", "dak-lak", "lam-dong"}
UNIVERSITY_CITIES = {"ha-noi", "ho-chi-minh", "hue", "da-nang", "can-tho", "hai-phong", "thai-nguyen"}

# Known donors at the start, as a share of the population, national mean:
# domain.md: 2024 > 1.7 M units; assumed ~1.2 donations per donor a year -> ~1.45 M
# people who gave in the last year = 1.43% of 101.1 M.
KNOWN_DONOR_SHARE_NATIONAL = 0.0145

# Hospitals in hub cities (Bạch Mai/Việt Đức, Huế Central, Chợ Rẫy, Cần Thơ Central)
# treat patients referred from their catchment: this share of every other
# province's demand is counted at the hub city's hospitals instead.
REFERRAL_SHARE = 0.15              # assumed

LOCAL_LINK_MINUTES = 60            # hospital bank <-> its provincial centre, same city (assumed)
ROAD_FACTOR = 1.3                  # road km ≈ 1.3 × great-circle km (data README, an assumption)
ROAD_KMH = 50.0                    # data README gives 40–60 km/h; midpoint assumed
MIN_LINK_MINUTES = 60              # loading, paperwork (assumed)

# Regular drive weekdays: bigger provinces run drives on more days (assumed).
BIG_PROVINCE_PLAN = 40_000
WEEKDAYS_BIG = ["tue", "thu", "sat", "sun"]
WEEKDAYS_SMALL = ["wed", "sat", "sun"]
FIXED_SITE_WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat"]  # brief: hub fixed sites Mon–Sat

DRIVE_INVITATIONS_PER_CAPACITY = 3.0   # format default (assumed)
# domain.md: ~67% repeat donors -> roughly a third of donations from new donors;
# 0.2 walk-ins per place gave ~30% new donors among those registered in a rough
# emulation of the session model. Assumed, to be calibrated.
DRIVE_WALK_IN_PER_CAPACITY = 0.2
FIXED_INVITATIONS_PER_CAPACITY = 2.0   # fixed sites rely less on invitations (assumed)
FIXED_WALK_IN_PER_CAPACITY = 0.35      # ... and more on walk-ins (assumed)

# Response probabilities [first_time, repeat, regular] (format default 0.10/0.25/0.45)
# and red-cell requests per 1,000 people a year (RED_CELL_DEMAND_PER_1000).
# calibrated: tests/calibration/calibration_test.cpp (CalibrationNational, mean of 20
# replications, seeds 1-20) to ~894,000 units collected by 30 June (seed 004) and
# 1,748,935 in the year (domain.md). The response probabilities were fitted to H1
# before the stock-responsive collection (below) existed; with it, centres stop
# collecting at their cap, so what the country collects follows hospital demand, and
# H1 is nearly insensitive to the response (+15% response: +1% H1). So the response is
# kept (the Hoàng Mai and police scenarios share it) and the red-cell demand rate,
# assumed at 15.5 per 1,000 before, is now the fitted parameter: both figures move
# with it together. The model cannot put more in H1 than in H2 (demand is flat or
# higher in H2), so the fit splits the difference (docs/validation.md). Re-calibrate
# when the model changes (run the test: it prints every figure).
RESPONSE_PROBABILITY = [0.132, 0.315, 0.578]
RED_CELL_DEMAND_PER_1000 = 17.75

# Stock-responsive collection (docs/scenario-format.md, [collection]). Centres do not
# hold a month of stock: when the red cells at a centre and its hospitals (plus
# donations in testing) reach INTAKE_CAP_DAYS of the usage they serve, they
# register no more donors (drives postponed, intake capped); below PUSH_BELOW_DAYS
# they invite PUSH_INVITATION_FACTOR times as many known donors. Assumed, not
# fitted to any figure of the documents: the cap is the stock the ordering rules
# aim at (centres 7 days, hospital banks 3, format defaults) plus the 2 days of
# testing pipeline, so that collection stops only above the normal working
# stock; the push starts at half of it. The appeals (threshold 2 days) remain
# the emergency response below that.
INTAKE_CAP_DAYS = 12.0             # assumed: 7 + 3 + 2 days
PUSH_BELOW_DAYS = 5.0              # assumed
PUSH_INVITATION_FACTOR = 1.5       # assumed
# Cold-room capacity for red cells (a centre's own stock plus donations in
# testing), in days of the usage it serves: its hospital bank's, and for a hub
# also its region's provinces'. Assumed; no document gives cold-room sizes.
STORAGE_DAYS = 14                  # assumed

WEEKDAY_INDEX = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}


# =============================================================================
# Input
# =============================================================================
class Province:
    def __init__(self, row: dict, km_to_hub: int):
        self.slug = row["slug"]
        self.name_vi = row["name_vi"]
        self.merged_from = row["merged_from"].split("|")
        self.population_merger = int(row["population"])
        self.region = row["region"]
        self.hub = row["hub"]
        self.lat = float(row["lat"])
        self.lon = float(row["lon"])
        self.collected_2024 = int(row["units_collected_2024"]) if row["units_collected_2024"] else None
        self.km_to_hub = km_to_hub
        # filled in by plan()
        self.population = 0
        self.plan = 0
        self.known_donor_share = 0.0
        self.engagement = 1.0
        self.student_share = 0.5
        self.population_served = 0

    @property
    def is_hub(self) -> bool:
        return self.slug in HUBS

    @property
    def centre(self) -> str:
        return f"centre-{self.slug}"

    @property
    def hospital(self) -> str:
        return f"hospitals-{self.slug}"


def read_provinces() -> list[Province]:
    with open(DATA / "provinces-2025-hub-distance.csv", encoding="utf-8", newline="") as f:
        km = {r["slug"]: int(r["great_circle_km_to_hub"]) for r in csv.DictReader(f)}
    with open(DATA / "provinces-2025.csv", encoding="utf-8", newline="") as f:
        provinces = [Province(r, km[r["slug"]]) for r in csv.DictReader(f)]
    if len(provinces) != 34:
        sys.exit(f"expected 34 provinces, found {len(provinces)}")
    total = sum(p.population_merger for p in provinces)
    if total != MERGER_POPULATION:
        sys.exit(f"population sum {total} != {MERGER_POPULATION}: the data changed, review the scaling")
    for p in provinces:
        if p.hub not in HUBS or p.region not in REGIONS:
            sys.exit(f"{p.slug}: unknown hub/region {p.hub}/{p.region}")
    return provinces


# =============================================================================
# Arithmetic helpers
# =============================================================================
def largest_remainder(weights: dict[str, float], total: int) -> dict[str, int]:
    """Integers proportional to weights that sum exactly to total (ties by key)."""
    s = sum(weights.values())
    raw = {k: total * w / s for k, w in weights.items()}
    out = {k: math.floor(v) for k, v in raw.items()}
    left = total - sum(out.values())
    for k in sorted(raw, key=lambda k: (-(raw[k] - out[k]), k))[:left]:
        out[k] += 1
    return out


def days_on(weekdays: list[str], start: dt.date, end: dt.date) -> int:
    wanted = {WEEKDAY_INDEX[w] for w in weekdays}
    n, d = 0, start
    while d <= end:
        n += d.weekday() in wanted
        d += dt.timedelta(days=1)
    return n


def haversine_km(a: Province, b: Province) -> float:
    r = 6371.0
    p1, p2 = math.radians(a.lat), math.radians(b.lat)
    dp, dl = p2 - p1, math.radians(b.lon - a.lon)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(h))


def travel_minutes(km: float) -> int:
    return max(MIN_LINK_MINUTES, round(km * ROAD_FACTOR / ROAD_KMH * 60))


# =============================================================================
# The plan and the province parameters
# =============================================================================
# Local mobilisation (assumed): how well a province turns its plan into donations,
# used as the area's engagement and to scale its known donors. seed 004 says the 2025
# reorganisation of provinces "ảnh hưởng không nhỏ" (had no small effect) on organising
# donation: merged units lower, the more so the more provinces were merged; hub and
# university cities have long-established movements; units with Central Highlands parts
# are harder to reach. Remote mountain provinces get no factor here: their remoteness is
# already in their plan (INTENSITY 0.6, a lower plan per person), and mobilisation is
# delivery relative to the plan.
# calibrated: seed 004 has 23 of 65 units (35%) past 50% of their annual plan by 30 June
# 2025, while the country as a whole was just under 50%. With these factors the 11
# provinces the 2025 merger left unchanged are ahead (52-56% of their plan by 30 June)
# and the 23 merged units behind (44-49%), so the count of provinces past 50% is 11 of 34
# (32%) in nearly every replication; the nearest to the line is Đà Nẵng at 49.1% (tests/
# calibration, mean of 20 replications). The earlier factors (1.12 / 0.98 / 0.90, hub
# cities × 1.10, remote × 0.88) left 7 provinces within half a point of 50%, and the
# count went from 7 to 11 (mean 8.6). NOT MET since the stock-responsive collection:
# centres stop collecting at their stock cap, so a province's progress against its plan
# follows its hospitals' demand, not its mobilisation: 6-7 of 34 past 50% (test band
# 8.5-17), and raising the unmerged factor to 1.40 moved the remote provinces by ~1
# point only (7.4, 6 to 10). Kept at 1.20; see docs/validation.md.
MOBILISATION_BY_MERGED = {1: 1.20, 2: 0.92, 3: 0.88}
MOBILISATION_HUB_OR_UNIVERSITY = 1.08   # not Hải Phòng, Thái Nguyên: merged, no hub
MOBILISATION_HIGHLANDS = 0.93


def mobilisation(p: "Province") -> float:
    m = MOBILISATION_BY_MERGED[len(p.merged_from)]
    if p.slug in UNIVERSITY_CITIES and p.slug not in ("hai-phong", "thai-nguyen"):
        m *= MOBILISATION_HUB_OR_UNIVERSITY
    if p.slug in HIGHLANDS:
        m *= MOBILISATION_HIGHLANDS
    return m


def plan(provinces: list[Province]) -> None:
    scale = GSO_POPULATION / MERGER_POPULATION
    pops = largest_remainder({p.slug: p.population_merger * scale for p in provinces}, GSO_POPULATION)
    for p in provinces:
        p.population = pops[p.slug]

    # 1. Each hub catchment gets the national plan in proportion to its population,
    #    so that the regional systems are balanced (seed 004: "tính toán cung cầu hợp lý,
    #    tránh tình trạng dư thừa cục bộ hoặc thiếu máu cục bộ"); the model moves
    #    blood from hubs to provinces, not between hubs.
    catchment_pop = {h: sum(p.population for p in provinces if p.hub == h) for h in HUBS}
    catchment_plan = largest_remainder(catchment_pop, NATIONAL_PLAN)
    # 2. Inside a catchment: provinces with known 2024 collections keep them (× growth);
    #    the rest is split by population × intensity class.
    for h in HUBS:
        members = [p for p in provinces if p.hub == h]
        anchored = {p.slug: round(p.collected_2024 * PLAN_GROWTH) for p in members if p.collected_2024}
        rest = catchment_plan[h] - sum(anchored.values())
        split = largest_remainder({p.slug: p.population * INTENSITY.get(p.slug, 1.0)
                                   for p in members if p.slug not in anchored}, rest)
        for p in members:
            p.plan = anchored.get(p.slug, split.get(p.slug, 0))

    national_rate = NATIONAL_PLAN / GSO_POPULATION
    for p in provinces:
        rel = (p.plan / p.population) / national_rate
        p.engagement = round(mobilisation(p), 3)
        # Known donors follow the collection intensity (where more is collected, more
        # people have given recently) and the local mobilisation.
        p.known_donor_share = round(KNOWN_DONOR_SHARE_NATIONAL * rel * p.engagement, 4)
        # Students' share of donors (domain.md: 55–70% of units in one Hải Phòng study).
        p.student_share = 0.6 if p.slug in UNIVERSITY_CITIES else (0.35 if p.slug in REMOTE else 0.45)

    for h in HUBS:
        members = [p for p in provinces if p.hub == h]
        referred = sum(round(p.population * REFERRAL_SHARE) for p in members if not p.is_hub)
        for p in members:
            p.population_served = p.population + referred if p.is_hub else p.population - round(p.population * REFERRAL_SHARE)


# =============================================================================
# Campaigns (sizes assumed unless a source gives them)
# =============================================================================
class Campaign:
    def __init__(self, name, title, start, end, areas, turnout, recruitment, source, note,
                 session_days=None, weekdays=None, session_from=None, session_to=None,
                 target=0, target_source="assumed", only=None, organiser="", slug=None, tet_relative=False):
        self.name = name
        self.title = title
        self.start, self.end = start, end
        self.areas = areas
        self.turnout, self.recruitment = turnout, recruitment
        self.source, self.note = source, note
        self.session_date = session_days          # single date for every province
        self.weekdays = weekdays
        self.session_from = session_from or start
        self.session_to = session_to or end
        self.target = target
        self.target_source = target_source
        self.only = only                          # restrict sessions to these provinces
        self.organiser = organiser
        self.slug = slug or name
        self.tet_relative = tet_relative          # dates written relative to Tết, else as month-days

    def when(self, d: dt.date) -> str:
        """A date of this campaign as written in the scenario (every year)."""
        return from_tet(d) if self.tet_relative else yearly(d)

    def occurrences(self) -> int:
        if self.session_date:
            return 1
        return days_on(self.weekdays, self.session_from, self.session_to)


def campaigns() -> list[Campaign]:
    d = dt.date
    return [
        Campaign("chu-nhat-do-2025-q1", "Chủ Nhật Đỏ (Red Sunday), 2024–25 season, Jan–Mar part",
                 d(2025, 1, 1), d(2025, 3, 31), [], 1.15, 1.3,
                 "domain.md: December–March, > 50 provinces; seed 004 names it",
                 "extra drives every Sunday in every province",
                 weekdays=["sun"], target=60_000, organiser="Báo Tiền Phong, Hội Chữ thập đỏ"),
        Campaign("chu-nhat-do-2025-dec", "Chủ Nhật Đỏ (Red Sunday), 2025–26 season, December part",
                 d(2025, 12, 1), d(2025, 12, 31), [], 1.15, 1.3,
                 "domain.md: December–March, > 50 provinces",
                 "extra drives every Sunday in every province",
                 weekdays=["sun"], target=20_000, organiser="Báo Tiền Phong, Hội Chữ thập đỏ"),
        Campaign("le-hoi-xuan-hong-2025", "Lễ hội Xuân Hồng (Pink Spring festival), Hà Nội",
                 d(2025, 2, 8), d(2025, 2, 16), ["ha-noi"], 1.3, 1.6,
                 "domain.md: right after Tết; 2025: 8–16 Feb, 8,928 units in Hà Nội; seed 003, 004 name it",
                 "daily festival sessions in Hà Nội",
                 weekdays=list(WEEKDAY_INDEX), target=7_000,
                 target_source="assumed: about one week of Hà Nội's plan; the 2025 result, 8,928 units, "
                               "is left out as a validation figure (docs/validation.md)",
                 only={"ha-noi"}, organiser="NIHBT, Hà Nội steering committee", tet_relative=True),
        Campaign("toan-dan-hien-mau-7-4-2025", "Ngày toàn dân hiến máu tình nguyện 7/4 (national donation day)",
                 d(2025, 4, 5), d(2025, 4, 9), [], 1.2, 1.5,
                 "domain.md, seed 003, seed 004: 7 April; window of a few days assumed",
                 "one extra drive on 7 April in every province",
                 session_days=d(2025, 4, 7), target=20_000, organiser="Ban chỉ đạo vận động HMTN các cấp"),
        Campaign("quoc-te-nguoi-hien-mau-14-6-2025", "Ngày Quốc tế Người hiến máu 14/6 (World Blood Donor Day)",
                 d(2025, 6, 12), d(2025, 6, 16), [], 1.2, 1.5,
                 "domain.md, seed 003, seed 004 (honouring events 3–5 June in Hà Nội, Phú Thọ); window assumed",
                 "one extra drive on 14 June in every province",
                 session_days=d(2025, 6, 14), target=15_000, organiser="Ban chỉ đạo vận động HMTN các cấp"),
        Campaign("hanh-trinh-do-2025", "Hành trình Đỏ (Red Journey) 2025",
                 d(2025, 5, 30), d(2025, 7, 30), [], 1.15, 1.4,
                 "domain.md: 30 May–30 Jul 2025, 48 (pre-merger) provinces, target ~100,000 units; seed 004",
                 "48 pre-merger provinces in reality; applied to all 34 units; extra drives on Saturdays",
                 weekdays=["sat"], target=100_000, target_source="domain.md",
                 organiser="Trung ương Hội Chữ thập đỏ, NIHBT"),
        Campaign("nhung-giot-mau-hong-he-2025", "Những giọt máu hồng hè (Pink drops of summer) 2025",
                 d(2025, 7, 1), d(2025, 8, 31), ["north"], 1.1, 1.3,
                 "domain.md, seed 003, seed 004: summer campaign; July–August assumed",
                 "run by NIHBT with Hà Nội's steering committee (seed 003 lists it as a Hà Nội "
                 "activity), so the northern catchment only (assumed); extra drives on Wednesdays",
                 weekdays=["wed"], target=40_000, only=None, organiser="NIHBT, Hội Chữ thập đỏ, Đoàn Thanh niên"),
    ]


def campaign_provinces(c: Campaign, provinces: list[Province]) -> list[Province]:
    out = []
    for p in provinces:
        if c.only is not None and p.slug not in c.only:
            continue
        if c.areas and not (p.slug in c.areas or p.region in c.areas):
            continue
        out.append(p)
    return out


# =============================================================================
# TOML writing
# =============================================================================
def q(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def num(x) -> str:
    if isinstance(x, bool):
        return "true" if x else "false"
    if isinstance(x, int):
        return f"{x:_}" if abs(x) >= 10_000 else str(x)
    r = f"{x:.6g}"
    return r if ("." in r or "e" in r) else r + ".0"


def arr(xs) -> str:
    return "[" + ", ".join(q(x) if isinstance(x, str) else num(x) for x in xs) + "]"


def kv(key: str, value, comment: str = "", width: int = 44) -> str:
    if isinstance(value, str):
        v = q(value)
    elif isinstance(value, dt.date):
        v = value.isoformat()
    elif isinstance(value, (list, tuple)):
        v = arr(value)
    else:
        v = num(value)
    line = f"{key} = {v}"
    if comment:
        line = line.ljust(width) + "  # " + comment
    return line


def inline(d: dict) -> str:
    parts = []
    for k, v in d.items():
        if isinstance(v, str):
            parts.append(f"{k} = {q(v)}")
        elif isinstance(v, dt.date):
            parts.append(f"{k} = {v.isoformat()}")
        elif isinstance(v, list):
            parts.append(f"{k} = {arr(v)}")
        else:
            parts.append(f"{k} = {num(v)}")
    return "{ " + ", ".join(parts) + " }"


def header(title: str, lines: list[str]) -> list[str]:
    out = [f"# {title}",
           "#",
           "# GENERATED FILE - do not edit by hand. Regenerate with:",
           f"#     {COMMAND}",
           "# from scenarios/data/provinces-2025.csv and scenarios/data/provinces-2025-hub-distance.csv.",
           "#",
           "# Sources in comments: 'domain.md' = the project's domain brief; 'seed 00x' = the",
           "# source documents (000/001 Hanoi police, 003 Hoàng Mai plan, 004 national report,",
           "# 10/7/2025); 'data README' = scenarios/data/README.md; 'assumed' = a modelling choice",
           "# to be calibrated. Format: docs/scenario-format.md."]
    if lines:
        out.append("#")
        out += ["# " + x if x else "#" for x in lines]
    return out


# =============================================================================
# The national scenario
# =============================================================================
def national(provinces: list[Province]) -> str:
    by_slug = {p.slug: p for p in provinces}
    camps = campaigns()
    L: list[str] = []
    w = L.append

    share = GSO_POPULATION / MERGER_POPULATION
    L += header("Vietnam 2025: the national voluntary blood donation system, 34 provinces.", [
        "What is in it:",
        "- 4 regions (north, central, south, mekong) with the 34 provinces/cities of the 2025",
        "  merger as their children; one blood centre and one aggregated hospital bank per",
        "  province; the 4 regional hubs (NIHBT Hà Nội, Huế, HCMC, Cần Thơ) supply the others.",
        f"- Populations: the merger documents' figures × {GSO_POPULATION:,} / {MERGER_POPULATION:,}",
        f"  = {share:.4f} (data README's stop-gap to match the GSO 1/4/2024 survey).",
        f"- The annual plan ({NATIONAL_PLAN:,} units, seed 004: ~894,000 ≈ 50% by 30/6) is split",
        "  by hub catchment in proportion to population (balanced regions), then inside a",
        "  catchment by population × an assumed intensity class (hub/university cities higher,",
        "  remote mountains and highlands lower); Hà Nội and Quảng Ninh keep their known 2024",
        f"  collections × {PLAN_GROWTH:.4f} (1.8 M / 1.7 M, domain.md).",
        f"- Session capacity is {CAPACITY_OVER_PLAN} × the plan (turnout binds, not capacity); every",
        "  session's target_units is its share of the plan for the period it covers, so the",
        f"  targets of all sessions (regular and campaign) sum to the plan ({NATIONAL_PLAN:,}).",
        "- Engagement and known donors differ by province (assumed, see the area comments),",
        "  so that by mid-year some provinces are ahead of plan and others behind (seed 004:",
        "  23 of 65 units passed 50% of their annual plan by 30/6/2025).",
    ])
    w("")
    w(kv("name", "vietnam-2025"))
    w(kv("start", YEAR_START, "calendar year 2025"))
    w(kv("end", YEAR_END, "inclusive"))
    w(kv("seed", 2025, "assumed (any; the year)"))
    w(kv("local_travel_minutes", 60, "same-area sites with no link (assumed)"))
    w("")

    # --- season ---
    w("# ---------------------------------------------------------------------------")
    w("# Who is in town: students leave in summer and at Tết, workers at Tết (domain.md).")
    w("[season]")
    w(f"# tet: computed from the Vietnamese lunisolar calendar (UTC+7) for every simulated year;")
    w(f"# {TET.isoformat()} in 2025 (domain.md). A `tet = YYYY-MM-DD` line here would override it.")
    w(kv("tet_days_before", 10, "assumed: 2025 holiday 25/1–2/2 plus travel"))
    w(kv("tet_days_after", 10, "assumed"))
    w(kv("tet_student_presence", 0.3, "assumed (format default); domain.md: students go home"))
    w(kv("tet_worker_presence", 0.6, "assumed (format default); domain.md: workers go home"))
    w(kv("student_presence_by_month", [1, 1, 1, 1, 1, 0.45, 0.35, 0.45, 1, 1, 1, 1],
         "assumed (format default); domain.md: students leave in June–August", 80))
    w(kv("worker_presence_by_month", [1] * 12, "assumed; Tết is handled by the window", 80))
    w("")

    # --- turnout ---
    w("# ---------------------------------------------------------------------------")
    w("# Donor behaviour; arrays are [first_time, repeat, regular].")
    w("[turnout]")
    w("# response_probability: calibrated (tests/calibration, mean of 20 replications) with the red-cell")
    w("# demand rate so that the country collects ~894,000 units by 30 June (seed 004) and 1,748,935")
    w("# in 2025 (domain.md); see docs/validation.md.")
    w(kv("response_probability", RESPONSE_PROBABILITY, "calibrated, see above", 60))
    w(kv("lapse_days", [240, 540, 1080], "assumed; domain.md: only ~1 in 4 first-timers becomes regular", 60))
    w(kv("deferral_probability", [0.14, 0.07, 0.04], "domain.md: ~14% first-time, ~3–7% regular donors", 60))
    w(kv("min_interval_days", 84, "domain.md: 12 weeks between whole-blood donations (Circular 26/2013/TT-BYT)", 60))
    w(kv("repeat_after_donations", 2, "assumed", 60))
    w(kv("regular_after_donations", 3, "assumed", 60))
    w(kv("volume_shares", [0.33, 0.64, 0.03], "domain.md: 2025 > 64% of donations >= 350 ml; 450 ml occasional", 60))
    w(kv("student_share_of_recruits", 0.5, "assumed; each area's student_share is used for its recruits", 60))
    w("# domain.md: O ≈ 42%, B ≈ 30%, A ≈ 22%, AB ≈ 6%; RhD-negative ≈ 0.1% (format default split).")
    w("group_shares = { \"O+\" = 0.4196, \"O-\" = 0.0004, \"A+\" = 0.2198, \"A-\" = 0.0002, "
      "\"B+\" = 0.2997, \"B-\" = 0.0003, \"AB+\" = 0.0599, \"AB-\" = 0.0001 }")
    w("")
    w("[initial_pool]")
    w(kv("kind_shares", [0.33, 0.25, 0.42], "domain.md: ~67% repeat donors in 2025 -> 1/3 first-time", 60))
    w(kv("last_donation_spread_days", 365, "assumed: known donors gave within the last year", 60))
    w("")

    # --- processing ---
    w("# ---------------------------------------------------------------------------")
    w("# From whole blood to components (domain.md: testing ~1–2 days, a small share discarded).")
    w("[processing]")
    w(kv("testing_delay_days", 2, "domain.md: infectious-marker testing ~1–2 days"))
    w(kv("discard_share", 0.02, "assumed; domain.md: 'a small share is discarded'"))
    w(kv("platelet_share", 0.25, "assumed: a quarter of donations go to platelet pools"))
    w(kv("platelet_pool_size", 4, "assumed: buffy-coat pool of 4 donations"))
    w(kv("plasma_share", 0.9, "assumed"))
    w("# domain.md: red cells 35–42 days, platelets 5 days, fresh frozen plasma 1 year.")
    w("shelf_life_days = { red_cells = 42, platelets = 5, plasma = 365 }")
    w("")

    # --- demand ---
    raw_month = [1.00, 0.95, 1.00, 1.00, 1.00, 1.00, 1.05, 1.08, 1.08, 1.05, 1.00, 1.00]
    mean = sum(raw_month) / 12
    month = [round(x / mean, 3) for x in raw_month]
    rc = RED_CELL_DEMAND_PER_1000
    w("# ---------------------------------------------------------------------------")
    w("# Hospital requests. Red cells: calibrated with the response probabilities (see [turnout]):")
    need = rc * GSO_POPULATION / 1000
    w(f"# red cells {rc}/1000/yr × {GSO_POPULATION / 1e6:.1f} M = {need / 1e6:.2f} M units/yr = {need / (NATIONAL_PLAN * 0.98):.0%} of the red cells"
      f" a {NATIONAL_PLAN / 1e6:.1f} M-unit")
    w("# plan yields after 2% discard; centres cap collection at their stock target, so what they")
    w("# collect in the year follows this demand.")
    w("[demand]")
    w(kv("weekday_factors", [1.1, 1.1, 1.1, 1.1, 1.1, 0.8, 0.7], "assumed (format default): fewer elective cases at weekends, mean 1", 60))
    w("# Month shape (assumed): February dips (elective surgery deferred over Tết, the surge is")
    w("# modelled separately below); July–October up 5–8% for the dengue season (domain.md:")
    w("# dengue roughly doubles platelet demand, but month_factors apply to every product, so")
    w(f"# only a slight rise). Raw {arr(raw_month)}, scaled to mean 1.")
    w(kv("month_factors", month))
    w(kv("tet_surge_factor", 1.25, "assumed; domain.md: accident and surgery demand rises around Tết"))
    w(kv("tet_surge_days_before", 14, "assumed"))
    w(kv("tet_surge_days_after", 7, "assumed"))
    w(kv("emergency_share", 0.3, "assumed (format default)"))
    w(kv("max_wait_days", 3, "assumed (format default)"))
    w("# group_shares: left at the default (= turnout.group_shares, domain.md).")
    w("")
    w("[demand.red_cells]")
    w(kv("per_1000_population_per_year", rc, "calibrated, see above"))
    w(kv("distribution", "negative_binomial", "assumed: overdispersed daily requests"))
    w(kv("dispersion", 25.0, "assumed: moderate (CV ≈ 0.2 at large means)"))
    w("")
    w("[demand.platelets]")
    w("# A 1.8 M plan gives ~1.8 M × 0.98 × 0.25 / 4 ≈ 110,000 pooled units a year; assumed")
    w("# ~80% are used (5-day shelf life) -> ~0.9 per 1000 people.")
    w(kv("per_1000_population_per_year", 0.9, "assumed, see above"))
    w(kv("distribution", "negative_binomial", "assumed"))
    w(kv("dispersion", 10.0, "assumed: more variable (dengue, haematology wards)"))
    w("")
    w("[demand.plasma]")
    w("# Plasma is made from ~90% of donations (~1.6 M units/yr) but far less is transfused;")
    w("# assumed 6 per 1000 people (~0.6 M units), the rest is stored (1-year shelf life).")
    w(kv("per_1000_population_per_year", 6.0, "assumed, see above"))
    w(kv("distribution", "negative_binomial", "assumed"))
    w(kv("dispersion", 10.0, "assumed"))
    w("")

    # --- appeals, policy ---
    w("# ---------------------------------------------------------------------------")
    w("# Emergency appeals ('thông báo khẩn thiếu máu', seed 004): fast response that fades (domain.md).")
    w("[appeals]")
    w(kv("enabled", True))
    w(kv("threshold_days", 2.0, "assumed; domain.md: after Tết the northern hub fell to 2–3 days"))
    w(kv("delay_days", 1, "assumed: detection to appeal"))
    w(kv("turnout_factor", 1.8, "assumed"))
    w(kv("walk_in_factor", 2.0, "assumed"))
    w(kv("decay_days", 5.0, "assumed; domain.md: response is fast but fades"))
    w(kv("cooldown_days", 14, "assumed"))
    w("")
    w("# Stock-responsive collection (docs/scenario-format.md): centres cap intake when their")
    w("# red cells (centre + hospitals + in testing) reach intake_cap_days of usage and call")
    w("# more donors below push_below_days. Assumed from common practice, not fitted.")
    w("[collection]")
    w(kv("intake_cap_days", INTAKE_CAP_DAYS, "assumed: centre 7 + hospitals 3 + testing 2 days"))
    w(kv("push_below_days", PUSH_BELOW_DAYS, "assumed"))
    w(kv("push_invitation_factor", PUSH_INVITATION_FACTOR, "assumed"))
    w("")
    w("[policy]")
    w(kv("issue", "fifo", "assumed: oldest first (usual blood-bank practice)"))
    w(kv("substitution", True, "domain.md: ABO/RhD compatibility rules"))
    w(kv("hub_supply", True, "domain.md: hubs supply the provinces of their region"))
    w(kv("min_remaining_shelf_days", 2, "assumed: with 5-day platelets and 2 days of testing, 3 ships none"))
    w("")

    # --- areas ---
    w("# ===========================================================================")
    w("# Areas: 4 regions (population = sum of their provinces) and the 34 provinces.")
    w("# Per province (all assumed, derived in scenarios/tools/make_vietnam_2025.py):")
    mb = MOBILISATION_BY_MERGED
    w(f"#   engagement = local mobilisation: {mb[1]} if not merged in 2025, {mb[2]} if 2 provinces merged,")
    w(f"#     {mb[3]} if 3 (seed 004: the reorganisation 'ảnh hưởng không nhỏ' to organising donation)")
    w(f"#     × {MOBILISATION_HUB_OR_UNIVERSITY} for hub/university cities × {MOBILISATION_HIGHLANDS} for units with Central")
    w("#     Highlands parts (calibrated to 11 of 34 provinces past 50% of their plan by 30 June, seed 004:")
    w("#     23 of 65 units; no longer met with the stock-responsive collection, docs/validation.md;")
    w("#     remote mountain provinces have a lower plan instead, see INTENSITY)")
    w(f"#   known_donor_share = {KNOWN_DONOR_SHARE_NATIONAL} × (province plan per person / national plan per person)")
    w("#     × engagement; " f"{KNOWN_DONOR_SHARE_NATIONAL} ≈ 1.45 M recent donors / 101.1 M (domain.md: 2024 > 1.7 M")
    w("#     units; assumed ~1.2 donations per donor a year)")
    w("#   student_share = 0.6 in university cities, 0.35 in remote mountain provinces, 0.45 elsewhere")
    w("#     (domain.md: students gave 55–70% of units in one Hải Phòng study)")
    w("#   eligible_share: format default 0.55 (assumed: aged 18–60 and healthy)")
    w("# ===========================================================================")
    for r in REGIONS:
        members = [p for p in provinces if p.region == r]
        w("")
        w("[[area]]")
        w(kv("name", r))
        w(kv("display_name", REGION_VI[r]))
        w(kv("population", sum(p.population for p in members), "sum of its provinces"))
        for p in members:
            rel = (p.plan / p.population) / (NATIONAL_PLAN / GSO_POPULATION)
            merged = ", ".join(p.merged_from)
            w("")
            w(f"# {p.name_vi}: merged from {merged}; plan {p.plan:,} units ({rel:.2f}× the national rate per person)")
            w("[[area]]")
            w(kv("name", p.slug))
            w(kv("display_name", p.name_vi))
            w(kv("parent", r))
            w(kv("population", p.population, f"CSV {p.population_merger:,} × {share:.4f} (data README)"))
            w(kv("centre", p.centre))
            w(kv("known_donor_share", p.known_donor_share, "assumed, see above"))
            w(kv("student_share", p.student_share, "assumed, see above"))
            w(kv("engagement", p.engagement, "assumed, see above"))

    # --- centres ---
    w("")
    w("# ===========================================================================")
    w("# Centres: one per province. The 4 hubs (data README: NIHBT Hà Nội, Huế Central")
    w("# Hospital's regional centre, Chợ Rẫy / HCMC Blood Transfusion Hematology Hospital,")
    w("# Cần Thơ) have hub = \"\"; every other centre is supplied by its CSV hub.")
    w("# order_up_to_days / reserve_days / initial_stock_days: format defaults 7 / 5 / 7 (assumed).")
    w(f"# storage_red_cell_units: {STORAGE_DAYS} days of the red cells it serves (its hospital bank; a hub")
    w("# also its region's provinces), rounded up to 100 (assumed: no document gives cold-room sizes).")
    w("# ===========================================================================")
    for p in provinces:
        served = sum(q.population_served for q in provinces if q.hub == p.slug) if p.is_hub else p.population_served
        usage = served * RED_CELL_DEMAND_PER_1000 / 1000 / 365
        days = STORAGE_DAYS
        storage = math.ceil(days * usage / 100) * 100
        w("")
        w("[[centre]]")
        w(kv("name", p.centre))
        w(kv("display_name", HUB_CENTRE_VI.get(p.slug, f"Trung tâm máu {p.name_vi}")))
        w(kv("area", p.slug))
        if p.is_hub:
            w(kv("hub", "", "a regional hub (data README)"))
        else:
            w(kv("hub", by_slug[p.hub].centre, "CSV hub (data README)"))
        w(kv("storage_red_cell_units", storage, f"assumed: {days} days of {usage:,.0f} units/day"))

    # --- hospitals ---
    w("")
    w("# ===========================================================================")
    w("# Hospitals: one aggregated hospital bank per province, supplied by its centre.")
    w(f"# population_served (assumed): hub-city banks also serve {REFERRAL_SHARE:.0%} of the rest of")
    w("# their catchment (patients referred to the central hospitals); other banks serve")
    w(f"# {1 - REFERRAL_SHARE:.0%} of their province. Totals are unchanged. Order policy: format defaults.")
    w("# ===========================================================================")
    for p in provinces:
        w("")
        w("[[hospital]]")
        w(kv("name", p.hospital))
        w(kv("display_name", f"Các bệnh viện {p.name_vi}"))
        w(kv("area", p.slug))
        w(kv("centre", p.centre))
        if p.is_hub:
            w(kv("population_served", p.population_served, f"own population + {REFERRAL_SHARE:.0%} of the catchment's others (assumed)"))
        else:
            w(kv("population_served", p.population_served, f"{1 - REFERRAL_SHARE:.0%} of the population (assumed)"))

    # --- links ---
    w("")
    w("# ===========================================================================")
    w(f"# Links. Hospital bank <-> centre: {LOCAL_LINK_MINUTES} min (same city, assumed).")
    w(f"# Centre <-> hub and hub <-> hub: great-circle km × {ROAD_FACTOR} (road) / {ROAD_KMH:g} km/h × 60, at")
    w(f"# least {MIN_LINK_MINUTES} min (data README's rough conversion; an assumption, not data). Centre-hub")
    w("# km from provinces-2025-hub-distance.csv; hub-hub km computed from the CSV coordinates.")
    w("# (Long hub-hub transfers may go by air in reality, which would be faster.)")
    w("# ===========================================================================")
    for p in provinces:
        w("")
        w("[[link]]")
        w(kv("from", p.hospital))
        w(kv("to", p.centre))
        w(kv("travel_minutes", LOCAL_LINK_MINUTES, "assumed"))
        if not p.is_hub:
            hub = by_slug[p.hub]
            w("")
            w("[[link]]")
            w(kv("from", p.centre))
            w(kv("to", hub.centre))
            w(kv("travel_minutes", travel_minutes(p.km_to_hub), f"{p.km_to_hub} km great-circle (CSV)"))
    for i, a in enumerate(HUBS):
        for b in HUBS[i + 1:]:
            km = haversine_km(by_slug[a], by_slug[b])
            w("")
            w("[[link]]")
            w(kv("from", by_slug[a].centre))
            w(kv("to", by_slug[b].centre))
            w(kv("travel_minutes", travel_minutes(km), f"{km:.0f} km great-circle (CSV coordinates)"))

    # --- split of each province's plan between sessions ---
    camp_targets: dict[str, dict[str, int]] = {}
    for c in camps:
        members = campaign_provinces(c, provinces)
        camp_targets[c.name] = largest_remainder({p.slug: p.plan for p in members}, c.target)
    fixed_target = {p.slug: round(p.plan * HUB_FIXED_SITE_SHARE) if p.is_hub else 0 for p in provinces}
    drive_target = {p.slug: p.plan - fixed_target[p.slug] - sum(t.get(p.slug, 0) for t in camp_targets.values())
                    for p in provinces}

    # --- sessions ---
    w("")
    w("# ===========================================================================")
    w("# Sessions. Per province one series of mobile drives (an aggregate of the day's drives")
    w("# in the province) on fixed weekdays all year; at the 4 hubs also the hub's fixed")
    w("# donation site, open Mon–Sat. target_units = the session's share of the province plan")
    w("# for the whole series (province plan minus the hub fixed site's share minus the")
    w(f"# campaign sessions' targets); capacity = {CAPACITY_OVER_PLAN} × target / number of session days.")
    w(f"# Weekdays (assumed): {', '.join(WEEKDAYS_BIG)} where the plan >= {BIG_PROVINCE_PLAN:,} units,")
    w(f"# {', '.join(WEEKDAYS_SMALL)} elsewhere. invitations / walk-ins per place: {DRIVE_INVITATIONS_PER_CAPACITY} / {DRIVE_WALK_IN_PER_CAPACITY}")
    w("# (assumed; domain.md: ~67% repeat donors, so about a third of donations are first-timers).")
    w("# ===========================================================================")
    for p in provinces:
        wd = WEEKDAYS_BIG if p.plan >= BIG_PROVINCE_PLAN else WEEKDAYS_SMALL
        n = days_on(wd, YEAR_START, YEAR_END)
        cap = CAPACITY_OVER_PLAN * drive_target[p.slug] / n
        per100k = round(cap / (p.population / 1e5), 2)
        w("")
        w(f"# {p.name_vi}: plan {p.plan:,}; drives {drive_target[p.slug]:,} over {n} days -> ~{cap:.0f} places a day")
        w("[[session]]")
        w(kv("name", f"drives-{p.slug}"))
        w(kv("area", p.slug))
        w(kv("organiser", f"Ban chỉ đạo vận động HMTN {p.name_vi}, Hội Chữ thập đỏ"))
        w(kv("weekdays", wd, "assumed"))
        w(kv("from", yearly(YEAR_START), "every year"))
        w(kv("to", yearly(YEAR_END)))
        w(kv("capacity_per_100k", per100k, f"{CAPACITY_OVER_PLAN} × target / {n} days / population"))
        w(kv("target_units", drive_target[p.slug], "plan share, see above"))
        w(kv("invitations_per_capacity", DRIVE_INVITATIONS_PER_CAPACITY, "assumed"))
        w(kv("walk_in_per_capacity", DRIVE_WALK_IN_PER_CAPACITY, "assumed, see above"))
        if p.is_hub:
            n_f = days_on(FIXED_SITE_WEEKDAYS, YEAR_START, YEAR_END)
            cap_f = math.ceil(CAPACITY_OVER_PLAN * fixed_target[p.slug] / n_f)
            w("")
            w(f"# The hub's fixed donation site: {HUB_FIXED_SITE_SHARE:.0%} of the plan (assumed), Mon–Sat (brief).")
            w("[[session]]")
            w(kv("name", f"fixed-site-{p.slug}"))
            w(kv("area", p.slug))
            w(kv("organiser", p.centre))
            w(kv("weekdays", FIXED_SITE_WEEKDAYS, "brief: open Mon–Sat"))
            w(kv("from", yearly(YEAR_START), "every year"))
            w(kv("to", yearly(YEAR_END)))
            w(kv("capacity", cap_f, f"{CAPACITY_OVER_PLAN} × target / {n_f} days"))
            w(kv("target_units", fixed_target[p.slug], f"{HUB_FIXED_SITE_SHARE:.0%} of the plan (assumed)"))
            w(kv("invitations_per_capacity", FIXED_INVITATIONS_PER_CAPACITY, "assumed: fixed sites rely less on invitations"))
            w(kv("walk_in_per_capacity", FIXED_WALK_IN_PER_CAPACITY, "assumed: and more on walk-ins"))

    # --- campaigns ---
    w("")
    w("# ===========================================================================")
    w("# Campaigns (seed 004 names them all: Lễ hội Xuân Hồng, Chủ Nhật Đỏ, 7/4, Những giọt máu")
    w("# hồng hè, Hành trình Đỏ, 14/6). turnout_factor / recruitment_factor are assumed.")
    w("# Each adds sessions per province; their targets (national figure split by the")
    w(f"# provinces' plans) are part of the plan, and their capacity is {CAPACITY_OVER_PLAN} × target.")
    w("# ===========================================================================")
    for c in camps:
        members = campaign_provinces(c, provinces)
        occ = c.occurrences()
        w("")
        w(f"# {c.title}. Source: {c.source}.")
        w(f"# {c.note[0].upper() + c.note[1:]}; national target {c.target:,} units ({c.target_source}).")
        w(f"# Organisers: {c.organiser}.")
        w("[[campaign]]")
        w(kv("name", c.name))
        w(kv("display_name", CAMPAIGN_VI[c.name]))
        w(kv("start", c.when(c.start), f"every year; {c.start.isoformat()} in 2025"))
        w(kv("end", c.when(c.end), f"{c.end.isoformat()} in 2025"))
        w(kv("areas", c.areas, "everywhere" if not c.areas else "see above"))
        w(kv("turnout_factor", c.turnout, "assumed"))
        w(kv("recruitment_factor", c.recruitment, "assumed"))
        if c.session_date:
            w(f"# one session per province on {c.session_date.isoformat()}; capacity = {CAPACITY_OVER_PLAN} × target")
        else:
            w(f"# {occ} session days per province ({', '.join(c.weekdays)} {c.session_from.isoformat()}..{c.session_to.isoformat()}); "
              f"capacity per day = {CAPACITY_OVER_PLAN} × target / {occ}")
        w("session = [")
        for p in members:
            t = camp_targets[c.name][p.slug]
            cap = max(10, math.ceil(CAPACITY_OVER_PLAN * t / occ))
            s = {"name": f"{c.slug}-{p.slug}", "area": p.slug}
            if c.session_date:
                s["date"] = c.when(c.session_date)
            else:
                s["weekdays"] = c.weekdays
                s["from"] = c.when(c.session_from)
                s["to"] = c.when(c.session_to)
            s["capacity"] = cap
            s["target_units"] = t
            s["walk_in_per_capacity"] = DRIVE_WALK_IN_PER_CAPACITY
            w("  " + inline(s) + ",")
        w("]")

    total_targets = sum(drive_target.values()) + sum(fixed_target.values()) + sum(sum(t.values()) for t in camp_targets.values())
    assert total_targets == NATIONAL_PLAN, total_targets
    w("")
    w(f"# Check: the session targets sum to {total_targets:,} units (the plan).")
    return "\n".join(L) + "\n"


# =============================================================================
# Strategy overlays
# =============================================================================
def overlay_header(title: str, what: list[str]) -> list[str]:
    return header(title, what) + ["", 'extends = "../vietnam-2025.toml"']


def pre_tet_push(provinces: list[Province]) -> str:
    start, end = TET - dt.timedelta(days=21), TET - dt.timedelta(days=1)
    wd = ["mon", "wed", "fri"]
    n = days_on(wd, start, end)
    extra_share = 0.04  # of the province plan (assumed)
    L = overlay_header("Strategy: a pre-Tết push.", [
        f"Changes: a campaign from {start.isoformat()} to {end.isoformat()} (the 3 weeks before Tết, {TET.isoformat()})",
        f"with extra drives on {', '.join(wd)} in every province, sized at {extra_share:.0%} of each province's",
        f"annual plan (assumed; {extra_share * NATIONAL_PLAN:,.0f} units nationally), with a turnout boost (assumed).",
        "Why: demand surges around Tết while students and workers go home (domain.md), and after",
        "Tết the northern hub has fallen to 2–3 days of stock (domain.md); seed 003 asks to",
        "concentrate drives 'vào dịp Tết Nguyên đán'. Red cells keep 42 days, so units drawn in",
        "these 3 weeks cover Tết and the weeks after it.",
    ])
    L += ["", kv("name", "vietnam-2025-pre-tet-push"), "",
          "[[campaign]]",
          kv("name", "pre-tet-push-2025"),
          kv("display_name", CAMPAIGN_VI["pre-tet-push-2025"]),
          kv("start", from_tet(start), f"every year; {start.isoformat()} in 2025"),
          kv("end", from_tet(end), "the day before Tết"),
          kv("areas", [], "everywhere"),
          kv("turnout_factor", 1.15, "assumed: publicity before Tết"),
          kv("recruitment_factor", 1.3, "assumed"),
          f"# {n} session days per province; target = {extra_share:.0%} of the province plan; capacity = {CAPACITY_OVER_PLAN} × target / {n}",
          "session = ["]
    for p in provinces:
        t = round(p.plan * extra_share)
        cap = max(10, math.ceil(CAPACITY_OVER_PLAN * t / n))
        L.append("  " + inline({"name": f"pre-tet-push-{p.slug}", "area": p.slug,
                                "weekdays": wd, "from": from_tet(start), "to": from_tet(end), "capacity": cap,
                                "target_units": t, "walk_in_per_capacity": DRIVE_WALK_IN_PER_CAPACITY}) + ",")
    L.append("]")
    return "\n".join(L) + "\n"


def summer_non_students(provinces: list[Province]) -> str:
    start, end = dt.date(2025, 6, 1), dt.date(2025, 8, 31)
    wd = ["tue", "thu"]
    n = days_on(wd, start, end)
    extra_share = 0.03  # of the province plan (assumed)
    L = overlay_header("Strategy: a summer campaign aimed at non-student donors.", [
        f"Changes: a campaign from {start.isoformat()} to {end.isoformat()} aimed at workers (segments, see",
        "docs/scenario-format.md): its turnout and recruitment factors reach non-student donors only, at",
        "every session in its window (the regular drives included), and its workplace drives (offices,",
        f"industrial parks, through the trade unions) on {', '.join(wd)} in every province invite workers",
        f"only and recruit workers only. The drives are sized at {extra_share:.0%} of each province's annual plan",
        "(assumed), with more walk-ins per place (assumed: colleagues recruit colleagues).",
        "Before segments the factors reached students too, so they were cut from 1.2 / 1.6 to",
        "1.05 / 1.2 (at 1.2 / 1.6 the overlay collected ~3 times its target in June–August);",
        "aimed at workers, 1.1 / 1.3 (assumed) reach about half the donors.",
        "Why: students give a large share of units and leave the cities in June–August",
        "(domain.md), and seed 003 calls the summer shortage 'trầm trọng'. Workers stay in town in",
        "summer (worker presence 1.0 all summer in the base).",
    ])
    L += ["", kv("name", "vietnam-2025-summer-non-students"), "",
          "[[campaign]]",
          kv("name", "summer-workplaces-2025"),
          kv("display_name", CAMPAIGN_VI["summer-workplaces-2025"]),
          kv("start", yearly(start), "every year"),
          kv("end", yearly(end)),
          kv("areas", [], "everywhere"),
          kv("segments", ["workers"], "its factors and its sessions reach non-students only"),
          kv("turnout_factor", 1.1, "assumed: employer support, paid time off"),
          kv("recruitment_factor", 1.3, "assumed: colleagues recruit colleagues"),
          f"# {n} session days per province; target = {extra_share:.0%} of the province plan; capacity = {CAPACITY_OVER_PLAN} × target / {n}",
          "# the sessions take the campaign's segments (workers)",
          "session = ["]
    L += campaign_sessions("summer-workplaces", provinces, wd, start, end, extra_share)
    return "\n".join(L) + "\n"


def campaign_sessions(prefix: str, provinces: list[Province], wd: list[str], start: dt.date, end: dt.date,
                      extra_share: float) -> list[str]:
    """A campaign's inline session list: one series per province on weekdays
    `wd` from `start` to `end`, its target `extra_share` of the province plan."""
    n = days_on(wd, start, end)
    L = []
    for p in provinces:
        t = round(p.plan * extra_share)
        cap = max(10, math.ceil(CAPACITY_OVER_PLAN * t / n))
        L.append("  " + inline({"name": f"{prefix}-{p.slug}", "area": p.slug,
                                "weekdays": wd, "from": yearly(start), "to": yearly(end), "capacity": cap,
                                "target_units": t, "walk_in_per_capacity": 0.3}) + ",")
    L.append("]")
    return L


# Provinces with large universities (assumed from the data README's hub and
# big-city classes): where a student campaign before the summer reaches many.
UNIVERSITY_PROVINCES = ["ha-noi", "ho-chi-minh", "da-nang", "hue", "can-tho", "thai-nguyen", "hai-phong", "nghe-an"]


def student_campaign_before_summer(provinces: list[Province]) -> str:
    start, end = dt.date(2025, 5, 4), dt.date(2025, 5, 31)
    wd = ["tue", "wed", "thu"]
    n = days_on(wd, start, end)
    extra_share = 0.03  # of the province plan (assumed)
    chosen = [p for p in provinces if p.slug in UNIVERSITY_PROVINCES]
    L = overlay_header("Strategy: a student campaign in the weeks before the summer.", [
        f"Changes: a campaign from {start.isoformat()} to {end.isoformat()} (the last four weeks of term) in",
        f"the {len(chosen)} provinces with the most universities (assumed):",
        f"{', '.join(p.slug for p in chosen)};",
        "aimed at students (segments, see docs/scenario-format.md): its turnout and recruitment",
        f"factors reach students only, and its drives on campus ({', '.join(wd)}) invite and",
        f"recruit students only, sized at {extra_share:.0%} of each province's annual plan (assumed).",
        "Why: students give a large share of units and leave the cities in June–August",
        "(domain.md: the summer shortage); red cells keep 42 days, so units given by students in",
        "May are still on the shelves in June, when the campuses empty.",
    ])
    L += ["", kv("name", "vietnam-2025-student-campaign-before-summer"), "",
          "[[campaign]]",
          kv("name", "students-before-summer-2025"),
          kv("display_name", CAMPAIGN_VI["students-before-summer-2025"]),
          kv("start", yearly(start), "every year"),
          kv("end", yearly(end)),
          kv("areas", [p.slug for p in chosen], "university provinces (assumed)"),
          kv("segments", ["students"], "its factors and its sessions reach students only"),
          kv("turnout_factor", 1.3, "assumed: campus publicity, student unions (Đoàn, Hội Sinh viên)"),
          kv("recruitment_factor", 1.5, "assumed: first-time student donors"),
          f"# {n} session days per province; target = {extra_share:.0%} of the province plan; capacity = {CAPACITY_OVER_PLAN} × target / {n}",
          "# the sessions take the campaign's segments (students)",
          "session = ["]
    L += campaign_sessions("campus-drives", chosen, wd, start, end, extra_share)
    return "\n".join(L) + "\n"


def early_appeals() -> str:
    L = overlay_header("Strategy: earlier and stronger emergency appeals.", [
        "Changes: [appeals] go out when a red-cell group falls under 3.5 days of supply",
        "(base 2.0), on the same day (base: 1 day later), with a stronger initial pull",
        "(turnout 2.2, walk-ins 2.5; base 1.8, 2.0) and a shorter cooldown (10 days; base 14).",
        "All values assumed.",
        "Why: appeals ('thông báo khẩn thiếu máu', seed 004) get a fast response that fades",
        "(domain.md); sent earlier, they may refill stock before shelves are empty, at the",
        "cost of pulling donations forward and leaving a gap afterwards (domain.md).",
    ])
    L += ["", kv("name", "vietnam-2025-early-appeals"), "",
          "[appeals]",
          kv("threshold_days", 3.5, "assumed (base 2.0)"),
          kv("delay_days", 0, "assumed (base 1): same-day appeal"),
          kv("turnout_factor", 2.2, "assumed (base 1.8)"),
          kv("walk_in_factor", 2.5, "assumed (base 2.0)"),
          kv("cooldown_days", 10, "assumed (base 14)")]
    return "\n".join(L) + "\n"


def hospital_fixed_sites(provinces: list[Province]) -> str:
    wd = ["mon", "tue", "wed", "thu", "fri"]
    n = days_on(wd, YEAR_START, YEAR_END)
    extra_share = 0.08  # of the province plan (assumed)
    L = overlay_header("Strategy: fixed donation sites at every provincial hospital.", [
        f"Changes: a fixed donation site at each province's hospitals, open {', '.join(wd)} all year,",
        f"sized at {extra_share:.0%} of the province's annual plan (assumed), relying more on walk-ins",
        "(patients' relatives, staff, passers-by; assumed) than on invitations.",
        "Why: seed 004 asks that 'các điểm hiến máu cố định, đặc biệt tại các bệnh viện, cần được",
        "tăng cường và duy trì thường xuyên'; a site open every working day spreads collection",
        "over the year instead of concentrating it on drive days and campaigns.",
    ])
    L += ["", kv("name", "vietnam-2025-hospital-fixed-sites")]
    for p in provinces:
        t = round(p.plan * extra_share)
        cap = max(5, math.ceil(CAPACITY_OVER_PLAN * t / n))
        L += ["",
              "[[session]]",
              kv("name", f"hospital-site-{p.slug}"),
              kv("area", p.slug),
              kv("organiser", p.hospital),
              kv("weekdays", wd, "assumed: working days"),
              kv("capacity", cap, f"{CAPACITY_OVER_PLAN} × target / {n} days"),
              kv("target_units", t, f"{extra_share:.0%} of the province plan (assumed)"),
              kv("invitations_per_capacity", 1.5, "assumed"),
              kv("walk_in_per_capacity", 0.4, "assumed")]
    return "\n".join(L) + "\n"


def main() -> None:
    provinces = read_provinces()
    plan(provinces)
    outputs = {
        SCEN / "vietnam-2025.toml": national(provinces),
        SCEN / "strategies" / "pre-tet-push.toml": pre_tet_push(provinces),
        SCEN / "strategies" / "summer-non-students.toml": summer_non_students(provinces),
        SCEN / "strategies" / "student-campaign-before-summer.toml": student_campaign_before_summer(provinces),
        SCEN / "strategies" / "early-appeals.toml": early_appeals(),
        SCEN / "strategies" / "hospital-fixed-sites.toml": hospital_fixed_sites(provinces),
    }
    for path, text in outputs.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")
        print(f"wrote {path.relative_to(SCEN.parent)} ({text.count(chr(10))} lines)")


if __name__ == "__main__":
    main()
