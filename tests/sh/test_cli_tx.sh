#!/usr/bin/env bash
# CLI contracts of issue 6 item 3: `tx build` for every transaction type,
# `tx cosign` (k-of-n by separate signers), `tx show`, and `debug tx-apply`
# proving the ledger accepts what was built (and rejects what it must).
# Prints "N passed, N failed".
set -u
cd "$(dirname "$0")/../.."
T=${THINGCHAIN:-build/asan/thingchain}
PY=/usr/bin/python3
. tests/sh/lib.sh
D=$tmp/net
"$T" net init --validators 1 --dir "$D" --chain-id tx-test --time 1700000000000 >/dev/null || { echo "net init failed"; echo "0 passed, 1 failed"; exit 1; }
G="--genesis $D/genesis.cbor"
GOV1=$D/gov/gov1.key GOV2=$D/gov/gov2.key OP=$D/orgs/operator/admin1.key
V1=$D/orgs/vendor/admin1.key V2=$D/orgs/vendor/admin2.key
"$T" keys gen --out "$tmp/dev.key" >/dev/null
"$T" keys gen --out "$tmp/third.key" >/dev/null
"$T" keys gen --out "$tmp/cfg.key" >/dev/null
"$T" keys gen --out "$tmp/rel.key" >/dev/null
DEV=$("$T" keys show "$tmp/dev.key" --json | $PY -c 'import json,sys;print(json.load(sys.stdin)["public_key"])')
X=$($PY -c 'import nacl.public;print(nacl.public.PrivateKey(bytes(range(1,33))).public_key.encode().hex())')
FUT=1700000100000
b() { local out=$1; shift; expect 0 "tx build $(basename "$out")" "$T" tx build "$@" $G -o "$out"; }

b "$tmp/01.tx" gov.register_org --id 3 --name third --roles operator --threshold 1 --pub-key "$tmp/third.key" --key "$GOV1" --nonce 1
cp "$tmp/01.tx" "$tmp/01-one-sig.tx"
expect 0 "tx cosign" "$T" tx cosign "$tmp/01.tx" --key "$GOV2"
expect 1 "tx cosign same key twice" "$T" tx cosign "$tmp/01.tx" --key "$GOV2"
b "$tmp/02.tx" dev.manufacture --ed25519 "$DEV" --x25519 "$X" --model sensor-1 --serial SN1 --claim-secret s3cret --org 2 --key "$V1" --key "$V2" --nonce 1
b "$tmp/03.tx" dev.claim --device "$DEV" --claim-secret s3cret --org 1 --key "$OP" --nonce 1
b "$tmp/04.tx" dev.set_attrs --as device --device "$DEV" --attr room=12 --attr color=red --key "$tmp/dev.key" --nonce 1
b "$tmp/05.tx" dev.set-groups --device "$DEV" --group lab --group floor-1 --org 1 --key "$OP" --nonce 2
b "$tmp/06.tx" org.set_keys --role config --threshold 1 --pub-key "$tmp/cfg.key" --org 1 --key "$OP" --nonce 3
echo '{"interval": 30}' >"$tmp/cfg.json"
b "$tmp/07.tx" cfg.publish --target-kind group --target lab --name sensors --version 1 --body-file "$tmp/cfg.json" --org 1 --key "$tmp/cfg.key" --nonce 1
b "$tmp/08.tx" comm.set_policy --group-a lab --group-b floor-1 --allow yes --org 1 --key "$OP" --nonce 4
b "$tmp/09.tx" svc.publish --as device --device "$DEV" --name temp --service-type coap --endpoint coap://10.0.0.5 --attr unit=C --expiry $FUT --key "$tmp/dev.key" --nonce 2
b "$tmp/10.tx" anchor --as device --device "$DEV" --root $(printf 'a%.0s' $(seq 64)) --count 10 --first-time 1699999990000 --last-time 1700000000500 --key "$tmp/dev.key" --nonce 3
b "$tmp/11.tx" org.set_keys --role release --threshold 1 --pub-key "$tmp/rel.key" --org 2 --key "$V1" --key "$V2" --nonce 2
b "$tmp/12.tx" fw.release --model sensor-1 --version 2 --digest $(printf 'b%.0s' $(seq 64)) --size 100000 --chunk-size 4096 --chunk-root $(printf 'c%.0s' $(seq 64)) --min-version 0 --expiry $FUT --org 2 --key "$tmp/rel.key" --nonce 1
b "$tmp/13.tx" fw.rollout --rollout-id 1 --vendor 2 --model sensor-1 --version 2 --wave lab --wave floor-1,floor-2 --org 1 --key "$OP" --nonce 5
b "$tmp/14.tx" fw.report --device "$DEV" --operator 1 --rollout-id 1 --version 2 --state installed --key "$tmp/dev.key" --nonce 4
DOC=$($PY -c 'import hashlib,sys;t=b"lab";print(hashlib.sha256(bytes([2,len(t)])+t+b"sensors").hexdigest()[:32])')
b "$tmp/15.tx" cfg.report --device "$DEV" --operator 1 --doc-id $DOC --version 1 --status applied --key "$tmp/dev.key" --nonce 5
b "$tmp/16.tx" fw.rollout_control --rollout-id 1 --action advance --org 1 --key "$OP" --nonce 6
b "$tmp/17.tx" svc.withdraw --device "$DEV" --name temp --org 1 --key "$OP" --nonce 7
b "$tmp/18.tx" comm.del_policy --group-a lab --group-b floor-1 --org 1 --key "$OP" --nonce 8
b "$tmp/19.tx" dev.suspend --device "$DEV" --org 1 --key "$OP" --nonce 9
b "$tmp/20.tx" dev.resume --device "$DEV" --org 1 --key "$OP" --nonce 10
"$T" keys gen --out "$tmp/dev2.key" >/dev/null
DEV2=$("$T" keys show "$tmp/dev2.key" --json | $PY -c 'import json,sys;print(json.load(sys.stdin)["public_key"])')
b "$tmp/21.tx" dev.authorize_rotation --device "$DEV" --new-ed25519 "$DEV2" --new-x25519 "$X" --expiry $FUT --org 1 --key "$OP" --nonce 11
b "$tmp/22.tx" dev.rotate --device "$DEV" --new-ed25519 "$DEV2" --new-x25519 "$X" --key "$tmp/dev.key" --nonce 6
b "$tmp/23.tx" fw.revoke --model sensor-1 --version 2 --org 2 --key "$tmp/rel.key" --nonce 2
b "$tmp/24.tx" dev.transfer --device "$DEV" --to 3 --org 1 --key "$OP" --nonce 12
b "$tmp/25.tx" gov.set_keys --threshold 1 --pub-key "$GOV1" --key "$GOV1" --key "$GOV2" --nonce 2
b "$tmp/26.tx" dev.revoke --device "$DEV" --org 3 --key "$tmp/third.key" --nonce 1
VPUB=$("$T" keys show "$D/node0/node.key" --json | $PY -c 'import json,sys;print(json.load(sys.stdin)["public_key"])')
b "$tmp/27.tx" gov.set_validators --height 10 --validator "$VPUB:20" --key "$GOV1" --nonce 3
txs=$(ls "$tmp"/[0-9][0-9].tx | sort)
expect 0 "every built transaction is accepted in order" "$T" debug tx-apply $G $txs
grep -c ': ok$' "$tmp/out" | grep -qx 27 && ok || bad "27 ok lines: $(grep -v ': ok$' "$tmp/out" | head -3)"

