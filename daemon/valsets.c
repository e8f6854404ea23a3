/* Validator sets per height and peer admission (docs/node.md, "Validator-set
 * changes"; docs/ledger.md: `V` + effective height).
 *
 * The ledger keeps every set under `V` + its effective height (genesis
 * writes height 1; gov.set_validators writes a later one, at least the
 * block height + 2, so the set of h and of h+1 are both in the committed
 * state when height h starts). The set of height h is the entry with the
 * largest effective height e <= h, its proposer priorities starting at 0 at
 * height e and advanced once per height after it (docs/consensus.md):
 * for the genesis set that is the old rule "advanced h-1 times".
 *
 * A one-entry cache (the set of the previous call's lowest height) makes
 * the per-height cost one advance instead of h - e. */
#include <string.h>

#include "node.h"
#include "tc/cbor.h"
#include "tc/hex.h"
#include "tc/kv.h"
#include "tc/log.h"

typedef struct scan_ctx {
    uint64_t eff;   /* effective height of the last entry seen, 0 none */
    tc_valset vs;   /* its members, priorities 0 */
    int bad;
    const uint8_t *admit; /* node_admits: key looked for */
    int found;
} scan_ctx;

static int decode_set(tc_valset *vs, const uint8_t *p, size_t n)
{
    tc_cbor_dec d;
    uint64_t cnt;
    tc_valset_init(vs);
    if (tc_cbor_dec_init(&d, p, n, NULL) || tc_cbor_get_array(&d, &cnt) || cnt == 0)
        return -1;
    for (uint64_t i = 0; i < cnt; i++) {
        uint8_t pub[TC_ED25519_PUB_LEN];
        uint64_t power;
        if (tc_cbor_expect_array(&d, 2) || tc_cbor_get_bytes_fixed(&d, pub, sizeof pub) ||
            tc_cbor_get_uint(&d, &power) || tc_valset_add(vs, pub, power))
            return -1;
    }
    return 0;
}

static uint64_t be64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | p[i];
    return v;
}

static int on_entry(void *arg, const uint8_t *key, size_t klen, const uint8_t *val, size_t vlen)
{
    scan_ctx *c = arg;
    if (klen != 9)
        return 0;
    tc_valset vs;
    if (decode_set(&vs, val, vlen) != 0) {
        c->bad = 1;
        return 1;
    }
    if (c->admit) {
        if (tc_valset_find(&vs, c->admit) >= 0) {
            c->found = 1;
            return 1;
        }
        return 0;
    }
    c->eff = be64(key + 1);
    c->vs = vs;
    return 0;
}

static void key_of(uint8_t k[9], uint64_t h)
{
    k[0] = 'V'; /* TC_K_VALSET, docs/ledger.md */
    for (int i = 0; i < 8; i++)
        k[1 + i] = (uint8_t)(h >> (56 - 8 * i));
}

/* The set of one height from the committed state (priorities included);
 * *eff (may be NULL) is the height it took effect. */
static int set_at(node *nd, tc_valset *out, uint64_t *eff, uint64_t height)
{
    uint8_t lo[9], hi[9];
    key_of(lo, 0);
    key_of(hi, height + 1);
    static scan_ctx ctx; /* 6 KiB sets: off the stack; one loop thread */
    scan_ctx *c = &ctx;
    c->eff = 0;
    c->bad = 0;
    c->admit = NULL;
    int rc = tc_kv_scan(tc_store_values(nd->store), lo, 9, hi, 9, on_entry, c);
    if (rc || c->bad || c->eff == 0) {
        TC_LOGE("no usable validator set for height %llu in the state", (unsigned long long)height);
        return rc ? rc : TC_ERR_STATE;
    }
    uint64_t from = c->eff;
    if (eff)
        *eff = c->eff;
    tc_valset *cache = &nd->vs_cache;
    if (nd->vs_cache_eff == c->eff && nd->vs_cache_h <= height) {
        *out = *cache;
        from = nd->vs_cache_h;
    } else {
        *out = c->vs;
    }
    for (uint64_t h = from; h < height; h++)
        tc_valset_advance(out);
    *cache = *out;
    nd->vs_cache_eff = c->eff;
    nd->vs_cache_h = height;
    return 0;
}

