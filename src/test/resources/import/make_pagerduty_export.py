#!/usr/bin/env python3
"""Writes pagerduty/: a PagerDuty export (REST API v2 answers saved as PATH.json) of a realistic
account, built from the documented schemas: users with contact methods and notification rules,
three teams with members, multi-layer schedules with restrictions and overrides, multi-level
escalation policies with loops and round robin, services with integration keys.

Each schedule's final_schedule.rendered_schedule_entries are rendered here, independently of
Tocsin, by PagerDuty's documented rules: a layer's user at t is users[floor((t - virtual start) /
turn length) mod n] between the layer's start and end and inside its restrictions; the highest
layer with someone on call answers; an override replaces the answer. Run it again after changing
the account: python3 make_pagerduty_export.py
"""
import json, os, shutil
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "pagerduty")
SINCE = datetime(2026, 12, 7, 0, 0, tzinfo=timezone.utc)
UNTIL = SINCE + timedelta(weeks=8)

def ref(kind, id, summary):
    return {"id": id, "type": kind + "_reference", "summary": summary, "self": f"https://api.pagerduty.com/{kind}s/{id}"}

USERS = [
    # id, name, email, tz, role, country, phone, push?
    ("PAL1CE1", "Alice Ionescu", "alice@acme.example", "America/New_York", "user", "1", "2125550101", True),
    ("PB0B002", "Bob Martin", "bob@acme.example", "America/New_York", "user", "1", "2125550102", False),
    ("PCAR003", "Carol Chen", "carol@acme.example", "America/Los_Angeles", "user", "1", "4155550103", False),
    ("PDAN004", "Dan Okafor", "dan@acme.example", "America/New_York", "user", "1", "2125550104", True),
    ("PER1N05", "Erin Walsh", "erin@acme.example", "Europe/Berlin", "user", "49", "15550000105", False),
    ("PFRK006", "Frank Müller", "frank@acme.example", "Europe/Berlin", "user", "49", "15550000106", False),
    ("PGRC007", "Grace Kim", "grace@acme.example", "Europe/Berlin", "limited_user", "49", "15550000107", False),
    ("PHUG008", "Hugo Silva", "hugo@acme.example", "Europe/Lisbon", "user", "351", "912000108", False),
    ("PINS009", "Ines Duarte", "ines@acme.example", "Europe/Lisbon", "user", "351", "912000109", False),
    ("PJON010", "Jon Park", "jon@acme.example", "UTC", "admin", "44", "7700900110", False),
]
NAMES = {u[0]: u[1] for u in USERS}

def user(u):
    id, name, email, tz, role, cc, phone, push = u
    cms = [
        {"id": id + "E", "type": "email_contact_method", "summary": "Work", "label": "Work", "address": email, "send_short_email": False},
        {"id": id + "S", "type": "sms_contact_method", "summary": "Mobile", "label": "Mobile", "address": phone, "country_code": int(cc), "enabled": True},
        {"id": id + "P", "type": "phone_contact_method", "summary": "Mobile", "label": "Mobile", "address": phone, "country_code": int(cc)},
    ]
    if push:
        cms.append({"id": id + "N", "type": "push_notification_contact_method", "summary": "iPhone", "label": "iPhone",
                    "address": "ios-device-7f3e", "device_type": "ios"})
    def rule(n, delay, cm, urgency):
        return {"id": id + "R" + str(n), "type": "assignment_notification_rule", "start_delay_in_minutes": delay,
                "contact_method": {"id": cm["id"], "type": cm["type"] + "_reference"}, "urgency": urgency}
    rules = [rule(1, 0, cms[0], "high"), rule(2, 1, cms[1], "high"), rule(3, 5, cms[2], "high"), rule(4, 0, cms[0], "low")]
    if push:
        rules.append(rule(5, 0, cms[3], "high"))
    return {"id": id, "type": "user", "summary": name, "name": name, "email": email, "time_zone": tz,
            "role": role, "description": None, "contact_methods": cms, "notification_rules": rules,
            "teams": [], "self": f"https://api.pagerduty.com/users/{id}"}

