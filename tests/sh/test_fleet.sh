#!/usr/bin/env bash
# `thingchain fleet` (issue 7 item 6; docs/fleet.md) against a real
# 4-validator network on 127.0.0.1: 50 devices through every step, the
# --json table parsed and each step's counts asserted; a lying node (a
# proxy that flips a bit in device-record bundles) refused by the devices
# it serves; a rerun of a seed refused by the ledger; usage errors.
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
stop_all() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; rm -rf "$tmp"; }
trap stop_all EXIT

BASE=$((30000 + (RANDOM % 900) * 2))
N=$tmp/net
"$CLI" net init --validators 4 --dir "$N" --base-port $BASE >/dev/null || { echo "net init failed"; echo "0 passed, 1 failed"; exit 1; }
url() { echo "http://127.0.0.1:$((BASE + 2 * $1 + 1))"; }
for i in 0 1 2 3; do
  # One client (the fleet) speaks for many devices: lift the per-IP rate limit.
  printf 'api_rate = 20000\napi_burst = 40000\n' >>"$N/node$i/node.conf"
  "$D" --config "$N/node$i/node.conf" --block-interval-ms 300 2>>"$tmp/node$i.log" &
  PIDS+=($!)
done
NODES="$(url 0),$(url 1),$(url 2),$(url 3)"
up=0
for _ in $(seq 1 100); do
  h=$(curl -s --max-time 1 "$(url 3)/status" | $PY -c 'import json,sys; print(json.load(sys.stdin)["height"])' 2>/dev/null || echo 0)
  [ "${h:-0}" -ge 2 ] && { up=1; break; }
  sleep 0.3
done
check "network commits blocks" '[ $up -eq 1 ]'

# Usage.
expect 0 "fleet --help" "$CLI" fleet --help
expect 2 "fleet without --devices" "$CLI" fleet --node "$NODES" --net "$N"
expect 2 "fleet with an unknown step" "$CLI" fleet --devices 5 --node "$NODES" --net "$N" --steps boot,fly
expect 2 "channel needs discover" "$CLI" fleet --devices 5 --node "$NODES" --net "$N" --steps manufacture,claim,boot,channel
expect 2 "node must be a URL" "$CLI" fleet --devices 5 --node 127.0.0.1:1 --net "$N"

# 50 devices, every step.
"$CLI" fleet --devices 50 --node "$NODES" --net "$N" --seed 11 --json >"$tmp/fleet.json" 2>"$tmp/fleet.err"
rc=$?
check "50-device fleet exits 0 (rc $rc: $(tail -c 300 "$tmp/fleet.err"))" '[ $rc -eq 0 ]'
cat >"$tmp/check.py" <<'PYEOF'
import json, sys
r = json.load(open(sys.argv[1]))
s = {x["step"]: x for x in r["steps"]}
errs = []
want = ["manufacture", "claim", "boot", "discover", "channel", "messages", "anchor", "config", "firmware", "attacks"]
if list(s) != want: errs.append("steps %s" % list(s))
for n in want:
    x = s.get(n, {})
    if x.get("failed") != 0: errs.append("%s failed %s: %s" % (n, x.get("failed"), x.get("first_error")))
    d = 20 if n == "attacks" else 50
    if x.get("devices") != d: errs.append("%s devices %s, wanted %d" % (n, x.get("devices"), d))
    if not (0 <= x.get("p50_ms", -1) <= x.get("p99_ms", -1)): errs.append("%s latencies %s" % (n, x))
for n, k in (("manufacture", 50), ("claim", 50), ("boot", 50), ("discover", 50), ("config", 50), ("firmware", 50),
             ("channel", 45), ("anchor", 50), ("messages", 45 * 3 + 45)):
    if s[n]["ok"] != k: errs.append("%s ok %s, wanted %d" % (n, s[n]["ok"], k))
