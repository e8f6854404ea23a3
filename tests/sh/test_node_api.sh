#!/usr/bin/env bash
# The node's HTTP API and the CLI that uses it (issue 6 items 2 and 3;
# docs/api.md): a real 4-validator network on 127.0.0.1, transactions built
# with `thingchain tx build` (manufacture, claim, attributes, groups, a
# service, an anchor), then every endpoint; CLI queries verified by the
# device light client; a tampered bundle refused; malformed and oversized
# input answered 4xx with a JSON error and changing nothing; the rate limit
# (429); the event stream delivering block and tx events; SIGTERM with a
# subscriber connected exits cleanly. Every wait has a deadline.
set -u
cd "$(dirname "$0")/../.."
. tests/sh/lib.sh
BUILD=${TC_BUILD:-build/asan}
D=$BUILD/thingchaind
CLI=${THINGCHAIN:-$BUILD/thingchain}
PY=/usr/bin/python3
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
check() { if eval "$2"; then ok; else bad "$1"; fi; }

PIDS=()
stop_all() { for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null; done; wait 2>/dev/null; rm -rf "$tmp"; }
trap stop_all EXIT

BASE=$((28000 + (RANDOM % 900) * 2))
N=$tmp/net
"$CLI" net init --validators 4 --dir "$N" --base-port $BASE >/dev/null || { echo "net init failed"; echo "0 passed, 1 failed"; exit 1; }
url() { echo "http://127.0.0.1:$((BASE + 2 * $1 + 1))"; }
for i in 0 1 2 3; do
  "$D" --config "$N/node$i/node.conf" --block-interval-ms 300 2>>"$tmp/node$i.log" &
  PIDS[$i]=$!
done
U=$(url 0)
jget() { $PY -c 'import json,sys; d=json.load(sys.stdin); exec("for k in sys.argv[1].split(\".\"): d=d[int(k)] if isinstance(d,list) else d[k]"); print(d)' "$1" 2>/dev/null; }
height() { curl -s --max-time 2 "$(url "$1")/status" | jget height || echo -1; }
wait_height() { local end=$((SECONDS + $3)); while [ $SECONDS -lt $end ]; do [ "$(height "$1")" -ge "$2" ] && return 0; sleep 0.3; done; return 1; }
code() { curl -s -o "$tmp/body" -w "%{http_code}" --max-time 5 "$@"; }
check "4 validators commit blocks" 'wait_height 0 2 40 && wait_height 3 2 10'

# The event stream from the start: block and tx events arrive below.
curl -sN --max-time 25 "$(url 1)/v1/events" >"$tmp/sse" 2>/dev/null &
SSE=$!

# Transactions: vendor (org 2, 2-of-2) manufactures, operator (org 1) claims,
# sets attributes and groups, publishes a service, anchors a batch.
G="--genesis $N/genesis.cbor"
read -r DEV PUB < <("$CLI" debug keygen --seed "$(printf '07%.0s' {1..32})" | awk '/^pub/{p=$2} /^keyid/{k=$2} END{print k, p}')
X=$("$CLI" debug keygen --seed "$(printf '08%.0s' {1..32})" | awk '/^pub/{print $2}')
OP="--org 1 --key $N/orgs/operator/admin1.key"
EXP=$(( $(date +%s) * 1000 + 86400000 ))
ROOT=$(printf 'ab%.0s' {1..32})
build() { "$CLI" tx build "$@" $G -o "$tmp/tx" >/dev/null && curl -s --max-time 5 --data-binary @"$tmp/tx" "$U/tx" | jget tx; }
T1=$(build dev.manufacture --ed25519 "$PUB" --x25519 "$X" --model m1 --serial s1 --claim-secret 0011 --org 2 \
     --key "$N/orgs/vendor/admin1.key" --key "$N/orgs/vendor/admin2.key" --nonce 1)
T2=$(build dev.claim --device "$DEV" --claim-secret 0011 $OP --nonce 1)
T3=$(build dev.set_attrs --device "$DEV" --attr color=red $OP --nonce 2)
T4=$(build dev.set_groups --device "$DEV" --group g1 $OP --nonce 3)
T5=$(build svc.publish --device "$DEV" --name web --service-type mqtt --endpoint mqtt://10.0.0.1:1883 --attr floor=2 \
     --expiry $EXP $OP --nonce 4)
