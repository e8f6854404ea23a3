/* Proofs against a verified header (include/tcdev/light.h;
 * docs/light-client.md "Proofs"): state proofs through the shared sparse
 * Merkle tree verifier (core/smt_verify.c), history proofs through the
 * shared RFC 9162 verifiers (core/history_verify.c). */
#include <assert.h>
#include <string.h>

#include "light_internal.h"
#include "tc/errors.h"
#include "tc/history.h"
#include "tc/smt.h"

int tcdev__state_check(const tc_header *h, const uint8_t *key, size_t key_len,
                       const uint8_t *record, size_t record_len, const uint8_t *proof,
                       size_t proof_len)
{
    /* docs/state-tree.md: the tree is keyed by SHA-256(state key) and holds
     * SHA-256(value). */
    uint8_t khash[TC_SMT_HASH_LEN], vhash[TC_SMT_HASH_LEN];
    tc_sha256(khash, key, key_len);
    if (record)
        tc_sha256(vhash, record, record_len);
    return tc_smt_verify(h->state_root, khash, record ? vhash : NULL, proof, proof_len);
}

int tcdev__history_check(const tc_header *h, uint64_t *index, const uint8_t leaf[TC_HIST_LEAF_LEN],
                         const uint8_t *proof, size_t proof_len)
{
    /* At most 64 hashes: 2 KiB, the largest frame of the SDK's proof path. */
    uint8_t path[64 * TC_HIST_HASH_LEN], lh[TC_HIST_HASH_LEN];
    uint64_t idx, size;
    size_t n;
    int rc = tc_hist_inclusion_decode(&idx, &size, path, 64, &n, proof, proof_len);
    if (rc)
        return rc;
    /* The proof must be for the header's tree, not some other size. */
    if (size != h->history_size)
        return TC_ERR_MERKLE_PROOF;
    tc_hist_leaf_hash(lh, leaf, TC_HIST_LEAF_LEN);
    if ((rc = tc_hist_verify_inclusion(h->history_root, idx, size, lh, path, n)))
        return rc;
    if (index)
        *index = idx;
    return 0;
}

int tcdev_light_verify_state(const tcdev_light *st, const uint8_t *key, size_t key_len,
                             const uint8_t *record, size_t record_len, const uint8_t *proof,
                             size_t proof_len)
{
    assert(st && st->magic == TCDEV_LIGHT_MAGIC && key && proof);
    if (st->height == 0)
        return TC_ERR_STATE;
    return tcdev__state_check(&st->hdr, key, key_len, record, record_len, proof, proof_len);
}

int tcdev_light_verify_history(const tcdev_light *st, uint64_t *index,
                               const uint8_t leaf[TC_HIST_LEAF_LEN], const uint8_t *proof,
                               size_t proof_len)
{
    assert(st && st->magic == TCDEV_LIGHT_MAGIC && leaf && proof);
    if (st->height == 0)
        return TC_ERR_STATE;
    return tcdev__history_check(&st->hdr, index, leaf, proof, proof_len);
}

int tcdev_light_verify_consistency(const tcdev_light *st, uint64_t old_size,
                                   const uint8_t old_root[TC_HASH_LEN], const uint8_t *proof,
                                   size_t proof_len)
{
    assert(st && st->magic == TCDEV_LIGHT_MAGIC && old_root && proof);
    if (st->height == 0)
        return TC_ERR_STATE;
    uint8_t hashes[TC_HIST_MAX_PROOF * TC_HIST_HASH_LEN];
    uint64_t old, size;
    size_t n;
    int rc = tc_hist_consistency_decode(&old, &size, hashes, TC_HIST_MAX_PROOF, &n, proof,
                                        proof_len);
    if (rc)
        return rc;
    if (old != old_size || size != st->hdr.history_size)
        return TC_ERR_MERKLE_PROOF;
    return tc_hist_verify_consistency(old, size, old_root, st->hdr.history_root, hashes, n);
}
