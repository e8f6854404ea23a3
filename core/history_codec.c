/* CBOR encodings of history-tree proofs (deterministic CBOR, RFC 8949 §4.2.1):
 *   inclusion   = [index, size, [* bstr .size 32]]
 *   consistency = [old,   new,  [* bstr .size 32]]
 * The decoders accept exactly the number of hashes RFC 9162 prescribes for
 * the two numbers, so a proof with a missing or an extra hash never reaches
 * a verifier. tc:device-shared (C99, no allocation, no I/O). The encoders
 * (nodes only) are in core/history_codec_enc.c. */
#include <assert.h>

#include "tc/cbor.h"
#include "tc/errors.h"
#include "tc/history.h"

typedef int (*len_fn)(size_t *n, uint64_t a, uint64_t b);

static int decode(uint64_t *a, uint64_t *b, uint8_t *hashes, size_t cap, size_t *n,
                  const uint8_t *in, size_t in_len, len_fn expected)
{
    /* Tight limits: the validator never walks more than one proof's worth. */
    tc_cbor_limits lim;
    tc_cbor_limits_default(&lim);
    lim.max_depth = 2;
    lim.max_str = TC_HIST_HASH_LEN;
    lim.max_items = TC_HIST_MAX_PROOF + 1; /* one extra still reads as PROOF_LEN */

    tc_cbor_dec d;
    int rc = tc_cbor_dec_init(&d, in, in_len, &lim);
    if (rc) return rc;
    uint64_t x, y, count;
    if ((rc = tc_cbor_expect_array(&d, 3)) != 0) return rc;
    if ((rc = tc_cbor_get_uint(&d, &x)) != 0) return rc;
    if ((rc = tc_cbor_get_uint(&d, &y)) != 0) return rc;
    size_t want;
    if ((rc = expected(&want, x, y)) != 0) return rc;
    if ((rc = tc_cbor_get_array(&d, &count)) != 0) return rc;
    if (count != want) return TC_ERR_MERKLE_PROOF_LEN;
    if (want > cap) return TC_ERR_BUFFER_TOO_SMALL;
    for (size_t i = 0; i < want; i++) {
        rc = tc_cbor_get_bytes_fixed(&d, hashes + i * TC_HIST_HASH_LEN, TC_HIST_HASH_LEN);
        if (rc) return rc;
    }
    if ((rc = tc_cbor_dec_done(&d)) != 0) return rc;
    *a = x;
    *b = y;
    *n = want;
    return 0;
}

int tc_hist_inclusion_decode(uint64_t *index, uint64_t *size, uint8_t *hashes, size_t cap,
                             size_t *n, const uint8_t *in, size_t in_len)
{
    return decode(index, size, hashes, cap, n, in, in_len, tc_hist_inclusion_len);
}

int tc_hist_consistency_decode(uint64_t *old, uint64_t *size, uint8_t *hashes, size_t cap,
                               size_t *n, const uint8_t *in, size_t in_len)
{
    return decode(old, size, hashes, cap, n, in, in_len, tc_hist_consistency_len);
}
