/* COSE signatures (RFC 9052) with EdDSA/Ed25519 only: COSE_Sign1 (tag 18)
 * for one signer and COSE_Sign (tag 98) for threshold (k-of-n) objects.
 * The profile (docs/crypto.md):
 *   - objects we create: protected header {1: -8, 4: kid}, unprotected {},
 *     attached payload, 64-byte signature; tagged or untagged;
 *   - objects we accept: any deterministic CBOR that RFC 9052 allows, with
 *     alg -8 in the protected bucket, kid (if any) in either bucket, no
 *     label in both buckets, "crit" (label 2, protected only) listing only
 *     labels we understand (1 alg, 3 content type, 4 kid), attached payload.
 *   - rejected with specific codes: other algorithms (TC_ERR_COSE_ALG),
 *     unknown critical headers (TC_ERR_COSE_CRIT), a nil payload
 *     (TC_ERR_COSE_DETACHED), a wrong tag (TC_ERR_COSE_TAG), malformed
 *     headers (TC_ERR_COSE_HEADER), wrong shapes (TC_ERR_COSE_STRUCTURE),
 *     non-deterministic CBOR (TC_ERR_CBOR_*), bad signatures
 *     (TC_ERR_BAD_SIGNATURE).
 *
 * C99, no allocation, no I/O (device-shared). Every pointer in a parsed
 * structure points INTO the caller's input buffer (borrowed): the input must
 * outlive the structure. Secret keys are only read.
 *
 * Scratch rule. Ed25519 signs the whole ToBeSigned (the CBOR Sig_structure,
 * RFC 9052 §4.4) in one piece, so it is built in a caller buffer. Its size is
 *   TC_COSE_TBS_SIZE(body_protected_len, sign_protected_len, aad_len, payload_len)
 * bytes at most (exact: tc_cose_tbs_size()); TC_ERR_BUFFER_TOO_SMALL otherwise.
 * For objects we create the protected header is at most TC_COSE_PROT_MAX.
 * The scratch buffer must not overlap the input or the output. */
#ifndef TC_COSE_H
#define TC_COSE_H

#include <stddef.h>
#include <stdint.h>

#include "tc/crypto.h"
#include "tc/errors.h"

#define TC_COSE_TAG_SIGN1  18
#define TC_COSE_TAG_SIGN   98
#define TC_COSE_ALG_EDDSA  (-8)
#define TC_COSE_KID_MAX    64   /* longest kid we create or accept */
#define TC_COSE_PROT_MAX   (4 + 2 + TC_COSE_KID_MAX) /* {1: -8, 4: kid} encoded */
#define TC_COSE_SIGNERS_MAX 32  /* signatures in one COSE_Sign; keys in one allowed set */

/* Sig_structure = [context text, body_protected bstr, (sign_protected bstr,)
 * external_aad bstr, payload bstr]: an array head (1), the context text
 * (at most 1 + 10) and at most four byte-string heads of 9 bytes. */
#define TC_COSE_TBS_OVERHEAD 48
#define TC_COSE_TBS_SIZE(body_prot, sign_prot, aad, payload) \
    ((size_t)(body_prot) + (size_t)(sign_prot) + (size_t)(aad) + (size_t)(payload) + \
     TC_COSE_TBS_OVERHEAD)
/* Largest COSE_Sign1 we create for a payload: tag, array, protected, {},
 * two byte-string heads, the signature. */
#define TC_COSE_SIGN1_SIZE(kid_len, payload_len) \
    ((size_t)(payload_len) + (size_t)(kid_len) + 96)

/* Exact Sig_structure length. sign_protected is absent (COSE_Sign1,
 * context "Signature1") when sign_protected_len is (size_t)-1. */
size_t tc_cose_tbs_size(size_t body_protected_len, size_t sign_protected_len, size_t aad_len,
                        size_t payload_len);

/* Builds the Sig_structure (RFC 9052 §4.4) into out. sign_protected NULL =
 * COSE_Sign1 ("Signature1"); otherwise COSE_Sign ("Signature"). The byte
 * strings are copied. Useful for a remote signer (e.g. an HSM or a device
 * adding its share to a threshold object). */
int tc_cose_tbs(uint8_t *out, size_t cap, size_t *out_len,
                const uint8_t *body_protected, size_t body_protected_len,
                const uint8_t *sign_protected, size_t sign_protected_len,
                const uint8_t *aad, size_t aad_len, const uint8_t *payload, size_t payload_len);

/* ---- COSE_Sign1 ---- */

typedef struct tc_cose_sign1 {
    int tagged;                    /* 1 when the input carried tag 18 */
    const uint8_t *protected_hdr;  /* serialized protected map (may be empty) */
    size_t protected_len;
    const uint8_t *kid;            /* NULL when no kid header */
    size_t kid_len;
    const uint8_t *payload;
    size_t payload_len;
    const uint8_t *sig;            /* TC_ED25519_SIG_LEN bytes */
} tc_cose_sign1;

/* Writes a COSE_Sign1 over payload: protected {1: -8, 4: kid}, unprotected {}.
 * kid (1..TC_COSE_KID_MAX bytes) NULL = tc_keyid of the signer's public key
 * (the second half of sec). tagged != 0 prefixes tag 18. out needs at most
 * TC_COSE_SIGN1_SIZE(kid_len, payload_len) (16 for the default kid);
 * scratch needs TC_COSE_TBS_SIZE(TC_COSE_PROT_MAX, 0, aad_len, payload_len).
 * err (may be NULL) receives a detail message. */
