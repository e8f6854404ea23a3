/* Verified queries for the CLI (cli/query_verify.c): the device light
 * client (include/tcdev/light.h) anchored on a genesis document, fed
 * with proof bundles fetched from a node — exactly what a device does. */
#ifndef TC_CLI_QUERY_VERIFY_H
#define TC_CLI_QUERY_VERIFY_H

#include <stddef.h>
#include <stdint.h>

#include "tc/errors.h"
#include "tcdev/light.h"

typedef struct qv {
    tcdev_light st;
    tcdev_light_work w;
    const char *node;  /* base URL (borrowed) */
    int timeout_ms;
} qv;

/* Anchors q on the genesis document at path: its hash, chain id and
 * validator set (the trust anchor a device is provisioned with). */
int qv_anchor(qv *q, tc_err *err, const char *genesis_path);

/* Verifies one bundle (borrowed) of the given kind (TCDEV_BUNDLE_*) and
 * that it answers for `key` (NULL: any key; for history bundles the first
 * key_len bytes of the leaf, i.e. the transaction id); *b describes it
 * (pointers borrow in). 0 or the TC_ERR_* of the first check that failed,
 * with err saying what. */
int qv_verify(qv *q, tc_err *err, tcdev_bundle *b, unsigned kind, const uint8_t *in, size_t len,
              const uint8_t *key, size_t key_len);

/* GET path from the node asking for a bundle. *out (tc_malloc'd, caller
 * frees) is the bundle; *found is 1 for 200, 0 for a 404 that carries an
 * absence bundle. Any other answer: TC_ERR_API_ANSWER with the node's
 * message in err. */
int qv_fetch(qv *q, tc_err *err, uint8_t **out, size_t *len, int *found, const char *path);

/* GET path as JSON (new reference in *out); non-2xx: TC_ERR_API_ANSWER. */
int qv_fetch_json(qv *q, tc_err *err, void **out, const char *path);

/* A new JSON object (json_t *, caller owns the reference) opening every
 * verified answer: "verified": "at height H", "height", "block_id". */
void *qv_json_head(const qv *q);

/* Wall clock in ms (the light client's freshness check). */
uint64_t qv_now_ms(void);

/* `query anchor --digest HEX` (cli/query_anchor.c): fetches
 * /v1/anchors/by-digest/HEX?format=bundle from `path` (or reads the saved
 * JSON answer `from`), verifies digest -> root (RFC 9162 path) -> state root
 * (A record's state proof) -> quorum-signed header with tcdev_anchor_verify,
 * prints it. save/from may be NULL. CLI_OK or CLI_FAIL (message printed). */
int qv_anchor_digest(qv *q, const char *path, const uint8_t digest[32], const char *save, const char *from,
                     int as_json);

#endif
