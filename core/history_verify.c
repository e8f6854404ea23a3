/* History-tree hashing, proof lengths and verifiers (RFC 9162 §2.1).
 * tc:device-shared (C99, no allocation, no I/O): the device SDK checks
 * history proofs with exactly this code. */
#include <string.h>

#include "history_internal.h"
#include "tc/crypto.h"
#include "tc/errors.h"
#include "tc/history.h"

/* RFC 9162 §2.1.1: MTH({d(0)}) = HASH(0x00 || d(0)). */
void tc_hist_leaf_hash(uint8_t out[TC_HIST_HASH_LEN], const uint8_t *data, size_t len)
{
    static const uint8_t leaf_prefix = 0x00;
    if (len <= 119) { /* one-shot on the stack: cheaper than the streaming API */
        uint8_t buf[120];
        buf[0] = leaf_prefix;
        if (len) memcpy(buf + 1, data, len);
        tc_sha256(out, buf, len + 1);
        return;
    }
    tc_sha256_ctx c;
    tc_sha256_init(&c);
    tc_sha256_update(&c, &leaf_prefix, 1);
    if (len) tc_sha256_update(&c, data, len);
    tc_sha256_final(&c, out);
}

/* RFC 9162 §2.1.1: MTH(D[n]) = HASH(0x01 || MTH(D[0:k]) || MTH(D[k:n])). */
void tc_hist_node_hash(uint8_t out[TC_HIST_HASH_LEN], const uint8_t left[TC_HIST_HASH_LEN],
                       const uint8_t right[TC_HIST_HASH_LEN])
{
    uint8_t buf[1 + 2 * TC_HIST_HASH_LEN];
    buf[0] = 0x01;
    memcpy(buf + 1, left, TC_HIST_HASH_LEN);
    memcpy(buf + 1 + TC_HIST_HASH_LEN, right, TC_HIST_HASH_LEN);
    tc_sha256(out, buf, sizeof buf);
}

/* RFC 9162 §2.1.1: "The hash of an empty list is the hash of an empty string". */
void tc_hist_empty_root(uint8_t out[TC_HIST_HASH_LEN])
{
    tc_sha256(out, "", 0);
}

/* Length of PATH(m, D[n]) (RFC 9162 §2.1.3.1): one hash per level of the
 * recursion until the subtree holds the leaf alone. */
int tc_hist_inclusion_len(size_t *n, uint64_t index, uint64_t size)
{
    if (index >= size) return TC_ERR_MERKLE_INDEX;
    size_t count = 0;
    uint64_t m = index, sz = size;
    while (sz > 1) {
        uint64_t k = tc__hist_split(sz);
        if (m < k) {
            sz = k;
        } else {
            m -= k;
            sz -= k;
        }
        count++;
    }
    *n = count;
    return 0;
}

/* Length of PROOF(m, D[n]) = SUBPROOF(m, D[n], true) (RFC 9162 §2.1.4.1). */
int tc_hist_consistency_len(size_t *n, uint64_t old, uint64_t size)
{
    if (old > size) return TC_ERR_MERKLE_INDEX;
    size_t count = 0;
    if (old != 0 && old != size) {
        uint64_t m = old, sz = size;
        int whole = 1; /* the SUBPROOF flag b: still a prefix of the whole tree */
        for (;;) {
            if (m == sz) {
                if (!whole) count++; /* MTH(D[m]) itself */
                break;
            }
            uint64_t k = tc__hist_split(sz);
            if (m <= k) {
                sz = k;
            } else {
                m -= k;
                sz -= k;
                whole = 0;
            }
            count++;
        }
    }
    *n = count;
    return 0;
}

/* RFC 9162 §2.1.3.2, step by step. */
int tc_hist_verify_inclusion(const uint8_t root[TC_HIST_HASH_LEN], uint64_t index, uint64_t size,
                             const uint8_t leaf_hash[TC_HIST_HASH_LEN], const uint8_t *path,
                             size_t path_len)
{
    size_t want;
    int rc = tc_hist_inclusion_len(&want, index, size);
    if (rc) return rc;
    if (path_len != want) return TC_ERR_MERKLE_PROOF_LEN;

    uint64_t fn = index, sn = size - 1;
    uint8_t r[TC_HIST_HASH_LEN];
    memcpy(r, leaf_hash, TC_HIST_HASH_LEN);
    for (size_t i = 0; i < path_len; i++) {
        const uint8_t *p = path + i * TC_HIST_HASH_LEN;
        if (sn == 0) return TC_ERR_MERKLE_PROOF;
        if ((fn & 1) || fn == sn) {
            tc_hist_node_hash(r, p, r);
            while (!(fn & 1) && fn != 0) {
                fn >>= 1;
                sn >>= 1;
            }
        } else {
            tc_hist_node_hash(r, r, p);
        }
        fn >>= 1;
        sn >>= 1;
    }
    if (sn != 0 || memcmp(r, root, TC_HIST_HASH_LEN) != 0) return TC_ERR_MERKLE_PROOF;
    return 0;
}

/* RFC 9162 §2.1.4.2, step by step; the RFC covers 0 < old < size only. */
int tc_hist_verify_consistency(uint64_t old, uint64_t size, const uint8_t old_root[TC_HIST_HASH_LEN],
                               const uint8_t new_root[TC_HIST_HASH_LEN], const uint8_t *proof,
                               size_t proof_len)
{
    size_t want;
    int rc = tc_hist_consistency_len(&want, old, size);
    if (rc) return rc;
    if (proof_len != want) return TC_ERR_MERKLE_PROOF_LEN;

    if (old == size)
        return memcmp(old_root, new_root, TC_HIST_HASH_LEN) == 0 ? 0 : TC_ERR_MERKLE_PROOF;
    if (old == 0) {
        uint8_t empty[TC_HIST_HASH_LEN];
        tc_hist_empty_root(empty);
        return memcmp(old_root, empty, TC_HIST_HASH_LEN) == 0 ? 0 : TC_ERR_MERKLE_PROOF;
    }

    /* Step 2: if old is an exact power of 2, prepend old_root to the path
     * (here: start from old_root instead of the path's first hash). */
    const uint8_t *first = proof;
    size_t i = 1;
    if ((old & (old - 1)) == 0) {
        first = old_root;
        i = 0;
    }
    /* Steps 3-5. */
    uint64_t fn = old - 1, sn = size - 1;
    while (fn & 1) {
        fn >>= 1;
        sn >>= 1;
    }
    uint8_t fr[TC_HIST_HASH_LEN], sr[TC_HIST_HASH_LEN];
    memcpy(fr, first, TC_HIST_HASH_LEN);
    memcpy(sr, first, TC_HIST_HASH_LEN);
    /* Step 6. */
    for (; i < proof_len; i++) {
        const uint8_t *c = proof + i * TC_HIST_HASH_LEN;
        if (sn == 0) return TC_ERR_MERKLE_PROOF;
        if ((fn & 1) || fn == sn) {
            tc_hist_node_hash(fr, c, fr);
            tc_hist_node_hash(sr, c, sr);
            while (!(fn & 1) && fn != 0) {
                fn >>= 1;
                sn >>= 1;
            }
        } else {
            tc_hist_node_hash(sr, sr, c);
        }
        fn >>= 1;
        sn >>= 1;
    }
    /* Step 7. */
    if (sn != 0 || memcmp(fr, old_root, TC_HIST_HASH_LEN) != 0 ||
        memcmp(sr, new_root, TC_HIST_HASH_LEN) != 0)
        return TC_ERR_MERKLE_PROOF;
    return 0;
}
