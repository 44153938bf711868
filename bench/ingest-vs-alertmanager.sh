#!/usr/bin/env bash
# Side by side in one run: Prometheus Alertmanager (Debian's prometheus-alertmanager) and Tocsin on
# its embedded H2 and on PostgreSQL take the same storm from wrk — one alert per request, 80 % new
# (each a new Alertmanager group / a new Tocsin incident) and 20 % repeats — and each notifies one
# webhook receiver served by nginx. Prints, per system: events accepted per second (2xx only),
# notifications delivered during the storm, and the delivery rate from the start of the storm until
# the backlog is drained.
#
#   bench/ingest-vs-alertmanager.sh              # wrk -t2 -c32 for 20 s, as docs/benchmarks.md
#   DURATION=10s CONNECTIONS=16 bench/ingest-vs-alertmanager.sh
#   SYSTEMS="alertmanager tocsin-h2" bench/ingest-vs-alertmanager.sh
#   WARMUP=30s bench/ingest-vs-alertmanager.sh  # each system first takes the same storm for 30 s
#                                               # (other keys), then the measured one: a JVM that has
#                                               # been running, as a server in a real storm has
#
# Needs: JDK 17+, PostgreSQL at 127.0.0.1:5432 (trust auth, database test) for tocsin-pg; installs
# wrk, nginx and prometheus-alertmanager from Debian when missing. Writes under target/bench/.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
DURATION=${DURATION:-20s}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-2}
SYSTEMS=${SYSTEMS:-"alertmanager tocsin-h2 tocsin-pg"}
WARMUP=${WARMUP:-}
OUT=$ROOT/target/bench/ingest
HOOK_PORT=18089
AM_PORT=19093
TOCSIN_PORT=18088
mkdir -p "$OUT"

need() {
  command -v "$1" >/dev/null 2>&1 && return
  echo "installing $2" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null
}
need wrk wrk
need nginx nginx
need prometheus-alertmanager prometheus-alertmanager
[ -f target/tocsin.jar ] || ./mvnw -q -B -DskipTests package

PIDS=()
cleanup() {
  for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
  [ -f "$OUT/nginx.pid" ] && kill "$(cat "$OUT/nginx.pid")" 2>/dev/null || true
}
trap cleanup EXIT

wait_for() { # url, seconds
  for _ in $(seq 1 "$(( $2 * 10 ))"); do curl -sf -o /dev/null "$1" && return 0; sleep 0.1; done
  echo "no answer from $1" >&2; return 1
}

# ---- the webhook receiver: nginx answering 200 to every POST, one access-log line per call ----
cat > "$OUT/nginx.conf" <<EOF
worker_processes 2;
pid $OUT/nginx.pid;
error_log $OUT/nginx-error.log;
events { worker_connections 4096; }
http {
  access_log $OUT/nginx-access.log;
  client_body_temp_path $OUT/nginx-body;
  server {
    listen 127.0.0.1:$HOOK_PORT;
    location /hook/ { return 200 '{}'; }
  }
}
EOF
: > "$OUT/nginx-access.log"
nginx -c "$OUT/nginx.conf" -p "$OUT"
delivered() { grep -c " /hook/$1 " "$OUT/nginx-access.log" || true; }

# Waits until the receiver has seen nothing new for 3 s; prints the count and the instant it last grew.
drain() { # receiver
  local last n since
  last=$(delivered "$1"); since=$(date +%s.%N)
  for _ in $(seq 1 600); do
    sleep 0.5
    n=$(delivered "$1")
    if [ "$n" != "$last" ]; then last=$n; since=$(date +%s.%N); fi
    if (( $(echo "$(date +%s.%N) - $since > 3" | bc -l) )); then break; fi
  done
  echo "$last $since"
}

