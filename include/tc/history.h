/* The transaction history tree: an RFC 9162 §2.1 Merkle tree over every
 * committed transaction (DESIGN.md, Formats: Transaction history).
 *
 *   leaf hash   SHA-256(0x00 || data)
 *   node hash   SHA-256(0x01 || left || right)
 *   empty tree  SHA-256("")
 *
 * Two halves:
 *
 * 1. Device-shared (core/history_verify.c, core/history_codec.c): hashing
 *    helpers, the proof-length rules, the RFC 9162 §2.1.3.2 inclusion and
 *    §2.1.4.2 consistency verifiers and the CBOR proof codec. C99, no
 *    allocation, stack only; every pointer is borrowed for the call.
 *
 * 2. Node side (core/history.c, core/history_proof.c): an append-only tree
 *    that keeps only the right frontier in memory (at most 64 hashes) and
 *    persists every complete-subtree node through a tc_kv store, so roots at
 *    any past size and proofs are served from storage in O(log n) reads.
 *    Storage layout and batching rules: docs/history.md.
 *
 * Proof encodings (deterministic CBOR, RFC 8949 §4.2.1):
 *   inclusion   = [index: uint, size: uint, [* bstr .size 32]]
 *   consistency = [old:   uint, new:  uint, [* bstr .size 32]]
 * Hashes are listed in RFC 9162 order (leaf end first). In the C API a list
 * of hashes is a flat byte array of n * 32 bytes. */
#ifndef TC_HISTORY_H
#define TC_HISTORY_H

#include <stddef.h>
#include <stdint.h>

#define TC_HIST_HASH_LEN 32
/* Longest proof for any tree size < 2^64: an inclusion proof has at most 64
 * hashes, a consistency proof at most 65 (ceil(log2 n) + 1). */
#define TC_HIST_MAX_PROOF 65
/* Largest CBOR encoding of a proof: array(3), two uint64, array header,
 * 65 * (2 + 32). */
#define TC_HIST_PROOF_CBOR_MAX (1 + 9 + 9 + 2 + TC_HIST_MAX_PROOF * 34)

/* ---- device-shared: hashing (RFC 9162 §2.1.1) ---- */

void tc_hist_leaf_hash(uint8_t out[TC_HIST_HASH_LEN], const uint8_t *data, size_t len);
/* out may alias left or right. */
void tc_hist_node_hash(uint8_t out[TC_HIST_HASH_LEN], const uint8_t left[TC_HIST_HASH_LEN],
                       const uint8_t right[TC_HIST_HASH_LEN]);
/* SHA-256 of the empty string: the root of the tree of size 0. */
void tc_hist_empty_root(uint8_t out[TC_HIST_HASH_LEN]);

/* ---- device-shared: proof lengths ---- */

/* Number of hashes in the inclusion proof of leaf `index` in a tree of
 * `size` leaves. TC_ERR_MERKLE_INDEX unless index < size. */
int tc_hist_inclusion_len(size_t *n, uint64_t index, uint64_t size);
/* Number of hashes in the consistency proof from `old` to `size` leaves
 * (0 when old == 0 or old == size). TC_ERR_MERKLE_INDEX unless old <= size. */
int tc_hist_consistency_len(size_t *n, uint64_t old, uint64_t size);

/* ---- device-shared: verifiers ---- */

/* RFC 9162 §2.1.3.2. `path` holds path_len hashes, 32 bytes each (may be
 * NULL when path_len is 0).
 * 0 when leaf_hash is leaf `index` of the tree of `size` leaves with `root`;
 * TC_ERR_MERKLE_INDEX if index >= size, TC_ERR_MERKLE_PROOF_LEN if path_len is
 * not the length the RFC prescribes for (index, size), TC_ERR_MERKLE_PROOF if
 * the hashes do not lead to root. */
int tc_hist_verify_inclusion(const uint8_t root[TC_HIST_HASH_LEN], uint64_t index, uint64_t size,
                             const uint8_t leaf_hash[TC_HIST_HASH_LEN],
                             const uint8_t *path, size_t path_len);

/* RFC 9162 §2.1.4.2, plus the two cases the RFC leaves out: old == size
 * (empty proof, the roots must be equal) and old == 0 (empty proof, old_root
 * must be the empty-tree hash: the empty tree is a prefix of every tree).
 * Errors as for inclusion (TC_ERR_MERKLE_INDEX if old > size). */
int tc_hist_verify_consistency(uint64_t old, uint64_t size, const uint8_t old_root[TC_HIST_HASH_LEN],
                               const uint8_t new_root[TC_HIST_HASH_LEN],
                               const uint8_t *proof, size_t proof_len);

/* ---- device-shared: CBOR codec ---- */

