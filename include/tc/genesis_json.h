/* The genesis document's JSON form for people (docs/ledger.md, "Genesis
 * JSON"), converted to and from the CBOR document (tc/genesis.h) with
 * jansson. Node-side I/O layer (io/genesis_json.c); the core knows only CBOR.
 *
 *   {"genesis_hash": "hex" (optional; output only, checked on input),
 *    "chain_id": "text", "genesis_time_ms": N,
 *    "validators": [{"pub": "hex32", "power": N}, ...],
 *    "governance": {"k": N, "keys": ["hex32", ...]},
 *    "organizations": [{"id": N, "name": "text",
 *                       "roles": ["operator" | "manufacturer" | "validator", ...],
 *                       "admin": {"k": N, "keys": ["hex32", ...]}}, ...]}
 * Unknown members are refused (what is built is what was written). */
#ifndef TC_GENESIS_JSON_H
#define TC_GENESIS_JSON_H

#include <stddef.h>
#include <stdint.h>

#include "tc/errors.h"

/* JSON text (json_len bytes) -> validated genesis CBOR. *out is tc_malloc'd
 * (the caller tc_free()s it). Errors: TC_ERR_LEDGER_GENESIS (bad JSON, with
 * line and column, or a wrong member; or genesis_hash not matching the
 * document), the codes of tc_genesis_decode, TC_ERR_NOMEM. */
int tc_genesis_from_json(uint8_t **out, size_t *out_len, tc_err *err, const char *json,
                         size_t json_len);

/* Genesis CBOR -> indented JSON text with "genesis_hash" first. *out is
 * malloc'd by jansson and NUL-terminated (the caller free()s it). Errors:
 * those of tc_genesis_decode, TC_ERR_NOMEM. */
int tc_genesis_to_json(char **out, tc_err *err, const uint8_t *doc, size_t len);

#endif
