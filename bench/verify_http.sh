#!/usr/bin/env bash
# verify_http.sh: throughput and latency of POST /api/v1/verify of a running
# `certledger serve`, beside one core's raw Ed25519 verify rate measured in
# the same run. Builds nothing: give it a build directory where the targets
# `certledger` and `verify_fixture_bench` are built (Release).
#
#   1. bench/verify_fixture_bench makes a ledger of --certs certificates
#      (default 100,000) with the example keys, a pool of --pool QR texts
#      (default 10,000; every 20th revoked), and measures libsodium's
#      crypto_sign_verify_detached on one thread over the pool's records.
#   2. `certledger serve` on that ledger, on 127.0.0.1:--port, with
#      --threads I/O threads and --workers handler threads.
#   3. wrk (2 threads, 64 connections, --latency) for --duration seconds
#      (default 30) with bench/verify_http.lua cycling through the pool;
#      every answer must be 200 with verdict valid or revoked.
#   4. The same wrk load on GET /healthz for --healthz-duration seconds
#      (default 10): the HTTP ceiling of the server on this machine.
#   5. The server is stopped (SIGTERM), the directory removed (unless --keep).
#
# Usage: bench/verify_http.sh BUILD_DIR [--certs N] [--pool P]
#          [--duration S] [--healthz-duration S] [--connections C]
#          [--wrk-threads T] [--threads N] [--workers N] [--port P]
#          [--dir D] [--keep]
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source_dir="$(dirname "$here")"
if [[ $# -lt 1 || "$1" == -* ]]; then
  sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//' >&2
  exit 2
fi
build="$(cd "$1" && pwd)"
shift
certs=100000 pool=10000 duration=30 healthz_duration=10 connections=64 wrk_threads=2
threads=2 workers=16 port=18480 dir="" keep=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --certs) certs="$2"; shift 2 ;;
    --pool) pool="$2"; shift 2 ;;
    --duration) duration="$2"; shift 2 ;;
    --healthz-duration) healthz_duration="$2"; shift 2 ;;
    --connections) connections="$2"; shift 2 ;;
    --wrk-threads) wrk_threads="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --workers) workers="$2"; shift 2 ;;
    --port) port="$2"; shift 2 ;;
    --dir) dir="$2"; shift 2 ;;
    --keep) keep=1; shift ;;
    *) echo "verify_http.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

certledger="$build/certledger"
fixture="$build/bench/verify_fixture_bench"
for program in "$certledger" "$fixture" /usr/bin/wrk; do
  [[ -x "$program" ]] || { echo "verify_http.sh: $program is missing (build it first)" >&2; exit 1; }
done
if [[ -z "$dir" ]]; then
  dir="$(mktemp -d /tmp/verify-http-XXXXXX)"
else
  mkdir -p "$dir"
fi
server_pid=""
# shellcheck disable=SC2317  # called by the EXIT trap
cleanup() {
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  if [[ "$keep" == 0 ]]; then rm -rf "$dir"; fi
}
trap cleanup EXIT

echo "== $(date -u '+%Y-%m-%d %H:%M:%S UTC'), $(nproc) cores; load:$(uptime | sed 's/.*load average//')"
echo "== fixture: $certs certificates, a pool of $pool QR texts, in $dir"
"$fixture" --dir "$dir" --certs "$certs" --pool "$pool" --source "$source_dir"
raw="$(awk '/^raw_verify_per_second/ {print $2}' "$dir/raw.txt")"
raw_cpu_us="$(awk '/^raw_verify_cpu_us/ {printf "%.1f", $2}' "$dir/raw.txt")"

# The example private key must not be readable by others (git keeps no
# modes): use a copy.
install -m 600 "$source_dir/keys.example/log.key" "$dir/log.key"
echo "== certledger serve --threads $threads --workers $workers on 127.0.0.1:$port"
"$certledger" serve --data "$dir/ledger" --regulator-key "$source_dir/keys.example/shanghai-hrss.pub" \
  --log-key "$dir/log.key" --listen "127.0.0.1:$port" --threads "$threads" --workers "$workers" \
  >"$dir/serve.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do
  if curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "verify_http.sh: the server exited:" >&2; cat "$dir/serve.log" >&2; exit 1
  fi
  sleep 0.1
done
curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null

# One request by hand: the answer must be a verdict.
first="$(head -n 2 "$dir/payloads.txt" | tail -n 1)"
answer="$(curl -sS -H 'Content-Type: text/plain' --data-binary "$first" \
  "http://127.0.0.1:$port/api/v1/verify")"
