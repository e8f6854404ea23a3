/* Diagnostic notation (RFC 8949 §8) of validated deterministic CBOR.
 * Node-side core: uses snprintf/strtod for shortest round-trip floats only.
 *
 * Output follows the style of RFC 8949 Appendix A: h'..' byte strings, JSON
 * string escapes with every non-ASCII character as \uXXXX (surrogate pairs
 * above U+FFFF), floats in the shortest form that reads back to the same
 * double, with ".0" when integral, Infinity/-Infinity/NaN, simple(n). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tc/cbor.h"
#include "tc/errors.h"

typedef struct {
    char *out;
    size_t cap, len;
} sink;

static void put(sink *s, const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++, s->len++)
        if (s->len + 1 < s->cap) s->out[s->len] = p[i];
}
static void puts_(sink *s, const char *p) { put(s, p, strlen(p)); }

static void put_u64(sink *s, uint64_t v, int plus_one)
{
    /* plus_one prints v + 1 (for -1 - n with n = 2^64 - 1) in 65-bit */
    char b[24];
    int i = 23, carry = plus_one;
    b[i] = 0;
    do {
        unsigned dgt = (unsigned)(v % 10) + (unsigned)carry;
        carry = dgt == 10;
        b[--i] = (char)('0' + dgt % 10);
        v /= 10;
    } while (v || carry);
    puts_(s, b + i);
}

/* JavaScript's Number::toString layout (ECMA-262 §6.1.6.1.20), which matches
 * every float in RFC 8949 Appendix A: positional for 1e-7 <= |v| < 1e21. */
static void put_double(sink *s, double v)
{
    if (v != v) { puts_(s, "NaN"); return; }
    if (v > 1.7976931348623157e308) { puts_(s, "Infinity"); return; }
    if (v < -1.7976931348623157e308) { puts_(s, "-Infinity"); return; }
    /* The fewest significant digits that read back as v. printf rounds
     * correctly, so at each precision the candidates are its digits and those
     * one unit in the last place up (exact ties round to even, e.g. 2^-24). */
    char dg[24];
    int nd = 0, x = 0;
    uint64_t bits;
    memcpy(&bits, &v, 8);
    if (bits >> 63) { puts_(s, "-"); v = -v; } /* also -0.0 */
    for (int prec = 1; prec <= 17; prec++) {
        char e[40], c[48];
        snprintf(e, sizeof e, "%.*e", prec - 1, v);
        nd = 0;
        for (const char *q = e; *q != 'e'; q++)
            if (*q != '.') dg[nd++] = *q;
        x = atoi(strchr(e, 'e') + 1);
        if (strtod(e, NULL) == v) break;
        int i = nd - 1;
        while (i >= 0 && dg[i] == '9') dg[i--] = '0';
        if (i < 0) { memmove(dg + 1, dg, (size_t)nd); dg[0] = '1'; x++; }
        else dg[i]++;
        snprintf(c, sizeof c, "%c.%.*se%d", dg[0], nd - 1, dg + 1, x);
        if (strtod(c, NULL) == v) break;
    }
    while (nd > 1 && dg[nd - 1] == '0') nd--;
    if (nd == 1 && dg[0] == '0') x = 0;
    if (x >= -6 && x < 21) {
        if (x < 0) {
            puts_(s, "0.");
            for (int i = 0; i < -x - 1; i++) puts_(s, "0");
            put(s, dg, (size_t)nd);
        } else {
            for (int i = 0; i <= x; i++) put(s, i < nd ? &dg[i] : "0", 1);
            puts_(s, ".");
            if (nd > x + 1) put(s, dg + x + 1, (size_t)(nd - x - 1));
            else puts_(s, "0");
        }
    } else {
        put(s, dg, 1);
        puts_(s, ".");
        if (nd > 1) put(s, dg + 1, (size_t)(nd - 1));
        else puts_(s, "0");
        char ex[16];
        snprintf(ex, sizeof ex, "e%c%d", x < 0 ? '-' : '+', x < 0 ? -x : x);
        puts_(s, ex);
    }
}

