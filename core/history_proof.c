/* Inclusion and consistency proofs from stored nodes (RFC 9162 §2.1.3.1
 * PATH and §2.1.4.1 PROOF/SUBPROOF), iteratively and top-down.
 *
 * Each step of the RFC's recursion contributes one subtree hash. A subtree
 * left of the split is complete: one stored node. A subtree right of the
 * split may be incomplete, but only the first "go left" step can meet one
 * (below it every subtree is complete), so a proof costs at most
 * 64 + popcount(size) reads. The RFC lists hashes from the leaf end, the
 * reverse of the order the loop finds them, hence the final reversal. */
#include <string.h>

#include "history_internal.h"
#include "tc/errors.h"
#include "tc/history.h"

static void reverse(uint8_t *hashes, size_t n)
{
    uint8_t t[TC_HIST_HASH_LEN];
    for (size_t i = 0, j = n; i + 1 < j; i++, j--) {
        uint8_t *a = hashes + i * TC_HIST_HASH_LEN, *b = hashes + (j - 1) * TC_HIST_HASH_LEN;
        memcpy(t, a, TC_HIST_HASH_LEN);
        memcpy(a, b, TC_HIST_HASH_LEN);
        memcpy(b, t, TC_HIST_HASH_LEN);
    }
}

static int check_stored(tc_hist *h, uint64_t size)
{
    if (size > tc_hist_size(h)) return TC_ERR_MERKLE_INDEX;
    if (size > tc_hist_stored_size(h)) return TC_ERR_STATE; /* flush first */
    return 0;
}

int tc_hist_prove_inclusion(tc_hist *h, uint8_t *out, size_t cap, size_t *n, uint64_t index,
                            uint64_t size)
{
    size_t want;
    int rc = tc_hist_inclusion_len(&want, index, size);
    if (rc) return rc;
    if ((rc = check_stored(h, size)) != 0) return rc;
    if (cap < want) return TC_ERR_BUFFER_TOO_SMALL;

    /* PATH(m, D[a : a+sz]) */
    uint64_t a = 0, sz = size, m = index;
    size_t count = 0;
    while (sz > 1) {
        uint64_t k = tc__hist_split(sz);
        uint8_t *dst = out + count++ * TC_HIST_HASH_LEN;
        if (m < k) { /* PATH(m, D[0:k]) : MTH(D[k:n]) */
            rc = tc__hist_range_hash(h, dst, a + k, sz - k);
            sz = k;
        } else { /* PATH(m - k, D[k:n]) : MTH(D[0:k]) */
            rc = tc__hist_range_hash(h, dst, a, k);
            a += k;
            m -= k;
            sz -= k;
        }
        if (rc) return rc;
    }
    reverse(out, count);
    *n = count;
    return 0;
}

int tc_hist_prove_consistency(tc_hist *h, uint8_t *out, size_t cap, size_t *n, uint64_t old,
                              uint64_t size)
{
    size_t want;
    int rc = tc_hist_consistency_len(&want, old, size);
    if (rc) return rc;
    if ((rc = check_stored(h, size)) != 0) return rc;
    if (cap < want) return TC_ERR_BUFFER_TOO_SMALL;
    *n = 0;
    if (old == 0 || old == size) return 0; /* empty proofs (see the verifier) */

    /* SUBPROOF(m, D[a : a+sz], whole) */
    uint64_t a = 0, sz = size, m = old;
    int whole = 1;
    size_t count = 0;
    for (;;) {
        uint8_t *dst = out + count * TC_HIST_HASH_LEN;
        if (m == sz) {
            if (whole) break; /* the verifier knows MTH(D[0:m]): it is the old root */
            if ((rc = tc__hist_range_hash(h, dst, a, sz)) != 0) return rc;
            count++;
            break;
        }
        uint64_t k = tc__hist_split(sz);
        if (m <= k) { /* SUBPROOF(m, D[0:k], b) : MTH(D[k:n]) */
            rc = tc__hist_range_hash(h, dst, a + k, sz - k);
            sz = k;
        } else { /* SUBPROOF(m - k, D[k:n], false) : MTH(D[0:k]) */
            rc = tc__hist_range_hash(h, dst, a, k);
            a += k;
            m -= k;
            sz -= k;
            whole = 0;
        }
        if (rc) return rc;
        count++;
    }
    reverse(out, count);
    *n = count;
    return 0;
}
