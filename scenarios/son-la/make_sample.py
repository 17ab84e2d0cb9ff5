#!/usr/bin/env python3
"""Writes the illustrative Sơn La sample tables (units, quotas, groups, roster).

ILLUSTRATIVE DATA. Unit names are generic and every staffing figure is invented by this
script from a fixed seed. Only the group shares (2019 census), the count of commune-level
units (75: 67 communes and 8 wards), the number of especially difficult communes (about 54)
and the province's EM share come from public figures (see README.md).

roster.csv is an invented personnel roster, one row per person (current staff plus people
who left in 2021-2025). Every person in it is fake: names are "Người mẫu NNNNNN", and the
birth, hire and leave dates are drawn at random. staff.csv and retirements.csv are derived
from it by the tool:
    cargo run --release -- roster import scenarios/son-la/roster.csv --scenario scenarios/son-la
Run from this folder: python3 make_sample.py
"""
import calendar
import csv
import datetime as dt
import random

rng = random.Random(2025)
BASE, HORIZON = 2025, 2035

# 2019 census shares (FACTS.md); La Ha, Khang, Lao and others are pooled as OtherEM.
GROUPS = [("Thai", True, 53.61), ("Kinh", False, 16.26), ("Mong", True, 16.06),
          ("Muong", True, 6.78), ("XinhMun", True, 2.17), ("Dao", True, 1.76),
          ("KhoMu", True, 1.20), ("OtherEM", True, 2.16)]
EM_GROUPS = [g for g, em, _ in GROUPS if em]

