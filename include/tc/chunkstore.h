/* The node's firmware chunk store (DESIGN.md, Node: storage, "firmware
 * image chunks"; docs/firmware-ops.md): tables in the node's SQLite file,
 * written through a connection of their own, outside block commits.
 *
 *   chunks   content-addressed: leaf hash SHA-256(0x00 || chunk) -> bytes
 *   images   digest -> size, chunk size, chunk count, chunk-tree root,
 *            ordered leaf hashes, present (every chunk stored and the
 *            SHA-256 of the whole image equals the digest)
 *
 * Nothing here is trusted by devices (they verify chunks against the
 * ledger's release record); the checks keep a node from storing or serving
 * bytes that do not match what the uploader declared. Total chunk bytes
 * are bounded (fw_store_max_bytes): TC_ERR_FW_STORE_FULL past it.
 * Not thread-safe; pointers are borrowed for the call unless said. */
#ifndef TC_CHUNKSTORE_H
#define TC_CHUNKSTORE_H

#include <stddef.h>
#include <stdint.h>

#include "tc/errors.h"

typedef struct tc_chunkstore tc_chunkstore;

typedef struct tc_fwinfo {
    uint8_t digest[32];
    uint8_t root[32];
    uint64_t size;
    uint32_t chunk_size;
    uint64_t nchunks;
    uint64_t have;   /* chunks stored */
    int present;     /* all chunks stored and the digest checked */
} tc_fwinfo;

/* Opens (creating the tables) the store in the SQLite file at path.
 * *out is owned by the caller: tc_chunkstore_close. TC_ERR_STORE_OPEN. */
int tc_chunkstore_open(tc_chunkstore **out, tc_err *err, const char *path, uint64_t max_bytes);
void tc_chunkstore_close(tc_chunkstore *cs);
/* Bytes of chunk data stored (each distinct chunk once). */
uint64_t tc_chunkstore_bytes(const tc_chunkstore *cs);

/* Declares an image: leaves holds n leaf hashes (n * 32 bytes). Checks n
 * against size and chunk size and the root of the leaves against root
 * (TC_ERR_FW_IMAGE_META). Declaring the same image again is a no-op; a
 * different declaration for a known digest is TC_ERR_FW_IMAGE_META. */
int tc_chunkstore_put_image(tc_chunkstore *cs, tc_err *err, const uint8_t digest[32], uint64_t size,
                            uint32_t chunk_size, const uint8_t root[32], const uint8_t *leaves, uint64_t n);

/* Image metadata as last counted: O(1) for the image in use (uploads and
 * downloads go through one image at a time). TC_ERR_FW_IMAGE_UNKNOWN. */
int tc_chunkstore_info(tc_chunkstore *cs, tc_fwinfo *info, const uint8_t digest[32]);

/* Image metadata with `have` recounted, O(chunks) lookups. *leaves, when leaves is non-NULL, gets
 * the n leaf hashes, tc_malloc'd and owned by the caller. TC_ERR_FW_IMAGE_UNKNOWN. */
int tc_chunkstore_image(tc_chunkstore *cs, tc_fwinfo *info, uint8_t **leaves, const uint8_t digest[32]);

/* Stores chunk `index` of an image: its length must be the chunk's length
 * and its leaf hash the declared one (TC_ERR_FW_CHUNK_MISMATCH). When the
 * last missing chunk arrives the whole image is hashed against the digest
 * (TC_ERR_FW_DIGEST) and marked present. *stored (may be NULL) is 0 if the
 * chunk was already there. */
int tc_chunkstore_put_chunk(tc_chunkstore *cs, tc_err *err, int *stored, const uint8_t digest[32],
                            uint64_t index, const uint8_t *data, size_t len);

/* Whether chunk index of the image is stored. */
int tc_chunkstore_has_chunk(tc_chunkstore *cs, const uint8_t digest[32], uint64_t index);

/* Copies image bytes [off, off + len) into out. TC_ERR_FW_RANGE if past
 * the end, TC_ERR_FW_INCOMPLETE if a chunk in the range is missing. */
int tc_chunkstore_read(tc_chunkstore *cs, uint8_t *out, const uint8_t digest[32], uint64_t off, size_t len);

/* Removes an image and the chunks no other image uses. */
int tc_chunkstore_delete_image(tc_chunkstore *cs, const uint8_t digest[32]);

#endif
