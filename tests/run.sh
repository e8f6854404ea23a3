#!/usr/bin/env bash
# Runs every test of the project and ends with "N passed, N failed".
#   - the layer check (scripts/check_layers.sh)
#   - every unit-test program in $TC_BUILD/tests/ (ASan + UBSan build)
#   - every script tests/sh/test_*.sh and tests/py/test_*.py (Debian's python3)
#   - every fuzz corpus replayed through its libFuzzer target (build/fuzz/)
# Each runnable prints its own "N passed, N failed" line, which is summed;
# one that prints none counts as 1 test, passed if it exited 0.
# A runnable that exits non-zero always counts at least one failure.
set -u
cd "$(dirname "$0")/.."
export TC_BUILD=${TC_BUILD:-build/asan} TC_REL=${TC_REL:-build/rel}
export THINGCHAIN=${THINGCHAIN:-$TC_BUILD/thingchain}
export TC_VECTORS=${TC_VECTORS:-tests/vectors}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
PY=/usr/bin/python3
FILTER=${1:-}

passed=0 failed=0 failed_names=()
log=$(mktemp -d)
trap 'rm -rf "$log"' EXIT

run_one() { # name, command...
  local name=$1; shift
  [ -n "$FILTER" ] && [[ "$name" != *"$FILTER"* ]] && return
  local t0=$SECONDS out="$log/out"
  "$@" </dev/null >"$out" 2>&1
  local rc=$?
  local line p=0 f=0
  line=$(grep -E '^([A-Za-z-]+: )?[0-9]+ passed, [0-9]+ failed' "$out" | tail -n 1 | sed -E 's/^[A-Za-z-]+: //')
  if [ -n "$line" ]; then
    p=$(echo "$line" | sed -E 's/^([0-9]+) passed.*/\1/')
    f=$(echo "$line" | sed -E 's/^[0-9]+ passed, ([0-9]+) failed.*/\1/')
  elif [ $rc -eq 0 ]; then p=1; fi
  if [ $rc -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
  passed=$((passed + p)); failed=$((failed + f))
  if [ "$f" -ne 0 ]; then
    failed_names+=("$name")
    printf 'FAIL %-40s %4d passed %3d failed  (%ds, exit %d)\n' "$name" "$p" "$f" $((SECONDS - t0)) $rc
    sed 's/^/    | /' "$out" | tail -n 60
  else
    printf 'ok   %-40s %4d passed  (%ds)\n' "$name" "$p" $((SECONDS - t0))
  fi
}

run_one layers bash scripts/check_layers.sh

for t in "$TC_BUILD"/tests/test_*; do
  [ -x "$t" ] || continue
  run_one "unit/${t##*/}" "$t"
done

for s in tests/sh/test_*.sh; do
  [ -f "$s" ] || continue
  run_one "sh/${s##*/}" bash "$s"
done

for s in tests/py/test_*.py; do
  [ -f "$s" ] || continue
  run_one "py/${s##*/}" "$PY" "$s"
done

for fz in build/fuzz/fuzz_*; do
  [ -x "$fz" ] || continue
  n=${fz##*/fuzz_}
  corpus=tests/fuzz/corpus/$n
  if [ ! -d "$corpus" ] || [ -z "$(ls -A "$corpus")" ]; then
    run_one "fuzz-corpus/$n" sh -c "echo 'no corpus in $corpus'; exit 1"
    continue
  fi
  run_one "fuzz-corpus/$n" sh -c "find '$corpus' -type f -print0 | xargs -0 '$fz' -runs=1 >/dev/null 2>&1 || { find '$corpus' -type f -print0 | xargs -0 '$fz' 2>&1 | tail -n 40; exit 1; }"
done

echo
if [ ${#failed_names[@]} -ne 0 ]; then echo "failed: ${failed_names[*]}"; fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
