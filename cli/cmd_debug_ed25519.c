/* `thingchain debug ed25519-verify` (a raw signature check under the pinned
 * strict rule) and `thingchain debug keygen` (seed, public key, key id). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "tc/alloc.h"
#include "tc/crypto.h"
#include "tc/errors.h"

#define MSG_MAX (1u << 20)

static const char verify_usage[] = "thingchain debug ed25519-verify --pub HEX --msg HEX --sig HEX";
static const char keygen_usage[] = "thingchain debug keygen [--seed HEX]";

int cmd_debug_ed25519_verify(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        printf("usage: %s\n\n"
               "Checks an Ed25519 signature under the pinned rule every node and device uses\n"
               "(canonical S, canonical key, no small-order key or R; docs/crypto.md).\n"
               "Exit 0 valid, 1 invalid.\n"
               "  --pub HEX   32-byte public key\n"
               "  --msg HEX   the signed message (may be empty: --msg '')\n"
               "  --sig HEX   64-byte signature\n",
               verify_usage);
        return CLI_OK;
    }
    static const struct option opts[] = {
        {"pub", required_argument, NULL, 'p'},
        {"msg", required_argument, NULL, 'm'},
        {"sig", required_argument, NULL, 's'},
        {NULL, 0, NULL, 0},
    };
    uint8_t pub[TC_ED25519_PUB_LEN], sig[TC_ED25519_SIG_LEN];
    const char *msg_hex = NULL;
    int have_pub = 0, have_sig = 0, c, rc;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'p':
            if ((rc = cli_hex_opt(pub, sizeof pub, NULL, sizeof pub, "--pub", optarg, verify_usage)))
                return rc;
            have_pub = 1;
            break;
        case 's':
            if ((rc = cli_hex_opt(sig, sizeof sig, NULL, sizeof sig, "--sig", optarg, verify_usage)))
                return rc;
            have_sig = 1;
            break;
        case 'm':
            msg_hex = optarg;
            break;
        default:
            return cli_usage(verify_usage, "unknown or incomplete option '%s'", argv[optind - 1]);
        }
    }
    if (!have_pub || !have_sig || !msg_hex)
        return cli_usage(verify_usage, "--pub, --msg and --sig are required");
    if (optind < argc) return cli_usage(verify_usage, "unexpected argument '%s'", argv[optind]);
    size_t cap = strlen(msg_hex) / 2 + 1, msg_len = 0;
    if (cap > MSG_MAX) return cli_usage(verify_usage, "--msg is longer than %u bytes", MSG_MAX);
    uint8_t *msg = tc_malloc(cap);
    if (!msg) return cli_fail("out of memory");
    if ((rc = cli_hex_opt(msg, cap, &msg_len, 0, "--msg", msg_hex, verify_usage))) {
        tc_free(msg);
        return rc;
    }
    rc = tc_ed25519_verify(sig, msg, msg_len, pub);
    tc_free(msg);
    if (rc) {
        /* Say whether the key itself is unacceptable: that is public knowledge. */
        if (tc_ed25519_check_pub(pub) != 0)
            return cli_fail("invalid: the public key is not acceptable (small order, non-canonical "
                            "or not on the curve) [BAD_SIGNATURE]");
        return cli_fail("invalid: %s [%s]", tc_strerror(rc), tc_errname(rc));
    }
    printf("valid\n");
    return CLI_OK;
}

int cmd_debug_keygen(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        printf("usage: %s\n\n"
               "Prints an Ed25519 key pair as hex: seed, public key and the thingchain key id\n"
               "(first 16 bytes of SHA-256(\"thingchain/keyid/v1\" || pub)). With --seed the\n"
               "output is deterministic; without it the seed comes from /dev/urandom.\n"
               "The seed is a secret: keep the output away from logs.\n",
               keygen_usage);
        return CLI_OK;
    }
    static const struct option opts[] = {
        {"seed", required_argument, NULL, 's'},
        {NULL, 0, NULL, 0},
    };
    uint8_t seed[TC_ED25519_SEED_LEN], pub[TC_ED25519_PUB_LEN], sec[TC_ED25519_SEC_LEN];
    uint8_t kid[TC_KEYID_LEN];
    int have_seed = 0, c, rc;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c != 's') return cli_usage(keygen_usage, "unknown or incomplete option '%s'", argv[optind - 1]);
        if ((rc = cli_hex_opt(seed, sizeof seed, NULL, sizeof seed, "--seed", optarg, keygen_usage)))
            return rc;
        have_seed = 1;
    }
    if (optind < argc) return cli_usage(keygen_usage, "unexpected argument '%s'", argv[optind]);
    if (!have_seed) {
        FILE *f = fopen("/dev/urandom", "rb");
        size_t got = f ? fread(seed, 1, sizeof seed, f) : 0;
        if (f) fclose(f);
        if (got != sizeof seed) return cli_fail("cannot read /dev/urandom");
    }
    tc_ed25519_keypair(pub, sec, seed);
    tc_keyid(kid, pub);
    printf("seed   ");
    cli_print_hex(stdout, seed, sizeof seed);
    printf("pub    ");
    cli_print_hex(stdout, pub, sizeof pub);
    printf("keyid  ");
    cli_print_hex(stdout, kid, sizeof kid);
    tc_wipe(seed, sizeof seed);
    tc_wipe(sec, sizeof sec);
    return CLI_OK;
}
