#!/usr/bin/env bash
# `make demo`: the whole thingchain story on a fresh local 4-validator network
# (build/demo), in plain words for a newcomer (docs/fleet.md, "make demo").
# The nodes are stopped at the end, also on Ctrl-C or a failure.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=${TC_REL:-build/rel}
DIR=build/demo
DEVICES=${DEMO_DEVICES:-1000}
BASE=${DEMO_PORT:-27700}
t0=$SECONDS

finish() { trap - EXIT INT TERM; echo; echo "demo: stopping the nodes"; bash scripts/localnet.sh stop "$DIR"; }
trap 'finish; exit 130' INT TERM
trap finish EXIT

cat <<TXT
thingchain demo
===============
thingchain is a permissioned blockchain that secures fleets of IoT devices. Four validators
agree on one ledger (BFT consensus: any one of them may lie or crash and the others carry on).
Devices are not nodes: they talk to nodes, and check every answer themselves with a proof,
so no node, gateway or mirror can fool them.

Starting 4 validators on this machine (127.0.0.1, directory $DIR) ...
TXT
NODES=$(bash scripts/localnet.sh start "$DIR" "$BASE" 4 | tail -1) || { echo "demo: the network did not start"; exit 1; }
case "$NODES" in http://*) ;; *) echo "demo: the network did not start"; exit 1 ;; esac
echo "validators up: $NODES"
echo
echo "Now $DEVICES simulated devices, each running the real device SDK (the C library a device"
echo "would run), go through their life against these nodes. Progress is shown below each step."

"$BIN/thingchain" fleet --devices "$DEVICES" --node "$NODES" --net "$DIR" --seed 1 --story
rc=$?

cat <<TXT

What the table says: "devices" is how many devices completed the step, "ok" the operations
that succeeded, "failed" those that did not (0 everywhere means the whole story worked),
"refused" the attacks and replays that were correctly turned down, and p50/p99 the typical
and worst-but-1% time per device for the step (for transactions: until the network
committed them).
TXT
if [ $rc -eq 0 ]; then
  cat <<TXT

In short: a vendor manufactured $DEVICES devices, an operator claimed them into three waves,
every device proved its own enrollment from the ledger, found a service, opened an encrypted
channel with keys it proved, sent signed messages that the network anchored, took a signed
config update and reported it, and installed a firmware release rolled out wave by wave
(each chunk checked on arrival); tampered, stale and rolled-back answers were refused.
TXT
else
  echo
  echo "Some steps failed: the table's first failure of each step says what and why."
fi
echo
echo "demo: $((SECONDS - t0)) s in all; $( [ $rc -eq 0 ] && echo 'every step ok' || echo 'SOME STEPS FAILED (see the table)')"
exit $rc
