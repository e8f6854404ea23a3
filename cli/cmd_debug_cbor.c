/* `thingchain debug cbor [--max-depth N] [FILE|-]`: diagnostic notation
 * (RFC 8949 §8) of one deterministic CBOR item; exit 1 with the reason and
 * the byte offset when the input is not deterministic CBOR. */
#include <getopt.h>
#include <stdio.h>

#include "cli.h"
#include "cli_cbor.h"
#include "tc/alloc.h"
#include "tc/cbor.h"
#include "tc/errors.h"

static const char usage[] = "thingchain debug cbor [--max-depth N] [FILE|-]";

int cli_cbor_load(uint8_t **buf, size_t *len, tc_cbor_limits *lim, int argc, char **argv,
                  const char *use)
{
    static const struct option opts[] = {{"max-depth", required_argument, NULL, 'd'}, {NULL, 0, NULL, 0}};
    tc_cbor_limits_default(lim);
    lim->max_str = CLI_MAX_INPUT;
    lim->max_items = CLI_MAX_INPUT;
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
        uint64_t v;
        if (c == 'd') {
            int rc = cli_u64_opt(&v, "--max-depth", optarg, use);
            if (rc) return rc;
            if (v > TC_CBOR_MAX_DEPTH) return cli_usage(use, "--max-depth is at most %d", TC_CBOR_MAX_DEPTH);
            lim->max_depth = (uint32_t)v;
        } else if (c == ':') return cli_usage(use, "%s needs a value", argv[optind - 1]);
        else return cli_usage(use, "unknown option '%s'", argv[optind - 1]);
    }
    if (argc - optind > 1) return cli_usage(use, "unexpected argument '%s'", argv[optind + 1]);
    int rc = cli_read_input(buf, len, optind < argc ? argv[optind] : "-");
    if (rc) return rc;
    size_t item = 0, off = 0;
    rc = tc_cbor_validate_at(&item, &off, *buf, *len, lim);
    if (!rc && item != *len) { rc = TC_ERR_CBOR_TRAILING; off = item; }
    if (rc) {
        tc_free(*buf);
        return cli_fail("not deterministic CBOR: %s (%s) at byte %zu", tc_strerror(rc), tc_errname(rc), off);
    }
    return 0;
}

int cmd_debug_cbor(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        printf("usage: %s\n\n"
               "Prints the diagnostic notation (RFC 8949 section 8) of one binary CBOR item read\n"
               "from FILE or standard input. Exits 1 with the reason and the byte offset if the\n"
               "input is not deterministic CBOR (RFC 8949 section 4.2.1): non-shortest integers,\n"
               "lengths or floats, indefinite lengths, unsorted or duplicate map keys, invalid\n"
               "UTF-8, trailing bytes, nesting deeper than --max-depth (default %d, max %d).\n",
               usage, TC_CBOR_DEFAULT_DEPTH, TC_CBOR_MAX_DEPTH);
        return CLI_OK;
    }
    uint8_t *buf;
    size_t len, dl;
    tc_cbor_limits lim;
    int rc = cli_cbor_load(&buf, &len, &lim, argc, argv, usage);
    if (rc) return rc;
    tc_cbor_diag(NULL, 0, &dl, buf, len, &lim);
    char *out = tc_malloc(dl + 1);
    if (!out) { tc_free(buf); return cli_fail("out of memory"); }
    rc = tc_cbor_diag(out, dl + 1, &dl, buf, len, &lim);
    if (!rc) printf("%s\n", out);
    tc_free(out);
    tc_free(buf);
    return rc ? cli_fail("%s", tc_strerror(rc)) : CLI_OK;
}
