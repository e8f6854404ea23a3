/* Ordered walks of the overlay: the block-end write-set and the merged
 * prefix scan the rules see through tc_state_scan (include/tc/state.h:
 * "keys starting with prefix, merged view of overlay and committed state",
 * bytewise key order, overlay entries shadow the base, deletions hide it). */
#include <assert.h>
#include <string.h>

#include "tc/alloc.h"
#include "tc/errors.h"

#include "overlay_priv.h"

static int walk(ov_node *n, const uint8_t *from, size_t from_len,
                int (*fn)(void *ctx, ov_node *n), void *ctx)
{
    while (n) {
        int ge = !from || tc__ov_key_cmp(n->key, n->key_len, from, from_len) >= 0;
        if (ge) {
            int rc = walk(n->l, from, from_len, fn, ctx);
            if (rc) return rc;
            rc = fn(ctx, n);
            if (rc) return rc;
        }
        n = n->r;
    }
    return 0;
}

int tc__overlay_walk(tc_overlay *ov, const uint8_t *from, size_t from_len,
                     int (*fn)(void *ctx, ov_node *n), void *ctx)
{
    return walk(ov->root, from, from_len, fn, ctx);
}

/* Overlay nodes under the prefix, collected first so the base scan can be
 * merged against them in one pass. */
typedef struct scan_ctx {
    const uint8_t *prefix;
    size_t prefix_len;
    ov_node **v;
    size_t n, cap, pos;
    tc_state_scan_fn fn;
    void *fn_ctx;
    int nomem;
} scan_ctx;

static int collect(void *c, ov_node *n)
{
    scan_ctx *s = c;
    if (n->key_len < s->prefix_len || memcmp(n->key, s->prefix, s->prefix_len) != 0) return 1;
    if (n->st == OV_NONE) return 0;
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 32;
        ov_node **v = tc_realloc(s->v, cap * sizeof *v);
        if (!v) { s->nomem = 1; return 1; }
        s->v = v;
        s->cap = cap;
    }
    s->v[s->n++] = n;
    return 0;
}

/* Emits overlay entries strictly before (key,key_len) (all if key NULL). */
static int emit_before(scan_ctx *s, const uint8_t *key, size_t key_len)
{
    while (s->pos < s->n) {
        ov_node *n = s->v[s->pos];
        if (key && tc__ov_key_cmp(n->key, n->key_len, key, key_len) >= 0) break;
        s->pos++;
        if (n->st == OV_PUT) {
            int rc = s->fn(s->fn_ctx, n->key, n->key_len, n->val, n->val_len);
            if (rc) return rc;
        }
    }
    return 0;
}

static int on_base(void *c, const uint8_t *key, size_t key_len, const uint8_t *val, size_t val_len)
{
    scan_ctx *s = c;
    int rc = emit_before(s, key, key_len);
    if (rc) return rc;
    if (s->pos < s->n) {
        ov_node *n = s->v[s->pos];
        if (tc__ov_key_cmp(n->key, n->key_len, key, key_len) == 0) {
            s->pos++; /* the overlay shadows the base */
            return n->st == OV_PUT ? s->fn(s->fn_ctx, n->key, n->key_len, n->val, n->val_len) : 0;
        }
    }
    return s->fn(s->fn_ctx, key, key_len, val, val_len);
}

int tc__overlay_scan(tc_overlay *ov, const uint8_t *prefix, size_t prefix_len,
                     tc_state_scan_fn fn, void *ctx)
{
    assert(prefix_len <= TC_STATE_KEY_MAX);
    scan_ctx s = { prefix, prefix_len, NULL, 0, 0, 0, fn, ctx, 0 };
    tc__overlay_walk(ov, prefix_len ? prefix : NULL, prefix_len, collect, &s);
    if (s.nomem) { tc_free(s.v); return TC_ERR_NOMEM; }
    int rc = 0;
    if (ov->base) {
        /* End of the prefix range: the prefix with its last non-0xff byte
         * incremented and the rest dropped; no bound if all bytes are 0xff. */
        uint8_t end[TC_STATE_KEY_MAX];
        size_t end_len = prefix_len;
        if (prefix_len) memcpy(end, prefix, prefix_len);
        while (end_len > 0 && end[end_len - 1] == 0xff) end_len--;
        if (end_len > 0) end[end_len - 1]++;
        rc = tc_kv_scan(ov->base, prefix, prefix_len, end_len ? end : NULL, end_len, on_base, &s);
    }
    if (!rc) rc = emit_before(&s, NULL, 0);
    tc_free(s.v);
    return rc;
}
