/* State tree, write side: batch updates as new versions, and pruning of
 * versions that fall out of the kept window (include/tc/smt.h; layout in
 * core/smt_internal.h, format in docs/state-tree.md).
 *
 * Nodes are immutable and named by (creating version, sequence): a batch
 * rewrites only the paths it touches and points at unchanged subtrees of the
 * previous version. Every node a batch stops referencing is listed under
 * "sx" || version; once `version` is the oldest kept one, no kept root can
 * reach those nodes and they are deleted. */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "smt_internal.h"
#include "tc/alloc.h"
#include "tc/errors.h"

#define STALE_CHUNK 4096u           /* ids per "sx" record */
#define STALE_MAX (1u << 26)        /* ids listed by one batch (ceiling) */

/* New nodes wait here and go to the kv in groups (tc_kv_put_many): within
 * a batch no node is read back, and the SQLite backend writes a group of
 * rows per statement. */
#define PEND_MAX 1024u
typedef struct pend_node {
    uint8_t key[2 + SMT_ID_LEN];
    uint8_t len;
    uint8_t val[SMT_NODE_MAX];
} pend_node;

typedef struct batch {
    tc_smt *t;
    uint64_t version;
    uint32_t seq;
    uint8_t *stale;                 /* stale ids, 12 bytes each */
    size_t stale_n, stale_cap;
    pend_node *pend;                /* PEND_MAX, allocated at the first write */
    size_t npend;
} batch;

static int flush_nodes(batch *b)
{
    tc_kv_item it[64];
    for (size_t i = 0; i < b->npend;) {
        size_t k = 0;
        for (; k < 64 && i < b->npend; k++, i++)
            it[k] = (tc_kv_item){ b->pend[i].key, b->pend[i].val, sizeof b->pend[i].key, b->pend[i].len };
        int rc = tc_kv_put_many(b->t->kv, it, k);
        if (rc) return rc;
    }
    b->npend = 0;
    return TC_OK;
}

/* An existing leaf carried into a rebuilt subtree, reused if it survives. */
typedef struct extra_leaf {
    uint8_t key[TC_SMT_HASH_LEN];
    smt_ref ref;
} extra_leaf;

static int add_stale(batch *b, const uint8_t id[SMT_ID_LEN])
{
    if (b->stale_n == b->stale_cap) {
        size_t cap = b->stale_cap ? b->stale_cap * 2 : 256;
        if (cap > STALE_MAX) return TC_ERR_LIMIT;
        uint8_t *p = tc_realloc(b->stale, cap * SMT_ID_LEN);
        if (!p) return TC_ERR_NOMEM;
        b->stale = p;
        b->stale_cap = cap;
    }
    memcpy(b->stale + b->stale_n++ * SMT_ID_LEN, id, SMT_ID_LEN);
    return TC_OK;
}

static int write_node(batch *b, smt_ref *out, uint8_t type, const uint8_t *body, size_t body_len)
{
    if (b->seq == UINT32_MAX) return TC_ERR_LIMIT;
    out->type = type;
    tc__smt_put_be64(out->id, b->version);
    uint32_t s = b->seq++;
    out->id[8] = (uint8_t)(s >> 24); out->id[9] = (uint8_t)(s >> 16);
    out->id[10] = (uint8_t)(s >> 8); out->id[11] = (uint8_t)s;
    if (b->t->dry) return TC_OK; /* within a batch no node is read back */
    if (!b->pend && !(b->pend = tc_malloc(PEND_MAX * sizeof *b->pend))) return TC_ERR_NOMEM;
    if (b->npend == PEND_MAX) {
        int rc = flush_nodes(b);
        if (rc) return rc;
    }
    pend_node *p = &b->pend[b->npend++];
    p->key[0] = 's'; p->key[1] = 'n';
    memcpy(p->key + 2, out->id, SMT_ID_LEN);
    p->val[0] = type;
    memcpy(p->val + 1, body, body_len);
    p->len = (uint8_t)(1 + body_len);
    tc__smt_cache_put(b->t, out->id, p->val, p->len);
    return TC_OK;
}

