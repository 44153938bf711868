#!/usr/bin/env python3
"""Writes opsgenie/: an Opsgenie export (REST API v2 answers saved as PATH.json, without the v2/
prefix) of a realistic account, built from the documented schemas: users with contacts and
notification rules with steps, three teams with members, schedules with rotations, time
restrictions and overrides, escalations with delays, conditions and repeats, heartbeats and
integrations with their API keys.

Each schedule's timeline (GET /v2/schedules/{id}/timeline) is rendered here, independently of
Tocsin, by Opsgenie's documented rules: a rotation's participant at t is
participants[floor((t - startDate) / (length x type)) mod n] from its startDate to its endDate and
inside its time restriction; an override replaces the participant of the rotations it names (all
when it names none); every rotation of a schedule is on call at once. Run it again after changing
the account: python3 make_opsgenie_export.py
"""
import json, os, shutil
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "opsgenie")
SINCE = datetime(2026, 12, 7, 0, 0, tzinfo=timezone.utc)
UNTIL = SINCE + timedelta(weeks=8)
DAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]

USERS = [
    # id, full name, username, time zone, role, phone, mobile app?
    ("b1a1c2d3-0001-4000-8000-000000000001", "Amara Nwosu", "amara@globex.example", "Europe/London", "Admin", "447700900001", True),
    ("b1a1c2d3-0002-4000-8000-000000000002", "Ben Carter", "ben@globex.example", "Europe/London", "User", "447700900002", False),
    ("b1a1c2d3-0003-4000-8000-000000000003", "Chloe Dubois", "chloe@globex.example", "Europe/Paris", "User", "33612000003", False),
    ("b1a1c2d3-0004-4000-8000-000000000004", "Diego Ramos", "diego@globex.example", "Europe/Madrid", "User", "34612000004", True),
    ("b1a1c2d3-0005-4000-8000-000000000005", "Eva Novak", "eva@globex.example", "Europe/Prague", "User", "420601000005", False),
    ("b1a1c2d3-0006-4000-8000-000000000006", "Femi Adeyemi", "femi@globex.example", "Africa/Lagos", "User", "2348030000006", False),
    ("b1a1c2d3-0007-4000-8000-000000000007", "Greta Lind", "greta@globex.example", "Europe/Stockholm", "Owner", "46701000007", False),
    ("b1a1c2d3-0008-4000-8000-000000000008", "Hiro Sato", "hiro@globex.example", "Asia/Tokyo", "User", "819000000008", False),
    ("b1a1c2d3-0009-4000-8000-000000000009", "Ivy Chen", "ivy@globex.example", "America/Vancouver", "User", "16045550009", False),
]
U = {u[2].split("@")[0]: u for u in USERS}

def uref(key):
    u = U[key]
    return {"type": "user", "id": u[0], "username": u[2]}

TEAMS = [
    ("c0ffee00-0001-4000-8000-0000000000a1", "Payments", "Card processing and payouts", [("amara", "admin"), ("ben", "user"), ("chloe", "user")]),
    ("c0ffee00-0002-4000-8000-0000000000a2", "Search", None, [("diego", "admin"), ("eva", "user"), ("femi", "user")]),
    ("c0ffee00-0003-4000-8000-0000000000a3", "SRE", None, [("greta", "admin"), ("hiro", "user"), ("ivy", "user"), ("ben", "user")]),
]
TEAM = {t[1]: t for t in TEAMS}

def tref(name):
    return {"id": TEAM[name][0], "name": name}

def rotation(id, name, start, type, length, participants, restriction=None, end=None):
    r = {"id": id, "name": name, "startDate": start, "type": type, "length": length,
         "participants": [uref(p) for p in participants]}
    if end:
        r["endDate"] = end
    if restriction:
        r["timeRestriction"] = restriction
    return r

def time_of_day(sh, sm, eh, em):
    return {"type": "time-of-day", "restriction": {"startHour": sh, "startMin": sm, "endHour": eh, "endMin": em}}

def weekday_windows(*windows):
    return {"type": "weekday-and-time-of-day", "restrictions": [
        {"startDay": a, "startHour": ah, "startMin": am, "endDay": b, "endHour": bh, "endMin": bm} for a, ah, am, b, bh, bm in windows]}

