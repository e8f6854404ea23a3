/* The state tree: a sparse Merkle tree over 256-bit keys (DESIGN.md,
 * Formats: State). Keys are SHA-256 of the state key, values are 32-byte
 * value hashes (SHA-256 of the value). docs/state-tree.md is the format
 * specification; in short:
 *
 *   empty subtree   E = 32 zero bytes
 *   leaf            SHA-256(0x02 || key(32) || value_hash(32))
 *   internal node   SHA-256(0x03 || left(32) || right(32))
 *   a subtree with no key hashes to E, with exactly one key to that key's
 *   leaf hash (the leaf sits at the shortest prefix that makes it unique),
 *   otherwise to the internal hash of its two halves (bit 0 = MSB of key[0];
 *   bit clear = left).
 *
 * Prefixes 0x02/0x03 differ from the history tree's 0x00/0x01 (RFC 9162) so
 * a state node can never be passed off as a history node or vice versa.
 *
 * Proof (deterministic CBOR):
 *   proof = [kind, depth, bitmap, siblings]                 kind 0 or 1
 *         / [2, depth, bitmap, siblings, other_key, other_value]
 *   kind 0 member: the path ends at the queried key's leaf
 *   kind 1 absent: the path ends at an empty subtree
 *   kind 2 absent: the path ends at another key's leaf (other_key/other_value)
 *   depth    uint 0..256, number of levels from the root to the terminal
 *   bitmap   bstr of ceil(depth/8) bytes; bit i (MSB first) set when the
 *            sibling at level i (0 = child of the root) is not E; unused
 *            low bits zero; the last level's bit is always set
 *   siblings bstr: the non-E siblings, 32 bytes each, root end first
 *
 * Two halves:
 *  1. Device-shared (core/smt_verify.c, core/smt_codec.c): hashing, proof
 *     decoder/encoder and verifier. C99, no allocation, bounded stack.
 *  2. Node side (core/smt.c, core/smt_node.c, core/smt_prove.c): versioned
 *     tree whose nodes live in a tc_kv under the prefix "s". */
#ifndef TC_SMT_H
#define TC_SMT_H

#include <stddef.h>
#include <stdint.h>

#include "tc/kv.h"

#define TC_SMT_HASH_LEN 32
#define TC_SMT_MAX_DEPTH 256
/* Largest CBOR proof: array(6), kind, depth(2), bitmap bstr(2+32),
 * siblings bstr(3 + 256*32), two bstr(2+32). */
#define TC_SMT_PROOF_MAX (1 + 1 + 3 + 34 + 3 + TC_SMT_MAX_DEPTH * 32 + 2 * 34)

enum { TC_SMT_MEMBER = 0, TC_SMT_ABSENT_EMPTY = 1, TC_SMT_ABSENT_OTHER = 2 };

/* ---- device-shared ---- */

/* A decoded proof. `siblings` points into the decoded buffer (borrowed). */
typedef struct tc_smt_proof {
    uint8_t kind;
    uint16_t depth;
    uint8_t bitmap[TC_SMT_MAX_DEPTH / 8];
    const uint8_t *siblings;
    size_t sibling_count;
    uint8_t other_key[TC_SMT_HASH_LEN];   /* kind 2 only */
    uint8_t other_value[TC_SMT_HASH_LEN]; /* kind 2 only */
} tc_smt_proof;

void tc_smt_leaf_hash(uint8_t out[TC_SMT_HASH_LEN], const uint8_t key[TC_SMT_HASH_LEN],
                      const uint8_t value[TC_SMT_HASH_LEN]);
/* out may alias left or right. */
void tc_smt_node_hash(uint8_t out[TC_SMT_HASH_LEN], const uint8_t left[TC_SMT_HASH_LEN],
                      const uint8_t right[TC_SMT_HASH_LEN]);
/* Bit i of a 256-bit key, MSB of key[0] first. */
int tc_smt_key_bit(const uint8_t key[TC_SMT_HASH_LEN], unsigned i);

