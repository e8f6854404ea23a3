/* In-memory tc_kv backend for tests (DESIGN.md, Parts: storage).
 *
 * An ordered map kept as a treap whose priorities are a hash of the key:
 * the shape depends only on the key set, so it is deterministic (core/ has
 * no randomness of its own) and balanced in expectation for the hashed keys
 * the Merkle structures store. A hash index over the same nodes serves
 * exact lookups, nodes are unlinked by rotation through parent links, and
 * freed node blocks are recycled: the state tree (core/smt.c) reads, writes
 * and prunes one record per tree node, so these costs are its update rate.
 * Transactions keep an undo log: each write
 * records the key's previous value (or its absence) and rollback replays
 * the log backwards.
 *
 * A scan callback must not write to the same kv (the tree would change
 * under the walk); collect keys first, then write. */
#include "tc/kv.h"

#include <assert.h>
#include <string.h>

#include "tc/alloc.h"
#include "tc/errors.h"

/* Ceiling on one key or value: the store holds Merkle nodes and ledger
 * records, never blobs this large. */
#define KV_MEM_MAX_ITEM (64u * 1024u * 1024u)
#define KV_MEM_FREE_CLASSES 4
#define KV_MEM_FREE_MAX_SIZE 256u   /* larger blocks go back to tc_free */
#define KV_MEM_FREE_MAX_COUNT 65536u /* blocks kept per class (ceiling) */

typedef struct mnode {
    struct mnode *l, *r, *up; /* treap children and parent */
    struct mnode *hnext; /* next in the hash bucket (index below) */
    uint64_t prio;       /* also the key's hash for the index */
    uint8_t *val;        /* inline (after the key) or its own allocation */
    size_t val_len;
    size_t inl_cap;      /* bytes reserved inline after the key */
    size_t key_len;
    uint8_t key[]; /* key_len bytes, then inl_cap bytes of inline value */
} mnode;

/* Node, key and first value share one allocation (one malloc and one cache
 * line fewer per record); a later longer value gets its own allocation. */
static int val_is_inline(const mnode *n) { return n->val == n->key + n->key_len; }

static void val_release(mnode *n)
{
    if (!val_is_inline(n)) tc_free(n->val);
    n->val = NULL;
}

static void node_destroy(mnode *n)
{
    val_release(n);
    tc_free(n);
}

/* One undo record: restore key to (had ? val : absent). */
typedef struct undo {
    struct undo *next;
    int had;
    struct mnode *node; /* for a delete: the removed node, re-linked on rollback */
    uint8_t *val;
    size_t val_len;
    size_t key_len;
    uint8_t key[];
} undo;

typedef struct kv_mem {
    tc_kv base;
    mnode *root;
    /* Hash index over the same nodes (chained by hnext, bucket = prio &
     * mask) so exact lookups cost O(1) instead of a treap descent: the
     * state tree reads and deletes nodes by id far more often than it
     * scans. Optional: when it cannot be allocated or grown, lookups fall
     * back to the treap, so no operation fails because of it. */
    mnode **bucket;
    size_t nbucket, count; /* nbucket: 0 or a power of two */
    /* Recycled node blocks of a few exact sizes (linked through l): the
     * state tree frees as many equal-sized nodes as it creates, and
     * malloc/free of them cost a fifth of an update. */
    struct free_class { size_t size, n; mnode *head; } fc[KV_MEM_FREE_CLASSES];
    mnode *last; /* most recently inserted node still in the treap, or NULL */
    int in_txn;
    int replaying; /* rollback in progress: do not log */
    undo *log;     /* newest first */
} kv_mem;

static size_t node_size(const mnode *n) { return sizeof *n + n->key_len + n->inl_cap; }

static mnode *node_alloc(kv_mem *m, size_t size)
{
    for (int i = 0; i < KV_MEM_FREE_CLASSES; i++) {
        struct free_class *c = &m->fc[i];
        if (c->size == size && c->head) {
            mnode *n = c->head;
            c->head = n->l;
            c->n--;
            return n;
        }
    }
    return tc_malloc(size);
}

static void node_free(kv_mem *m, mnode *n)
{
    size_t size = node_size(n);
    val_release(n);
    if (size <= KV_MEM_FREE_MAX_SIZE) {
        struct free_class *c = NULL;
        for (int i = 0; !c && i < KV_MEM_FREE_CLASSES; i++) if (m->fc[i].size == size) c = &m->fc[i];
        for (int i = 0; !c && i < KV_MEM_FREE_CLASSES; i++) if (m->fc[i].n == 0) c = &m->fc[i];
        if (c && c->n < KV_MEM_FREE_MAX_COUNT) {
            c->size = size;
            n->l = c->head;
            c->head = n;
            c->n++;
            return;
        }
    }
    tc_free(n);
}

