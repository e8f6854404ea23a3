#!/usr/bin/env bash
# `make device-size`: cross-compiles the device SDK (tcdev) for a Cortex-M4
# and prints its size (DESIGN.md, Device SDK; issue 7 item 5):
#
#   text: N bytes, data: N bytes, bss: N bytes, stack: N bytes
#
# then a per-file breakdown, the deepest call chain, and the targets
# (<= 24 KiB .text, <= 1 KiB static RAM = data + bss, <= 4 KiB stack).
# Missing a target is reported, not an error; the exit status is non-zero
# only when a file does not compile or an object uses a banned symbol.
#
# The SDK here is device/*.c plus the core/ files marked `tc:device-shared`,
# WITHOUT the crypto port (core/crypto_sodium.c, or a board's own port):
# sizes and stack exclude SHA-256, X25519, ChaCha20-Poly1305 and libc
# (memcpy, memset, strlen, __assert_func, libgcc helpers).
#
# Stack method: gcc writes each function's own frame (-fstack-usage, .su) and
# the static call graph (-fcallgraph-info=su, .ci). The worst case is the
# largest sum of frames along any call path, over every function as a root.
# Limits: calls leaving the SDK (crypto port, libc) count 0 bytes; indirect
# calls (function pointers) are invisible to the graph; recursion makes the
# bound infinite (reported as such); frames marked "dynamic" (alloca/VLA,
# forbidden by -Wvla) would be underestimated and are flagged.
set -euo pipefail
cd "$(dirname "$0")/.."

CC=${ARM_CC:-arm-none-eabi-gcc}
SIZE=${ARM_SIZE:-arm-none-eabi-size}
NM=${ARM_NM:-arm-none-eabi-nm}
for t in "$CC" "$SIZE" "$NM"; do
  command -v "$t" >/dev/null || { echo "device-size: $t not found (scripts/deps.sh installs gcc-arm-none-eabi)" >&2; exit 2; }
done

OUT=build/device-size
rm -rf "$OUT" && mkdir -p "$OUT"
# Warnings are shown, not fatal here: the host build (-Werror, gcc and clang)
# and scripts/check_layers.sh judge the code; this script measures it. A
# 32-bit target does surface warnings a 64-bit host cannot (size_t is 32 bits).
FLAGS=(-DTC_ERRORS_MINIMAL -DTCDEV_NOISE_CORE_PATTERNS -DTC_CBOR_NO_FLOAT -std=c99 -pedantic -Wall -Wextra -Wvla -Os -mcpu=cortex-m4 -mthumb
       -ffunction-sections -fdata-sections -fstack-usage -fcallgraph-info=su -Iinclude)

srcs=()
for f in device/*.c; do [ -f "$f" ] && srcs+=("$f"); done
for f in $(grep -l 'tc:device-shared' core/*.c 2>/dev/null || true); do
  [ "$f" = core/crypto_sodium.c ] || srcs+=("$f")
done
# Extra sources (space-separated), used by tests/sh/test_device_size.sh to
# show that the symbol check catches a file that allocates.
for f in ${DEVICE_SIZE_EXTRA:-}; do srcs+=("$f"); done
[ ${#srcs[@]} -gt 0 ] || { echo "device-size: no device sources" >&2; exit 1; }

status=0
objs=()
for f in "${srcs[@]}"; do
  o="$OUT/$(echo "${f%.c}" | sed 's|^/||' | tr / _).o"
  # gcc >= 11 writes the .su and .ci files beside the object named by -o.
  if ! "$CC" "${FLAGS[@]}" -c -o "$o" "$f" 2>"$OUT/err"; then
    echo "device-size: $f does not compile for Cortex-M4:" >&2; head -c 1500 "$OUT/err" >&2; status=1; continue
  fi
  if grep -q 'warning:' "$OUT/err"; then
    echo "warning: $f (Cortex-M4, 32-bit): $(grep -m1 'warning:' "$OUT/err" | sed 's/^[^ ]* //')"
  fi
  objs+=("$o")
done
[ ${#objs[@]} -gt 0 ] || exit 1

# Banned symbols: the SDK never allocates, prints or reads a clock.
BANNED='^(malloc|calloc|realloc|free|printf|fprintf|sprintf|snprintf|vsnprintf|vprintf|puts|putchar|fputs|fwrite|time|clock|clock_gettime|gettimeofday|_sbrk|sbrk|_malloc_r|_free_r|_printf_r|rand|srand)$'
bad=""
for o in "${objs[@]}"; do
  s=$("$NM" -u "$o" | awk '{print $2}' | grep -E "$BANNED" || true)
  [ -n "$s" ] && bad="$bad ${o##*/}: $(echo $s);"