static int write_leaf(batch *b, smt_ref *out, const tc_smt_update *u)
{
    uint8_t body[2 * TC_SMT_HASH_LEN];
    memcpy(body, u->key, TC_SMT_HASH_LEN);
    memcpy(body + TC_SMT_HASH_LEN, u->value, TC_SMT_HASH_LEN);
    tc_smt_leaf_hash(out->hash, u->key, u->value);
    return write_node(b, out, SMT_LEAF, body, sizeof body);
}

static int write_internal(batch *b, smt_ref *out, const smt_ref *l, const smt_ref *r)
{
    uint8_t body[2 * SMT_REF_LEN];
    tc__smt_ref_encode(body, l);
    tc__smt_ref_encode(body + SMT_REF_LEN, r);
    tc_smt_node_hash(out->hash, l->hash, r->hash);
    return write_node(b, out, SMT_INTERNAL, body, sizeof body);
}

/* First index in u[0..n) whose bit d is set (u sorted, same prefix < d). */
static size_t split_at(const tc_smt_update *u, size_t n, unsigned d)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (tc_smt_key_bit(u[mid].key, d)) hi = mid; else lo = mid + 1;
    }
    return lo;
}

/* Builds the subtree at depth d holding the puts of u[0..n) plus `x` (an
 * existing leaf not named in u), following the shape rule: no key -> empty,
 * one key -> its leaf, more -> internal node over the two halves. */
static int build(batch *b, smt_ref *out, unsigned d, const tc_smt_update *u, size_t n,
                 const extra_leaf *x)
{
    size_t puts = 0, last = 0;
    for (size_t i = 0; i < n; i++) if (!u[i].del) { puts++; last = i; }
    size_t total = puts + (x != NULL);
    if (total == 0) { memset(out, 0, sizeof *out); return TC_OK; }
    if (total == 1) {
        if (x) { *out = x->ref; return TC_OK; }
        return write_leaf(b, out, &u[last]);
    }
    assert(d < TC_SMT_MAX_DEPTH); /* distinct keys differ before bit 256 */
    size_t s = split_at(u, n, d);
    int xb = x ? tc_smt_key_bit(x->key, d) : 0;
    smt_ref l, r;
    int rc = build(b, &l, d + 1, u, s, x && !xb ? x : NULL);
    if (!rc) rc = build(b, &r, d + 1, u + s, n - s, x && xb ? x : NULL);
    if (!rc) rc = write_internal(b, out, &l, &r);
    return rc;
}

static int same_ref(const smt_ref *a, const smt_ref *b)
{
    return a->type == b->type && memcmp(a->id, b->id, SMT_ID_LEN) == 0;
}

/* Applies u[0..n) (sorted, distinct) to the subtree `in` at depth d. */
static int update(batch *b, smt_ref *out, const smt_ref *in, unsigned d,
                  const tc_smt_update *u, size_t n)
{
    if (n == 0 || in->type == SMT_EMPTY) {
        if (n == 0) { *out = *in; return TC_OK; }
        return build(b, out, d, u, n, NULL);
    }
    smt_node node;
    int rc = tc__smt_node_load(b->t, &node, in->id);
    if (rc) return rc;
    if (node.type != in->type) return TC_ERR_CORRUPT;
    if (node.type == SMT_LEAF) {
        /* Is the existing key named in the batch? Then the batch decides. */
        size_t lo = 0, hi = n;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (memcmp(u[mid].key, node.key, TC_SMT_HASH_LEN) < 0) lo = mid + 1; else hi = mid;
        }
        int named = lo < n && memcmp(u[lo].key, node.key, TC_SMT_HASH_LEN) == 0;
        extra_leaf x;
        memcpy(x.key, node.key, TC_SMT_HASH_LEN);
        x.ref = *in;
        rc = build(b, out, d, u, n, named ? NULL : &x);
        /* Not named: build re-links the same leaf node. Named: it is replaced. */
        if (!rc && named) rc = add_stale(b, in->id);
        return rc;
    }
    if (d >= TC_SMT_MAX_DEPTH) return TC_ERR_CORRUPT;
    size_t s = split_at(u, n, d);
    smt_ref l, r;
    rc = update(b, &l, &node.child[0], d + 1, u, s);
    if (!rc) rc = update(b, &r, &node.child[1], d + 1, u + s, n - s);
    if (rc) return rc;
    if (same_ref(&l, &node.child[0]) && same_ref(&r, &node.child[1])) { *out = *in; return TC_OK; }
    rc = add_stale(b, in->id);
    if (rc) return rc;
    if (l.type == SMT_EMPTY && r.type != SMT_INTERNAL) { *out = r; return TC_OK; }
    if (r.type == SMT_EMPTY && l.type != SMT_INTERNAL) { *out = l; return TC_OK; }
    return write_internal(b, out, &l, &r);
}

