#!/usr/bin/env bash
# `thingchain debug noise-vectors` against the snow vectors (mcginty/snow):
# no vector may fail, and every pattern the SDK claims (at least KK, IK, XX,
# and the whole table of include/tcdev/noise.h) must have a passing vector.
# Also checks the CLI contract: the summary line, exit codes, --help.
set -u
cd "$(dirname "$0")/../.."
TC=${THINGCHAIN:-build/asan/thingchain}
V=${TC_VECTORS:-tests/vectors}/noise/snow.txt
. tests/sh/lib.sh
out=$(mktemp -d); trap 'rm -rf "$out"' EXIT

"$TC" debug noise-vectors "$V" >"$out/log" 2>&1; rc=$?
summary=$(tail -n 1 "$out/log")
echo "vectors: $summary"
if [ $rc -eq 0 ]; then ok; else bad "exit $rc"; grep FAIL "$out/log" | head; fi
if [[ "$summary" =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed,\ ([0-9]+)\ skipped$ ]]; then
  ok
  [ "${BASH_REMATCH[2]}" -eq 0 ] && ok || bad "${BASH_REMATCH[2]} vectors failed"
  total=$((BASH_REMATCH[1] + BASH_REMATCH[2] + BASH_REMATCH[3]))
  n=$(/usr/bin/python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["vectors"]))' "$V")
  [ "$total" -eq "$n" ] && ok || bad "summary counts $total vectors, file has $n"
else
  bad "summary line malformed: $summary"
fi

# every supported pattern has a passing vector with our suite
for p in N K X NN NK NX XN XK XX KN KK KX IN IK IX NK1 NX1 X1N X1K XK1 X1K1 X1X XX1 X1X1 \
         K1N K1K KK1 K1K1 K1X KX1 K1X1 I1N I1K IK1 I1K1 I1X IX1 I1X1; do
  c=$(grep -c "^ok   Noise_${p}_25519_ChaChaPoly_SHA256\$" "$out/log")
  [ "$c" -ge 1 ] && ok || bad "no passing vector for pattern $p"
done
# unsupported suites and psk are skipped, not passed
c=$(grep -E '^ok ' "$out/log" | grep -cvE '_25519_ChaChaPoly_SHA256$')
[ "$c" -eq 0 ] && ok || bad "$c vectors of other suites reported as passed"
grep -q '^skip Noise_XXpsk0+psk1_25519_ChaChaPoly_SHA256$' "$out/log" && ok || bad "psk vector not skipped"

# a corrupted vector must fail (exit 1): flip one ciphertext digit of the KK vector
/usr/bin/python3 - "$V" "$out/bad.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
v = [x for x in d["vectors"] if x["protocol_name"] == "Noise_KK_25519_ChaChaPoly_SHA256"]
c = v[0]["messages"][1]["ciphertext"]
v[0]["messages"][1]["ciphertext"] = ("1" if c[0] == "0" else "0") + c[1:]
json.dump({"vectors": v}, open(sys.argv[2], "w"))
PY
"$TC" debug noise-vectors "$out/bad.json" >"$out/bad.log" 2>&1; rc=$?
[ $rc -eq 1 ] && ok || bad "corrupted vector: exit $rc, want 1"
[ "$(tail -n 1 "$out/bad.log")" = "0 passed, 1 failed, 0 skipped" ] && ok || bad "corrupted vector summary: $(tail -n 1 "$out/bad.log")"

"$TC" debug noise-vectors --help >/dev/null 2>&1 && ok || bad "--help"
"$TC" debug noise-vectors >/dev/null 2>&1; [ $? -eq 2 ] && ok || bad "missing FILE must exit 2"
"$TC" debug noise-vectors /nonexistent >/dev/null 2>&1; [ $? -eq 1 ] && ok || bad "missing file must exit 1"

finish
