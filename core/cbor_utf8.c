/* UTF-8 validation for CBOR text strings (RFC 8949 §3.1: major type 3 is
 * UTF-8 text; §5.3.1: invalid UTF-8 is an invalid item, and a deterministic
 * decoder must reject it). tc:device-shared (C99, no allocation, no I/O) */
#include "cbor_priv.h"

/* RFC 3629 §4 syntax: the second byte's range depends on the lead byte, which
 * excludes overlong forms (C0, C1, E0 80-9F, F0 80-8F), UTF-16 surrogates
 * (ED A0-BF) and code points above U+10FFFF (F4 90-BF, F5-FF). */
int tc__cbor_utf8_valid(const uint8_t *p, size_t n)
{
    size_t i = 0;
    while (i < n) {
        uint8_t c = p[i];
        if (c < 0x80) { i++; continue; }
        int more;
        uint8_t lo = 0x80, hi = 0xbf;
        if (c >= 0xc2 && c <= 0xdf) more = 1;
        else if (c >= 0xe0 && c <= 0xef) {
            more = 2;
            if (c == 0xe0) lo = 0xa0;
            if (c == 0xed) hi = 0x9f;
        } else if (c >= 0xf0 && c <= 0xf4) {
            more = 3;
            if (c == 0xf0) lo = 0x90;
            if (c == 0xf4) hi = 0x8f;
        } else return 0;
        if (n - i - 1 < (size_t)more) return 0;
        if (p[i + 1] < lo || p[i + 1] > hi) return 0;
        for (int k = 2; k <= more; k++)
            if ((p[i + k] & 0xc0) != 0x80) return 0;
        i += (size_t)more + 1;
    }
    return 1;
}
