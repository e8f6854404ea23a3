#!/usr/bin/env bash
# Anchor lookup by message digest (issue 6; docs/api.md "Anchors by message
# digest"): a 4-validator network; an anchor transaction listing three
# digests (`tx build anchor --digest`, root and count computed); then
# GET /v1/anchors/by-digest/HEX finds each with its leaf index and path,
# `thingchain query anchor --digest` verifies each as a device would
# (path -> root, A record -> state root, header + certificate), an unlisted
# digest is 404 with a message, malformed hex 400, and a saved answer with
# a tampered path, inclusion proof, bundle or height is refused offline.
set -u
cd "$(dirname "$0")/../.."
. tests/sh/lib.sh
. tests/sh/node_net.sh

net_init 4 0 || { bad "net init"; finish; exit; }
for i in 0 1 2 3; do start $i; done
check "4 validators commit" 'wait_height 0 2 40'
U=http://$(api 0)
G="--genesis $tmp/net/genesis.cbor"
jget() { $PY -c 'import json,sys; d=json.load(sys.stdin); exec("for k in sys.argv[1].split(\".\"): d=d[int(k)] if isinstance(d,list) else d[k]"); print(d)' "$1" 2>/dev/null; }
code() { curl -s -o "$tmp/body" -w "%{http_code}" --max-time 5 "$@"; }

D0=$(printf '11%.0s' {1..32}); D1=$(printf '22%.0s' {1..32}); D2=$(printf '33%.0s' {1..32})
NONE=$(printf '44%.0s' {1..32})
"$CLI" tx build anchor --digest "$D0" --digest "$D1" --digest "$D2" --first-time 1000 --last-time 2000 \
  --org 1 --key "$tmp/net/orgs/operator/admin1.key" --nonce 1 $G -o "$tmp/tx" >/dev/null
check "tx build anchor --digest x3 builds (root, count computed)" '[ -s "$tmp/tx" ]'
expect 2 "tx build anchor with neither --root/--count nor --digest: usage error" "$CLI" tx build anchor \
  --first-time 1000 --last-time 2000 --org 1 --key "$tmp/net/orgs/operator/admin1.key" --nonce 1 $G -o "$tmp/tx2"
check "... naming what is missing" 'grep -q "needs --root and --count, or the digests" "$tmp/err"'
T=$(curl -s --max-time 5 --data-binary @"$tmp/tx" "$U/tx" | jget tx)
committed() { curl -s --max-time 2 "$U/v1/tx/$T" | grep -q '"code":0'; }
wait_tx() { local end=$((SECONDS + 30)); while [ $SECONDS -lt $end ]; do committed && return 0; sleep 0.3; done; return 1; }
check "the anchor is committed and accepted" '[ -n "$T" ] && wait_tx'
AH=$(curl -s "$U/v1/tx/$T" | jget height)
h=$(height 0); wait_height 0 $((h + 1)) 10  # the commit's certificate is held