# Rejections prove the check can fail: below threshold, replayed nonce, wrong chain.
expect 1 "one governance signature is below 2-of-3" "$T" debug tx-apply $G "$tmp/01-one-sig.tx"
grep -q 'LEDGER_THRESHOLD' "$tmp/out" && ok || bad "threshold code: $(cat "$tmp/out")"
expect 1 "replayed transaction" "$T" debug tx-apply $G "$tmp/01.tx" "$tmp/01.tx"
grep -q 'LEDGER_NONCE' "$tmp/out" && ok || bad "nonce code: $(cat "$tmp/out")"
expect 0 "build for another chain" "$T" tx build dev.suspend --device "$DEV" --org 1 --key "$OP" --nonce 1 --chain-id other -o "$tmp/other.tx"
expect 1 "other chain rejected" "$T" debug tx-apply $G "$tmp/other.tx"
grep -q 'LEDGER_CHAIN_ID' "$tmp/out" && ok || bad "chain id code"

# tx show: table and JSON, checked against an independent cbor2 decode.
expect 0 "tx show" "$T" tx show "$tmp/05.tx"
grep -q '^type  *dev.set_groups$' "$tmp/out" && ok || bad "tx show type line"
expect 0 "tx show --json" "$T" tx show "$tmp/01.tx" --json
$PY - "$tmp/01.tx" "$tmp/out" <<'PYEOF' && ok || bad "tx show json vs cbor2"
import sys, json, cbor2, hashlib
raw = cbor2.loads(open(sys.argv[1], "rb").read())
assert raw.tag == 98 and len(raw.value[3]) == 2
payload = cbor2.loads(raw.value[2])
j = json.load(open(sys.argv[2]))
assert j["type"] == "gov.register_org" and j["type_id"] == payload[2] == 1
assert j["nonce"] == payload[4] == 1 and j["chain_id"] == payload[1] == "tx-test"
assert j["signer"] == "governance" and len(j["signatures"]) == 2
assert j["payload_hash"] == hashlib.sha256(raw.value[2]).hexdigest()
assert payload[5][1] == 3 and payload[5][2] == "third" and payload[5][3] == 1
PYEOF
expect 1 "tx show junk" "$T" tx show "$D/genesis.json"