SCHEDULES = [
    {"id": "5c4ed001-0001-4000-8000-0000000000b1", "name": "Payments_schedule", "timezone": "Europe/London", "team": "Payments",
     "description": "Payments on-call",
     "rotations": [
         rotation("a0000001-0001-4000-8000-000000000001", "Weekly primary", "2026-11-02T09:00:00Z", "weekly", 1, ["amara", "ben", "chloe"]),
         rotation("a0000001-0002-4000-8000-000000000002", "Business hours backup", "2026-11-02T09:00:00Z", "daily", 1, ["chloe", "amara"],
                  weekday_windows(*[(d, 9, 0, d, 17, 0) for d in DAYS[:5]])),
         rotation("a0000001-0003-4000-8000-000000000003", "Old rotation", "2026-06-01T09:00:00Z", "weekly", 1, ["ben"],
                  end="2026-11-02T09:00:00Z"),
     ],
     "overrides": [("xmas-cover", "ben", "2026-12-24T18:00:00Z", "2026-12-27T09:00:00Z", ["a0000001-0001-4000-8000-000000000001"]),
                   ("old-cover", "chloe", "2026-11-10T09:00:00Z", "2026-11-11T09:00:00Z", [])]},
    {"id": "5c4ed001-0002-4000-8000-0000000000b2", "name": "Search_schedule", "timezone": "Europe/Madrid", "team": "Search", "description": None,
     "rotations": [
         rotation("a0000002-0001-4000-8000-000000000001", "Day", "2026-11-02T08:00:00+01:00", "daily", 1, ["diego", "eva", "femi"],
                  time_of_day(8, 0, 20, 0)),
         rotation("a0000002-0002-4000-8000-000000000002", "Night", "2026-11-02T20:00:00+01:00", "daily", 2, ["femi", "diego"],
                  time_of_day(20, 0, 8, 0)),
         rotation("a0000002-0003-4000-8000-000000000003", "Weekend", "2026-11-07T00:00:00+01:00", "weekly", 1, ["eva", "diego"],
                  weekday_windows(("saturday", 0, 0, "monday", 0, 0))),
     ],
     "overrides": [("sick-day", "femi", "2027-01-12T08:00:00+01:00", "2027-01-12T20:00:00+01:00", [])]},
    {"id": "5c4ed001-0003-4000-8000-0000000000b3", "name": "SRE_schedule", "timezone": "UTC", "team": "SRE", "description": None,
     "rotations": [
         rotation("a0000003-0001-4000-8000-000000000001", "Follow the sun EU", "2026-11-01T06:00:00Z", "hourly", 8, ["greta", "ben"],
                  time_of_day(6, 0, 14, 0)),
         rotation("a0000003-0002-4000-8000-000000000002", "Follow the sun US", "2026-11-01T14:00:00Z", "daily", 1, ["ivy"],
                  time_of_day(14, 0, 22, 0)),
         rotation("a0000003-0003-4000-8000-000000000003", "Follow the sun APAC", "2026-11-01T22:00:00Z", "daily", 1, ["hiro"],
                  time_of_day(22, 0, 6, 0)),
         rotation("a0000003-0004-4000-8000-000000000004", "Freeze watch", "2027-01-04T00:00:00Z", "weekly", 1, ["greta", "hiro"]),
     ],
     "overrides": []},
]

def parse(s):
    return datetime.fromisoformat(s.replace("Z", "+00:00"))

def in_restriction(r, t, zone):
    tr = r.get("timeRestriction")
    if not tr:
        return True
    local = t.astimezone(zone)
    m = local.weekday() * 1440 + local.hour * 60 + local.minute
    windows = []
    if tr["type"] == "time-of-day":
        x = tr["restriction"]
        for d in range(7):
            windows.append((d, x["startHour"], x["startMin"], d, x["endHour"], x["endMin"]))
    else:
        for x in tr["restrictions"]:
            windows.append((DAYS.index(x["startDay"]), x["startHour"], x["startMin"], DAYS.index(x["endDay"]), x["endHour"], x["endMin"]))
    for sd, sh, sm, ed, eh, em in windows:
        a = sd * 1440 + sh * 60 + sm
        b = ed * 1440 + eh * 60 + em
        length = (b - a) % (7 * 1440)
        if length == 0:
            length = 1440 if sd == ed and tr["type"] == "time-of-day" else 7 * 1440
        if tr["type"] == "time-of-day" and length > 1440:
            length = (b - a) % 1440 or 1440
        if (m - a) % (7 * 1440) < length:
            return True
    return False

UNIT = {"hourly": 3600, "daily": 86400, "weekly": 604800}

def rotation_user(r, t, zone, overrides):
    for _, who, a, b, rotations in reversed(overrides):
        if (not rotations or r["id"] in rotations) and parse(a) <= t < parse(b):
            return U[who]
    if t < parse(r["startDate"]) or ("endDate" in r and t >= parse(r["endDate"])):
        return None
    if not in_restriction(r, t, zone):
        return None
    k = int((t - parse(r["startDate"])).total_seconds()) // (UNIT[r["type"]] * r["length"])
    return U[r["participants"][k % len(r["participants"])]["username"].split("@")[0]]

