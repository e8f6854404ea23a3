/* CBOR encoding of state-tree proofs (include/tc/smt.h, docs/state-tree.md):
 *   [kind, depth, bitmap, siblings] / [2, depth, bitmap, siblings, key, value]
 * tc:device-shared (C99, no allocation, no I/O). The decoder accepts exactly
 * one encoding per proof: every structural rule is checked here, so the
 * verifier only has to hash. */
#include <string.h>

#include "tc/cbor.h"
#include "tc/errors.h"
#include "tc/smt.h"

static size_t popcount8(uint8_t b)
{
    size_t n = 0;
    while (b) { n += b & 1u; b >>= 1; }
    return n;
}

/* Bitmap rules: ceil(depth/8) bytes, unused low bits of the last byte zero,
 * and the deepest level's sibling present (an honest path only stops below
 * a node holding at least two keys, so that sibling is never empty). */
static int check_bitmap(const uint8_t *bm, size_t bm_len, unsigned depth, size_t *count)
{
    if (bm_len != (depth + 7u) / 8u) return TC_ERR_SMT_PROOF_FORMAT;
    if (depth & 7u) {
        uint8_t unused = (uint8_t)(0xffu >> (depth & 7u));
        if (bm[bm_len - 1] & unused) return TC_ERR_SMT_PROOF_FORMAT;
    }
    if (depth > 0) {
        unsigned last = depth - 1;
        if (!((bm[last >> 3] >> (7 - (last & 7))) & 1)) return TC_ERR_SMT_PROOF_FORMAT;
    }
    size_t n = 0;
    for (size_t i = 0; i < bm_len; i++) n += popcount8(bm[i]);
    *count = n;
    return TC_OK;
}

static int decode(tc_smt_proof *p, const uint8_t *in, size_t in_len)
{
    tc_cbor_limits lim;
    tc_cbor_dec d;
    uint64_t n, kind, depth;
    const uint8_t *bm, *sib;
    size_t bm_len, sib_len, count;
    tc_cbor_limits_default(&lim);
    lim.max_depth = 1;
    lim.max_items = 6;
    lim.max_str = TC_SMT_MAX_DEPTH * TC_SMT_HASH_LEN;
    if (tc_cbor_dec_init(&d, in, in_len, &lim)) return TC_ERR_SMT_PROOF_FORMAT;
    if (tc_cbor_get_array(&d, &n) || (n != 4 && n != 6)) return TC_ERR_SMT_PROOF_FORMAT;
    if (tc_cbor_get_uint(&d, &kind) || kind > TC_SMT_ABSENT_OTHER) return TC_ERR_SMT_PROOF_FORMAT;
    if ((kind == TC_SMT_ABSENT_OTHER) != (n == 6)) return TC_ERR_SMT_PROOF_FORMAT;
    if (tc_cbor_get_uint(&d, &depth) || depth > TC_SMT_MAX_DEPTH) return TC_ERR_SMT_PROOF_FORMAT;
    if (tc_cbor_get_bytes(&d, &bm, &bm_len)) return TC_ERR_SMT_PROOF_FORMAT;
    if (check_bitmap(bm, bm_len, (unsigned)depth, &count)) return TC_ERR_SMT_PROOF_FORMAT;
    if (tc_cbor_get_bytes(&d, &sib, &sib_len) || sib_len != count * TC_SMT_HASH_LEN)
        return TC_ERR_SMT_PROOF_FORMAT;
    p->kind = (uint8_t)kind;
    p->depth = (uint16_t)depth;
    memset(p->bitmap, 0, sizeof p->bitmap);
    if (bm_len) memcpy(p->bitmap, bm, bm_len);
    p->siblings = sib;
    p->sibling_count = count;
    memset(p->other_key, 0, sizeof p->other_key);
    memset(p->other_value, 0, sizeof p->other_value);
    if (kind == TC_SMT_ABSENT_OTHER) {
        if (tc_cbor_get_bytes_fixed(&d, p->other_key, TC_SMT_HASH_LEN)
            || tc_cbor_get_bytes_fixed(&d, p->other_value, TC_SMT_HASH_LEN))
            return TC_ERR_SMT_PROOF_FORMAT;
    }
    return tc_cbor_dec_done(&d) ? TC_ERR_SMT_PROOF_FORMAT : TC_OK;
}

int tc_smt_proof_decode(tc_smt_proof *p, const uint8_t *in, size_t in_len)
{
    int rc = decode(p, in, in_len);
    if (rc) memset(p, 0, sizeof *p);
    return rc;
}

int tc_smt_proof_encode(uint8_t *out, size_t cap, size_t *out_len, const tc_smt_proof *p)
{
    size_t count;
    size_t bm_len = ((size_t)p->depth + 7u) / 8u;
    if (p->kind > TC_SMT_ABSENT_OTHER || p->depth > TC_SMT_MAX_DEPTH) return TC_ERR_INVALID_ARG;
    if (check_bitmap(p->bitmap, bm_len, p->depth, &count) || count != p->sibling_count)
        return TC_ERR_INVALID_ARG;
    tc_cbor_enc e;
    tc_cbor_enc_init(&e, out, cap);
    tc_cbor_put_array(&e, p->kind == TC_SMT_ABSENT_OTHER ? 6 : 4);
    tc_cbor_put_uint(&e, p->kind);
    tc_cbor_put_uint(&e, p->depth);
    tc_cbor_put_bytes(&e, p->bitmap, bm_len);
    static const uint8_t none[1] = { 0 };
    tc_cbor_put_bytes(&e, count ? p->siblings : none, count * TC_SMT_HASH_LEN);
    if (p->kind == TC_SMT_ABSENT_OTHER) {
        tc_cbor_put_bytes(&e, p->other_key, TC_SMT_HASH_LEN);
        tc_cbor_put_bytes(&e, p->other_value, TC_SMT_HASH_LEN);
    }
    size_t len = 0;
    int rc = tc_cbor_enc_finish(&e, &len);
    *out_len = len;
    return rc;
}
