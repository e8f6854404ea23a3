#!/usr/bin/python3
# Run from the project root: /usr/bin/python3 tests/fuzz/mk_device_corpus.py tests/fuzz/corpus/device
# Seed corpus for tests/fuzz/fuzz_device.c, written with an independent
# encoder (cbor2, PyNaCl): first byte = which decoder (0 D record, 1 G record,
# 2 name list, 3 signed message from the target's fixed peer: id 16 x 0x22,
# Ed25519 seed 32 x 0x03), valid inputs and near misses.
import cbor2, hashlib, nacl.signing, os, sys
out = sys.argv[1]
os.makedirs(out, exist_ok=True)
def put(name, sel, data):
    with open(os.path.join(out, name), "wb") as f:
        f.write(bytes([sel]) + data)
c = lambda m: cbor2.dumps(m, canonical=True)
k = bytes(range(32))
drec = {1: k, 2: k, 3: "sensor-v1", 4: "SN1", 6: 1, 7: 2, 8: 0, 9: {"room": "12"},
        10: ["sensors", "floor-1"], 11: 7, 12: 0}
put("d_ok", 0, c(drec))
put("d_claimkey", 0, c({**drec, 5: k, 7: 0}))
put("d_revoked", 0, c({**drec, 8: 2}))
put("d_badstatus", 0, c({**drec, 8: 3}))
put("d_shortkey", 0, c({**drec, 1: k[:31]}))
put("d_groups_notext", 0, c({**drec, 10: ["a", 1]}))
put("d_unknown_key", 0, c({**drec, 13: 0}))
body = b'{"interval": 60}'
g = {1: 2, 2: b"sensors", 3: "telemetry", 4: 1, 5: hashlib.sha256(body).digest(), 6: len(body), 7: body, 10: 9}
put("g_inline", 1, c(g))
g2 = dict(g); del g2[7]; g2[8] = "https://cfg.example/t"; g2[9] = 1800000000000
put("g_location", 1, c(g2))
g3 = dict(g); del g3[4]
put("g_noversion", 1, c(g3))
put("names_two", 2, c(["coap://10.0.0.2:5683", "udp://[::1]:9"]))
put("names_empty", 2, c([]))
put("names_bytes", 2, c([b"x"]))
sk = nacl.signing.SigningKey(bytes([3]) * 32)
kid = hashlib.sha256(bytes(sk.verify_key)).digest()[:16]
def msg(payload, signer=sk):
    prot = c({1: -8, 4: kid})
    tbs = cbor2.dumps(["Signature1", prot, b"", payload])
    sig = signer.sign(tbs).signature
    return cbor2.dumps(cbor2.CBORTag(18, [prot, {}, payload, sig]))
peer = bytes([0x22]) * 16
put("m_ok", 3, msg(c({1: peer, 2: 6, 3: b"t=21.5"})))
put("m_replay", 3, msg(c({1: peer, 2: 5, 3: b"t=21.5"})))
put("m_sender", 3, msg(c({1: bytes(16), 2: 9, 3: b"x"})))
put("m_badsig", 3, msg(c({1: peer, 2: 6, 3: b"x"}), nacl.signing.SigningKey(bytes([4]) * 32)))
put("m_nocounter", 3, msg(c({1: peer, 3: b"x"})))
