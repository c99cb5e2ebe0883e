#!/usr/bin/env bash
# Runs every libFuzzer target for a bounded time and fails if any finds a
# crash (fuzz/README.md).
#
#   fuzz/run.sh [SECONDS] [TARGET...]
#
# SECONDS per target (default 30); TARGETs are names like "cbor" (default:
# every fuzz_* program in the build). The targets must be built first:
#   cmake --workflow --preset fuzz
# FUZZ_BUILD_DIR overrides the build directory (default build/fuzz).
# Each target reads its checked-in seeds fuzz/corpus/<name>/ and writes what
# it finds to <build>/corpus/<name>/; a crashing input is written to
# <build>/crashes/<name>/ (keep it under tests/fuzz_regressions/<name>/
# once fixed). Prints total runs and exec/s per target.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}
shift || true
build=${FUZZ_BUILD_DIR:-build/fuzz}
[[ -d "$build/fuzz" ]] || { echo "run.sh: no fuzz targets in $build; build them first" >&2; exit 2; }

if (($# > 0)); then
  targets=("$@")
else
  targets=()
  for program in "$build"/fuzz/fuzz_*; do
    name=${program##*/fuzz_}
    [[ -x "$program" && "$name" != make_corpus ]] && targets+=("$name")
  done
fi

# Leaks and undefined behaviour are crashes too.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:halt_on_error=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

failed=()
summary=()
for name in "${targets[@]}"; do
  program="$build/fuzz/fuzz_$name"
  corpus="$build/corpus/$name"
  crashes="$build/crashes/$name"
  log="$build/logs/$name.log"
  mkdir -p "$corpus" "$crashes" "$(dirname "$log")"
  seeds=()
  [[ -d "fuzz/corpus/$name" ]] && seeds=("fuzz/corpus/$name")
  # Private keys stay in keys.example/ only: key_file reads its signer-key
  # seeds from there.
  [[ "$name" == key_file ]] && seeds+=("keys.example")
  echo "== fuzz_$name: $seconds s"
  status=0
  "$program" -max_total_time="$seconds" -timeout=25 -rss_limit_mb=2560 -print_final_stats=1 \
    -artifact_prefix="$crashes/" "$corpus" "${seeds[@]}" >"$log" 2>&1 || status=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  if ((status != 0)); then
    failed+=("$name")
    echo "fuzz_$name FAILED (exit $status); the log, $log, ends:"
    tail -40 "$log"
    ls "$crashes"
  fi
  summary+=("$(printf '%-12s %10s runs %8s exec/s  %s' "$name" "${runs:-?}" "${speed:-?}" \
    "$( ((status == 0)) && echo ok || echo CRASH)")")
done

echo "== fuzz summary ($seconds s per target)"
printf '%s\n' "${summary[@]}"
if ((${#failed[@]} > 0)); then
  echo "fuzz: crashes in: ${failed[*]}" >&2
  exit 1
fi
