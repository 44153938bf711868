# Shared by the bench/ scripts (sourced, not run): installing what a run needs, the webhook receiver
# (nginx), starting Tocsin on H2 or on a PostgreSQL schema of its own, reading its metrics and
# quantiles from its histograms. A script sets OUT (its directory under target/bench/) before sourcing.

HOOK_PORT=${HOOK_PORT:-18089}
TOCSIN_PORT=${TOCSIN_PORT:-18088}
PIDS=()
SCHEMAS=()

need() { # command, Debian package
  command -v "$1" >/dev/null 2>&1 && return
  echo "installing $2" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null
}

bench_cleanup() {
  for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
  [ -f "$OUT/nginx.pid" ] && kill "$(cat "$OUT/nginx.pid")" 2>/dev/null || true
  for s in "${SCHEMAS[@]:-}"; do
    [ -n "$s" ] && PGOPTIONS="--client-min-messages=warning" psql -h 127.0.0.1 -U postgres -d test -qc "DROP SCHEMA IF EXISTS $s CASCADE" >/dev/null || true
  done
}
trap bench_cleanup EXIT

wait_for() { # url, seconds
  for _ in $(seq 1 "$(( $2 * 10 ))"); do curl -sf -o /dev/null "$1" && return 0; sleep 0.1; done
  echo "no answer from $1" >&2; return 1
}

# nginx answering 200 '{}' to every POST under /hook/; "log" keeps one access-log line per call.
start_receiver() { # [log]
  need nginx nginx
  local log="access_log off;"
  [ "${1:-}" = log ] && log="access_log $OUT/nginx-access.log;" && : > "$OUT/nginx-access.log"
  cat > "$OUT/nginx.conf" <<NGINX
worker_processes 2;
pid $OUT/nginx.pid;
error_log $OUT/nginx-error.log;
events { worker_connections 4096; }
http {
  $log
  client_body_temp_path $OUT/nginx-body;
  server { listen 127.0.0.1:$HOOK_PORT; location /hook/ { return 200 '{}'; } }
}
NGINX
  nginx -c "$OUT/nginx.conf" -p "$OUT"
}

# Starts `tocsin serve` in dir (its ./data holds the H2 file) with the per-key rate limit lifted;
# pg=1 gives it a PostgreSQL schema of its own, dropped on exit. Waits until it is healthy.
start_tocsin() { # dir, config directory, pg (0|1), extra serve arguments...
  local dir=$1 config=$2 pg=$3; shift 3
  rm -rf "$dir"; mkdir -p "$dir"
  local db=()
  if [ "$pg" = 1 ]; then
    local schema="tocsin_bench_$$_${#SCHEMAS[@]}"
    SCHEMAS+=("$schema")
    PGOPTIONS="--client-min-messages=warning" psql -h 127.0.0.1 -U postgres -d test -qc "DROP SCHEMA IF EXISTS $schema CASCADE; CREATE SCHEMA $schema" >/dev/null
    db=(TOCSIN_DB_URL="jdbc:postgresql://127.0.0.1:5432/test?currentSchema=$schema" TOCSIN_DB_USER=postgres)
  fi
  (cd "$dir" && exec env "${db[@]}" TOCSIN_ADMIN_TOKEN=bench-token-0123456789 java ${JAVA_OPTS:-} -jar "$ROOT/target/tocsin.jar" serve \
    --config "$config" --port "$TOCSIN_PORT" --tocsin.ingest.rate-per-minute=1000000000 --tocsin.ingest.burst=1000000000 \
    --logging.level.root=WARN "$@" > "$dir/server.log" 2>&1) &
  PIDS+=($!)
  TOCSIN_PID=$!
  wait_for "http://127.0.0.1:$TOCSIN_PORT/actuator/health" 120
}

stop_tocsin() {
  kill "$TOCSIN_PID" 2>/dev/null || true
  wait "$TOCSIN_PID" 2>/dev/null || true
}

metrics() { curl -sf "http://127.0.0.1:$TOCSIN_PORT/actuator/prometheus" > "$1"; }

# The sum of a metric's samples whose line matches the optional pattern (all series of a counter).
metric_sum() { # file, metric name, [pattern]
  awk -v name="$2" -v pat="${3:-.}" 'index($0, name) == 1 && substr($0, length(name) + 1, 1) ~ /[{ ]/ && $0 ~ pat {s += $NF}
    END {printf "%.0f\n", s}' "$1"
}

# p50/p90/p99/max (upper bounds of the buckets they fall in) of a histogram, summed over its series,
# as counted between two scrapes.
quantiles() { # metric name (without _bucket), baseline file, current file
  python3 - "$1" "$2" "$3" <<'PY'
import re, sys
name = sys.argv[1]
def buckets(path):
    b = {}
    for line in open(path):
        m = re.match(re.escape(name) + r'_bucket\{.*le="([^"]+)".*\} ([0-9.eE+]+)', line)
        if m:
            le = float('inf') if m.group(1) == '+Inf' else float(m.group(1))
            b[le] = b.get(le, 0) + float(m.group(2))
    return b
base, now = buckets(sys.argv[2]), buckets(sys.argv[3])
counts = sorted((le, now[le] - base.get(le, 0)) for le in now)
total = counts[-1][1] if counts else 0
def q(p):
    for le, c in counts:
        if c >= p * total:
            return le
def ms(v):
    return "inf" if v is None or v == float('inf') else "%.0f ms" % (v * 1000)
out = "count %d" % total
for p in (0.5, 0.9, 0.99, 1.0):
    out += "  %s <= %s" % ("max" if p == 1.0 else "p%d" % int(p * 100), ms(q(p)))
print(out)
PY
}