int tc_cose_sign1_create(uint8_t *out, size_t out_cap, size_t *out_len,
                         uint8_t *scratch, size_t scratch_cap,
                         const uint8_t sec[TC_ED25519_SEC_LEN], const uint8_t *kid, size_t kid_len,
                         const uint8_t *aad, size_t aad_len,
                         const uint8_t *payload, size_t payload_len, int tagged, tc_err *err);

/* Parses and checks the structure and headers WITHOUT verifying the
 * signature (to read kid and payload and look the key up). Accepts tagged
 * (18) and untagged forms. msg borrows from in. */
int tc_cose_sign1_parse(tc_cose_sign1 *msg, const uint8_t *in, size_t in_len, tc_err *err);

/* Parses (msg may be NULL) and verifies with pub under the pinned Ed25519
 * rule. The kid is not compared with pub: callers that select keys by kid
 * do so after tc_cose_sign1_parse. scratch: TC_COSE_TBS_SIZE(protected_len,
 * 0, aad_len, payload_len); in_len + TC_COSE_TBS_OVERHEAD + aad_len always suffices. */
int tc_cose_sign1_verify(tc_cose_sign1 *msg, uint8_t *scratch, size_t scratch_cap,
                         const uint8_t pub[TC_ED25519_PUB_LEN], const uint8_t *aad, size_t aad_len,
                         const uint8_t *in, size_t in_len, tc_err *err);

/* ---- COSE_Sign (several signers over one payload) ---- */

typedef struct tc_cose_signature {
    const uint8_t *protected_hdr;  /* this signer's serialized protected map */
    size_t protected_len;
    const uint8_t *kid;            /* NULL when absent */
    size_t kid_len;
    const uint8_t *sig;            /* TC_ED25519_SIG_LEN bytes */
} tc_cose_signature;

typedef struct tc_cose_sign {
    int tagged;                    /* 1 when the input carried tag 98 */
    const uint8_t *protected_hdr;  /* body protected header (may be empty) */
    size_t protected_len;
    const uint8_t *payload;
    size_t payload_len;
    size_t nsigs;                  /* 1..TC_COSE_SIGNERS_MAX */
    tc_cose_signature sigs[TC_COSE_SIGNERS_MAX];
} tc_cose_sign;

/* One signer for tc_cose_sign_create: the secret key (borrowed) and its kid
 * (NULL = tc_keyid of the public key). */
typedef struct tc_cose_signer {
    const uint8_t *sec;            /* TC_ED25519_SEC_LEN bytes */
    const uint8_t *kid;
    size_t kid_len;
} tc_cose_signer;

/* Writes a COSE_Sign: body protected empty, each signature with protected
 * {1: -8, 4: kid} and unprotected {}. 1..TC_COSE_SIGNERS_MAX signers.
 * out needs payload_len + nsigners * (TC_COSE_PROT_MAX + 80) + 32;
 * scratch TC_COSE_TBS_SIZE(0, TC_COSE_PROT_MAX, aad_len, payload_len). */
int tc_cose_sign_create(uint8_t *out, size_t out_cap, size_t *out_len,
                        uint8_t *scratch, size_t scratch_cap,
                        const tc_cose_signer *signers, size_t nsigners,
                        const uint8_t *aad, size_t aad_len,
                        const uint8_t *payload, size_t payload_len, int tagged, tc_err *err);

/* Parses and checks structure and every header, without verifying. */
int tc_cose_sign_parse(tc_cose_sign *msg, const uint8_t *in, size_t in_len, tc_err *err);

/* Result of a threshold verification. */
typedef struct tc_cose_signers {
    uint32_t count;      /* distinct allowed keys with a valid signature */
    uint32_t unknown;    /* signatures whose kid names no allowed key (not counted) */
    uint8_t signed_by[TC_COSE_SIGNERS_MAX]; /* [i] = 1 when allowed key i signed */
} tc_cose_signers;

/* Threshold verification (k-of-n). pubs: npubs (1..TC_COSE_SIGNERS_MAX)
 * allowed Ed25519 keys, 32 bytes each, contiguous. Each signature is matched
 * to an allowed key by its kid = tc_keyid(pub); a matched signature MUST
 * verify (TC_ERR_BAD_SIGNATURE otherwise: a bad share is never silently
 * dropped), a signature whose kid matches no allowed key (or has no kid) is
 * counted in out->unknown and ignored. Several signatures by one key count
 * once. TC_ERR_COSE_THRESHOLD when fewer than k distinct keys signed
 * (out still reports who did). k must be 1..npubs. msg may be NULL.
 * scratch: TC_COSE_TBS_SIZE(body_prot, sign_prot, aad_len, payload_len) for
 * the largest signer header; in_len + aad_len + TC_COSE_TBS_OVERHEAD suffices. */
int tc_cose_sign_verify(tc_cose_signers *out, tc_cose_sign *msg, uint8_t *scratch,
                        size_t scratch_cap, const uint8_t *pubs, size_t npubs, size_t k,
                        const uint8_t *aad, size_t aad_len, const uint8_t *in, size_t in_len,
                        tc_err *err);

#endif
