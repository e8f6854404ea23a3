/* Hex encoding (node side: CLI, API, logs; devices carry raw bytes). */
#include "tc/hex.h"
#include "tc/errors.h"

void tc_hex_encode(char *out, const uint8_t *in, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[in[i] >> 4];
        out[2 * i + 1] = digits[in[i] & 15];
    }
    out[2 * n] = '\0';
}

static int nibble(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

int tc_hex_decode(uint8_t *out, size_t cap, size_t *out_len, const char *in, size_t in_len)
{
    if (in_len % 2) return TC_ERR_HEX;
    if (cap < in_len / 2) return TC_ERR_BUFFER_TOO_SMALL;
    for (size_t i = 0; i < in_len; i += 2) {
        int hi = nibble(in[i]), lo = nibble(in[i + 1]);
        if (hi < 0 || lo < 0) return TC_ERR_HEX;
        out[i / 2] = (uint8_t)(hi << 4 | lo);
    }
    if (out_len) *out_len = in_len / 2;
    return TC_OK;
}
