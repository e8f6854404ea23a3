/* Light client: trust anchor, header + commit certificate verification,
 * validator-set following, monotonic view (include/tcdev/light.h;
 * docs/light-client.md "Accepting a header"). The certificate check itself
 * is the node's own tc_cons_cert_verify (core/consensus_cert.c, shared). */
#include <assert.h>
#include <string.h>

#include "light_internal.h"
#include "tc/cbor.h"
#include "tc/errors.h"

int tcdev_light_anchor(tcdev_light *st, const uint8_t genesis_hash[TC_HASH_LEN],
                       const char *chain_id, size_t chain_id_len, const tc_valset *genesis_set,
                       uint64_t max_drift_ms)
{
    assert(st && genesis_hash && chain_id && genesis_set);
    if (chain_id_len == 0 || chain_id_len > TC_CHAIN_ID_MAX ||
        memchr(chain_id, 0, chain_id_len) != NULL || genesis_set->n == 0)
        return TC_ERR_INVALID_ARG;
    memset(st, 0, sizeof *st);
    st->magic = TCDEV_LIGHT_MAGIC;
    memcpy(st->genesis_hash, genesis_hash, TC_HASH_LEN);
    memcpy(st->chain_id, chain_id, chain_id_len);
    st->max_drift_ms = max_drift_ms;
    /* Height 0 stands for genesis: block 1 links to the genesis hash and is
     * signed by the genesis set. */
    memcpy(st->id, genesis_hash, TC_HASH_LEN);
    st->valset = *genesis_set;
    int rc = tc_valset_hash(&st->valset, st->valset_hash);
    if (rc)
        return rc;
    memcpy(st->next_valset_hash, st->valset_hash, TC_HASH_LEN);
    return 0;
}

int tcdev_valset_decode(tc_valset *vs, const uint8_t *in, size_t len)
{
    tc_cbor_dec d;
    uint64_t n, power;
    uint8_t pub[TC_ED25519_PUB_LEN];
    int rc;
    tc_valset_init(vs);
    if ((rc = tc_cbor_dec_init(&d, in, len, NULL)) || (rc = tc_cbor_get_array(&d, &n)))
        return rc;
    if (n == 0 || n > TC_VALSET_MAX)
        return TC_ERR_CONS_VALSET;
    for (uint64_t i = 0; i < n; i++) {
        if ((rc = tc_cbor_expect_array(&d, 2)) ||
            (rc = tc_cbor_get_bytes_fixed(&d, pub, sizeof pub)) ||
            (rc = tc_cbor_get_uint(&d, &power)))
            return rc == TC_ERR_CBOR_TYPE || rc == TC_ERR_CBOR_LENGTH ? TC_ERR_CONS_VALSET : rc;
        /* Duplicate keys, zero power and overflow are refused here as the
         * ledger refuses them when the set is written. */
        if ((rc = tc_valset_add(vs, pub, power)))
            return rc;
    }
    return tc_cbor_dec_done(&d);
}

/* Which set signs h: st's current one, or the announced next one whose
 * bytes the node supplied (decoded into w->vs). */
static int pick_set(const tc_valset **vs, int *new_set, const tcdev_light *st,
                    tcdev_light_work *w, const tc_header *h, const uint8_t *valset,
                    size_t valset_len)
{
    *new_set = 0;
    if (memcmp(h->valset_hash, st->valset_hash, TC_HASH_LEN) == 0) {
        *vs = &st->valset;
        return 0;
    }
    if (memcmp(h->valset_hash, st->next_valset_hash, TC_HASH_LEN) != 0 || valset == NULL)
        return TC_ERR_LIGHT_VALSET;
    assert(w);
    uint8_t hash[TC_HASH_LEN];
    tc_sha256(hash, valset, valset_len);
    if (memcmp(hash, h->valset_hash, TC_HASH_LEN) != 0)
        return TC_ERR_LIGHT_VALSET;
    int rc = tcdev_valset_decode(&w->vs, valset, valset_len);
    if (rc)
        return rc;
    *vs = &w->vs;
    *new_set = 1;
    return 0;
}

int tcdev__light_check(tcdev__checked *c, const tcdev_light *st, tcdev_light_work *w,
                       const uint8_t *header, size_t header_len, const uint8_t *cert,
                       size_t cert_len, const uint8_t *valset, size_t valset_len,
                       uint64_t now_ms)
{
    assert(c && st && header && cert);
    assert(st->magic == TCDEV_LIGHT_MAGIC);
    tc_header *h = &c->hdr;
    int rc;
    c->same = c->new_set = 0;
    if (header_len > TC_HEADER_MAX)
        return TC_ERR_BLOCK_FORMAT;
    if ((rc = tc_header_decode(h, header, header_len)))
        return rc;
    /* The id is the hash of the bytes received, which the decoder proved to
     * be the header's one canonical encoding. */
    tc_sha256(c->id, header, header_len);
    size_t cid_len = strlen(st->chain_id);
    if (h->chain_id_len != cid_len || memcmp(h->chain_id, st->chain_id, cid_len) != 0)
        return TC_ERR_LIGHT_CHAIN;
    if (h->height < st->height)
        return TC_ERR_LIGHT_STALE;
    if (h->height == st->height) {
        if (memcmp(c->id, st->id, TC_HASH_LEN) != 0)
            return TC_ERR_LIGHT_FORK;
        c->same = 1; /* verified before, with its certificate */
        return 0;
    }
    if (h->height == 1 && memcmp(h->prev_hash, st->genesis_hash, TC_HASH_LEN) != 0)
        return TC_ERR_LIGHT_CHAIN;
    if (st->height > 0 && h->height == st->height + 1 &&
        memcmp(h->prev_hash, st->id, TC_HASH_LEN) != 0)
        return TC_ERR_LIGHT_LINK;
    if (st->height > 0 && h->time_ms <= st->hdr.time_ms)
        return TC_ERR_LIGHT_TIME_BACKWARDS;
    if (h->time_ms > now_ms && h->time_ms - now_ms > st->max_drift_ms)
        return TC_ERR_LIGHT_TIME_FUTURE;
    const tc_valset *vs;
    if ((rc = pick_set(&vs, &c->new_set, st, w, h, valset, valset_len)))
        return rc;
    tc_cons_cert_info info;
    if ((rc = tc_cons_cert_verify(&info, cert, cert_len, st->chain_id, vs, h->height)))
        return rc;
    if (memcmp(info.block_id, c->id, TC_HASH_LEN) != 0)
        return TC_ERR_LIGHT_CERT_BLOCK;
    return 0;
}

void tcdev__light_commit(tcdev_light *st, const tcdev_light_work *w, const tcdev__checked *c)
{
    if (c->same)
        return;
    if (c->new_set) {
        st->valset = w->vs;
        memcpy(st->valset_hash, c->hdr.valset_hash, TC_HASH_LEN);
    }
    st->height = c->hdr.height;
    memcpy(st->id, c->id, TC_HASH_LEN);
    st->hdr = c->hdr;
    memcpy(st->next_valset_hash, c->hdr.next_valset_hash, TC_HASH_LEN);
}

int tcdev_light_verify_header(tcdev_light *st, tcdev_light_work *w, const uint8_t *header,
                              size_t header_len, const uint8_t *cert, size_t cert_len,
                              const uint8_t *valset, size_t valset_len, uint64_t now_ms)
{
    tcdev__checked c;
    int rc = tcdev__light_check(&c, st, w, header, header_len, cert, cert_len, valset,
                                valset_len, now_ms);
    if (rc)
        return rc;
    tcdev__light_commit(st, w, &c);
    return 0;
}
