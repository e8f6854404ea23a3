/* Hex encoding (lowercase out, either case in). Pure, C99, no allocation. */
#ifndef TC_HEX_H
#define TC_HEX_H

#include <stddef.h>
#include <stdint.h>

/* Writes 2*n hex digits and a NUL: out must hold 2*n + 1 bytes. */
void tc_hex_encode(char *out, const uint8_t *in, size_t n);
/* Decodes exactly in_len hex digits (even) into out (cap bytes).
 * Whitespace is not accepted. TC_ERR_HEX on odd length or a bad digit,
 * TC_ERR_BUFFER_TOO_SMALL if cap < in_len/2. *out_len = in_len/2. */
int tc_hex_decode(uint8_t *out, size_t cap, size_t *out_len, const char *in, size_t in_len);

#endif