def timeline(s):
    zone = ZoneInfo(s["timezone"])
    rotations = []
    for r in s["rotations"]:
        periods, t = [], SINCE
        while t < UNTIL:
            u = rotation_user(r, t, zone, s["overrides"])
            nxt = t + timedelta(minutes=1)
            if periods and periods[-1][2] == u and periods[-1][1] == t:
                periods[-1][1] = nxt
            else:
                periods.append([t, nxt, u])
            t = nxt
        fmt = lambda d: d.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        rotations.append({"id": r["id"], "name": r["name"], "order": len(rotations) + 1, "periods": [
            {"startDate": fmt(a), "endDate": fmt(b), "type": "default",
             "recipient": {"type": "user", "id": u[0], "name": u[2]}} for a, b, u in periods if u]})
    return {"data": {"_parent": {"id": s["id"], "name": s["name"], "enabled": True},
                     "startDate": SINCE.strftime("%Y-%m-%dT%H:%M:%SZ"), "endDate": UNTIL.strftime("%Y-%m-%dT%H:%M:%SZ"),
                     "finalTimeline": {"rotations": rotations}}, "took": 0.1, "requestId": "r-" + s["id"][:8]}

def escalation(id, name, team, rules, repeat=None, description=None):
    return {"id": id, "name": name, "description": description or "", "ownerTeam": tref(team),
            "rules": [{"condition": c, "notifyType": n, "delay": {"timeAmount": d, "timeUnit": "minutes"}, "recipient": rec}
                      for c, n, d, rec in rules],
            "repeat": repeat or {"waitInterval": 0, "count": 0, "resetRecipientStates": False, "closeAlertAfterAll": False}}

def sref(i):
    return {"type": "schedule", "id": SCHEDULES[i]["id"], "name": SCHEDULES[i]["name"]}

ESCALATIONS = [
    escalation("e5ca1a7e-0001-4000-8000-0000000000c1", "Payments_escalation", "Payments",
               [("if-not-acked", "default", 0, sref(0)), ("if-not-acked", "default", 10, uref("amara")),
                ("if-not-closed", "default", 60, {"type": "team", "id": TEAM["Payments"][0], "name": "Payments"})],
               repeat={"waitInterval": 15, "count": 2, "resetRecipientStates": False, "closeAlertAfterAll": False},
               description="Payments escalation"),
    escalation("e5ca1a7e-0002-4000-8000-0000000000c2", "Search_escalation", "Search",
               [("if-not-acked", "default", 0, sref(1)), ("if-not-acked", "next", 5, sref(1)), ("if-not-acked", "default", 15, uref("diego"))],
               repeat={"waitInterval": 30, "count": 1, "resetRecipientStates": True, "closeAlertAfterAll": False}),
    escalation("e5ca1a7e-0003-4000-8000-0000000000c3", "SRE_escalation", "SRE",
               [("if-not-acked", "default", 0, sref(2)), ("if-not-acked", "default", 20, uref("greta")),
                ("if-not-acked", "default", 20, uref("hiro"))]),
]

def user_docs(u):
    id, name, username, tz, role, phone, mobile = u
    contacts = [{"id": id[:9] + "e", "method": "email", "to": username, "status": {"enabled": True}, "enabled": True},
                {"id": id[:9] + "s", "method": "sms", "to": phone[:2] + "-" + phone[2:], "status": {"enabled": True}, "enabled": True},
                {"id": id[:9] + "v", "method": "voice", "to": phone[:2] + "-" + phone[2:], "status": {"enabled": True}, "enabled": True}]
    if mobile:
        contacts.append({"id": id[:9] + "m", "method": "mobile", "to": name + "'s phone", "status": {"enabled": True}, "enabled": True})
    rules = [{"id": id[:9] + "r1", "name": "New Alert", "actionType": "create-alert", "order": 1, "enabled": True},
             {"id": id[:9] + "r2", "name": "Acknowledged Alert", "actionType": "acknowledged-alert", "order": 2, "enabled": True}]
    def step(n, after, c):
        return {"id": id[:9] + "st" + str(n), "sendAfter": {"timeAmount": after, "timeUnit": "minutes"},
                "contact": {"method": c["method"], "to": c["to"]}, "enabled": True}
    steps = [step(1, 0, contacts[0]), step(2, 1, contacts[1]), step(3, 5, contacts[2])]
    if mobile:
        steps.insert(0, step(0, 0, contacts[3]))
    return contacts, rules, steps

