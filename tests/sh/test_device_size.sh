#!/usr/bin/env bash
# `make device-size` (scripts/device_size.sh): the Cortex-M4 cross build of the
# device SDK prints the contract line, a per-file breakdown covering every
# device source, and a symbol check that passes on the SDK and catches a file
# that calls malloc/printf. Missing a size target does not fail this test:
# the figures are printed for the report.
set -u
cd "$(dirname "$0")/../.."
. tests/sh/lib.sh

bash scripts/device_size.sh >"$tmp/out" 2>&1; rc=$?
cat "$tmp/out"
[ $rc -eq 0 ] && ok || bad "device_size.sh exit $rc"
line=$(grep -E '^text: ' "$tmp/out" || true)
if [[ "$line" =~ ^text:\ ([0-9]+)\ bytes,\ data:\ ([0-9]+)\ bytes,\ bss:\ ([0-9]+)\ bytes,\ stack:\ ([0-9]+)\ bytes$ ]]; then
  ok
  [ "${BASH_REMATCH[1]}" -gt 0 ] && ok || bad "text is 0"
  [ "${BASH_REMATCH[4]}" -gt 0 ] && ok || bad "stack is 0"
else
  bad "contract line malformed: '$line'"
fi
grep -q '^symbols: ok' "$tmp/out" && ok || bad "symbol check did not pass"
grep -q '^targets: ' "$tmp/out" && ok || bad "no targets line"
# every device source and shared core file appears in the breakdown; the port does not
for f in device/*.c $(grep -l 'tc:device-shared' core/*.c); do
  [ "$f" = core/crypto_sodium.c ] && continue
  n=$(echo "${f%.c}" | tr / _)
  grep -q "^$n " "$tmp/out" && ok || bad "$f missing from the breakdown"
done
grep -q '^core_crypto_sodium ' "$tmp/out" && bad "crypto port counted" || ok
# the file sizes add up to the total
sum=$(awk '/^(device|core)_/ {s += $2} END {print s+0}' "$tmp/out")
tot=$(awk '$1 == "total" {print $2}' "$tmp/out")
[ "$sum" = "$tot" ] && [ "$tot" = "${BASH_REMATCH[1]:-x}" ] && ok || bad "breakdown sum $sum, total $tot, line ${BASH_REMATCH[1]:-?}"

# the symbol check must catch allocation and printing
cat >"$tmp/leaky.c" <<'C'
#include <stdio.h>
#include <stdlib.h>
void *leaky(void);
void *leaky(void) { printf("x"); return malloc(4); }
C
DEVICE_SIZE_EXTRA="$tmp/leaky.c" bash scripts/device_size.sh >"$tmp/out2" 2>&1; rc=$?
[ $rc -ne 0 ] && ok || bad "a malloc-calling file passed the symbol check"
grep -q 'symbols: FAILED.*malloc' "$tmp/out2" && ok || bad "symbol check did not name malloc: $(grep symbols "$tmp/out2")"
bash scripts/device_size.sh >/dev/null 2>&1   # leave the real figures in build/device-size

finish
