/* The state overlay used while a block is applied (DESIGN.md, Ledger;
 * include/tc/state.h).
 *
 * An overlay is a tc_state whose reads fall through to the committed state
 * values (a tc_kv whose keys are the state keys) and whose writes stay in
 * memory. tc_state_tx_begin/commit/rollback bracket one transaction: a
 * rollback restores exactly the overlay as it was at begin. At the end of
 * the block, tc_overlay_foreach hands the write-set (every key written,
 * with its final value or a deletion) in bytewise key order to the store,
 * which writes it as ONE version of the state tree.
 *
 * Ownership: the base kv is borrowed for the overlay's life and is never
 * written by the overlay. Keys/values passed in are copied. */
#ifndef TC_OVERLAY_H
#define TC_OVERLAY_H

#include <stddef.h>
#include <stdint.h>

#include "tc/kv.h"
#include "tc/state.h"

typedef struct tc_overlay tc_overlay;

/* Ceilings: a block may write at most this many distinct keys and hold at
 * most this many bytes of values in the overlay (TC_ERR_LIMIT past them). */
#define TC_OVERLAY_MAX_KEYS  (1u << 22)
#define TC_OVERLAY_MAX_BYTES (512u * 1024u * 1024u)

/* *out is owned by the caller (tc_overlay_free). base NULL = empty state. */
int tc_overlay_new(tc_overlay **out, tc_kv *base);
void tc_overlay_free(tc_overlay *ov);
/* The tc_state view handed to the rules; valid for the overlay's life. */
tc_state *tc_overlay_state(tc_overlay *ov);

/* Write-set callback: val == NULL means the key is deleted. Return non-zero
 * to stop (that value is returned by tc_overlay_foreach). */
typedef int (*tc_overlay_write_fn)(void *ctx, const uint8_t *key, size_t key_len,
                                   const uint8_t *val, size_t val_len);
/* Every written key in bytewise order. Asserts no transaction is open. */
int tc_overlay_foreach(tc_overlay *ov, tc_overlay_write_fn fn, void *ctx);
/* Number of keys in the write-set. */
size_t tc_overlay_count(const tc_overlay *ov);

#endif
