/* Message anchors with their digests (docs/ledger.md "Anchors"; issue 4):
 * the RFC 9162 Merkle tree over a batch of message digests whose root an
 * anchor transaction records. Leaf data = the 32-byte message digest, so
 * leaf hash = SHA-256(0x00 || digest) and node hash =
 * SHA-256(0x01 || left || right) (include/tc/history.h): a device checks an
 * inclusion path with tc_hist_verify_inclusion(root, index, count, ...).
 *
 * Pure (core/anchor_tree.c): no allocation, stack only; every pointer is
 * borrowed for the call. A digest list is a flat array of n * 32 bytes. */
#ifndef TC_ANCHOR_H
#define TC_ANCHOR_H

#include <stddef.h>
#include <stdint.h>

#include "tc/errors.h"

#define TC_ANCHOR_DIGEST_LEN 32
#define TC_ANCHOR_DIGESTS_MAX 256u   /* TC_TX_LIST_MAX: digests in one anchor */
#define TC_ANCHOR_PATH_MAX 8u        /* ceil(log2(TC_ANCHOR_DIGESTS_MAX)) hashes */

/* RFC 9162 root over n (1..TC_ANCHOR_DIGESTS_MAX) digests. */
void tc_anchor_root(uint8_t root[32], const uint8_t *digests, size_t n);

/* RFC 9162 §2.1.3.1 inclusion path of digest `index` (< n): *path_len
 * hashes into path (room for TC_ANCHOR_PATH_MAX * 32 bytes), leaf end first. */
void tc_anchor_path(uint8_t path[TC_ANCHOR_PATH_MAX * 32], size_t *path_len, const uint8_t *digests,
                    size_t n, size_t index);

/* The digest list of a signed anchor transaction (type 40) carrying body
 * key 5, copied into digests (n * 32 bytes); root is body key 1.
 * TC_ERR_NOT_FOUND for any other transaction or an anchor without digests;
 * the transaction must be one the ledger accepted (shape checked again,
 * rules not). */
int tc_anchor_tx_digests(uint8_t digests[TC_ANCHOR_DIGESTS_MAX * 32], size_t *n, uint8_t root[32], const uint8_t *tx,
                         size_t tx_len);

#endif
