#!/usr/bin/env bash
# Validator-set change on a live network (issue 6 item 1): 4 validators
# and a fifth node (net init's full-node slot, started in validator mode,
# its key not in the genesis set). gov.set_validators adds it from an
# effective height; from that height it votes (status "validator": true),
# and with one of the original four killed only its vote makes a quorum
# (3 x 10 = 30 of 50 is not > 2/3; 40 is), so the chain keeps committing.
# Then a second gov.set_validators keeps only nodes 0, 1 and 4: from its
# effective height + 1 the others close their links to node 2 (still
# running, not a configured full node), logging why, and the three keep
# committing on their own.
cd "$(dirname "$0")/../.."
. tests/sh/lib.sh
. tests/sh/node_net.sh

net_init 4 1 || { bad "net init"; finish; exit; }
for i in 0 1 2 3; do start $i; done
start 4 --mode validator
check "4 validators commit; the fifth node follows" 'wait_height 0 2 40 && wait_height 4 2 20'
check "the fifth node does not vote yet" '[ "$(field 4 validator)" = False ]'

pub() { "$CLI" keys show --json "$tmp/net/node$1/node.key" | $PY -c 'import json,sys; print(json.load(sys.stdin)["public_key"])'; }
eff=$(($(height 0) + 6))
args=()
for i in 0 1 2 3 4; do args+=(--validator "$(pub $i):10"); done
"$CLI" tx build gov.set_validators --height $eff "${args[@]}" --key "$tmp/net/gov/gov1.key" \
  --key "$tmp/net/gov/gov2.key" --nonce 1 --genesis "$tmp/net/genesis.cbor" -o "$tmp/vs.tx" >/dev/null
code=$(curl -s -o "$tmp/post" -w "%{http_code}" --data-binary @"$tmp/vs.tx" "http://$(api 1)/tx")
check "gov.set_validators (5 validators from height $eff) is accepted" '[ "$code" = 202 ]'
check "the network passes the effective height" 'wait_height 0 $((eff + 2)) 40'
check "from the effective height the fifth node votes" '[ "$(field 4 validator)" = True ]'
check "all five nodes agree on the state root" 'same_root 30 0 1 2 3 4'
grep -q "validator set changes at height $eff: 5 validators" "$tmp/node0.log" && ok || bad "node 0 logs the change at $eff"

kill9 3
h=$(height 0)
check "one original validator down: the new validator's vote keeps the chain committing" 'wait_height 0 $((h + 4)) 40'
check "the four running validators agree" 'same_root 30 0 1 2 4'

# ---- removing a validator closes its links ----
peers() { field "$1" peers; }
wait_peers() { # node, count, seconds
  local end=$((SECONDS + $3))
  while [ $SECONDS -lt $end ]; do [ "$(peers "$1")" = "$2" ] && return 0; sleep 0.3; done
  return 1
}
check "before the removal node 0 links with nodes 1, 2 and 4" 'wait_peers 0 3 20'
eff2=$(($(height 0) + 6))
args=()
for i in 0 1 4; do args+=(--validator "$(pub $i):10"); done
"$CLI" tx build gov.set_validators --height $eff2 "${args[@]}" --key "$tmp/net/gov/gov1.key" \
  --key "$tmp/net/gov/gov2.key" --nonce 2 --genesis "$tmp/net/genesis.cbor" -o "$tmp/vs2.tx" >/dev/null
code=$(curl -s -o "$tmp/post" -w "%{http_code}" --data-binary @"$tmp/vs2.tx" "http://$(api 1)/tx")
check "gov.set_validators (nodes 0, 1, 4 from height $eff2) is accepted" '[ "$code" = 202 ]'
check "the network passes the effective height + 1" 'wait_height 0 $((eff2 + 2)) 40'
for i in 0 1 4; do
  check "node $i closes its link to the removed node 2 (peers 2)" 'wait_peers $i 2 20'
done
P2=$(pub 2)
for i in 0 1 4; do
  check "node $i logs the closing, naming node 2's key and why" \
    'grep -q "closing the link to node $P2: removed from the validator set" "$tmp/node$i.log"'
done
check "node 2's redials are refused: it is left with no link" 'wait_peers 2 0 20'
check "node 2 no longer votes" '[ "$(field 2 validator)" = False ]'
h=$(height 0)
check "the three remaining validators keep committing" 'wait_height 0 $((h + 4)) 40'
check "... and agree on the state root" 'same_root 30 0 1 4'
check "no link to a kept validator was closed as removed" \
  '! grep -h "closing the link to node" "$tmp"/node[014].log | grep -v "$P2" | grep -q .'

for i in 0 1 2 4; do kill -TERM "${PIDS[$i]}" 2>/dev/null; done
for i in 0 1 2 4; do wait "${PIDS[$i]}" 2>/dev/null; done
check "no sanitizer reports" 'no_sanitizer'
show_logs
finish
