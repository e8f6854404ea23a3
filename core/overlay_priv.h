/* Internals shared by core/overlay.c and core/overlay_scan.c. */
#ifndef TC_OVERLAY_PRIV_H
#define TC_OVERLAY_PRIV_H

#include <string.h>

#include "tc/overlay.h"

enum { OV_NONE = 0, OV_PUT = 1, OV_DEL = 2 };

typedef struct ov_node {
    struct ov_node *l, *r;
    uint64_t prio;
    uint64_t epoch;      /* transaction that last logged this node */
    uint8_t *val;        /* owned; NULL unless OV_PUT (a 0-byte value has val != NULL) */
    size_t val_len;
    uint8_t st;
    uint8_t key_len;
    uint8_t key[];
} ov_node;

typedef struct ov_undo {
    ov_node *n;
    uint8_t *val;
    size_t val_len;
    uint8_t st;
} ov_undo;

struct tc_overlay {
    tc_state state;     /* first member: tc_state* <-> tc_overlay* */
    tc_kv *base;
    ov_node *root;
    size_t nodes, live;  /* allocated nodes; nodes not OV_NONE */
    size_t bytes;        /* value bytes held (tree + undo log) */
    uint64_t rng, epoch;
    int in_tx;
    ov_undo *undo;
    size_t undo_len, undo_cap;
};

static inline int tc__ov_key_cmp(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
    size_t n = alen < blen ? alen : blen;
    int c = n ? memcmp(a, b, n) : 0;
    if (c) return c;
    return alen < blen ? -1 : alen > blen ? 1 : 0;
}

/* In-order walk of the nodes with key >= from (from NULL: all), stopping
 * when fn returns non-zero (that value is returned). */
int tc__overlay_walk(tc_overlay *ov, const uint8_t *from, size_t from_len,
                     int (*fn)(void *ctx, ov_node *n), void *ctx);
/* The merged scan behind tc_state_scan. */
int tc__overlay_scan(tc_overlay *ov, const uint8_t *prefix, size_t prefix_len,
                     tc_state_scan_fn fn, void *ctx);

#endif
