/* Shared internals of the ledger rules (core/ledger_*.c, core/records*.c).
 * State keys and record layouts are documented in docs/ledger.md. */
#ifndef TC_LEDGER_INTERNAL_H
#define TC_LEDGER_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "tc/cbor.h"
#include "tc/errors.h"
#include "tc/ledger.h"
#include "tc/state.h"
#include "tc/tx.h"

/* ---- state key prefixes (docs/ledger.md, "State keys") ---- */
#define TC_K_META     'M' /* chain metadata */
#define TC_K_NONCE    'N' /* + signer */
#define TC_K_KEYSET   'K' /* + key-set signer (0x02 | 0x03 org role) */
#define TC_K_ORG      'O' /* + org id (8) */
#define TC_K_VALSET   'V' /* + effective height (8) */
#define TC_K_DEVICE   'D' /* + device id (16) */
#define TC_K_KEYIDX   'k' /* + key id (16) -> device id */
#define TC_K_ROTATION 'T' /* + device id (16) */
#define TC_K_SERVICE  'S' /* + device id (16) + service name */
#define TC_K_POLICY   'C' /* + org (8) + policy id (16) */
#define TC_K_ANCHOR   'A' /* + root (32) */
#define TC_K_CONFIG   'G' /* + org (8) + document id (16) */
#define TC_K_CFGREP   'g' /* + device (16) + org (8) + document id (16) */
#define TC_K_RELEASE  'F' /* + vendor (8) + model hash (16) + version (8) */
#define TC_K_LATEST   'f' /* + vendor (8) + model hash (16) */
#define TC_K_ROLLOUT  'R' /* + org (8) + rollout id (8) */
#define TC_K_FWREP    'r' /* + device (16) */

/* Big buffer for one record; every record fits TC_STATE_VALUE_MAX. */
#define TC_REC_MAX 4096u

/* Who signed (resolved and authenticated by the dispatcher). */
typedef struct tc__who {
    uint8_t kind;                     /* TC_SIGNER_* */
    uint8_t dev[TC_DEVICE_ID_LEN];    /* device signer */
    uint64_t org;                     /* org key-set signer */
    uint8_t role;                     /* TC_KEYS_* */
} tc__who;

/* Everything a rule sees. */
typedef struct tc__rx {
    tc_state *st;
    tc_err *err;
    const tc_tx *tx;
    const tc_block_ctx *blk;
    tc__who who;
} tc__rx;

/* Capability entry points: body already inside tx; return 0 or a code. */
int tc__gov_apply(tc__rx *rx);
int tc__identity_apply(tc__rx *rx);
int tc__discovery_apply(tc__rx *rx);
int tc__comm_apply(tc__rx *rx);
int tc__anchor_apply(tc__rx *rx);
int tc__config_apply(tc__rx *rx);
int tc__firmware_apply(tc__rx *rx);

/* Governance pieces genesis reuses (core/ledger_gov.c): an org registration
 * body {1: id, 2: name, 3: roles, 4: admin keys}; a validator list
 * [[pub, power], ...]. */
int tc__gov_register_org_body(tc__rx *rx, const uint8_t *p, size_t n);
int tc__valset_check(tc_err *err, const uint8_t *p, size_t n);

/* ---- body field decoding (core/records_fields.c) ---- */
enum { TC_F_UINT, TC_F_BYTES, TC_F_TEXT, TC_F_BOOL, TC_F_ARRAY, TC_F_MAP };
typedef struct tc__fdesc {
    uint64_t key;
    uint8_t type;
    uint8_t required;
    uint64_t min, max; /* value range (uint), length (bytes/text), entries (array/map) */
    const char *name;
} tc__fdesc;
typedef struct tc__fval {
    int present;
    uint64_t u;          /* uint, bool, or entry count */
    const uint8_t *p;    /* bytes/text contents, or the raw item for array/map */
    size_t n;
} tc__fval;
/* Reads one map at d with keys from desc (ascending); unknown keys,
 * missing required keys, wrong types and out-of-range values are
 * TC_ERR_LEDGER_MALFORMED (or _OVERSIZE for too-long strings/lists). */
int tc__fields_get(tc_err *err, tc_cbor_dec *d, const tc__fdesc *desc, size_t nd, tc__fval *out);
int tc__fields_decode(tc_err *err, const uint8_t *buf, size_t len, const tc__fdesc *desc,
                      size_t nd, tc__fval *out);
/* Decoder over a raw item (re-validated). */
int tc__dec_raw(tc_err *err, tc_cbor_dec *d, const uint8_t *p, size_t n);
/* Checks a raw array of texts: each 1..TC_TX_NAME_MAX bytes, no duplicates. */
int tc__check_names(tc_err *err, const uint8_t *p, size_t n, const char *what);
/* Same with another length limit per entry. */
int tc__check_texts(tc_err *err, const uint8_t *p, size_t n, const char *what, size_t max_len);
/* Checks a raw map text -> text (key <= TC_TX_NAME_MAX, value <= TC_TX_STR_MAX). */
int tc__check_attrs(tc_err *err, const uint8_t *p, size_t n, const char *what);
/* Is name (text) in a raw array of texts? */
int tc__names_contain(const uint8_t *arr, size_t arr_len, const uint8_t *name, size_t name_len);