static int key_cmp(const uint8_t *a, size_t al, const uint8_t *b, size_t bl)
{
    size_t n = al < bl ? al : bl;
    int c = n ? memcmp(a, b, n) : 0;
    if (c) return c;
    return al < bl ? -1 : (al > bl ? 1 : 0);
}

/* FNV-1a then a 64-bit finaliser: a cheap, deterministic priority. */
static uint64_t key_prio(const uint8_t *k, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++) h = (h ^ k[i]) * 1099511628211ull;
    h ^= h >> 33; h *= 0xff51afd7ed558ccdull; h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ull; h ^= h >> 33;
    return h;
}

static mnode *tree_find(mnode *n, const uint8_t *key, size_t key_len)
{
    while (n) {
        int c = key_cmp(key, key_len, n->key, n->key_len);
        if (c == 0) return n;
        n = c < 0 ? n->l : n->r;
    }
    return NULL;
}

#define KV_MEM_MIN_BUCKETS 1024u

static mnode *find(const struct kv_mem *m, const uint8_t *key, size_t key_len)
{
    if (!m->bucket) return tree_find(m->root, key, key_len);
    uint64_t h = key_prio(key, key_len);
    for (mnode *n = m->bucket[h & (m->nbucket - 1)]; n; n = n->hnext)
        if (n->prio == h && n->key_len == key_len && (key_len == 0 || memcmp(n->key, key, key_len) == 0))
            return n;
    return NULL;
}

static void index_link(mnode **bucket, size_t nbucket, mnode *n)
{
    mnode **b = &bucket[n->prio & (nbucket - 1)];
    n->hnext = *b;
    *b = n;
}

static void index_relink_all(mnode **bucket, size_t nbucket, mnode *n)
{
    while (n) {
        index_relink_all(bucket, nbucket, n->l);
        index_link(bucket, nbucket, n);
        n = n->r;
    }
}

/* Rebuilds the index with more buckets (every node of the treap is
 * relinked). Returns 0 if it could not allocate: the old index stays. */
static int index_grow(struct kv_mem *m)
{
    size_t nb = m->nbucket ? m->nbucket * 2 : KV_MEM_MIN_BUCKETS;
    while (nb < m->count) nb *= 2;
    mnode **b = tc_calloc(nb, sizeof *b);
    if (!b) return 0;
    tc_free(m->bucket);
    m->bucket = b;
    m->nbucket = nb;
    index_relink_all(b, nb, m->root);
    return 1;
}

/* n is already linked into the treap. */
static void index_add(struct kv_mem *m, mnode *n)
{
    m->count++;
    n->hnext = NULL;
    if ((!m->bucket || m->count > m->nbucket) && index_grow(m)) return; /* n relinked */
    if (m->bucket) index_link(m->bucket, m->nbucket, n);
}

static void index_remove(struct kv_mem *m, mnode *n)
{
    m->count--;
    if (!m->bucket) return;
    mnode **p = &m->bucket[n->prio & (m->nbucket - 1)];
    while (*p && *p != n) p = &(*p)->hnext;
    assert(*p == n);
    *p = n->hnext;
    n->hnext = NULL;
}

/* Treap updates by rotation with parent links: erasing a node found
 * through the hash index needs no key comparisons and O(1) rotations in
 * expectation (the state tree erases as many nodes as it writes). */
static void replace_child(kv_mem *m, mnode *n, mnode *c)
{
    mnode *p = n->up;
    if (!p) m->root = c;
    else if (p->l == n) p->l = c;
    else p->r = c;
    if (c) c->up = p;
}

/* Rotates n above its parent. */
static void rotate_up(kv_mem *m, mnode *n)
{
    mnode *p = n->up;
    replace_child(m, p, n);
    if (p->l == n) { p->l = n->r; if (n->r) n->r->up = p; n->r = p; }
    else { p->r = n->l; if (n->l) n->l->up = p; n->l = p; }
    p->up = n;
}

/* In-order successor of n, or NULL. */
static mnode *successor(mnode *n)
{
    if (n->r) {
        n = n->r;
        while (n->l) n = n->l;
        return n;
    }
    while (n->up && n->up->r == n) n = n->up;
    return n->up;
}

/* Links n (key not present) as a leaf, then rotates it up to heap order.
 * Keys often arrive in ascending runs (state-tree node ids are version ||
 * sequence): when n sorts right after the previously inserted node, it is
 * linked next to it without a descent from the root (a chain of cache
 * misses in a large store). */
