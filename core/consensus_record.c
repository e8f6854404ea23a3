/* The persisted signing record (restart safety, DESIGN.md Consensus):
 *   [1, height, round, step, block_id / null,
 *    locked_round, locked_value / null, valid_round, valid_value / null,
 *    [prevote, ...],   (the valid value's proof of lock, wire messages)
 *    [msg, ...]]       (own signed messages of the height, oldest first)
 * The engine emits it in a PERSIST action before a signed message leaves. */
#include <assert.h>
#include <string.h>
#include "tc/consensus.h"
#include "tc/cbor.h"
#include "tc/errors.h"

static void put_opt(tc_cbor_enc *e, const uint8_t *p, size_t n)
{
    if (p)
        tc_cbor_put_bytes(e, p, n);
    else
        tc_cbor_put_null(e);
}

int tc_cons_record_encode(uint8_t *out, size_t cap, size_t *len, const tc_cons_record *r)
{
    tc_cbor_enc e;
    tc_cbor_enc_init(&e, out, cap);
    tc_cbor_put_array(&e, 11);
    tc_cbor_put_uint(&e, 1);
    tc_cbor_put_uint(&e, r->height);
    tc_cbor_put_uint(&e, r->round);
    tc_cbor_put_uint(&e, r->step);
    put_opt(&e, r->has_id ? r->block_id : NULL, TC_BLOCK_ID_LEN);
    tc_cbor_put_int(&e, r->locked_round);
    put_opt(&e, r->locked_value, r->locked_len);
    tc_cbor_put_int(&e, r->valid_round);
    put_opt(&e, r->valid_value, r->valid_len);
    if (r->pol)
        tc_cbor_put_raw(&e, r->pol, r->pol_len);
    else
        tc_cbor_put_array(&e, 0);
    if (r->own)
        tc_cbor_put_raw(&e, r->own, r->own_len);
    else
        tc_cbor_put_array(&e, 0);
    return tc_cbor_enc_finish(&e, len);
}

/* A byte string, or null (then *p = NULL). */
static int get_opt(tc_cbor_dec *d, const uint8_t **p, size_t *n)
{
    tc_cbor_type t;
    int rc = tc_cbor_peek(d, &t);
    *p = NULL;
    *n = 0;
    if (rc)
        return rc;
    if (t == TC_CBOR_BYTES)
        return tc_cbor_get_bytes(d, p, n);
    return tc_cbor_get_null(d);
}

static int get_i32(tc_cbor_dec *d, int32_t *out)
{
    int64_t v;
    int rc = tc_cbor_get_int(d, &v);
    if (rc)
        return rc;
    if (v < -1 || v > 0x7fffffff)
        return TC_ERR_CONS_RECORD;
    *out = (int32_t)v;
    return 0;
}

int tc_cons_record_decode(tc_cons_record *r, const uint8_t *in, size_t len)
{
    tc_cbor_dec d;
    uint64_t ver, round, step;
    const uint8_t *id;
    size_t idlen;
    int rc;
    memset(r, 0, sizeof *r);
    if ((rc = tc_cbor_dec_init(&d, in, len, NULL)) || (rc = tc_cbor_expect_array(&d, 11)) ||
        (rc = tc_cbor_get_uint(&d, &ver)) || (rc = tc_cbor_get_uint(&d, &r->height)) ||
        (rc = tc_cbor_get_uint(&d, &round)) || (rc = tc_cbor_get_uint(&d, &step)) ||
        (rc = get_opt(&d, &id, &idlen)) || (rc = get_i32(&d, &r->locked_round)) ||
        (rc = get_opt(&d, &r->locked_value, &r->locked_len)) ||
        (rc = get_i32(&d, &r->valid_round)) ||
        (rc = get_opt(&d, &r->valid_value, &r->valid_len)) ||
        (rc = tc_cbor_get_raw(&d, &r->pol, &r->pol_len)) ||
        (rc = tc_cbor_get_raw(&d, &r->own, &r->own_len)) || (rc = tc_cbor_dec_done(&d)))
        return rc == TC_ERR_CONS_RECORD ? rc : TC_ERR_CONS_RECORD;
    if (ver != 1 || round > 0x7fffffffu || step > TC_STEP_PRECOMMIT ||
        (id && idlen != TC_BLOCK_ID_LEN) || (r->locked_round >= 0) != (r->locked_value != NULL) ||
        (r->valid_round >= 0) != (r->valid_value != NULL))
        return TC_ERR_CONS_RECORD;
    r->round = (uint32_t)round;
    r->step = (uint8_t)step;
    if (id) {
        r->has_id = 1;
        memcpy(r->block_id, id, TC_BLOCK_ID_LEN);
    }
    return 0;
}