static int upd_cmp(const void *a, const void *b)
{
    return memcmp(((const tc_smt_update *)a)->key, ((const tc_smt_update *)b)->key, TC_SMT_HASH_LEN);
}

static int write_meta(tc_smt *t)
{
    uint8_t v[16];
    tc__smt_put_be64(v, t->latest);
    tc__smt_put_be64(v + 8, t->oldest);
    return tc_kv_put(t->kv, (const uint8_t *)"sm", 2, v, sizeof v);
}

static void stale_key(uint8_t key[14], uint64_t version, uint32_t chunk)
{
    key[0] = 's'; key[1] = 'x';
    tc__smt_put_be64(key + 2, version);
    key[10] = (uint8_t)(chunk >> 24); key[11] = (uint8_t)(chunk >> 16);
    key[12] = (uint8_t)(chunk >> 8); key[13] = (uint8_t)chunk;
}

static int write_stale(batch *b)
{
    uint8_t key[14];
    for (size_t i = 0, c = 0; i < b->stale_n; i += STALE_CHUNK, c++) {
        size_t k = b->stale_n - i < STALE_CHUNK ? b->stale_n - i : STALE_CHUNK;
        stale_key(key, b->version, (uint32_t)c);
        int rc = tc_kv_put(b->t->kv, key, sizeof key, b->stale + i * SMT_ID_LEN, k * SMT_ID_LEN);
        if (rc) return rc;
    }
    return TC_OK;
}

/* Deletes the nodes listed as stale at `version` and the lists themselves. */
static int prune_stale(tc_smt *t, uint64_t version)
{
    uint8_t key[14], nkey[2 + SMT_ID_LEN];
    uint8_t *buf = tc_malloc(STALE_CHUNK * SMT_ID_LEN);
    if (!buf) return TC_ERR_NOMEM;
    int rc = TC_OK;
    nkey[0] = 's'; nkey[1] = 'n';
    for (uint32_t c = 0; rc == TC_OK; c++) {
        size_t len = 0;
        stale_key(key, version, c);
        rc = tc_kv_get(t->kv, buf, STALE_CHUNK * SMT_ID_LEN, &len, key, sizeof key);
        if (rc == TC_ERR_NOT_FOUND) { rc = TC_OK; break; }
        if (rc) break;
        if (len % SMT_ID_LEN) { rc = TC_ERR_CORRUPT; break; }
        for (size_t i = 0; rc == TC_OK && i < len; i += SMT_ID_LEN) {
            memcpy(nkey + 2, buf + i, SMT_ID_LEN);
            rc = tc_kv_del(t->kv, nkey, sizeof nkey);
        }
        if (!rc) rc = tc_kv_del(t->kv, key, sizeof key);
    }
    tc_free(buf);
    return rc;
}

/* Moves `oldest` up to latest - keep + 1: version v's root goes, and the
 * nodes stale at v + 1 (referenced only by versions <= v) with it. */
