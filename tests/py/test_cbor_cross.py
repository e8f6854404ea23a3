#!/usr/bin/python3
"""Cross-check of our deterministic CBOR codec against Debian's python3-cbor2.

Both ways, on a few thousand generated values:
  1. cbor2 encodings of random Python values are accepted by our decoder and
     re-encoded identically by our encoder (`thingchain debug cbor-check`);
  2. our generated items (`thingchain debug cbor-gen`) decode in cbor2 and
     cbor2 re-encodes them to the same bytes;
  3. non-canonical variants made in Python (unsorted or duplicate keys,
     long-form integers and lengths, indefinite lengths, double-width floats)
     are rejected by us with the specific error.

One known difference is checked explicitly, not hidden: cbor2 5.4's
canonical=True sorts map keys length-first (RFC 7049 §3.9), RFC 8949 §4.2.1
sorts them bytewise. When the two orders differ, cbor2's bytes must be
rejected with CBOR_MAP_ORDER and the bytewise-sorted encoding (cbor2 bytes
for every key and value, pairs sorted by encoded key) accepted.

A second one: cbor2 5.4.6's C extension (_cbor2) writes floats with the
largest half-precision exponent (|v| in [32768, 65504]) as binary32, e.g.
65504.0 as fa477fe000, where RFC 8949 Appendix A says f97bff; its pure-Python
encoder gets it right. We encode with the pure-Python encoder and check the C
extension's output for those values is rejected (CBOR_NONCANONICAL_FLOAT).
Decoding goes through the pure-Python decoder too (its types feed the
pure-Python encoder), after checking the C extension decodes each item.
"""
import io
import math
import os
import random
import struct
import subprocess
import sys

import cbor2
import cbor2.decoder
import cbor2.encoder
import cbor2.types as T

THINGCHAIN = os.environ.get("THINGCHAIN", "build/asan/thingchain")
passed = failed = 0


def check(cond, what):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        if failed <= 20:
            print("FAIL:", what)


def run(args, data):
    p = subprocess.run([THINGCHAIN] + args, input=data, capture_output=True, timeout=120)
    if p.returncode != 0:
        print(p.stderr.decode(errors="replace"))
    return p.returncode, p.stdout


def tc_check(items):
    """Our verdict on each item: ('ok', bytes) or ('err', NAME)."""
    rc, out = run(["debug", "cbor-check"], "".join(x.hex() + "\n" for x in items).encode())
    assert rc == 0, "debug cbor-check failed"
    res = []
    for line in out.decode().splitlines():
        f = line.split()
        res.append(("ok", bytes.fromhex(f[1]) if len(f) > 1 else b"") if f[0] == "ok" else ("err", f[1]))
    assert len(res) == len(items)
    return res


def dumps(v, canonical=True):
    """cbor2's pure-Python encoder (see the module docstring)."""
    fp = io.BytesIO()
    cbor2.encoder.CBOREncoder(fp, canonical=canonical).encode(v)
    return fp.getvalue()


def head(major, n):
    if n < 24:
        return bytes([major << 5 | n])
    for ai, fmt in ((24, ">B"), (25, ">H"), (26, ">I"), (27, ">Q")):
        if n < 1 << (8 * struct.calcsize(fmt)):
            return bytes([major << 5 | ai]) + struct.pack(fmt, n)
    raise ValueError(n)


def det(v):
    """RFC 8949 §4.2.1 bytes: cbor2 canonical for every leaf, maps sorted bytewise."""
    if isinstance(v, dict):
        pairs = sorted((det(k), det(x)) for k, x in v.items())
        return head(5, len(pairs)) + b"".join(k + x for k, x in pairs)
    if isinstance(v, list):
        return head(4, len(v)) + b"".join(det(x) for x in v)
    if isinstance(v, T.CBORTag):
        return head(6, v.tag) + det(v.value)
    return dumps(v)


TAGS = [6, 18, 21, 23, 24, 32, 61, 200, 1000, 65536, 1 << 32]


def rand_int(r):
    e = r.choice([0, 5, 8, 16, 32, 64])
    v = r.getrandbits(e) if e else r.randrange(24)
    v = min(v, (1 << 64) - 1)
    return v if r.random() < 0.5 else -1 - v


