/* `thingchain selftest`: a quick check that this machine's build signs,
 * verifies, hashes and encodes as every other node does. Known-answer
 * values come from RFC 8032 §7.1 (test 1) and FIPS 180-2 ("abc"). */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "tc/crypto.h"
#include "tc/hex.h"

static int check(const char *what, int ok)
{
    printf("  %-44s %s\n", what, ok ? "ok" : "FAILED");
    return ok ? 0 : 1;
}

int cmd_selftest(int argc, char **argv)
{
    static const char usage[] = "thingchain selftest";
    if (cli_wants_help(argc, argv)) { printf("usage: %s\n\nRuns known-answer tests of the crypto and encoding layers.\n", usage); return CLI_OK; }
    if (argc > 1) return cli_usage(usage, "unexpected argument '%s'", argv[1]);

    int failures = 0;
    uint8_t h[32], want[32];
    tc_sha256(h, "abc", 3);
    tc_hex_decode(want, 32, NULL, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", 64);
    failures += check("sha-256 known answer (FIPS 180-2)", memcmp(h, want, 32) == 0);

    uint8_t seed[32], pub[32], sec[64], sig[64], want_pub[32];
    tc_hex_decode(seed, 32, NULL, "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60", 64);
    tc_hex_decode(want_pub, 32, NULL, "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", 64);
    tc_ed25519_keypair(pub, sec, seed);
    failures += check("ed25519 key from seed (RFC 8032 test 1)", memcmp(pub, want_pub, 32) == 0);
    tc_ed25519_sign(sig, (const uint8_t *)"", 0, sec);
    failures += check("ed25519 sign/verify", tc_ed25519_verify(sig, (const uint8_t *)"", 0, pub) == 0);
    sig[0] ^= 1;
    failures += check("ed25519 rejects a flipped signature bit", tc_ed25519_verify(sig, (const uint8_t *)"", 0, pub) != 0);
    tc_wipe(sec, sizeof sec);

    printf("selftest: %s\n", failures ? "FAILED" : "all checks passed");
    return failures ? CLI_FAIL : CLI_OK;
}
