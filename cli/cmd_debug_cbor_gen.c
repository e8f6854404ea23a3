/* `thingchain debug cbor-gen --seed N [--count K] [--depth D] [--hex]`:
 * random deterministic CBOR items (a function of the seed), for cross-checks
 * against other codecs: binary (one item) or one hex line per item. */
#include <getopt.h>
#include <stdio.h>

#include "cli.h"
#include "tc/alloc.h"
#include "tc/cbor_gen.h"
#include "tc/errors.h"

int cmd_debug_cbor_gen(int argc, char **argv)
{
    static const char usage[] = "thingchain debug cbor-gen --seed N [--count K] [--depth D] [--hex]";
    static const struct option opts[] = {{"seed", required_argument, NULL, 's'},
                                         {"count", required_argument, NULL, 'c'},
                                         {"depth", required_argument, NULL, 'd'},
                                         {"hex", no_argument, NULL, 'x'},
                                         {NULL, 0, NULL, 0}};
    if (cli_wants_help(argc, argv)) {
        printf("usage: %s\n\nWrites random deterministic CBOR items generated from seed N (then N+1, ...):\n"
               "K items (default 1) nested at most D deep (default 3, max 4). Binary output is\n"
               "one item; --hex (required when K > 1) prints one item per line in hex.\n", usage);
        return CLI_OK;
    }
    uint64_t seed = 0, count = 1, depth = 3;
    int have_seed = 0, hex = 0, c, rc;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
        if (c == 's') { if ((rc = cli_u64_opt(&seed, "--seed", optarg, usage))) return rc; have_seed = 1; }
        else if (c == 'c') { if ((rc = cli_u64_opt(&count, "--count", optarg, usage))) return rc; }
        else if (c == 'd') { if ((rc = cli_u64_opt(&depth, "--depth", optarg, usage))) return rc; }
        else if (c == 'x') hex = 1;
        else if (c == ':') return cli_usage(usage, "%s needs a value", argv[optind - 1]);
        else return cli_usage(usage, "unknown option '%s'", argv[optind - 1]);
    }
    if (optind < argc) return cli_usage(usage, "unexpected argument '%s'", argv[optind]);
    if (!have_seed) return cli_usage(usage, "--seed is required");
    if (depth > 4) return cli_usage(usage, "--depth is at most 4");
    if (count > 1 && !hex) return cli_usage(usage, "--count above 1 needs --hex");
    size_t cap = 1 << 20, n;
    uint8_t *buf = tc_malloc(cap);
    if (!buf) return cli_fail("out of memory");
    for (uint64_t i = 0; i < count; i++) {
        rc = tc_cbor_gen(buf, cap, &n, seed + i, (int)depth);
        if (rc) { tc_free(buf); return cli_fail("generation failed: %s", tc_strerror(rc)); }
        if (hex) cli_print_hex(stdout, buf, n);
        else fwrite(buf, 1, n, stdout);
    }
    tc_free(buf);
    return CLI_OK;
}
