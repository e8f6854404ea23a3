/* Firmware image chunk tree (docs/firmware-ops.md; formats fixed in
 * docs/ledger.md fw.release): the image is cut into chunks of `chunk size`
 * bytes (the last one shorter); the chunk-tree root is the RFC 9162 Merkle
 * tree hash with the chunks as leaves (leaf SHA-256(0x00 || chunk),
 * interior SHA-256(0x01 || l || r)), the hashing of include/tc/history.h.
 * The path of chunk i is its RFC 9162 inclusion proof, encoded as
 * tc_hist_inclusion_encode does.
 *
 * Until the shared chunk-tree module lands this computes roots and paths
 * with the history tree over an in-memory kv. Pointers are borrowed for
 * the call unless said otherwise. */
#ifndef TC_FWIMAGE_H
#define TC_FWIMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "tc/history.h"

#define TC_FW_CHUNK_MIN 64u
#define TC_FW_CHUNK_MAX (1u << 20)
#define TC_FW_CHUNK_DEFAULT 4096u

/* Number of chunks of an image of `size` bytes (0 for size 0). */
uint64_t tc_fwimage_nchunks(uint64_t size, uint32_t chunk_size);

/* Leaf hashes of every chunk of img: leaves has room for
 * tc_fwimage_nchunks(size, chunk_size) * 32 bytes. */
void tc_fwimage_leaves(uint8_t *leaves, const uint8_t *img, size_t size, uint32_t chunk_size);

/* A chunk tree built from n leaf hashes, able to give its root and any
 * chunk's path in O(log n). *out is owned by the caller: tc_fwtree_free. */
typedef struct tc_fwtree tc_fwtree;
int tc_fwtree_build(tc_fwtree **out, const uint8_t *leaves, uint64_t n);
void tc_fwtree_free(tc_fwtree *t);
void tc_fwtree_root(const tc_fwtree *t, uint8_t root[TC_HIST_HASH_LEN]);
uint64_t tc_fwtree_size(const tc_fwtree *t);
/* CBOR inclusion proof of chunk i (TC_HIST_PROOF_CBOR_MAX always fits). */
int tc_fwtree_path(tc_fwtree *t, uint8_t *out, size_t cap, size_t *out_len, uint64_t i);

/* Root of n leaf hashes in one call (n >= 1). */
int tc_fwimage_root(uint8_t root[TC_HIST_HASH_LEN], const uint8_t *leaves, uint64_t n);

#endif

/* ---- image declaration (io/fwmeta.c; docs/firmware-ops.md, Node API) ----
 * The JSON body of POST /v1/firmware/D: {"size": N, "chunk_size": N,
 * "root": 64 hex, "leaves": 64 hex per chunk}. Parsing checks the shape
 * and ranges (size >= 1, chunk size 64..1 MiB, leaf count =
 * ceil(size / chunk size)); the root is checked by the chunk store. */
typedef struct tc_fwmeta {
    uint64_t size;
    uint32_t chunk_size;
    uint8_t root[TC_HIST_HASH_LEN];
    uint8_t *leaves;   /* n * 32 bytes, tc_malloc'd: owned by the caller (tc_free) */
    uint64_t n;
} tc_fwmeta;

struct tc_err;
/* 0 or TC_ERR_FW_IMAGE_META (err says what is wrong), TC_ERR_NOMEM.
 * On error out->leaves is NULL. */
int tc_fwmeta_parse(tc_fwmeta *out, struct tc_err *err, const uint8_t *json, size_t len);
