/* Block headers, blocks and block application (DESIGN.md, Formats: block
 * header; issue 4 item 4). docs/store.md is the format specification.
 *
 * Header: a deterministic CBOR map with unsigned keys 1..12, all present,
 * nothing else:
 *   1 chain id (tstr)          2 height (uint, first block 1)
 *   3 time (uint, ms since the Unix epoch)
 *   4 previous header hash (bstr 32; block 1: the genesis document hash)
 *   5 transaction root (bstr 32): RFC 9162 root over this block's
 *     transactions, leaf data = the transaction's signed bytes
 *   6 transaction count (uint)
 *   7 history root (bstr 32), 8 history size (uint): RFC 9162 tree over
 *     every transaction ever included, leaf data = SHA-256(tx) || result
 *     code (4 bytes, big endian; 0 = accepted) — see TC_HIST_LEAF_LEN
 *   9 state root (bstr 32): sparse Merkle tree after this block
 *  10 validator-set hash, 11 next validator-set hash (bstr 32, tc_valset_hash)
 *  12 proposer (bstr 32, Ed25519 public key)
 * Block id = SHA-256 of the encoded header.
 *
 * Block: array(4) [header, [* tx bstr], last commit (bstr: the consensus
 * commit certificate of the previous block, empty for block 1), [* evidence
 * bstr]]. The certificate and evidence are opaque here (consensus decodes
 * them); they are not part of the header hash.
 *
 * Ownership: decoded blocks borrow the input buffer; tc_block_free releases
 * the transaction table decode allocated (node side). */
#ifndef TC_BLOCK_H
#define TC_BLOCK_H

#include <stddef.h>
#include <stdint.h>

#include "tc/crypto.h"
#include "tc/errors.h"
#include "tc/kv.h"
#include "tc/ledger.h"
#include "tc/state.h"

#define TC_HASH_LEN 32
/* Largest encoded header: 12 keys, a 64-byte chain id, 7 hashes, 4 uints. */
#define TC_HEADER_MAX 512
/* Ceilings on one block. */
#define TC_BLOCK_MAX_TXS 65536u
#define TC_BLOCK_MAX_BYTES (64u * 1024u * 1024u)
#define TC_BLOCK_MAX_EVIDENCE 64u
/* History leaf: SHA-256(tx) || uint32 big-endian result code. */
#define TC_HIST_LEAF_LEN (TC_SHA256_LEN + 4)

typedef struct tc_header {
    uint8_t chain_id[TC_CHAIN_ID_MAX];
    size_t chain_id_len;
    uint64_t height;
    uint64_t time_ms;
    uint8_t prev_hash[TC_HASH_LEN];
    uint8_t tx_root[TC_HASH_LEN];
    uint64_t tx_count;
    uint8_t history_root[TC_HASH_LEN];
    uint64_t history_size;
    uint8_t state_root[TC_HASH_LEN];
    uint8_t valset_hash[TC_HASH_LEN];
    uint8_t next_valset_hash[TC_HASH_LEN];
    uint8_t proposer[TC_ED25519_PUB_LEN];
} tc_header;

/* out NULL and cap 0 measure; TC_ERR_BUFFER_TOO_SMALL with *len set. */
int tc_header_encode(uint8_t *out, size_t cap, size_t *len, const tc_header *h);
/* Strict: deterministic CBOR, exactly keys 1..12, hashes of 32 bytes, chain
 * id 1..TC_CHAIN_ID_MAX bytes of UTF-8. TC_ERR_CBOR_* or TC_ERR_BLOCK_FORMAT. */
int tc_header_decode(tc_header *h, const uint8_t *in, size_t len);
/* Block id: SHA-256 of the encoded header. */
int tc_header_id(uint8_t id[TC_HASH_LEN], const tc_header *h);

/* A transaction inside a block: a span of the block buffer (borrowed). */
typedef struct tc_span {
    const uint8_t *p;
    size_t len;
} tc_span;

typedef struct tc_block {
    tc_header header;
    const uint8_t *header_raw; /* the header's bytes inside the block */
    size_t header_raw_len;
    tc_span *txs;              /* owned (tc_block_free); spans borrow the input */
    size_t ntx;
    tc_span last_commit;       /* borrowed; len 0 if none */
    tc_span *evidence;         /* owned; spans borrow the input */
    size_t nevidence;
} tc_block;

/* Encodes a block. out NULL and cap 0 measure. */
int tc_block_encode(uint8_t *out, size_t cap, size_t *len, const tc_header *h,
                    const tc_span *txs, size_t ntx, tc_span last_commit,
                    const tc_span *evidence, size_t nevidence);
/* Decodes (allocates the span tables: tc_block_free). TC_ERR_CBOR_*,
 * TC_ERR_BLOCK_FORMAT, TC_ERR_LIMIT, TC_ERR_NOMEM. On error *b is empty. */
