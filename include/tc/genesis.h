/* The genesis document (DESIGN.md, Trust model; docs/ledger.md, "Genesis").
 *
 * Deterministic CBOR map:
 *   {1: chain id (text, 1-64 bytes), 2: genesis time (ms since the epoch),
 *    3: validators [[Ed25519 key, voting power], ...],
 *    4: governance key set {1: k, 2: [key, ...]},
 *    5: organizations [{1: id, 2: name, 3: roles, 4: admin key set}, ...]}
 * SHA-256 of these bytes is the genesis hash: the devices' trust anchor and
 * block 1's previous-header hash. A JSON form for people is converted by the
 * CLI (cli/); the core only knows the CBOR.
 *
 * Ownership: tc_genesis points into the caller's document (borrowed). */
#ifndef TC_GENESIS_H
#define TC_GENESIS_H

#include <stddef.h>
#include <stdint.h>

#include "tc/crypto.h"
#include "tc/errors.h"
#include "tc/state.h"
#include "tc/valset.h"

#define TC_GENESIS_MAX (256u * 1024u)
#define TC_GENESIS_ORGS_MAX 256u

typedef struct tc_genesis {
    const uint8_t *chain_id;   /* text, not NUL-terminated */
    size_t chain_id_len;
    uint64_t time_ms;
    const uint8_t *validators; /* raw CBOR array [[pub, power], ...] */
    size_t validators_len;
    const uint8_t *gov_keys;   /* raw CBOR key set */
    size_t gov_keys_len;
    const uint8_t *orgs;       /* raw CBOR array of org maps */
    size_t orgs_len;
} tc_genesis;

/* Decodes and validates a whole genesis document (keys valid, thresholds
 * sane, org ids distinct): 0 or TC_ERR_LEDGER_GENESIS / _BAD_KEY / _KEYSET. */
int tc_genesis_decode(tc_genesis *g, tc_err *err, const uint8_t *doc, size_t len);

/* SHA-256 of the document bytes. */
void tc_genesis_hash(uint8_t out[TC_SHA256_LEN], const uint8_t *doc, size_t len);

/* The validator set of height 1. */
int tc_genesis_valset(tc_valset *vs, tc_err *err, const tc_genesis *g);

/* Writes the initial state into st (inside the caller's tc_state_tx_begin/
 * commit): chain metadata 'M', validator set 'V' at height 1, the
 * governance key set, and each organization with its admin key set. */
int tc_genesis_apply(tc_state *st, tc_err *err, const uint8_t *doc, size_t len);

/* ---- builder (CLI, tests) ---- */
typedef struct tc_genesis_org {
    uint64_t id;
    const char *name;                      /* NUL-terminated */
    uint32_t roles;                        /* TC_ROLE_* bits */
    uint32_t k;
    size_t n;
    const uint8_t (*pubs)[TC_ED25519_PUB_LEN];
} tc_genesis_org;

typedef struct tc_genesis_spec {
    const char *chain_id;                  /* NUL-terminated */
    uint64_t time_ms;
    size_t nval;
    const uint8_t (*val_pubs)[TC_ED25519_PUB_LEN];
    const uint64_t *val_power;
    uint32_t gov_k;
    size_t gov_n;
    const uint8_t (*gov_pubs)[TC_ED25519_PUB_LEN];
    size_t norgs;
    const tc_genesis_org *orgs;            /* sorted by nothing: written as given */
} tc_genesis_spec;

/* Encodes spec; TC_ERR_BUFFER_TOO_SMALL with *len = size needed. The result
 * is not validated: pass it through tc_genesis_decode. */
int tc_genesis_encode(uint8_t *out, size_t cap, size_t *len, const tc_genesis_spec *spec);

#endif
