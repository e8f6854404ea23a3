/* Queries over a committed snapshot (issue 4 item 6; docs/store.md
 * "Queries"). Every answer is a state record (state key -> value) that can
 * come with its state-tree proof against the state root of the height
 * asked for, so a device checks it against a quorum-signed header.
 *
 * Lists (devices by owner, model, attribute, group; services by type and
 * attribute) come from index tables the store fills at commit from each
 * block's write-set (io/store_state.c), versioned by height so a list is
 * exactly the one in force at the height asked for. Index entries are
 * derived from the records by tc_query_index_record (core/query_index.c),
 * a pure function of (state key, value).
 *
 * Record formats and state keys are the ledger's (docs/ledger.md). */
#ifndef TC_QUERY_H
#define TC_QUERY_H

#include <stddef.h>
#include <stdint.h>

#include "tc/state.h"
#include "tc/tx.h"

struct tc_store;

/* Index kinds (stable: stored in the idx table). */
enum tc_index_kind {
    TC_IDX_DEV_OWNER = 1,  /* ikey: owner org id, 8 bytes big endian (0 = unclaimed) */
    TC_IDX_DEV_MODEL = 2,  /* ikey: model text */
    TC_IDX_DEV_ATTR = 3,   /* ikey: attribute name || 0x00 || value */
    TC_IDX_DEV_GROUP = 4,  /* ikey: group name */
    TC_IDX_DEV_MAKER = 5,  /* ikey: manufacturer org id, 8 bytes big endian */
    TC_IDX_DEV_STATUS = 6, /* ikey: status, 1 byte */
    TC_IDX_SVC_TYPE = 7,   /* 'S' records; ikey: service type text */
    TC_IDX_SVC_ATTR = 8,   /* 'S' records; ikey: attribute name || 0x00 || value */
    TC_IDX_CFG_TARGET = 9, /* 'G' records; ikey: org (8 BE) || target kind (1) || target */
    TC_IDX_ROLLOUT_MODEL = 10, /* 'R' records; ikey: org (8 BE) || model */
    TC_IDX_FW_REPORT = 11, /* 'r' records; ikey: operator (8 BE) || rollout id (8 BE) */
};

#define TC_QUERY_IKEY_MAX (TC_TX_NAME_MAX + 1 + TC_TX_STR_MAX)
#define TC_QUERY_PAGE_MAX 256

/* ---- pure: which records are indexed, and under what ---- */
typedef int (*tc_query_emit_fn)(void *ctx, uint32_t kind, const uint8_t *ikey, size_t ikey_len);
/* Non-zero if records under this state key carry index entries. */
int tc_query_indexed(const uint8_t *key, size_t key_len);
/* Emits the index entries of one record (none for a record it cannot
 * decode: the rules wrote it, a decode failure is a format change). */
int tc_query_index_record(const uint8_t *key, size_t key_len, const uint8_t *val, size_t val_len,
                          tc_query_emit_fn emit, void *ctx);
/* Index key of an attribute pair: name || 0x00 || value. *n is its length;
 * TC_ERR_LIMIT if it does not fit TC_QUERY_IKEY_MAX. */
int tc_query_attr_ikey(uint8_t out[TC_QUERY_IKEY_MAX], size_t *n, const char *name,
                       size_t name_len, const char *value, size_t value_len);

/* ---- over the store (io/query.c) ---- */

/* One page of state keys in bytewise order. */
typedef struct tc_query_page {
    size_t n;
    int more;                                   /* a next page exists */
    uint8_t key[TC_QUERY_PAGE_MAX][TC_STATE_KEY_MAX];
    size_t key_len[TC_QUERY_PAGE_MAX];
} tc_query_page;

/* Records listed under (kind, ikey) at `height`, keys strictly after
 * `after` (NULL for the first page; pass the last key of the previous page
 * to continue), at most limit (<= TC_QUERY_PAGE_MAX). */
int tc_query_list(struct tc_store *s, tc_query_page *page, uint64_t height, uint32_t kind,
                  const uint8_t *ikey, size_t ikey_len, const uint8_t *after, size_t after_len,
                  size_t limit);

/* A record and its proof at height: *val_len and *proof_len are set;
 * TC_ERR_NOT_FOUND when absent (the proof, if proof != NULL, then proves
 * absence). proof NULL: no proof. */
int tc_query_record(struct tc_store *s, uint8_t *val, size_t cap, size_t *val_len,
                    uint8_t *proof, size_t proof_cap, size_t *proof_len, uint64_t height,
                    const uint8_t *key, size_t key_len);
/* Device record by id ('D' || id). */
int tc_query_device(struct tc_store *s, uint8_t *val, size_t cap, size_t *val_len,
                    uint8_t *proof, size_t proof_cap, size_t *proof_len, uint64_t height,
                    const uint8_t id[TC_DEVICE_ID_LEN]);

