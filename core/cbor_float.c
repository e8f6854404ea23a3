/* CBOR floats: preferred serialization and decoding, by bit manipulation so
 * that no float-to-narrower cast (undefined when out of range) and no libm is
 * needed. tc:device-shared (C99, no allocation, no I/O)
 *
 * RFC 8949 §4.2.1 (core deterministic encoding) requires the preferred
 * serialization of §4.1: a floating-point value is encoded in the shortest
 * of binary16/32/64 that represents it exactly. §4.2.2 lets a protocol pin one
 * NaN; we pin the quiet NaN f97e00 (Appendix A) for every NaN. */
#include <string.h>

#include "cbor_priv.h"

#ifndef TC_CBOR_NO_FLOAT /* device builds without floats: docs/cbor.md */

/* Returns the number of the lowest bits of x that are all zero (x != 0). */
static int low_zeros(uint64_t x)
{
    int n = 0;
    while (!(x & 1)) { x >>= 1; n++; }
    return n;
}

/* value = sig * 2^exp with sig < 2^53; can it be a binary16/32 value?
 * Format with mant_bits fraction bits, minimum normal exponent emin and
 * maximum exponent emax. Writes the format's bits (without sign) to *bits. */
static int fits(uint64_t *bits, uint64_t sig, int exp_unb, int mant_bits, int emin, int emax)
{
    /* exp_unb is the unbiased exponent of the leading 1 of sig (53 bits). */
    if (exp_unb > emax) return 0;
    int tz = low_zeros(sig);
    if (exp_unb >= emin) {
        /* normal: the 52-bit fraction must drop to mant_bits bits exactly */
        if (tz < 52 - mant_bits) return 0;
        uint64_t frac = (sig & ((UINT64_C(1) << 52) - 1)) >> (52 - mant_bits);
        *bits = ((uint64_t)(exp_unb - emin + 1) << mant_bits) | frac;
        return 1;
    }
    /* subnormal: value = k * 2^(emin - mant_bits), k < 2^mant_bits */
    int shift = (emin - mant_bits) - (exp_unb - 52); /* sig >> shift == k */
    if (shift > 52 || tz < shift) return 0;
    *bits = sig >> shift;
    return 1;
}

size_t tc__cbor_float_encode(uint8_t out[9], double v)
{
    uint64_t d;
    memcpy(&d, &v, 8);
    uint64_t sign = d >> 63;
    int e = (int)((d >> 52) & 0x7ff);
    uint64_t m = d & ((UINT64_C(1) << 52) - 1);
    uint64_t h = 0, bits = 0;
    int width; /* 2, 4 or 8 */

    if (e == 0x7ff) {
        h = m ? 0x7e00 : (sign << 15 | 0x7c00); /* NaN pinned to f97e00; ±Inf */
        width = 2;
    } else if (e == 0 && m == 0) {
        h = sign << 15;
        width = 2;
    } else if (e == 0) {
        width = 8; /* a binary64 subnormal is below every binary32 value */
    } else {
        uint64_t sig = m | (UINT64_C(1) << 52);
        int exp_unb = e - 1023;
        if (fits(&bits, sig, exp_unb, 10, -14, 15)) { h = sign << 15 | bits; width = 2; }
        else if (fits(&bits, sig, exp_unb, 23, -126, 127)) { h = sign << 31 | bits; width = 4; }
        else width = 8;
    }
    if (width == 8) h = d;
    out[0] = (uint8_t)(width == 2 ? 0xf9 : width == 4 ? 0xfa : 0xfb);
    for (int i = 0; i < width; i++) out[1 + i] = (uint8_t)(h >> (8 * (width - 1 - i)));
    return (size_t)width + 1;
}

/* sig * 2^exp (sig != 0, exactly representable) as binary64 bits. */
static uint64_t make_double(uint64_t sign, uint64_t sig, int exp)
{
    int top = 63;
    while (!(sig >> top)) top--;
    uint64_t frac = (sig << (52 - top)) & ((UINT64_C(1) << 52) - 1);
    return sign << 63 | (uint64_t)(top + exp + 1023) << 52 | frac;
}

/* Widens a binary16 or binary32 (given its field sizes) to binary64 bits. */
static uint64_t widen(uint64_t x, int total, int mant_bits, int bias)
{
    int ebits = total - 1 - mant_bits;
    uint64_t sign = x >> (total - 1);
    uint64_t e = (x >> mant_bits) & ((UINT64_C(1) << ebits) - 1);
    uint64_t m = x & ((UINT64_C(1) << mant_bits) - 1);
    if (e == (UINT64_C(1) << ebits) - 1) /* Inf, NaN: keep the top fraction bits */
        return sign << 63 | UINT64_C(0x7ff) << 52 | m << (52 - mant_bits);
    if (e == 0 && m == 0) return sign << 63;
    if (e == 0) return make_double(sign, m, 1 - bias - mant_bits);
    return make_double(sign, m | (UINT64_C(1) << mant_bits), (int)e - bias - mant_bits);
}

double tc__cbor_float_decode(const uint8_t *p)
{
    int width = p[0] == 0xf9 ? 2 : p[0] == 0xfa ? 4 : 8;
    uint64_t x = 0, d;
    for (int i = 0; i < width; i++) x = x << 8 | p[1 + i];
    if (width == 2) d = widen(x, 16, 10, 15);
    else if (width == 4) d = widen(x, 32, 23, 127);
    else d = x;
    double v;
    memcpy(&v, &d, 8);
    return v;
}
#endif
