#!/usr/bin/env bash
# The layer check (DESIGN.md, Conventions): core/ and device/ are pure.
#  1. no OS headers in core/ or device/; no stdio/stdlib in device/ or in the
#     core/ files shared with the device (marker `tc:device-shared`);
#  2. the device SDK (device/*.c + shared core files) compiles as C99
#     -pedantic -Werror with gcc and clang;
#  3. no OS or libc I/O symbols in core objects; allocation only in core/alloc.c;
#     no malloc/free/printf/time symbols at all in the device objects.
# Prints "N passed, N failed".
set -u
cd "$(dirname "$0")/.."
pass=0 fail=0
ok()  { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "layer violation: $*"; }

OS_HDR='^[[:space:]]*#[[:space:]]*include[[:space:]]*<(unistd|fcntl|pthread|time|signal|dirent|dlfcn|netdb|poll|errno|sqlite3|uv|microhttpd|jansson|sodium|threads|setjmp|locale)\.h>|^[[:space:]]*#[[:space:]]*include[[:space:]]*<(sys|arpa|netinet|linux|sodium)/'
DEV_HDR='^[[:space:]]*#[[:space:]]*include[[:space:]]*<(stdio|stdlib|malloc|math)\.h>'

shared=$(grep -l 'tc:device-shared' core/*.c 2>/dev/null || true)
device=$(ls device/*.c 2>/dev/null || true)

# Public headers count as core/device code when core/ or device/ include them,
# directly or through other headers (io/ and daemon/ headers may use the OS).
pure_headers() {
  local queue seen="" h inc
  queue=$(cat core/*.[ch] device/*.[ch] 2>/dev/null | sed -nE 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"((tc|tcdev)\/[^"]+)".*/include\/\1/p' | sort -u)
  while [ -n "$queue" ]; do
    local next=""
    for h in $queue; do
      case " $seen " in *" $h "*) continue;; esac
      seen="$seen $h"
      [ -f "$h" ] || continue
      inc=$(sed -nE 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"((tc|tcdev)\/[^"]+)".*/include\/\1/p' "$h")
      next="$next $inc"
    done
    queue=$(echo $next | tr ' ' '\n' | sort -u)
  done
  echo $seen
}

# 1. headers. libsodium is allowed in core only in the crypto port file.
for f in core/*.c core/*.h device/*.c device/*.h $(pure_headers); do
  [ -f "$f" ] || continue
  hits=$(grep -nE "$OS_HDR" "$f" | grep -v 'sodium' || true)
  if [ "$f" != core/crypto_sodium.c ]; then
    hits="$hits$(grep -nE '#[[:space:]]*include[[:space:]]*<sodium' "$f" || true)"
  fi
  if [ -n "$hits" ]; then bad "$f includes an OS header: $hits"; else ok; fi
done
for f in $shared $device; do
  hits=$(grep -nE "$DEV_HDR" "$f" || true)
  if [ -n "$hits" ]; then bad "$f (device code) includes: $hits"; else ok; fi
done

# 2. the device SDK compiles as strict C99 with both compilers.
out=build/layercheck
mkdir -p "$out/gcc" "$out/clang"
for cc in gcc clang; do
  for f in $shared $device; do
    o="$out/$cc/$(echo "$f" | tr / _).o"
    if $cc -std=c99 -pedantic -Wall -Wextra -Werror -Wvla -Os -Iinclude -c -o "$o" "$f" 2>"$out/err"; then ok
    else bad "$f does not compile as C99 with $cc: $(head -c 600 "$out/err")"; fi
  done
done

# 3. symbols.
DEV_BANNED='^(malloc|calloc|realloc|free|printf|fprintf|sprintf|snprintf|vsnprintf|puts|putchar|time|clock|clock_gettime|gettimeofday|rand|srand|random|abort|exit)$'
for o in "$out"/gcc/*.o; do
  [ -f "$o" ] || continue
  syms=$(nm -u "$o" | awk '{print $2}' | grep -E "$DEV_BANNED" || true)
  if [ -n "$syms" ]; then bad "device object ${o##*/} uses: $(echo $syms)"; else ok; fi
done
CORE_BANNED='^(fopen|fclose|fread|fwrite|fprintf|printf|puts|fputs|fputc|putchar|open|close|read|write|socket|connect|bind|listen|accept|send|recv|time|clock|clock_gettime|gettimeofday|rand|srand|random|getrandom|getenv|exit|_exit|fork|pthread_.*|sqlite3_.*|uv_.*|MHD_.*|json_.*|sleep|usleep|nanosleep|stat|fstat|unlink|mkdir|fsync)$'
mkdir -p "$out/core"
for f in core/*.c; do
  [ -f "$f" ] || continue
  o="$out/core/$(basename "$f" .c).o"
  if ! gcc -std=c11 -D_GNU_SOURCE -O1 -Iinclude -c -o "$o" "$f" 2>"$out/err"; then
    bad "$f does not compile: $(head -c 400 "$out/err")"; continue
  fi
  syms=$(nm -u "$o" | awk '{print $2}' | grep -E "$CORE_BANNED" || true)
  if [ "$f" != core/alloc.c ]; then
    syms="$syms $(nm -u "$o" | awk '{print $2}' | grep -E '^(malloc|calloc|realloc|free|strdup)$' || true)"
  fi
  syms=$(echo $syms)
  if [ -n "$syms" ]; then bad "core object ${o##*/} calls the OS or allocates outside tc_malloc: $syms"; else ok; fi
done

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
