#!/usr/bin/env bash
# Event -> page latency at a steady rate: Tocsin on its embedded H2 (or PostgreSQL with PG=1) runs the
# benchmark organisation (one service, one person paged by a webhook that nginx answers); a sender posts
# PagerDuty Events API v2 triggers at RATE events a second for DURATION seconds, each a new incident, so
# each is one page. The latency is what Tocsin itself measures for every page it sends,
# tocsin_pages_latency_seconds (from the event that made the page due to the receiver's answer), read
# from /actuator/prometheus after the run: p50, p90, p99 and the largest bucket, from the histogram.
#
#   bench/latency.sh                      # 100 events/s for 30 s, after a 20 s warm-up at the same rate
#   RATE=1000 bench/latency.sh
#   PG=1 RATE=100 bench/latency.sh
#   JAVA_OPTS="-XX:TieredStopAtLevel=1" bench/latency.sh
#
# Needs: JDK 17+, python3, nginx (installed from Debian when missing); PostgreSQL at 127.0.0.1:5432
# (trust auth, database test) with PG=1. Writes under target/bench/latency/.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
RATE=${RATE:-100}
DURATION=${DURATION:-30}
WARMUP=${WARMUP:-20}
OUT=$ROOT/target/bench/latency
mkdir -p "$OUT"
source bench/lib.sh
[ -f target/tocsin.jar ] || ./mvnw -q -B -DskipTests package
start_receiver
start_tocsin "$OUT/server" "$ROOT/bench/org" "${PG:-0}"
PORT=$TOCSIN_PORT

# Posts RATE events a second (spread over 4 senders with keep-alive) for the given seconds; prints how
# many were answered 2xx and how many were late to be sent (the sender could not keep the rate).
send() { # prefix, seconds
  python3 - "$1" "$2" "$RATE" "$PORT" <<'PY'
import http.client, json, sys, threading, time
prefix, seconds, rate, port = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
senders = 4
ok, late, failed = [0] * senders, [0] * senders, [0] * senders
def run(n):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    every = senders / rate
    start = time.monotonic() + n * every / senders
    i = 0
    while True:
        due = start + i * every
        if due - start > seconds:
            break
        now = time.monotonic()
        if due > now:
            time.sleep(due - now)
        elif now - due > 0.05:
            late[n] += 1
        body = json.dumps({"routing_key": "b0000000000000000000000000000001", "event_action": "trigger",
                           "dedup_key": "%s-%d-%d" % (prefix, n, i),
                           "payload": {"summary": "latency %s %d %d" % (prefix, n, i), "source": "bench", "severity": "critical"}})
        try:
            conn.request("POST", "/v2/enqueue", body, {"Content-Type": "application/json"})
            r = conn.getresponse(); r.read()
            if 200 <= r.status < 300: ok[n] += 1
            else: failed[n] += 1
        except Exception:
            failed[n] += 1
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        i += 1
ts = [threading.Thread(target=run, args=(n,)) for n in range(senders)]
[t.start() for t in ts]; [t.join() for t in ts]
print("sent %d accepted, %d refused or failed, %d sent more than 50 ms late" % (sum(ok), sum(failed), sum(late)))
PY
}

echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(nproc) cores, $RATE events/s for ${DURATION}s after ${WARMUP}s, $([ "${PG:-}" = 1 ] && echo PostgreSQL || echo H2) ${JAVA_OPTS:-}" | tee -a "$OUT/results.txt"
[ "$WARMUP" -gt 0 ] && send warm "$WARMUP" > /dev/null
sleep 3
metrics "$OUT/before.txt"
send run "$DURATION" | tee -a "$OUT/results.txt"
sleep 5
metrics "$OUT/after.txt"
echo "pages $(quantiles tocsin_pages_latency_seconds "$OUT/before.txt" "$OUT/after.txt")" | tee -a "$OUT/results.txt"