static int prune(tc_smt *t)
{
    uint64_t target = t->latest >= t->keep ? t->latest - t->keep + 1 : 0;
    while (t->oldest < target) {
        uint64_t v = t->oldest;
        uint8_t rkey[10];
        rkey[0] = 's'; rkey[1] = 'r';
        tc__smt_put_be64(rkey + 2, v);
        int rc = v ? tc_kv_del(t->kv, rkey, sizeof rkey) : TC_OK;
        if (!rc) rc = prune_stale(t, v + 1);
        if (rc) return rc;
        t->oldest = v + 1;
    }
    return TC_OK;
}

int tc_smt_apply(tc_smt *t, uint8_t *new_root, const tc_smt_update *ups, size_t n)
{
    assert(t && (ups || n == 0));
    if (n > TC_SMT_MAX_BATCH) return TC_ERR_LIMIT;
    tc_smt_update *u = tc_malloc((n ? n : 1) * sizeof *u);
    if (!u) return TC_ERR_NOMEM;
    if (n) memcpy(u, ups, n * sizeof *u);
    qsort(u, n, sizeof *u, upd_cmp);
    for (size_t i = 1; i < n; i++)
        if (memcmp(u[i - 1].key, u[i].key, TC_SMT_HASH_LEN) == 0) { tc_free(u); return TC_ERR_INVALID_ARG; }
    batch b = { t, t->latest + 1, 0, NULL, 0, 0, NULL, 0 };
    smt_ref root, nroot;
    int rc = tc__smt_root_ref(t, &root, t->latest);
    if (!rc) rc = update(&b, &nroot, &root, 0, u, n);
    if (!rc && t->dry) {
        tc_free(u);
        tc_free(b.stale);
        if (new_root) memcpy(new_root, nroot.hash, TC_SMT_HASH_LEN);
        return TC_OK;
    }
    if (!rc) rc = flush_nodes(&b);
    tc_free(b.pend);
    if (!rc) rc = write_stale(&b);
    if (!rc) {
        uint8_t rkey[10], rval[SMT_REF_LEN];
        rkey[0] = 's'; rkey[1] = 'r';
        tc__smt_put_be64(rkey + 2, b.version);
        tc__smt_ref_encode(rval, &nroot);
        rc = tc_kv_put(t->kv, rkey, sizeof rkey, rval, sizeof rval);
    }
    tc_free(u);
    tc_free(b.stale);
    if (rc) return rc;
    uint64_t old_latest = t->latest, old_oldest = t->oldest;
    t->latest = b.version;
    rc = prune(t);
    if (!rc) rc = write_meta(t);
    if (rc) { t->latest = old_latest; t->oldest = old_oldest; return rc; }
    if (new_root) memcpy(new_root, nroot.hash, TC_SMT_HASH_LEN);
    return TC_OK;
}

int tc_smt_open(tc_smt **out, tc_kv *kv, uint32_t keep)
{
    assert(out && kv && keep >= 1);
    *out = NULL;
    tc_smt *t = tc_calloc(1, sizeof *t);
    if (!t) return TC_ERR_NOMEM;
    t->kv = kv;
    t->keep = keep;
    t->cache = tc_calloc(SMT_CACHE_SLOTS, sizeof *t->cache); /* NULL: uncached, still correct */
    uint8_t v[16];
    size_t len = 0;
    int rc = tc_kv_get(kv, v, sizeof v, &len, (const uint8_t *)"sm", 2);
    if (rc == TC_OK && len == sizeof v) {
        t->latest = tc__smt_get_be64(v);
        t->oldest = tc__smt_get_be64(v + 8);
        if (t->oldest > t->latest) rc = TC_ERR_CORRUPT;
    } else if (rc == TC_OK || rc == TC_ERR_BUFFER_TOO_SMALL) {
        rc = TC_ERR_CORRUPT;
    } else if (rc == TC_ERR_NOT_FOUND) {
        rc = TC_OK; /* a new store: version 0, the empty tree */
    }
    if (rc) { tc_free(t->cache); tc_free(t); return rc; }
    *out = t;
    return TC_OK;
}

void tc_smt_set_dry_run(tc_smt *t, int on)
{
    t->dry = on != 0;
}

void tc_smt_close(tc_smt *t)
{
    if (t) tc_free(t->cache);
    tc_free(t);
}