# --from JSON gives the same bytes as flags (Ed25519 signatures are deterministic).
printf '{"device": "%s", "attr": ["room=12", "color=red"], "as": "device", "nonce": 1}\n' "$DEV" >"$tmp/attrs.json"
expect 0 "tx build --from" "$T" tx build dev.set_attrs --from "$tmp/attrs.json" --key "$tmp/dev.key" $G -o "$tmp/from.tx"
cmp -s "$tmp/from.tx" "$tmp/04.tx" && ok || bad "--from differs from flags"

# Usage errors exit 2.
expect 2 "unknown type" "$T" tx build dev.fly --key "$OP" --nonce 1 $G -o "$tmp/x.tx"
expect 2 "missing field" "$T" tx build dev.claim --device "$DEV" --org 1 --key "$OP" --nonce 1 $G -o "$tmp/x.tx"
expect 2 "unused flag" "$T" tx build dev.suspend --device "$DEV" --bogus 1 --org 1 --key "$OP" --nonce 1 $G -o "$tmp/x.tx"
expect 2 "no nonce" "$T" tx build dev.suspend --device "$DEV" --org 1 --key "$OP" $G -o "$tmp/x.tx"
expect 2 "both chain id and genesis" "$T" tx build dev.suspend --device "$DEV" --org 1 --key "$OP" --nonce 1 $G --chain-id x -o "$tmp/x.tx"
expect 2 "bad hex" "$T" tx build dev.suspend --device zz --org 1 --key "$OP" --nonce 1 $G -o "$tmp/x.tx"
expect 2 "gov type as device" "$T" tx build gov.set_keys --as device --device "$DEV" --threshold 1 --pub "$DEV" --key "$OP" --nonce 1 $G -o "$tmp/x.tx"
expect 2 "cosign without key" "$T" tx cosign "$tmp/01.tx"
expect 1 "cosign a device transaction" "$T" tx cosign "$tmp/04.tx" --key "$OP" -o "$tmp/x.tx"
for c in "tx build" "tx cosign" "tx show" "debug tx-apply"; do expect 0 "$c --help" "$T" $c --help; done
expect 2 "tx-apply without genesis" "$T" debug tx-apply "$tmp/01.tx"

# tx submit: POST raw bytes to URL/tx, against a loopback stand-in node that
# records what it received and answers 202 (or 400 for /bad/tx).
cat >"$tmp/srv.py" <<'PYEOF'
import http.server, sys, json
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        n = int(self.headers["Content-Length"])
        data = self.rfile.read(n)
        open(sys.argv[2], "ab").write(data)
        code = 400 if self.path.startswith("/bad") else 202
        ok = self.path.endswith("/tx") and self.headers["Content-Type"] == "application/cbor"
        body = json.dumps({"ok": ok and code == 202, "path": self.path, "len": n}).encode()
        self.send_response(code); self.send_header("Content-Length", str(len(body))); self.end_headers()
        self.wfile.write(body)
    def log_message(self, *a): pass
s = http.server.HTTPServer(("127.0.0.1", 0), H)
open(sys.argv[1], "w").write(str(s.server_address[1]))
s.serve_forever()
PYEOF
$PY "$tmp/srv.py" "$tmp/port" "$tmp/received" & srv=$!
for _ in $(seq 50); do [ -s "$tmp/port" ] && break; sleep 0.1; done
PORT=$(cat "$tmp/port" 2>/dev/null)
expect 0 "tx submit" "$T" tx submit "$tmp/05.tx" --node "http://127.0.0.1:$PORT"
grep -q '"ok": true' "$tmp/out" && grep -q '"path": "/tx"' "$tmp/out" && ok || bad "submit answer: $(cat "$tmp/out")"
cmp -s "$tmp/received" "$tmp/05.tx" && ok || bad "node received other bytes"
expect 1 "tx submit rejected by node" "$T" tx submit "$tmp/05.tx" --node "http://127.0.0.1:$PORT/bad"
kill $srv 2>/dev/null; wait $srv 2>/dev/null
expect 1 "tx submit nobody listening" "$T" tx submit "$tmp/05.tx" --node "http://127.0.0.1:$PORT" --timeout 2000
expect 2 "tx submit without --node" "$T" tx submit "$tmp/05.tx"
expect 2 "tx submit https" "$T" tx submit "$tmp/05.tx" --node https://127.0.0.1:1
expect 0 "tx submit --help" "$T" tx submit --help

finish
