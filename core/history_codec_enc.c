/* Encoders of history-tree proofs (the format is in core/history_codec.c):
 * node side only; devices decode and verify proofs, never build them. */
#include <assert.h>

#include "tc/cbor.h"
#include "tc/errors.h"
#include "tc/history.h"

static int encode_into(uint8_t *out, size_t cap, size_t *out_len, uint64_t a, uint64_t b,
                       const uint8_t *hashes, size_t n)
{
    tc_cbor_enc e;
    tc_cbor_enc_init(&e, out, cap);
    tc_cbor_put_array(&e, 3);
    tc_cbor_put_uint(&e, a);
    tc_cbor_put_uint(&e, b);
    tc_cbor_put_array(&e, n);
    for (size_t i = 0; i < n; i++) tc_cbor_put_bytes(&e, hashes + i * TC_HIST_HASH_LEN, TC_HIST_HASH_LEN);
    size_t len = 0;
    int rc = tc_cbor_enc_finish(&e, &len);
    *out_len = len;
    return rc;
}

/* On a short buffer, *out_len still reports the length needed. */
static int encode(uint8_t *out, size_t cap, size_t *out_len, uint64_t a, uint64_t b,
                  const uint8_t *hashes, size_t n)
{
    int rc = encode_into(out, cap, out_len, a, b, hashes, n);
    if (rc == TC_ERR_BUFFER_TOO_SMALL) (void)encode_into(NULL, 0, out_len, a, b, hashes, n);
    return rc;
}

int tc_hist_inclusion_encode(uint8_t *out, size_t cap, size_t *out_len, uint64_t index,
                             uint64_t size, const uint8_t *path, size_t n)
{
    size_t want = 0;
    int rc = tc_hist_inclusion_len(&want, index, size);
    assert(rc == 0 && want == n); /* encoding a proof that cannot be right is misuse */
    (void)rc;
    return encode(out, cap, out_len, index, size, path, n);
}

int tc_hist_consistency_encode(uint8_t *out, size_t cap, size_t *out_len, uint64_t old,
                               uint64_t size, const uint8_t *proof, size_t n)
{
    size_t want = 0;
    int rc = tc_hist_consistency_len(&want, old, size);
    assert(rc == 0 && want == n);
    (void)rc;
    return encode(out, cap, out_len, old, size, proof, n);
}
