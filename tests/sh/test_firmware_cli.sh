#!/usr/bin/env bash
# Firmware and config operations end to end (issue 8 items 1-4, 7;
# docs/firmware-ops.md) on a real 4-validator network on loopback:
# fw.release by 2 of 3 vendor release keys (one prepares, one co-signs;
# 1 of 3 refused with LEDGER_THRESHOLD), resumable upload with progress,
# Range requests (206 / 416 / 400, bytes match), chunk paths that verify
# against the release root, a mirror export served by a static server,
# a rollout started, paused, resumed, advanced, paused automatically by
# its failure threshold and aborted, with the per-wave status, and config
# publish + status with a rollback refused. Bounded waits; every process
# is killed on exit. Prints "N passed, N failed".
set -u
cd "$(dirname "$0")/../.."
BUILD=${TC_BUILD:-build/asan}
D=$BUILD/thingchaind
T=${THINGCHAIN:-$BUILD/thingchain}
PY=/usr/bin/python3
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
. tests/sh/lib.sh
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null; done; wait 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
check() { if eval "$2"; then ok; else bad "$1"; fi; }

BASE=$((28000 + (RANDOM % 900) * 2))
N=$tmp/net
"$T" net init --validators 4 --dir "$N" --base-port $BASE >/dev/null || { echo "net init failed"; echo "0 passed, 1 failed"; exit 1; }
echo "fw_store_max_bytes = 100000" >>"$N/node3/node.conf"   # node 3: a small chunk store
for i in 0 1 2 3; do
  "$D" --config "$N/node$i/node.conf" --block-interval-ms 300 2>>"$tmp/node$i.log" &
  PIDS[$i]=$!
done
U0=http://127.0.0.1:$((BASE + 1)) U1=http://127.0.0.1:$((BASE + 3)) U3=http://127.0.0.1:$((BASE + 7))
G="--genesis $N/genesis.cbor"
height() { curl -s --max-time 2 "$U0/status" | $PY -c 'import json,sys; print(json.load(sys.stdin)["height"])' 2>/dev/null || echo -1; }
end=$((SECONDS + 40)); while [ $SECONDS -lt $end ] && [ "$(height)" -lt 2 ]; do sleep 0.3; done
check "the network commits blocks" '[ "$(height)" -ge 2 ]'

# submit FILE [URL]: prints the tx id; result CODE NAME when committed.
submit() { "$T" tx submit "$1" --node "${2:-$U0}" >"$tmp/sub" 2>&1; $PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["tx"])' "$tmp/sub" 2>/dev/null; }
result() { # txid -> prints the result name once committed (20 s)
  local end=$((SECONDS + 20)) r
  while [ $SECONDS -lt $end ]; do
    r=$(curl -s --max-time 2 "$U0/tx/$1" | $PY -c 'import json,sys; print(json.load(sys.stdin)["result"])' 2>/dev/null)
    [ -n "$r" ] && { echo "$r"; return; }
    sleep 0.3
  done
  echo timeout
}
committed() { [ "$(result "$1")" = accepted ]; }
OPK=$N/orgs/operator/admin1.key V1=$N/orgs/vendor/admin1.key V2=$N/orgs/vendor/admin2.key
for k in rel1 rel2 rel3 cfg d1 d2; do "$T" keys gen --out "$tmp/$k.key" >/dev/null; done
pubof() { "$T" keys show "$1" --json | $PY -c 'import json,sys;print(json.load(sys.stdin)["public_key"])'; }

# --- vendor release keys 2-of-3, operator config keys 1-of-1 --------------
"$T" tx build org.set_keys --role release --threshold 2 --pub-key "$tmp/rel1.key" --pub-key "$tmp/rel2.key" \
  --pub-key "$tmp/rel3.key" --org 2 --key "$V1" --key "$V2" --nonce 1 $G -o "$tmp/relkeys.tx" >/dev/null
