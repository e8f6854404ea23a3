/* Internals shared by the CBOR encoder, validator, getters and diag printer.
 * tc:device-shared (C99, no allocation, no I/O) */
#ifndef TC_CBOR_PRIV_H
#define TC_CBOR_PRIV_H

#include <stddef.h>
#include <stdint.h>

/* RFC 3629 §4 well-formed UTF-8: no overlongs, no surrogates, nothing above
 * U+10FFFF, no truncated sequences. Returns 1 if valid. */
int tc__cbor_utf8_valid(const uint8_t *p, size_t n);

/* The preferred (shortest exact) encoding of a double, RFC 8949 §4.2.1 and
 * §4.2.2: half, single or double; every NaN as f97e00. Writes the initial
 * byte and 2, 4 or 8 bytes to out[0..8]; returns the total (3, 5 or 9). */
size_t tc__cbor_float_encode(uint8_t out[9], double v);

/* Decodes the float whose head (f9/fa/fb) is at p (with 2/4/8 bytes after). */
double tc__cbor_float_decode(const uint8_t *p);

/* Reads one head at p (< end): major type, additional info and argument.
 * Only for input that tc_cbor_validate() accepted. Returns the head size. */
size_t tc__cbor_head(const uint8_t *p, int *major, int *ai, uint64_t *arg);

#endif
