/* The block overlay: an in-memory ordered map of the writes made while a
 * block is applied, over the committed state values (include/tc/overlay.h).
 *
 * Structure: a treap (binary search tree by key, heap by a pseudo-random
 * priority) so lookups, inserts and in-order walks are O(log n) expected,
 * whatever order the rules write in. Nodes are never removed during a block:
 * a node a rolled-back transaction created goes back to OV_NONE ("not in the
 * overlay, read the base"), which keeps node pointers in the undo log valid.
 *
 * Savepoints (state.h tx_begin/commit/rollback): the first write to a node
 * inside a transaction moves the node's previous value into the undo log;
 * rollback restores the log in reverse, commit frees the saved values. */
#include "tc/overlay.h"

#include <assert.h>
#include <string.h>

#include "tc/alloc.h"
#include "tc/errors.h"

#include "overlay_priv.h"

static tc_overlay *ov_of(tc_state *st) { return (tc_overlay *)st; }

static uint64_t splitmix(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static ov_node *ov_find(const tc_overlay *ov, const uint8_t *key, size_t key_len)
{
    ov_node *n = ov->root;
    while (n) {
        int c = tc__ov_key_cmp(key, key_len, n->key, n->key_len);
        if (c == 0) return n;
        n = c < 0 ? n->l : n->r;
    }
    return NULL;
}

/* Inserts `nn` (known absent) under *link, rotating to keep the heap order. */
static void ov_insert(ov_node **link, ov_node *nn)
{
    ov_node *n = *link;
    if (!n) { *link = nn; return; }
    if (tc__ov_key_cmp(nn->key, nn->key_len, n->key, n->key_len) < 0) {
        ov_insert(&n->l, nn);
        if (n->l->prio > n->prio) { ov_node *c = n->l; n->l = c->r; c->r = n; *link = c; }
    } else {
        ov_insert(&n->r, nn);
        if (n->r->prio > n->prio) { ov_node *c = n->r; n->r = c->l; c->l = n; *link = c; }
    }
}

static int ov_get_node(tc_overlay *ov, ov_node **out, const uint8_t *key, size_t key_len)
{
    ov_node *n = ov_find(ov, key, key_len);
    if (!n) {
        if (ov->nodes >= TC_OVERLAY_MAX_KEYS) return TC_ERR_LIMIT;
        n = tc_calloc(1, sizeof *n + key_len);
        if (!n) return TC_ERR_NOMEM;
        memcpy(n->key, key, key_len);
        n->key_len = (uint8_t)key_len;
        n->prio = splitmix(&ov->rng);
        ov_insert(&ov->root, n);
        ov->nodes++;
    }
    *out = n;
    return 0;
}

/* Sets node n to (st, val) where val is already an owned copy (or NULL). */
static int ov_set(tc_overlay *ov, ov_node *n, uint8_t st, uint8_t *val, size_t val_len)
{
    if (ov->in_tx && n->epoch != ov->epoch) {
        if (ov->undo_len == ov->undo_cap) {
            size_t cap = ov->undo_cap ? ov->undo_cap * 2 : 64;
            ov_undo *u = tc_realloc(ov->undo, cap * sizeof *u);
            if (!u) return TC_ERR_NOMEM;
            ov->undo = u;
            ov->undo_cap = cap;
        }
        ov->undo[ov->undo_len++] = (ov_undo){ n, n->val, n->val_len, n->st };
        n->epoch = ov->epoch;
    } else if (n->val) {
        ov->bytes -= n->val_len;
        tc_free(n->val);
    }
    if (n->st == OV_NONE && st != OV_NONE) ov->live++;
    if (n->st != OV_NONE && st == OV_NONE) ov->live--;
    n->st = st;
    n->val = val;
    n->val_len = val_len;
    ov->bytes += val ? val_len : 0;
    return 0;
}

static int ov_write(tc_overlay *ov, const uint8_t *key, size_t key_len, uint8_t st,
                    const uint8_t *val, size_t val_len)
{
    assert(key && key_len > 0 && key_len <= TC_STATE_KEY_MAX);
    if (st == OV_PUT && val_len > TC_STATE_VALUE_MAX) return TC_ERR_LIMIT;
    if (ov->bytes + val_len > TC_OVERLAY_MAX_BYTES) return TC_ERR_LIMIT;
    ov_node *n;
    int rc = ov_get_node(ov, &n, key, key_len);
    if (rc) return rc;
    uint8_t *copy = NULL;
    if (st == OV_PUT) {
        copy = tc_malloc(val_len ? val_len : 1);
        if (!copy) return TC_ERR_NOMEM;
        if (val_len) memcpy(copy, val, val_len);
    }
    rc = ov_set(ov, n, st, copy, val_len);
    if (rc) tc_free(copy);
    return rc;
}

static int ov_st_get(tc_state *st, uint8_t *val, size_t cap, size_t *val_len,
                     const uint8_t *key, size_t key_len)
{
    tc_overlay *ov = ov_of(st);
    ov_node *n = ov_find(ov, key, key_len);
    if (n && n->st == OV_DEL) return TC_ERR_NOT_FOUND;
    if (n && n->st == OV_PUT) {
        *val_len = n->val_len;
        if (cap < n->val_len) return TC_ERR_BUFFER_TOO_SMALL;
        if (n->val_len) memcpy(val, n->val, n->val_len);
        return 0;
    }
    if (!ov->base) return TC_ERR_NOT_FOUND;
    return tc_kv_get(ov->base, val, cap, val_len, key, key_len);
}

static int ov_st_put(tc_state *st, const uint8_t *key, size_t key_len, const uint8_t *val,
                     size_t val_len)
{
    return ov_write(ov_of(st), key, key_len, OV_PUT, val, val_len);
}

static int ov_st_del(tc_state *st, const uint8_t *key, size_t key_len)
{
    return ov_write(ov_of(st), key, key_len, OV_DEL, NULL, 0);
}

static int ov_tx_begin(tc_state *st)
{
    tc_overlay *ov = ov_of(st);
    assert(!ov->in_tx); /* savepoints do not nest */
    ov->in_tx = 1;
    ov->epoch++;
    ov->undo_len = 0;
    return 0;
}

static int ov_tx_commit(tc_state *st)
{
    tc_overlay *ov = ov_of(st);
    assert(ov->in_tx);
    for (size_t i = 0; i < ov->undo_len; i++) {
        if (ov->undo[i].val) ov->bytes -= ov->undo[i].val_len;
        tc_free(ov->undo[i].val);
    }
    ov->undo_len = 0;
    ov->in_tx = 0;
    return 0;
}

static void ov_tx_rollback(tc_state *st)
{
    tc_overlay *ov = ov_of(st);
    assert(ov->in_tx);
    for (size_t i = ov->undo_len; i-- > 0;) {
        ov_undo *u = &ov->undo[i];
        ov_node *n = u->n;
        if (n->val) { ov->bytes -= n->val_len; tc_free(n->val); }
        if (n->st == OV_NONE && u->st != OV_NONE) ov->live++;
        if (n->st != OV_NONE && u->st == OV_NONE) ov->live--;
        n->st = u->st;
        n->val = u->val;
        n->val_len = u->val_len;
        n->epoch = 0;
    }
    ov->undo_len = 0;
    ov->in_tx = 0;
}

static int ov_st_scan(tc_state *st, const uint8_t *prefix, size_t prefix_len,
                      tc_state_scan_fn fn, void *ctx)
{
    return tc__overlay_scan(ov_of(st), prefix, prefix_len, fn, ctx);
}

static const tc_state_vtbl ov_vtbl = {
    ov_st_get, ov_st_put, ov_st_del, ov_st_scan, ov_tx_begin, ov_tx_commit, ov_tx_rollback,
};

int tc_overlay_new(tc_overlay **out, tc_kv *base)
{
    tc_overlay *ov = tc_calloc(1, sizeof *ov);
    if (!ov) return TC_ERR_NOMEM;
    ov->state.v = &ov_vtbl;
    ov->base = base;
    ov->rng = 0x746863686169ull; /* fixed seed: tree shape never reaches outputs */
    *out = ov;
    return 0;
}

static void ov_free_tree(ov_node *n)
{
    while (n) {
        ov_free_tree(n->l);
        ov_node *r = n->r;
        tc_free(n->val);
        tc_free(n);
        n = r;
    }
}

void tc_overlay_free(tc_overlay *ov)
{
    if (!ov) return;
    if (ov->in_tx) ov_tx_rollback(&ov->state);
    ov_free_tree(ov->root);
    tc_free(ov->undo);
    tc_free(ov);
}

tc_state *tc_overlay_state(tc_overlay *ov) { return &ov->state; }
size_t tc_overlay_count(const tc_overlay *ov) { return ov->live; }

typedef struct { tc_overlay_write_fn fn; void *ctx; } ov_fe;
static int ov_foreach_fn(void *c, ov_node *n)
{
    ov_fe *fe = c;
    if (n->st == OV_NONE) return 0;
    return fe->fn(fe->ctx, n->key, n->key_len, n->st == OV_PUT ? n->val : NULL, n->val_len);
}

int tc_overlay_foreach(tc_overlay *ov, tc_overlay_write_fn fn, void *ctx)
{
    assert(!ov->in_tx);
    ov_fe fe = { fn, ctx };
    return tc__overlay_walk(ov, NULL, 0, ov_foreach_fn, &fe);
}
