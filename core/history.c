/* The append-only history tree (RFC 9162 §2.1) over a tc_kv store.
 *
 * Memory holds only the right frontier: for every set bit L of the size,
 * the root of the complete subtree of 2^L leaves that bit stands for (at
 * most 64 hashes). Appending is a binary increment: the new leaf merges with
 * the frontier hashes of the trailing one bits. Every complete-subtree node
 * created on the way waits in `pend` until tc_hist_flush writes it, so one
 * block's appends land in the caller's one kv transaction.
 *
 * Keys (docs/history.md): prefix || level (1 byte) || index (8 bytes, big
 * endian) -> 32-byte hash, node `index` of `level` covering leaves
 * [index * 2^level, (index + 1) * 2^level); prefix || 0xff -> size (8 bytes,
 * big endian). Big-endian indexes keep one level's nodes in leaf order. */
#include <assert.h>
#include <string.h>

#include "history_internal.h"
#include "tc/alloc.h"
#include "tc/errors.h"
#include "tc/history.h"
#include "tc/kv.h"

#define META_TAG 0xff
#define KEY_MAX (TC_HIST_PREFIX_MAX + 1 + 8)

typedef struct pend_node {
    uint64_t index;
    uint8_t level;
    uint8_t hash[TC_HIST_HASH_LEN];
} pend_node;

struct tc_hist {
    tc_kv *kv;
    uint8_t prefix[TC_HIST_PREFIX_MAX];
    size_t prefix_len;
    uint64_t size;   /* leaves appended */
    uint64_t stored; /* leaves whose nodes are in kv */
    uint8_t frontier[64][TC_HIST_HASH_LEN];
    pend_node *pend;
    size_t npend, pend_cap;
};

static void put_be64(uint8_t *p, uint64_t v)
{
    for (int i = 7; i >= 0; i--) {
        p[i] = (uint8_t)v;
        v >>= 8;
    }
}

static uint64_t get_be64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++) v = v << 8 | p[i];
    return v;
}

static size_t node_key(const tc_hist *h, uint8_t key[KEY_MAX], unsigned level, uint64_t index)
{
    memcpy(key, h->prefix, h->prefix_len);
    key[h->prefix_len] = (uint8_t)level;
    put_be64(key + h->prefix_len + 1, index);
    return h->prefix_len + 9;
}

static size_t meta_key(const tc_hist *h, uint8_t key[KEY_MAX])
{
    memcpy(key, h->prefix, h->prefix_len);
    key[h->prefix_len] = META_TAG;
    return h->prefix_len + 1;
}

int tc__hist_node_read(tc_hist *h, uint8_t out[TC_HIST_HASH_LEN], unsigned level, uint64_t index)
{
    uint8_t key[KEY_MAX];
    size_t klen = node_key(h, key, level, index), vlen = 0;
    int rc = tc_kv_get(h->kv, out, TC_HIST_HASH_LEN, &vlen, key, klen);
    if (rc == TC_ERR_NOT_FOUND || rc == TC_ERR_BUFFER_TOO_SMALL || (rc == 0 && vlen != TC_HIST_HASH_LEN))
        return TC_ERR_CORRUPT; /* every node below the stored size was written */
    return rc;
}

/* MTH of an aligned range is the right fold of its binary decomposition:
 * the complete subtree of the highest bit of n, then of the next, ... */
int tc__hist_range_hash(tc_hist *h, uint8_t out[TC_HIST_HASH_LEN], uint64_t a, uint64_t n)
{
    assert(n >= 1);
    int have = 0;
    uint8_t piece[TC_HIST_HASH_LEN];
    for (unsigned level = 0; level < 64; level++) {
        if (!(n >> level & 1)) continue;
        uint64_t above = level == 63 ? 0 : n >> (level + 1) << (level + 1);
        uint64_t start = a + above;
        int rc = tc__hist_node_read(h, have ? piece : out, level, start >> level);
        if (rc) return rc;
        if (have) tc_hist_node_hash(out, piece, out);
        have = 1;
    }
    return 0;
}

static int frontier_load(tc_hist *h)
{
    uint64_t start = 0;
    for (int level = 63; level >= 0; level--) {
        if (!(h->size >> level & 1)) continue;
        int rc = tc__hist_node_read(h, h->frontier[level], (unsigned)level, start >> level);
        if (rc) return rc;
        start += (uint64_t)1 << level;
    }
    return 0;
}

int tc_hist_reload(tc_hist *h)
{
    h->npend = 0;
    h->size = h->stored = 0;
    memset(h->frontier, 0, sizeof h->frontier);
    if (!h->kv) return 0;
    uint8_t key[KEY_MAX], val[8];
    size_t klen = meta_key(h, key), vlen = 0;
    int rc = tc_kv_get(h->kv, val, sizeof val, &vlen, key, klen);
    if (rc == TC_ERR_NOT_FOUND) return 0;
    if (rc == TC_ERR_BUFFER_TOO_SMALL || (rc == 0 && vlen != 8)) return TC_ERR_CORRUPT;
    if (rc) return rc;
    h->size = h->stored = get_be64(val);
    rc = frontier_load(h);
    if (rc) h->size = h->stored = 0;
    return rc;
}