static void tree_insert(kv_mem *m, mnode *n)
{
    n->l = n->r = n->up = NULL;
    mnode *f = m->last;
    m->last = n;
    if (!m->root) { m->root = n; return; }
    if (f && key_cmp(n->key, n->key_len, f->key, f->key_len) > 0) {
        mnode *s = successor(f);
        if (!s || key_cmp(n->key, n->key_len, s->key, s->key_len) < 0) {
            /* f->r empty: n is f's right child; otherwise s is the leftmost
             * node of f->r and has no left child. */
            if (!f->r) { f->r = n; n->up = f; } else { s->l = n; n->up = s; }
            while (n->up && n->prio > n->up->prio) rotate_up(m, n);
            return;
        }
    }
    mnode *cur = m->root;
    for (;;) {
        mnode **next = key_cmp(n->key, n->key_len, cur->key, cur->key_len) < 0 ? &cur->l : &cur->r;
        if (!*next) { *next = n; n->up = cur; break; }
        cur = *next;
    }
    while (n->up && n->prio > n->up->prio) rotate_up(m, n);
}

/* Unlinks n: rotates it down below its higher-priority child until it has
 * at most one child, then splices it out. */
static void tree_erase(kv_mem *m, mnode *n)
{
    if (m->last == n) m->last = NULL;
    while (n->l && n->r) rotate_up(m, n->l->prio > n->r->prio ? n->l : n->r);
    replace_child(m, n, n->l ? n->l : n->r);
    n->l = n->r = n->up = NULL;
}

static uint8_t *dup_bytes(const uint8_t *p, size_t n)
{
    uint8_t *d = tc_malloc(n ? n : 1);
    if (d && n) memcpy(d, p, n);
    return d;
}

/* Records the current state of key before a write, when in a transaction. */
static int log_undo(kv_mem *m, const uint8_t *key, size_t key_len, const mnode *cur, int is_del)
{
    if (!m->in_txn || m->replaying) return TC_OK;
    undo *u = tc_malloc(sizeof *u + key_len);
    if (!u) return TC_ERR_NOMEM;
    memcpy(u->key, key, key_len);
    u->key_len = key_len;
    u->had = cur != NULL;
    u->val = NULL;
    u->val_len = 0;
    u->node = NULL;
    if (cur && !is_del) {
        u->val = dup_bytes(cur->val, cur->val_len);
        if (!u->val) { tc_free(u); return TC_ERR_NOMEM; }
        u->val_len = cur->val_len;
    }
    u->next = m->log;
    m->log = u;
    return TC_OK;
}

static int mem_get(tc_kv *kv, uint8_t *val, size_t cap, size_t *val_len,
                   const uint8_t *key, size_t key_len)
{
    kv_mem *m = (kv_mem *)kv;
    mnode *n = find(m, key, key_len);
    if (!n) return TC_ERR_NOT_FOUND;
    *val_len = n->val_len;
    if (cap < n->val_len) return TC_ERR_BUFFER_TOO_SMALL;
    if (n->val_len) memcpy(val, n->val, n->val_len);
    return TC_OK;
}

static int mem_put(tc_kv *kv, const uint8_t *key, size_t key_len, const uint8_t *val, size_t val_len)
{
    kv_mem *m = (kv_mem *)kv;
    if (key_len > KV_MEM_MAX_ITEM || val_len > KV_MEM_MAX_ITEM) return TC_ERR_LIMIT;
    mnode *cur = find(m, key, key_len);
    if (cur) {
        uint8_t *v = NULL; /* allocate first: a failed put changes nothing */
        if (val_len > cur->inl_cap && !(v = dup_bytes(val, val_len))) return TC_ERR_NOMEM;
        if (log_undo(m, key, key_len, cur, 0)) { tc_free(v); return TC_ERR_NOMEM; }
        val_release(cur);
        if (!v) {
            v = cur->key + cur->key_len;
            if (val_len) memcpy(v, val, val_len);
        }
        cur->val = v;
        cur->val_len = val_len;
        return TC_OK;
    }
    mnode *n = node_alloc(m, sizeof *n + key_len + val_len);
    if (!n) return TC_ERR_NOMEM;
    if (log_undo(m, key, key_len, NULL, 0)) { tc_free(n); return TC_ERR_NOMEM; }
    n->key_len = key_len;
    if (key_len) memcpy(n->key, key, key_len);
    n->prio = key_prio(key, key_len);
    n->inl_cap = val_len;
    n->val = n->key + key_len;
    if (val_len) memcpy(n->val, val, val_len);
    n->val_len = val_len;
    tree_insert(m, n);
    index_add(m, n);
    return TC_OK;
}

