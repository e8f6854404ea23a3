/* `thingchain genesis show` and `thingchain genesis build`: the genesis
 * document's JSON form for people (docs/ledger.md, "Genesis JSON";
 * include/tc/genesis_json.h). The CBOR file is what nodes load; its
 * SHA-256 (printed by both commands) is the trust anchor provisioned into
 * devices, so people compare that hash, not the JSON. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "tc/alloc.h"
#include "tc/errors.h"
#include "tc/genesis.h"
#include "tc/genesis_json.h"

static const char show_usage[] = "thingchain genesis show FILE|-";
static const char build_usage[] = "thingchain genesis build JSONFILE|- -o OUT.cbor|-";

int cmd_genesis_show(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        printf("usage: %s\n\n"
               "Validates a genesis document (CBOR) exactly as a node does and prints it as\n"
               "JSON on standard output. The first member, \"genesis_hash\", is SHA-256 of the\n"
               "CBOR bytes: the trust anchor devices are provisioned with. The output is\n"
               "accepted by `thingchain genesis build` (which checks that hash).\n"
               "Exit 0 ok, 1 not a valid genesis document, 2 usage.\n",
               show_usage);
        return CLI_OK;
    }
    if (argc != 2) return cli_usage(show_usage, "expects exactly one FILE (or - for standard input)");
    if (argv[1][0] == '-' && argv[1][1] != '\0')
        return cli_usage(show_usage, "unknown option '%s'", argv[1]);
    uint8_t *doc;
    size_t len;
    int rc = cli_read_input(&doc, &len, argv[1]);
    if (rc) return rc;
    tc_err err;
    tc_err_clear(&err);
    char *json;
    rc = tc_genesis_to_json(&json, &err, doc, len);
    tc_free(doc);
    if (rc) return cli_fail("%s: %s", argv[1], err.msg);
    int ok = printf("%s\n", json) >= 0 && fflush(stdout) == 0;
    free(json);
    return ok ? CLI_OK : cli_fail("cannot write the output");
}

static int write_out(const char *path, const uint8_t *p, size_t n)
{
    int to_stdout = strcmp(path, "-") == 0;
    FILE *f = to_stdout ? stdout : fopen(path, "wb");
    if (!f) return cli_fail("cannot create %s", path);
    int ok = fwrite(p, 1, n, f) == n;
    ok = (to_stdout ? fflush(f) == 0 : fclose(f) == 0) && ok;
    if (!ok) {
        if (!to_stdout) remove(path); /* no half-written genesis left behind */
        return cli_fail("cannot write %s", path);
    }
    return CLI_OK;
}

int cmd_genesis_build(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        printf("usage: %s\n\n"
               "Builds the genesis document (deterministic CBOR) from its JSON form, validates\n"
               "it exactly as a node does, writes it to OUT (- for standard output) and prints\n"
               "its genesis hash (hex SHA-256, the devices' trust anchor) on standard output\n"
               "(on standard error when OUT is -). JSON form:\n"
               "  {\"chain_id\": \"text\", \"genesis_time_ms\": N,\n"
               "   \"validators\": [{\"pub\": \"64 hex\", \"power\": N}, ...],\n"
               "   \"governance\": {\"k\": N, \"keys\": [\"64 hex\", ...]},\n"
               "   \"organizations\": [{\"id\": N, \"name\": \"text\",\n"
               "      \"roles\": [\"operator\"|\"manufacturer\"|\"validator\", ...],\n"
               "      \"admin\": {\"k\": N, \"keys\": [...]}}, ...]}\n"
               "An optional \"genesis_hash\" (as `genesis show` prints) must match the result.\n"
               "Unknown or duplicate members are refused.\n"
               "  -o, --output OUT  where to write the CBOR document (required)\n"
               "Exit 0 ok, 1 invalid JSON or genesis (the message says where), 2 usage.\n",
               build_usage);
        return CLI_OK;
    }
    static const struct option opts[] = {
        {"output", required_argument, NULL, 'o'},
        {NULL, 0, NULL, 0},
    };
    const char *outp = NULL;
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
        if (c != 'o') return cli_usage(build_usage, "unknown or incomplete option '%s'", argv[optind - 1]);
        outp = optarg;
    }
    if (!outp) return cli_usage(build_usage, "-o OUT.cbor is required");
    if (argc - optind != 1) return cli_usage(build_usage, "expects exactly one JSONFILE (or -)");
    uint8_t *json, *doc;
    size_t jl, len;
    int rc = cli_read_input(&json, &jl, argv[optind]);
    if (rc) return rc;
    tc_err err;
    tc_err_clear(&err);
    rc = tc_genesis_from_json(&doc, &len, &err, (const char *)json, jl);
    tc_free(json);
    if (rc) return cli_fail("%s: %s", argv[optind], err.msg);
    uint8_t h[TC_SHA256_LEN];
    tc_genesis_hash(h, doc, len);
    rc = write_out(outp, doc, len);
    tc_free(doc);
    if (rc) return rc;
    cli_print_hex(strcmp(outp, "-") == 0 ? stderr : stdout, h, sizeof h);
    return CLI_OK;
}
