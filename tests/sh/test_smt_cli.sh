#!/usr/bin/env bash
# `thingchain debug smt`: put/delete/root/get/prove/verify on a SQLite
# state-tree file. Roots are checked against a reference computed here in
# Python from the definition in docs/state-tree.md (not by the binary).
set -u
cd "$(dirname "$0")/../.."
T=${THINGCHAIN:-build/asan/thingchain}
PY=/usr/bin/python3
. tests/sh/lib.sh
db=$tmp/state.db

# reference root: the definition, evaluated directly
ref_root() { # pairs "key:value" ...
  $PY - "$@" <<'PY'
import hashlib, sys
pairs = [tuple(bytes.fromhex(h) for h in a.split(':')) for a in sys.argv[1:]]
def bit(k, i): return (k[i // 8] >> (7 - i % 8)) & 1
def h(s, d):
    if not s: return bytes(32)
    if len(s) == 1: return hashlib.sha256(b'\x02' + s[0][0] + s[0][1]).digest()
    return hashlib.sha256(b'\x03' + h([p for p in s if not bit(p[0], d)], d + 1)
                          + h([p for p in s if bit(p[0], d)], d + 1)).digest()
print(h(pairs, 0).hex())
PY
}
k() { printf '%s' "$1" | sha256sum | cut -c1-64; }

K1=$(k alice); K2=$(k bob); K3=$(k carol); KX=$(k nobody)
V1=$(k v1); V2=$(k v2); V3=$(k v3); V4=$(k v4)

"$T" debug smt --help >"$tmp/h" 2>&1 && grep -q "prove" "$tmp/h" && ok || bad "--help"
"$T" debug smt put --help >/dev/null 2>&1 && ok || bad "put --help"
"$T" debug smt bogus --db "$db" >/dev/null 2>&1; [ $? -eq 2 ] && ok || bad "unknown subcommand not exit 2"
"$T" debug smt put "$K1" "$V1" >/dev/null 2>&1; [ $? -eq 2 ] && ok || bad "missing --db not exit 2"
"$T" debug smt put --db "$db" "$K1" >/dev/null 2>&1; [ $? -eq 2 ] && ok || bad "odd pair count not exit 2"
"$T" debug smt put --db "$db" zz "$V1" >/dev/null 2>&1; [ $? -eq 2 ] && ok || bad "bad hex not exit 2"

# empty tree
r0=$("$T" debug smt root --db "$db") && [ "$r0" = "$(ref_root)" ] && ok || bad "empty root '$r0'"

out=$("$T" debug smt put --db "$db" "$K1" "$V1" "$K2" "$V2") || bad "put exit $?"
r1=$(echo "$out" | tail -1)
[ "$r1" = "$(ref_root "$K1:$V1" "$K2:$V2")" ] && ok || bad "root after put: $r1"
echo "$out" | grep -q '^version 1$' && ok || bad "version line: $out"
out=$("$T" debug smt put --db "$db" "$K3" "$V3" "$K1" "$V4") || bad "put 2"
r2=$(echo "$out" | tail -1)
[ "$r2" = "$(ref_root "$K1:$V4" "$K2:$V2" "$K3:$V3")" ] && ok || bad "root after put 2: $r2"
[ "$("$T" debug smt root --db "$db")" = "$r2" ] && ok || bad "root command"
[ "$("$T" debug smt root --db "$db" --version 1)" = "$r1" ] && ok || bad "root --version 1"
[ "$("$T" debug smt get --db "$db" "$K1")" = "$V4" ] && ok || bad "get"
"$T" debug smt get --db "$db" "$KX" >/dev/null 2>&1; [ $? -eq 1 ] && ok || bad "get absent not exit 1"

# membership
p=$("$T" debug smt prove --db "$db" "$K1") || bad "prove"
"$T" debug smt verify --root "$r2" --key "$K1" --value "$V4" "$p" >/dev/null && ok || bad "verify member"
"$T" debug smt verify --root "$r2" --key "$K1" --value "$V1" "$p" >/dev/null 2>&1; [ $? -eq 1 ] && ok || bad "wrong value accepted"
"$T" debug smt verify --root "$r1" --key "$K1" --value "$V4" "$p" >/dev/null 2>&1; [ $? -eq 1 ] && ok || bad "other root accepted"
"$T" debug smt verify --root "$r2" --key "$K1" "$p" >/dev/null 2>&1; [ $? -eq 1 ] && ok || bad "member proof accepted as absence"
"$T" debug smt verify --root "$r2" --key "$K1" --value "$V4" "${p}00" >/dev/null 2>&1; [ $? -eq 1 ] && ok || bad "extended proof accepted"
"$T" debug smt verify --root "$r2" --key "$K1" --value "$V4" "${p:0:${#p}-2}" >/dev/null 2>&1; [ $? -eq 1 ] && ok || bad "truncated proof accepted"
# old version still provable
p1=$("$T" debug smt prove --db "$db" --version 1 "$K1") || bad "prove v1"
"$T" debug smt verify --root "$r1" --key "$K1" --value "$V1" "$p1" >/dev/null && ok || bad "verify v1"
# absence
pa=$("$T" debug smt prove --db "$db" "$KX") || bad "prove absent"
"$T" debug smt verify --root "$r2" --key "$KX" "$pa" >/dev/null && ok || bad "verify absent"
"$T" debug smt verify --root "$r2" --key "$KX" --value "$V1" "$pa" >/dev/null 2>&1; [ $? -eq 1 ] && ok || bad "absence proof accepted as membership"
"$T" debug smt verify --root "$r2" "$pa" >/dev/null 2>&1; [ $? -eq 2 ] && ok || bad "verify without --key not exit 2"

# delete, then pruning with --keep 1
out=$("$T" debug smt delete --db "$db" --keep 1 "$K1" "$KX") || bad "delete"
r3=$(echo "$out" | tail -1)
[ "$r3" = "$(ref_root "$K2:$V2" "$K3:$V3")" ] && ok || bad "root after delete: $r3"
"$T" debug smt root --db "$db" --version 2 >/dev/null 2>&1; [ $? -eq 1 ] && ok || bad "pruned version still served"
p3=$("$T" debug smt prove --db "$db" "$K1") && "$T" debug smt verify --root "$r3" --key "$K1" "$p3" >/dev/null && ok || bad "deleted key not provably absent"

finish
