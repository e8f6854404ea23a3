#!/usr/bin/env bash
# `thingchain debug merkle-*` (cli/cmd_debug_merkle.c): the fixed CLI
# contracts, checked against an independent Python implementation of
# RFC 9162 §2.1 (hashlib, written from the RFC's MTH/PATH/PROOF definitions)
# and against the published certificate-transparency test vectors.
set -u
cd "$(dirname "$0")/../.."
T=${THINGCHAIN:-build/asan/thingchain}
PY=/usr/bin/python3
. tests/sh/lib.sh
# Run a private copy: a parallel `make` relinking the binary mid-run would
# otherwise fail a few hundred invocations with "Permission denied".
cp "$T" "$tmp/thingchain" && T="$tmp/thingchain"

expect_rc() { # want_rc description command...
  local want=$1 what=$2; shift 2
  "$@" >"$tmp/out" 2>"$tmp/err" </dev/null; local rc=$?
  if [ $rc -eq "$want" ]; then ok; else bad "$what: exit $rc, want $want: $(head -c 300 "$tmp/err")"; fi
}

cat >"$tmp/ref.py" <<'PY'
# Independent RFC 9162 §2.1 reference: python3 ref.py root|path I|proof M FILE
import hashlib, sys
def H(b): return hashlib.sha256(b).digest()
def k_of(n):
    k = 1
    while k * 2 < n: k *= 2
    return k
def mth(d):
    if len(d) == 0: return H(b"")
    if len(d) == 1: return H(b"\x00" + d[0])
    k = k_of(len(d))
    return H(b"\x01" + mth(d[:k]) + mth(d[k:]))
def path(m, d):
    if len(d) == 1: return []
    k = k_of(len(d))
    if m < k: return path(m, d[:k]) + [mth(d[k:])]
    return path(m - k, d[k:]) + [mth(d[:k])]
def subproof(m, d, b):
    if m == len(d): return [] if b else [mth(d)]
    k = k_of(len(d))
    if m <= k: return subproof(m, d[:k], b) + [mth(d[k:])]
    return subproof(m - k, d[k:], False) + [mth(d[:k])]
def proof(m, d):
    return [] if m in (0, len(d)) else subproof(m, d, True)
raw = open(sys.argv[-1], "rb").read().decode()
lines = raw.split("\n")
if lines and lines[-1] == "": lines.pop()          # POSIX lines
leaves = [bytes.fromhex(l.rstrip("\r")) for l in lines]
cmd = sys.argv[1]
if cmd == "root": out = [mth(leaves)]
elif cmd == "path": out = path(int(sys.argv[2]), leaves)
elif cmd == "proof": out = proof(int(sys.argv[2]), leaves)
for h in out: print(h.hex())
PY

# --- published vectors: certificate-transparency's reference tests
# (merkle_tree_test.cc, Apache-2.0): roots of the first n of 8 leaves.
printf '\n00\n10\n2021\n3031\n40414243\n5051525354555657\n606162636465666768696a6b6c6d6e6f\n' >"$tmp/ct"
ct_roots=(6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d
  fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125
  aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77
  d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7
  4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4
  76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef
  ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c
  5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328)
for n in 1 2 3 4 5 6 7 8; do
  head -n $n "$tmp/ct" >"$tmp/ctn"
  got=$("$T" debug merkle-root "$tmp/ctn")
  [ "$got" = "${ct_roots[$((n - 1))]}" ] && ok || bad "CT vector root of $n leaves: $got"
done
# empty tree: SHA-256("")
got=$("$T" debug merkle-root - </dev/null)
[ "$got" = e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 ] && ok || bad "empty root $got"

# --- random trees against the Python reference
$PY - "$tmp" <<'PY'
import random, sys
r = random.Random(9162)
for n in (1, 2, 3, 4, 5, 7, 8, 9, 16, 31, 100, 257, 1000):
    with open(f"{sys.argv[1]}/leaves_{n}", "w") as f:
        for i in range(n):
            f.write(bytes(r.randrange(256) for _ in range(r.randrange(0, 40))).hex() + "\n")
