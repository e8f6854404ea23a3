/* Deterministic CBOR (RFC 8949 §4.2.1 "core deterministic encoding").
 *
 * One codec for node and device: C99, no allocation, no I/O.
 *
 * Encoder: writes into a caller buffer. Errors are sticky: after the first
 * failure every put is a no-op and tc_cbor_enc_finish() returns the error.
 * With buf == NULL and cap == 0 the encoder only measures (enc.len is the
 * size needed). Callers emit map keys in deterministic order (bytewise
 * lexicographic order of their encodings: for small unsigned integer keys,
 * ascending numeric order); the decoder enforces it, so every encoder test
 * round-trips through the decoder.
 *
 * Decoder: tc_cbor_dec_init() validates the *whole* buffer first — exactly
 * one well-formed, deterministic item within the limits, or a specific error —
 * and then getters pull items in order without copying. A getter that meets
 * the wrong type returns TC_ERR_CBOR_TYPE and does not advance. Rejected:
 * non-shortest integers/lengths/tags, non-shortest floats (NaN must be
 * f97e00), indefinite lengths, unsorted or duplicate map keys, trailing
 * bytes, invalid UTF-8 in text, reserved additional-info values 28-30,
 * simple values 0-19 and 24-31 other than false/true/null/undefined encoded
 * in two bytes, nesting and sizes over the limits. */
#ifndef TC_CBOR_H
#define TC_CBOR_H

#include <stddef.h>
#include <stdint.h>

typedef enum tc_cbor_type {
    TC_CBOR_UINT = 0,   /* major type 0 */
    TC_CBOR_NEGINT = 1, /* major type 1 */
    TC_CBOR_BYTES = 2,
    TC_CBOR_TEXT = 3,
    TC_CBOR_ARRAY = 4,
    TC_CBOR_MAP = 5,
    TC_CBOR_TAG = 6,
    TC_CBOR_SIMPLE = 7, /* false, true, null, undefined, simple(n) */
    TC_CBOR_FLOAT = 8   /* major type 7 with additional info 25, 26, 27 */
} tc_cbor_type;

typedef struct tc_cbor_limits {
    uint32_t max_depth;     /* nesting of arrays/maps/tags; default 16 */
    uint64_t max_str;       /* bytes in one byte/text string; default 16 MiB */
    uint64_t max_items;     /* entries in one array or pairs in one map; default 65536 */
} tc_cbor_limits;

#define TC_CBOR_DEFAULT_DEPTH 16
#define TC_CBOR_MAX_DEPTH 64   /* hard ceiling (the validator's fixed stack) */
/* Fills the defaults above. */
void tc_cbor_limits_default(tc_cbor_limits *lim);

/* ---- encoder ---- */
typedef struct tc_cbor_enc {
    uint8_t *buf; /* borrowed; may be NULL when cap == 0 (measure mode) */
    size_t cap;
    size_t len;   /* bytes written (or that would have been) so far */
    int err;      /* first error, 0 if none */
} tc_cbor_enc;

void tc_cbor_enc_init(tc_cbor_enc *e, uint8_t *buf, size_t cap);
void tc_cbor_put_uint(tc_cbor_enc *e, uint64_t v);
void tc_cbor_put_int(tc_cbor_enc *e, int64_t v);
/* Negative integer -1 - n for the full major-type-1 range. */
void tc_cbor_put_negint(tc_cbor_enc *e, uint64_t n);
void tc_cbor_put_bytes(tc_cbor_enc *e, const uint8_t *p, size_t n);
/* Sets TC_ERR_CBOR_UTF8 if p is not valid UTF-8. */
void tc_cbor_put_text(tc_cbor_enc *e, const char *p, size_t n);
void tc_cbor_put_cstr(tc_cbor_enc *e, const char *s);
void tc_cbor_put_array(tc_cbor_enc *e, uint64_t n);
void tc_cbor_put_map(tc_cbor_enc *e, uint64_t pairs);
void tc_cbor_put_tag(tc_cbor_enc *e, uint64_t tag);
void tc_cbor_put_bool(tc_cbor_enc *e, int v);
void tc_cbor_put_null(tc_cbor_enc *e);
void tc_cbor_put_undefined(tc_cbor_enc *e);
/* Simple value 0-19 or 32-255; others set TC_ERR_CBOR_SIMPLE. */
void tc_cbor_put_simple(tc_cbor_enc *e, uint8_t v);
/* Shortest of half/single/double that preserves the value; NaN as f97e00. */
/* Absent when built with TC_CBOR_NO_FLOAT (the device-size build: no
 * ledger record carries a float, and the validator then refuses every float
 * with TC_ERR_CBOR_FLOAT, saving about 0.9 KB of flash). */
