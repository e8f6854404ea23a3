#!/usr/bin/python3
"""Test helper (tests/sh/test_node_*.sh, scripts/run.sh): writes one signed
gov.register_org transaction (docs/ledger.md, Envelope: COSE_Sign tag 98,
signed by the first K governance keys of a `thingchain net init` dir) to
stdout as raw CBOR bytes.
usage: node_mktx.py NETDIR NONCE ORG_ID [K]"""
import hashlib, sys
import cbor2
from nacl.signing import SigningKey

def main():
    net, nonce, org = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    k = int(sys.argv[4]) if len(sys.argv) > 4 else 2
    conf = dict((a.strip(), b.strip()) for a, b in (l.split('=', 1) for l in open(f"{net}/node0/node.conf").read().splitlines()
                if '=' in l and not l.lstrip().startswith('#')))
    chain = conf['chain_id'].strip()
    keys = [SigningKey(bytes.fromhex(open(f"{net}/gov/gov{i}.key").read().strip())) for i in range(1, k + 1)]
    admin = bytes(keys[0].verify_key)
    body = {1: org, 2: f"org-{org}", 3: 1, 4: {1: 1, 2: [admin]}}
    payload = cbor2.dumps({1: chain, 2: 1, 3: b'\x02', 4: nonce, 5: body}, canonical=True)
    sigs = []
    for sk in keys:
        pub = bytes(sk.verify_key)
        kid = hashlib.sha256(b"thingchain/keyid/v1" + pub).digest()[:16]
        prot = cbor2.dumps({1: -8, 4: kid}, canonical=True)
        tbs = cbor2.dumps(["Signature", b"", prot, b"", payload], canonical=True)
        sigs.append([prot, {}, sk.sign(tbs).signature])
    sys.stdout.buffer.write(cbor2.dumps(cbor2.CBORTag(98, [b"", {}, payload, sigs]), canonical=True))

main()