def rand_float(r):
    k = r.randrange(6)
    if k == 0:
        return r.choice([0.0, -0.0, 1.5, 65504.0, 100000.0, 1.1, math.inf, -math.inf, math.nan, 5.960464477539063e-8])
    if k == 1:
        return struct.unpack(">e", struct.pack(">H", r.getrandbits(16)))[0]
    if k == 2:
        return struct.unpack(">f", struct.pack(">I", r.getrandbits(32)))[0]
    return struct.unpack(">d", struct.pack(">Q", r.getrandbits(64)))[0]


def rand_text(r, n):
    out = []
    for _ in range(r.randrange(n + 1)):
        c = r.choice([r.randrange(0x20, 0x7f), r.randrange(0x80, 0x800), r.randrange(0x800, 0xd800),
                      r.randrange(0xe000, 0x10000), r.randrange(0x10000, 0x110000)])
        out.append(chr(c))
    return "".join(out)


def rand_key(r):
    k = r.randrange(3)
    return rand_int(r) if k == 0 else rand_text(r, 3) if k == 1 else r.randbytes(r.randrange(4))


def rand_value(r, depth):
    k = r.randrange(10 if depth else 7)
    if k == 0:
        return rand_int(r)
    if k == 1:
        return rand_float(r)
    if k == 2:
        return r.randbytes(r.randrange(30))
    if k == 3:
        return rand_text(r, 20)
    if k == 4:
        return r.choice([True, False, None, T.undefined, T.CBORSimpleValue(r.randrange(20)),
                         T.CBORSimpleValue(r.randrange(32, 256))])
    if k == 5:
        return r.randrange(-1000, 1000)
    if k == 6:
        return rand_text(r, 3)
    if k == 7:
        return [rand_value(r, depth - 1) for _ in range(r.randrange(5))]
    if k == 8:
        return {rand_key(r): rand_value(r, depth - 1) for _ in range(r.randrange(6))}
    return T.CBORTag(r.choice(TAGS), rand_value(r, depth - 1))


def python_to_us(r):
    values = [rand_value(r, 3) for _ in range(2000)]
    cb = [dumps(v) for v in values]
    dt = [det(v) for v in values]
    ours_cb = tc_check(cb)
    ours_dt = tc_check(dt)
    differ = 0
    for c, d, oc, od in zip(cb, dt, ours_cb, ours_dt):
        check(od == ("ok", d), "bytewise-sorted %s -> %s" % (d.hex(), od))
        if c == d:
            check(oc == ("ok", c), "cbor2 canonical %s -> %s" % (c.hex(), oc))
        else:
            differ += 1
            check(oc == ("err", "CBOR_MAP_ORDER"), "length-first order %s -> %s" % (c.hex(), oc))
    check(differ > 10, "the generator made maps where length-first and bytewise orders differ (%d)" % differ)


def us_to_python():
    rc, out = run(["debug", "cbor-gen", "--seed", "777", "--count", "2000", "--depth", "3", "--hex"], b"")
    check(rc == 0, "debug cbor-gen exit code")
    items = [bytes.fromhex(x) for x in out.decode().split()]
    check(len(items) == 2000, "cbor-gen gave 2000 items")
    same = 0
    for b in items:
        try:
            cbor2.loads(b)  # the C extension decodes it too
            v = cbor2.decoder.loads(b)
        except Exception as e:  # noqa: BLE001 - report any cbor2 failure
            check(False, "cbor2 cannot decode %s: %s" % (b.hex(), e))
            continue
        check(det(v) == b, "cbor2 leaves + bytewise maps re-encode %s as %s" % (b.hex(), det(v).hex()))
        c = dumps(v)
        if c == b:
            same += 1
        else:  # only map order may differ: then the bytes are a permutation within maps
            check(len(c) == len(b) and sorted(c) == sorted(b), "cbor2 canonical %s vs ours %s" % (c.hex(), b.hex()))
    check(same > 1000, "most items re-encode identically in cbor2 canonical mode (%d)" % same)


