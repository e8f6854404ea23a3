/* Node side of the firmware chunk tree (include/tc/chunktree.h): the root
 * of an image in memory (the CLI) and the inclusion path of one chunk from
 * the leaf hashes (served as `GET .../firmware/<digest>/path/<i>`).
 * Not device-shared: uses 2 KiB frontiers on the stack. */
#include <string.h>

#include "history_internal.h"
#include "tc/chunktree.h"
#include "tc/errors.h"

int tc_chunktree_image_root(uint8_t root[TC_HIST_HASH_LEN], const uint8_t *image, size_t len,
                            uint32_t chunk_size)
{
    tc_chunktree t;
    uint64_t n;
    int rc = tc_chunk_count(&n, len, chunk_size);
    if (rc) return rc;
    tc_chunktree_init(&t);
    for (uint64_t i = 0; i < n; i++)
        tc_chunktree_add(&t, image + i * chunk_size, tc_chunk_len(len, chunk_size, i));
    tc_chunktree_root(&t, root);
    return 0;
}

/* MTH(D[lo:lo+n]) from leaf hashes. */
static void range_root(uint8_t out[TC_HIST_HASH_LEN], const uint8_t *leaves, uint64_t lo, uint64_t n)
{
    tc_chunktree t;
    tc_chunktree_init(&t);
    for (uint64_t i = 0; i < n; i++) tc_chunktree_add_hash(&t, leaves + (lo + i) * TC_HIST_HASH_LEN);
    tc_chunktree_root(&t, out);
}

/* RFC 9162 §2.1.3.1: PATH(m, D[n]) = PATH(m, D[0:k]) : MTH(D[k:n]) when
 * m < k, else PATH(m - k, D[k:n]) : MTH(D[0:k]). Walked top-down, so the
 * siblings are found root end first and stored from the back. */
int tc_chunk_path(uint8_t *out, size_t cap, size_t *out_len, const uint8_t *leaves, uint64_t count,
                  uint64_t index)
{
    uint8_t path[TC_CHUNK_PATH_MAX * TC_HIST_HASH_LEN];
    size_t len;
    if (count > TC_CHUNK_COUNT_MAX) return TC_ERR_FW_TOO_LARGE;
    int rc = tc_hist_inclusion_len(&len, index, count);
    if (rc) return rc;
    uint64_t lo = 0, n = count, m = index;
    for (size_t i = len; i-- > 0;) {
        uint64_t k = tc__hist_split(n);
        uint8_t *sib = path + i * TC_HIST_HASH_LEN;
        if (m < k) {
            range_root(sib, leaves, lo + k, n - k);
            n = k;
        } else {
            range_root(sib, leaves, lo, k);
            lo += k;
            m -= k;
            n -= k;
        }
    }
    return tc_hist_inclusion_encode(out, cap, out_len, index, count, path, len);
}
