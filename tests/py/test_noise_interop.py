#!/usr/bin/python3
"""Live Noise interop: our `thingchain debug noise-peer` (the device SDK's
Noise) against an independent implementation, Debian's python3-dissononce.

For KK, IK and XX (25519, ChaChaPoly, SHA256) and each role, spawn our peer
and speak the other side with dissononce over its stdin/stdout, framing each
message with a 2-byte big-endian length; check the echoes. Negative cases:
a wrong remote static key, a different prologue and a wrong echo must all make
our peer exit non-zero. Prints "N passed, N failed"."""
import os
import signal
import struct
import subprocess
import sys

from dissononce.cipher.chachapoly import ChaChaPolyCipher
from dissononce.dh.keypair import KeyPair
from dissononce.dh.x25519.x25519 import X25519DH
from dissononce.hash.sha256 import SHA256Hash
from dissononce.processing.handshakepatterns.interactive.IK import IKHandshakePattern
from dissononce.processing.handshakepatterns.interactive.KK import KKHandshakePattern
from dissononce.processing.handshakepatterns.interactive.XX import XXHandshakePattern
from dissononce.processing.impl.cipherstate import CipherState
from dissononce.processing.impl.handshakestate import HandshakeState
from dissononce.processing.impl.symmetricstate import SymmetricState

TC = os.environ.get("THINGCHAIN", "build/asan/thingchain")
PATTERNS = {"KK": KKHandshakePattern, "IK": IKHandshakePattern, "XX": XXHandshakePattern}
MESSAGES = ["hello", "", "x" * 5000, "device 42 says hi \u00e9"]
DH = X25519DH()
passed = failed = 0


class Timeout(Exception):
    pass


def on_alarm(_sig, _frame):
    raise Timeout()


signal.signal(signal.SIGALRM, on_alarm)


def check(name, cond, detail=""):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAIL %s %s" % (name, detail))


def send(proc, msg):
    proc.stdin.write(struct.pack(">H", len(msg)) + bytes(msg))
    proc.stdin.flush()


def recv(proc):
    hdr = proc.stdout.read(2)
    if len(hdr) < 2:
        return None
    (n,) = struct.unpack(">H", hdr)
    body = proc.stdout.read(n)
    return body if len(body) == n else None


def needs_rs(pattern, initiator):
    """Pre-message "<- s" (KK, IK) for the initiator, "-> s" (KK) for the responder."""
    return pattern == "KK" or (pattern == "IK" and initiator)


def spawn(pattern, role, s_priv, rs_pub, prologue, messages):
    args = [TC, "debug", "noise-peer", "--pattern", pattern, "--role", role,
            "--static", s_priv.hex(), "--prologue", prologue.hex()]
    if rs_pub is not None:
        args += ["--remote-static", rs_pub.hex()]
    for m in messages:
        args += ["--message", m]
    return subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)


def python_side(pattern, initiator, s, rs_pub, prologue):
    hs = HandshakeState(SymmetricState(CipherState(ChaChaPolyCipher()), SHA256Hash()), DH)
    rs = DH.create_public(rs_pub) if needs_rs(pattern, initiator) else None
    hs.initialize(PATTERNS[pattern](), initiator, prologue, s=s, rs=rs)
    return hs


def handshake(proc, hs, initiator, nmsgs):
    """Runs the handshake from dissononce's side; returns (send, recv) ciphers."""
    result = None
    for i in range(nmsgs):
        ours = (i % 2 == 0) == initiator
        if ours:
            buf = bytearray()
            result = hs.write_message(b"", buf)
            send(proc, buf)
        else:
            msg = recv(proc)
            if msg is None:
                raise EOFError("peer closed during handshake")
            payload = bytearray()
            result = hs.read_message(msg, payload)
            if payload:
                raise ValueError("non-empty handshake payload")
    c1, c2 = result
    return (c1, c2) if initiator else (c2, c1)


def finish(proc):
    try:
        proc.stdin.close()
    except BrokenPipeError:
        pass
    err = proc.stderr.read().decode(errors="replace")
    return proc.wait(timeout=30), err


