#!/usr/bin/env bash
# Escalation timers under load, and the heap that many open incidents take.
#
#   1. Steady: N open incidents (100,000) spread over five services whose escalation policies take
#      their second level after different times (DELAYS, minutes), sent in random order, so second
#      levels come due at random over several minutes while the incidents stay open. Every level pages
#      a person through a webhook that nginx answers, so timers fire while pages are being sent, as in
#      a real storm. Prints the lateness of every timer that fired (tocsin_timers_lag_seconds, how long
#      after it came due an escalation level, target or reminder fired): p50/p90/p99/max.
#   2. Heap: with the N incidents open, a full GC and the heap in use after it (jcmd GC.heap_info).
#   3. Burst: BURST (10,000) incidents opened together on one service, posted as Alertmanager groups of
#      GROUP alerts (one group = one transaction = one instant), so their second levels come due in the
#      same second; prints their lateness and how long after the last came due the last fired.
#
#   bench/timers.sh                          # H2, N=100000, BURST=10000
#   PG=1 bench/timers.sh                     # PostgreSQL at 127.0.0.1:5432 (trust, database test)
#   N=10000 BURST=2000 DELAYS="1 2" bench/timers.sh    # a quick look
#
# Needs: JDK 17+ (jcmd), python3, curl; installs nginx from Debian when missing. Writes under
# target/bench/timers/.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
N=${N:-100000}
BURST=${BURST:-10000}
GROUP=${GROUP:-500}
DELAYS=${DELAYS:-"4 5 6 7 8"}
BURST_DELAY=${BURST_DELAY:-2}
PG=${PG:-0}
OUT=$ROOT/target/bench/timers
mkdir -p "$OUT"
source bench/lib.sh
[ -f target/tocsin.jar ] || ./mvnw -q -B -DskipTests package

