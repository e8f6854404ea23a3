/* `thingchain debug cbor-reencode [FILE|-]`: decodes one deterministic CBOR
 * item with the pull getters and writes it again with the encoder. For every
 * valid input the output is byte-identical: a cross-check of both halves. */
#include <stdio.h>

#include "cli.h"
#include "cli_cbor.h"
#include "tc/alloc.h"
#include "tc/cbor.h"
#include "tc/cbor_gen.h"
#include "tc/errors.h"


int cmd_debug_cbor_reencode(int argc, char **argv)
{
    static const char usage[] = "thingchain debug cbor-reencode [--max-depth N] [FILE|-]";
    if (cli_wants_help(argc, argv)) {
        printf("usage: %s\n\nValidates one binary CBOR item, decodes it with the getters and writes the\n"
               "encoder's bytes to standard output (identical to the input for valid input).\n"
               "Exits 1 with the reason if the input is not deterministic CBOR.\n", usage);
        return CLI_OK;
    }
    uint8_t *buf;
    size_t len, n = 0;
    tc_cbor_limits lim;
    int rc = cli_cbor_load(&buf, &len, &lim, argc, argv, usage);
    if (rc) return rc;
    uint8_t *out = tc_malloc(len ? len : 1);
    if (!out) { tc_free(buf); return cli_fail("out of memory"); }
    tc_cbor_dec d;
    tc_cbor_enc e;
    tc_cbor_enc_init(&e, out, len);
    rc = tc_cbor_dec_init(&d, buf, len, &lim);
    if (!rc) rc = tc_cbor_reencode(&e, &d);
    if (!rc) rc = tc_cbor_enc_finish(&e, &n);
    if (!rc) fwrite(out, 1, n, stdout);
    tc_free(out);
    tc_free(buf);
    return rc ? cli_fail("re-encoding failed: %s", tc_strerror(rc)) : CLI_OK;
}
