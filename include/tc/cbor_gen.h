/* CBOR test tools (node side): a seeded generator of random deterministic
 * items, and a decode -> re-encode copier through the public getters and
 * putters. Used by the CBOR tests, the fuzz target and `thingchain debug
 * cbor-gen` / `debug cbor-reencode` for cross-checks with other codecs. */
#ifndef TC_CBOR_GEN_H
#define TC_CBOR_GEN_H

#include <stddef.h>
#include <stdint.h>

#include "tc/cbor.h"

/* Reads the next item of d with the getters and writes it to e with the
 * putters (maps keep their order). For any input tc_cbor_dec_init()
 * accepted, the output is byte-identical. Returns the first error. */
int tc_cbor_reencode(tc_cbor_enc *e, tc_cbor_dec *d);

/* Writes one random deterministic item (a function of seed only) to out;
 * *out_len its length. Nesting at most max_depth (<= 8). Map keys are
 * integers, text and byte strings, mixed so that bytewise and length-first
 * key orders differ. Tags avoid numbers that common decoders turn into
 * native values (0-5, 25-37, 256-261, 55799). TC_ERR_BUFFER_TOO_SMALL if
 * cap is too small (1 MiB always suffices with max_depth <= 4). */
int tc_cbor_gen(uint8_t *out, size_t cap, size_t *out_len, uint64_t seed, int max_depth);

#endif