int tc_hist_open(tc_hist **out, tc_kv *kv, const uint8_t *prefix, size_t prefix_len)
{
    assert(prefix_len <= TC_HIST_PREFIX_MAX && (prefix || prefix_len == 0));
    tc_hist *h = tc_calloc(1, sizeof *h);
    if (!h) return TC_ERR_NOMEM;
    h->kv = kv;
    if (prefix_len) memcpy(h->prefix, prefix, prefix_len);
    h->prefix_len = prefix_len;
    int rc = tc_hist_reload(h);
    if (rc) {
        tc_free(h);
        return rc;
    }
    *out = h;
    return 0;
}

void tc_hist_close(tc_hist *h)
{
    if (!h) return;
    tc_free(h->pend);
    tc_free(h);
}

/* Makes room for `need` more waiting nodes, within TC_HIST_PENDING_MAX. */
static int pend_reserve(tc_hist *h, size_t need)
{
    if (h->pend_cap - h->npend >= need) return 0;
    if (TC_HIST_PENDING_MAX - h->npend < need) return TC_ERR_LIMIT;
    size_t cap = h->pend_cap ? h->pend_cap : 256;
    while (cap - h->npend < need) cap *= 2;
    if (cap > TC_HIST_PENDING_MAX) cap = TC_HIST_PENDING_MAX;
    pend_node *p = tc_realloc(h->pend, cap * sizeof *p);
    if (!p) return TC_ERR_NOMEM;
    h->pend = p;
    h->pend_cap = cap;
    return 0;
}

int tc_hist_append_hash(tc_hist *h, const uint8_t leaf_hash[TC_HIST_HASH_LEN])
{
    assert(h->size < UINT64_MAX);
    uint64_t at = h->size;
    unsigned ones = 0; /* trailing one bits of the size: the merges to do */
    while (at >> ones & 1) ones++;
    if (h->kv) {
        int rc = pend_reserve(h, ones + 1); /* fail before changing anything */
        if (rc) return rc;
    }
    uint8_t cur[TC_HIST_HASH_LEN];
    memcpy(cur, leaf_hash, TC_HIST_HASH_LEN);
    for (unsigned level = 0;; level++) {
        if (h->kv) {
            pend_node *n = &h->pend[h->npend++];
            n->index = at >> level;
            n->level = (uint8_t)level;
            memcpy(n->hash, cur, TC_HIST_HASH_LEN);
        }
        if (level == ones) break;
        tc_hist_node_hash(cur, h->frontier[level], cur);
    }
    memcpy(h->frontier[ones], cur, TC_HIST_HASH_LEN);
    h->size = at + 1;
    return 0;
}

int tc_hist_append(tc_hist *h, const uint8_t *data, size_t len)
{
    uint8_t lh[TC_HIST_HASH_LEN];
    tc_hist_leaf_hash(lh, data, len);
    return tc_hist_append_hash(h, lh);
}

int tc_hist_flush(tc_hist *h)
{
    if (!h->kv) return 0;
    uint8_t key[KEY_MAX];
    /* in groups: the SQLite backend writes many rows per statement */
    uint8_t keys[64][KEY_MAX];
    tc_kv_item it[64];
    for (size_t i = 0; i < h->npend;) {
        size_t k = 0;
        for (; k < 64 && i < h->npend; k++, i++) {
            const pend_node *n = &h->pend[i];
            it[k] = (tc_kv_item){ keys[k], n->hash, node_key(h, keys[k], n->level, n->index), TC_HIST_HASH_LEN };
        }
        int rc = tc_kv_put_many(h->kv, it, k);
        if (rc) return rc;
    }
    uint8_t val[8];
    put_be64(val, h->size);
    int rc = tc_kv_put(h->kv, key, meta_key(h, key), val, sizeof val);
    if (rc) return rc;
    h->npend = 0;
    h->stored = h->size;
    return 0;
}

uint64_t tc_hist_size(const tc_hist *h) { return h->size; }
uint64_t tc_hist_stored_size(const tc_hist *h) { return h->stored; }

void tc_hist_root(const tc_hist *h, uint8_t out[TC_HIST_HASH_LEN])
{
    if (h->size == 0) {
        tc_hist_empty_root(out);
        return;
    }
    int have = 0;
    for (unsigned level = 0; level < 64; level++) {
        if (!(h->size >> level & 1)) continue;
        if (have) tc_hist_node_hash(out, h->frontier[level], out);
        else memcpy(out, h->frontier[level], TC_HIST_HASH_LEN);
        have = 1;
    }
}

int tc_hist_root_at(tc_hist *h, uint8_t out[TC_HIST_HASH_LEN], uint64_t size)
{
    if (size > h->size) return TC_ERR_MERKLE_INDEX;
    if (size == h->size) {
        tc_hist_root(h, out);
        return 0;
    }
    if (size == 0) {
        tc_hist_empty_root(out);
        return 0;
    }
    if (!h->kv || size > h->stored) return TC_ERR_STATE;
    return tc__hist_range_hash(h, out, 0, size);
}

int tc_hist_leaf_at(tc_hist *h, uint8_t out[TC_HIST_HASH_LEN], uint64_t index)
{
    if (index >= h->size) return TC_ERR_MERKLE_INDEX;
    if (!h->kv || index >= h->stored) return TC_ERR_STATE;
    return tc__hist_node_read(h, out, 0, index);
}