"$T" tx build org.set_keys --role config --threshold 1 --pub-key "$tmp/cfg.key" --org 1 --key "$OPK" --nonce 1 $G \
  -o "$tmp/cfgkeys.tx" >/dev/null
t1=$(submit "$tmp/relkeys.tx"); t2=$(submit "$tmp/cfgkeys.tx")
check "release and config key sets committed" 'committed "$t1" && committed "$t2"'

# --- firmware publish: 1 of 3 refused, 2 of 3 accepted -------------------
head -c 300000 /dev/urandom >"$tmp/fw.bin"
expect 2 "publish without --vendor is a usage error" "$T" firmware publish "$tmp/fw.bin" --model sensor-1 --version 2 --key "$tmp/rel1.key" $G -o "$tmp/x.tx"
expect 0 "firmware publish" "$T" firmware publish "$tmp/fw.bin" --model sensor-1 --version 2 --vendor 2 \
  --key "$tmp/rel1.key" --chunk-size 1024 --ttl 30 --nonce 1 $G -o "$tmp/rel.tx" --json
DIG=$($PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["digest"])' "$tmp/out")
ROOT=$($PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["chunk_root"])' "$tmp/out")
check "manifest digest is the SHA-256 of the image" '[ "$DIG" = "$(sha256sum "$tmp/fw.bin" | cut -c1-64)" ]'
check "manifest has 293 chunks of 1024" 'grep -q "\"chunks\":293" "$tmp/out"'
check "1 of 3 release keys is refused with LEDGER_THRESHOLD" \
  '! "$T" tx submit "$tmp/rel.tx" --node "$U0" >"$tmp/sub1" 2>&1 && grep -q LEDGER_THRESHOLD "$tmp/sub1"'
expect 0 "second release key co-signs" "$T" tx cosign "$tmp/rel.tx" --key "$tmp/rel2.key"
t3=$(submit "$tmp/rel.tx")
check "2 of 3 release is committed" 'committed "$t3"'

# --- upload: resumable, progress ------------------------------------------
check "a node refuses chunks of an undeclared image (404)" \
  '[ "$(curl -s -o /dev/null -w "%{http_code}" --data-binary @"$tmp/fw.bin" "$U1/v1/firmware/$DIG/chunk/0")" = 404 ]'
$PY tests/sh/fw_helper.py declare "$U1" "$tmp/fw.bin" 1024 >/dev/null
check "a declared image with one chunk is not present" \
  'curl -s "$U1/v1/firmware/$DIG" | grep -q "\"present\":false,\"have\":1"'
head -c 1024 /dev/urandom >"$tmp/junk"
check "a chunk that does not match its leaf hash is refused (422 FW_CHUNK_MISMATCH)" \
  '[ "$(curl -s -o "$tmp/o" -w "%{http_code}" --data-binary @"$tmp/junk" "$U1/v1/firmware/$DIG/chunk/5")" = 422 ] && grep -q FW_CHUNK_MISMATCH "$tmp/o"'
expect 0 "firmware upload resumes" "$T" firmware upload --node "$U1" "$tmp/fw.bin" --chunk-size 1024 --json
check "upload sent only the 292 missing chunks" 'grep -q "\"uploaded_chunks\":292" "$tmp/out" && grep -q "\"present\":true" "$tmp/out"'
check "progress lines when not on a terminal" 'grep -q "uploaded 293/293 chunks" "$tmp/err"'
expect 0 "upload again sends nothing" "$T" firmware upload --node "$U1" "$tmp/fw.bin" --chunk-size 1024 --json
check "second upload: 0 chunks" 'grep -q "\"uploaded_chunks\":0" "$tmp/out"'
check "a node with a 100,000-byte chunk store refuses the upload with FW_STORE_FULL" \
  '! "$T" firmware upload --node "$U3" "$tmp/fw.bin" --chunk-size 1024 >/dev/null 2>"$tmp/full" && grep -q "FW_STORE_FULL" "$tmp/full" && grep -q "limit of 100000 bytes" "$tmp/full"'
