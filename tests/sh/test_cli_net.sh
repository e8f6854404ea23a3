#!/usr/bin/env bash
# CLI contracts of issue 6 item 3: `keys gen/show` and `net init`/`net genesis`.
# net init must write a genesis the node's decoder accepts (checked by the
# CLI and independently with cbor2), node.conf files exactly in the format
# the daemon reads, key files of 64 hex digits mode 0600, and refuse to
# overwrite. Prints "N passed, N failed".
set -u
cd "$(dirname "$0")/../.."
T=${THINGCHAIN:-build/asan/thingchain}
PY=/usr/bin/python3
. tests/sh/lib.sh

# --- keys ---
expect 0 "keys gen" "$T" keys gen --out "$tmp/a.key"
[ "$(stat -c %a "$tmp/a.key")" = 600 ] && ok || bad "key file mode"
grep -Eqx '[0-9a-f]{64}' "$tmp/a.key" && ok || bad "key file content"
pub=$(awk '$1 == "public_key" {print $2}' "$tmp/out")
expect 1 "keys gen refuses overwrite" "$T" keys gen --out "$tmp/a.key"
expect 0 "keys show --json" "$T" keys show "$tmp/a.key" --json
# The public key derived independently (PyNaCl) from the seed in the file.
want=$($PY -c 'import sys,nacl.signing;print(nacl.signing.SigningKey(bytes.fromhex(open(sys.argv[1]).read().strip())).verify_key.encode().hex())' "$tmp/a.key")
[ -n "$want" ] && [ "$pub" = "$want" ] && ok || bad "public key $pub != $want"
$PY -c 'import json,sys;d=json.load(open(sys.argv[1]));assert d["public_key"]==sys.argv[2] and len(d["key_id"])==32' "$tmp/out" "$want" && ok || bad "keys show json"
"$T" keys gen --out "$tmp/b.key" >/dev/null 2>&1
[ "$(cat "$tmp/a.key")" != "$(cat "$tmp/b.key")" ] && ok || bad "two keys are equal"
echo nothex >"$tmp/bad.key"
expect 1 "keys show bad file" "$T" keys show "$tmp/bad.key"
expect 2 "keys gen without --out" "$T" keys gen
expect 2 "keys show no file" "$T" keys show
expect 0 "keys gen --help" "$T" keys gen --help
expect 0 "keys show --help" "$T" keys show --help

# --- net init ---
D=$tmp/net
expect 0 "net init" "$T" net init --validators 4 --dir "$D" --chain-id test-net --base-port 30000 --time 1700000000000
for f in genesis.cbor genesis.json gov/gov1.key gov/gov2.key gov/gov3.key orgs/operator/admin1.key \
         orgs/vendor/admin1.key orgs/vendor/admin2.key; do
  [ -s "$D/$f" ] && ok || bad "missing $f"
done
for i in 0 1 2 3; do
  [ -s "$D/node$i/node.key" ] && [ -s "$D/node$i/node.conf" ] && ok || bad "node$i files"
  [ "$(stat -c %a "$D/node$i/node.key")" = 600 ] && ok || bad "node$i key mode"
done
[ -e "$D/node4" ] && bad "node4 exists" || ok
expect 0 "net genesis accepts it" "$T" net genesis "$D/genesis.cbor" --json
hash=$($PY -c 'import json,sys;print(json.load(open(sys.argv[1]))["genesis_hash"])' "$tmp/out")
[ "$hash" = "$(sha256sum <"$D/genesis.cbor" | cut -c1-64)" ] && ok || bad "genesis hash is not SHA-256 of the file"
# Independent decode (cbor2): keys, validators = node keys, governance 2-of-3 = gov keys, orgs.
$PY - "$D" <<'PYEOF' && ok || bad "cbor2 check of genesis"
import sys, json, cbor2, nacl.signing
d = sys.argv[1]
g = cbor2.loads(open(d + "/genesis.cbor", "rb").read())
def pub(path):
    return nacl.signing.SigningKey(bytes.fromhex(open(d + "/" + path).read().strip())).verify_key.encode()
