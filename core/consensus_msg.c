/* Proposals and votes: sign-bytes, wire encoding, signing and verification.
 * Formats: docs/consensus.md ("Sign-bytes", "Wire messages"). The sign-bytes
 * themselves live in core/consensus_sign.c, shared with the device SDK. */
#include <assert.h>
#include <string.h>
#include "tc/consensus.h"
#include "tc/cbor.h"
#include "tc/errors.h"

/* Rounds stay below 2^31 so that pol_round (an int32) can name any of them. */
#define MAX_ROUND 0x7fffffffu

static int kind_ok(uint8_t k)
{
    return k == TC_CONS_PROPOSAL || k == TC_CONS_PREVOTE || k == TC_CONS_PRECOMMIT;
}

/* Sign-bytes are at most ~150 bytes: a stack buffer always suffices. */
#define SB_CAP (64 + TC_CHAIN_ID_MAX + TC_BLOCK_ID_LEN + 32)

int tc_cons_msg_sign(tc_cons_msg *m, const char *chain_id, const uint8_t sec[TC_ED25519_SEC_LEN])
{
    uint8_t sb[SB_CAP];
    size_t n;
    int rc = tc_cons_sign_bytes(sb, sizeof sb, &n, chain_id, m);
    if (rc)
        return rc;
    tc_ed25519_sign(m->sig, sb, n, sec);
    return 0;
}

int tc_cons_msg_verify(const tc_cons_msg *m, const char *chain_id, const tc_valset *vs)
{
    if (m->validator >= vs->n)
        return TC_ERR_CONS_VALIDATOR;
    uint8_t sb[SB_CAP];
    size_t n;
    int rc = tc_cons_sign_bytes(sb, sizeof sb, &n, chain_id, m);
    if (rc)
        return rc;
    return tc_ed25519_verify(m->sig, sb, n, vs->v[m->validator].pub);
}

int tc_cons_msg_encode(uint8_t *out, size_t cap, size_t *len, const tc_cons_msg *m)
{
    assert(m && kind_ok(m->kind));
    tc_cbor_enc e;
    tc_cbor_enc_init(&e, out, cap);
    if (m->kind == TC_CONS_PROPOSAL) {
        /* [0, height, round, pol_round, block_id, block, validator, sig] */
        tc_cbor_put_array(&e, 8);
        tc_cbor_put_uint(&e, 0);
        tc_cbor_put_uint(&e, m->height);
        tc_cbor_put_uint(&e, m->round);
        tc_cbor_put_int(&e, m->pol_round);
        tc_cbor_put_bytes(&e, m->block_id, TC_BLOCK_ID_LEN);
        tc_cbor_put_bytes(&e, m->block, m->block_len);
    } else {
        /* [type, height, round, block_id / null, validator, sig] */
        tc_cbor_put_array(&e, 6);
        tc_cbor_put_uint(&e, m->kind);
        tc_cbor_put_uint(&e, m->height);
        tc_cbor_put_uint(&e, m->round);
        if (m->has_id)
            tc_cbor_put_bytes(&e, m->block_id, TC_BLOCK_ID_LEN);
        else
            tc_cbor_put_null(&e);
    }
    tc_cbor_put_uint(&e, m->validator);
    tc_cbor_put_bytes(&e, m->sig, TC_ED25519_SIG_LEN);
    return tc_cbor_enc_finish(&e, len);
}

static int get_round(tc_cbor_dec *d, uint32_t *r)
{
    uint64_t v;
    int rc = tc_cbor_get_uint(d, &v);
    if (rc)
        return rc;
    if (v > MAX_ROUND)
        return TC_ERR_CONS_MESSAGE;
    *r = (uint32_t)v;
    return 0;
}

