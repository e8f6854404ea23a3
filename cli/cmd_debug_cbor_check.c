/* `thingchain debug cbor-check [FILE|-]`: batch checking for cross-tests.
 * Each input line is one CBOR item in hex; each output line is
 * "ok <hex of decode -> re-encode>" or "err <ERROR_NAME> <byte offset>". */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "tc/alloc.h"
#include "tc/cbor.h"
#include "tc/cbor_gen.h"
#include "tc/errors.h"
#include "tc/hex.h"

static void check_line(const char *line, size_t n, uint8_t *bin, uint8_t *out)
{
    size_t len = 0, item = 0, off = 0, m = 0;
    if (tc_hex_decode(bin, n / 2 + 1, &len, line, n)) { printf("err HEX 0\n"); return; }
    int rc = tc_cbor_validate_at(&item, &off, bin, len, NULL);
    if (!rc && item != len) { rc = TC_ERR_CBOR_TRAILING; off = item; }
    if (rc) { printf("err %s %zu\n", tc_errname(rc), off); return; }
    tc_cbor_dec d;
    tc_cbor_enc e;
    tc_cbor_enc_init(&e, out, len);
    rc = tc_cbor_dec_init(&d, bin, len, NULL);
    if (!rc) rc = tc_cbor_reencode(&e, &d);
    if (!rc) rc = tc_cbor_enc_finish(&e, &m);
    if (rc) { printf("err REENCODE_%s 0\n", tc_errname(rc)); return; }
    printf("ok ");
    cli_print_hex(stdout, out, m);
}

int cmd_debug_cbor_check(int argc, char **argv)
{
    static const char usage[] = "thingchain debug cbor-check [FILE|-]";
    if (cli_wants_help(argc, argv)) {
        printf("usage: %s\n\nReads one hex-encoded CBOR item per line. For each prints\n"
               "  ok <hex>              valid deterministic CBOR; <hex> is its re-encoding\n"
               "  err <NAME> <offset>   rejected: error name (tc_errname) and byte offset\n", usage);
        return CLI_OK;
    }
    if (argc > 2) return cli_usage(usage, "unexpected argument '%s'", argv[2]);
    if (argc == 2 && argv[1][0] == '-' && argv[1][1]) return cli_usage(usage, "unknown option '%s'", argv[1]);
    uint8_t *in;
    size_t len;
    int rc = cli_read_input(&in, &len, argc == 2 ? argv[1] : "-");
    if (rc) return rc;
    uint8_t *bin = tc_malloc(len / 2 + 1), *out = tc_malloc(len / 2 + 1);
    if (!bin || !out) { tc_free(bin); tc_free(out); tc_free(in); return cli_fail("out of memory"); }
    for (size_t i = 0; i < len;) {
        const uint8_t *nl = memchr(in + i, '\n', len - i);
        size_t n = nl ? (size_t)(nl - (in + i)) : len - i;
        size_t k = n;
        if (k && in[i + k - 1] == '\r') k--;
        check_line((const char *)in + i, k, bin, out);
        i += n + 1;
    }
    tc_free(bin);
    tc_free(out);
    tc_free(in);
    return CLI_OK;
}
