#!/usr/bin/env bash
# Fleet firmware rollout bench (issue 8 item 7; docs/fleet.md, "Bench"): the
# time to take TC_BENCH_DEVICES (default 1,000) simulated SDK devices through
# a full firmware rollout in three waves on a fresh local 4-validator network
# (release build, real processes on loopback): release 2-of-2, image upload
# to every node, rollout, per device three proof bundles + every chunk
# streamed through the updater + an fw.report committed, operator advancing
# the waves. Reference measured in the same run: raw Ed25519 verifies/s on
# all cores (bench_verify). Prints installs/s and the rollout's cost per
# device in Ed25519-verify equivalents (rollout seconds x verifies/s / devices).
set -u
cd "$(dirname "$0")/.."
B=${TC_REL:-build/rel}
DEV=${TC_BENCH_DEVICES:-1000}
PY=/usr/bin/python3
DIR=build/bench-fleet
trap 'bash scripts/localnet.sh stop "$DIR"' EXIT INT TERM

vps=$("$B/bench/bench_verify" | sed -n 's/^verifies_per_s_all //p')
NODES=$(TC_REL=$B bash scripts/localnet.sh start "$DIR" $((31000 + (RANDOM % 70) * 10)) 4 | tail -1)
case "$NODES" in http://*) ;; *) echo "bench_fleet: the network did not start"; exit 1 ;; esac
"$B/thingchain" fleet --devices "$DEV" --node "$NODES" --net "$DIR" --seed 1 --quiet --json \
  --steps manufacture,claim,boot,firmware >"$DIR/fleet.json"
rc=$?
$PY - "$DIR/fleet.json" "$vps" "$DEV" "$rc" <<'PY'
import json, sys
r = json.load(open(sys.argv[1])); vps = float(sys.argv[2]); n = int(sys.argv[3])
s = {x["step"]: x for x in r["steps"]}
fw = s["firmware"]
secs = fw["seconds"]
print("devices                     %d (4 validators, loopback)" % n)
print("firmware rollout            %.2f s for %d installs in 3 waves (failed %d)" % (secs, fw["devices"], fw["failed"]))
print("per-device latency          p50 %.0f ms, p99 %.0f ms (offer to committed fw.report)" % (fw["p50_ms"], fw["p99_ms"]))
print("installs per second         %.1f" % (fw["devices"] / secs if secs else 0))
print("reference: ed25519 verify   %.0f /s (all cores, same run)" % vps)
print("ratio installs/s / verify/s %.5f" % ((fw["devices"] / secs) / vps if secs else 0))
print("cost per device             %.0f Ed25519-verify equivalents of wall time" % (secs * vps / n))
print("enrollment (boot) for comparison: %.2f s for %d devices" % (s["boot"]["seconds"], s["boot"]["devices"]))
sys.exit(0 if fw["failed"] == 0 and fw["devices"] == n and int(sys.argv[4]) == 0 else 1)
PY
