/* Sign-bytes of proposals and votes (docs/consensus.md, "Sign-bytes"), split
 * from core/consensus_msg.c so that the device light client can rebuild
 * precommit sign-bytes (commit certificates) without carrying the wire codec.
 * tc:device-shared (C99, no allocation, no I/O). */
#include <assert.h>
#include <string.h>
#include "tc/consensus.h"
#include "tc/cbor.h"
#include "tc/errors.h"

#define SIGN_CTX_PROPOSAL "thingchain/proposal/v1"
#define SIGN_CTX_VOTE "thingchain/vote/v1"

static int kind_ok(uint8_t k)
{
    return k == TC_CONS_PROPOSAL || k == TC_CONS_PREVOTE || k == TC_CONS_PRECOMMIT;
}

int tc_cons_sign_bytes(uint8_t *out, size_t cap, size_t *len, const char *chain_id,
                       const tc_cons_msg *m)
{
    assert(chain_id && m && kind_ok(m->kind));
    assert(strlen(chain_id) <= TC_CHAIN_ID_MAX);
    tc_cbor_enc e;
    tc_cbor_enc_init(&e, out, cap);
    tc_cbor_put_array(&e, 6);
    if (m->kind == TC_CONS_PROPOSAL) {
        /* ["thingchain/proposal/v1", chain_id, height, round, pol_round, block_id] */
        tc_cbor_put_cstr(&e, SIGN_CTX_PROPOSAL);
        tc_cbor_put_cstr(&e, chain_id);
        tc_cbor_put_uint(&e, m->height);
        tc_cbor_put_uint(&e, m->round);
        tc_cbor_put_int(&e, m->pol_round);
        tc_cbor_put_bytes(&e, m->block_id, TC_BLOCK_ID_LEN);
    } else {
        /* ["thingchain/vote/v1", chain_id, type, height, round, block_id / null] */
        tc_cbor_put_cstr(&e, SIGN_CTX_VOTE);
        tc_cbor_put_cstr(&e, chain_id);
        tc_cbor_put_uint(&e, m->kind);
        tc_cbor_put_uint(&e, m->height);
        tc_cbor_put_uint(&e, m->round);
        if (m->has_id)
            tc_cbor_put_bytes(&e, m->block_id, TC_BLOCK_ID_LEN);
        else
            tc_cbor_put_null(&e);
    }
    return tc_cbor_enc_finish(&e, len);
}
