"""Helpers for tests/sh/test_firmware_cli.sh (Debian python3, no extra modules).

  fw_helper.py declare URL IMAGE CHUNK      POST the image's chunk tree, then chunk 0 only
  fw_helper.py verify-path PROOF IMAGE CHUNK I ROOT
                                            RFC 9162 inclusion check of chunk I (exit 0/1)
  fw_helper.py serve DIR PORT               a plain static file server with single-range
                                            Range support, as nginx or any CDN has (Python's
                                            http.server alone has no Range); it knows nothing
                                            of thingchain: it stands for "any static server"
"""
import functools
import http.server
import os
import re
import hashlib
import json
import sys
import urllib.request


def leaves(img, cs):
    return [hashlib.sha256(b"\0" + img[i:i + cs]).digest() for i in range(0, len(img), cs)]


def mth(ls):
    if len(ls) == 1:
        return ls[0]
    k = 1
    while k * 2 < len(ls):
        k *= 2
    return hashlib.sha256(b"\1" + mth(ls[:k]) + mth(ls[k:])).digest()


def cbor_uint(b, i):
    ai = b[i] & 31
    if ai < 24:
        return ai, i + 1
    n = {24: 1, 25: 2, 26: 4, 27: 8}[ai]
    return int.from_bytes(b[i + 1:i + 1 + n], "big"), i + 1 + n


def decode_proof(b):
    assert b[0] == 0x83
    idx, i = cbor_uint(b, 1)
    size, i = cbor_uint(b, i)
    n, i = cbor_uint(b, i)
    hs = []
    for _ in range(n):
        ln, i = cbor_uint(b, i)
        hs.append(b[i:i + ln])
        i += ln
    return idx, size, hs


def verify(root, idx, size, leaf, path):
    # RFC 9162 section 2.1.3.2
    fn, sn, r = idx, size - 1, leaf
    for p in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = hashlib.sha256(b"\1" + p + r).digest()
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = hashlib.sha256(b"\1" + r + p).digest()
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


class RangeHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def do_GET(self):
        path = self.translate_path(self.path)
        m = re.fullmatch(r"bytes=(\d+)-(\d*)", self.headers.get("Range", ""))
        if not m or not os.path.isfile(path):
            return super().do_GET()
        data = open(path, "rb").read()
        a = int(m.group(1))
        b = min(int(m.group(2)) if m.group(2) else len(data) - 1, len(data) - 1)
        if a >= len(data):
            self.send_response(416)
            self.send_header("Content-Range", "bytes */%d" % len(data))
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(206)
        self.send_header("Content-Range", "bytes %d-%d/%d" % (a, b, len(data)))
        self.send_header("Content-Length", str(b - a + 1))
        self.end_headers()
        self.wfile.write(data[a:b + 1])


def main():
    cmd = sys.argv[1]
    if cmd == "declare":
        url, img, cs = sys.argv[2], open(sys.argv[3], "rb").read(), int(sys.argv[4])
        ls = leaves(img, cs)
        d = hashlib.sha256(img).hexdigest()
        meta = {"size": len(img), "chunk_size": cs, "root": mth(ls).hex(), "leaves": b"".join(ls).hex()}
        urllib.request.urlopen(urllib.request.Request(url + "/v1/firmware/" + d, json.dumps(meta).encode(), method="POST"))
        urllib.request.urlopen(urllib.request.Request(url + "/v1/firmware/%s/chunk/0" % d, img[:cs], method="POST"))
        print(d)
    elif cmd == "verify-path":
        proof, img, cs, i, root = open(sys.argv[2], "rb").read(), open(sys.argv[3], "rb").read(), int(sys.argv[4]), int(sys.argv[5]), bytes.fromhex(sys.argv[6])
        idx, size, hs = decode_proof(proof)
        leaf = hashlib.sha256(b"\0" + img[i * cs:(i + 1) * cs]).digest()
        ok = idx == i and size == len(leaves(img, cs)) and verify(root, idx, size, leaf, hs)
        bad = hashlib.sha256(b"\0" + img[i * cs:(i + 1) * cs] + b"x").digest()
        sys.exit(0 if ok and not verify(root, idx, size, bad, hs) else 1)
    elif cmd == "serve":
        h = functools.partial(RangeHandler, directory=sys.argv[2])
        http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[3])), h).serve_forever()


main()
