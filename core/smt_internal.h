/* Internals shared by the node-side state-tree files (core/smt.c,
 * core/smt_read.c). Storage layout (docs/state-tree.md), all under "s":
 *   "sm"                        -> latest(8) || oldest(8)        meta
 *   "sr" || version(8)          -> ref (root of that version; none for 0)
 *   "sn" || id(12)              -> node
 *   "sx" || version(8) || n(4)  -> ids (12 bytes each) of nodes no longer
 *                                  referenced from `version` on (chunk n)
 * id = creating version(8) || sequence in that batch(4), big-endian, so new
 * nodes append at the end of the key space (cheap B-tree inserts).
 * ref  = type(1) || id(12) || hash(32)
 * node = 0x02 || key(32) || value(32)            leaf
 *      / 0x03 || left ref(45) || right ref(45)   internal */
#ifndef TC_SMT_INTERNAL_H
#define TC_SMT_INTERNAL_H

#include <stdint.h>

#include "tc/kv.h"
#include "tc/smt.h"

enum { SMT_EMPTY = 0, SMT_LEAF = 2, SMT_INTERNAL = 3 };
#define SMT_ID_LEN 12
#define SMT_REF_LEN (1 + SMT_ID_LEN + TC_SMT_HASH_LEN)
#define SMT_NODE_MAX (1 + 2 * SMT_REF_LEN)

typedef struct smt_ref {
    uint8_t type;
    uint8_t id[SMT_ID_LEN];
    uint8_t hash[TC_SMT_HASH_LEN];
} smt_ref;

typedef struct smt_node {
    uint8_t type;                 /* SMT_LEAF or SMT_INTERNAL */
    uint8_t key[TC_SMT_HASH_LEN]; /* leaf */
    uint8_t value[TC_SMT_HASH_LEN];
    smt_ref child[2];             /* internal */
} smt_node;

/* Node cache: direct-mapped by id, raw stored bytes. Node ids are never
 * reused (a rolled-back batch requires reopening the tree, which drops the
 * cache), so an entry can never be stale. The upper levels of the tree are
 * read by every batch and every proof; from SQLite they cost a statement
 * each. */
#define SMT_CACHE_SLOTS (1u << 16)
typedef struct smt_slot {
    uint8_t id[SMT_ID_LEN];
    uint8_t len;                  /* 0: empty */
    uint8_t raw[SMT_NODE_MAX];
} smt_slot;

struct tc_smt {
    tc_kv *kv;
    smt_slot *cache;              /* SMT_CACHE_SLOTS, or NULL (no memory) */
    uint32_t keep;
    uint64_t latest, oldest;
    int dry;                      /* tc_smt_set_dry_run */
};

void tc__smt_put_be64(uint8_t *p, uint64_t v);
uint64_t tc__smt_get_be64(const uint8_t *p);
void tc__smt_ref_encode(uint8_t out[SMT_REF_LEN], const smt_ref *r);
void tc__smt_ref_decode(smt_ref *r, const uint8_t in[SMT_REF_LEN]);
/* Remembers a stored node (its raw bytes) in the cache. */
void tc__smt_cache_put(tc_smt *t, const uint8_t id[SMT_ID_LEN], const uint8_t *raw, size_t len);
/* Reads node `id`; TC_ERR_CORRUPT if missing or malformed. */
int tc__smt_node_load(tc_smt *t, smt_node *n, const uint8_t id[SMT_ID_LEN]);
/* Root ref of a kept version; TC_ERR_SMT_VERSION otherwise. */
int tc__smt_root_ref(tc_smt *t, smt_ref *r, uint64_t version);

#endif
