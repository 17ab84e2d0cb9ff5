#!/usr/bin/env python3
"""Writes the illustrative Sơn La sample tables (units, quotas, staff, retirements).

ILLUSTRATIVE DATA. Unit names are generic and every staffing figure is invented by this
script from a fixed seed. Only the group shares (2019 census), the count of commune-level
units (75: 67 communes and 8 wards) and the province's EM share come from public figures
(see README.md). Run from this folder: python3 make_sample.py
"""
import csv
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
    units.append((f"X{i:02d}", f"Commune {i:02d}", "commune", p, q, max(4, q // 8), None))
# 8 wards: lower EM shares; W08 is below 5% (no R2 number).
for i in range(1, 9):
    p = 4.0 if i == 8 else round(rng.uniform(12, 60), 1)
    q = rng.randint(40, 60)
    units.append((f"W{i:02d}", f"Ward {i:02d}", "commune", p, q, max(4, q // 8), None))
for i in range(1, 16):
    q = rng.randint(55, 140)
    units.append((f"D{i:02d}", f"Department {i:02d}", "provincial", 83.7, q, max(5, q // 9), None))
units.append(("DEAR", "Department of Ethnic Affairs and Religion", "ethnic_department", 83.7, 42, 6, None))
units.append(("PPCEC", "PPC Ethnic Committee", "ethnic_committee", 83.7, 7, 2, None))
for i in range(1, 13):
    q = rng.randint(40, 180)
    units.append((f"S{i:02d}", f"Public service unit {i:02d}", "public_service", 83.7, q, max(3, q // 12), None))

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

staff = {}        # (unit, group, gender, role, trained) -> count
retirements = {}  # (..., year) -> count
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
        key = (uid, g, s, role, tr)
        staff[key] = staff.get(key, 0) + 1
        # statutory retirements: about 2.5% of staff a year, none in X13
        if uid != "X13" and rng.random() < 0.25:
            y = rng.randint(BASE + 1, HORIZON)
            rkey = key + (y,)
            retirements[rkey] = retirements.get(rkey, 0) + 1
    final_units.append((uid, name, kind, p, q, posts, over_until,
                        ";".join(local + ["Kinh"]) if local else ""))
    # streamlining: quotas fall about 5% by 2030 (not X13's)
    if uid != "X13" and q >= 20:
        cut1 = max(1, round(q * 0.025))
        quota_rows.append((uid, 2027, q - cut1))
        quota_rows.append((uid, 2030, q - 2 * cut1))

with open("units.csv", "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["id", "name", "kind", "em_population_share", "quota", "leader_posts",
                "over_quota_until", "recruit_groups"])
    for uid, name, kind, p, q, posts, over, groups in final_units:
        w.writerow([uid, name, kind, p, q, posts, over or "", groups])
with open("quotas.csv", "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["unit", "year", "quota"])
    w.writerows(quota_rows)
with open("staff.csv", "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["unit", "group", "gender", "role", "trained", "count"])
    for k in sorted(staff, key=lambda k: ([u[0] for u in units].index(k[0]), k[1:])):
        w.writerow(list(k) + [staff[k]])
with open("retirements.csv", "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["unit", "group", "gender", "role", "trained", "year", "count"])
    for k in sorted(retirements, key=lambda k: ([u[0] for u in units].index(k[0]), k[1:])):
        w.writerow(list(k) + [retirements[k]])
with open("groups.csv", "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["group", "em", "population_share"])
    for g, em, share in GROUPS:
        w.writerow([g, "yes" if em else "no", share])