T6=$(build anchor --root "$ROOT" --count 3 --first-time 1000 --last-time 2000 $OP --nonce 5)
check "six transactions admitted" '[ -n "$T1" ] && [ -n "$T2" ] && [ -n "$T3" ] && [ -n "$T4" ] && [ -n "$T5" ] && [ -n "$T6" ]'
committed() { curl -s --max-time 2 "$U/v1/tx/$1" | grep -q '"code":0'; }
wait_tx() { local end=$((SECONDS + 20)); while [ $SECONDS -lt $end ]; do committed "$1" && return 0; sleep 0.3; done; return 1; }
check "all committed and accepted (GET /v1/tx/HEX)" 'wait_tx "$T6" && committed "$T1" && committed "$T5"'
H1=$(curl -s "$U/v1/tx/$T1" | jget height)

# ---- queries ----
check "device by id: 200, decoded record, proof" \
  '[ "$(code "$U/v1/devices/$DEV")" = 200 ] && [ "$(jget record.3 <"$tmp/body")" = m1 ] && [ -n "$(jget proof <"$tmp/body")" ]'
check "device as a bundle (?format=bundle): application/cbor" \
  '[ "$(curl -s -o /dev/null -w "%{content_type}" "$U/v1/devices/$DEV?format=bundle")" = application/cbor ]'
check "device as a bundle (Accept: application/cbor)" \
  '[ "$(curl -s -o /dev/null -w "%{content_type}" -H "Accept: application/cbor" "$U/v1/devices/$DEV")" = application/cbor ]'
check "device absent at the height before its manufacture (?height=): 404 with an absence proof" \
  '[ "$(code "$U/v1/devices/$DEV?height=$((H1 - 1))")" = 404 ] && grep -q "\"proof\"" "$tmp/body"'
for q in "model=m1" "owner=1" "maker=2" "group=g1" "attr=color%3Dred" "status=0"; do
  check "devices?$q lists the device" 'code "$U/v1/devices?$q" >/dev/null; grep -q "44$DEV" "$tmp/body"'
done
check "devices paged: limit=1 and after=<last key> gives an empty next page" \
  '[ "$(code "$U/v1/devices?model=m1&limit=1&after=44$DEV")" = 200 ] && [ "$(jget keys <"$tmp/body")" = "[]" ]'
check "services?type=mqtt and ?attr=floor=2" \
  'code "$U/v1/services?type=mqtt" >/dev/null && grep -q "53$DEV" "$tmp/body" && code "$U/v1/services?attr=floor%3D2" >/dev/null && grep -q "53$DEV" "$tmp/body"'
check "config for the device: 200 with a key list" '[ "$(code "$U/v1/config/$DEV")" = 200 ] && grep -q "\"keys\"" "$tmp/body"'
check "firmware for the device: 404 JSON (no release)" '[ "$(code "$U/v1/firmware/$DEV?current=0")" = 404 ] && grep -q NOT_FOUND "$tmp/body"'
check "rollout 1/1: 404 with an absence proof" '[ "$(code "$U/v1/rollouts/1/1")" = 404 ] && grep -q "\"proof\"" "$tmp/body"'
check "anchor by root: 200, count 3" '[ "$(code "$U/v1/anchors/$ROOT")" = 200 ] && [ "$(jget record.1 <"$tmp/body")" = 3 ]'
check "raw state key (M: chain metadata)" '[ "$(code "$U/v1/state/4d")" = 200 ] && [ "$(jget record.1 <"$tmp/body")" = thingchain-local ]'

# ---- chain ----
check "headers/latest with certificate" '[ "$(code "$U/v1/headers/latest")" = 200 ] && [ -n "$(jget cert <"$tmp/body")" ]'
check "headers/1 as CBOR" '[ "$(curl -s -o /dev/null -w "%{http_code} %{content_type}" "$U/v1/headers/1?format=cbor")" = "200 application/cbor" ]'
check "blocks/H lists the transaction" '[ "$(code "$U/v1/blocks/$H1")" = 200 ] && grep -q "$T1" "$tmp/body"'
check "valsets/1: 4 validators, hash = header valset_hash" \
  '[ "$(code "$U/v1/valsets/1")" = 200 ] && [ "$(jget validators <"$tmp/body" | grep -o pub | wc -l)" = 4 ] &&
   [ "$(jget hash <"$tmp/body")" = "$(curl -s "$U/v1/headers/1" | jget valset_hash)" ]'