TEAMS = [
    ("PT1BACK", "Backend", "Checkout, payments and authentication", [("PAL1CE1", "responder"), ("PB0B002", "responder"), ("PCAR003", "responder"), ("PDAN004", "manager")]),
    ("PT2FRNT", "Frontend", None, [("PER1N05", "responder"), ("PFRK006", "responder"), ("PGRC007", "manager")]),
    ("PT3PLAT", "Platform", None, [("PHUG008", "responder"), ("PINS009", "responder"), ("PJON010", "manager"), ("PCAR003", "observer")]),
]

def weekly(day, time, seconds):
    return {"type": "weekly_restriction", "start_day_of_week": day, "start_time_of_day": time, "duration_seconds": seconds}

def daily(time, seconds):
    return {"type": "daily_restriction", "start_time_of_day": time, "start_day_of_week": None, "duration_seconds": seconds}

def layer(id, name, start, vstart, turn, users, restrictions=(), end=None):
    return {"id": id, "name": name, "start": start, "end": end, "rotation_virtual_start": vstart,
            "rotation_turn_length_seconds": turn, "users": [{"user": ref("user", u, NAMES[u])} for u in users],
            "restrictions": list(restrictions)}

# Layers are listed highest priority first.
SCHEDULES = [
    {"id": "PS1BKND", "name": "Backend Primary", "time_zone": "America/New_York", "description": "Backend on-call",
     "layers": [
         layer("PL1BH", "Business hours", "2026-11-02T09:00:00-05:00", "2026-11-02T09:00:00-05:00", 86400, ["PDAN004", "PCAR003"],
               [weekly(d, "09:00:00", 8 * 3600) for d in range(1, 6)]),
         layer("PL1WK", "Weekly", "2026-11-09T09:00:00-05:00", "2026-11-09T09:00:00-05:00", 604800, ["PAL1CE1", "PB0B002", "PCAR003"]),
         layer("PL1OLD", "Old weekly", "2026-06-01T09:00:00-04:00", "2026-06-01T09:00:00-04:00", 604800, ["PAL1CE1", "PB0B002"],
               end="2026-11-09T09:00:00-05:00"),
     ],
     "overrides": [("PO1XMAS", "PB0B002", "2026-12-24T18:00:00-05:00", "2026-12-26T09:00:00-05:00"),
                   ("PO1PAST", "PDAN004", "2026-11-20T09:00:00-05:00", "2026-11-21T09:00:00-05:00")]},
    {"id": "PS2FRNT", "name": "Frontend", "time_zone": "Europe/Berlin", "description": None,
     "layers": [
         layer("PL2WE", "Weekend", "2026-11-07T00:00:00+01:00", "2026-11-07T00:00:00+01:00", 604800, ["PGRC007", "PER1N05"],
               [weekly(6, "00:00:00", 2 * 86400)]),
         layer("PL2HD", "Half days", "2026-11-02T08:00:00+01:00", "2026-11-02T08:00:00+01:00", 43200, ["PER1N05", "PFRK006", "PGRC007"]),
     ],
     "overrides": [("PO2SICK", "PFRK006", "2027-01-05T08:00:00+01:00", "2027-01-05T20:00:00+01:00")]},
    {"id": "PS3PLAT", "name": "Platform", "time_zone": "UTC", "description": None,
     "layers": [
         layer("PL3HC", "Holiday cover", "2027-01-04T00:00:00Z", "2027-01-04T00:00:00Z", 604800, ["PHUG008"],
               [weekly(6, "10:00:00", 4 * 3600)]),
         layer("PL3DY", "Day", "2026-11-01T08:00:00Z", "2026-11-01T08:00:00Z", 86400, ["PJON010", "PINS009"], [daily("08:00:00", 10 * 3600)]),
         layer("PL3NT", "Night", "2026-11-01T18:00:00Z", "2026-11-01T18:00:00Z", 86400, ["PHUG008", "PINS009", "PJON010"], [daily("18:00:00", 14 * 3600)]),
     ],
     "overrides": [("PO3SWAP", "PHUG008", "2026-12-31T18:00:00Z", "2027-01-01T08:00:00Z")]},
]

def parse(s):
    return datetime.fromisoformat(s.replace("Z", "+00:00"))