HEARTBEATS = [
    {"name": "payments-batch", "description": "Nightly settlement batch", "interval": 1, "intervalUnit": "days", "enabled": True,
     "ownerTeam": tref("Payments"), "alertMessage": "Settlement batch did not report", "alertTags": [], "alertPriority": "P2"},
    {"name": "search-indexer", "description": "Indexer liveness", "interval": 10, "intervalUnit": "minutes", "enabled": True,
     "ownerTeam": tref("Search"), "alertMessage": "", "alertTags": [], "alertPriority": "P3"},
    {"name": "legacy-cron", "description": "", "interval": 1, "intervalUnit": "hours", "enabled": False,
     "ownerTeam": tref("SRE"), "alertMessage": "", "alertTags": [], "alertPriority": "P3"},
]

INTEGRATIONS = [
    ("1a7e0001-0001-4000-8000-0000000000d1", "Payments API", "API", "Payments", "7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f"),
    ("1a7e0001-0002-4000-8000-0000000000d2", "Search Prometheus", "Prometheus", "Search", "8d2e3f4a-5b6c-4d7e-9f0a-1b2c3d4e5f60"),
    ("1a7e0001-0003-4000-8000-0000000000d3", "SRE API", "API", "SRE", "9e3f4a5b-6c7d-4e8f-a0b1-2c3d4e5f6071"),
]

def write(path, doc):
    full = os.path.join(OUT, path + ".json")
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, "w") as f:
        json.dump(doc, f, indent=1, ensure_ascii=False)
        f.write("\n")

def listing(items):
    return {"totalCount": len(items), "data": items, "paging": {"first": "https://api.opsgenie.com/v2/x?offset=0", "last": "https://api.opsgenie.com/v2/x?offset=0"},
            "took": 0.05, "requestId": "list"}

if __name__ == "__main__":
    shutil.rmtree(OUT, ignore_errors=True)
    write("users", listing([{"id": u[0], "username": u[2], "fullName": u[1], "role": {"id": u[4], "name": u[4]},
                             "timeZone": u[3], "locale": "en_GB", "blocked": False, "verified": True,
                             "createdAt": "2025-01-10T10:00:00.000Z"} for u in USERS]))
    for u in USERS:
        contacts, rules, steps = user_docs(u)
        write(f"users/{u[0]}/contacts", {"data": contacts, "took": 0.01, "requestId": "c"})
        write(f"users/{u[0]}/notification-rules", {"data": rules, "took": 0.01, "requestId": "n"})
        write(f"users/{u[0]}/notification-rules/{rules[0]['id']}/steps", {"data": steps, "took": 0.01, "requestId": "s"})
        write(f"users/{u[0]}/notification-rules/{rules[1]['id']}/steps", {"data": [], "took": 0.01, "requestId": "s"})
    write("teams", {"data": [{"id": t[0], "name": t[1], "description": t[2] or ""} for t in TEAMS], "took": 0.01, "requestId": "t"})
    for t in TEAMS:
        write(f"teams/{t[0]}", {"data": {"id": t[0], "name": t[1], "description": t[2] or "",
                                         "members": [{"user": {"id": U[m][0], "username": U[m][2]}, "role": role} for m, role in t[3]]},
                                "took": 0.01, "requestId": "t1"})
    write("schedules", listing([{"id": s["id"], "name": s["name"], "description": s["description"] or "", "timezone": s["timezone"],
                                 "enabled": True, "ownerTeam": tref(s["team"]), "rotations": s["rotations"]} for s in SCHEDULES]))
    for s in SCHEDULES:
        write(f"schedules/{s['id']}/overrides", {"data": [
            {"alias": alias, "user": uref(who), "startDate": a, "endDate": b,
             "rotations": [{"id": r, "name": next(x["name"] for x in s["rotations"] if x["id"] == r)} for r in rots]}
            for alias, who, a, b, rots in s["overrides"]], "took": 0.01, "requestId": "o"})
        write(f"schedules/{s['id']}/timeline", timeline(s))
    write("escalations", {"data": ESCALATIONS, "took": 0.01, "requestId": "e"})
    write("heartbeats", {"data": {"heartbeats": HEARTBEATS}, "took": 0.01, "requestId": "h"})
    write("integrations", {"data": [{"id": i[0], "name": i[1], "enabled": True, "teamId": TEAM[i[3]][0], "type": i[2]} for i in INTEGRATIONS],
                           "took": 0.01, "requestId": "i"})
    for i in INTEGRATIONS:
        write(f"integrations/{i[0]}", {"data": {"id": i[0], "name": i[1], "type": i[2], "enabled": True, "apiKey": i[4],
                                                "ownerTeam": tref(i[3]), "allowWriteAccess": True, "suppressNotifications": False},
                                       "took": 0.01, "requestId": "i1"})
