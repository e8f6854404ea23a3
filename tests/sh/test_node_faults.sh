#!/usr/bin/env bash
# Crashes under load, real processes on loopback (issue 6 item 7): kill -9
# of one of 4 validators while a load runs — the rest keep committing;
# restarted, it catches up to the same height and state root. With 2 of 4
# killed the network stops committing (no quorum: safe) and resumes when
# one returns. SIGTERM loses nothing committed (same height and root after
# restart).
cd "$(dirname "$0")/../.."
. tests/sh/lib.sh
. tests/sh/node_net.sh
LOADCLI=${TC_REL:-build/rel}/thingchain
[ -x "$LOADCLI" ] || LOADCLI=$CLI

net_init 4 0 || { bad "net init"; finish; exit; }
for i in 0 1 2 3; do start $i; done
check "4 validators commit" 'wait_height 0 2 40 && wait_height 3 2 20'

# Background load through nodes 0 and 1 (they stay up), paced.
"$LOADCLI" debug load --net "$tmp/net" --node "$(urls 0 1)" --txs 600 --rate 40 --signers 8 --threads 4 \
  --timeout 60 --json >"$tmp/load.json" 2>&1 &
LOADPID=$!
sleep 4
kill9 3
h=$(height 0)
check "kill -9 of one validator under load: the others keep committing" 'wait_height 0 $((h + 5)) 60'
start 3
check "the restarted validator catches up to the same height and state root" 'same_root 60 0 1 2 3'
wait $LOADPID
check "every transaction of the load committed despite the crash" \
  '$PY -c "import json,sys; d=json.load(open(\"$tmp/load.json\")); sys.exit(d[\"committed\"] != 600)"'

# Two of four down: no 2f+1, so no block may be committed.
kill9 2; kill9 3
sleep 2
h=$(height 0)
sleep 4
check "with 2 of 4 validators down the height stays put (no quorum)" '[ "$(height 0)" = "$h" ] && [ "$(height 1)" -le "$h" ]'
start 2
check "one validator back: the network commits again" 'wait_height 0 $((h + 3)) 60'
check "the returned validator has the same state root" 'same_root 30 0 1 2'

# SIGTERM: exit 0, and the restart opens the store at the last height
# the node logged as committed (nothing committed is lost).
kill -TERM "${PIDS[1]}"; wait "${PIDS[1]}"; rc=$?
check "SIGTERM: exit status 0" '[ $rc -eq 0 ]'
check "SIGTERM: the log says it stopped cleanly" 'tail -n 5 "$tmp/node1.log" | grep -q "stopped cleanly"'
last=$(grep -o "committed height [0-9]*" "$tmp/node1.log" | tail -n 1 | grep -o "[0-9]*$")
start 1
sleep 2
b=$(grep -o "store at height [0-9]*" "$tmp/node1.log" | tail -n 1 | grep -o "[0-9]*$")
check "after SIGTERM the store reopens at the last committed height ($last = $b)" '[ -n "$last" ] && [ "$last" = "$b" ]'
check "node 1 rejoins: same height and state root as the others" 'same_root 40 0 1 2'

for i in 0 1 2 3; do [ -n "${PIDS[$i]}" ] && kill -TERM "${PIDS[$i]}" 2>/dev/null; done
for i in 0 1 2 3; do [ -n "${PIDS[$i]}" ] && wait "${PIDS[$i]}" 2>/dev/null; done
check "no sanitizer reports" 'no_sanitizer'
show_logs
finish