done
if [ -n "$bad" ]; then echo "symbols: FAILED: banned symbols:$bad"; status=1
else echo "symbols: ok (no malloc/free/printf/time in ${#objs[@]} objects)"; fi

/usr/bin/python3 - "$OUT" "$SIZE" "${objs[@]}" <<'PY'
import os, re, subprocess, sys
out, size_tool, objs = sys.argv[1], sys.argv[2], sys.argv[3:]
rows, tot = [], [0, 0, 0]
for o in objs:
    line = subprocess.run([size_tool, "-B", o], capture_output=True, text=True, check=True).stdout.splitlines()[1]
    t, d, b = (int(x) for x in line.split()[:3])
    tot[0] += t; tot[1] += d; tot[2] += b
    rows.append((o, t, d, b))

# call graph: every .ci file; defined nodes carry "N bytes (qualifiers)"
frame, quals, edges = {}, {}, {}
node_re = re.compile(r'node: \{ title: "([^"]+)" label: "([^"]*)"')
edge_re = re.compile(r'edge: \{ sourcename: "([^"]+)" targetname: "([^"]+)"')
for o in objs:
    ci = o[:-2] + ".ci"
    for ln in open(ci):
        m = node_re.search(ln)
        if m:
            sm = re.search(r'\\n(\d+) bytes \(([^)]*)\)', m.group(2))
            if sm:
                frame[m.group(1)] = int(sm.group(1)); quals[m.group(1)] = sm.group(2)
            continue
        m = edge_re.search(ln)
        if m:
            edges.setdefault(m.group(1), set()).add(m.group(2))
# the same static/global name across files: .ci titles are "file:func" for statics
memo, onstack, recursive = {}, set(), []
def worst(f):
    if f in memo: return memo[f]
    if f in onstack:
        recursive.append(f); return (0, [f])
    onstack.add(f)
    best = (0, [])
    for g in edges.get(f, ()):
        c = worst(g)
        if c[0] > best[0]: best = c
    onstack.discard(f)
    r = (frame.get(f, 0) + best[0], [f] + best[1])
    memo[f] = r
    return r
top = max((worst(f) for f in frame), default=(0, []))
stack = "infinite (recursion)" if recursive else str(top[0])
print("text: %d bytes, data: %d bytes, bss: %d bytes, stack: %s bytes" % (tot[0], tot[1], tot[2], stack))
print()
print("%-34s %8s %6s %6s %10s" % ("file", "text", "data", "bss", "max frame"))
for o, t, d, b in rows:
    base = os.path.basename(o)[:-2]
    fr = 0
    for ln in open(o[:-2] + ".su"):
        parts = ln.rstrip("\n").split("\t")
        if len(parts) >= 2: fr = max(fr, int(parts[1]))
    print("%-34s %8d %6d %6d %10d" % (base, t, d, b, fr))
print("%-34s %8d %6d %6d" % ("total", tot[0], tot[1], tot[2]))
print()
chain = [f.split(":")[-1] + "(%d)" % frame[f] if f in frame else f + "(port/libc: not counted)" for f in top[1]]
print("deepest call chain: " + " -> ".join(chain))
dyn = sorted(f for f, q in quals.items() if "dynamic" in q)
if dyn: print("warning: dynamic stack frames (underestimated): " + ", ".join(dyn))
if recursive: print("warning: recursion through: " + ", ".join(sorted(set(recursive))))
ram = tot[1] + tot[2]
def tgt(name, val, lim):
    return "%s %s (%d / %d)" % (name, "met" if val <= lim else "MISSED", val, lim)
print("targets: " + "; ".join([tgt(".text <= 24 KiB", tot[0], 24576), tgt("static RAM <= 1 KiB", ram, 1024),
      tgt("stack <= 4 KiB", top[0] if not recursive else 1 << 30, 4096)]))
PY
exit $status
