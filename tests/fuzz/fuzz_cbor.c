/* libFuzzer target for the deterministic CBOR decoder. For every input:
 *  - validation returns 0 or a code of the cbor block (100-149), never crashes;
 *  - a valid prefix item validates again on its own;
 *  - for valid input, the diag printer succeeds and decode -> re-encode
 *    through the getters and putters reproduces the input exactly. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tc/cbor.h"
#include "tc/cbor_gen.h"
#include "tc/errors.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int cond)
{
    if (!cond) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    tc_cbor_limits lim;
    tc_cbor_limits_default(&lim);
    lim.max_depth = TC_CBOR_MAX_DEPTH;
    size_t item = 0, off = 0;
    int rc = tc_cbor_validate_at(&item, &off, data, size, &lim);
    check(rc == 0 || (rc >= TC_ERR_CBOR_TRUNCATED && rc < 150));
    if (rc) {
        check(off <= size);
        return 0;
    }
    check(item >= 1 && item <= size);

    tc_cbor_dec d;
    check(tc_cbor_dec_init(&d, data, item, &lim) == 0);
    if (item < size) {
        tc_cbor_dec t;
        check(tc_cbor_dec_init(&t, data, size, &lim) == TC_ERR_CBOR_TRAILING);
    }
    uint8_t *out = malloc(item);
    check(out != NULL);
    tc_cbor_enc e;
    size_t n = 0;
    tc_cbor_enc_init(&e, out, item);
    check(tc_cbor_reencode(&e, &d) == 0);
    check(tc_cbor_enc_finish(&e, &n) == 0);
    check(n == item && memcmp(out, data, item) == 0);
    check(tc_cbor_dec_done(&d) == 0);
    free(out);

    size_t dl = 0;
    check(tc_cbor_diag(NULL, 0, &dl, data, item, &lim) == TC_ERR_BUFFER_TOO_SMALL);
    char *diag = malloc(dl + 1);
    check(diag != NULL);
    size_t dl2 = 0;
    check(tc_cbor_diag(diag, dl + 1, &dl2, data, item, &lim) == 0);
    check(dl2 == dl && strlen(diag) == dl);
    free(diag);

    /* the skip path agrees with the validator about the item's end */
    check(tc_cbor_dec_init(&d, data, item, &lim) == 0);
    check(tc_cbor_skip(&d) == 0 && tc_cbor_dec_done(&d) == 0);
    return 0;
}
