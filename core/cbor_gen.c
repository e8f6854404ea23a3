/* Random deterministic CBOR items for cross-checks, and the getter-to-putter
 * copier. Pure: the randomness is a splitmix64 stream from the caller's seed. */
#include <string.h>

#include "tc/cbor_gen.h"
#include "tc/errors.h"
#include "cbor_priv.h"

int tc_cbor_reencode(tc_cbor_enc *e, tc_cbor_dec *d)
{
    tc_cbor_type t;
    uint64_t u, n;
    const uint8_t *p;
    const char *s;
    size_t len;
    double f;
    uint8_t sv;
    int rc = tc_cbor_peek(d, &t);
    if (rc) return rc;
    switch (t) {
    case TC_CBOR_UINT: rc = tc_cbor_get_uint(d, &u); tc_cbor_put_uint(e, u); break;
    case TC_CBOR_NEGINT: {
        int64_t i;
        rc = tc_cbor_get_int(d, &i);
        if (rc == TC_ERR_CBOR_RANGE) { /* below INT64_MIN: take the raw argument */
            rc = tc_cbor_get_raw(d, &p, &len);
            u = 0;
            for (size_t k = 1; k < len; k++) u = u << 8 | p[k];
            tc_cbor_put_negint(e, u);
        } else tc_cbor_put_int(e, i);
        break;
    }
    case TC_CBOR_BYTES: rc = tc_cbor_get_bytes(d, &p, &len); tc_cbor_put_bytes(e, p, len); break;
    case TC_CBOR_TEXT: rc = tc_cbor_get_text(d, &s, &len); tc_cbor_put_text(e, s, len); break;
    case TC_CBOR_ARRAY:
    case TC_CBOR_MAP:
        if (t == TC_CBOR_ARRAY) { rc = tc_cbor_get_array(d, &n); tc_cbor_put_array(e, n); }
        else { rc = tc_cbor_get_map(d, &n); tc_cbor_put_map(e, n); }
        if (t == TC_CBOR_MAP) n *= 2; /* validated: n <= input length */
        for (uint64_t i = 0; !rc && i < n; i++) rc = tc_cbor_reencode(e, d);
        break;
    case TC_CBOR_TAG: rc = tc_cbor_get_tag(d, &u); tc_cbor_put_tag(e, u); if (!rc) rc = tc_cbor_reencode(e, d); break;
    case TC_CBOR_SIMPLE:
        rc = tc_cbor_get_simple(d, &sv);
        if (sv >= 20 && sv <= 21) tc_cbor_put_bool(e, sv == 21);
        else if (sv == 22) tc_cbor_put_null(e);
        else if (sv == 23) tc_cbor_put_undefined(e);
        else tc_cbor_put_simple(e, sv);
        break;
    case TC_CBOR_FLOAT: rc = tc_cbor_get_float(d, &f); tc_cbor_put_float(e, f); break;
    }
    return rc ? rc : e->err;
}

/* ---- generator ---- */
typedef struct {
    uint64_t s;
} rng;

