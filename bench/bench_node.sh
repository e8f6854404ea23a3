#!/usr/bin/env bash
# Node bench (issue 6 item 8; docs/node.md, "Bench"): committed tx/s at
# saturation and commit latency p50/p99 at half that rate, for 1 and for 4
# validators on this machine (real processes on loopback, release build),
# and in the same run the raw Ed25519 verify rate on all cores. Prints the
# ratio tx/s / (verifies/s / validators); target >= 0.7, p99 <= 1 s at half
# load. TC_BENCH_TXS sets the transactions per run (default 4000).
set -u
cd "$(dirname "$0")/.."
B=${TC_REL:-build/rel}
TXS=${TC_BENCH_TXS:-4000}
PY=/usr/bin/python3
T=$(mktemp -d)
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null; done; wait 2>/dev/null; rm -rf "$T"' EXIT

vps=$("$B/bench/bench_verify" | tee /dev/stderr | sed -n 's/^verifies_per_s_all //p')
get() { $PY -c "import json,sys; print(json.load(open('$1'))['$2'])"; }

# Ports below the kernel's ephemeral range (32768-60999 on Debian): a
# listen port in it can be taken first by an outgoing connection of the
# nodes or the load generator ("address already in use").
run_net() { # validators
  local v=$1 base=$((21000 + (RANDOM % 250) * 20)) urls="" i
  rm -rf "$T/net"; PIDS=()
  "$B/thingchain" net init --validators "$v" --dir "$T/net" --base-port $base >/dev/null || exit 1
  for i in $(seq 0 $((v - 1))); do
    "$B/thingchaind" --config "$T/net/node$i/node.conf" --block-interval-ms 200 --log-level warn \
      --api-rate 1000000 --api-burst 1000000 2>>"$T/node$i.log" &
    PIDS+=($!)
    urls="$urls${urls:+,}http://127.0.0.1:$((base + 2 * i + 1))"
  done
  for _ in $(seq 1 100); do curl -s --max-time 1 "http://127.0.0.1:$((base + 1))/status" | grep -q '"height":[1-9]' && break; sleep 0.2; done
  # Saturation: as fast as the nodes answer.
  "$B/thingchain" debug load --net "$T/net" --node "$urls" --txs "$TXS" --signers 128 --threads 32 --seed 1 \
    --org-base 1000 --timeout 120 --json >"$T/sat.json" || echo "saturation run: not every transaction committed"
  local tps half
  tps=$(get "$T/sat.json" tx_per_s)
  half=$($PY -c "print(max(1, int($tps / 2)))")
  # Half load: latency (fresh signers: another org range and seed).
  "$B/thingchain" debug load --net "$T/net" --node "$urls" --txs $((TXS / 2)) --rate "$half" --signers 128 \
    --threads 32 --seed 2 --org-base 5000 --timeout 120 --json >"$T/half.json" || echo "half-load run: not every transaction committed"
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null; done
  wait 2>/dev/null
  PIDS=()
  $PY - "$v" "$vps" "$T/sat.json" "$T/half.json" <<'PYEOF'
import json, sys
v, vps = int(sys.argv[1]), float(sys.argv[2])
s, h = json.load(open(sys.argv[3])), json.load(open(sys.argv[4]))
ref = vps / v
ratio = s["tx_per_s"] / ref
print("%d validator(s): saturation %.0f tx/s (%d/%d committed)  reference verifies/s / validators = %.0f  ratio %.3f (target >= 0.7)"
      % (v, s["tx_per_s"], s["committed"], s["submitted"], ref, ratio))
print("%d validator(s): at half load (%.0f tx/s offered) p50 %d ms, p99 %d ms (target p99 <= 1000 ms), committed %.0f tx/s"
      % (v, s["tx_per_s"] / 2, h["p50_ms"], h["p99_ms"], h["tx_per_s"]))
PYEOF
}
run_net 1
run_net 4
