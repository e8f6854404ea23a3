/* Deterministic CBOR as JSON for people (include/tc/cbor_json.h): a
 * generic view — maps become objects keyed by the key's text (the ledger's
 * records use small integer keys, docs/ledger.md names them), byte strings
 * become hex, tags are dropped to their content, floats stay numbers.
 * Used by the node's API and the CLI. */
#include "tc/cbor_json.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "tc/cbor.h"
#include "tc/hex.h"

static json_t *hexj(const uint8_t *p, size_t n)
{
    char *s = malloc(2 * n + 1);
    if (!s)
        return NULL;
    tc_hex_encode(s, p, n);
    json_t *j = json_string(s);
    free(s);
    return j;
}

static json_t *item(tc_cbor_dec *d, int depth);

static json_t *map_key(tc_cbor_dec *d)
{
    tc_cbor_type t;
    if (tc_cbor_peek(d, &t))
        return NULL;
    uint64_t u;
    int64_t i;
    const char *s;
    size_t n;
    char buf[32];
    if (t == TC_CBOR_UINT && !tc_cbor_get_uint(d, &u)) {
        snprintf(buf, sizeof buf, "%llu", (unsigned long long)u);
        return json_string(buf);
    }
    if (t == TC_CBOR_NEGINT && !tc_cbor_get_int(d, &i)) {
        snprintf(buf, sizeof buf, "%lld", (long long)i);
        return json_string(buf);
    }
    if (t == TC_CBOR_TEXT && !tc_cbor_get_text(d, &s, &n))
        return json_stringn(s, n);
    return item(d, 1);
}

static json_t *item(tc_cbor_dec *d, int depth)
{
    tc_cbor_type t;
    if (depth > TC_CBOR_DEFAULT_DEPTH || tc_cbor_peek(d, &t))
        return NULL;
    uint64_t u, n;
    int64_t i;
    const uint8_t *b;
    const char *s;
    size_t len;
    int v;
    switch (t) {
    case TC_CBOR_UINT:
        if (tc_cbor_get_uint(d, &u)) return NULL;
        return u > INT64_MAX ? json_real((double)u) : json_integer((json_int_t)u);
    case TC_CBOR_NEGINT:
        if (tc_cbor_get_int(d, &i)) return NULL;
        return json_integer(i);
    case TC_CBOR_BYTES:
        if (tc_cbor_get_bytes(d, &b, &len)) return NULL;
        return hexj(b, len);
    case TC_CBOR_TEXT:
        if (tc_cbor_get_text(d, &s, &len)) return NULL;
        return json_stringn(s, len);
    case TC_CBOR_ARRAY: {
        if (tc_cbor_get_array(d, &n)) return NULL;
        json_t *a = json_array();
        for (uint64_t k = 0; k < n; k++) {
            json_t *e = item(d, depth + 1);
            if (!e) { json_decref(a); return NULL; }
            json_array_append_new(a, e);
        }
        return a;
    }
    case TC_CBOR_MAP: {
        if (tc_cbor_get_map(d, &n)) return NULL;
        json_t *o = json_object();
        for (uint64_t k = 0; k < n; k++) {
            json_t *key = map_key(d);
            json_t *val = key ? item(d, depth + 1) : NULL;
            if (!val || !json_is_string(key)) { json_decref(key); json_decref(val); json_decref(o); return NULL; }
            json_object_set_new(o, json_string_value(key), val);
            json_decref(key);
        }
        return o;
    }
    case TC_CBOR_TAG:
        if (tc_cbor_get_tag(d, &u)) return NULL;
        return item(d, depth + 1);
    case TC_CBOR_SIMPLE: {
        uint8_t sv;
        if (tc_cbor_get_simple(d, &sv)) return NULL;
        v = sv;
        return v == 20 ? json_false() : v == 21 ? json_true() : json_null();
    }
    case TC_CBOR_FLOAT: {
        double f;
        if (tc_cbor_get_float(d, &f)) return NULL;
        return json_real(f);
    }
    default:
        return NULL;
    }
}

json_t *tc_cbor_to_json(const uint8_t *p, size_t n)
{
    tc_cbor_dec d;
    if (tc_cbor_dec_init(&d, p, n, NULL))
        return NULL;
    json_t *j = item(&d, 0);
    if (j && tc_cbor_dec_done(&d)) {
        json_decref(j);
        return NULL;
    }
    return j;
}

