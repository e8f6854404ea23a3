/* The ledger's rules: the one entry point block application calls for each
 * transaction, and genesis initialisation (DESIGN.md, Ledger; issue 4).
 *
 * Pure and deterministic: the same state, transaction bytes and context give
 * the same result and the same writes on every node. Rules live in
 * core/ledger_*.c, one module per capability; transaction formats in
 * include/tc/tx.h; record formats and state keys in docs/ledger.md. */
#ifndef TC_LEDGER_H
#define TC_LEDGER_H

#include <stddef.h>
#include <stdint.h>

#include "tc/errors.h"
#include "tc/state.h"

#define TC_CHAIN_ID_MAX 64

/* What a transaction may know about the block it is in. */
typedef struct tc_block_ctx {
    const uint8_t *chain_id; /* borrowed */
    size_t chain_id_len;
    uint64_t height;
    uint64_t time_ms;        /* block time, ms since the Unix epoch (from the header) */
} tc_block_ctx;

/* Applies one transaction (its full signed bytes) to st inside the caller's
 * tc_state_tx_begin/commit. Returns 0 when accepted; otherwise a TC_ERR_*
 * code from the ledger block with err->msg saying why in words a person
 * understands ("unauthorized: signer is not an admin of org 7"). A rejected
 * transaction's writes must be rolled back by the caller.
 * sig_checked != 0 means the envelope signatures were already verified
 * (mempool admission); the rules still check who signed. */
int tc_ledger_apply(tc_state *st, tc_err *err, const uint8_t *tx, size_t tx_len,
                    const tc_block_ctx *ctx, int sig_checked);

/* The public keys that may sign tx for its signer in state st (read
 * only): the device's identity key, or the signer's key set. Lets a node
 * verify the signatures on worker threads before admission (docs/node.md,
 * "Mempool"); admission itself still runs tc_ledger_apply. pubs receives
 * *n contiguous 32-byte keys (cap keys at most); *multi is 1 for a key set.
 * 0, or the error tc_ledger_apply would report for an unknown signer. */
int tc_ledger_signer_keys(tc_state *st, tc_err *err, uint8_t *pubs, size_t cap, size_t *n, int *multi,
                          const uint8_t *tx, size_t tx_len);

#endif