# ---- the organisation: one service per delay, and one for the burst ----
org=$OUT/org; rm -rf "$org"; mkdir -p "$org"
{
  cat <<YAML
organisation: { id: timers, name: Timer benchmark, time_zone: UTC, default_severity: P1 }
severities:
  - { id: P1, name: Critical, aliases: [critical, error, warning, info], response: page }
people:
  - { id: first, name: First, contact_methods: [{ id: hook, type: webhook, address: "http://127.0.0.1:$HOOK_PORT/hook/first" }],
      notification_rules: { high_urgency: [{ after: 0m, via: hook }] } }
  - { id: second, name: Second, contact_methods: [{ id: hook, type: webhook, address: "http://127.0.0.1:$HOOK_PORT/hook/second" }],
      notification_rules: { high_urgency: [{ after: 0m, via: hook }] } }
teams:
  - { id: ops, name: Operations, members: [first, second], leads: [first] }
escalation_policies:
YAML
  i=0
  for d in $DELAYS burst:$BURST_DELAY; do
    i=$((i + 1)); minutes=${d#burst:}
    cat <<YAML
  - id: p$i
    name: Second level after $minutes minutes
    paths:
      - id: page
        levels:
          - { id: first, start: { after: 0m }, notify: [{ person: first }] }
          - { id: second, start: { unacknowledged_for: ${minutes}m }, notify: [{ person: second }] }
YAML
  done
  echo "services:"
  i=0
  for d in $DELAYS burst; do
    i=$((i + 1))
    echo "  - { id: s$i, name: Service $i, team: ops, escalation_policy: p$i, integrations: [{ type: alertmanager, key: \"timers-$i\" }] }"
  done
} > "$org/organisation.yaml"
SERVICES=$(echo $DELAYS | wc -w)

# Posts alerts as Alertmanager webhook groups of GROUP alerts, 4 senders; each group goes to the service
# of keys[i % len] (random order for the steady phase: the key is drawn per group).
post() { # prefix, count, keys (comma separated), random (0|1)
  python3 - "$1" "$2" "$3" "$4" "$GROUP" "$TOCSIN_PORT" <<'PY'
import http.client, json, random, sys, threading, time
prefix, count, keys, shuffle, group, port = sys.argv[1], int(sys.argv[2]), sys.argv[3].split(","), sys.argv[4] == "1", int(sys.argv[5]), int(sys.argv[6])
groups = [(g, min(group, count - g * group)) for g in range((count + group - 1) // group)]
lock = threading.Lock()
ok, failed, retried = [0], [0], [0]
def run(n):
    rnd = random.Random(n)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    for g, size in groups[n::4]:
        key = rnd.choice(keys) if shuffle else keys[g % len(keys)]
        alerts = [{"status": "firing", "labels": {"alertname": "TimerBench", "instance": "%s-%d-%d" % (prefix, g, a)},
                   "annotations": {"summary": "timer bench %s %d %d" % (prefix, g, a)}} for a in range(size)]
        body = json.dumps({"version": "4", "status": "firing", "receiver": "tocsin", "groupLabels": {}, "commonLabels": {},
                           "alerts": alerts})
        for attempt in range(20):  # as Alertmanager does: a 5xx or a broken connection is sent again
            try:
                conn.request("POST", "/api/v1/integrations/alertmanager/" + key, body, {"Content-Type": "application/json"})
                r = conn.getresponse(); r.read()
                status = r.status
            except (OSError, http.client.HTTPException) as e:
                status = str(e)
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            if status in range(200, 300) or status in range(400, 500):
                break
            with lock: retried[0] += 1
            time.sleep(1)
        with lock:
            if status in range(200, 300): ok[0] += size
            else: failed[0] += size; print("refused:", status, file=sys.stderr)
ts = [threading.Thread(target=run, args=(n,)) for n in range(4)]
[t.start() for t in ts]; [t.join() for t in ts]
print("%d alerts accepted, %d refused, %d groups sent again after a 5xx" % (ok[0], failed[0], retried[0]))
PY
}

fired() { metrics "$OUT/now.txt"; metric_sum "$OUT/now.txt" tocsin_timers_lag_seconds_count; }
# Waits until the timers fired since the baseline reach the expected count; prints the instant it did.
wait_fired() { # baseline count, expected, timeout seconds
  local deadline=$(( $(date +%s) + $3 ))
  while [ "$(date +%s)" -lt "$deadline" ]; do
    [ "$(( $(fired) - $1 ))" -ge "$2" ] && { date +%s.%N; return 0; }
    sleep 0.2
  done
  echo "timed out: $(( $(fired) - $1 )) of $2 fired" >&2; return 1
}

start_receiver
db=$([ "$PG" = 1 ] && echo PostgreSQL || echo H2)
echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(nproc) cores, $db, N=$N (second levels after $DELAYS min), BURST=$BURST in groups of $GROUP ${JAVA_OPTS:-}" | tee -a "$OUT/results.txt"
start_tocsin "$OUT/server" "$org" "$PG"

# ---- 1. steady ----
keys=$(seq -s, -f 'timers-%g' 1 "$SERVICES")
metrics "$OUT/steady-before.txt"
base=$(metric_sum "$OUT/steady-before.txt" tocsin_timers_lag_seconds_count)
t0=$(date +%s.%N)
sent=$(post steady "$N" "$keys" 1)
t1=$(date +%s.%N)
printf 'steady: %s in %.0f s\n' "$sent" "$(echo "$t1 - $t0" | bc -l)" | tee -a "$OUT/results.txt"

# ---- 2. heap with N open incidents (before any second level: all open, all waiting) ----
jcmd "$TOCSIN_PID" GC.run >/dev/null
used=$(jcmd "$TOCSIN_PID" GC.heap_info | grep -oE 'used [0-9]+K' | head -1 | grep -oE '[0-9]+')
open=$(curl -sf "http://127.0.0.1:$TOCSIN_PORT/actuator/prometheus" | metric_sum /dev/stdin tocsin_incidents_open)
printf 'heap in use after a full GC with %s open incidents: %d MB\n' "$open" "$((used / 1024))" | tee -a "$OUT/results.txt"

# Every incident fires its second level once; wait for them all (the longest delay after the last was sent).
longest=$(echo $DELAYS | tr ' ' '\n' | sort -n | tail -1)
wait_fired "$base" "$N" $(( longest * 60 + 600 )) > /dev/null
metrics "$OUT/steady-after.txt"
echo "steady lateness: $(quantiles tocsin_timers_lag_seconds "$OUT/steady-before.txt" "$OUT/steady-after.txt")" | tee -a "$OUT/results.txt"

# ---- 3. burst ----
sleep 2
metrics "$OUT/burst-before.txt"
base=$(metric_sum "$OUT/burst-before.txt" tocsin_timers_lag_seconds_count)
b0=$(date +%s.%N)
sent=$(post burst "$BURST" "timers-$((SERVICES + 1))" 0)
b1=$(date +%s.%N)
printf 'burst: %s in %.1f s\n' "$sent" "$(echo "$b1 - $b0" | bc -l)" | tee -a "$OUT/results.txt"
done_at=$(wait_fired "$base" "$BURST" $(( BURST_DELAY * 60 + 600 )))
metrics "$OUT/burst-after.txt"
# The last incident was opened by b1 at the latest, so its second level came due by b1 + BURST_DELAY.
printf 'burst: the last timer fired %.1f s after the last came due (at the latest)\n' \
  "$(echo "$done_at - ($b1 + $BURST_DELAY * 60)" | bc -l)" | tee -a "$OUT/results.txt"
echo "burst lateness: $(quantiles tocsin_timers_lag_seconds "$OUT/burst-before.txt" "$OUT/burst-after.txt")" | tee -a "$OUT/results.txt"
stop_tocsin
[ "$PG" = 1 ] || du -sh "$OUT/server/data" | tee -a "$OUT/results.txt"
