#!/usr/bin/python3
"""A lying node for tests/sh/test_fleet.sh: an HTTP proxy in front of a real
node that passes everything through, except that in every proof bundle of a
device record (GET /v1/devices/ID?format=bundle) it flips one bit of the
record (the bundle's last field). A device must refuse such an answer.
Usage: fleet_liar.py LISTEN_PORT UPSTREAM_URL"""
import sys
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PORT, UP = int(sys.argv[1]), sys.argv[2].rstrip("/")


class Liar(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"

    def log_message(self, *a):
        pass

    def relay(self, method):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else None
        req = urllib.request.Request(UP + self.path, data=body, method=method)
        for h in ("Accept", "Content-Type"):
            if self.headers.get(h):
                req.add_header(h, self.headers[h])
        try:
            with urllib.request.urlopen(req, timeout=20) as r:
                status, ctype, data = r.status, r.headers.get("Content-Type", ""), r.read()
        except urllib.error.HTTPError as e:
            status, ctype, data = e.code, e.headers.get("Content-Type", ""), e.read()
        if ctype.startswith("application/cbor") and self.path.startswith("/v1/devices/") and len(data) > 8:
            data = bytearray(data)
            data[-3] ^= 0x01  # inside the D record: the lie
            data = bytes(data)
        self.send_response(status)
        self.send_header("Content-Type", ctype or "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        self.relay("GET")

    def do_POST(self):
        self.relay("POST")


ThreadingHTTPServer(("127.0.0.1", PORT), Liar).serve_forever()
