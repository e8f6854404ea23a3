#!/usr/bin/env bash
# Firmware chunk serving over loopback (issue 8; docs/firmware-ops.md,
# "Figures"): a 1-validator node (build/rel) holding a 32 MiB image in
# 4 KiB chunks serves it (a) whole, (b) in 1 MiB Range requests, (c) in
# 64 KiB Range requests (a device-sized window), and the chunk paths;
# beside two references measured in the same run with the same client:
# the same bytes over a plain loopback TCP socket (sendfile from the page
# cache) and reading the file from the page cache. Prints figures and
# ratios; never passes or fails (exit 1 only if the set-up breaks).
set -u
cd "$(dirname "$0")/.."
REL=${TC_REL:-build/rel}
T=$REL/thingchain D=$REL/thingchaind PY=/usr/bin/python3
tmp=$(mktemp -d); pid=
trap '[ -n "$pid" ] && kill -9 $pid 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"' EXIT
BASE=$((30000 + (RANDOM % 900) * 2))
"$T" net init --validators 1 --dir "$tmp/net" --base-port $BASE >/dev/null || exit 1
"$D" --config "$tmp/net/node0/node.conf" --log-level error 2>"$tmp/node.log" & pid=$!
U=http://127.0.0.1:$((BASE + 1))
for _ in $(seq 1 50); do curl -s -o /dev/null "$U/healthz" && break; sleep 0.1; done
head -c $((32 << 20)) /dev/urandom >"$tmp/img"
"$T" firmware upload --node "$U" "$tmp/img" --chunk-size 4096 >/dev/null 2>"$tmp/up" || { cat "$tmp/up"; exit 1; }
DIG=$(sha256sum "$tmp/img" | cut -c1-64)
$PY - "$U" "$DIG" "$tmp/img" <<'PYEOF'
import os, socket, sys, threading, time
url, dig, path = sys.argv[1], sys.argv[2], sys.argv[3]
host, port = url[7:].split(":")
port = int(port)
size = os.path.getsize(path)
MB = 1 << 20

def http_get(p, rng=None):
    s = socket.create_connection((host, port))
    h = "GET %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n%s\r\n" % (p, "Range: bytes=%d-%d\r\n" % rng if rng else "")
    s.sendall(h.encode())
    got = 0
    buf = bytearray(1 << 20)
    while True:
        n = s.recv_into(buf)
        if not n: break
        got += n
    s.close()
    return got

def timed(fn, total_bytes, reps):
    best = 1e9
    for _ in range(reps):
        t = time.perf_counter(); fn(); best = min(best, time.perf_counter() - t)
    return total_bytes / best / MB

# reference 1: the page cache
def cache():
    with open(path, "rb") as f:
        while f.readinto(bytearray(1 << 20)): pass
ref_cache = timed(cache, size, 3)

# reference 2: plain loopback TCP, sendfile, same client loop
srv = socket.socket(); srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", 0)); srv.listen(8); rport = srv.getsockname()[1]
def serve():
    while True:
        c, _ = srv.accept()
        with open(path, "rb") as f: c.sendfile(f)
        c.close()
threading.Thread(target=serve, daemon=True).start()
def raw():
    s = socket.create_connection(("127.0.0.1", rport)); buf = bytearray(1 << 20)
    while s.recv_into(buf): pass
    s.close()
ref_raw = timed(raw, size, 3)

img = "/v1/firmware/%s/image" % dig
whole = timed(lambda: http_get(img), size, 3)
def ranges(step):
    def f():
        for a in range(0, size, step): http_get(img, (a, min(a + step, size) - 1))
    return f
r1m = timed(ranges(MB), size, 2)
r64k = timed(ranges(64 << 10), size, 1)
n = 2000
t = time.perf_counter()
for i in range(n): http_get("/v1/firmware/%s/path/%d" % (dig, (i * 7919) % (size // 4096)))
paths = n / (time.perf_counter() - t)
print("page cache read (reference)        %8.0f MB/s" % ref_cache)
print("plain loopback TCP (reference)     %8.0f MB/s   %.3f x page cache" % (ref_raw, ref_raw / ref_cache))
print("node: whole image (32 MiB)         %8.0f MB/s   %.3f x plain loopback" % (whole, whole / ref_raw))
print("node: 1 MiB Range requests         %8.0f MB/s   %.3f x plain loopback" % (r1m, r1m / ref_raw))
print("node: 64 KiB Range requests        %8.0f MB/s   %.3f x plain loopback" % (r64k, r64k / ref_raw))
print("node: chunk paths (8192 chunks)    %8.0f paths/s (one connection each)" % paths)
PYEOF