def run_case(name, pattern, our_role, *, wrong_rs=False, prologue_py=None, bad_echo=False):
    """Returns (our exit code, list of problems seen from the python side)."""
    ours_kp, theirs_kp = DH.generate_keypair(), DH.generate_keypair()
    prologue = b"thingchain ledger records"
    our_init = our_role == "initiator"
    rs_for_us = theirs_kp.public.data
    if wrong_rs:
        rs_for_us = DH.generate_keypair().public.data
    proc = spawn(pattern, our_role, ours_kp.private.data,
                 rs_for_us if needs_rs(pattern, our_init) else None, prologue,
                 MESSAGES if our_init else [])
    problems = []
    signal.alarm(60)
    try:
        hs = python_side(pattern, not our_init, theirs_kp, ours_kp.public.data,
                         prologue if prologue_py is None else prologue_py)
        tx, rx = handshake(proc, hs, not our_init, 3 if pattern == "XX" else 2)
        if pattern == "XX" or (pattern == "IK" and not our_init):
            # dissononce learned our static key from the handshake: it must be ours
            if hs.rs.data != ours_kp.public.data:
                problems.append("remote static learned by dissononce is not our key")
        if our_init:
            got = []
            while True:
                ct = recv(proc)
                if ct is None:
                    break
                pt = rx.decrypt_with_ad(b"", ct)
                got.append(pt.decode())
                if bad_echo:
                    pt = pt + b"!"
                send(proc, tx.encrypt_with_ad(b"", pt))
            if not bad_echo and got != MESSAGES[:len(got)]:
                problems.append("messages received differ")
            if not bad_echo and len(got) != len(MESSAGES):
                problems.append("received %d of %d messages" % (len(got), len(MESSAGES)))
        else:
            for m in MESSAGES:
                send(proc, tx.encrypt_with_ad(b"", m.encode()))
                ct = recv(proc)
                if ct is None:
                    problems.append("no echo for %r" % m[:20])
                    break
                if rx.decrypt_with_ad(b"", ct) != m.encode():
                    problems.append("echo differs for %r" % m[:20])
    except (EOFError, ValueError, BrokenPipeError, Exception) as e:  # noqa: BLE001
        if isinstance(e, Timeout):
            proc.kill()
        problems.append("python side: %s: %s" % (type(e).__name__, e))
    finally:
        signal.alarm(0)
    rc, err = finish(proc)
    return rc, problems, err


def main():
    for pattern in ("KK", "IK", "XX"):
        for role in ("initiator", "responder"):
            name = "%s ours=%s" % (pattern, role)
            rc, problems, err = run_case(name, pattern, role)
            check(name + " exit 0", rc == 0, "exit %d: %s" % (rc, err.strip()[-300:]))
            check(name + " echoes", not problems, "; ".join(problems))

    # negative: a wrong remote static key makes the handshake fail on both sides
    for pattern, role in (("KK", "initiator"), ("KK", "responder"), ("IK", "initiator")):
        name = "%s ours=%s wrong remote static" % (pattern, role)
        rc, problems, err = run_case(name, pattern, role, wrong_rs=True)
        check(name + " exit non-zero", rc != 0, "exit %d" % rc)
        check(name + " handshake failed", any("python side" in p for p in problems) or rc != 0,
              "; ".join(problems))
        check(name + " ASan-clean", "Sanitizer" not in err, err[-300:])
    # negative: a different prologue (the ledger records do not match)
    for role in ("initiator", "responder"):
        name = "KK ours=%s prologue mismatch" % role
        rc, problems, err = run_case(name, "KK", role, prologue_py=b"other records")
        check(name + " exit non-zero", rc != 0, "exit %d" % rc)
    # negative: our initiator notices an echo that is not what it sent
    rc, problems, err = run_case("XX bad echo", "XX", "initiator", bad_echo=True)
    check("XX ours=initiator bad echo exit non-zero", rc != 0, "exit %d" % rc)
    # usage errors exit 2
    r = subprocess.run([TC, "debug", "noise-peer", "--pattern", "ZZ", "--role", "initiator",
                        "--static", "00" * 32], capture_output=True)
    check("unknown pattern exits 2", r.returncode == 2, "exit %d" % r.returncode)
    r = subprocess.run([TC, "debug", "noise-peer", "--pattern", "KK", "--role", "initiator",
                        "--static", "00" * 32], capture_output=True)
    check("KK without --remote-static exits 2", r.returncode == 2, "exit %d" % r.returncode)
    r = subprocess.run([TC, "debug", "noise-peer", "--help"], capture_output=True)
    check("--help exits 0", r.returncode == 0, "exit %d" % r.returncode)

    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
