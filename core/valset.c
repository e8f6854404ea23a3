/* Validator sets: membership, quorum arithmetic, weighted proposer rotation.
 * See include/tc/valset.h. Pure, no allocation.
 * tc:device-shared (C99, no allocation, no I/O): the device light client
 * keeps a set and checks its hash against headers (include/tcdev/light.h). */
#include <assert.h>
#include <string.h>
#include "tc/valset.h"
#include "tc/cbor.h"
#include "tc/errors.h"

void tc_valset_init(tc_valset *vs)
{
    assert(vs);
    memset(vs, 0, sizeof *vs);
}

int tc_valset_add(tc_valset *vs, const uint8_t pub[TC_ED25519_PUB_LEN], uint64_t power)
{
    assert(vs && pub);
    if (power == 0 || vs->n >= TC_VALSET_MAX || tc_valset_find(vs, pub) >= 0 ||
        power > TC_VALSET_MAX_POWER - vs->total)
        return TC_ERR_CONS_VALSET;
    tc_validator *v = &vs->v[vs->n++];
    memcpy(v->pub, pub, TC_ED25519_PUB_LEN);
    v->power = power;
    v->priority = 0;
    vs->total += power;
    return 0;
}

int tc_valset_find(const tc_valset *vs, const uint8_t pub[TC_ED25519_PUB_LEN])
{
    for (size_t i = 0; i < vs->n; i++)
        if (memcmp(vs->v[i].pub, pub, TC_ED25519_PUB_LEN) == 0)
            return (int)i;
    return -1;
}

/* total <= 2^60, so 3 * power cannot overflow for power <= total. */
int tc_valset_is_quorum(const tc_valset *vs, uint64_t power)
{
    return power <= vs->total && 3 * power > 2 * vs->total;
}

int tc_valset_is_third(const tc_valset *vs, uint64_t power)
{
    return power <= vs->total && 3 * power > vs->total;
}

/* One step of CometBFT's IncrementProposerPriority: everyone gains its power,
 * the highest priority (lowest index on ties) proposes and pays the total. */
static size_t step_priorities(int64_t *prio, const tc_valset *vs)
{
    size_t best = 0;
    for (size_t i = 0; i < vs->n; i++) {
        prio[i] += (int64_t)vs->v[i].power;
        if (prio[i] > prio[best])
            best = i;
    }
    prio[best] -= (int64_t)vs->total;
    return best;
}

size_t tc_valset_proposer(const tc_valset *vs, uint32_t round)
{
    assert(vs->n > 0);
    int64_t prio[TC_VALSET_MAX];
    for (size_t i = 0; i < vs->n; i++)
        prio[i] = vs->v[i].priority;
    size_t who = 0;
    for (uint64_t k = 0; k <= round; k++)
        who = step_priorities(prio, vs);
    return who;
}

void tc_valset_advance(tc_valset *vs)
{
    assert(vs->n > 0);
    int64_t prio[TC_VALSET_MAX];
    for (size_t i = 0; i < vs->n; i++)
        prio[i] = vs->v[i].priority;
    step_priorities(prio, vs);
    for (size_t i = 0; i < vs->n; i++)
        vs->v[i].priority = prio[i];
}

/* Streams the encoding into SHA-256 one entry at a time: the whole array
 * (up to 6 KiB) never sits on the stack, which the device build (4 KiB
 * stack target) could not afford. Same bytes, same hash. */
int tc_valset_hash(const tc_valset *vs, uint8_t out[TC_SHA256_LEN])
{
    uint8_t buf[64]; /* one entry: 1 + 34 + 9 bytes; the array head: <= 9 */
    tc_sha256_ctx ctx;
    tc_cbor_enc e;
    size_t len;
    int rc;
    tc_sha256_init(&ctx);
    tc_cbor_enc_init(&e, buf, sizeof buf);
    tc_cbor_put_array(&e, vs->n);
    if ((rc = tc_cbor_enc_finish(&e, &len)))
        return rc;
    tc_sha256_update(&ctx, buf, len);
    for (size_t i = 0; i < vs->n; i++) {
        tc_cbor_enc_init(&e, buf, sizeof buf);
        tc_cbor_put_array(&e, 2);
        tc_cbor_put_bytes(&e, vs->v[i].pub, TC_ED25519_PUB_LEN);
        tc_cbor_put_uint(&e, vs->v[i].power);
        if ((rc = tc_cbor_enc_finish(&e, &len)))
            return rc;
        tc_sha256_update(&ctx, buf, len);
    }
    tc_sha256_final(&ctx, out);
    return 0;
}