def in_restriction(l, t, zone):
    rs = l["restrictions"]
    if not rs:
        return True
    local = t.astimezone(zone).replace(tzinfo=None)
    week_minute = local.weekday() * 1440 + local.hour * 60 + local.minute
    for r in rs:
        h, m, _ = map(int, r["start_time_of_day"].split(":"))
        length = r["duration_seconds"] // 60
        starts = [d * 1440 + h * 60 + m for d in range(7)] if r["type"] == "daily_restriction" \
            else [(r["start_day_of_week"] - 1) * 1440 + h * 60 + m]
        for s in starts:
            if (week_minute - s) % (7 * 1440) < length:
                return True
    return False

def layer_user(l, t, zone):
    if t < parse(l["start"]) or (l["end"] and t >= parse(l["end"])):
        return None
    if not in_restriction(l, t, zone):
        return None
    k = int((t - parse(l["rotation_virtual_start"])).total_seconds()) // l["rotation_turn_length_seconds"]
    return l["users"][k % len(l["users"])]["user"]["id"]

def render(s):
    zone = ZoneInfo(s["time_zone"])
    overrides = [(parse(a), parse(b), u) for _, u, a, b in s["overrides"]]
    entries, t = [], SINCE
    while t < UNTIL:
        who = None
        for a, b, u in overrides:
            if a <= t < b:
                who = u
        if who is None:
            for l in s["layers"]:
                who = layer_user(l, t, zone)
                if who:
                    break
        nxt = t + timedelta(minutes=1)
        if entries and entries[-1][2] == who and entries[-1][1] == t:
            entries[-1][1] = nxt
        else:
            entries.append([t, nxt, who])
        t = nxt
    zfmt = lambda d: d.astimezone(zone).isoformat()
    return [{"start": zfmt(a), "end": zfmt(b), "user": ref("user", u, NAMES[u])} for a, b, u in entries if u]

def schedule_doc(s):
    final = render(s)
    return {"schedule": {
        "id": s["id"], "type": "schedule", "summary": s["name"], "name": s["name"], "time_zone": s["time_zone"],
        "description": s["description"], "self": f"https://api.pagerduty.com/schedules/{s['id']}",
        "schedule_layers": [dict(l, rendered_schedule_entries=[], rendered_coverage_percentage=None) for l in s["layers"]],
        "overrides_subschedule": {"name": "Overrides", "rendered_schedule_entries": [], "rendered_coverage_percentage": None},
        "final_schedule": {"name": "Final Schedule", "rendered_schedule_entries": final, "rendered_coverage_percentage": None},
        "escalation_policies": [], "users": [], "teams": []}}

def rule(id, delay, targets, round_robin=False):
    r = {"id": id, "escalation_delay_in_minutes": delay, "targets": targets}
    if round_robin:
        r["escalation_rule_assignment_strategy"] = {"type": "round_robin"}
    else:
        r["escalation_rule_assignment_strategy"] = {"type": "assign_to_everyone"}
    return r

U = lambda id: ref("user", id, NAMES[id])
S = lambda id: ref("schedule", id, next(s["name"] for s in SCHEDULES if s["id"] == id))
POLICIES = [
    {"id": "PEP1BCK", "type": "escalation_policy", "summary": "Backend EP", "name": "Backend EP", "description": "Backend escalation",
     "num_loops": 2, "on_call_handoff_notifications": "if_has_services", "teams": [ref("team", "PT1BACK", "Backend")],
     "escalation_rules": [rule("PR11", 15, [S("PS1BKND")]), rule("PR12", 10, [U("PDAN004")]),
                          rule("PR13", 15, [S("PS3PLAT"), U("PJON010")])]},
    {"id": "PEP2FRT", "type": "escalation_policy", "summary": "Frontend EP", "name": "Frontend EP", "description": None,
     "num_loops": 1, "on_call_handoff_notifications": "if_has_services", "teams": [ref("team", "PT2FRNT", "Frontend")],
     "escalation_rules": [rule("PR21", 30, [U("PER1N05"), U("PFRK006"), U("PGRC007")], round_robin=True),
                          rule("PR22", 30, [S("PS2FRNT")])]},
    {"id": "PEP3PLT", "type": "escalation_policy", "summary": "Platform EP", "name": "Platform EP", "description": None,
     "num_loops": 0, "on_call_handoff_notifications": "always", "teams": [ref("team", "PT3PLAT", "Platform")],
     "escalation_rules": [rule("PR31", 5, [S("PS3PLAT")]), rule("PR32", 20, [S("PS3PLAT"), U("PJON010")], round_robin=True)]},
]