void tc_cbor_put_float(tc_cbor_enc *e, double v);
/* Appends an already-encoded item verbatim (caller guarantees it is one
 * deterministic item, e.g. taken with tc_cbor_get_raw). */
void tc_cbor_put_raw(tc_cbor_enc *e, const uint8_t *p, size_t n);
/* Returns e->err; *len (if not NULL) is e->len. */
int tc_cbor_enc_finish(const tc_cbor_enc *e, size_t *len);

/* ---- validation ---- */
/* Validates one deterministic item at the start of buf; *item_len is its
 * encoded length (bytes after it are not looked at). lim NULL = defaults. */
int tc_cbor_validate(size_t *item_len, const uint8_t *buf, size_t len, const tc_cbor_limits *lim);
/* As tc_cbor_validate; on failure *err_off (if not NULL) is the offset of the
 * item head (or map key) where the input stopped being deterministic CBOR. */
int tc_cbor_validate_at(size_t *item_len, size_t *err_off, const uint8_t *buf, size_t len,
                        const tc_cbor_limits *lim);

/* ---- decoder ---- */
typedef struct tc_cbor_dec {
    const uint8_t *start; /* borrowed from the caller for the decoder's life */
    const uint8_t *p;
    const uint8_t *end;
} tc_cbor_dec;

/* Validates buf as exactly one item (TC_ERR_CBOR_TRAILING if bytes follow). */
int tc_cbor_dec_init(tc_cbor_dec *d, const uint8_t *buf, size_t len, const tc_cbor_limits *lim);
/* Type of the next item; TC_ERR_CBOR_TRUNCATED at the end of input. */
int tc_cbor_peek(const tc_cbor_dec *d, tc_cbor_type *t);
int tc_cbor_get_uint(tc_cbor_dec *d, uint64_t *v);
/* Accepts major types 0 and 1; TC_ERR_CBOR_RANGE outside int64_t. */
int tc_cbor_get_int(tc_cbor_dec *d, int64_t *v);
/* *p points into the input (borrowed). */
int tc_cbor_get_bytes(tc_cbor_dec *d, const uint8_t **p, size_t *n);
/* A byte string of exactly n bytes copied to out; TC_ERR_CBOR_LENGTH otherwise. */
int tc_cbor_get_bytes_fixed(tc_cbor_dec *d, uint8_t *out, size_t n);
/* *p points into the input and is NOT NUL-terminated. */
int tc_cbor_get_text(tc_cbor_dec *d, const char **p, size_t *n);
int tc_cbor_get_array(tc_cbor_dec *d, uint64_t *n);
/* An array of exactly n items; TC_ERR_CBOR_LENGTH otherwise. */
int tc_cbor_expect_array(tc_cbor_dec *d, uint64_t n);
int tc_cbor_get_map(tc_cbor_dec *d, uint64_t *pairs);
int tc_cbor_get_tag(tc_cbor_dec *d, uint64_t *tag);
int tc_cbor_get_bool(tc_cbor_dec *d, int *v);
int tc_cbor_get_null(tc_cbor_dec *d);
int tc_cbor_get_simple(tc_cbor_dec *d, uint8_t *v);
int tc_cbor_get_float(tc_cbor_dec *d, double *v);
/* The next whole item (with everything nested in it) as a span of the input. */
int tc_cbor_get_raw(tc_cbor_dec *d, const uint8_t **p, size_t *n);
int tc_cbor_skip(tc_cbor_dec *d);
/* 0 when all input was consumed, TC_ERR_CBOR_TRAILING otherwise. */
int tc_cbor_dec_done(const tc_cbor_dec *d);

/* ---- diagnostic notation (RFC 8949 §8) ---- */
/* Validates, then prints one item, e.g. 18([h'a10127', {}, h'', h'..']).
 * Writes at most cap bytes including the NUL; *out_len is the full length
 * (TC_ERR_BUFFER_TOO_SMALL when it did not fit). Node-side only (core/). */
int tc_cbor_diag(char *out, size_t cap, size_t *out_len, const uint8_t *in, size_t in_len,
                 const tc_cbor_limits *lim);

#endif