/* ---- state helpers (core/records_state.c) ---- */
void tc__be64(uint8_t out[8], uint64_t v);
uint64_t tc__get_be64(const uint8_t in[8]);
/* 0, TC_ERR_NOT_FOUND, or another error with err set. */
int tc__st_get(tc__rx *rx, uint8_t *val, size_t cap, size_t *len, const uint8_t *key, size_t klen);
int tc__st_put(tc__rx *rx, const uint8_t *key, size_t klen, const uint8_t *val, size_t vlen);
int tc__st_del(tc__rx *rx, const uint8_t *key, size_t klen);
/* Encoder result -> state put. */
int tc__st_put_enc(tc__rx *rx, const uint8_t *key, size_t klen, const tc_cbor_enc *e);

/* ---- key sets (core/records_state.c) ---- */
typedef struct tc__keyset {
    uint32_t k;
    size_t n;
    uint8_t pub[TC_TX_SIGS_MAX][TC_ED25519_PUB_LEN];
} tc__keyset;
/* Map {1: k, 2: [pub, ...]}: 1 <= k <= n <= 16, keys valid and distinct
 * (TC_ERR_LEDGER_KEYSET / TC_ERR_LEDGER_BAD_KEY). */
int tc__keyset_decode(tc_err *err, tc__keyset *ks, const uint8_t *p, size_t n);
void tc__keyset_encode(tc_cbor_enc *e, const tc__keyset *ks);
/* Loads the key set named by a key-set signer; TC_ERR_LEDGER_UNKNOWN_SIGNER. */
int tc__keyset_load(tc__rx *rx, tc__keyset *ks, const uint8_t *signer, size_t signer_len);
int tc__keyset_store(tc__rx *rx, const uint8_t *signer, size_t signer_len, const tc__keyset *ks);

/* ---- organizations (core/records_org.c) ---- */
typedef struct tc__org {
    const uint8_t *name;
    size_t name_len;
    uint32_t roles;
    uint64_t height;
} tc__org;
/* TC_ERR_LEDGER_UNKNOWN_ORG if absent. buf holds the record (TC_REC_MAX). */
int tc__org_load(tc__rx *rx, tc__org *o, uint8_t *buf, uint64_t org_id);
int tc__org_store(tc__rx *rx, uint64_t org_id, const tc__org *o);
/* Signer must be org's admin key set (TC_ERR_LEDGER_UNAUTHORIZED) and the org
 * must hold every role in need (TC_ERR_LEDGER_ROLE). */
int tc__require_org_keys(tc__rx *rx, uint64_t org, uint8_t keys, uint32_t need, const char *what);

/* ---- devices (core/records_device.c) ---- */
enum { TC_DEV_ACTIVE = 0, TC_DEV_SUSPENDED = 1, TC_DEV_REVOKED = 2 };
typedef struct tc__device {
    uint8_t ed[TC_ED25519_PUB_LEN];
    uint8_t x[TC_X25519_LEN];
    const uint8_t *model; size_t model_len;
    const uint8_t *serial; size_t serial_len;
    int has_claim;
    uint8_t claim_pub[TC_ED25519_PUB_LEN]; /* one-time claim key (tc_claim_key) */
    uint64_t maker, owner;            /* org ids; owner 0 = unclaimed */
    uint32_t status;
    const uint8_t *attrs; size_t attrs_len;   /* raw map text -> text */
    const uint8_t *groups; size_t groups_len; /* raw array of text */
    uint64_t height;                  /* recorded at */
    uint64_t key_epoch;               /* rotations so far */
} tc__device;
/* TC_ERR_LEDGER_UNKNOWN_DEVICE if absent. buf: TC_REC_MAX bytes. */
int tc__device_load(tc__rx *rx, tc__device *dv, uint8_t *buf, const uint8_t id[TC_DEVICE_ID_LEN]);
int tc__device_store(tc__rx *rx, const uint8_t id[TC_DEVICE_ID_LEN], const tc__device *dv);
/* Loads a device that must be active: _REVOKED / _SUSPENDED otherwise. */
int tc__device_load_active(tc__rx *rx, tc__device *dv, uint8_t *buf, const uint8_t id[TC_DEVICE_ID_LEN]);
/* Signer is the device itself, or its owner org's admin key set. */
int tc__device_signer_or_owner(tc__rx *rx, const tc__device *dv, const uint8_t id[TC_DEVICE_ID_LEN]);

#endif