/* ---- ledger queries (io/query_ledger.c; docs/store.md "Queries") ----
 * Each answers with state keys; every key's value and its proof against
 * the height's state root come from tc_query_record, so a device checks an
 * answer against a quorum-signed header. Answers that depend on the device
 * record (config, firmware) also need tc_query_device at the same height. */

/* Block time (ms) of a committed height; genesis (0) gives 0. */
int tc_query_time(struct tc_store *s, uint64_t *time_ms, uint64_t height);

/* Services listed under kind (TC_IDX_SVC_TYPE or TC_IDX_SVC_ATTR) and ikey
 * at height, paged like tc_query_list, leaving out services whose expiry
 * is at or before that height's block time. */
int tc_query_services(struct tc_store *s, tc_query_page *page, uint64_t height, uint32_t kind,
                      const uint8_t *ikey, size_t ikey_len, const uint8_t *after, size_t after_len,
                      size_t limit);

/* Config documents applicable to a device at height: the documents of the
 * device's owner (an operator) targeting the device, one of its groups or
 * its model, not expired at the height's time, ONE per document name, by
 * precedence device > group (earlier in the device's group list first) >
 * model. Keys in that precedence order; page->more if more than
 * TC_QUERY_PAGE_MAX names apply. TC_ERR_NOT_FOUND: no such device. */
int tc_query_config(struct tc_store *s, tc_query_page *page, uint64_t height,
                    const uint8_t id[TC_DEVICE_ID_LEN]);

/* The firmware release applicable to a device at height. */
typedef struct tc_query_fw {
    uint64_t version;
    uint8_t release_key[1 + 8 + 16 + 8];  /* 'F' + vendor + SHA-256(model)[0..16] + version */
    uint8_t rollout_key[1 + 8 + 8];       /* 'R' + operator + rollout id */
} tc_query_fw;
/* Among the owner's rollouts for the device's model that are active (not
 * paused, not aborted) and whose started waves (0..current) hold one of
 * the device's groups: the highest release that is not revoked, not expired
 * at the height's time, above current_version and whose minimum prior
 * version is <= current_version. TC_ERR_NOT_FOUND if none (or no device). */
int tc_query_firmware(struct tc_store *s, tc_query_fw *out, uint64_t height,
                      const uint8_t id[TC_DEVICE_ID_LEN], uint64_t current_version);

/* Per-wave counts of device reports ('r' records) for a rollout at height.
 * A device counts in the first wave holding one of its groups (at that
 * height), or in `unassigned`. Reports are the devices' latest ones: a
 * device that reported for another rollout since no longer counts. The
 * evidence is the rollout record and the 'r' records listed under
 * TC_IDX_FW_REPORT, operator || rollout id. */
#define TC_QUERY_WAVES_MAX 16
typedef struct tc_query_rollout {
    uint64_t waves, current, status, version;
    uint64_t count[TC_QUERY_WAVES_MAX][3];  /* [wave][state - 1]: downloading, installed, failed */
    uint64_t unassigned[3];
    uint64_t reports;
} tc_query_rollout;
int tc_query_rollout_status(struct tc_store *s, tc_query_rollout *out, uint64_t height,
                            uint64_t org, uint64_t rollout_id);

/* Anchor record by its root ('A' + root) with its proof (io/query_anchor.c). */
int tc_query_anchor(struct tc_store *s, uint8_t *val, size_t cap, size_t *val_len,
                    uint8_t *proof, size_t proof_cap, size_t *proof_len, uint64_t height,
                    const uint8_t root[32]);

/* The anchor holding a message digest at height (anchors whose
 * transaction listed their digests, body key 5; docs/ledger.md). The
 * earliest such anchor at or below height wins. Proof of the message:
 * tc_hist_verify_inclusion(root, index, size, SHA-256(0x00 || digest),
 * path, path_len), then the record 'A' || root (key) and its state proof
 * from tc_query_anchor / tc_query_record at the same height.
 * TC_ERR_NOT_FOUND if no anchor at or below height lists the digest. */
typedef struct tc_query_anchor_hit {
    uint8_t key[1 + 32];       /* 'A' || root: the anchor record's state key */
    uint8_t root[32];
    uint64_t height;           /* block that anchored it */
    uint64_t index, size;      /* leaf index of the digest; number of digests */
    uint8_t path[8 * 32];      /* path_len (<= TC_ANCHOR_PATH_MAX) hashes, leaf end first */
    size_t path_len;
} tc_query_anchor_hit;
int tc_query_anchor_by_digest(struct tc_store *s, tc_query_anchor_hit *out, uint64_t height,
                              const uint8_t digest[32]);

#endif