/* Encode into out (cap bytes; out NULL and cap 0 measure). *out_len is the
 * length written or needed; TC_ERR_BUFFER_TOO_SMALL if it did not fit. The
 * hash count is checked against the RFC length (asserts: misuse). */
int tc_hist_inclusion_encode(uint8_t *out, size_t cap, size_t *out_len, uint64_t index,
                             uint64_t size, const uint8_t *path, size_t n);
int tc_hist_consistency_encode(uint8_t *out, size_t cap, size_t *out_len, uint64_t old,
                               uint64_t size, const uint8_t *proof, size_t n);

/* Decode a proof, copying its hashes to `hashes` (room for cap hashes;
 * TC_HIST_MAX_PROOF always suffices). Rejects non-deterministic CBOR
 * (TC_ERR_CBOR_*), index >= size or old > new (TC_ERR_MERKLE_INDEX), a hash
 * count other than the RFC length for the two numbers (TC_ERR_MERKLE_PROOF_LEN),
 * hashes that are not 32-byte byte strings (a TC_ERR_CBOR_* code),
 * and TC_ERR_BUFFER_TOO_SMALL when cap is short. Nothing is verified against
 * a root: call the verifier next. */
int tc_hist_inclusion_decode(uint64_t *index, uint64_t *size, uint8_t *hashes,
                             size_t cap, size_t *n, const uint8_t *in, size_t in_len);
int tc_hist_consistency_decode(uint64_t *old, uint64_t *size, uint8_t *hashes,
                               size_t cap, size_t *n, const uint8_t *in, size_t in_len);

/* ---- node side: the append-only tree ---- */

struct tc_kv;
typedef struct tc_hist tc_hist;

/* Longest key prefix (the tree's keys are prefix || level || index). */
#define TC_HIST_PREFIX_MAX 16
/* Ceiling on nodes waiting for tc_hist_flush (about 2^20 appended leaves). */
#define TC_HIST_PENDING_MAX (1u << 21)

/* Opens the tree stored under `prefix` in kv (kv borrowed for the life of
 * the tree; it must outlive tc_hist_close). A missing tree is the empty tree.
 * kv may be NULL: a memory-only tree that computes roots of its current
 * size but keeps no nodes (no proofs, no past roots: TC_ERR_STATE).
 * *out is owned by the caller: tc_hist_close. TC_ERR_CORRUPT if the stored
 * size or frontier is damaged. */
int tc_hist_open(tc_hist **out, struct tc_kv *kv, const uint8_t *prefix, size_t prefix_len);
void tc_hist_close(tc_hist *h);

/* Appends one leaf (data borrowed for the call). Only memory changes: the
 * new complete-subtree nodes wait for tc_hist_flush. TC_ERR_LIMIT when more
 * than TC_HIST_PENDING_MAX nodes wait, TC_ERR_NOMEM. */
int tc_hist_append(tc_hist *h, const uint8_t *data, size_t len);
/* Same with the leaf hash already computed. */
int tc_hist_append_hash(tc_hist *h, const uint8_t leaf_hash[TC_HIST_HASH_LEN]);

/* Writes the waiting nodes and the new size with kv puts. The caller wraps
 * it in its own kv transaction (one block: begin, ..., flush, commit). If
 * that transaction is rolled back, call tc_hist_reload. */
int tc_hist_flush(tc_hist *h);
/* Forgets unflushed appends and re-reads size and frontier from storage. */
int tc_hist_reload(tc_hist *h);

/* Leaves appended (flushed or not), and leaves flushed to storage. */
uint64_t tc_hist_size(const tc_hist *h);
uint64_t tc_hist_stored_size(const tc_hist *h);

/* Root of the current tree (from the frontier: no storage read). */
void tc_hist_root(const tc_hist *h, uint8_t out[TC_HIST_HASH_LEN]);
/* Root of the tree of the first `size` leaves, size <= tc_hist_size.
 * Past sizes are read from storage: size must be <= tc_hist_stored_size
 * (TC_ERR_STATE otherwise), TC_ERR_MERKLE_INDEX if size > tc_hist_size. */
int tc_hist_root_at(tc_hist *h, uint8_t out[TC_HIST_HASH_LEN], uint64_t size);

/* Proofs from storage, O(log n) reads. `size` must be <= the stored size
 * (TC_ERR_STATE otherwise). out has room for cap hashes (TC_HIST_MAX_PROOF
 * always suffices); *n is the number written. */
int tc_hist_prove_inclusion(tc_hist *h, uint8_t *out, size_t cap, size_t *n,
                            uint64_t index, uint64_t size);
int tc_hist_prove_consistency(tc_hist *h, uint8_t *out, size_t cap, size_t *n,
                              uint64_t old, uint64_t size);
/* The stored leaf hash of leaf `index` (< stored size). */
int tc_hist_leaf_at(tc_hist *h, uint8_t out[TC_HIST_HASH_LEN], uint64_t index);

#endif