metrics_ok() {
  curl -s "$U/metrics" >"$tmp/m"
  for m in thingchain_block_height thingchain_committed_txs_total thingchain_block_replays_total \
           thingchain_tx_per_second thingchain_mempool_txs \
           thingchain_mempool_bytes thingchain_peers thingchain_commit_latency_seconds_bucket \
           thingchain_commit_latency_seconds_count 'thingchain_api_requests_total{code="200"}'; do
    grep -qF "$m" "$tmp/m" || { echo "missing $m"; return 1; }
  done
}
check "/metrics: every metric named in docs/api.md" metrics_ok
check "/metrics counts the committed transactions" '[ "$(awk "/^thingchain_committed_txs_total/{print \$2}" "$tmp/m")" -ge 6 ]'
# blocks this node validated are committed from that run, not executed again
check "/metrics: blocks committed by replaying the validation run" '[ "$(awk "/^thingchain_block_replays_total/{print \$2}" "$tmp/m")" -ge 1 ]'

# ---- CLI ----
expect 0 "thingchain status" "$CLI" status --node "$U"
check "status table shows the chain id" 'grep -q "chain_id *thingchain-local" "$tmp/out"'
expect 0 "verified device query" "$CLI" query device "$DEV" --node "$U" $G --save "$tmp/bundle"
check "... prints verified at height H" 'grep -q "verified  at height" "$tmp/out"'
expect 0 "verified devices list (--json)" "$CLI" query devices --model m1 --node "$U" $G --json
check "... lists the device, verified" 'grep -q "44$DEV" "$tmp/out" && grep -q "1 records at height" "$tmp/out"'
expect 0 "verified services query" "$CLI" query services --type mqtt --node "$(url 2)" $G
expect 0 "verified anchor query" "$CLI" query anchor "$ROOT" --node "$U" $G
expect 0 "verified config query" "$CLI" query config "$DEV" --node "$U" $G
expect 0 "verified transaction (history bundle)" "$CLI" query tx "$T1" --node "$(url 3)" $G --json
check "... accepted, verified at a height" 'grep -q "\"result\":\"accepted\"" "$tmp/out" && grep -q "verified\":\"at height" "$tmp/out"'
check "GET /v1/tx/ID?format=bundle is CBOR" '[ "$(curl -s -o /dev/null -w "%{content_type}" "$U/v1/tx/$T1?format=bundle")" = application/cbor ]'
expect 1 "unknown device: absence verified, exit 1" "$CLI" query device 00000000000000000000000000000000 --node "$U" $G
check "... says so" 'grep -q "absence verified" "$tmp/err"'
expect 0 "the saved bundle verifies offline (--from)" "$CLI" query device "$DEV" --from "$tmp/bundle" $G
$PY -c 'import sys; b=bytearray(open(sys.argv[1],"rb").read()); b[40]^=1; open(sys.argv[2],"wb").write(b)' "$tmp/bundle" "$tmp/bad1"
$PY -c 'import sys; b=bytearray(open(sys.argv[1],"rb").read()); b[-3]^=1; open(sys.argv[2],"wb").write(b)' "$tmp/bundle" "$tmp/bad2"
expect 1 "a bundle with a flipped header byte is refused" "$CLI" query device "$DEV" --from "$tmp/bad1" $G
check "... with a LIGHT_ or signature error" 'grep -Eq "LIGHT_|BAD_SIGNATURE|BLOCK_FORMAT|CBOR_" "$tmp/err"'
expect 1 "a bundle with a flipped record byte is refused" "$CLI" query device "$DEV" --from "$tmp/bad2" $G
check "... with a proof error" 'grep -Eq "SMT_PROOF|LIGHT_" "$tmp/err"'
expect 1 "a bundle for another key is refused" "$CLI" query device 00000000000000000000000000000001 --from "$tmp/bundle" $G
check "... naming the key mix-up" 'grep -q "LIGHT_RECORD" "$tmp/err"'
expect 2 "query without --genesis is a usage error" "$CLI" query device "$DEV" --node "$U"
expect 0 "query --help" "$CLI" query --help
expect 0 "watch --help" "$CLI" watch --help
expect 0 "status --help" "$CLI" status --help
expect 0 "watch --count 2 prints two blocks" "$CLI" watch --node "$U" --count 2
check "... as block lines" '[ "$(grep -c "^block " "$tmp/out")" = 2 ]'

