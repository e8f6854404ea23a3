/* Firmware chunk tree (docs/firmware.md "Chunk tree"; DESIGN.md, Ledger:
 * firmware). An image of `size` bytes is cut into chunks of `chunk_size`
 * bytes (the last one shorter when size is not a multiple); the chunk-tree
 * root is the RFC 9162 §2.1 Merkle tree hash with the chunks as leaves:
 *
 *   leaf   SHA-256(0x00 || chunk bytes)
 *   node   SHA-256(0x01 || left || right)
 *
 * exactly the hashing of the history tree (tc/history.h), so the inclusion
 * path of chunk i in the tree of n chunks is the RFC 9162 path, encoded as
 * tc_hist_inclusion_encode produces ([i, n, [* bstr .size 32]]) and checked
 * by the device-shared verifier in core/history_verify.c.
 *
 * Two halves:
 * 1. Device-shared (core/chunktree.c, tc:device-shared: C99, no allocation,
 *    no I/O): chunk arithmetic, a streaming root builder (the CLI and the
 *    node hash an image without holding it) and per-chunk verification.
 * 2. Node side (core/chunktree_path.c): the inclusion path of one chunk
 *    from the array of leaf hashes (what `GET .../firmware/<digest>/path/<i>`
 *    serves).
 * Every pointer is borrowed for the call only. */
#ifndef TC_CHUNKTREE_H
#define TC_CHUNKTREE_H

#include <stddef.h>
#include <stdint.h>

#include "tc/history.h"

/* Chunk sizes the ledger accepts in fw.release (docs/ledger.md). */
#define TC_CHUNK_MIN 64u
#define TC_CHUNK_MAX (1u << 20)
/* At most 2^32 chunks: paths have at most 32 hashes, so a device verifies a
 * path with 1 KiB of stack. Larger images are refused (TC_ERR_FW_TOO_LARGE). */
#define TC_CHUNK_COUNT_MAX (1ull << 32)
#define TC_CHUNK_PATH_MAX 32
/* Longest encoded path: array(3), two uint64 heads, array head, 32 * 34. */
#define TC_CHUNK_PATH_CBOR_MAX (1 + 9 + 9 + 1 + TC_CHUNK_PATH_MAX * 34)

/* ---- device-shared: arithmetic ---- */

/* Number of chunks of an image: ceil(size / chunk_size). 0 when size is 0.
 * TC_ERR_INVALID_ARG when chunk_size is outside TC_CHUNK_MIN..TC_CHUNK_MAX,
 * TC_ERR_FW_TOO_LARGE when the count exceeds TC_CHUNK_COUNT_MAX. */
int tc_chunk_count(uint64_t *n, uint64_t size, uint32_t chunk_size);
/* Exact length of chunk `index` (< count): chunk_size except for the last. */
uint32_t tc_chunk_len(uint64_t size, uint32_t chunk_size, uint64_t index);

/* ---- device-shared: streaming root ---- */

/* The right frontier of the tree built so far: for each set bit k of n,
 * the root of a complete subtree of 2^k leaves. 2 KiB + 8 bytes; the caller
 * owns it (static, or heap on the node side). */
typedef struct tc_chunktree {
    uint64_t n;                               /* leaves added */
    uint8_t frontier[64][TC_HIST_HASH_LEN];   /* valid where bit k of n is set */
} tc_chunktree;

void tc_chunktree_init(tc_chunktree *t);
/* Adds the next leaf (one chunk's bytes, borrowed for the call). */
void tc_chunktree_add(tc_chunktree *t, const uint8_t *chunk, size_t len);
/* Adds a leaf whose hash (tc_hist_leaf_hash) is already known. */
void tc_chunktree_add_hash(tc_chunktree *t, const uint8_t leaf[TC_HIST_HASH_LEN]);
/* Root of the leaves added so far (the empty-tree hash when none). */
void tc_chunktree_root(const tc_chunktree *t, uint8_t root[TC_HIST_HASH_LEN]);

/* Root of a whole image in memory (image borrowed; len may be 0). */
int tc_chunktree_image_root(uint8_t root[TC_HIST_HASH_LEN], const uint8_t *image, size_t len,
                            uint32_t chunk_size);

/* ---- device-shared: verification ---- */

/* Verifies that chunk `index` of the tree of `count` chunks with `root`
 * has exactly these bytes, given its encoded inclusion path (path, path_len:
 * the CBOR of tc_hist_inclusion_encode). The path must name the same index
 * and count. leaf (may be NULL) receives the chunk's leaf hash.
 * 0, or TC_ERR_FW_CHUNK (the path is malformed, names another index or
 * count, or does not lead to root: the chunk or its path is not from this
 * release). The chunk length is the caller's to check (tc_chunk_len). */
int tc_chunk_verify(const uint8_t root[TC_HIST_HASH_LEN], uint64_t index, uint64_t count,
                    const uint8_t *chunk, size_t chunk_len, const uint8_t *path, size_t path_len,
                    uint8_t *leaf);

/* In-order verification with a cache (device-shared). Chunks arrive in
 * order; the path of chunk i-1, once it led to the root, authenticates
 * every node it names. Chunk i is the first leaf of the right child of the
 * lowest common ancestor of i-1 and i, whose hash is in that cached path:
 * so chunk i needs hashing only up to there (RFC 9162 §2.1.3.2 run on
 * that subtree), about 2 node hashes per chunk instead of log2(n). The
 * nodes above are the same for both chunks and stay cached.
 * The cache is caller-owned, ~1 KiB, not worth persisting: zero it (or
 * tc_chunk_cache_reset) before the first chunk and after a reset; any
 * chunk that does not follow the cached one is verified in full. */
typedef struct tc_chunk_cache {
    uint8_t root[TC_HIST_HASH_LEN];                   /* the tree it belongs to: a cache */
    uint64_t count;                                   /* of another release is never used */
    uint64_t index;                                   /* chunk whose path is cached */
    uint32_t n;                                       /* hashes in that path */
    uint32_t valid;
    uint8_t path[TC_CHUNK_PATH_MAX][TC_HIST_HASH_LEN]; /* top-down: path[d] = sibling at depth d */
} tc_chunk_cache;

void tc_chunk_cache_reset(tc_chunk_cache *c);
/* As tc_chunk_verify, using and refreshing cache (may be NULL: then
 * exactly tc_chunk_verify): 0 exactly when the bytes are chunk `index` of
 * the tree of root; path entries above the common ancestor, which the cache
 * already authenticates, are not looked at. */
int tc_chunk_verify_cached(tc_chunk_cache *cache, const uint8_t root[TC_HIST_HASH_LEN], uint64_t index,
                           uint64_t count, const uint8_t *chunk, size_t chunk_len, const uint8_t *path,
                           size_t path_len);

/* ---- node side ---- */

/* The RFC 9162 §2.1.3.1 path of leaf `index` among `count` leaf hashes
 * (leaves: count * 32 bytes, borrowed), encoded as tc_hist_inclusion_encode
 * does into out (cap bytes; TC_CHUNK_PATH_CBOR_MAX always suffices).
 * TC_ERR_MERKLE_INDEX unless index < count, TC_ERR_FW_TOO_LARGE for more
 * than TC_CHUNK_COUNT_MAX leaves, TC_ERR_BUFFER_TOO_SMALL. O(count) hashing. */
int tc_chunk_path(uint8_t *out, size_t cap, size_t *out_len, const uint8_t *leaves, uint64_t count,
                  uint64_t index);

#endif
