/* Internal pieces shared by core/cose_*.c (not part of the public API). */
#ifndef TC_COSE_INTERNAL_H
#define TC_COSE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "tc/cbor.h"
#include "tc/errors.h"

/* Most labels in one header bucket (more is TC_ERR_COSE_HEADER): a fixed
 * ceiling keeps the duplicate-label check allocation-free. */
#define TC__COSE_LABELS_MAX 16

/* What the signature layer needs from the two header buckets. */
typedef struct tc__cose_hdr {
    const uint8_t *kid; /* borrowed; NULL when absent */
    size_t kid_len;
} tc__cose_hdr;

/* Checks a protected (serialized map bytes, may be empty) and an unprotected
 * (one encoded map item) bucket per RFC 9052 §3 and our profile: alg -8 in
 * protected, crit only in protected and only understood labels, no label in
 * both buckets, kid a byte string of 1..TC_COSE_KID_MAX. need_alg = 0 for
 * the body of a COSE_Sign (each signer carries its own alg). */
int tc__cose_headers(tc__cose_hdr *h, const uint8_t *prot, size_t prot_len,
                     const uint8_t *unprot, size_t unprot_len, int need_alg, tc_err *err);

/* Encodes our protected header {1: -8, 4: kid} into out (TC_COSE_PROT_MAX). */
int tc__cose_protected(uint8_t *out, size_t cap, size_t *len, const uint8_t *kid, size_t kid_len);

/* Reads an optional tag: none -> *tagged = 0; want -> *tagged = 1; any other
 * tag -> TC_ERR_COSE_TAG. */
int tc__cose_tag(tc_cbor_dec *d, int *tagged, uint64_t want, const char *what, tc_err *err);

/* Reads the payload item: a byte string; nil -> TC_ERR_COSE_DETACHED. */
int tc__cose_payload(tc_cbor_dec *d, const uint8_t **p, size_t *n, tc_err *err);

/* Reads a bstr-wrapped protected header: the byte string's contents. */
int tc__cose_prot_bstr(tc_cbor_dec *d, const uint8_t **p, size_t *n, tc_err *err);

/* Reads the 64-byte signature byte string. */
int tc__cose_sig(tc_cbor_dec *d, const uint8_t **sig, tc_err *err);

/* The common start of COSE_Sign1 and COSE_Sign (RFC 9052 §4.1, §4.2):
 * [optional tag] [protected bstr, unprotected map, payload bstr, ...] —
 * an array of 4 whose first three items are read here; the decoder is left
 * at the fourth (signature or signatures). The unprotected map is returned
 * as its raw item for tc__cose_headers. */
typedef struct tc__cose_env {
    int tagged;
    const uint8_t *prot; size_t prot_len;
    const uint8_t *unprot; size_t unprot_len;
    const uint8_t *payload; size_t payload_len;
} tc__cose_env;
int tc__cose_envelope(tc_cbor_dec *d, tc__cose_env *env, const uint8_t *in, size_t in_len,
                      uint64_t tag, const char *what, tc_err *err);

/* Limits used to decode COSE objects: depth 8 is plenty for headers. */
void tc__cose_limits(tc_cbor_limits *lim);

#endif
