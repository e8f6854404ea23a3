#!/usr/bin/python3
"""COSE_Sign1 cross-check against independent implementations: Debian's
python3-cbor2 (CBOR) and python3-nacl (Ed25519). Objects built here are
verified by `thingchain debug cose-verify`; objects made by `thingchain debug
cose-sign` are verified here; tampered ones are rejected by both; and with the
same key, kid, AAD and payload both sides produce identical bytes (Ed25519 is
deterministic, the encoding is deterministic CBOR). Prints "N passed, N failed".
"""
import hashlib
import os
import random
import subprocess
import sys
import tempfile

import cbor2
import nacl.exceptions
import nacl.signing

THINGCHAIN = os.environ.get("THINGCHAIN", "build/asan/thingchain")
passed = failed = 0


def check(cond, what):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAIL:", what)


def keyid(pub):
    return hashlib.sha256(b"thingchain/keyid/v1" + pub).digest()[:16]


def py_sign1(sk, payload, aad=b"", kid=None, tagged=True, prot_map=None, unprot=None):
    pub = bytes(sk.verify_key)
    if prot_map is None:
        prot_map = {1: -8, 4: kid if kid is not None else keyid(pub)}
    prot = cbor2.dumps(prot_map, canonical=True) if prot_map else b""
    tbs = cbor2.dumps(["Signature1", prot, aad, payload], canonical=True)
    sig = sk.sign(tbs).signature
    body = [prot, unprot or {}, payload, sig]
    return cbor2.dumps(cbor2.CBORTag(18, body) if tagged else body, canonical=True)


def py_verify1(pub, data, aad=b""):
    obj = cbor2.loads(data)
    if isinstance(obj, cbor2.CBORTag):
        if obj.tag != 18:
            return False
        obj = obj.value
    prot, _unprot, payload, sig = obj
    hdr = cbor2.loads(prot) if prot else {}
    if hdr.get(1) != -8:
        return False
    tbs = cbor2.dumps(["Signature1", prot, aad, payload], canonical=True)
    try:
        nacl.signing.VerifyKey(pub).verify(tbs, sig)
        return True
    except nacl.exceptions.BadSignatureError:
        return False


def run(args, stdin_bytes=None):
    p = subprocess.run([THINGCHAIN] + args, input=stdin_bytes, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE)
    return p.returncode, p.stdout, p.stderr


def tc_verify(path, pub, aad=b""):
    args = ["debug", "cose-verify", "--pub", pub.hex()]
    if aad:
        args += ["--aad", aad.hex()]
    return run(args + [path])[0]


def main():
    rnd = random.Random(20260101)
    tmp = tempfile.mkdtemp()
    path = os.path.join(tmp, "obj")
    sizes = [0, 1, 23, 24, 255, 256, 1000, 65536 + 7]
    for i, size in enumerate(sizes):
        seed = bytes(rnd.getrandbits(8) for _ in range(32))
        sk = nacl.signing.SigningKey(seed)
        pub = bytes(sk.verify_key)
        payload = bytes(rnd.getrandbits(8) for _ in range(size))
        aad = b"" if i % 2 == 0 else bytes(rnd.getrandbits(8) for _ in range(i * 5))
        kid = None if i % 3 else b"kid-%d" % i

        # Python -> thingchain
        theirs = py_sign1(sk, payload, aad, kid, tagged=(i % 4 != 1))
        open(path, "wb").write(theirs)
        check(tc_verify(path, pub, aad) == 0, "thingchain verifies python object %d" % i)
        bad = bytearray(theirs)
        bad[-1 - rnd.randrange(64)] ^= 1 << rnd.randrange(8)  # inside the signature
        open(path, "wb").write(bytes(bad))
        check(tc_verify(path, pub, aad) == 1, "thingchain rejects tampered python object %d" % i)
        open(path, "wb").write(theirs)
        check(tc_verify(path, pub, aad + b"x") == 1, "thingchain rejects wrong aad %d" % i)

        # thingchain -> Python
        open(path + ".in", "wb").write(payload)
        args = ["debug", "cose-sign", "--seed", seed.hex()]
        if kid is not None:
            args += ["--kid", kid.hex()]
        if aad:
            args += ["--aad", aad.hex()]
        rc, ours, err = run(args + [path + ".in"])
        check(rc == 0, "cose-sign %d: %s" % (i, err.decode(errors="replace")))
        check(py_verify1(pub, ours, aad), "python verifies thingchain object %d" % i)
        obj = cbor2.loads(ours)
        check(isinstance(obj, cbor2.CBORTag) and obj.tag == 18, "tag 18 on object %d" % i)
        hdr = cbor2.loads(obj.value[0])
        check(hdr == {1: -8, 4: kid if kid is not None else keyid(pub)},
              "protected header of object %d: %r" % (i, hdr))
        check(obj.value[1] == {} and obj.value[2] == payload, "unprotected/payload %d" % i)
        # identical bytes from both implementations
        check(ours == py_sign1(sk, payload, aad, kid, tagged=True), "byte-identical object %d" % i)
        tampered = bytearray(ours)
        if payload:
            tampered[len(ours) - 66 - 1] ^= 0x40  # last payload byte
        else:
            tampered[-5] ^= 0x40
        check(not py_verify1(pub, bytes(tampered), aad), "python rejects tampered object %d" % i)
        open(path, "wb").write(bytes(tampered))
        check(tc_verify(path, pub, aad) == 1, "thingchain rejects tampered object %d" % i)

    # Profile variants built independently.
    sk = nacl.signing.SigningKey(bytes(range(32)))
    pub = bytes(sk.verify_key)
    cases = [
        ("kid unprotected", dict(prot_map={1: -8}, unprot={4: b"k1"}), 0),
        ("content type", dict(prot_map={1: -8, 3: 0}), 0),
        ("crit [4] understood", dict(prot_map={1: -8, 2: [4], 4: b"k"}), 0),
        ("unknown non-critical label", dict(prot_map={1: -8, 99: "x"}), 0),
        ("alg ES256", dict(prot_map={1: -7}), 1),
        ("no alg", dict(prot_map={4: b"k"}), 1),
        ("alg unprotected", dict(prot_map={}, unprot={1: -8}), 1),
        ("crit unknown", dict(prot_map={1: -8, 2: [99], 99: 1}), 1),
        ("kid both buckets", dict(prot_map={1: -8, 4: b"a"}, unprot={4: b"a"}), 1),
    ]
    for name, kw, want in cases:
        open(path, "wb").write(py_sign1(sk, b"payload", **kw))
        check(tc_verify(path, pub) == want, "profile case '%s' exits %d" % (name, want))
    # Detached payload (nil): refused.
    prot = cbor2.dumps({1: -8}, canonical=True)
    sig = sk.sign(cbor2.dumps(["Signature1", prot, b"", b"p"])).signature
    open(path, "wb").write(cbor2.dumps(cbor2.CBORTag(18, [prot, {}, None, sig])))
    rc = tc_verify(path, pub)
    check(rc == 1, "detached payload refused")

    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
