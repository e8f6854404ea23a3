/* Internals shared by io/store*.c. */
#ifndef TC_STORE_PRIV_H
#define TC_STORE_PRIV_H

#include <sqlite3.h>

#include "tc/block.h"
#include "tc/history.h"
#include "tc/kv.h"
#include "tc/smt.h"
#include "tc/store.h"

/* Prepared statements (SQL text in io/store.c). */
enum {
    Q_META_GET, Q_META_PUT,
    Q_BLOCK_PUT, Q_BLOCK_GET,
    Q_TX_PUT, Q_TX_GET, Q_TX_BY_HASH,
    Q_VAL_GET, Q_VAL_SCAN, Q_VAL_SCAN_END, Q_VAL_SAVE_OLD, Q_VAL_PUT, Q_VAL_AT,
    Q_IDX_CLOSE_ONE, Q_IDX_PUT,
    Q_ANCHOR_PUT, Q_ANCHOR_GET, Q_TX_AT,
    Q_BEGIN, Q_COMMIT, Q_ROLLBACK,
    Q__N
};

/* Cache of current state values (io/store_state.c): direct-mapped by key
 * hash, small records only, absent keys too. Written through by
 * tc__store_write_state and cleared when a block is rolled back, so it
 * always equals the `state` table as committed or being committed. Every
 * transaction reads its signer's key set and nonce three times (admission,
 * proposal or validation, commit): from SQLite that was a seventh of a
 * loaded node's CPU. */
#define VC_SLOTS (1u << 14)
#define VC_KEY_MAX 64
#define VC_VAL_MAX 224
typedef struct tc__vc_slot {
    uint8_t key_len;     /* 0: empty */
    uint8_t absent;      /* the key has no value */
    uint16_t val_len;
    uint8_t key[VC_KEY_MAX];
    uint8_t val[VC_VAL_MAX];
} tc__vc_slot;

/* The last dry run (tc_store_propose), kept so that validating the same
 * block again (a proposer validates its own proposal) costs nothing and
 * committing it replays the write-set instead of running the rules a
 * third time (io/store_commit.c). Valid only on the state it ran on. */
typedef struct tc__store_dry {
    int valid;
    int sig_checked;               /* as the run was asked */
    uint64_t base_height;
    uint8_t base_id[TC_HASH_LEN];
    uint64_t height, time_ms;
    uint8_t chain_id[TC_CHAIN_ID_MAX];
    size_t chain_id_len;
    tc_block_exec x;               /* owned when valid; x.tx_root names the txs */
} tc__store_dry;

struct tc_store {
    sqlite3 *db;
    sqlite3_stmt *q[Q__N];
    tc_kv *nodes;        /* Merkle nodes: tc_kv_sqlite_wrap over db */
    tc_kv values;        /* read-only view of current state values (vtable in store_state.c) */
    tc_smt *smt;
    tc_hist *hist;
    tc_tx_apply_fn apply;
    int has_genesis;
    uint64_t height;
    uint8_t chain_id[TC_CHAIN_ID_MAX];
    size_t chain_id_len;
    uint8_t genesis_hash[TC_HASH_LEN];
    tc_header last;      /* valid when height > 0 */
    uint8_t last_id[TC_HASH_LEN];
    size_t block_anchors;  /* 'A' records the block being written creates */
    struct tc__store_ix *ix;  /* scratch for index diffs (io/store_state.c), lazily allocated */
    tc__vc_slot *vc;          /* VC_SLOTS, or NULL (uncached) */
    tc__store_dry dry;
    uint64_t replays;         /* tc_store_replays */
};

/* SQLite result code to TC_ERR_* (SQLITE_FULL -> TC_ERR_DISK_FULL). */
int tc__store_rc(int sqlite_rc);
/* Runs a prepared statement to completion and resets it. */
int tc__store_run(sqlite3_stmt *st);
/* Binds a blob (an empty blob, not NULL, for length 0). */
int tc__store_bind(sqlite3_stmt *st, int i, const void *p, size_t n);
/* The read-only values kv over the state table. */
void tc__store_values_init(tc_store *s);
/* Forgets the kept dry run. */
void tc__store_dry_drop(tc_store *s);
/* Empties the values cache (after a rolled-back block). */
void tc__store_vc_clear(tc_store *s);
/* Writes one block's write-set (values, old versions, indexes) at height. */
int tc__store_write_state(tc_store *s, const tc_block_exec *x, uint64_t height);
/* Reopens the trees after a rolled-back SQL transaction. */
int tc__store_reload_trees(tc_store *s);

#endif
