#!/usr/bin/env bash
# Start-up times of the one jar, as an operator runs it (`java -jar target/tocsin.jar ...`), median of N
# runs each (wall clock, and CPU time = user + sys of the JVMs, which a busy machine inflates less):
#   - serve: `serve --config examples/web-platform` on the embedded H2, in an empty temporary directory,
#     from the start of the JVM until GET /actuator/health answers 200 (polled every 50 ms);
#   - the offline commands: validate, oncall --config, shifts, simulate of a small scenario, and a
#     usage error — with fast start (the default: a second JVM on the flat copy with its AppCDS archive,
#     io.tocsin.launch.FastStart) and with TOCSIN_FAST_START=off (everything in the first JVM, as before).
# Fast start's one-time cost (extracting the jar, the training run that writes the archive) is measured
# first, on an empty cache under target/bench/startup/, and printed as its own row.
#
#   bench/startup.sh                 # N=5, every row
#   N=11 bench/startup.sh
#   ROWS="serve validate" bench/startup.sh
#   JAR=/tmp/old/tocsin.jar bench/startup.sh    # another build, e.g. main's, for a before/after
#
# Needs: JDK 17+, curl. Builds target/tocsin.jar when missing. Port 18099 must be free.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
N=${N:-5}
JAR=$(realpath "${JAR:-target/tocsin.jar}")
ROWS=${ROWS:-"serve validate oncall shifts simulate usage-error"}
PORT=${PORT:-18099}
OUT=$ROOT/target/bench/startup
mkdir -p "$OUT"
[ -f "$JAR" ] || ./mvnw -q -B -DskipTests package
export TOCSIN_CACHE_DIR=$OUT/cache
TIMEFORMAT='%R %U %S'

declare -A ARGS=(
  [validate]="validate examples/medicalcor"
  [oncall]="oncall --config examples/web-platform --schedule web-oncall --at 2026-04-15T14:00:00Z"
  [shifts]="shifts --config examples/web-platform --schedule web-oncall --from 2026-04-13 --to 2026-04-20"
  [simulate]="simulate --config examples/web-platform --scenario examples/web-platform/scenarios/user-reports.yaml"
  [usage-error]="--no-such-option"
)

median() { sort -n | awk '{a[NR]=$1} END {if (NR==0) print "-"; else printf "%.2f", (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

# one timed run: prints "wall cpu"; the command's output goes to $OUT/last.out
timed() {
  local t
  t=$( { time "$@" >"$OUT/last.out" 2>&1; } 2>&1 | tail -1 ) || true
  awk '{printf "%.3f %.3f\n", $1, $2 + $3}' <<<"$t"
}

serve_once() { # prints seconds from start to healthy, and the server's CPU seconds until then
  local dir start end pid cpu
  dir=$(mktemp -d "$OUT/serve.XXXX")
  start=$(date +%s%N)
  (cd "$dir" && TOCSIN_ADMIN_TOKEN=some-token-0123456789 exec java -jar "$JAR" serve \
      --config "$ROOT/examples/web-platform" --port "$PORT" >"$dir/server.log" 2>&1) &
  pid=$!
  for _ in $(seq 1 1200); do
    curl -sf -o /dev/null "http://127.0.0.1:$PORT/actuator/health" && break
    kill -0 "$pid" 2>/dev/null || { echo "server exited; see $dir/server.log" >&2; return 1; }
    sleep 0.05
  done
  end=$(date +%s%N)
  # utime + stime of the server JVM so far, in clock ticks
  cpu=$(awk -v hz="$(getconf CLK_TCK)" '{print ($14 + $15) / hz}' "/proc/$pid/stat" 2>/dev/null || echo 0)
  kill "$pid"; wait "$pid" 2>/dev/null || true
  rm -rf "$dir"
  awk -v s="$start" -v e="$end" -v c="$cpu" 'BEGIN {printf "%.3f %.3f\n", (e - s) / 1e9, c}'
}

row() { # label, then N lines of "wall cpu" on stdin
  local data; data=$(cat)
  printf '%-34s %8s %8s %8s %8s\n' "$1" "$(cut -d' ' -f1 <<<"$data" | median)" \
    "$(cut -d' ' -f1 <<<"$data" | sort -n | head -1 | xargs printf '%.2f')" "$(cut -d' ' -f1 <<<"$data" | sort -n | tail -1 | xargs printf '%.2f')" \
    "$(cut -d' ' -f2 <<<"$data" | median)"
}

echo "jar: $JAR ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), N=$N)"
printf '%-34s %8s %8s %8s %8s\n' "run" "median s" "min s" "max s" "cpu s"
for r in $ROWS; do
  if [ "$r" = serve ]; then
    for _ in $(seq 1 "$N"); do serve_once; done | row "serve to healthy (H2)"
    continue
  fi
  read -r -a a <<<"${ARGS[$r]}"
  if [ "$r" = validate ] && unzip -l "$JAR" io/tocsin/launch/Main.class >/dev/null 2>&1; then
    rm -rf "$TOCSIN_CACHE_DIR"
    timed java -jar "$JAR" "${a[@]}" | row "first command (makes fast cache)"
  fi
  for _ in $(seq 1 "$N"); do timed java -jar "$JAR" "${a[@]}"; done | row "$r"
  for _ in $(seq 1 "$N"); do timed env TOCSIN_FAST_START=off java -jar "$JAR" "${a[@]}"; done | row "$r (TOCSIN_FAST_START=off)"
done