def long_form(n, major=0):
    """n with a one-size-too-long head."""
    if n < 24:
        return bytes([major << 5 | 24, n])
    h = head(major, n)
    size = {2: 1, 3: 2, 5: 4}.get(len(h), 8)
    if size == 8:
        return None
    fmt = {1: ">H", 2: ">I", 4: ">Q"}[size]
    return bytes([major << 5 | {1: 25, 2: 26, 4: 27}[size]]) + struct.pack(fmt, n)


def noncanonical(r):
    cases = []  # (bytes, expected error name)
    for _ in range(300):
        v = rand_int(r)
        n, major = (v, 0) if v >= 0 else (-1 - v, 1)
        lf = long_form(n, major)
        if lf:
            cases.append((lf, "CBOR_NONCANONICAL_INT"))
        s = r.randbytes(r.randrange(1, 30))
        cases.append((long_form(len(s), 2) + s, "CBOR_NONCANONICAL_INT"))
        cases.append((head(4, 1) + lf if lf else head(4, 1) + bytes([0x18, 0]), "CBOR_NONCANONICAL_INT"))
        # indefinite lengths
        items = [rand_value(r, 1) for _ in range(r.randrange(3))]
        cases.append((b"\x9f" + b"".join(det(x) for x in items) + b"\xff", "CBOR_INDEFINITE"))
        cases.append((b"\x5f" + det(s) + b"\xff", "CBOR_INDEFINITE"))
        t = rand_text(r, 5)
        cases.append((b"\x7f" + det(t) + b"\xff", "CBOR_INDEFINITE"))
        cases.append((b"\x82\x01\xbf\xff", "CBOR_INDEFINITE"))
        # floats that fit a shorter width, as cbor2 writes them without canonical=True
        f = rand_float(r)
        c = dumps(f)
        nc = dumps(f, canonical=False)
        if nc != c:
            cases.append((nc, "CBOR_NONCANONICAL_FLOAT"))
        # maps: unsorted (cbor2 keeps insertion order without canonical=True), duplicates
        keys = {rand_key(r) for _ in range(r.randrange(2, 6))}
        pairs = sorted((det(k), det(rand_value(r, 1))) for k in keys)
        if len(pairs) >= 2:
            i = r.randrange(len(pairs) - 1)
            pairs[i], pairs[i + 1] = pairs[i + 1], pairs[i]
            cases.append((head(5, len(pairs)) + b"".join(k + x for k, x in pairs), "CBOR_MAP_ORDER"))
            rev = dict(sorted(((k, 0) for k in keys), key=lambda kv: det(kv[0]), reverse=True))
            cases.append((dumps(rev, canonical=False), "CBOR_MAP_ORDER"))
            pairs.sort()
            j = r.randrange(len(pairs))
            dup = pairs[:j + 1] + [(pairs[j][0], det(None))] + pairs[j + 1:]
            cases.append((head(5, len(dup)) + b"".join(k + x for k, x in dup), "CBOR_MAP_DUP"))
    got = tc_check([c for c, _ in cases])
    for (b, want), res in zip(cases, got):
        check(res == ("err", want), "%s: want %s, got %s" % (b.hex(), want, res))


def cbor2_c_extension_half_floats():
    vals = [65504.0, 32768.0, -57344.0, 40000.0]
    c_ext = [cbor2.dumps(v, canonical=True) for v in vals]
    py = [dumps(v) for v in vals]
    check(py[0] == bytes.fromhex("f97bff"), "pure-Python cbor2 encodes 65504.0 as in RFC 8949 Appendix A")
    for v, c, p, oc, op in zip(vals, c_ext, py, tc_check(c_ext), tc_check(py)):
        check(len(p) == 3 and op == ("ok", p), "%r: pure-Python %s -> %s" % (v, p.hex(), op))
        if c != p:  # fixed in a later cbor2: then both must agree
            check(oc == ("err", "CBOR_NONCANONICAL_FLOAT"), "%r: C extension %s -> %s" % (v, c.hex(), oc))


def main():
    r = random.Random(20240601)
    python_to_us(r)
    us_to_python()
    noncanonical(r)
    cbor2_c_extension_half_floats()
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
