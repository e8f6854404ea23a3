/* `thingchain keys gen` and `thingchain keys show`: Ed25519 key files
 * (docs/cli.md, "Key files"): a seed as 64 hex digits, mode 0600. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cli_json.h"
#include "tc/keyfile.h"

static void describe(json_t *o, const char *path, const uint8_t pub[TC_ED25519_PUB_LEN])
{
    uint8_t kid[TC_KEYID_LEN];
    tc_keyid(kid, pub);
    json_object_set_new(o, "file", json_string(path));
    cli_json_set_hex(o, "public_key", pub, TC_ED25519_PUB_LEN);
    cli_json_set_hex(o, "key_id", kid, TC_KEYID_LEN);
}

int cmd_keys_gen(int argc, char **argv)
{
    static const char usage[] = "thingchain keys gen --out FILE [--json]";
    static const struct option opts[] = {
        {"out", required_argument, NULL, 'o'}, {"json", no_argument, NULL, 'j'}, {NULL, 0, NULL, 0}};
    const char *out = NULL;
    int json = 0, c;
    if (cli_wants_help(argc, argv)) {
        printf("usage: %s\n\nCreates a new Ed25519 key: a 32-byte seed from /dev/urandom written to FILE as\n"
               "64 hex digits (mode 0600). Never overwrites an existing file. Prints the public\n"
               "key and key id (what to hand to whoever registers the key).\n", usage);
        return CLI_OK;
    }
    opterr = 0;
    while ((c = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
        if (c == 'o') out = optarg;
        else if (c == 'j') json = 1;
        else return cli_usage(usage, "unknown or incomplete option '%s'", argv[optind - 1]);
    }
    if (optind != argc) return cli_usage(usage, "unexpected argument '%s'", argv[optind]);
    if (!out) return cli_usage(usage, "--out FILE is required");
    uint8_t seed[TC_ED25519_SEED_LEN], pub[TC_ED25519_PUB_LEN], sec[TC_ED25519_SEC_LEN];
    tc_err err;
    if (tc_keyfile_random(&err, seed) || tc_keyfile_write(&err, out, seed)) {
        tc_wipe(seed, sizeof seed);
        return cli_fail("%s", err.msg);
    }
    tc_ed25519_keypair(pub, sec, seed);
    tc_wipe(seed, sizeof seed);
    tc_wipe(sec, sizeof sec);
    json_t *o = json_object();
    describe(o, out, pub);
    cli_out_print(o, json);
    return CLI_OK;
}

int cmd_keys_show(int argc, char **argv)
{
    static const char usage[] = "thingchain keys show FILE [--json]";
    static const struct option opts[] = {{"json", no_argument, NULL, 'j'}, {NULL, 0, NULL, 0}};
    int json = 0, c;
    if (cli_wants_help(argc, argv)) {
        printf("usage: %s\n\nPrints the public key and key id (tc_keyid: the COSE kid that names the\n"
               "key in signatures) of a key file. The secret is never printed.\n", usage);
        return CLI_OK;
    }
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c == 'j') json = 1;
        else return cli_usage(usage, "unknown option '%s'", argv[optind - 1]);
    }
    if (optind + 1 != argc) return cli_usage(usage, "expected exactly one key file");
    uint8_t pub[TC_ED25519_PUB_LEN], sec[TC_ED25519_SEC_LEN];
    tc_err err;
    if (tc_keyfile_load(pub, sec, &err, argv[optind])) return cli_fail("%s", err.msg);
    tc_wipe(sec, sizeof sec);
    json_t *o = json_object();
    describe(o, argv[optind], pub);
    cli_out_print(o, json);
    return CLI_OK;
}
