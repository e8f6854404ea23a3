/* The Merkle tree over an anchor's message digests (include/tc/anchor.h;
 * docs/ledger.md "Anchors"). RFC 9162 §2.1.1 computed bottom-up: pairing
 * neighbours level by level and carrying an odd last node up unchanged gives
 * exactly MTH's split at the largest power of two below n, and the siblings
 * met on the way up are PATH(m, D[n]) of §2.1.3.1 in its order (leaf end
 * first). At most 256 leaves: 8 KiB of stack. */
#include <string.h>

#include "tc/anchor.h"
#include "tc/cbor.h"
#include "tc/history.h"
#include "tc/tx.h"

static size_t leaves(uint8_t lv[TC_ANCHOR_DIGESTS_MAX][32], const uint8_t *digests, size_t n)
{
    for (size_t i = 0; i < n; i++) tc_hist_leaf_hash(lv[i], digests + 32 * i, 32);
    return n;
}

/* One level up; returns the new width. */
static size_t up(uint8_t lv[TC_ANCHOR_DIGESTS_MAX][32], size_t w)
{
    size_t o = 0;
    for (size_t i = 0; i + 1 < w; i += 2) tc_hist_node_hash(lv[o++], lv[i], lv[i + 1]);
    if (w & 1) memmove(lv[o++], lv[w - 1], 32);
    return o;
}

void tc_anchor_root(uint8_t root[32], const uint8_t *digests, size_t n)
{
    uint8_t lv[TC_ANCHOR_DIGESTS_MAX][32];
    if (n == 0 || n > TC_ANCHOR_DIGESTS_MAX) { tc_hist_empty_root(root); return; }
    size_t w = leaves(lv, digests, n);
    while (w > 1) w = up(lv, w);
    memcpy(root, lv[0], 32);
}

void tc_anchor_path(uint8_t path[TC_ANCHOR_PATH_MAX * 32], size_t *path_len, const uint8_t *digests,
                    size_t n, size_t index)
{
    uint8_t lv[TC_ANCHOR_DIGESTS_MAX][32];
    *path_len = 0;
    if (n == 0 || n > TC_ANCHOR_DIGESTS_MAX || index >= n) return;
    size_t w = leaves(lv, digests, n);
    while (w > 1) {
        size_t sib = index ^ 1;
        if (sib < w) memcpy(path + 32 * (*path_len)++, lv[sib], 32);
        /* else: index is the odd last node, carried up without a sibling */
        w = up(lv, w);
        index >>= 1;
    }
}

int tc_anchor_tx_digests(uint8_t digests[TC_ANCHOR_DIGESTS_MAX * 32], size_t *n, uint8_t root[32], const uint8_t *tx,
                         size_t tx_len)
{
    tc_tx t;
    tc_cbor_dec d;
    uint64_t pairs, key, cnt;
    const uint8_t *p;
    size_t pn;
    int have_root = 0;
    if (tc_tx_decode(&t, NULL, tx, tx_len) || t.type != TC_TX_ANCHOR) return TC_ERR_NOT_FOUND;
    if (tc_cbor_dec_init(&d, t.body, t.body_len, NULL) || tc_cbor_get_map(&d, &pairs)) return TC_ERR_NOT_FOUND;
    for (uint64_t i = 0; i < pairs; i++) {
        if (tc_cbor_get_uint(&d, &key)) return TC_ERR_NOT_FOUND;
        if (key == 1) {
            if (tc_cbor_get_bytes(&d, &p, &pn) || pn != 32) return TC_ERR_NOT_FOUND;
            memcpy(root, p, 32);
            have_root = 1;
        } else if (key == 5) {
            if (tc_cbor_get_array(&d, &cnt) || cnt == 0 || cnt > TC_ANCHOR_DIGESTS_MAX) return TC_ERR_NOT_FOUND;
            for (uint64_t j = 0; j < cnt; j++) {
                if (tc_cbor_get_bytes(&d, &p, &pn) || pn != 32) return TC_ERR_NOT_FOUND;
                memcpy(digests + 32 * j, p, 32);
            }
            *n = (size_t)cnt;
            return have_root ? 0 : TC_ERR_NOT_FOUND;
        } else if (tc_cbor_skip(&d)) {
            return TC_ERR_NOT_FOUND;
        }
    }
    return TC_ERR_NOT_FOUND;
}
