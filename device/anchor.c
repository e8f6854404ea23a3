/* Anchoring proof of a message the device sent (include/tcdev/device.h
 * flow 6; DESIGN.md "messages: anchor records"). The batch is an RFC 9162
 * Merkle tree whose leaf data are the 32-byte message digests; the A record
 * at 'A' || root says how many (count), when (first, last), who submitted
 * and at which height. The path is checked against the root named by the
 * bundle's key before the bundle is verified, so st moves only on success. */
#include <assert.h>
#include <string.h>

#include "device_internal.h"
#include "tc/errors.h"
#include "tc/history.h"

int tcdev_anchor_verify(tcdev_light *st, tcdev_light_work *w, tcdev_anchor *out,
                        const uint8_t digest[32], const uint8_t *path, size_t path_len,
                        const uint8_t *a_bundle, size_t a_len, uint64_t now_ms)
{
    assert(st && out && digest && path && a_bundle);
    uint8_t hashes[TCDEV_ANCHOR_PATH_MAX * TC_HIST_HASH_LEN], lh[TC_HIST_HASH_LEN];
    tcdev_bundle b;
    tcdev__field f[6];
    const uint8_t *rec;
    size_t n, rec_len;
    int rc = tcdev_bundle_decode(&b, a_bundle, a_len);
    if (rc)
        return rc;
    if (b.kind != TCDEV_BUNDLE_STATE || b.key_len != 33 || b.key[0] != 'A')
        return TC_ERR_DEV_KEY;
    memset(out, 0, sizeof *out);
    memcpy(out->root, b.key + 1, 32);
    /* Any malformed or wrong path is one answer: it does not lead here. */
    if (tc_hist_inclusion_decode(&out->index, &out->count, hashes, TCDEV_ANCHOR_PATH_MAX, &n, path,
                                 path_len))
        return TC_ERR_DEV_ANCHOR_PATH;
    tc_hist_leaf_hash(lh, digest, 32);
    if (tc_hist_verify_inclusion(out->root, out->index, out->count, lh, hashes, n))
        return TC_ERR_DEV_ANCHOR_PATH;
    if ((rc = tcdev__proven(st, w, &rec, &rec_len, NULL, NULL, b.key, b.key_len, 0, a_bundle,
                            a_len, now_ms)))
        return rc;
    if (!rec)
        return TC_ERR_DEV_ABSENT;
    if ((rc = tcdev__fields(f, "UUUBUU", rec, rec_len)))
        return rc;
    /* The tree the path climbs must be the batch the ledger recorded. */
    if (f[0].u != out->count)
        return TC_ERR_DEV_ANCHOR_PATH;
    out->first_ms = f[1].u;
    out->last_ms = f[2].u;
    out->submitter = f[3].p;
    out->submitter_len = f[3].n;
    out->height = f[4].u;
    out->block_time_ms = f[5].u;
    return 0;
}