int node_set_for(node *nd, tc_valset *vs, uint64_t height)
{
    return set_at(nd, vs, NULL, height);
}

/* The sets around height h: h-1 (its certificate is in block h), h (the
 * engine's) and h+1 (named by block h's header). Ascending, so the cache
 * serves each with one advance. */
int node_sets_at(node *nd, uint64_t h)
{
    int rc = 0;
    uint64_t prev_eff = 0;
    if (h > 1)
        rc = set_at(nd, &nd->vs_prev, &prev_eff, h - 1);
    if (!rc)
        rc = set_at(nd, &nd->vs, NULL, h);
    if (!rc)
        rc = set_at(nd, &nd->vs_next, NULL, h + 1);
    if (!rc && h > 1) {
        uint8_t a[TC_HASH_LEN], b[TC_HASH_LEN];
        tc_valset_hash(&nd->vs_prev, a);
        tc_valset_hash(&nd->vs, b);
        if (memcmp(a, b, TC_HASH_LEN))
            TC_LOGI("validator set changes at height %llu: %zu validators", (unsigned long long)h, nd->vs.n);
    }
    /* Leave the cache at h so the next height's first call (h) hits it. */
    if (!rc) {
        nd->vs_cache = nd->vs;
        nd->vs_cache_h = h;
    }
    /* A validator removed from height e on is admitted while e - 1 is one
     * of the three heights (vs_prev): the first height that drops it is
     * e + 1, where the set of h - 1 took effect at h - 1. Only then can a
     * link lose its admission, so only then are the links walked. */
    if (!rc && h > 1 && prev_eff == h - 1)
        node_recheck_links(nd);
    return rc;
}

static void recheck_one(void *ctx, tc_net_link *l)
{
    node *nd = ctx;
    const uint8_t *pub = tc_net_link_pub(l);
    if (node_admits(nd, pub))
        return;
    char hex[2 * TC_ED25519_PUB_LEN + 1];
    tc_hex_encode(hex, pub, TC_ED25519_PUB_LEN);
    uint64_t h = tc_store_height(nd->store) + 1;
    TC_LOGI("closing the link to node %s: removed from the validator set (not a validator of heights "
            "%llu..%llu nor of a scheduled set, not a configured full node)",
            hex, (unsigned long long)(h - 1), (unsigned long long)(h + 1));
    tc_net_link_close(l, "removed from the validator set");
}

void node_recheck_links(node *nd)
{
    if (nd->net && !nd->stopping)
        tc_net_each_link(nd->net, recheck_one, nd);
}

/* Peer admission (the net's is_known): validators of the previous, current
 * and next height, any validator of a set scheduled for a later height (it
 * must link before it votes), and the configured full nodes. A validator
 * removed from the set is refused once its last height is behind us. */
int node_admits(node *nd, const uint8_t pub[TC_ED25519_PUB_LEN])
{
    if (tc_valset_find(&nd->vs, pub) >= 0 || tc_valset_find(&nd->vs_next, pub) >= 0 ||
        (nd->vs_prev.n && tc_valset_find(&nd->vs_prev, pub) >= 0))
        return 1;
    for (size_t i = 0; i < nd->cfg.nfull_nodes; i++)
        if (memcmp(nd->cfg.full_nodes[i], pub, TC_ED25519_PUB_LEN) == 0)
            return 1;
    if (!nd->store)
        return 0;
    uint8_t lo[9], hi[9];
    key_of(lo, tc_store_height(nd->store) + 2);
    key_of(hi, UINT64_MAX);
    static scan_ctx ctx;
    ctx.bad = 0;
    ctx.admit = pub;
    ctx.found = 0;
    tc_kv_scan(tc_store_values(nd->store), lo, 9, hi, 9, on_entry, &ctx);
    return ctx.found;
}
