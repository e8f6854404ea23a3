/* `thingchain debug cose-sign` and `thingchain debug cose-verify`: make and
 * check COSE_Sign1 objects (include/tc/cose.h) from the command line — what
 * an engineer reaches for when a device and a node disagree about a
 * signature. Contracts fixed by issue 2 (other tools script them). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "tc/alloc.h"
#include "tc/cose.h"
#include "tc/errors.h"

#define AAD_MAX 4096

static const char sign_usage[] =
    "thingchain debug cose-sign --seed HEX [--kid HEX] [--aad HEX] [FILE|-]";
static const char verify_usage[] =
    "thingchain debug cose-verify --pub HEX [--aad HEX] [FILE|-]";

/* Scratch and output buffers sized by the rules in cose.h. */
static int sign_input(const uint8_t sec[64], const uint8_t *kid, size_t kid_len,
                      const uint8_t *aad, size_t aad_len, const uint8_t *in, size_t in_len)
{
    size_t scap = TC_COSE_TBS_SIZE(TC_COSE_PROT_MAX, 0, aad_len, in_len);
    size_t ocap = TC_COSE_SIGN1_SIZE(kid ? kid_len : TC_KEYID_LEN, in_len);
    uint8_t *scratch = tc_malloc(scap), *out = tc_malloc(ocap);
    int rc = CLI_FAIL;
    if (!scratch || !out) {
        cli_fail("out of memory");
        goto done;
    }
    tc_err err;
    tc_err_clear(&err);
    size_t n;
    if (tc_cose_sign1_create(out, ocap, &n, scratch, scap, sec, kid, kid_len, aad, aad_len, in,
                             in_len, 1, &err) != 0) {
        cli_fail("%s", err.msg);
        goto done;
    }
    if (fwrite(out, 1, n, stdout) != n || fflush(stdout) != 0) {
        cli_fail("cannot write the output");
        goto done;
    }
    rc = CLI_OK;
done:
    tc_free(scratch);
    tc_free(out);
    return rc;
}

int cmd_debug_cose_sign(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        printf("usage: %s\n\n"
               "Writes a tagged COSE_Sign1 (RFC 9052, EdDSA) over the bytes of FILE (or\n"
               "standard input) to standard output. Protected header {1: -8, 4: kid}.\n"
               "  --seed HEX  32-byte Ed25519 seed of the signer\n"
               "  --kid HEX   key id (1-%d bytes); default: the thingchain key id of the\n"
               "              public key (16 bytes, see `thingchain debug keygen`)\n"
               "  --aad HEX   external additional authenticated data (default empty)\n",
               sign_usage, TC_COSE_KID_MAX);
        return CLI_OK;
    }
    static const struct option opts[] = {
        {"seed", required_argument, NULL, 's'},
        {"kid", required_argument, NULL, 'k'},
        {"aad", required_argument, NULL, 'a'},
        {NULL, 0, NULL, 0},
    };
    uint8_t seed[TC_ED25519_SEED_LEN], kid[TC_COSE_KID_MAX], aad[AAD_MAX];
    size_t kid_len = 0, aad_len = 0;
    int have_seed = 0, have_kid = 0, c, rc;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 's':
            if ((rc = cli_hex_opt(seed, sizeof seed, NULL, sizeof seed, "--seed", optarg, sign_usage)))
                return rc;
            have_seed = 1;
            break;
        case 'k':
            if ((rc = cli_hex_opt(kid, sizeof kid, &kid_len, 0, "--kid", optarg, sign_usage))) return rc;
            if (kid_len == 0) return cli_usage(sign_usage, "--kid must not be empty");
            have_kid = 1;
            break;
        case 'a':
            if ((rc = cli_hex_opt(aad, sizeof aad, &aad_len, 0, "--aad", optarg, sign_usage))) return rc;
            break;
        default:
            return cli_usage(sign_usage, "unknown or incomplete option '%s'", argv[optind - 1]);
        }
    }
    if (!have_seed) return cli_usage(sign_usage, "--seed is required");
    if (argc - optind > 1) return cli_usage(sign_usage, "at most one input file");
    uint8_t *in = NULL, pub[TC_ED25519_PUB_LEN], sec[TC_ED25519_SEC_LEN];
    size_t in_len = 0;
    if ((rc = cli_read_input(&in, &in_len, optind < argc ? argv[optind] : NULL))) {
        tc_wipe(seed, sizeof seed);
        return rc;
    }
    tc_ed25519_keypair(pub, sec, seed);
    rc = sign_input(sec, have_kid ? kid : NULL, kid_len, aad, aad_len, in, in_len);
    tc_wipe(seed, sizeof seed);
    tc_wipe(sec, sizeof sec);
    tc_free(in);
    return rc;
}

int cmd_debug_cose_verify(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        printf("usage: %s\n\n"
               "Verifies a binary COSE_Sign1 (tagged or untagged) read from FILE (or standard\n"
               "input) under the pinned Ed25519 rule and the thingchain COSE profile\n"
               "(docs/crypto.md). Exit 0 and prints `valid`, the kid and the payload length\n"
               "when valid; exit 1 with the reason otherwise.\n"
               "  --pub HEX   32-byte Ed25519 public key\n"
               "  --aad HEX   external additional authenticated data (default empty)\n",
               verify_usage);
        return CLI_OK;
    }
    static const struct option opts[] = {
        {"pub", required_argument, NULL, 'p'},
        {"aad", required_argument, NULL, 'a'},
        {NULL, 0, NULL, 0},
    };
    uint8_t pub[TC_ED25519_PUB_LEN], aad[AAD_MAX];
    size_t aad_len = 0;
    int have_pub = 0, c, rc;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'p':
            if ((rc = cli_hex_opt(pub, sizeof pub, NULL, sizeof pub, "--pub", optarg, verify_usage)))
                return rc;
            have_pub = 1;
            break;
        case 'a':
            if ((rc = cli_hex_opt(aad, sizeof aad, &aad_len, 0, "--aad", optarg, verify_usage))) return rc;
            break;
        default:
            return cli_usage(verify_usage, "unknown or incomplete option '%s'", argv[optind - 1]);
        }
    }
    if (!have_pub) return cli_usage(verify_usage, "--pub is required");
    if (argc - optind > 1) return cli_usage(verify_usage, "at most one input file");
    uint8_t *in = NULL;
    size_t in_len = 0;
    if ((rc = cli_read_input(&in, &in_len, optind < argc ? argv[optind] : NULL))) return rc;
    size_t scap = in_len + aad_len + TC_COSE_TBS_OVERHEAD;
    uint8_t *scratch = tc_malloc(scap);
    if (!scratch) {
        tc_free(in);
        return cli_fail("out of memory");
    }
    tc_cose_sign1 m;
    tc_err err;
    tc_err_clear(&err);
    rc = tc_cose_sign1_verify(&m, scratch, scap, pub, aad, aad_len, in, in_len, &err);
    if (rc == 0) {
        printf("valid: COSE_Sign1%s, kid ", m.tagged ? " (tag 18)" : " (untagged)");
        if (m.kid) {
            for (size_t i = 0; i < m.kid_len; i++) printf("%02x", m.kid[i]);
        } else {
            printf("none");
        }
        printf(", payload %zu bytes\n", m.payload_len);
    }
    tc_free(scratch);
    tc_free(in);
    if (rc) return cli_fail("invalid: %s [%s]", err.msg, tc_errname(rc));
    return CLI_OK;
}