def integration(id, type, name, key=None, email=None):
    i = {"id": id, "type": type, "summary": name, "name": name, "self": f"https://api.pagerduty.com/services/x/integrations/{id}"}
    if key:
        i["integration_key"] = key
    if email:
        i["integration_email"] = email
    return i

def service(id, name, policy, team, integrations, status="active", ack=None, auto=None, urgency=None):
    return {"id": id, "type": "service", "summary": name, "name": name, "description": name + " (production)",
            "status": status, "escalation_policy": ref("escalation_policy", policy, policy),
            "teams": [ref("team", team, team)] if team else [], "acknowledgement_timeout": ack, "auto_resolve_timeout": auto,
            "incident_urgency_rule": urgency or {"type": "constant", "urgency": "high"},
            "alert_creation": "create_alerts_and_incidents", "alert_grouping_parameters": {"type": None},
            "integrations": integrations, "self": f"https://api.pagerduty.com/services/{id}"}

SERVICES = [
    service("PSV1CHK", "Checkout API", "PEP1BCK", "PT1BACK",
            [integration("PI1A", "events_api_v2_inbound_integration", "Prometheus", key="0a1b2c3d4e5f60718293a4b5c6d7e8f9")],
            ack=1800, auto=14400),
    service("PSV2AUT", "Auth Service", "PEP1BCK", "PT1BACK",
            [integration("PI2A", "events_api_v2_inbound_integration", "Datadog", key="1b2c3d4e5f60718293a4b5c6d7e8f90a")]),
    service("PSV3WEB", "Web Frontend", "PEP2FRT", "PT2FRNT",
            [integration("PI3A", "events_api_v2_inbound_integration", "Sentry", key="2c3d4e5f60718293a4b5c6d7e8f90a1b"),
             integration("PI3B", "generic_email_inbound_integration", "Support mailbox", email="web@acme.pagerduty.com")],
            urgency={"type": "constant", "urgency": "severity_based"}),
    service("PSV4K8S", "Kubernetes Platform", "PEP3PLT", "PT3PLAT",
            [integration("PI4A", "generic_events_api_inbound_integration", "Legacy Nagios", key="3d4e5f60718293a4b5c6d7e8f90a1b2c"),
             integration("PI4B", "events_api_v2_inbound_integration", "Alertmanager", key="4e5f60718293a4b5c6d7e8f90a1b2c3d")]),
    service("PSV5BAT", "Legacy Batch", "PEP3PLT", None,
            [integration("PI5A", "events_api_v2_inbound_integration", "Cron monitor", key="5f60718293a4b5c6d7e8f90a1b2c3d4e")],
            status="disabled"),
]

def page(collection, items):
    return {collection: items, "limit": 100, "offset": 0, "more": False, "total": None}

def write(path, doc):
    full = os.path.join(OUT, path + ".json")
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, "w") as f:
        json.dump(doc, f, indent=1, ensure_ascii=False)
        f.write("\n")

if __name__ == "__main__":
    shutil.rmtree(OUT, ignore_errors=True)
    write("users", page("users", [user(u) for u in USERS]))
    write("teams", page("teams", [{"id": id, "type": "team", "summary": name, "name": name, "description": desc,
                                   "parent": None, "self": f"https://api.pagerduty.com/teams/{id}"} for id, name, desc, _ in TEAMS]))
    for id, _, _, members in TEAMS:
        write(f"teams/{id}/members", page("members", [{"user": U(u), "role": role} for u, role in members]))
    write("schedules", page("schedules", [{"id": s["id"], "type": "schedule", "summary": s["name"], "name": s["name"],
                                           "time_zone": s["time_zone"]} for s in SCHEDULES]))
    for s in SCHEDULES:
        write(f"schedules/{s['id']}", schedule_doc(s))
        write(f"schedules/{s['id']}/overrides", page("overrides", [
            {"id": oid, "start": a, "end": b, "user": U(u)} for oid, u, a, b in s["overrides"]]))
    write("escalation_policies", page("escalation_policies", POLICIES))
    write("services", page("services", SERVICES))
