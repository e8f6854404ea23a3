/* `thingchain firmware publish`: computes an image's digest, size and
 * chunk-tree root (docs/firmware-ops.md; fw.release in docs/ledger.md) and
 * builds the fw.release transaction with `tx build`, signed by the given
 * release key(s). For k of n, the other key holders add their signatures
 * with `thingchain tx cosign`, then `thingchain tx submit` sends it. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cli_json.h"
#include "fw_util.h"
#include "tc/fwimage.h"

static const char usage[] =
    "thingchain firmware publish IMAGE --model M --version V --vendor ORG --key KEYFILE [--key KEYFILE...]\n"
    "       [--chunk-size N] [--min-prior V] [--expiry DATE|--ttl DAYS] [--nonce N]\n"
    "       (--chain-id ID | --genesis FILE) -o release.tx [--json]";

int cmd_fw_publish(int argc, char **argv)
{
    static const struct option opts[] = {
        {"model", 1, NULL, 'm'}, {"version", 1, NULL, 'v'}, {"vendor", 1, NULL, 'V'}, {"chunk-size", 1, NULL, 'c'},
        {"min-prior", 1, NULL, 'p'}, {"expiry", 1, NULL, 'e'}, {"ttl", 1, NULL, 't'}, {"json", 0, NULL, 'j'},
        FWU_SIGN_OPTS, {NULL, 0, NULL, 0}};
    if (cli_wants_help(argc, argv)) {
        printf("usage: %s\n\n"
               "Cuts IMAGE into chunks of --chunk-size bytes (default %u), computes its SHA-256\n"
               "digest and chunk-tree root (RFC 9162 over the chunks) and writes the fw.release\n"
               "transaction of org --vendor's release key set to -o, signed with each --key.\n"
               "--version must be above every earlier release of the model; --min-prior is the\n"
               "lowest version a device may update from (default 0). --expiry is a date\n"
               "(YYYY-MM-DD, UTC) or ms since the epoch; --ttl DAYS counts from now (default 365).\n"
               "--nonce is the release key set's next nonce (default 1). Prints the manifest.\n"
               "k of n: `thingchain tx cosign` adds the other signatures, `thingchain tx submit`\n"
               "sends it; `thingchain firmware upload` puts the chunks on a node.\n",
               usage, TC_FW_CHUNK_DEFAULT);
        return CLI_OK;
    }
    const char *model = NULL, *version = NULL, *vendor = NULL, *expiry = NULL, *ttl = NULL, *minp = "0";
    fwu_sign sg = {.nonce = "1"};
    int json = 0, c, rc;
    uint32_t cs = TC_FW_CHUNK_DEFAULT;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
        switch (c) {
        case 'm': model = optarg; break;
        case 'v': version = optarg; break;
        case 'V': vendor = optarg; break;
        case 'c': if ((rc = fwu_chunk_opt(&cs, optarg, usage))) return rc; break;
        case 'p': minp = optarg; break;
        case 'e': expiry = optarg; break;
        case 't': ttl = optarg; break;
        case 'j': json = 1; break;
        default:
            if (fwu_sign_opt(&sg, c, optarg)) break;
            return cli_usage(usage, "unknown or incomplete option '%s'", argv[optind - 1]);
        }
    }
    if (optind + 1 != argc) return cli_usage(usage, "expected one IMAGE file");
    if (!model || !version || !vendor || !sg.nkeys || !sg.out)
        return cli_usage(usage, "--model, --version, --vendor, --key and -o are required");
    uint64_t exp, v, mp;
    if ((rc = cli_u64_opt(&v, "--version", version, usage)) || (rc = cli_u64_opt(&mp, "--min-prior", minp, usage)))
        return rc;
    if (mp >= v) return cli_usage(usage, "--min-prior must be below --version");
    if ((rc = fwu_expiry(&exp, expiry, ttl, usage))) return rc;
    fwu_image im;
    if ((rc = fwu_image_load(&im, argv[optind], cs))) { fwu_image_free(&im); return rc; }

    fwu_argv a = {0};
    fwu_add(&a, "tx build");
    fwu_add(&a, "fw.release");
    fwu_add(&a, "--model"); fwu_add(&a, model);
    fwu_add(&a, "--version"); fwu_add(&a, version);
    fwu_add(&a, "--digest"); fwu_add(&a, im.digest_hex);
    fwu_add(&a, "--size"); fwu_addf(&a, "%zu", im.size);
    fwu_add(&a, "--chunk-size"); fwu_addf(&a, "%u", cs);
    fwu_add(&a, "--chunk-root"); fwu_add(&a, im.root_hex);
    fwu_add(&a, "--min-version"); fwu_add(&a, minp);
    fwu_add(&a, "--expiry"); fwu_addf(&a, "%llu", (unsigned long long)exp);
    fwu_add(&a, "--org"); fwu_add(&a, vendor);
    rc = fwu_sign_run(&sg, &a, usage);
    fwu_argv_free(&a);
    if (!rc) {
        json_t *o = json_pack("{s:s,s:I,s:s,s:I,s:I,s:I,s:s,s:I,s:I,s:s,s:I}", "model", model, "version", (json_int_t)v,
                              "digest", im.digest_hex, "size", (json_int_t)im.size, "chunk_size", (json_int_t)cs,
                              "chunks", (json_int_t)im.n, "chunk_root", im.root_hex, "min_prior", (json_int_t)mp,
                              "expiry_ms", (json_int_t)exp, "file", sg.out, "signatures", (json_int_t)sg.nkeys);
        cli_out_print(o, json);
    }
    fwu_image_free(&im);
    return rc;
}