units = []  # (id, name, kind, em_pop_share, quota, leader_posts, over_quota_until)
# 67 communes: most above 70% EM population; X07 sits exactly on 70%.
for i in range(1, 68):
    if i == 7:
        p = 70.0
    elif i <= 55:
        p = round(rng.uniform(71, 99), 1)
    elif i <= 63:
        p = round(rng.uniform(50, 69.9), 1)
    else:
        p = round(rng.uniform(30, 49.9), 1)
    q = rng.randint(36, 54)
    units.append((f"X{i:02d}", f"Xã {i:02d}", "commune", p, q, max(4, q // 8), None))
# 8 wards: lower EM shares; W08 is below 5% (no R2 number).
for i in range(1, 9):
    p = 4.0 if i == 8 else round(rng.uniform(12, 60), 1)
    q = rng.randint(40, 60)
    units.append((f"W{i:02d}", f"Phường {i:02d}", "commune", p, q, max(4, q // 8), None))
for i in range(1, 16):
    q = rng.randint(55, 140)
    units.append((f"D{i:02d}", f"Sở {i:02d}", "provincial", 83.7, q, max(5, q // 9), None))
units.append(("DEAR", "Sở Dân tộc và Tôn giáo", "ethnic_department", 83.7, 42, 6, None))
units.append(("PPCEC", "Ban Dân tộc HĐND tỉnh", "ethnic_committee", 83.7, 7, 2, None))
for i in range(1, 13):
    q = rng.randint(40, 180)
    units.append((f"S{i:02d}", f"Đơn vị sự nghiệp {i:02d}", "public_service", 83.7, q, max(3, q // 12), None))

def em_share_now(uid, kind, p):
    """Invented current EM share of staff."""
    if uid == "X13":
        return 0.12  # the commune that cannot reach its target (see README)
    if kind == "commune":
        return min(0.75, max(0.03, p / 100 * rng.uniform(0.35, 0.7)))
    if kind == "provincial":
        return rng.uniform(0.08, 0.2)
    if kind == "public_service":
        return rng.uniform(0.12, 0.42)
    if kind == "ethnic_department":
        return 0.30
    return 0.43  # committee: 3 of 7

def local_groups(uid, kind):
    """EM groups a commune recruits from: a main group and a second one (invented)."""
    if kind != "commune":
        return None
    if uid.startswith("W"):
        return ["Thai", "Mong", "Muong"]
    main = "Mong" if rng.random() < 0.25 else "Thai"
    second = rng.choice([g for g in EM_GROUPS if g != main])
    return [main, second]

roster_people = {}  # unit -> [(group, gender, role, trained)] in generation order
quota_rows = []
final_units = []
for (uid, name, kind, p, q, posts, _) in units:
    over_until = None
    if kind == "commune" and rng.random() < 0.3 and uid != "X13":
        head = q + rng.randint(1, 4)     # over quota after the 2025 mergers
        over_until = 2027
    elif uid == "X13":
        head = q
    else:
        head = q - rng.randint(0, max(1, q // 12))
    em = round(head * em_share_now(uid, kind, p))
    leaders = min(posts, max(1, round(posts * rng.uniform(0.7, 1.0))))
    em_leaders = min(leaders, max(0, round(leaders * (em / head) * rng.uniform(0.3, 0.9))))
    local = local_groups(uid, kind)
    people = []
    for n in range(head):
        is_em = n < em
        if is_em:
            if local:
                g = local[0] if rng.random() < 0.7 else local[1 if len(local) == 2 else rng.randint(1, 2)]
            else:
                g = rng.choice(EM_GROUPS) if rng.random() < 0.4 else "Thai"
        else:
            g = "Kinh"
        people.append([g, "F" if rng.random() < 0.42 else "M", "staff",
                       "yes" if rng.random() < (0.55 if is_em else 0.8) else "no", is_em])
    ems = [x for x in people if x[4]]
    nons = [x for x in people if not x[4]]
    for x in ems[:em_leaders]:
        x[2] = "leader"; x[3] = "yes"
    for x in nons[:leaders - em_leaders]:
        x[2] = "leader"; x[3] = "yes"
    for g, s, role, tr, is_em in people:
        roster_people.setdefault(uid, []).append((g, s, role, tr))
        # The former retirements table drew these numbers; they are still drawn (and
        # discarded) so that the sequence, hence units.csv and quotas.csv, stays as it was.
        if uid != "X13" and rng.random() < 0.25:
            rng.randint(BASE + 1, HORIZON)
    final_units.append((uid, name, kind, p, q, posts, over_until,
                        ";".join(local + ["Kinh"]) if local else ""))
    # streamlining: quotas fall about 5% by 2030 (not X13's)
    if uid != "X13" and q >= 20:
        cut1 = max(1, round(q * 0.025))
        quota_rows.append((uid, 2027, q - cut1))
        quota_rows.append((uid, 2030, q - 2 * cut1))

# Especially difficult communes: about 54 of Sơn La's communes are so classed. Here the 54
# communes with the highest EM population share (ties by id); X13 is among them.
N_DIFFICULT = 54
_communes = sorted((u for u in units if u[0].startswith("X")), key=lambda u: (-u[3], u[0]))
DIFFICULT = {u[0] for u in _communes[:N_DIFFICULT]}
assert len(DIFFICULT) == N_DIFFICULT and "X13" in DIFFICULT

with open("units.csv", "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["id", "name", "kind", "em_population_share", "quota", "leader_posts",
                "over_quota_until", "recruit_groups", "difficult"])
    for uid, name, kind, p, q, posts, over, groups in final_units:
        w.writerow([uid, name, kind, p, q, posts, over or "", groups,
                    "yes" if uid in DIFFICULT else "no"])
with open("quotas.csv", "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["unit", "year", "quota"])
    w.writerows(quota_rows)

# Vietnamese names used in the roster's ethnicity column (first name is the usual spelling).
GROUP_NAMES = {"Thai": ["Thái"], "Kinh": ["Kinh"], "Mong": ["Mông", "H'Mông"],
               "Muong": ["Mường"], "XinhMun": ["Xinh Mun"], "Dao": ["Dao"],
               "KhoMu": ["Khơ Mú"], "OtherEM": ["La Ha", "Kháng", "Lào", "Khác"]}
with open("groups.csv", "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["group", "em", "population_share", "names"])
    for g, em, share in GROUPS:
        w.writerow([g, "yes" if em else "no", share, ";".join(GROUP_NAMES[g])])

# ---------------------------------------------------------------------------------------
# Roster: one row per (fake) person. Everything below uses its own generator, so the
# tables above do not depend on it.
rr = random.Random(470)
D = dt.date
END = D(BASE, 12, 31)                 # roster date
HIST = range(BASE - 4, BASE + 1)      # leavers' window, 2021-2025
X13_MIN_BIRTH = D(1980, 1, 1)         # X13: nobody retires before 2035

def add_months(d, m):
    y, mo = divmod(d.month - 1 + m, 12)
    y += d.year
    return D(y, mo + 1, min(d.day, calendar.monthrange(y, mo + 1)[1]))

def retirement_age_months(gender, year):
    """Statutory retirement age (Labour Code 2019, Decree 135/2020) in the given year."""
    if gender == "M":
        return 720 if year < 2021 else min(723 + 3 * (year - 2021), 744)
    return 660 if year < 2021 else min(664 + 4 * (year - 2021), 720)

def retirement_date(birth, gender):
    """Date the statutory age is reached; the age is that of the year it is reached in."""
    y = birth.year + 50
    while add_months(birth, retirement_age_months(gender, y)).year > y:
        y += 1
    return add_months(birth, retirement_age_months(gender, y))

def rand_date(lo, hi):
    return lo + dt.timedelta(days=rr.randint(0, (hi - lo).days))

def years(a, b):
    return (b - a).days / 365.25

def draw_birth(lo, hi):
    """A birth date in [lo, hi] and its written precision (about 4% year only, 4% month)."""
    b = rand_date(lo, hi)
    u = rr.random()
    if u < 0.04:
        return D(b.year, 1, 1), "y"
    if u < 0.08:
        return D(b.year, b.month, 1), "m"
    return b, "d"

def fmt_birth(b, prec):
    return str(b.year) if prec == "y" else b.strftime("%m/%Y") if prec == "m" else b.strftime("%d/%m/%Y")

def retiring_birth(gender, year, earliest=D(1900, 1, 1)):
    """A birth date, not before earliest, whose statutory retirement falls in the year."""
    while True:
        b, prec = draw_birth(D(year - 63, 1, 1), D(year - 54, 12, 31))
        if b >= earliest and retirement_date(b, gender).year == year:
            return b, prec

# Share of current staff reaching retirement age in each year 2026-2035. With men born on or
# after 1965 and women on or after 1970 nobody can be a woman retiring in 2026, so men get a
# larger share that year.
RETIRE_SHARE = {"M": {2026: 0.045, **{y: 0.025 for y in range(2027, HORIZON + 1)}},
                "F": {y: 0.025 for y in range(2027, HORIZON + 1)}}

def birth_year_weight(y):
    return 1.0 if y <= 1996 else max(0.12, 1.0 - 0.12 * (y - 1996))

def current_birth(gender, uid, role):
    if uid != "X13":
        u = rr.random()
        for year, share in RETIRE_SHARE[gender].items():
            if u < share:  # current staff are not yet retired: men born 1965+, women 1970+
                return retiring_birth(gender, year, D(1965 if gender == "M" else 1970, 1, 1))
            u -= share
    lo = 1980 if uid == "X13" else (1974 if gender == "M" else 1976)
    hi = 1990 if role == "leader" else 2003
    ys = list(range(lo, hi + 1))
    y = rr.choices(ys, weights=[birth_year_weight(y) for y in ys])[0]
    return draw_birth(D(y, 1, 1), D(y, 12, 31))

def age_at_hire_days():
    return int(min(45.0, 22.0 + rr.expovariate(1 / 4.0)) * 365.25)

MID_CAREER = 0.05  # share of (non-leader) staff recruited mid-career in 2021-2025

def current_hire(birth, role):
    cap = D(BASE - 8, 12, 31) if role == "leader" else END  # leaders: 8+ years' tenure
    lo = max(D(BASE - 4, 1, 1), add_months(birth, 21 * 12))
    if role != "leader" and rr.random() < MID_CAREER and lo <= END:
        return rand_date(lo, END)
    h = birth + dt.timedelta(days=age_at_hire_days())
    if h > cap:
        h = rand_date(add_months(birth, 21 * 12), cap)
    return h

def hazard(kind, difficult, tenure):
    """Yearly non-retirement leaving hazard by tenure band (invented)."""
    band = 0 if tenure < 2 else 1 if tenure < 5 else 2
    if difficult:
        return (0.12, 0.06, 0.025)[band]
    if kind == "commune":
        return (0.08, 0.04, 0.015)[band]
    return (0.06, 0.03, 0.01)[band]

def band_of(t):
    return 0 if t < 2 else 1 if t < 5 else 2

def ethnicity(g):
    if g == "OtherEM":
        return rr.choice(["La Ha", "Kháng", "Lào"])
    if g == "Mong" and rr.random() < 0.03:
        return "H'Mông"
    return GROUP_NAMES[g][0]

RETIRE_HIST = 0.025  # retirements a year in 2021-2025, per person present

current, leavers = [], []
for uid, _name, kind, *_ in units:
    diff = uid in DIFFICULT
    pool = []  # everyone of the unit: current staff and leavers
    for g, s, role, tr in roster_people[uid]:
        b, prec = current_birth(s, uid, role)
        pool.append(dict(unit=uid, group=g, gender=s, role=role, trained=tr, birth=b,
                         prec=prec, hire=current_hire(b, role), leave=None, reason=""))
    current += pool
    # Leavers, year by year backwards: each person present at the end of a year has a
    # "twin" who left during that year with the hazard for the tenure it had then.
    for year in reversed(HIST):
        y_end = D(year, 12, 31)
        present = [p for p in pool if p["hire"] <= y_end and (p["leave"] is None or p["leave"] > y_end)]
        new = []
        for p in present:
            leave = rand_date(D(year, 1, 1), y_end)
            if p["hire"] < leave - dt.timedelta(days=14):
                t_days = (leave - p["hire"]).days
                h = hazard(kind, diff, t_days / 365.25)
                if rr.random() < h / (1 - h / 2):
                    hire = leave - dt.timedelta(days=t_days + rr.randint(-45, 45))
                    if hire >= leave - dt.timedelta(days=14) or band_of(years(hire, leave)) != band_of(t_days / 365.25):
                        hire = p["hire"]
                    role = p["role"] if years(hire, leave) >= 8 else "staff"
                    q = dict(unit=uid, group=p["group"], gender=p["gender"], role=role,
                             trained="yes" if role == "leader" else p["trained"], hire=hire,
                             leave=leave, reason="Thôi việc" if rr.random() < 0.55 else "Chuyển công tác")
                    for _ in range(200):
                        b, prec = draw_birth(*(2 * [hire - dt.timedelta(days=age_at_hire_days())]))
                        if (b <= D(2003, 12, 31) and add_months(b, 21 * 12) <= hire
                                and retirement_date(b, q["gender"]) > leave
                                and (uid != "X13" or b >= X13_MIN_BIRTH)):
                            break
                    else:
                        b, prec = D(hire.year - 22, 1, 1), "y"
                    q.update(birth=b, prec=prec)
                    new.append(q)
            if uid != "X13" and rr.random() < RETIRE_HIST / (1 - RETIRE_HIST / 2):
                b, prec = retiring_birth(p["gender"], year)
                r = retirement_date(b, p["gender"])
                leave = D(r.year, r.month, calendar.monthrange(r.year, r.month)[1])
                hire = b + dt.timedelta(days=age_at_hire_days())
                new.append(dict(unit=uid, group=p["group"], gender=p["gender"], role=p["role"],
                                trained=p["trained"], birth=b, prec=prec, hire=hire,
                                leave=leave, reason="Nghỉ hưu"))
        pool += new
        leavers += new

leavers.sort(key=lambda p: ([u[0] for u in units].index(p["unit"]), p["leave"], p["hire"]))
with open("roster.csv", "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["Mã cán bộ", "Họ và tên", "Đơn vị", "Ngày sinh", "Giới tính", "Dân tộc",
                "Vai trò", "Đã đào tạo", "Ngày tuyển dụng", "Công tác vùng ĐBKK từ 15 năm",
                "Ngày nghỉ việc", "Lý do nghỉ việc"])
    for n, p in enumerate(current + leavers, start=1):
        at = p["leave"] or END
        long_difficult = p["unit"] in DIFFICULT and years(p["hire"], at) >= 15 and rr.random() < 0.6
        w.writerow([f"SL-{n:06d}", f"Người mẫu {n:06d}", p["unit"], fmt_birth(p["birth"], p["prec"]),
                    "Nam" if p["gender"] == "M" else "Nữ", ethnicity(p["group"]),
                    "Lãnh đạo" if p["role"] == "leader" else "Chuyên viên",
                    "Có" if p["trained"] == "yes" else "Không", p["hire"].strftime("%d/%m/%Y"),
                    "x" if long_difficult else "",
                    p["leave"].strftime("%d/%m/%Y") if p["leave"] else "", p["reason"]])
