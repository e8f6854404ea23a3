#!/usr/bin/env bash
# thingchaind on loopback with real processes (issue 6 items 1 and 5):
# a 4-validator network commits blocks and a submitted transaction; kill -9
# of one validator and the others keep committing; restarted, it catches up
# to the same height and block id; SIGTERM stops a node cleanly and loses
# nothing committed. Bounded: every wait has a deadline; every process is
# killed on exit.
set -u
cd "$(dirname "$0")/../.."
BUILD=${TC_BUILD:-build/asan}
D=$BUILD/thingchaind
CLI=${THINGCHAIN:-$BUILD/thingchain}
PY=/usr/bin/python3
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; }
check() { if eval "$2"; then ok "$1"; else bad "$1"; fi; }

T=$(mktemp -d)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null; done
  wait 2>/dev/null
  rm -rf "$T"
}
trap cleanup EXIT

BASE=$((26000 + (RANDOM % 900) * 2))
"$CLI" net init --validators 4 --dir "$T/net" --base-port $BASE >/dev/null || { echo "net init failed"; echo "0 passed, 1 failed"; exit 1; }
api() { echo "127.0.0.1:$((BASE + 2 * $1 + 1))"; }
start() { # node index
  "$D" --config "$T/net/node$1/node.conf" --block-interval-ms 300 2>>"$T/node$1.log" &
  PIDS[$1]=$!
}
status() { curl -s --max-time 2 "http://$(api "$1")/status"; }
height() { status "$1" | $PY -c 'import json,sys; print(json.load(sys.stdin)["height"])' 2>/dev/null || echo -1; }
field() { status "$1" | $PY -c "import json,sys; print(json.load(sys.stdin)['$2'])" 2>/dev/null; }
wait_height() { # node, height, seconds
  local end=$((SECONDS + $3))
  while [ $SECONDS -lt $end ]; do [ "$(height "$1")" -ge "$2" ] && return 0; sleep 0.3; done
  return 1
}

for i in 0 1 2 3; do start $i; done
check "4 validators commit blocks (height >= 3 on every node)" \
  'wait_height 0 3 40 && wait_height 1 3 5 && wait_height 2 3 5 && wait_height 3 3 5'
check "healthz answers" '[ "$(curl -s --max-time 2 http://$(api 1)/healthz)" = ok ]'
# Every node lists every other, so each pair dials twice: exactly one link
# per pair must stay (the smaller key's outbound one, docs/node.md).
sleep 1
check "exactly one link per pair of nodes (3 peers on each of 4 nodes)" \
  '[ "$(field 0 peers)" = 3 ] && [ "$(field 1 peers)" = 3 ] && [ "$(field 2 peers)" = 3 ] && [ "$(field 3 peers)" = 3 ]'

# gov.register_org signed by 2 governance keys (thingchain tx build).
mktx() { # nonce org out
  "$CLI" tx build gov.register_org --id "$2" --name "org-$2" --roles operator --threshold 1 \
    --pub-key "$T/net/gov/gov1.key" --key "$T/net/gov/gov1.key" --key "$T/net/gov/gov2.key" \
    --nonce "$1" --genesis "$T/net/genesis.cbor" -o "$3" >/dev/null
}
mktx 1 100 "$T/tx1"
resp=$(curl -s --max-time 5 --data-binary @"$T/tx1" "http://$(api 1)/tx")
txid=$($PY -c 'import json,sys; print(json.loads(sys.argv[1])["tx"])' "$resp" 2>/dev/null)
check "POST /tx accepts a signed transaction" '[ -n "$txid" ]'
check "the same transaction again is not admitted twice (pending duplicate or spent nonce)" \
  'curl -s --max-time 5 --data-binary @"$T/tx1" "http://$(api 1)/tx" | grep -Eq "duplicate|LEDGER_NONCE"'
committed() { curl -s --max-time 2 "http://$(api "$1")/tx/$txid" | grep -q '"code":0'; }
wait_tx() { local end=$((SECONDS + 20)); while [ $SECONDS -lt $end ]; do committed "$1" && return 0; sleep 0.3; done; return 1; }
check "the transaction is committed and visible on another node" 'wait_tx 3'
check "a replay (same nonce, new org) is refused with 400" \
  'mktx 1 101 "$T/tx1b"; [ "$(curl -s -o /dev/null -w "%{http_code}" --data-binary @"$T/tx1b" "http://$(api 0)/tx")" = 400 ]'
check "garbage is refused with 400 and a JSON message" \
  '[ "$(curl -s -o "$T/out" -w "%{http_code}" --data-binary "hello" "http://$(api 0)/tx")" = 400 ] && grep -q message "$T/out"'

kill -9 "${PIDS[2]}"; wait "${PIDS[2]}" 2>/dev/null
h=$(height 0)
check "kill -9 of one validator: the others keep committing" 'wait_height 0 $((h + 3)) 40'

start 2
check "the restarted validator catches up" 'wait_height 2 $(($(height 0) )) 40'
# Same height and block id: compare when both report the same height.
same=1
for _ in $(seq 1 30); do
  a=$(status 0); b=$(status 2)
  ha=$(echo "$a" | $PY -c 'import json,sys; d=json.load(sys.stdin); print(d["height"], d["block_id"])' 2>/dev/null)
  hb=$(echo "$b" | $PY -c 'import json,sys; d=json.load(sys.stdin); print(d["height"], d["block_id"])' 2>/dev/null)
  [ -n "$ha" ] && [ "$ha" = "$hb" ] && { same=0; break; }
  sleep 0.2
done
check "restarted validator reports the same height and block id as the others" '[ $same -eq 0 ]'
check "restarted validator sees the committed transaction" 'committed 2'

# SIGTERM: clean exit 0, nothing committed lost.
h1=$(height 1)
kill -TERM "${PIDS[1]}"
wait "${PIDS[1]}"; rc=$?
check "SIGTERM: exit status 0" '[ $rc -eq 0 ]'
check "SIGTERM: the log says it stopped cleanly" 'grep -q "stopped cleanly" "$T/node1.log"'
start 1
check "after SIGTERM and restart the height did not go back" 'wait_height 1 $h1 20'
check "after SIGTERM and restart the transaction is still committed" 'committed 1'

for i in 0 1 2 3; do kill -TERM "${PIDS[$i]}" 2>/dev/null; done
for i in 0 1 2 3; do wait "${PIDS[$i]}" 2>/dev/null; done
check "no sanitizer reports in any node log" '! grep -q "Sanitizer" "$T"/node*.log'
if [ $fail -ne 0 ]; then for i in 0 1 2 3; do echo "--- node$i"; grep -E "WARN|ERROR|Sanitizer" "$T/node$i.log" | tail -n 15; done; fi
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