static void put_text(sink *s, const uint8_t *p, size_t n)
{
    static const char hx[] = "0123456789abcdef";
    puts_(s, "\"");
    for (size_t i = 0; i < n;) {
        uint32_t c = p[i];
        size_t k = c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
        if (k > 1) {
            c &= 0x3fu >> (k - 1);
            for (size_t j = 1; j < k; j++) c = c << 6 | (p[i + j] & 0x3f);
        }
        i += k;
        if (c == '"' || c == '\\') { char b[2] = {'\\', (char)c}; put(s, b, 2); continue; }
        if (c >= 0x20 && c < 0x7f) { char b = (char)c; put(s, &b, 1); continue; }
        uint32_t units[2] = {c, 0};
        int nu = 1;
        if (c > 0xffff) { units[0] = 0xd800 + ((c - 0x10000) >> 10); units[1] = 0xdc00 + ((c - 0x10000) & 0x3ff); nu = 2; }
        for (int u = 0; u < nu; u++) {
            char b[6] = {'\\', 'u', hx[units[u] >> 12 & 15], hx[units[u] >> 8 & 15], hx[units[u] >> 4 & 15], hx[units[u] & 15]};
            put(s, b, 6);
        }
    }
    puts_(s, "\"");
}

/* Recursion is bounded: the input was validated to at most TC_CBOR_MAX_DEPTH. */
static void item(sink *s, tc_cbor_dec *d)
{
    static const char hx[] = "0123456789abcdef";
    tc_cbor_type t;
    uint64_t u, n;
    const uint8_t *p;
    size_t len;
    const char *txt;
    double f;
    uint8_t sv;
    tc_cbor_peek(d, &t);
    switch (t) {
    case TC_CBOR_UINT: tc_cbor_get_uint(d, &u); put_u64(s, u, 0); break;
    case TC_CBOR_NEGINT:
        tc_cbor_get_raw(d, &p, &len);
        u = 0;
        if ((p[0] & 31) < 24) u = p[0] & 31;
        else for (size_t i = 1; i < len; i++) u = u << 8 | p[i];
        puts_(s, "-");
        put_u64(s, u, 1);
        break;
    case TC_CBOR_BYTES:
        tc_cbor_get_bytes(d, &p, &len);
        puts_(s, "h'");
        for (size_t i = 0; i < len; i++) { char b[2] = {hx[p[i] >> 4], hx[p[i] & 15]}; put(s, b, 2); }
        puts_(s, "'");
        break;
    case TC_CBOR_TEXT: tc_cbor_get_text(d, &txt, &len); put_text(s, (const uint8_t *)txt, len); break;
    case TC_CBOR_ARRAY:
    case TC_CBOR_MAP:
        if (t == TC_CBOR_ARRAY) tc_cbor_get_array(d, &n); else tc_cbor_get_map(d, &n);
        puts_(s, t == TC_CBOR_ARRAY ? "[" : "{");
        for (uint64_t i = 0; i < n; i++) {
            if (i) puts_(s, ", ");
            item(s, d);
            if (t == TC_CBOR_MAP) { puts_(s, ": "); item(s, d); }
        }
        puts_(s, t == TC_CBOR_ARRAY ? "]" : "}");
        break;
    case TC_CBOR_TAG:
        tc_cbor_get_tag(d, &u);
        put_u64(s, u, 0);
        puts_(s, "(");
        item(s, d);
        puts_(s, ")");
        break;
    case TC_CBOR_SIMPLE:
        tc_cbor_get_simple(d, &sv);
        if (sv == 20) puts_(s, "false");
        else if (sv == 21) puts_(s, "true");
        else if (sv == 22) puts_(s, "null");
        else if (sv == 23) puts_(s, "undefined");
        else { puts_(s, "simple("); put_u64(s, sv, 0); puts_(s, ")"); }
        break;
    case TC_CBOR_FLOAT: tc_cbor_get_float(d, &f); put_double(s, f); break;
    }
}

int tc_cbor_diag(char *out, size_t cap, size_t *out_len, const uint8_t *in, size_t in_len,
                 const tc_cbor_limits *lim)
{
    tc_cbor_dec d;
    int rc = tc_cbor_dec_init(&d, in, in_len, lim);
    if (rc) return rc;
    sink s = {out, cap, 0};
    item(&s, &d);
    if (cap) out[s.len < cap ? s.len : cap - 1] = '\0';
    if (out_len) *out_len = s.len;
    return s.len < cap ? 0 : TC_ERR_BUFFER_TOO_SMALL;
}