check "node info: root matches the release" 'curl -s "$U1/v1/firmware/$DIG" | grep -q "\"root\":\"$ROOT\""'

# --- Range (RFC 9110) -------------------------------------------------------
IMG=$U1/v1/firmware/$DIG/image
code=$(curl -s -D "$tmp/h" -o "$tmp/r" -w "%{http_code}" -r 1000-4999 "$IMG")
check "Range 1000-4999: 206" '[ "$code" = 206 ]'
check "Content-Range bytes 1000-4999/300000" 'grep -qi "^content-range: bytes 1000-4999/300000" "$tmp/h"'
check "range bytes match the image" 'cmp -s "$tmp/r" <(tail -c +1001 "$tmp/fw.bin" | head -c 4000)'
curl -s -o "$tmp/r" -H "Range: bytes=-100" "$IMG"
check "suffix range: the last 100 bytes" 'cmp -s "$tmp/r" <(tail -c 100 "$tmp/fw.bin")'
curl -s -o "$tmp/r" -H "Range: bytes=299990-999999" "$IMG"
check "open-ended range clamped to the end" 'cmp -s "$tmp/r" <(tail -c 10 "$tmp/fw.bin")'
check "whole image without Range: 200, identical" \
  '[ "$(curl -s -o "$tmp/r" -w "%{http_code}" "$IMG")" = 200 ] && cmp -s "$tmp/r" "$tmp/fw.bin"'
code=$(curl -s -D "$tmp/h" -o /dev/null -w "%{http_code}" -H "Range: bytes=300000-" "$IMG")
check "unsatisfiable range: 416 with bytes */300000" '[ "$code" = 416 ] && grep -qi "^content-range: bytes \*/300000" "$tmp/h"'
check "bad range syntax: 400" '[ "$(curl -s -o /dev/null -w "%{http_code}" -H "Range: bytes=9-3" "$IMG")" = 400 ]'
check "two ranges: 400" '[ "$(curl -s -o /dev/null -w "%{http_code}" -H "Range: bytes=0-1,5-6" "$IMG")" = 400 ]'
check "other nodes do not have the image (404)" '[ "$(curl -s -o /dev/null -w "%{http_code}" "$U0/v1/firmware/$DIG/image")" = 404 ]'
curl -s -o "$tmp/p7" "$U1/v1/firmware/$DIG/path/7"
check "path of chunk 7 verifies against the release root (RFC 9162)" \
  '$PY tests/sh/fw_helper.py verify-path "$tmp/p7" "$tmp/fw.bin" 1024 7 "$ROOT"'
curl -s -o "$tmp/p292" "$U1/v1/firmware/$DIG/path/292"
check "path of the last (short) chunk verifies" '$PY tests/sh/fw_helper.py verify-path "$tmp/p292" "$tmp/fw.bin" 1024 292 "$ROOT"'
check "path past the end: 404" '[ "$(curl -s -o /dev/null -w "%{http_code}" "$U1/v1/firmware/$DIG/path/293")" = 404 ]'