int tc_block_decode(tc_block *b, const uint8_t *in, size_t len);
void tc_block_free(tc_block *b);
/* The block id of an encoded block (the consensus engine's block-id hook):
 * SHA-256 of the header bytes; 32 zero bytes if the block does not decode. */
void tc_block_id_of(uint8_t id[TC_HASH_LEN], const uint8_t *block, size_t len);

/* RFC 9162 root over the transactions (leaf data = the tx bytes). */
int tc_block_tx_root(uint8_t root[TC_HASH_LEN], const tc_span *txs, size_t ntx);
/* The history leaf data of a transaction with its result code. */
void tc_block_hist_leaf(uint8_t out[TC_HIST_LEAF_LEN], const uint8_t *tx, size_t tx_len,
                        int code);

/* ---- block application (core/block_apply.c) ----
 *
 * Deterministic: for each transaction in order, savepoint, apply through
 * the rules, keep the writes if accepted or roll them back, record the
 * result; every transaction (accepted or not) is appended to the history
 * tree with its result code; at the end the overlay's write-set becomes ONE
 * new version of the state tree (key hash SHA-256(state key), value hash
 * SHA-256(value)). */

struct tc_smt;
struct tc_hist;

/* The rules entry point (tc_ledger_apply in the node; tests may pass
 * their own). */
typedef int (*tc_tx_apply_fn)(tc_state *st, tc_err *err, const uint8_t *tx, size_t tx_len,
                              const tc_block_ctx *ctx, int sig_checked);

/* The committed chain the applier works on (all borrowed). */
typedef struct tc_chain {
    tc_kv *values;          /* committed state values keyed by state key */
    struct tc_smt *smt;     /* state tree; its kv is inside the caller's transaction */
    struct tc_hist *hist;   /* history tree; appends stay unflushed */
    tc_tx_apply_fn apply;
} tc_chain;

typedef struct tc_tx_result {
    int code;                  /* 0 accepted, else the TC_ERR_* of the rejection */
    char msg[TC_ERR_MSG_MAX];  /* empty when accepted */
} tc_tx_result;

typedef struct tc_block_exec {
    struct tc_overlay *ov;   /* owned: the block's write-set */
    tc_tx_result *results;   /* owned: one per transaction */
    size_t ntx;
    size_t accepted;
    uint8_t tx_root[TC_HASH_LEN];
    uint8_t history_root[TC_HASH_LEN];
    uint64_t history_size;
    uint8_t state_root[TC_HASH_LEN];
} tc_block_exec;

/* Executes txs on the committed state of c. Side effects the caller must
 * commit or undo together: a new tc_smt version written to the tree's kv,
 * and unflushed appends in c->hist (tc_hist_flush to keep, tc_hist_reload
 * and reopening the tree to drop). *x is owned by the caller
 * (tc_block_exec_free) on success and empty on error. A rejected
 * transaction is not an error (its result says why); errors are storage,
 * memory and limits. */
int tc_block_execute(tc_block_exec *x, tc_err *err, const tc_chain *c, const tc_block_ctx *ctx,
                     const tc_span *txs, size_t ntx, int sig_checked);
/* Replays a kept execution of txs (x from tc_block_execute on the same
 * committed state and context, whose history and tree side effects were
 * undone): appends the history leaves and applies the write-set to the
 * tree again, without running the rules. Same side effects and ownership
 * as tc_block_execute; on error *x is freed. */
int tc_block_exec_replay(tc_block_exec *x, tc_err *err, const tc_chain *c, const tc_span *txs, size_t ntx);
void tc_block_exec_free(tc_block_exec *x);
/* Proposer path: copies the execution-derived fields (transaction root and
 * count, history root and size, state root) into h. */
void tc_block_exec_fill(tc_header *h, const tc_block_exec *x);
/* Receiver path: TC_ERR_BLOCK_MISMATCH (err names the field) unless every
 * execution-derived field of h equals x. */
int tc_block_exec_check(tc_err *err, const tc_header *h, const tc_block_exec *x);
/* Applies x->ov's write-set to smt as one version and sets x->state_root
 * (tc_block_execute's last step; genesis uses it alone). */
int tc_block_exec_state(tc_block_exec *x, struct tc_smt *smt);
/* Writes the write-set into a values kv (puts and deletes), e.g. the
 * in-memory chain of tests; the SQLite store writes its own tables. */
int tc_block_exec_write_values(const tc_block_exec *x, tc_kv *values);
/* Sequencing: h follows prev (whose id is prev_id): same chain id, height
 * + 1, strictly later time, validator-set hash == prev next-set hash,
 * prev_hash == prev_id. prev NULL: h must be height
 * 1 and prev_hash the genesis hash passed as prev_id. TC_ERR_BLOCK_SEQUENCE. */
int tc_header_check_next(tc_err *err, const tc_header *prev, const uint8_t prev_id[TC_HASH_LEN],
                         const tc_header *h);

#endif
