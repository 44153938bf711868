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
HOOK_PORT=18089
PORT=18088
mkdir -p "$OUT"
command -v nginx >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null; }
[ -f target/tocsin.jar ] || ./mvnw -q -B -DskipTests package

PIDS=()
cleanup() {
  for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
  [ -f "$OUT/nginx.pid" ] && kill "$(cat "$OUT/nginx.pid")" 2>/dev/null || true
  [ -n "${SCHEMA:-}" ] && PGOPTIONS="--client-min-messages=warning" psql -h 127.0.0.1 -U postgres -d test -qc "DROP SCHEMA IF EXISTS $SCHEMA CASCADE" >/dev/null || true
}
trap cleanup EXIT

cat > "$OUT/nginx.conf" <<EOF
worker_processes 1;
pid $OUT/nginx.pid;
error_log $OUT/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $OUT/nginx-body;
  server { listen 127.0.0.1:$HOOK_PORT; location /hook/ { return 200 '{}'; } }
}
EOF
nginx -c "$OUT/nginx.conf" -p "$OUT"

dir="$OUT/server"; rm -rf "$dir"; mkdir -p "$dir"
db=()
if [ "${PG:-}" = 1 ]; then
  SCHEMA="tocsin_latency_$$"
  PGOPTIONS="--client-min-messages=warning" psql -h 127.0.0.1 -U postgres -d test -qc "DROP SCHEMA IF EXISTS $SCHEMA CASCADE; CREATE SCHEMA $SCHEMA" >/dev/null
  db=(TOCSIN_DB_URL="jdbc:postgresql://127.0.0.1:5432/test?currentSchema=$SCHEMA" TOCSIN_DB_USER=postgres)
fi
(cd "$dir" && exec env "${db[@]}" TOCSIN_ADMIN_TOKEN=bench-token-0123456789 java ${JAVA_OPTS:-} -jar "$ROOT/target/tocsin.jar" serve \
  --config "$ROOT/bench/org" --port $PORT --tocsin.ingest.rate-per-minute=1000000000 --tocsin.ingest.burst=1000000000 \
  --logging.level.root=WARN > "$dir/server.log" 2>&1) &
PIDS+=($!)
for _ in $(seq 1 600); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/actuator/health" && break; sleep 0.1; done

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

# p50/p90/p99 from the cumulative buckets of tocsin_pages_latency_seconds (all channels), minus a baseline.
quantiles() { # baseline file, current file
  python3 - "$1" "$2" <<'PY'
import re, sys
def buckets(path):
    b = {}
    for line in open(path):
        m = re.match(r'tocsin_pages_latency_seconds_bucket\{.*le="([^"]+)".*\} ([0-9.eE+]+)', line)
        if m:
            le = float('inf') if m.group(1) == '+Inf' else float(m.group(1))
            b[le] = b.get(le, 0) + float(m.group(2))
    return b
base, now = buckets(sys.argv[1]), buckets(sys.argv[2])
counts = sorted((le, now[le] - base.get(le, 0)) for le in now)
total = counts[-1][1] if counts else 0
def q(p):
    for le, c in counts:
        if c >= p * total:
            return le
out = "pages %d" % total
for p in (0.5, 0.9, 0.99):
    v = q(p)
    out += "  p%d <= %s" % (int(p * 100), "inf" if v == float('inf') else "%.0f ms" % (v * 1000))
print(out)
PY
}

metrics() { curl -sf "http://127.0.0.1:$PORT/actuator/prometheus" > "$1"; }

echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(nproc) cores, $RATE events/s for ${DURATION}s after ${WARMUP}s, $([ "${PG:-}" = 1 ] && echo PostgreSQL || echo H2) ${JAVA_OPTS:-}" | tee -a "$OUT/results.txt"
[ "$WARMUP" -gt 0 ] && send warm "$WARMUP" > /dev/null
sleep 3
metrics "$OUT/before.txt"
send run "$DURATION" | tee -a "$OUT/results.txt"
sleep 5
metrics "$OUT/after.txt"
quantiles "$OUT/before.txt" "$OUT/after.txt" | tee -a "$OUT/results.txt"