static uint64_t next(rng *r) /* splitmix64 (Steele, Lea, Flood 2014) */
{
    uint64_t z = (r->s += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}
static uint32_t below(rng *r, uint32_t n) { return (uint32_t)(next(r) % n); }

/* Integers concentrated around the head-size boundaries (23/24, 255/256 ...). */
static uint64_t gen_u64(rng *r)
{
    static const uint64_t edges[] = {0, 23, 24, 255, 256, 65535, 65536, 0xffffffffu,
                                     UINT64_C(0x100000000), UINT64_MAX};
    switch (below(r, 4)) {
    case 0: return edges[below(r, 10)];
    case 1: return below(r, 24);
    case 2: return next(r) >> (below(r, 8) * 8);
    default: return next(r) >> below(r, 64);
    }
}

static size_t utf8_put(uint8_t *o, uint32_t c)
{
    if (c < 0x80) { o[0] = (uint8_t)c; return 1; }
    if (c < 0x800) { o[0] = (uint8_t)(0xc0 | c >> 6); o[1] = (uint8_t)(0x80 | (c & 63)); return 2; }
    if (c < 0x10000) {
        o[0] = (uint8_t)(0xe0 | c >> 12); o[1] = (uint8_t)(0x80 | (c >> 6 & 63)); o[2] = (uint8_t)(0x80 | (c & 63));
        return 3;
    }
    o[0] = (uint8_t)(0xf0 | c >> 18); o[1] = (uint8_t)(0x80 | (c >> 12 & 63));
    o[2] = (uint8_t)(0x80 | (c >> 6 & 63)); o[3] = (uint8_t)(0x80 | (c & 63));
    return 4;
}

static void gen_string(tc_cbor_enc *e, rng *r, int text, uint32_t maxlen)
{
    uint8_t s[4 * 40];
    size_t n = 0, want = below(r, maxlen + 1);
    for (size_t i = 0; i < want; i++) {
        if (!text) { s[n++] = (uint8_t)next(r); continue; }
        uint32_t c;
        switch (below(r, 6)) {
        case 0: c = 0x80 + below(r, 0x800 - 0x80); break;
        case 1: c = 0x800 + below(r, 0xd800 - 0x800); break;
        case 2: c = 0xe000 + below(r, 0x10000 - 0xe000); break;
        case 3: c = 0x10000 + below(r, 0x110000 - 0x10000); break;
        default: c = 0x20 + below(r, 0x5f); break;
        }
        n += utf8_put(s + n, c);
    }
    if (text) tc_cbor_put_text(e, (const char *)s, n);
    else tc_cbor_put_bytes(e, s, n);
}

static void gen_float(tc_cbor_enc *e, rng *r)
{
    uint8_t b[9];
    uint64_t x = next(r);
    switch (below(r, 4)) {
    case 0: b[0] = 0xf9; break;
    case 1: b[0] = 0xfa; break;
    default: b[0] = 0xfb; break;
    }
    for (int i = 1; i < 9; i++) b[i] = (uint8_t)(x >> (8 * (i - 1)));
    static const double special[] = {0.0, -0.0, 1.0, 1.5, 65504.0, 100000.0, 1.1, -4.1, 1e300};
    if (below(r, 8) == 0) tc_cbor_put_float(e, special[below(r, 9)]);
    else tc_cbor_put_float(e, tc__cbor_float_decode(b));
}

static void gen_item(tc_cbor_enc *e, rng *r, int depth);

/* A key: an integer or a short string, encoded apart so the pairs can be
 * sorted by their encoded bytes (RFC 8949 §4.2.1). */
typedef struct {
    uint8_t b[24];
    size_t n;
} key;

static void gen_map(tc_cbor_enc *e, rng *r, int depth)
{
    key k[6];
    size_t nk = below(r, 7);
    for (size_t i = 0; i < nk; i++) {
        tc_cbor_enc ke;
        tc_cbor_enc_init(&ke, k[i].b, sizeof k[i].b);
        switch (below(r, 4)) {
        case 0: tc_cbor_put_uint(&ke, gen_u64(r)); break;
        case 1: tc_cbor_put_negint(&ke, gen_u64(r)); break;
        case 2: tc_cbor_put_uint(&ke, below(r, 30)); break;
        default: gen_string(&ke, r, (int)below(r, 2), 4); break;
        }
        k[i].n = ke.len;
    }
    /* insertion sort by (bytes) and drop duplicates */
    for (size_t i = 1; i < nk; i++)
        for (size_t j = i; j > 0; j--) {
            size_t m = k[j - 1].n < k[j].n ? k[j - 1].n : k[j].n;
            int c = memcmp(k[j - 1].b, k[j].b, m);
            if (c < 0 || (c == 0 && k[j - 1].n <= k[j].n)) break;
            key t = k[j]; k[j] = k[j - 1]; k[j - 1] = t;
        }
    size_t u = 0;
    for (size_t i = 0; i < nk; i++)
        if (!u || k[u - 1].n != k[i].n || memcmp(k[u - 1].b, k[i].b, k[i].n)) k[u++] = k[i];
    tc_cbor_put_map(e, u);
    for (size_t i = 0; i < u; i++) {
        tc_cbor_put_raw(e, k[i].b, k[i].n);
        gen_item(e, r, depth - 1);
    }
}

static void gen_item(tc_cbor_enc *e, rng *r, int depth)
{
    static const uint64_t tags[] = {6, 18, 21, 23, 24, 32, 61, 200, 1000, 65536, UINT64_C(0x100000000)};
    uint32_t kinds = depth > 0 ? 10 : 7;
    switch (below(r, kinds)) {
    case 0: tc_cbor_put_uint(e, gen_u64(r)); break;
    case 1: tc_cbor_put_negint(e, gen_u64(r)); break;
    case 2: gen_string(e, r, 0, 40); break;
    case 3: gen_string(e, r, 1, 40); break;
    case 4: gen_float(e, r); break;
    case 5: {
        uint32_t v = below(r, 6);
        if (v < 2) tc_cbor_put_bool(e, (int)v);
        else if (v == 2) tc_cbor_put_null(e);
        else if (v == 3) tc_cbor_put_undefined(e);
        else if (v == 4) tc_cbor_put_simple(e, (uint8_t)below(r, 20));
        else tc_cbor_put_simple(e, (uint8_t)(32 + below(r, 224)));
        break;
    }
    case 6: tc_cbor_put_int(e, (int64_t)below(r, 2000) - 1000); break;
    case 7: {
        uint32_t n = below(r, 6);
        tc_cbor_put_array(e, n);
        for (uint32_t i = 0; i < n; i++) gen_item(e, r, depth - 1);
        break;
    }
    case 8: gen_map(e, r, depth); break;
    default: tc_cbor_put_tag(e, tags[below(r, 11)]); gen_item(e, r, depth - 1); break;
    }
}

int tc_cbor_gen(uint8_t *out, size_t cap, size_t *out_len, uint64_t seed, int max_depth)
{
    tc_cbor_enc e;
    rng r = {seed};
    tc_cbor_enc_init(&e, out, cap);
    gen_item(&e, &r, max_depth > 8 ? 8 : max_depth);
    return tc_cbor_enc_finish(&e, out_len);
}