i=0
PL=(2 2 1)  # RFC 9162 path lengths of leaves 0, 1, 2 in a tree of 3
for d in "$D0" "$D1" "$D2"; do
  check "by-digest $i: 200 JSON, index $i of 3, path of ${PL[$i]}, anchor record count 3, height $AH" \
    '[ "$(code "$U/v1/anchors/by-digest/$d")" = 200 ] && [ "$(jget index <"$tmp/body")" = $i ] &&
     [ "$(jget size <"$tmp/body")" = 3 ] && [ "$(jget record.1 <"$tmp/body")" = 3 ] &&
     [ "$(jget anchor_height <"$tmp/body")" = "$AH" ] && [ -n "$(jget proof <"$tmp/body")" ] &&
     [ "$($PY -c "import json,sys; print(len(json.load(sys.stdin)[\"path\"]))" <"$tmp/body")" = "${PL[$i]}" ]'
  expect 0 "query anchor --digest $i verifies" "$CLI" query anchor --digest "$d" --node "$U" $G --json
  check "... verified, index $i, count 3, anchored at $AH" \
    'grep -q "\"verified\":\"at height" "$tmp/out" && [ "$(jget index <"$tmp/out")" = $i ] &&
     [ "$(jget count <"$tmp/out")" = 3 ] && [ "$(jget anchor_height <"$tmp/out")" = "$AH" ]'
  i=$((i + 1))
done
check "by-digest ?format=bundle: JSON with the bundle and the CBOR inclusion path" \
  '[ "$(code "$U/v1/anchors/by-digest/$D1?format=bundle")" = 200 ] && [ -n "$(jget bundle <"$tmp/body")" ] &&
   [ -n "$(jget inclusion <"$tmp/body")" ]'
check "the anchor root found by digest is the one by root" \
  'R=$(jget root <"$tmp/body") && [ "$(code "$U/v1/anchors/$R")" = 200 ] && [ "$(jget record.1 <"$tmp/body")" = 3 ]'
expect 0 "query anchor --digest table form" "$CLI" query anchor --digest "$D2" --node "http://$(api 2)" $G
check "... prints verified and the root" 'grep -q "verified  *at height" "$tmp/out" && grep -q "^root " "$tmp/out"'

check "unlisted digest: 404 NOT_FOUND naming the digest lookup" \
  '[ "$(code "$U/v1/anchors/by-digest/$NONE")" = 404 ] && grep -q NOT_FOUND "$tmp/body" && grep -q "lists this digest" "$tmp/body"'
expect 1 "query anchor --digest of an unlisted digest: exit 1" "$CLI" query anchor --digest "$NONE" --node "$U" $G
check "... with the node's message" 'grep -q "HTTP 404" "$tmp/err" && grep -q "lists this digest" "$tmp/err"'
check "digest anchored later: 404 at a height before the anchor" \
  '[ "$(code "$U/v1/anchors/by-digest/$D0?height=$((AH - 1))")" = 404 ]'
check "malformed hex: 400 API_PARAM saying not hex" \
  '[ "$(code "$U/v1/anchors/by-digest/$(printf 'zz%.0s' {1..32})")" = 400 ] && grep -q API_PARAM "$tmp/body" && grep -q "not hex" "$tmp/body"'
check "short digest: 400 API_PARAM asking for 64 hex digits" \
  '[ "$(code "$U/v1/anchors/by-digest/abcd")" = 400 ] && grep -q API_PARAM "$tmp/body" && grep -q "64 hex digits" "$tmp/body"'
expect 2 "CLI: --digest not 64 hex digits is a usage error" "$CLI" query anchor --digest abcd --node "$U" $G
expect 2 "CLI: --digest with a ROOT is a usage error" "$CLI" query anchor "$D0" --digest "$D0" --node "$U" $G

# ---- saved answers, verified offline, and tampered ones refused ----
expect 0 "query anchor --digest --save" "$CLI" query anchor --digest "$D1" --node "$U" $G --save "$tmp/ans.json"
expect 0 "the saved answer verifies offline (--from)" "$CLI" query anchor --digest "$D1" --from "$tmp/ans.json" $G
expect 1 "the saved answer does not prove another digest" "$CLI" query anchor --digest "$D0" --from "$tmp/ans.json" $G
check "... path error" 'grep -q DEV_ANCHOR_PATH "$tmp/err"'
tamper() { # field, python expression on v (the field's value), out
  $PY - "$tmp/ans.json" "$3" "$1" "$2" <<'PYEOF'
import json, sys
j = json.load(open(sys.argv[1])); f = sys.argv[3]; v = j[f]
flip = lambda s, i: s[:i] + ("0" if s[i] != "0" else "1") + s[i + 1:]
j[f] = eval(sys.argv[4])
json.dump(j, open(sys.argv[2], "w"))
PYEOF
}
tamper path '[flip(v[0], 10)] + v[1:]' "$tmp/t1.json"
expect 1 "a flipped byte in the path hashes is refused" "$CLI" query anchor --digest "$D1" --from "$tmp/t1.json" $G
check "... DEV_ANCHOR_PATH" 'grep -q DEV_ANCHOR_PATH "$tmp/err"'
tamper inclusion 'flip(v, len(v) - 5)' "$tmp/t2.json"
expect 1 "a flipped byte in the inclusion proof is refused" "$CLI" query anchor --digest "$D1" --from "$tmp/t2.json" $G
check "... DEV_ANCHOR_PATH" 'grep -q DEV_ANCHOR_PATH "$tmp/err"'
tamper index 'v + 1' "$tmp/t3.json"
expect 1 "a changed leaf index is refused" "$CLI" query anchor --digest "$D1" --from "$tmp/t3.json" $G
tamper bundle 'flip(v, len(v) - 6)' "$tmp/t4.json"
expect 1 "a flipped byte in the anchor record's bundle is refused" "$CLI" query anchor --digest "$D1" --from "$tmp/t4.json" $G
check "... with a proof error" 'grep -Eq "SMT_PROOF|LIGHT_|CBOR_|DEV_" "$tmp/err"'
tamper anchor_height 'v + 1' "$tmp/t5.json"
expect 1 "a wrong anchor height is refused" "$CLI" query anchor --digest "$D1" --from "$tmp/t5.json" $G
check "... LIGHT_RECORD" 'grep -q LIGHT_RECORD "$tmp/err"'

for i in 0 1 2 3; do kill -TERM "${PIDS[$i]}" 2>/dev/null; done
for i in 0 1 2 3; do wait "${PIDS[$i]}" 2>/dev/null; done
check "no sanitizer reports" 'no_sanitizer'
show_logs
finish
