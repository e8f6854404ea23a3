#!/usr/bin/env bash
# `make run`: a local 4-validator network on loopback (issue 6 item 4;
# docs/node.md, "make run"). Creates ./net with `thingchain net init` the
# first time and reuses it afterwards; starts the 4 validators (logs in
# net/nodeI/node.log, pids in net/nodeI/pid), prints each API address,
# submits a first transaction and waits until it is committed, then stays
# in the foreground until Ctrl-C, which stops every node cleanly (SIGTERM).
# `make stop` (scripts/run.sh stop) stops nodes started by an earlier run.
set -uo pipefail
cd "$(dirname "$0")/.."
NET=${TC_NET_DIR:-net}
BIN=${TC_REL:-build/rel}
N=4
PY=/usr/bin/python3

stop_nodes() {
  local any=0
  for i in $(seq 0 $((N - 1))); do
    f="$NET/node$i/pid"
    [ -f "$f" ] || continue
    p=$(cat "$f")
    if kill -0 "$p" 2>/dev/null && grep -q thingchaind "/proc/$p/cmdline" 2>/dev/null; then
      kill -TERM "$p" && any=1
      for _ in $(seq 1 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
      kill -0 "$p" 2>/dev/null && { echo "run: node$i (pid $p) did not stop; killing it"; kill -9 "$p"; }
    fi
    rm -f "$f"
  done
  [ $any -eq 1 ] && echo "run: every node stopped"
  return 0
}

if [ "${1:-}" = stop ]; then
  stop_nodes
  exit 0
fi

if [ ! -f "$NET/genesis.cbor" ]; then
  echo "run: creating a $N-validator network in $NET/"
  "$BIN/thingchain" net init --validators $N --dir "$NET" >/dev/null || { echo "run: net init failed"; exit 1; }
else
  echo "run: reusing the network in $NET/ (delete it for a fresh one)"
fi
stop_nodes >/dev/null

for i in $(seq 0 $((N - 1))); do
  "$BIN/thingchaind" --config "$NET/node$i/node.conf" 2>>"$NET/node$i/node.log" &
  echo $! >"$NET/node$i/pid"
done
trap 'echo; echo "run: stopping"; stop_nodes; exit 0' INT TERM

apis=()
for i in $(seq 0 $((N - 1))); do
  a=$(sed -n 's/^ *api_listen *= *//p' "$NET/node$i/node.conf")
  apis+=("$a")
  echo "node$i  API http://$a   log $NET/node$i/node.log"
done

# Wait for the first block, then submit a transaction (governance registers
# an organization; the nonce is kept in $NET/run.nonce across runs).
up=0
for _ in $(seq 1 100); do
  h=$(curl -s --max-time 1 "http://${apis[0]}/status" | $PY -c 'import json,sys; print(json.load(sys.stdin)["height"])' 2>/dev/null || echo 0)
  [ "${h:-0}" -ge 1 ] && { up=1; break; }
  sleep 0.2
done
if [ $up -ne 1 ]; then echo "run: the network did not commit a block; see the logs"; stop_nodes; exit 1; fi
nonce=$(cat "$NET/run.nonce" 2>/dev/null || echo 1)
txid=
for _ in $(seq 1 200); do
  org=$((1000 + nonce))
  "$BIN/thingchain" tx build gov.register_org --id $org --name "org-$org" --roles operator --threshold 1 \
    --pub-key "$NET/gov/gov1.key" --key "$NET/gov/gov1.key" --key "$NET/gov/gov2.key" --nonce "$nonce" \
    --genesis "$NET/genesis.cbor" -o "$NET/run.tx" >/dev/null || { echo "run: tx build failed"; break; }
  resp=$(curl -s --max-time 5 --data-binary @"$NET/run.tx" "http://${apis[1]}/tx")
  if echo "$resp" | grep -q '"pending"\|"duplicate"'; then
    txid=$($PY -c 'import json,sys; print(json.loads(sys.argv[1])["tx"])' "$resp"); break
  fi
  echo "$resp" | grep -q LEDGER_NONCE || { echo "run: transaction refused: $resp"; break; }
  nonce=$((nonce + 1)) # an earlier run used this nonce
done
echo $((nonce + 1)) >"$NET/run.nonce"
if [ -n "$txid" ]; then
  echo "run: submitted transaction $txid (gov.register_org, nonce $nonce) through node1"
  for _ in $(seq 1 100); do
    r=$(curl -s --max-time 1 "http://${apis[3]}/tx/$txid")
    if echo "$r" | grep -q '"height"'; then echo "run: committed: $r"; break; fi
    sleep 0.2
  done
fi
echo "run: the network is running; Ctrl-C (or make stop) stops every node"
while :; do
  alive=0
  for i in $(seq 0 $((N - 1))); do kill -0 "$(cat "$NET/node$i/pid" 2>/dev/null)" 2>/dev/null && alive=$((alive + 1)); done
  [ $alive -eq 0 ] && { echo "run: every node has stopped (make stop?)"; exit 0; }
  sleep 1 & wait $!
done
