/* Deterministic CBOR encoder (RFC 8949 §4.2.1) into a caller buffer, with
 * sticky errors. tc:device-shared (C99, no allocation, no I/O) */
#include <assert.h>
#include <string.h>

#include "tc/cbor.h"
#include "tc/errors.h"
#include "cbor_priv.h"

void tc_cbor_limits_default(tc_cbor_limits *lim)
{
    assert(lim);
    lim->max_depth = TC_CBOR_DEFAULT_DEPTH;
    lim->max_str = UINT64_C(16) << 20;
    lim->max_items = 65536;
}

void tc_cbor_enc_init(tc_cbor_enc *e, uint8_t *buf, size_t cap)
{
    assert(e && (buf || cap == 0));
    e->buf = buf;
    e->cap = cap;
    e->len = 0;
    e->err = 0;
}

static void fail(tc_cbor_enc *e, int code)
{
    if (!e->err) e->err = code;
}

/* All output goes through here: in measure mode (buf NULL) only len grows. */
static void emit(tc_cbor_enc *e, const uint8_t *p, size_t n)
{
    if (e->err) return;
    if (n > SIZE_MAX - e->len) { fail(e, TC_ERR_LIMIT); return; }
    if (e->buf) {
        if (n > e->cap - e->len) { fail(e, TC_ERR_BUFFER_TOO_SMALL); return; }
        if (n) memcpy(e->buf + e->len, p, n);
    }
    e->len += n;
}

/* §4.2.1: "Arguments ... must be as short as possible": 0-23 in the initial
 * byte, then 1, 2, 4 or 8 bytes. */
static void head(tc_cbor_enc *e, int major, uint64_t v)
{
    uint8_t b[9];
    size_t n;
    uint8_t mt = (uint8_t)(major << 5);
    if (v < 24) { b[0] = (uint8_t)(mt | v); n = 1; }
    else if (v <= 0xff) { b[0] = mt | 24; n = 2; }
    else if (v <= 0xffff) { b[0] = mt | 25; n = 3; }
    else if (v <= 0xffffffffu) { b[0] = mt | 26; n = 5; }
    else { b[0] = mt | 27; n = 9; }
    for (size_t i = 1; i < n; i++) b[i] = (uint8_t)(v >> (8 * (n - 1 - i)));
    emit(e, b, n);
}

void tc_cbor_put_uint(tc_cbor_enc *e, uint64_t v) { head(e, 0, v); }

void tc_cbor_put_int(tc_cbor_enc *e, int64_t v)
{
    /* -1 - v without overflow for INT64_MIN: ~v as unsigned */
    if (v >= 0) head(e, 0, (uint64_t)v);
    else head(e, 1, ~(uint64_t)v);
}

void tc_cbor_put_negint(tc_cbor_enc *e, uint64_t n) { head(e, 1, n); }

void tc_cbor_put_bytes(tc_cbor_enc *e, const uint8_t *p, size_t n)
{
    assert(p || n == 0);
    head(e, 2, (uint64_t)n);
    emit(e, p, n);
}

void tc_cbor_put_text(tc_cbor_enc *e, const char *p, size_t n)
{
    assert(p || n == 0);
    if (n && !tc__cbor_utf8_valid((const uint8_t *)p, n)) { fail(e, TC_ERR_CBOR_UTF8); return; }
    head(e, 3, (uint64_t)n);
    emit(e, (const uint8_t *)p, n);
}

void tc_cbor_put_cstr(tc_cbor_enc *e, const char *s)
{
    assert(s);
    tc_cbor_put_text(e, s, strlen(s));
}

void tc_cbor_put_array(tc_cbor_enc *e, uint64_t n) { head(e, 4, n); }
void tc_cbor_put_map(tc_cbor_enc *e, uint64_t pairs) { head(e, 5, pairs); }
void tc_cbor_put_tag(tc_cbor_enc *e, uint64_t tag) { head(e, 6, tag); }

static void byte(tc_cbor_enc *e, uint8_t b) { emit(e, &b, 1); }

void tc_cbor_put_bool(tc_cbor_enc *e, int v) { byte(e, v ? 0xf5 : 0xf4); }
void tc_cbor_put_null(tc_cbor_enc *e) { byte(e, 0xf6); }
void tc_cbor_put_undefined(tc_cbor_enc *e) { byte(e, 0xf7); }

/* §3.3: simple values 20-23 have their own putters; 24-31 are reserved and
 * may not be encoded in two bytes (§3.3, "simple value ... 24..31"). */
void tc_cbor_put_simple(tc_cbor_enc *e, uint8_t v)
{
    if (v < 20) byte(e, (uint8_t)(0xe0 | v));
    else if (v >= 32) { uint8_t b[2] = {0xf8, v}; emit(e, b, 2); }
    else fail(e, TC_ERR_CBOR_SIMPLE);
}

#ifndef TC_CBOR_NO_FLOAT
void tc_cbor_put_float(tc_cbor_enc *e, double v)
{
    uint8_t b[9];
    size_t n = tc__cbor_float_encode(b, v);
    emit(e, b, n);
}
#endif

void tc_cbor_put_raw(tc_cbor_enc *e, const uint8_t *p, size_t n)
{
    assert(p || n == 0);
    emit(e, p, n);
}

int tc_cbor_enc_finish(const tc_cbor_enc *e, size_t *len)
{
    if (len) *len = e->len;
    return e->err;
}