if s["messages"]["refused"] != 45: errs.append("replays refused %s, wanted 45" % s["messages"]["refused"])
if s["attacks"]["refused"] != 60: errs.append("attacks refused %s, wanted 60" % s["attacks"]["refused"])
# The first device of each of the 3 waves: a tampered chunk and a rollback refused.
if s["firmware"]["refused"] != 6: errs.append("firmware refusals %s, wanted 6" % s["firmware"]["refused"])
if r["anchor"]["messages"] != 180 or r["anchor"]["anchors"] != 1 or len(r["anchor"]["root"]) != 64: errs.append("anchor %s" % r["anchor"])
if r["ok"] is not True or r["devices"] != 50: errs.append("ok/devices %s %s" % (r["ok"], r["devices"]))
print("\n".join(errs), file=sys.stderr)
sys.exit(1 if errs else 0)
PYEOF
expect 0 "fleet --json: every step's counts" $PY "$tmp/check.py" "$tmp/fleet.json"

# The anchor the fleet reported is on chain, proven to the CLI's light client.
ROOT=$($PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["anchor"]["root"])' "$tmp/fleet.json" 2>/dev/null)
expect 0 "anchor record proven by thingchain query" "$CLI" query anchor "$ROOT" --node "$(url 2)" --genesis "$N/genesis.cbor"

# The rollout the fleet reported, as the node counts it from the devices' fw.report records:
# every wave started, 1 + 5 + 44 devices installed, none failed.
RO=$($PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["firmware"]["rollout"])' "$tmp/fleet.json" 2>/dev/null)
curl -s --max-time 5 "$(url 3)/v1/rollouts/1/$RO/status" >"$tmp/ro.json"
check "rollout status: waves 1/5/44 installed, all started ($(head -c 300 "$tmp/ro.json"))" \
  '$PY -c "import json,sys; w=json.load(open(sys.argv[1]))[\"waves\"]; sys.exit(not ([x[\"installed\"] for x in w]==[1,5,44] and all(x[\"started\"] and x[\"failed\"]==0 for x in w)))" "$tmp/ro.json"'

# The same seed again: the ledger never records a device key twice.
"$CLI" fleet --devices 50 --node "$NODES" --net "$N" --seed 11 --steps manufacture --json >"$tmp/again.json" 2>/dev/null
rc=$?
check "rerun of a seed: exit 1" '[ $rc -eq 1 ]'
check "rerun of a seed: manufacture refused for all 50" \
  '$PY -c "import json,sys; s=json.load(open(sys.argv[1]))[\"steps\"][0]; sys.exit(not (s[\"failed\"]==50 and \"LEDGER\" in s.get(\"first_error\",\"\")))" "$tmp/again.json"'

# A lying node: a proxy in front of node 0 that flips a bit in device bundles.
LP=$((BASE + 40))
$PY tests/sh/fleet_liar.py $LP "$(url 0)" 2>"$tmp/liar.log" &
PIDS+=($!)
for _ in $(seq 1 50); do curl -s --max-time 1 "http://127.0.0.1:$LP/healthz" >/dev/null && break; sleep 0.1; done
"$CLI" fleet --devices 20 --node "http://127.0.0.1:$LP,$(url 1)" --net "$N" --seed 12 \
  --steps manufacture,claim,boot --json >"$tmp/liar.json" 2>/dev/null
rc=$?
check "fleet behind a lying node: exit 1" '[ $rc -eq 1 ]'
cat >"$tmp/liar.py" <<'PYEOF'
import json, sys
s = {x["step"]: x for x in json.load(open(sys.argv[1]))["steps"]}
b = s["boot"]
ok = (s["manufacture"]["devices"] == 20 and s["claim"]["devices"] == 20 and b["devices"] == 10
      and b["failed"] == 10 and b["first_error"].split(":")[0] in ("SMT_PROOF", "DEV_RECORD", "CBOR_TRAILING")
      and "enrollment not proven" in b["first_error"])
print(b, file=sys.stderr)
sys.exit(0 if ok else 1)
PYEOF
expect 0 "the 10 devices behind the liar refuse their bundles, the 10 others boot" $PY "$tmp/liar.py" "$tmp/liar.json"

finish
