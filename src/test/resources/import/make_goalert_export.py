#!/usr/bin/env python3
"""Writes goalert/: a GoAlert export (the answers of the GraphQL queries in GoAlertApi.QUERIES, saved
as NAME.json) of a realistic deployment, built from GoAlert's schema (graphql2/schema.graphql):
users with contact methods and notification rules, rotations, schedules whose targets (rotations
and users) have rules, user overrides, escalation policies with steps and repeats, services with
integration keys and heartbeat monitors.

Each schedule's shifts are rendered here, independently of Tocsin, by GoAlert's rules: a rotation
hands over every shiftLength units from its current shift (the active user now, the next hand-off
given), taking its users in order; a schedule puts each target on call inside its rules' windows
(weekdayFilter from Sunday, start to end, across midnight when end <= start, all day when equal),
all targets at once; a replace override puts addUser on call instead of removeUser while it lasts.
Run it again after changing the deployment: python3 make_goalert_export.py
"""
import json, os, shutil
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "goalert")
SINCE = datetime(2026, 12, 7, 0, 0, tzinfo=timezone.utc)
UNTIL = SINCE + timedelta(weeks=8)

def uid(n):
    return "00000000-0000-4000-8000-%012d" % n

USERS = [  # n, name, email, role, phone
    (1, "Kofi Mensah", "kofi@initech.example", "admin", "+12025550111"),
    (2, "Lena Vogel", "lena@initech.example", "user", "+4915550000112"),
    (3, "Marco Rossi", "marco@initech.example", "user", "+393330000113"),
    (4, "Nadia Haddad", "nadia@initech.example", "user", "+9613000114"),
    (5, "Oscar Lind", "oscar@initech.example", "user", "+46701000115"),
    (6, "Priya Shah", "priya@initech.example", "user", "+919800000116"),
    (7, "Quinn Byrne", "quinn@initech.example", "user", "+353870000117"),
    (8, "Rosa Alves", "rosa@initech.example", "user", "+5511900000118"),
    (9, "Sam Lee", "sam@initech.example", "user", "+12065550119"),
]
BY = {u[2].split("@")[0]: u for u in USERS}

def user(u):
    n, name, email, role, phone = u
    cms = [{"id": uid(100 + n), "type": "EMAIL", "name": "work", "value": email, "disabled": False},
           {"id": uid(200 + n), "type": "SMS", "name": "mobile", "value": phone, "disabled": False},
           {"id": uid(300 + n), "type": "VOICE", "name": "mobile", "value": phone, "disabled": False}]
    if n == 1:
        cms.append({"id": uid(400 + n), "type": "SLACK_DM", "name": "slack", "value": "U0KOFI001", "disabled": False})
    if n == 2:
        cms.append({"id": uid(500 + n), "type": "WEBHOOK", "name": "pager bridge", "value": "https://hooks.initech.example/lena", "disabled": False})
    rules = [{"id": uid(600 + n), "delayMinutes": 0, "contactMethodID": cms[0]["id"]},
             {"id": uid(700 + n), "delayMinutes": 1, "contactMethodID": cms[1]["id"]},
             {"id": uid(800 + n), "delayMinutes": 5, "contactMethodID": cms[2]["id"]}]
    return {"id": uid(n), "name": name, "email": email, "role": role, "contactMethods": cms, "notificationRules": rules}

UNIT = {"hourly": timedelta(hours=1), "daily": timedelta(days=1), "weekly": timedelta(weeks=1)}

# Rotations: an anchor shift start with the first user listed on call then; the export gives the state now.
ROTATIONS = [  # id, name, zone, type, length, users, anchor (a shift start), description
    (11, "API weekly", "America/Chicago", "weekly", 1, ["kofi", "lena", "marco"], datetime(2026, 11, 2, 9, 0, tzinfo=ZoneInfo("America/Chicago")), "API primary"),
    (12, "API business hours", "America/Chicago", "daily", 1, ["nadia", "kofi"], datetime(2026, 11, 2, 9, 0, tzinfo=ZoneInfo("America/Chicago")), ""),
    (13, "Data day", "Europe/Dublin", "daily", 2, ["oscar", "priya", "quinn"], datetime(2026, 11, 1, 8, 0, tzinfo=ZoneInfo("Europe/Dublin")), ""),
    (14, "Data night", "Europe/Dublin", "hourly", 12, ["rosa", "sam"], datetime(2026, 11, 1, 20, 0, tzinfo=ZoneInfo("Europe/Dublin")), ""),
    (15, "Infra escalation", "UTC", "weekly", 2, ["sam", "kofi"], datetime(2026, 11, 2, 0, 0, tzinfo=ZoneInfo("UTC")), ""),
]