# ---- bad input changes nothing ----
root_before=$(curl -s "$U/v1/devices/$DEV" | jget value)
check "garbage POST /tx: 400 JSON" '[ "$(code --data-binary hello "$U/tx")" = 400 ] && grep -q "\"message\"" "$tmp/body"'
head -c 70000 /dev/zero >"$tmp/big"
check "oversized POST /tx: 413 JSON" '[ "$(code --data-binary @"$tmp/big" "$U/v1/tx")" = 413 ] && grep -q "\"code\"" "$tmp/body"'
check "bad device id: 400 API_PARAM" '[ "$(code "$U/v1/devices/zz")" = 400 ] && grep -q API_PARAM "$tmp/body"'
check "bad height: 400 API_PARAM" '[ "$(code "$U/v1/devices/$DEV?height=abc")" = 400 ] && grep -q API_PARAM "$tmp/body"'
check "future height: 404 API_HEIGHT" '[ "$(code "$U/v1/headers/99999999")" = 404 ] && grep -q API_HEIGHT "$tmp/body"'
check "bad limit: 400" '[ "$(code "$U/v1/devices?model=m1&limit=9999")" = 400 ]'
check "no filter: 400 naming the filters" '[ "$(code "$U/v1/devices")" = 400 ] && grep -q owner "$tmp/body"'
check "unknown endpoint: 404 JSON" '[ "$(code "$U/v1/nope")" = 404 ] && grep -q "\"code\"" "$tmp/body"'
h=$(height 0)
check "after bad input: node healthy, still committing, device record unchanged" \
  '[ "$(curl -s "$U/healthz")" = ok ] && wait_height 0 $((h + 2)) 10 && [ "$(curl -s "$U/v1/devices/$DEV" | jget value)" = "$root_before" ]'

# ---- rate limit (node 3 only; default 200/s, burst 400) ----
urls=(); for _ in $(seq 1 700); do urls+=("$(url 3)/healthz"); done
curl -s -o /dev/null -w "%{http_code}\n" "${urls[@]}" >"$tmp/codes"
check "rate limit: a burst beyond 400 gets 429" 'grep -q 429 "$tmp/codes" && grep -q 200 "$tmp/codes"'
check "429 carries a JSON API_RATE error" 'curl -s "${urls[@]:0:50}" | grep -q API_RATE'
sleep 1.2
check "the limit refills" '[ "$(curl -s "$(url 3)/healthz")" = ok ]'

# ---- events ----
wait "$SSE" 2>/dev/null
check "SSE: hello, block and tx events" 'grep -q "^event: hello" "$tmp/sse" && grep -q "^event: block" "$tmp/sse" && grep -q "^event: tx" "$tmp/sse"'
check "SSE: the tx event of the manufacture says accepted" 'grep -A1 "^event: tx" "$tmp/sse" | grep "$T1" | grep -q accepted'
"$CLI" watch --node "$(url 2)" --json >"$tmp/w" 2>/dev/null &
W=$!
sleep 1
kill -TERM "${PIDS[2]}"; wait "${PIDS[2]}"; rc=$?
check "SIGTERM with a watcher connected: exit 0, stopped cleanly" '[ $rc -eq 0 ] && grep -q "stopped cleanly" "$tmp/node2.log"'
wait "$W"; wrc=$?
check "the watcher saw blocks as JSON and ended when the node stopped" '[ $wrc -eq 0 ] && grep -q "\"event\":\"block\"" "$tmp/w"'

for i in 0 1 3; do kill -TERM "${PIDS[$i]}" 2>/dev/null; done
for i in 0 1 3; do wait "${PIDS[$i]}" 2>/dev/null; done
check "no sanitizer reports in any node log" '! grep -q "Sanitizer" "$tmp"/node*.log'
if [ "$fail" -ne 0 ]; then for i in 0 1 2 3; do echo "--- node$i"; grep -E "WARN|ERROR|Sanitizer" -A5 "$tmp/node$i.log" | tail -n 20; done; fi
finish