echo "== sample answer: $(printf '%s' "$answer" | head -c 160)..."

server_cpu() {  # the server's user + system CPU seconds so far
  awk -v tick="$(getconf CLK_TCK)" '{ sub(/.*\) /, ""); split($0, f, " "); print (f[12] + f[13]) / tick }' \
    "/proc/$server_pid/stat"
}

run_wrk() {  # $1 = label, $2 = seconds, $3 = path, $4... = script args
  local label="$1" seconds="$2" path="$3"
  shift 3
  local cpu0 cpu1 out
  cpu0="$(server_cpu)"
  out="$(wrk -t "$wrk_threads" -c "$connections" -d "${seconds}s" --latency \
    -s "$here/verify_http.lua" "http://127.0.0.1:$port$path" -- "$@")"
  cpu1="$(server_cpu)"
  printf '%s\n' "$out" > "$dir/wrk-$label.txt"
  echo "== wrk $label:"
  printf '%s\n' "$out" | sed 's/^/   /'
  result="$(printf '%s\n' "$out" | grep '^RESULT')"
  server_cpu_used="$(awk -v a="$cpu0" -v b="$cpu1" 'BEGIN { printf "%.1f", b - a }')"
}

field() { printf '%s\n' "$result" | tr ' ' '\n' | awk -F= -v k="$1" '$1 == k {print $2}'; }

echo "== load before wrk:$(uptime | sed 's/.*load average//')"
run_wrk verify "$duration" /api/v1/verify "$dir/payloads.txt"
verify_result="$result" verify_cpu="$server_cpu_used"
echo "== load after wrk:$(uptime | sed 's/.*load average//')"
run_wrk healthz "$healthz_duration" /healthz
healthz_result="$result" healthz_cpu="$server_cpu_used"

result="$verify_result"
rps="$(field rps)" p50="$(field p50_ms)" p99="$(field p99_ms)" non200="$(field non200)"
errors="$(field socket_errors)" valid="$(field valid)" revoked="$(field revoked)"
other="$(field other)" requests="$(field requests)" seconds="$(field seconds)"
result="$healthz_result"
h_rps="$(field rps)" h_p50="$(field p50_ms)" h_p99="$(field p99_ms)" h_non200="$(field non200)"
h_requests="$(field requests)" h_seconds="$(field seconds)"

cpu_per() { awk -v c="$1" -v n="$2" 'BEGIN { if (n > 0) printf "%.1f", c * 1e6 / n; else print "-" }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

echo
printf '| row | rate | p50 | p99 | CPU us/op | non-200 |\n'
printf '|---|---:|---:|---:|---:|---:|\n'
printf '| raw Ed25519 verify, 1 thread | %s verify/s | | | %s | |\n' "$raw" "$raw_cpu_us"
printf '| POST /api/v1/verify, %s conn | %s req/s | %s ms | %s ms | %s | %s |\n' "$connections" \
  "$rps" "$p50" "$p99" "$(cpu_per "$verify_cpu" "$requests")" "$non200"
printf '| GET /healthz, %s conn | %s req/s | %s ms | %s ms | %s | %s |\n' "$connections" \
  "$h_rps" "$h_p50" "$h_p99" "$(cpu_per "$healthz_cpu" "$h_requests")" "$h_non200"
verify_cpu_us="$(cpu_per "$verify_cpu" "$requests")"
printf '| verify req/s / raw verify/s | %s | | | %s | |\n' "$(ratio "$rps" "$raw")" \
  "$(ratio "$raw_cpu_us" "$verify_cpu_us")"
echo
echo "verdicts: $valid valid, $revoked revoked, $other other; socket errors $errors;" \
  "server CPU $verify_cpu s in $seconds s of verify load, $healthz_cpu s in $h_seconds s of /healthz"
echo "CPU us/op: the server's CPU (all threads) per request; raw: the verifying thread's CPU per" \
  "verify; the ratio row's CPU column is raw CPU / server CPU per request"
echo "goal: verify req/s / raw verify/s >= 1.0 and p99 < 10 ms at 64 connections"
status=0
if [[ "$non200" != 0 || "$other" != 0 || "$errors" != 0 ]]; then
  echo "verify_http.sh: not every answer was 200 with verdict valid or revoked" >&2
  status=1
fi
exit "$status"