int tc_cons_msg_decode(tc_cons_msg *m, const uint8_t *in, size_t len)
{
    tc_cbor_dec d;
    uint64_t n, kind, v;
    int rc;
    memset(m, 0, sizeof *m);
    m->pol_round = -1;
    if ((rc = tc_cbor_dec_init(&d, in, len, NULL)) || (rc = tc_cbor_get_array(&d, &n)) ||
        (rc = tc_cbor_get_uint(&d, &kind)))
        return rc;
    if (kind > TC_CONS_PRECOMMIT || n != (kind == TC_CONS_PROPOSAL ? 8u : 6u))
        return TC_ERR_CONS_MESSAGE;
    m->kind = (uint8_t)kind;
    if ((rc = tc_cbor_get_uint(&d, &m->height)) || (rc = get_round(&d, &m->round)))
        return rc;
    if (m->height == 0)
        return TC_ERR_CONS_MESSAGE;
    if (kind == TC_CONS_PROPOSAL) {
        int64_t pol;
        if ((rc = tc_cbor_get_int(&d, &pol)))
            return rc;
        /* The valid round names an earlier round (Algorithm 1, line 28: vr < r). */
        if (pol < -1 || pol >= (int64_t)m->round)
            return TC_ERR_CONS_MESSAGE;
        m->pol_round = (int32_t)pol;
        m->has_id = 1;
        if ((rc = tc_cbor_get_bytes_fixed(&d, m->block_id, TC_BLOCK_ID_LEN)) ||
            (rc = tc_cbor_get_bytes(&d, &m->block, &m->block_len)))
            return rc;
    } else {
        tc_cbor_type t;
        if ((rc = tc_cbor_peek(&d, &t)))
            return rc;
        if (t == TC_CBOR_BYTES) {
            m->has_id = 1;
            rc = tc_cbor_get_bytes_fixed(&d, m->block_id, TC_BLOCK_ID_LEN);
        } else {
            rc = tc_cbor_get_null(&d);
        }
        if (rc)
            return rc;
    }
    if ((rc = tc_cbor_get_uint(&d, &v)))
        return rc;
    if (v >= TC_VALSET_MAX)
        return TC_ERR_CONS_MESSAGE;
    m->validator = (uint32_t)v;
    if ((rc = tc_cbor_get_bytes_fixed(&d, m->sig, TC_ED25519_SIG_LEN)))
        return rc;
    return tc_cbor_dec_done(&d);
}

int tc_cons_evidence_verify(uint32_t *validator, const uint8_t *ev, size_t ev_len,
                            const char *chain_id, const tc_valset *vs)
{
    tc_cbor_dec d;
    const uint8_t *p[2];
    size_t n[2];
    tc_cons_msg m[2];
    int rc;
    if ((rc = tc_cbor_dec_init(&d, ev, ev_len, NULL)) || (rc = tc_cbor_expect_array(&d, 2)) ||
        (rc = tc_cbor_get_bytes(&d, &p[0], &n[0])) || (rc = tc_cbor_get_bytes(&d, &p[1], &n[1])))
        return rc == TC_ERR_CBOR_TYPE || rc == TC_ERR_CBOR_LENGTH ? TC_ERR_CONS_EVIDENCE : rc;
    for (int i = 0; i < 2; i++) {
        if ((rc = tc_cons_msg_decode(&m[i], p[i], n[i])))
            return rc;
        if ((rc = tc_cons_msg_verify(&m[i], chain_id, vs)))
            return rc;
    }
    /* Same signer, height, round and kind; different block ids (nil counts
     * as a value of its own: a nil and a non-nil precommit conflict too). */
    if (m[0].validator != m[1].validator || m[0].height != m[1].height ||
        m[0].round != m[1].round || m[0].kind != m[1].kind)
        return TC_ERR_CONS_EVIDENCE;
    if (m[0].has_id == m[1].has_id &&
        (!m[0].has_id || memcmp(m[0].block_id, m[1].block_id, TC_BLOCK_ID_LEN) == 0))
        return TC_ERR_CONS_EVIDENCE;
    if (validator)
        *validator = m[0].validator;
    return 0;
}
