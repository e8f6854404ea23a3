#!/usr/bin/env bash
# The CLI contracts of issue 2 for signatures: debug cose-sign, cose-verify,
# ed25519-verify and keygen — outputs, exit codes (0 ok, 1 invalid, 2 usage)
# and --help. Prints "N passed, N failed".
set -u
cd "$(dirname "$0")/../.."
T=${THINGCHAIN:-build/asan/thingchain}
. tests/sh/lib.sh
# expect CODE DESCRIPTION command... (stdin from /dev/null unless redirected by caller)

# RFC 8032 §7.1 test 1.
SEED=9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60
PUB=d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a
SIG=e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b
OTHER=3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c

# --- keygen ---
expect 0 "keygen --seed" "$T" debug keygen --seed $SEED
grep -qx "pub    $PUB" "$tmp/out" && ok || bad "keygen pub line"
grep -qx "seed   $SEED" "$tmp/out" && ok || bad "keygen seed line"
KID=$(awk '$1 == "keyid" {print $2}' "$tmp/out")
[ ${#KID} -eq 32 ] && ok || bad "keygen keyid length"
# Key id = first 16 bytes of SHA-256("thingchain/keyid/v1" || pub), recomputed here.
want_kid=$( (printf 'thingchain/keyid/v1'; echo -n $PUB | xxd -r -p) | sha256sum | cut -c1-32)
[ "$KID" = "$want_kid" ] && ok || bad "keyid $KID != $want_kid"
expect 0 "keygen random" "$T" debug keygen
r1=$(awk '$1 == "seed" {print $2}' "$tmp/out")
"$T" debug keygen >"$tmp/out2"; r2=$(awk '$1 == "seed" {print $2}' "$tmp/out2")
[ ${#r1} -eq 64 ] && [ "$r1" != "$r2" ] && ok || bad "random keygen seeds"
expect 2 "keygen short seed" "$T" debug keygen --seed abcd
expect 2 "keygen bad hex" "$T" debug keygen --seed "zz${SEED:2}"
expect 2 "keygen extra arg" "$T" debug keygen extra

# --- ed25519-verify ---
expect 0 "ed25519-verify RFC 8032 test 1" "$T" debug ed25519-verify --pub $PUB --msg '' --sig $SIG
grep -q valid "$tmp/out" && ok || bad "ed25519-verify prints valid"
expect 1 "ed25519-verify other message" "$T" debug ed25519-verify --pub $PUB --msg 00 --sig $SIG
expect 1 "ed25519-verify other key" "$T" debug ed25519-verify --pub $OTHER --msg '' --sig $SIG
# Non-canonical S (S + L) is refused: the pinned strict rule.
SL=$(/usr/bin/python3 -c "
s=int.from_bytes(bytes.fromhex('${SIG:64}'),'little'); L=2**252+27742317777372353535851937790883648493
print('${SIG:0:64}'+(s+L).to_bytes(32,'little').hex())")
expect 1 "ed25519-verify S+L" "$T" debug ed25519-verify --pub $PUB --msg '' --sig $SL
# Small-order key with the trivially "valid" signature (R = identity, S = 0).
ID=0100000000000000000000000000000000000000000000000000000000000000
expect 1 "ed25519-verify small-order key" "$T" debug ed25519-verify --pub $ID --msg 61 --sig ${ID}0000000000000000000000000000000000000000000000000000000000000000
grep -q "not acceptable" "$tmp/err" && ok || bad "small-order key reason"
expect 2 "ed25519-verify missing --sig" "$T" debug ed25519-verify --pub $PUB --msg ''
expect 2 "ed25519-verify short sig" "$T" debug ed25519-verify --pub $PUB --msg '' --sig abcd
expect 2 "ed25519-verify odd msg" "$T" debug ed25519-verify --pub $PUB --msg abc --sig $SIG
expect 2 "ed25519-verify unknown option" "$T" debug ed25519-verify --pub $PUB --msg '' --sig $SIG --bogus

# --- cose-sign / cose-verify ---
printf 'temperature=21.5' >"$tmp/msg"
expect 0 "cose-sign file" "$T" debug cose-sign --seed $SEED "$tmp/msg"
cp "$tmp/out" "$tmp/s1"
[ "$(head -c 1 "$tmp/s1" | xxd -p)" = "d2" ] && ok || bad "cose-sign output is tagged (d2)"
"$T" debug cose-sign --seed $SEED - <"$tmp/msg" >"$tmp/s2" && cmp -s "$tmp/s1" "$tmp/s2" && ok || bad "cose-sign stdin == file (deterministic)"
"$T" debug cose-sign --seed $SEED <"$tmp/msg" >"$tmp/s3" && cmp -s "$tmp/s1" "$tmp/s3" && ok || bad "cose-sign no FILE reads stdin"
# default kid = key id, visible in the protected header
xxd -p "$tmp/s1" | tr -d '\n' | grep -q "55a201270450$KID" && ok || bad "protected header {1:-8, 4:keyid}"
expect 0 "cose-verify" "$T" debug cose-verify --pub $PUB "$tmp/s1"
grep -q "kid $KID" "$tmp/out" && ok || bad "cose-verify prints kid"
expect 0 "cose-verify stdin" sh -c "'$T' debug cose-verify --pub $PUB - <'$tmp/s1'"
expect 1 "cose-verify wrong key" "$T" debug cose-verify --pub $OTHER "$tmp/s1"
grep -q "BAD_SIGNATURE" "$tmp/err" && ok || bad "cose-verify names the reason"
expect 1 "cose-verify with unexpected aad" "$T" debug cose-verify --pub $PUB --aad 01 "$tmp/s1"
# AAD and custom kid
expect 0 "cose-sign aad+kid" "$T" debug cose-sign --seed $SEED --kid 6b6579 --aad c0ffee "$tmp/msg"
cp "$tmp/out" "$tmp/s4"
expect 0 "cose-verify aad" "$T" debug cose-verify --pub $PUB --aad c0ffee "$tmp/s4"
grep -q "kid 6b6579" "$tmp/out" && ok || bad "custom kid shown"
expect 1 "cose-verify missing aad" "$T" debug cose-verify --pub $PUB "$tmp/s4"
# Tampered payload byte
/usr/bin/python3 -c "
import sys; b=bytearray(open('$tmp/s1','rb').read()); i=b.find(b'21.5'); b[i]^=1; open('$tmp/t1','wb').write(b)"
expect 1 "cose-verify tampered" "$T" debug cose-verify --pub $PUB "$tmp/t1"
# Not CBOR / not COSE / empty
printf 'hello' >"$tmp/junk"
expect 1 "cose-verify junk" "$T" debug cose-verify --pub $PUB "$tmp/junk"
: >"$tmp/empty"
expect 1 "cose-verify empty" "$T" debug cose-verify --pub $PUB "$tmp/empty"
printf '\xd2\x84\x43\xa1\x01\x26\xa0\x40\x40' >"$tmp/es256"
expect 1 "cose-verify alg -7" "$T" debug cose-verify --pub $PUB "$tmp/es256"
grep -q "COSE_ALG" "$tmp/err" && ok || bad "alg reason"
expect 1 "cose-verify missing file" "$T" debug cose-verify --pub $PUB "$tmp/nope"
# Empty input signs fine
expect 0 "cose-sign empty input" "$T" debug cose-sign --seed $SEED "$tmp/empty"
cp "$tmp/out" "$tmp/s5"
expect 0 "cose-verify empty payload" "$T" debug cose-verify --pub $PUB "$tmp/s5"
# Usage errors
expect 2 "cose-sign no seed" "$T" debug cose-sign "$tmp/msg"
expect 2 "cose-sign bad seed" "$T" debug cose-sign --seed 12 "$tmp/msg"
expect 2 "cose-sign bad kid" "$T" debug cose-sign --seed $SEED --kid xyz "$tmp/msg"
expect 2 "cose-sign empty kid" "$T" debug cose-sign --seed $SEED --kid '' "$tmp/msg"
expect 2 "cose-sign long kid" "$T" debug cose-sign --seed $SEED --kid $(printf '%0130d' 0) "$tmp/msg"
expect 2 "cose-sign two files" "$T" debug cose-sign --seed $SEED "$tmp/msg" "$tmp/msg"
expect 2 "cose-sign unknown option" "$T" debug cose-sign --seed $SEED --frobnicate "$tmp/msg"
expect 2 "cose-verify no pub" "$T" debug cose-verify "$tmp/s1"
expect 2 "cose-verify short pub" "$T" debug cose-verify --pub abcd "$tmp/s1"
expect 2 "cose-verify bad aad" "$T" debug cose-verify --pub $PUB --aad q "$tmp/s1"

# --help everywhere, exit 0 with a usage line
for c in cose-sign cose-verify ed25519-verify keygen; do
  expect 0 "$c --help" "$T" debug $c --help
  grep -q "^usage: thingchain debug $c" "$tmp/out" && ok || bad "$c --help text"
done
# The debug group lists them
"$T" debug --help >"$tmp/out" 2>&1
for c in cose-sign cose-verify ed25519-verify keygen; do
  grep -q "debug $c" "$tmp/out" && ok || bad "debug --help lists $c"
done

finish
