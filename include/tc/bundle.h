/* Node side: building proof bundles for devices (docs/light-client.md
 * "Proof bundle"; the device checks them with tcdev_light_verify_bundle,
 * include/tcdev/light.h).
 *
 *   {1 header bstr, 2 certificate bstr, ?3 validator set bstr,
 *    4 kind uint (1 state, 2 history), 5 proof bstr, 6 key bstr,
 *    ?7 record bstr}
 *
 * The parts are opaque bytes here: the encoded header, its commit
 * certificate, the validator-set bytes (`[[pub, power], ...]`) when the set
 * changed, the proof as the tree produced it (tc_smt_prove or the CBOR of
 * tc_hist_inclusion_encode), the key (state key, or history leaf data) and
 * the record (state value, or transaction bytes). */
#ifndef TC_BUNDLE_H
#define TC_BUNDLE_H

#include <stddef.h>
#include <stdint.h>

#include "tc/block.h"
#include "tc/valset.h"

typedef struct tc_bundle_parts {
    unsigned kind;             /* 1 state, 2 history (TCDEV_BUNDLE_*) */
    tc_span header, cert;
    tc_span valset;            /* len 0: omitted (the device's set signs) */
    tc_span proof, key;
    const uint8_t *record;     /* NULL: omitted (absence proof, or no tx) */
    size_t record_len;
} tc_bundle_parts;

/* Encodes a bundle (all parts borrowed for the call). out NULL and cap 0
 * measure; TC_ERR_BUFFER_TOO_SMALL with *len set when cap is short. */
int tc_bundle_encode(uint8_t *out, size_t cap, size_t *len, const tc_bundle_parts *p);

/* Encodes a validator set as the ledger stores it (`[[pub, power], ...]`,
 * docs/ledger.md): the bytes whose SHA-256 is tc_valset_hash. */
int tc_valset_encode(uint8_t *out, size_t cap, size_t *len, const tc_valset *vs);

#endif