static int mem_del(tc_kv *kv, const uint8_t *key, size_t key_len)
{
    kv_mem *m = (kv_mem *)kv;
    mnode *cur = find(m, key, key_len);
    if (!cur) return TC_OK;
    if (log_undo(m, key, key_len, cur, 1)) return TC_ERR_NOMEM;
    mnode *out = cur;
    tree_erase(m, out);
    index_remove(m, out);
    if (m->in_txn && !m->replaying) { /* keep it so rollback cannot fail */
        m->log->node = out;
        return TC_OK;
    }
    node_free(m, out);
    return TC_OK;
}

typedef struct scan_args {
    const uint8_t *start, *end;
    size_t start_len, end_len;
    tc_kv_scan_fn fn;
    void *ctx;
} scan_args;

/* In-order walk of the subtree, pruned by the bounds. */
static int walk(const mnode *n, const scan_args *a)
{
    while (n) {
        int ge_start = key_cmp(n->key, n->key_len, a->start, a->start_len) >= 0;
        int lt_end = !a->end || key_cmp(n->key, n->key_len, a->end, a->end_len) < 0;
        if (ge_start) {
            int rc = walk(n->l, a);
            if (rc) return rc;
            if (!lt_end) return 0;
            rc = a->fn(a->ctx, n->key, n->key_len, n->val, n->val_len);
            if (rc) return rc;
        }
        n = n->r; /* tail position: iterate instead of recursing */
    }
    return 0;
}

static int mem_scan(tc_kv *kv, const uint8_t *start, size_t start_len, const uint8_t *end,
                    size_t end_len, tc_kv_scan_fn fn, void *ctx)
{
    kv_mem *m = (kv_mem *)kv;
    assert(fn);
    scan_args a = { start ? start : (const uint8_t *)"", end, start ? start_len : 0, end_len, fn, ctx };
    return walk(m->root, &a);
}

static void free_log(kv_mem *m)
{
    while (m->log) {
        undo *u = m->log;
        m->log = u->next;
        tc_free(u->val);
        if (u->node) node_free(m, u->node);
        tc_free(u);
    }
}

static int mem_begin(tc_kv *kv)
{
    kv_mem *m = (kv_mem *)kv;
    if (m->in_txn) return TC_ERR_STATE;
    m->in_txn = 1;
    return TC_OK;
}

static int mem_commit(tc_kv *kv)
{
    kv_mem *m = (kv_mem *)kv;
    if (!m->in_txn) return TC_ERR_STATE;
    free_log(m);
    m->in_txn = 0;
    return TC_OK;
}

/* Restores one key without allocating: values and deleted nodes are moved
 * from the undo record back into the tree, so rollback cannot fail. */
static void undo_one(kv_mem *m, undo *u)
{
    mnode *cur = find(m, u->key, u->key_len);
    if (!u->had) {
        if (cur) {
            tree_erase(m, cur);
            index_remove(m, cur);
            node_free(m, cur);
        }
        return;
    }
    if (cur) {
        val_release(cur);
        cur->val = u->val;
        cur->val_len = u->val_len;
        u->val = NULL;
        return;
    }
    /* The key was deleted in the transaction: re-link the kept node. */
    mnode *n = u->node;
    assert(n);
    u->node = NULL;
    tree_insert(m, n);
    index_add(m, n);
}

static int mem_rollback(tc_kv *kv)
{
    kv_mem *m = (kv_mem *)kv;
    if (!m->in_txn) return TC_ERR_STATE;
    m->replaying = 1;
    for (undo *u = m->log; u; u = u->next) undo_one(m, u);
    m->replaying = 0;
    free_log(m);
    m->in_txn = 0;
    return TC_OK;
}

static void free_tree(mnode *n)
{
    while (n) {
        free_tree(n->l);
        mnode *r = n->r;
        node_destroy(n);
        n = r;
    }
}

static void mem_close(tc_kv *kv)
{
    kv_mem *m = (kv_mem *)kv;
    free_log(m);
    free_tree(m->root);
    for (int i = 0; i < KV_MEM_FREE_CLASSES; i++)
        while (m->fc[i].head) { mnode *n = m->fc[i].head; m->fc[i].head = n->l; tc_free(n); }
    tc_free(m->bucket);
    tc_free(m);
}

static const tc_kv_vtbl kv_mem_vtbl = {
    mem_get, mem_put, mem_del, mem_scan, mem_begin, mem_commit, mem_rollback, mem_close, NULL,
};

int tc_kv_mem_open(tc_kv **out)
{
    assert(out);
    kv_mem *m = tc_calloc(1, sizeof *m);
    *out = NULL;
    if (!m) return TC_ERR_NOMEM;
    m->base.v = &kv_mem_vtbl;
    *out = &m->base;
    return TC_OK;
}
