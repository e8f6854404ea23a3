/* The ledger's view of state while a block is applied (DESIGN.md, Ledger).
 *
 * Rules (core/ledger_*.c) read and write state only through this interface;
 * they never see storage. The block applier (core/block_apply*.c) gives
 * them an overlay over the committed state: writes of a transaction that is
 * rejected are discarded (tc_state_tx_rollback), writes of accepted ones are
 * kept, and at the end of the block the overlay becomes the new version of
 * the state tree (key hash = SHA-256(state key), value hash = SHA-256(value))
 * plus the value rows in the store.
 *
 * State keys are short byte strings with a one-byte record-type prefix and
 * a fixed-layout suffix (docs/ledger.md lists them). Values are
 * deterministic CBOR. Ownership: all pointers are borrowed for the call. */
#ifndef TC_STATE_H
#define TC_STATE_H

#include <stddef.h>
#include <stdint.h>

#define TC_STATE_KEY_MAX   128
#define TC_STATE_VALUE_MAX (64u * 1024u)

typedef struct tc_state tc_state;

/* Scan callback over keys with a prefix, in bytewise key order; return
 * non-zero to stop (that value is returned by scan). */
typedef int (*tc_state_scan_fn)(void *ctx, const uint8_t *key, size_t key_len,
                                const uint8_t *val, size_t val_len);

typedef struct tc_state_vtbl {
    /* TC_ERR_NOT_FOUND if absent (or deleted in the overlay);
     * TC_ERR_BUFFER_TOO_SMALL with *val_len set if cap is too small. */
    int (*get)(tc_state *st, uint8_t *val, size_t cap, size_t *val_len,
               const uint8_t *key, size_t key_len);
    int (*put)(tc_state *st, const uint8_t *key, size_t key_len, const uint8_t *val, size_t val_len);
    int (*del)(tc_state *st, const uint8_t *key, size_t key_len);
    /* Keys starting with prefix, merged view of overlay and committed state. */
    int (*scan)(tc_state *st, const uint8_t *prefix, size_t prefix_len, tc_state_scan_fn fn, void *ctx);
    /* Savepoints around one transaction's writes. */
    int (*tx_begin)(tc_state *st);
    int (*tx_commit)(tc_state *st);
    void (*tx_rollback)(tc_state *st);
} tc_state_vtbl;

struct tc_state {
    const tc_state_vtbl *v;
};

static inline int tc_state_get(tc_state *st, uint8_t *val, size_t cap, size_t *val_len,
                               const uint8_t *key, size_t key_len)
{ return st->v->get(st, val, cap, val_len, key, key_len); }
static inline int tc_state_put(tc_state *st, const uint8_t *key, size_t key_len,
                               const uint8_t *val, size_t val_len)
{ return st->v->put(st, key, key_len, val, val_len); }
static inline int tc_state_del(tc_state *st, const uint8_t *key, size_t key_len)
{ return st->v->del(st, key, key_len); }
static inline int tc_state_scan(tc_state *st, const uint8_t *prefix, size_t prefix_len,
                                tc_state_scan_fn fn, void *ctx)
{ return st->v->scan(st, prefix, prefix_len, fn, ctx); }
static inline int tc_state_tx_begin(tc_state *st) { return st->v->tx_begin(st); }
static inline int tc_state_tx_commit(tc_state *st) { return st->v->tx_commit(st); }
static inline void tc_state_tx_rollback(tc_state *st) { st->v->tx_rollback(st); }

#endif