# --- mirror ---------------------------------------------------------------
expect 0 "firmware export from a node" "$T" firmware export --node "$U1" --digest "$DIG" "$tmp/mirror"
M=$tmp/mirror/v1/firmware/$DIG
check "mirror image identical" 'cmp -s "$M/image" "$tmp/fw.bin"'
check "mirror has 293 paths, equal to the node's" '[ "$(ls "$M/path" | wc -l)" = 293 ] && cmp -s "$M/path/7" "$tmp/p7"'
expect 0 "firmware export from a local file" "$T" firmware export --image "$tmp/fw.bin" --chunk-size 1024 "$tmp/mirror2"
check "local export equals the node export" 'diff -r "$tmp/mirror" "$tmp/mirror2" >/dev/null'
MP=$((BASE + 20))
$PY tests/sh/fw_helper.py serve "$tmp/mirror" $MP >/dev/null 2>&1 &
PIDS[9]=$!
end=$((SECONDS + 10)); while [ $SECONDS -lt $end ] && ! curl -s -o /dev/null "http://127.0.0.1:$MP/"; do sleep 0.2; done
code=$(curl -s -o "$tmp/r" -w "%{http_code}" -r 1000-4999 "http://127.0.0.1:$MP/v1/firmware/$DIG/image")
check "a static server serves the mirror with Range (206, same bytes)" \
  '[ "$code" = 206 ] && cmp -s "$tmp/r" <(tail -c +1001 "$tmp/fw.bin" | head -c 4000)'
curl -s -o "$tmp/mp" "http://127.0.0.1:$MP/v1/firmware/$DIG/path/292"
check "mirror path verifies" '$PY tests/sh/fw_helper.py verify-path "$tmp/mp" "$tmp/fw.bin" 1024 292 "$ROOT"'

# --- devices, groups ---------------------------------------------------------
X=$($PY -c 'import nacl.public;print(nacl.public.PrivateKey(bytes(range(1,33))).public_key.encode().hex())')
P1=$(pubof "$tmp/d1.key") P2=$(pubof "$tmp/d2.key")
"$T" tx build dev.manufacture --ed25519 "$P1" --x25519 "$X" --model sensor-1 --serial S1 --claim-secret a1 --org 2 --key "$V1" --key "$V2" --nonce 2 $G -o "$tmp/m1.tx" >/dev/null
"$T" tx build dev.manufacture --ed25519 "$P2" --x25519 "$X" --model sensor-1 --serial S2 --claim-secret a2 --org 2 --key "$V1" --key "$V2" --nonce 3 $G -o "$tmp/m2.tx" >/dev/null
"$T" tx build dev.claim --device "$P1" --claim-secret a1 --org 1 --key "$OPK" --nonce 2 $G -o "$tmp/c1.tx" >/dev/null
"$T" tx build dev.claim --device "$P2" --claim-secret a2 --org 1 --key "$OPK" --nonce 3 $G -o "$tmp/c2.tx" >/dev/null
"$T" tx build dev.set_groups --device "$P1" --group canary --org 1 --key "$OPK" --nonce 4 $G -o "$tmp/g1.tx" >/dev/null
"$T" tx build dev.set_groups --device "$P2" --group main --org 1 --key "$OPK" --nonce 5 $G -o "$tmp/g2.tx" >/dev/null
ids=""
for f in m1 m2 c1 c2 g1 g2; do ids="$ids $(submit "$tmp/$f.tx")"; done
allc=1; for id in $ids; do committed "$id" || allc=0; done
check "two devices manufactured, claimed and grouped (canary, main)" '[ $allc = 1 ]'

# --- rollout ------------------------------------------------------------------
R="--operator 1 --id 7"
expect 0 "rollout start (waves canary, main; 500 per mille)" "$T" rollout start $R --vendor 2 --model sensor-1 --version 2 \
  --wave canary --wave main --max-failure-permille 500 --key "$OPK" --nonce 6 $G --node "$U0"
t=$($PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["tx"])' "$tmp/out"); committed "$t"
rep() { # device-key device-pub state nonce
  "$T" tx build fw.report --device "$2" --operator 1 --rollout-id 7 --version 2 --state "$3" --key "$1" --nonce "$4" $G -o "$tmp/rep.tx" >/dev/null
  submit "$tmp/rep.tx"
}
t=$(rep "$tmp/d1.key" "$P1" installed 1)
check "canary device reports installed" 'committed "$t"'
check "main device cannot report before its wave (LEDGER_NOT_APPROVED)" \
  '"$T" tx build fw.report --device "$P2" --operator 1 --rollout-id 7 --version 2 --state downloading --key "$tmp/d2.key" --nonce 1 $G -o "$tmp/rep2.tx" >/dev/null; ! "$T" tx submit "$tmp/rep2.tx" --node "$U0" >"$tmp/s" 2>&1 && grep -q LEDGER_NOT_APPROVED "$tmp/s"'