def rot(n):
    return next(r for r in ROTATIONS if r[0] == n)

def rotation_user(r, t):
    _, _, zone, type, length, users, anchor, _ = r
    local = t.astimezone(ZoneInfo(zone))
    k, start = 0, anchor
    step = UNIT[type] * length
    # Calendar steps in the rotation's zone (hand-offs keep their local time).
    while True:
        nxt = (start.replace(tzinfo=None) + step).replace(tzinfo=ZoneInfo(zone)) if type != "hourly" else start + step
        if nxt > local:
            break
        start, k = nxt, k + 1
    return users[k % len(users)], start, nxt

def rotation_doc(r):
    n, name, zone, type, length, users, anchor, desc = r
    who, start, nxt = rotation_user(r, SINCE)
    return {"id": uid(n), "name": name, "description": desc, "timeZone": zone, "type": type, "shiftLength": length,
            "start": anchor.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "activeUserIndex": users.index(who) if users.count(who) == 1 else 0, "userIDs": [uid(BY[u][0]) for u in users],
            "nextHandoffTimes": [nxt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")]}

WEEKDAYS = [False, True, True, True, True, True, False]
EVERY_DAY = [True] * 7
WEEKEND = [True, False, False, False, False, False, True]

SCHEDULES = [
    {"n": 21, "name": "API", "zone": "America/Chicago", "description": "API on-call", "targets": [
        (("rotation", 11), [("00:00", "00:00", EVERY_DAY)]),
        (("rotation", 12), [("09:00", "17:00", WEEKDAYS)]),
    ], "overrides": [(31, "lena", "kofi", "2026-12-15T23:00:00Z", "2026-12-16T15:00:00Z")]},
    {"n": 22, "name": "Data platform", "zone": "Europe/Dublin", "description": "", "targets": [
        (("rotation", 13), [("08:00", "20:00", EVERY_DAY)]),
        (("rotation", 14), [("20:00", "08:00", EVERY_DAY)]),
        (("user", "oscar"), [("10:00", "14:00", WEEKEND)]),
    ], "overrides": [(32, "sam", "rosa", "2026-12-31T20:00:00Z", "2027-01-01T08:00:00Z")]},
    {"n": 23, "name": "Security", "zone": "UTC", "description": "", "targets": [
        (("user", "kofi"), [("00:00", "00:00", EVERY_DAY)]),
    ], "overrides": [(33, "sam", None, "2027-01-20T00:00:00Z", "2027-01-21T00:00:00Z")]},
]

def in_rules(rules, t, zone):
    local = t.astimezone(ZoneInfo(zone))
    minute = local.hour * 60 + local.minute
    for start, end, days in rules:
        s = int(start[:2]) * 60 + int(start[3:])
        e = int(end[:2]) * 60 + int(end[3:])
        length = (e - s) % 1440 or 1440
        for back in (0, 1):  # a window that opened yesterday may still be open
            day = (local - timedelta(days=back))
            sunday_first = (day.weekday() + 1) % 7
            if days[sunday_first] and 0 <= minute + back * 1440 - s < length:
                return True
    return False

def on_call(s, t):
    people = set()
    for (kind, ref), rules in s["targets"]:
        if not in_rules(rules, t, s["zone"]):
            continue
        people.add(rotation_user(rot(ref), t)[0] if kind == "rotation" else ref)
    for _, add, remove, a, b in s["overrides"]:
        start, end = datetime.fromisoformat(a.replace("Z", "+00:00")), datetime.fromisoformat(b.replace("Z", "+00:00"))
        if start <= t < end and add and remove and remove in people:
            people.discard(remove)
            people.add(add)
    return people

def shifts(s):
    out, t, open_ = [], SINCE, {}
    while t < UNTIL:
        now = on_call(s, t)
        for p in list(open_):
            if p not in now:
                out.append((p, open_.pop(p), t))
        for p in now:
            open_.setdefault(p, t)
        t += timedelta(minutes=1)
    out += [(p, a, UNTIL) for p, a in open_.items()]
    fmt = lambda d: d.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return [{"userID": uid(BY[p][0]), "start": fmt(a), "end": fmt(b)} for p, a, b in sorted(out, key=lambda x: (x[1], x[0]))]

def target(kind, ref):
    if kind == "rotation":
        return {"id": uid(ref), "type": "rotation", "name": rot(ref)[1]}
    return {"id": uid(BY[ref][0]), "type": "user", "name": BY[ref][1]}

def schedule_doc(s):
    return {"id": uid(s["n"]), "name": s["name"], "description": s["description"], "timeZone": s["zone"],
            "targets": [{"target": target(*t), "rules": [{"start": a, "end": b, "weekdayFilter": d} for a, b, d in rules]}
                        for t, rules in s["targets"]],
            "temporarySchedules": [], "shifts": shifts(s)}

def step(n, delay, targets):
    return {"stepNumber": n, "delayMinutes": delay, "targets": targets}

SCH = lambda i: {"id": uid(SCHEDULES[i]["n"]), "type": "schedule", "name": SCHEDULES[i]["name"]}
USR = lambda k: {"id": uid(BY[k][0]), "type": "user", "name": BY[k][1]}
POLICIES = [
    {"id": uid(41), "name": "API policy", "description": "API escalation", "repeat": 2,
     "steps": [step(0, 15, [SCH(0)]), step(1, 15, [USR("kofi")]), step(2, 15, [SCH(2), {"id": uid(15), "type": "rotation", "name": "Infra escalation"}])]},
    {"id": uid(42), "name": "Data policy", "description": "", "repeat": 1,
     "steps": [step(0, 10, [SCH(1)]), step(1, 30, [USR("oscar"), {"id": uid(91), "type": "slackChannel", "name": "#data-oncall"}])]},
    {"id": uid(43), "name": "Security policy", "description": "", "repeat": 0,
     "steps": [step(0, 5, [SCH(2)]), step(1, 5, [{"id": uid(92), "type": "chanWebhook", "name": "SOC webhook"}])]},
]

def key(n, type, name, token):
    path = {"generic": "/api/v2/generic/incoming", "grafana": "/api/v2/grafana/incoming",
            "prometheusAlertmanager": "/api/v2/prometheusalertmanager/incoming", "email": None}[type]
    href = f"https://goalert.initech.example{path}?token={token}" if path else f"mailto:{token}@goalert.initech.example"
    return {"id": uid(n), "type": type, "name": name, "href": href}

SERVICES = [
    {"id": uid(51), "name": "Public API", "description": "REST API", "escalationPolicyID": uid(41),
     "integrationKeys": [key(61, "generic", "Monitoring", "6a1f0c3e-2b7d-4e59-9a10-1c2d3e4f5a61"),
                         key(62, "prometheusAlertmanager", "Alertmanager", "7b2e1d4f-3c8e-4f6a-8b21-2d3e4f5a6b72")],
     "heartbeatMonitors": [{"id": uid(71), "name": "api-synthetic", "timeoutMinutes": 10,
                            "href": "https://goalert.initech.example/api/v2/heartbeat/8c3f2e5a-4d9f-4a7b-9c32-3e4f5a6b7c83"}]},
    {"id": uid(52), "name": "Data pipeline", "description": "", "escalationPolicyID": uid(42),
     "integrationKeys": [key(63, "grafana", "Grafana", "9d4a3f6b-5e0a-4b8c-8d43-4f5a6b7c8d94"),
                         key(64, "email", "Data mail", "data-pipeline-x1y2")],
     "heartbeatMonitors": []},
    {"id": uid(53), "name": "Auth", "description": "", "escalationPolicyID": uid(43),
     "integrationKeys": [key(65, "generic", "SIEM", "0e5b4a7c-6f1b-4c9d-9e54-5a6b7c8d9ea5")], "heartbeatMonitors": []},
]

def connection(name, nodes):
    return {"data": {name: {"nodes": nodes, "pageInfo": {"hasNextPage": False, "endCursor": None}}}}

def write(name, doc):
    with open(os.path.join(OUT, name + ".json"), "w") as f:
        json.dump(doc, f, indent=1, ensure_ascii=False)
        f.write("\n")

if __name__ == "__main__":
    shutil.rmtree(OUT, ignore_errors=True)
    os.makedirs(OUT)
    write("users", connection("users", [user(u) for u in USERS]))
    write("rotations", connection("rotations", [rotation_doc(r) for r in ROTATIONS]))
    write("schedules", connection("schedules", [schedule_doc(s) for s in SCHEDULES]))
    write("userOverrides", connection("userOverrides", [
        {"id": uid(o[0]), "start": o[3], "end": o[4], "addUserID": uid(BY[o[1]][0]) if o[1] else "",
         "removeUserID": uid(BY[o[2]][0]) if o[2] else "", "target": {"id": uid(s["n"]), "type": "schedule", "name": s["name"]}}
        for s in SCHEDULES for o in s["overrides"]]))
    write("escalationPolicies", connection("escalationPolicies", POLICIES))
    write("services", connection("services", SERVICES))