storm() { # name, url, lua, receiver
  local name=$1 url=$2 lua=$3 receiver=$4 before start during total ended requests non2xx accepted secs
  if [ -n "$WARMUP" ]; then
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" -s "bench/lua/$lua" "$url" -- warm > "$OUT/wrk-$name-warmup.txt"
    drain "$receiver" > /dev/null
  fi
  before=$(delivered "$receiver")
  start=$(date +%s.%N)
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" -s "bench/lua/$lua" "$url" -- storm > "$OUT/wrk-$name.txt"
  during=$(( $(delivered "$receiver") - before ))
  read -r total ended < <(drain "$receiver")
  total=$(( total - before ))
  requests=$(awk '/requests in/ {print $1}' "$OUT/wrk-$name.txt")
  non2xx=$(awk '/Non-2xx/ {print $NF}' "$OUT/wrk-$name.txt"); non2xx=${non2xx:-0}
  secs=$(awk '/requests in/ {gsub("s,", "", $4); print $4}' "$OUT/wrk-$name.txt")
  accepted=$(echo "($requests - $non2xx) / $secs" | bc -l)
  printf '%-14s accepted %8.0f events/s (%s requests, %s refused)  delivered during the storm %7d  delivered until drained %7d at %7.1f/s\n' \
    "$name" "$accepted" "$requests" "$non2xx" "$during" "$total" "$(echo "$total / ($ended - $start)" | bc -l)" | tee -a "$OUT/results.txt"
}

echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(nproc) cores, wrk -t$THREADS -c$CONNECTIONS -d$DURATION${WARMUP:+ after a warm-up of $WARMUP}" | tee -a "$OUT/results.txt"

for system in $SYSTEMS; do
  case $system in
    alertmanager)
      rm -rf "$OUT/am-data"
      cat > "$OUT/alertmanager.yml" <<EOF
route:
  receiver: hook
  group_by: ['alertname']
  group_wait: 0s
  group_interval: 5m
  repeat_interval: 4h
receivers:
  - name: hook
    webhook_configs:
      - url: http://127.0.0.1:$HOOK_PORT/hook/am
        send_resolved: false
EOF
      prometheus-alertmanager --config.file="$OUT/alertmanager.yml" --storage.path="$OUT/am-data" \
        --web.listen-address=127.0.0.1:$AM_PORT --cluster.listen-address= > "$OUT/alertmanager.log" 2>&1 &
      PIDS+=($!)
      wait_for "http://127.0.0.1:$AM_PORT/-/ready" 30
      storm alertmanager "http://127.0.0.1:$AM_PORT" alertmanager-alerts.lua am
      kill "${PIDS[-1]}"; wait "${PIDS[-1]}" 2>/dev/null || true
      ;;
    tocsin-h2|tocsin-pg)
      dir="$OUT/$system"; rm -rf "$dir"; mkdir -p "$dir"
      db=()
      if [ "$system" = tocsin-pg ]; then
        schema="tocsin_bench_$$"
        PGOPTIONS="--client-min-messages=warning" psql -h 127.0.0.1 -U postgres -d test -qc "DROP SCHEMA IF EXISTS $schema CASCADE; CREATE SCHEMA $schema" >/dev/null
        db=(TOCSIN_DB_URL="jdbc:postgresql://127.0.0.1:5432/test?currentSchema=$schema" TOCSIN_DB_USER=postgres)
      fi
      (cd "$dir" && exec env "${db[@]}" TOCSIN_ADMIN_TOKEN=bench-token-0123456789 java ${JAVA_OPTS:-} -jar "$ROOT/target/tocsin.jar" serve \
        --config "$ROOT/bench/org" --port $TOCSIN_PORT --tocsin.ingest.rate-per-minute=1000000000 --tocsin.ingest.burst=1000000000 \
        --logging.level.root=WARN > "$dir/server.log" 2>&1) &
      PIDS+=($!)
      wait_for "http://127.0.0.1:$TOCSIN_PORT/actuator/health" 60
      storm "$system" "http://127.0.0.1:$TOCSIN_PORT" tocsin-events.lua tocsin
      kill "${PIDS[-1]}"; wait "${PIDS[-1]}" 2>/dev/null || true
      [ "$system" = tocsin-pg ] && PGOPTIONS="--client-min-messages=warning" psql -h 127.0.0.1 -U postgres -d test -qc "DROP SCHEMA IF EXISTS $schema CASCADE" >/dev/null
      : # the H2 file stays under target/bench/ingest/tocsin-h2/data for a look at its size
      du -sh "$dir/data" 2>/dev/null | tee -a "$OUT/results.txt" || true
      ;;
    *) echo "unknown system $system" >&2; exit 2 ;;
  esac
done
