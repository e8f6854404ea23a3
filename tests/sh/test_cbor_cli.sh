#!/usr/bin/env bash
# CLI contract of `thingchain debug cbor` (issue 2 item 8) and its helpers:
# diag on stdout and exit 0; exit 1 with the reason and offset; exit 2 on
# bad usage; --help exits 0 for every cbor command.
set -u
T=${THINGCHAIN:-build/asan/thingchain}
pass=0 fail=0
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
ok() { if eval "$2"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: $1"; fi; }

printf '\xa2\x01\x02\x03\x04' > "$tmp/ok.cbor"
out=$("$T" debug cbor "$tmp/ok.cbor"); rc=$?
ok "valid file prints diag" '[ $rc -eq 0 ] && [ "$out" = "{1: 2, 3: 4}" ]'
out=$(printf '\x82\x61\x61\xf9\x7b\xff' | "$T" debug cbor -); rc=$?
ok "stdin with -" '[ $rc -eq 0 ] && [ "$out" = "[\"a\", 65504.0]" ]'
out=$(printf '\x82\x61\x61\xf9\x7b\xff' | "$T" debug cbor); rc=$?
ok "stdin by default" '[ $rc -eq 0 ] && [ "$out" = "[\"a\", 65504.0]" ]'
err=$(printf '\xa2\x03\x04\x01\x02' | "$T" debug cbor 2>&1 >/dev/null); rc=$?
ok "unsorted keys exit 1 with reason and offset" '[ $rc -eq 1 ] && [[ "$err" == *"bytewise lexicographic"*"at byte 3"* ]]'
err=$(printf '\x9f\xff' | "$T" debug cbor 2>&1); rc=$?
ok "indefinite exit 1" '[ $rc -eq 1 ] && [[ "$err" == *"indefinite"* ]]'
err=$(printf '\x00\x00' | "$T" debug cbor 2>&1); rc=$?
ok "trailing exit 1" '[ $rc -eq 1 ] && [[ "$err" == *"trailing"*"at byte 1"* ]]'
err=$(printf '' | "$T" debug cbor 2>&1); rc=$?
ok "empty input exit 1" '[ $rc -eq 1 ]'
printf '\x81\x81\x81\x00' > "$tmp/deep"
"$T" debug cbor --max-depth 2 "$tmp/deep" >/dev/null 2>&1; rc=$?
ok "--max-depth 2 rejects depth 3" '[ $rc -eq 1 ]'
"$T" debug cbor --max-depth 3 "$tmp/deep" >/dev/null 2>&1; rc=$?
ok "--max-depth 3 accepts depth 3" '[ $rc -eq 0 ]'
"$T" debug cbor --max-depth 65 "$tmp/deep" >/dev/null 2>&1; rc=$?
ok "--max-depth above 64 is usage" '[ $rc -eq 2 ]'
"$T" debug cbor --bogus >/dev/null 2>&1; rc=$?
ok "unknown option exit 2" '[ $rc -eq 2 ]'
"$T" debug cbor a b >/dev/null 2>&1; rc=$?
ok "two files exit 2" '[ $rc -eq 2 ]'
"$T" debug cbor "$tmp/missing" >/dev/null 2>&1; rc=$?
ok "missing file exit 1" '[ $rc -eq 1 ]'
"$T" debug cbor-gen >/dev/null 2>&1; rc=$?
ok "cbor-gen without --seed exit 2" '[ $rc -eq 2 ]'
"$T" debug cbor-gen --seed 1 --count 2 >/dev/null 2>&1; rc=$?
ok "cbor-gen --count 2 without --hex exit 2" '[ $rc -eq 2 ]'
for c in cbor cbor-reencode cbor-gen cbor-check; do
  out=$("$T" debug $c --help); rc=$?
  ok "debug $c --help" '[ $rc -eq 0 ] && [[ "$out" == usage:* ]]'
done
for s in 1 2 3 4 5; do
  "$T" debug cbor-gen --seed $s --depth 4 > "$tmp/g"
  "$T" debug cbor-reencode "$tmp/g" > "$tmp/r"; rc=$?
  ok "cbor-reencode seed $s identical" '[ $rc -eq 0 ] && cmp -s "$tmp/g" "$tmp/r"'
done
out=$(printf '1817\n00\n\n' | "$T" debug cbor-check)
ok "cbor-check lines" '[ "$out" = "$(printf "err CBOR_NONCANONICAL_INT 0\nok 00\nerr CBOR_TRUNCATED 0")" ]'
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