PY
for n in 1 2 3 4 5 7 8 9 16 31 100 257 1000; do
  f="$tmp/leaves_$n"
  root=$("$T" debug merkle-root "$f"); want=$($PY "$tmp/ref.py" root "$f")
  [ "$root" = "$want" ] && ok || bad "root of $n leaves: $root != $want"
  # the same through stdin, with and without "-"
  [ "$("$T" debug merkle-root <"$f")" = "$want" ] && ok || bad "root via stdin ($n)"
  [ "$("$T" debug merkle-root - <"$f")" = "$want" ] && ok || bad "root via - ($n)"
  for i in 0 $((n - 1)) $((RANDOM % n)) $((n / 2)); do
    "$T" debug merkle-inclusion --index $i "$f" >"$tmp/p" || bad "inclusion $i/$n exit $?"
    $PY "$tmp/ref.py" path $i "$f" >"$tmp/pw"
    cmp -s "$tmp/p" "$tmp/pw" && ok || bad "inclusion proof $i of $n differs from the reference"
    leaf=$(sed -n "$((i + 1))p" "$f")
    expect_rc 0 "verify inclusion $i/$n" "$T" debug merkle-verify-inclusion --index $i --size $n --root "$root" --leaf "$leaf" "$tmp/p"
  done
  for m in 0 $n $((RANDOM % (n + 1))) $((n / 2)) 1; do
    "$T" debug merkle-consistency --old $m "$f" >"$tmp/c" || bad "consistency $m/$n exit $?"
    $PY "$tmp/ref.py" proof $m "$f" >"$tmp/cw"
    cmp -s "$tmp/c" "$tmp/cw" && ok || bad "consistency proof $m -> $n differs from the reference"
    head -n $m "$f" >"$tmp/old"
    oroot=$($PY "$tmp/ref.py" root "$tmp/old")
    expect_rc 0 "verify consistency $m/$n" "$T" debug merkle-verify-consistency --old $m --new $n --old-root "$oroot" --new-root "$root" "$tmp/c"
  done
done

# --- tampered proofs: exit 1 with the reason
f="$tmp/leaves_100"; root=$("$T" debug merkle-root "$f"); leaf=$(sed -n 38p "$f")
"$T" debug merkle-inclusion --index 37 "$f" >"$tmp/p"
vi() { "$T" debug merkle-verify-inclusion "$@"; }
sed '2s/^./f/;2s/^f/0/' "$tmp/p" >"$tmp/flip"; cmp -s "$tmp/p" "$tmp/flip" && sed -i '2s/^./1/' "$tmp/flip"
expect_rc 1 "flipped hash" vi --index 37 --size 100 --root "$root" --leaf "$leaf" "$tmp/flip"
grep -q MERKLE_PROOF "$tmp/err" && ok || bad "flipped hash: reason not given"
expect_rc 1 "wrong index" vi --index 36 --size 100 --root "$root" --leaf "$leaf" "$tmp/p"
expect_rc 1 "wrong leaf" vi --index 37 --size 100 --root "$root" --leaf "${leaf}00" "$tmp/p"
expect_rc 1 "index >= size" vi --index 100 --size 100 --root "$root" --leaf "$leaf" "$tmp/p"
grep -q MERKLE_INDEX "$tmp/err" && ok || bad "index >= size: reason not given"
(cat "$tmp/p"; head -n 1 "$tmp/p") >"$tmp/extra"
expect_rc 1 "extra hash" vi --index 37 --size 100 --root "$root" --leaf "$leaf" "$tmp/extra"
grep -q MERKLE_PROOF_LEN "$tmp/err" && ok || bad "extra hash: reason not given"
sed '$d' "$tmp/p" >"$tmp/short"
expect_rc 1 "missing hash" vi --index 37 --size 100 --root "$root" --leaf "$leaf" "$tmp/short"
grep -q MERKLE_PROOF_LEN "$tmp/err" && ok || bad "missing hash: reason not given"
sed '1s/.$//' "$tmp/p" >"$tmp/bad"
expect_rc 1 "malformed proof line" vi --index 37 --size 100 --root "$root" --leaf "$leaf" "$tmp/bad"
lh=$($PY -c "import hashlib,sys; print(hashlib.sha256(b'\x00'+bytes.fromhex(sys.argv[1])).hexdigest())" "$leaf")
expect_rc 0 "--leaf-hash" vi --index 37 --size 100 --root "$root" --leaf-hash "$lh" "$tmp/p"
expect_rc 0 "proof from stdin" sh -c "\"$T\" debug merkle-verify-inclusion --index 37 --size 100 --root $root --leaf '$leaf' - <\"$tmp/p\""
"$T" debug merkle-consistency --old 40 "$f" >"$tmp/c"; oroot=$(head -n 40 "$f" | "$T" debug merkle-root)
vc() { "$T" debug merkle-verify-consistency "$@"; }
expect_rc 0 "consistency 40->100" vc --old 40 --new 100 --old-root "$oroot" --new-root "$root" "$tmp/c"
expect_rc 1 "consistency roots swapped" vc --old 40 --new 100 --old-root "$root" --new-root "$oroot" "$tmp/c"
expect_rc 1 "consistency wrong old" vc --old 41 --new 100 --old-root "$oroot" --new-root "$root" "$tmp/c"
(cat "$tmp/c"; head -n 1 "$tmp/c") >"$tmp/extra"
expect_rc 1 "consistency extra hash" vc --old 40 --new 100 --old-root "$oroot" --new-root "$root" "$tmp/extra"
expect_rc 1 "consistency old > new" vc --old 101 --new 100 --old-root "$oroot" --new-root "$root" "$tmp/c"
grep -q MERKLE_INDEX "$tmp/err" && ok || bad "old > new: reason not given"
expect_rc 1 "consistency m == n with different roots" vc --old 100 --new 100 --old-root "$oroot" --new-root "$root" /dev/null
expect_rc 0 "consistency m == n" vc --old 100 --new 100 --old-root "$root" --new-root "$root" /dev/null

