/* The node's store (DESIGN.md, Node: storage; issue 4 item 5): ONE SQLite
 * database file (WAL, synchronous=FULL) holding blocks, transactions and
 * their results, state values (current and past versions), the state-tree
 * and history-tree nodes (tc_kv over the same connection), and the index
 * tables behind the queries (include/tc/query.h). docs/store.md has the
 * schema and the crash-safety argument.
 *
 * One block = one SQL transaction = one fsync: either everything a block
 * changes is on disk or nothing is. After a crash the store opens at its
 * last committed block.
 *
 * Heights: 0 is the genesis state (tc_store_genesis), blocks start at 1.
 * State-tree version = height + 1 (version 0 is the empty tree).
 *
 * Not thread-safe: one thread owns a store. Ownership: pointers passed in
 * are borrowed for the call; outputs documented per function. */
#ifndef TC_STORE_H
#define TC_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "tc/block.h"
#include "tc/errors.h"

#define TC_STORE_SCHEMA 2
/* State-tree versions kept provable (queries at older heights fail with
 * TC_ERR_SMT_VERSION). */
#define TC_STORE_KEEP_VERSIONS 1024u

typedef struct tc_store tc_store;

/* Writes the genesis state into st (tc_genesis_apply has this shape). */
typedef int (*tc_genesis_fn)(tc_state *st, tc_err *err, const uint8_t *doc, size_t len);

/* Opens or creates the database at path. apply is the rules entry point
 * (tc_ledger_apply in the node), borrowed for the store's life.
 * TC_ERR_STORE_OPEN, TC_ERR_STORE_BUSY, TC_ERR_STORE_VERSION (the file has
 * a newer schema than this program), TC_ERR_CORRUPT (the trees do not
 * match the last block). *out is owned by the caller: tc_store_close. */
int tc_store_open(tc_store **out, tc_err *err, const char *path, tc_tx_apply_fn apply);
void tc_store_close(tc_store *s);

/* Initialises an empty store from a genesis document: chain id, genesis
 * hash (block 1's previous hash) and the state written by init, as state
 * version 1 at height 0. TC_ERR_STATE if the store already has a genesis. */
int tc_store_genesis(tc_store *s, tc_err *err, const uint8_t *chain_id, size_t chain_id_len,
                     const uint8_t *doc, size_t doc_len, tc_genesis_fn init);
int tc_store_has_genesis(const tc_store *s);

/* Height of the last committed block (0: only genesis). */
uint64_t tc_store_height(const tc_store *s);
/* Blocks committed by replaying the kept dry run of tc_store_propose
 * (same transactions, context and state) instead of running the rules
 * again, since open. */
uint64_t tc_store_replays(const tc_store *s);
/* The id to put in the next header's prev_hash (the last block id, or the
 * genesis hash at height 0). */
void tc_store_last_id(const tc_store *s, uint8_t id[TC_HASH_LEN]);

/* Proposer path: fills h's execution-derived fields for txs on top of the
 * committed state (h's chain id, height, time, prev hash, validator hashes
 * and proposer are the caller's). A dry run: nothing is committed. */
int tc_store_propose(tc_store *s, tc_err *err, tc_header *h, const tc_span *txs, size_t ntx,
                     int sig_checked);
/* Receiver path: checks sequencing, executes, compares every header field
 * with the result, and commits the block in ONE SQL transaction.
 * TC_ERR_BLOCK_SEQUENCE / _MISMATCH / _FORMAT leave the store unchanged;
 * TC_ERR_DISK_FULL / TC_ERR_IO too (the transaction is rolled back). */
int tc_store_commit_block(tc_store *s, tc_err *err, const uint8_t *block, size_t len,
                          int sig_checked);

/* Reads. */
int tc_store_header(tc_store *s, tc_header *h, uint8_t id[TC_HASH_LEN], uint64_t height);
/* The encoded block (allocated: *out is owned by the caller, tc_free). */
int tc_store_block(tc_store *s, uint8_t **out, size_t *len, uint64_t height);
/* A transaction's place and result by SHA-256 of its bytes. */
int tc_store_tx_result(tc_store *s, uint64_t *height, uint32_t *index, int *code,
                       char *msg, size_t msg_cap, const uint8_t tx_hash[TC_HASH_LEN]);
/* History proof of the transaction at global index `leaf` against the
 * history tree of `size` leaves (a header's history size). As
 * tc_hist_prove_inclusion: out has room for cap HASHES (32 bytes each, not
 * bytes; TC_HIST_MAX_PROOF always suffices), *n is the number written. */
int tc_store_history_prove(tc_store *s, uint8_t *out, size_t cap, size_t *n, uint64_t leaf,
                           uint64_t size);

/* State as of `height`: the value (TC_ERR_NOT_FOUND if absent) and the
 * state-tree proof (membership or absence) against that height's state
 * root. out NULL and cap 0 measure. */
int tc_store_state_get(tc_store *s, uint8_t *val, size_t cap, size_t *val_len, uint64_t height,
                       const uint8_t *key, size_t key_len);
int tc_store_state_prove(tc_store *s, uint8_t *out, size_t cap, size_t *out_len, uint64_t height,
                         const uint8_t *key, size_t key_len);
/* Current state values as a read-only tc_kv (borrowed from the store). */
tc_kv *tc_store_values(tc_store *s);

/* Full consistency check of the committed state: state-tree version and
 * root, history size and root match the last header. TC_ERR_CORRUPT. */
int tc_store_check(tc_store *s, tc_err *err);

/* Test hook: SQLite's page ceiling (PRAGMA max_page_count), to make the
 * next commits hit SQLITE_FULL. */
int tc_store_set_max_pages(tc_store *s, uint64_t pages);

#endif