expect 0 "rollout status" "$T" rollout status --node "$U0" $R
check "status table: active, wave 0 installed 1" 'grep -q "active, current wave 0" "$tmp/out" && grep -Eq "^0 +yes +0 +1 +0" "$tmp/out"'
ctl() { "$T" rollout "$1" $R --key "$OPK" --nonce "$2" $G --node "$U0" >"$tmp/ctl" 2>&1 && committed "$($PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["tx"])' "$tmp/ctl")"; }
state() { "$T" rollout status --node "$U0" $R --json | $PY -c 'import json,sys; print(json.load(sys.stdin)["status"])'; }
check "rollout pause" 'ctl pause 7 && [ "$(state)" = paused ]'
check "rollout resume" 'ctl resume 8 && [ "$(state)" = active ]'
check "rollout advance" 'ctl advance 9 && "$T" rollout status --node "$U0" $R --json | grep -q "\"current_wave\":1"'
t=$(rep "$tmp/d2.key" "$P2" failed 1)
check "a failed report past the threshold pauses the rollout automatically" 'committed "$t" && [ "$(state)" = "paused (auto)" ]'
expect 0 "rollout status after the automatic pause" "$T" rollout status --node "$U0" $R
check "status shows the failure in wave 1 and the threshold" 'grep -Eq "^1 +yes +0 +0 +1" "$tmp/out" && grep -q "500 per mille" "$tmp/out"'
check "rollout abort" 'ctl abort 10 && [ "$(state)" = aborted ]'
check "advance after abort is refused (LEDGER_STATE)" '! ctl advance 11 && grep -q LEDGER_STATE "$tmp/ctl"'

# --- config ---------------------------------------------------------------------
echo "interval=60" >"$tmp/app.conf"
expect 0 "config publish v2 to group canary" "$T" config publish "$tmp/app.conf" --target group:canary --name app \
  --version 2 --operator 1 --key "$tmp/cfg.key" --nonce 1 $G --node "$U0"
t=$($PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["tx"])' "$tmp/out"); committed "$t"
expect 1 "config rollback to v1 is refused" "$T" config publish "$tmp/app.conf" --target group:canary --name app \
  --version 1 --operator 1 --key "$tmp/cfg.key" --nonce 2 $G --node "$U0"
check "the refusal says LEDGER_VERSION_ROLLBACK" 'grep -q LEDGER_VERSION_ROLLBACK "$tmp/out"'
expect 0 "config status" "$T" config status --node "$U0" --operator 1 --target group:canary --name app --json
DOC=$($PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["doc_id"])' "$tmp/out")
check "config status before any report: published 2, device has no report" \
  'grep -q "\"published_version\":2" "$tmp/out" && grep -q "no report" "$tmp/out"'
"$T" tx build cfg.report --device "$P1" --operator 1 --doc-id "$DOC" --version 2 --status applied --key "$tmp/d1.key" --nonce 2 $G -o "$tmp/cr.tx" >/dev/null
t=$(submit "$tmp/cr.tx")
check "device reports config v2 applied" 'committed "$t"'
expect 0 "config status table" "$T" config status --node "$U0" --operator 1 --target group:canary --name app
check "the table lists the device with version 2 applied" 'grep -Eq "^[0-9a-f]{32} +2 +applied" "$tmp/out"'
expect 2 "config status without --target is a usage error" "$T" config status --node "$U0" --operator 1 --name app
check "no sanitizer report in the node logs" '! grep -l "runtime error\|AddressSanitizer" "$tmp"/node*.log'
finish