# --- leaf input: POSIX lines, empty lines are empty leaves, CRLF accepted
r1=$(printf 'ab\n\n' | "$T" debug merkle-root); w1=$(printf 'ab\n\n' >"$tmp/e1"; $PY "$tmp/ref.py" root "$tmp/e1")
[ "$r1" = "$w1" ] && ok || bad "'ab\\n\\n' is two leaves"
[ "$(printf 'ab' | "$T" debug merkle-root)" = "$(printf 'ab\n' | "$T" debug merkle-root)" ] && ok || bad "final newline optional"
[ "$(printf 'ab\r\ncd\r\n' | "$T" debug merkle-root)" = "$(printf 'ab\ncd\n' | "$T" debug merkle-root)" ] && ok || bad "CRLF"
[ "$(printf '\n' | "$T" debug merkle-root)" = 6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d ] && ok || bad "one empty leaf"
[ "$(printf 'AB\n' | "$T" debug merkle-root)" = "$(printf 'ab\n' | "$T" debug merkle-root)" ] && ok || bad "upper-case hex"
expect_rc 1 "bad leaf hex" sh -c "printf 'abc\n' | \"$T\" debug merkle-root"
expect_rc 1 "index out of range" "$T" debug merkle-inclusion --index 3 "$tmp/leaves_3"
expect_rc 1 "old out of range" "$T" debug merkle-consistency --old 4 "$tmp/leaves_3"
expect_rc 1 "missing file" "$T" debug merkle-root "$tmp/nonexistent"

# --- usage: exit 2; --help: exit 0
for c in merkle-root merkle-inclusion merkle-consistency merkle-verify-inclusion merkle-verify-consistency; do
  expect_rc 0 "$c --help" "$T" debug $c --help
  grep -q usage "$tmp/out" && ok || bad "$c --help prints no usage"
  expect_rc 2 "$c unknown option" "$T" debug $c --bogus 1 /dev/null
done
expect_rc 2 "inclusion without --index" "$T" debug merkle-inclusion "$tmp/leaves_3"
expect_rc 2 "inclusion --index -1" "$T" debug merkle-inclusion --index -1 "$tmp/leaves_3"
expect_rc 2 "inclusion --index x" "$T" debug merkle-inclusion --index x "$tmp/leaves_3"
expect_rc 2 "consistency without --old" "$T" debug merkle-consistency "$tmp/leaves_3"
expect_rc 2 "two inputs" "$T" debug merkle-root "$tmp/leaves_3" "$tmp/leaves_3"
expect_rc 2 "verify without --root" vi --index 0 --size 1 --leaf 00 /dev/null
expect_rc 2 "verify short --root" vi --index 0 --size 1 --root abcd --leaf 00 /dev/null
expect_rc 2 "verify --leaf and --leaf-hash" vi --index 0 --size 1 --root "$root" --leaf 00 --leaf-hash "$root" /dev/null
expect_rc 2 "verify bad --leaf hex" vi --index 0 --size 1 --root "$root" --leaf 0g /dev/null
expect_rc 2 "consistency verify without --new-root" vc --old 1 --new 2 --old-root "$root" /dev/null

finish