assert g[1] == "test-net" and g[2] == 1700000000000, g
assert g[3] == [[pub("node%d/node.key" % i), 10] for i in range(4)], "validators"
assert g[4] == {1: 2, 2: [pub("gov/gov%d.key" % i) for i in (1, 2, 3)]}, "governance"
orgs = {o[1]: o for o in g[5]}
assert orgs[1][3] == 1 and orgs[1][4] == {1: 1, 2: [pub("orgs/operator/admin1.key")]}
assert orgs[2][3] == 2 and orgs[2][4] == {1: 2, 2: [pub("orgs/vendor/admin%d.key" % i) for i in (1, 2)]}
j = json.load(open(d + "/genesis.json"))
assert j["chain_id"] == "test-net" and len(j["validators"]) == 4
PYEOF
# node.conf: parsed as the daemon does (key = value, # comments), every key present.
$PY - "$D" <<'PYEOF' && ok || bad "node.conf contents"
import sys, os
d = sys.argv[1]
keys = {"chain_id", "genesis", "key", "data", "p2p_listen", "api_listen", "peers", "log_level", "validator"}
for i in range(4):
    conf = {}
    base = d + "/node%d" % i
    for line in open(base + "/node.conf"):
        line = line.strip()
        if not line or line.startswith("#"): continue
        k, v = [x.strip() for x in line.split("=", 1)]
        assert k not in conf, k
        conf[k] = v
    assert set(conf) == keys, set(conf) ^ keys
    assert conf["chain_id"] == "test-net" and conf["log_level"] == "info" and conf["validator"] == "yes"
    assert conf["p2p_listen"] == "127.0.0.1:%d" % (30000 + 2 * i)
    assert conf["api_listen"] == "127.0.0.1:%d" % (30001 + 2 * i)
    assert conf["peers"].split(",") == ["127.0.0.1:%d" % (30000 + 2 * j) for j in range(4) if j != i]
    assert os.path.samefile(os.path.join(base, conf["genesis"]), d + "/genesis.cbor")
    assert os.path.samefile(os.path.join(base, conf["key"]), base + "/node.key")
    assert os.path.normpath(os.path.join(base, conf["data"])) == os.path.normpath(base + "/chain.db")
PYEOF
old=$(cat "$D/node0/node.key")
expect 1 "net init refuses existing dir" "$T" net init --validators 4 --dir "$D"
[ "$(cat "$D/node0/node.key")" = "$old" ] && ok || bad "refused init changed a key"
expect 0 "net init --force" "$T" net init --validators 1 --full-nodes 1 --dir "$D" --force
[ "$(cat "$D/node0/node.key")" != "$old" ] && ok || bad "--force kept the old key"
grep -qx "validator = no" "$D/node1/node.conf" && grep -qx "mode = full" "$D/node1/node.conf" && ok || bad "full node conf"
fpub=$("$T" keys show --json "$D/node1/node.key" | $PY -c 'import json,sys; print(json.load(sys.stdin)["public_key"])')
grep -qx "full_nodes = $fpub" "$D/node0/node.conf" && ok || bad "validators admit the full node's key (full_nodes)"
expect 0 "net genesis after --force" "$T" net genesis "$D/genesis.cbor"
grep -q '^validators  *1$' "$tmp/out" && ok || bad "one validator after --force"
expect 0 "net init --hosts" "$T" net init --validators 2 --dir "$tmp/multi" --hosts 10.0.0.1,10.0.0.2
grep -qx 'peers = 10.0.0.2:26602' "$tmp/multi/node0/node.conf" && ok || bad "multi-machine peers"
expect 2 "net init --hosts too few" "$T" net init --validators 3 --dir "$tmp/multi2" --hosts 10.0.0.1
expect 2 "net init without --dir" "$T" net init --validators 4
expect 2 "net init 0 validators" "$T" net init --validators 0 --dir "$tmp/x"
expect 2 "net init bad threshold" "$T" net init --validators 1 --dir "$tmp/x" --gov 2 --gov-threshold 3
expect 2 "net init bad option" "$T" net init --validators 1 --dir "$tmp/x" --bogus
[ -e "$tmp/x" ] && bad "usage error created a directory" || ok
expect 0 "net init --help" "$T" net init --help
grep -q 'node.conf' "$tmp/out" && ok || bad "--help explains node.conf"
expect 1 "net genesis rejects junk" "$T" net genesis "$D/genesis.json"
expect 0 "net genesis --help" "$T" net genesis --help

finish
