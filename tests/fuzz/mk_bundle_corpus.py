#!/usr/bin/python3
# Run from the project root: /usr/bin/python3 tests/fuzz/mk_bundle_corpus.py tests/fuzz/corpus/bundle
# Seed corpus for tests/fuzz/fuzz_bundle.c: bundles signed by the fuzz
# target's validator (seed 32 x 0x01), valid and near misses.
import cbor2, hashlib, nacl.signing, os, sys
out = sys.argv[1]
sk = nacl.signing.SigningKey(bytes([1]) * 32)
pub = bytes(sk.verify_key)
gen = bytes([0x11]) * 32
vs = cbor2.dumps([[pub, 1]])
vsh = hashlib.sha256(vs).digest()
def header(h, t, prev, state_root, hist_root=hashlib.sha256(b"").digest(), hist_size=0, vh=vsh, nvh=vsh):
    m = {1: "fuzz", 2: h, 3: t, 4: prev, 5: hashlib.sha256(b"").digest(), 6: 0, 7: hist_root,
         8: hist_size, 9: state_root, 10: vh, 11: nvh, 12: pub}
    return cbor2.dumps(m, canonical=True)
def cert(h, bid, signer=sk):
    sb = cbor2.dumps(["thingchain/vote/v1", "fuzz", 2, h, 0, bid])
    sig = signer.sign(sb).signature
    return cbor2.dumps([h, 0, bid, b"\x01", [sig]])
def bundle(hdr, c, kind, proof, key, record=None, vset=None):
    m = {1: hdr, 2: c}
    if vset is not None: m[3] = vset
    m[4] = kind; m[5] = proof; m[6] = key
    if record is not None: m[7] = record
    return cbor2.dumps(m, canonical=True)
# state proof: an empty-tree absence proof [kind 1, depth 0, bitmap, siblings, ...] is
# format-specific; use the SMT corpus seeds as proof payloads where present.
smt = {}
d = "tests/fuzz/corpus/smt_proof"
for f in sorted(os.listdir(d))[:3]:
    smt[f] = open(os.path.join(d, f), "rb").read()
root = hashlib.sha256(b"state").digest()
h1 = header(1, 1700000000000, gen, root)
bid = hashlib.sha256(h1).digest()
c1 = cert(1, bid)
seeds = {}
for name, pr in smt.items():
    seeds["state_" + name] = bundle(h1, c1, 1, pr, b"D/dev-1", b"record")
    seeds["absent_" + name] = bundle(h1, c1, 1, pr, b"D/dev-9")
leaf = hashlib.sha256(b"tx").digest() + b"\0\0\0\0"
h1h = header(1, 1700000000000, gen, root, hashlib.sha256(b"\0" + leaf).digest(), 1)
bidh = hashlib.sha256(h1h).digest()
seeds["history_ok"] = bundle(h1h, cert(1, bidh), 2, cbor2.dumps([0, 1, []]), leaf, b"tx")
seeds["history_badtx"] = bundle(h1h, cert(1, bidh), 2, cbor2.dumps([0, 1, []]), leaf, b"ty")
seeds["with_valset"] = bundle(header(1, 1700000000000, gen, root, vh=hashlib.sha256(b"x").digest()),
                              c1, 1, b"\x80", b"k", None, vs)
seeds["future"] = bundle(header(1, 1900000000000, gen, root), c1, 1, b"\x80", b"k")
other = nacl.signing.SigningKey(bytes([2]) * 32)
seeds["forged_sig"] = bundle(h1, cert(1, bid, other), 1, b"\x80", b"k")
seeds["not_a_map"] = cbor2.dumps([1, 2, 3])
for k, v in seeds.items():
    open(os.path.join(out, k), "wb").write(v)
print(len(seeds), "seeds")