/* Decodes and checks the structure (every rule above);
 * TC_ERR_SMT_PROOF_FORMAT on any violation. p->siblings borrows `in`. */
int tc_smt_proof_decode(tc_smt_proof *p, const uint8_t *in, size_t in_len);
/* Encodes p into out (cap bytes; out NULL and cap 0 measure). */
int tc_smt_proof_encode(uint8_t *out, size_t cap, size_t *out_len, const tc_smt_proof *p);

/* Checks that p proves, against root: key -> value when value is non-NULL,
 * key absent when value is NULL. TC_ERR_SMT_PROOF if not (wrong root, key,
 * value, a membership proof offered as absence or the reverse). */
int tc_smt_proof_check(const uint8_t root[TC_SMT_HASH_LEN], const uint8_t key[TC_SMT_HASH_LEN],
                       const uint8_t *value, const tc_smt_proof *p);
/* Decode + check. TC_ERR_SMT_PROOF_FORMAT or TC_ERR_SMT_PROOF. */
int tc_smt_verify(const uint8_t root[TC_SMT_HASH_LEN], const uint8_t key[TC_SMT_HASH_LEN],
                  const uint8_t *value, const uint8_t *proof, size_t proof_len);

/* ---- node side ---- */

typedef struct tc_smt tc_smt;

/* One change of a batch: value NULL-equivalent is del != 0. */
typedef struct tc_smt_update {
    uint8_t key[TC_SMT_HASH_LEN];
    uint8_t value[TC_SMT_HASH_LEN];
    int del;
} tc_smt_update;

/* Largest batch accepted by tc_smt_apply. */
#define TC_SMT_MAX_BATCH (1u << 22)

/* Opens the tree stored in kv (borrowed; must outlive the tree); an empty
 * store is version 0, the empty tree. Proofs are served for the last
 * `keep` (>= 1) versions; opening with a smaller keep prunes at the next
 * apply. *out is owned by the caller: tc_smt_close. */
int tc_smt_open(tc_smt **out, tc_kv *kv, uint32_t keep);
void tc_smt_close(tc_smt *t);

/* Latest committed version and the oldest still provable. */
uint64_t tc_smt_version(const tc_smt *t);
uint64_t tc_smt_oldest(const tc_smt *t);

/* Applies a batch as version latest+1 and prunes what falls out of the
 * kept window. Keys must be distinct (TC_ERR_INVALID_ARG otherwise), so
 * the root does not depend on the order. Deleting an absent key is a no-op.
 * Writes go to the kv without begin/commit: the caller wraps the block in
 * one kv transaction and rolls it back on error (the tree then must be
 * reopened). new_root may be NULL. */
int tc_smt_apply(tc_smt *t, uint8_t *new_root, const tc_smt_update *ups, size_t n);

/* Dry-run mode (on != 0): tc_smt_apply computes the new root and writes
 * nothing, and the tree stays at its version. For a block executed only to
 * learn its roots (a proposal, a validation) whose writes would be rolled
 * back: the node writes were half the CPU of such a run. */
void tc_smt_set_dry_run(tc_smt *t, int on);

/* Root of `version`; TC_ERR_SMT_VERSION if pruned or not yet committed. */
int tc_smt_root(tc_smt *t, uint8_t root[TC_SMT_HASH_LEN], uint64_t version);
/* Value hash of key at version; TC_ERR_NOT_FOUND if absent. */
int tc_smt_get(tc_smt *t, uint8_t value[TC_SMT_HASH_LEN], uint64_t version,
               const uint8_t key[TC_SMT_HASH_LEN]);
/* Proof (CBOR) for key at version, membership or absence. out NULL and
 * cap 0 measure; TC_ERR_BUFFER_TOO_SMALL with *out_len set otherwise. */
int tc_smt_prove(tc_smt *t, uint8_t *out, size_t cap, size_t *out_len, uint64_t version,
                 const uint8_t key[TC_SMT_HASH_LEN]);

#endif
