/* Deterministic CBOR as JSON for people (io/cbor_json.c): maps with
 * integer keys become objects keyed by the number's text, byte strings
 * hex, tags their content. Lossy on purpose (a view, not a codec): the
 * exact bytes travel beside it as hex wherever they matter. */
#ifndef TC_CBOR_JSON_H
#define TC_CBOR_JSON_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

/* A new JSON value, or NULL if p[0..n) is not one valid CBOR item. */
json_t *tc_cbor_to_json(const uint8_t *p, size_t n);

#endif
