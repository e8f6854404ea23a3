/* Pull getters over input that tc_cbor_dec_init() validated as one
 * deterministic item: they trust the structure (every head and string lies
 * inside the buffer) and only check types and ranges. A getter that fails
 * does not advance. tc:device-shared (C99, no allocation, no I/O) */
#include <assert.h>
#include <string.h>

#include "tc/cbor.h"
#include "tc/errors.h"
#include "cbor_priv.h"

int tc_cbor_dec_init(tc_cbor_dec *d, const uint8_t *buf, size_t len, const tc_cbor_limits *lim)
{
    assert(d && (buf || len == 0));
    size_t n = 0;
    d->start = d->p = d->end = buf;
    int rc = tc_cbor_validate(&n, buf, len, lim);
    if (rc) return rc;
    if (n != len) return TC_ERR_CBOR_TRAILING;
    d->end = buf + len;
    return 0;
}

typedef struct {
    int major, ai;
    uint64_t arg;
    size_t hlen;
} head_t;

static int next(const tc_cbor_dec *d, head_t *h)
{
    assert(d && d->p);
    if (d->p >= d->end) return TC_ERR_CBOR_TRUNCATED;
    h->hlen = tc__cbor_head(d->p, &h->major, &h->ai, &h->arg);
    return 0;
}

static tc_cbor_type type_of(const head_t *h)
{
    if (h->major == 7 && h->ai >= 25 && h->ai <= 27) return TC_CBOR_FLOAT;
    return (tc_cbor_type)h->major;
}

/* Reads the next head if its type is t. */
static int expect(const tc_cbor_dec *d, head_t *h, tc_cbor_type t)
{
    int rc = next(d, h);
    if (rc) return rc;
    return type_of(h) == t ? 0 : TC_ERR_CBOR_TYPE;
}

int tc_cbor_peek(const tc_cbor_dec *d, tc_cbor_type *t)
{
    head_t h;
    int rc = next(d, &h);
    if (!rc) *t = type_of(&h);
    return rc;
}

int tc_cbor_get_uint(tc_cbor_dec *d, uint64_t *v)
{
    head_t h;
    int rc = expect(d, &h, TC_CBOR_UINT);
    if (rc) return rc;
    *v = h.arg;
    d->p += h.hlen;
    return 0;
}

int tc_cbor_get_int(tc_cbor_dec *d, int64_t *v)
{
    head_t h;
    int rc = next(d, &h);
    if (rc) return rc;
    if (h.major > 1) return TC_ERR_CBOR_TYPE;
    if (h.arg > (uint64_t)INT64_MAX) return TC_ERR_CBOR_RANGE;
    /* major 1 is -1 - arg, which fits for arg <= INT64_MAX */
    *v = h.major == 0 ? (int64_t)h.arg : -1 - (int64_t)h.arg;
    d->p += h.hlen;
    return 0;
}

static int get_string(tc_cbor_dec *d, const uint8_t **p, size_t *n, tc_cbor_type t)
{
    head_t h;
    int rc = expect(d, &h, t);
    if (rc) return rc;
    *p = d->p + h.hlen;
    *n = (size_t)h.arg;
    d->p += h.hlen + (size_t)h.arg;
    return 0;
}

int tc_cbor_get_bytes(tc_cbor_dec *d, const uint8_t **p, size_t *n)
{
    return get_string(d, p, n, TC_CBOR_BYTES);
}

int tc_cbor_get_bytes_fixed(tc_cbor_dec *d, uint8_t *out, size_t n)
{
    head_t h;
    int rc = expect(d, &h, TC_CBOR_BYTES);
    if (rc) return rc;
    if (h.arg != n) return TC_ERR_CBOR_LENGTH;
    if (n) memcpy(out, d->p + h.hlen, n);
    d->p += h.hlen + n;
    return 0;
}

int tc_cbor_get_text(tc_cbor_dec *d, const char **p, size_t *n)
{
    const uint8_t *q;
    int rc = get_string(d, &q, n, TC_CBOR_TEXT);
    if (!rc) *p = (const char *)q;
    return rc;
}

static int get_count(tc_cbor_dec *d, uint64_t *n, tc_cbor_type t)
{
    head_t h;
    int rc = expect(d, &h, t);
    if (rc) return rc;
    *n = h.arg;
    d->p += h.hlen;
    return 0;
}

int tc_cbor_get_array(tc_cbor_dec *d, uint64_t *n) { return get_count(d, n, TC_CBOR_ARRAY); }
int tc_cbor_get_map(tc_cbor_dec *d, uint64_t *pairs) { return get_count(d, pairs, TC_CBOR_MAP); }
int tc_cbor_get_tag(tc_cbor_dec *d, uint64_t *tag) { return get_count(d, tag, TC_CBOR_TAG); }

int tc_cbor_expect_array(tc_cbor_dec *d, uint64_t n)
{
    head_t h;
    int rc = expect(d, &h, TC_CBOR_ARRAY);
    if (rc) return rc;
    if (h.arg != n) return TC_ERR_CBOR_LENGTH;
    d->p += h.hlen;
    return 0;
}

int tc_cbor_get_simple(tc_cbor_dec *d, uint8_t *v)
{
    head_t h;
    int rc = expect(d, &h, TC_CBOR_SIMPLE);
    if (rc) return rc;
    *v = (uint8_t)h.arg;
    d->p += h.hlen;
    return 0;
}

int tc_cbor_get_bool(tc_cbor_dec *d, int *v)
{
    head_t h;
    int rc = expect(d, &h, TC_CBOR_SIMPLE);
    if (rc) return rc;
    if (h.ai != 20 && h.ai != 21) return TC_ERR_CBOR_TYPE;
    *v = h.ai == 21;
    d->p += 1;
    return 0;
}

int tc_cbor_get_null(tc_cbor_dec *d)
{
    head_t h;
    int rc = expect(d, &h, TC_CBOR_SIMPLE);
    if (rc) return rc;
    if (h.ai != 22) return TC_ERR_CBOR_TYPE;
    d->p += 1;
    return 0;
}

#ifndef TC_CBOR_NO_FLOAT
int tc_cbor_get_float(tc_cbor_dec *d, double *v)
{
    head_t h;
    int rc = expect(d, &h, TC_CBOR_FLOAT);
    if (rc) return rc;
    *v = tc__cbor_float_decode(d->p);
    d->p += h.hlen;
    return 0;
}
#endif

/* The end of the item at p: iterative, counting the items still owed. */
static const uint8_t *item_end(const uint8_t *p)
{
    uint64_t pending = 1;
    while (pending) {
        int major, ai;
        uint64_t arg;
        p += tc__cbor_head(p, &major, &ai, &arg);
        pending--;
        if (major == 2 || major == 3) p += (size_t)arg;
        else if (major == 4) pending += arg;
        else if (major == 5) pending += 2 * arg;
        else if (major == 6) pending += 1;
    }
    return p;
}

int tc_cbor_get_raw(tc_cbor_dec *d, const uint8_t **p, size_t *n)
{
    head_t h;
    int rc = next(d, &h);
    if (rc) return rc;
    const uint8_t *e = item_end(d->p);
    *p = d->p;
    *n = (size_t)(e - d->p);
    d->p = e;
    return 0;
}

int tc_cbor_skip(tc_cbor_dec *d)
{
    head_t h;
    int rc = next(d, &h);
    if (rc) return rc;
    d->p = item_end(d->p);
    return 0;
}

int tc_cbor_dec_done(const tc_cbor_dec *d)
{
    return d->p == d->end ? 0 : TC_ERR_CBOR_TRAILING;
}
