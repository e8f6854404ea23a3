#!/usr/bin/env bash
# `thingchain genesis build` / `genesis show`: JSON -> CBOR -> JSON round trip,
# the hash is the SHA-256 of the CBOR bytes, and bad input gives a clear
# message with exit 1 (invalid) or 2 (usage). docs/ledger.md, "Genesis JSON".
set -u
T=${THINGCHAIN:-build/asan/thingchain}
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
check() { if eval "$2"; then ok; else bad "$1"; fi; }

pub() { "$T" debug keygen --seed "$(printf '%064x' "$1")" | awk '/^pub/{print $2}'; }
V1=$(pub 1) V2=$(pub 2) G1=$(pub 3) G2=$(pub 4) G3=$(pub 5) A1=$(pub 6)
cat > "$W/g.json" <<JSON
{
  "chain_id": "sh-test-chain",
  "genesis_time_ms": 1700000000000,
  "validators": [{"pub": "$V1", "power": 10}, {"pub": "$V2", "power": 5}],
  "governance": {"k": 2, "keys": ["$G1", "$G2", "$G3"]},
  "organizations": [
    {"id": 7, "name": "Acme Fleet", "roles": ["operator", "validator"], "admin": {"k": 1, "keys": ["$A1"]}},
    {"id": 9, "name": "Sensorworks", "roles": ["manufacturer"], "admin": {"k": 1, "keys": ["$G1"]}}
  ]
}
JSON

# build: CBOR file + hash on stdout; the hash is SHA-256 of the file
H=$("$T" genesis build "$W/g.json" -o "$W/g.cbor"); rc=$?
check "build exits 0" '[ $rc -eq 0 ] && [ -s "$W/g.cbor" ]'
check "build prints the sha256 of the CBOR" '[ "$H" = "$(sha256sum "$W/g.cbor" | cut -d" " -f1)" ]'
# a node accepts it (cross-check with the CBOR tool: deterministic)
check "output is deterministic CBOR" '"$T" debug cbor "$W/g.cbor" >/dev/null'

# show: JSON with the same hash and the same content
"$T" genesis show "$W/g.cbor" > "$W/s.json"; rc=$?
check "show exits 0" '[ $rc -eq 0 ]'
check "show carries genesis_hash" 'grep -q "\"genesis_hash\": \"$H\"" "$W/s.json"'
check "show names the org" 'grep -q "Acme Fleet" "$W/s.json" && grep -q "\"manufacturer\"" "$W/s.json"'
check "show from stdin" '"$T" genesis show - < "$W/g.cbor" | cmp -s - "$W/s.json"'

# round trip: show's JSON builds the identical bytes, and shows identically
H2=$("$T" genesis build "$W/s.json" -o "$W/g2.cbor")
check "round trip same bytes" 'cmp -s "$W/g.cbor" "$W/g2.cbor" && [ "$H2" = "$H" ]'
"$T" genesis show "$W/g2.cbor" > "$W/s2.json"
check "round trip same JSON" 'cmp -s "$W/s.json" "$W/s2.json"'
# key order and whitespace in the input do not matter to the document
/usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(json.dumps(dict(reversed(list(d.items())))))' \
    "$W/g.json" > "$W/r.json"
check "member order irrelevant" '[ "$("$T" genesis build "$W/r.json" -o "$W/r.cbor")" = "$H" ] && cmp -s "$W/r.cbor" "$W/g.cbor"'

# errors: exit 1 with a message that says what is wrong
expect1() { # name, grep pattern, args...
    local name=$1 pat=$2; shift 2
    "$T" "$@" >"$W/out" 2>"$W/err"; local rc=$?
    if [ $rc -eq 1 ] && grep -qi -- "$pat" "$W/err"; then ok; else bad "$name (rc=$rc: $(cat "$W/err"))"; fi
}
printf '{"chain_id": "x",\n  "genesis_time_ms": 1,,}' > "$W/syntax.json"
expect1 "syntax error has line and column" "line 2 column" genesis build "$W/syntax.json" -o "$W/x.cbor"
check "no output written on error" '[ ! -e "$W/x.cbor" ]'
sed 's/"power": 10/"power": 10, "weight": 3/' "$W/g.json" > "$W/unknown.json"
expect1 "unknown member" 'unknown member "weight"' genesis build "$W/unknown.json" -o "$W/x.cbor"
sed 's/"k": 2/"k": 4/' "$W/g.json" > "$W/k.json"
expect1 "threshold above key count" "threshold 4" genesis build "$W/k.json" -o "$W/x.cbor"
sed "s/$V2/$V1/" "$W/g.json" > "$W/dupval.json"
expect1 "duplicate validator" "validator" genesis build "$W/dupval.json" -o "$W/x.cbor"
sed 's/"operator", "validator"/"owner"/' "$W/g.json" > "$W/role.json"
expect1 "unknown role" "roles are" genesis build "$W/role.json" -o "$W/x.cbor"
sed 's/"id": 9/"id": 7/' "$W/g.json" > "$W/dupid.json"
expect1 "duplicate org id" "appears twice" genesis build "$W/dupid.json" -o "$W/x.cbor"
sed 's/"id": 9/"id": -9/' "$W/g.json" > "$W/neg.json"
expect1 "negative id" "non-negative integer" genesis build "$W/neg.json" -o "$W/x.cbor"
sed 's/"chain_id": "sh-test-chain"/"chain_id": "x", "chain_id": "y"/' "$W/g.json" > "$W/dup.json"
expect1 "duplicate member" "duplicate" genesis build "$W/dup.json" -o "$W/x.cbor"
sed 's/Acme Fleet/Acme Fleet 2/' "$W/s.json" > "$W/edited.json"
expect1 "stale genesis_hash refused" "genesis_hash.*does not match" genesis build "$W/edited.json" -o "$W/x.cbor"
printf '\xa0' > "$W/empty.cbor"
expect1 "show: not a genesis" "genesis" genesis show "$W/empty.cbor"
head -c 20 "$W/g.cbor" > "$W/trunc.cbor"
expect1 "show: truncated" "." genesis show "$W/trunc.cbor"

# usage errors: exit 2
"$T" genesis build "$W/g.json" >/dev/null 2>&1; rc=$?
check "build without -o is usage" '[ $rc -eq 2 ]'
"$T" genesis show >/dev/null 2>&1; rc=$?
check "show without FILE is usage" '[ $rc -eq 2 ]'
"$T" genesis show --bogus x >/dev/null 2>&1; rc=$?
check "show bad option is usage" '[ $rc -eq 2 ]'
"$T" genesis build --help | grep -q "genesis_time_ms"; rc=$?
check "build --help documents the JSON" '[ $rc -eq 0 ]'
"$T" genesis show --help >/dev/null; rc=$?
check "show --help exits 0" '[ $rc -eq 0 ]'

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
