/* COSE_Sign1 (RFC 9052 §4.2) with EdDSA, and the Sig_structure (§4.4).
 * tc:device-shared (C99, no allocation, no I/O)
 *
 *   COSE_Sign1 = [protected: bstr .cbor header_map / bstr .size 0,
 *                 unprotected: header_map, payload: bstr / nil, signature: bstr]
 *   Sig_structure = ["Signature1", body_protected, external_aad, payload]
 *                 / ["Signature", body_protected, sign_protected, external_aad, payload] */
#include <assert.h>
#include <string.h>

#include "tc/cose.h"
#include "cose_internal.h"

/* Length of a CBOR head carrying argument v. */
static size_t head_len(size_t v)
{
    uint64_t w = v; /* 64-bit compare: with a 32-bit size_t the last test is always true */
    return w < 24 ? 1 : w <= 0xff ? 2 : w <= 0xffff ? 3 : w <= 0xffffffffu ? 5 : 9;
}

size_t tc_cose_tbs_size(size_t body_protected_len, size_t sign_protected_len, size_t aad_len,
                        size_t payload_len)
{
    int sign1 = sign_protected_len == (size_t)-1;
    size_t n = 1 + (sign1 ? 11 : 10);
    n += head_len(body_protected_len) + body_protected_len;
    if (!sign1) n += head_len(sign_protected_len) + sign_protected_len;
    n += head_len(aad_len) + aad_len;
    n += head_len(payload_len) + payload_len;
    return n;
}

int tc_cose_tbs(uint8_t *out, size_t cap, size_t *out_len,
                const uint8_t *body_protected, size_t body_protected_len,
                const uint8_t *sign_protected, size_t sign_protected_len,
                const uint8_t *aad, size_t aad_len, const uint8_t *payload, size_t payload_len)
{
    tc_cbor_enc e;
    tc_cbor_enc_init(&e, out, cap);
    tc_cbor_put_array(&e, sign_protected ? 5 : 4);
    tc_cbor_put_cstr(&e, sign_protected ? "Signature" : "Signature1");
    tc_cbor_put_bytes(&e, body_protected, body_protected_len);
    if (sign_protected) tc_cbor_put_bytes(&e, sign_protected, sign_protected_len);
    tc_cbor_put_bytes(&e, aad, aad_len);
    tc_cbor_put_bytes(&e, payload, payload_len);
    return tc_cbor_enc_finish(&e, out_len);
}

int tc_cose_sign1_create(uint8_t *out, size_t out_cap, size_t *out_len,
                         uint8_t *scratch, size_t scratch_cap,
                         const uint8_t sec[TC_ED25519_SEC_LEN], const uint8_t *kid, size_t kid_len,
                         const uint8_t *aad, size_t aad_len,
                         const uint8_t *payload, size_t payload_len, int tagged, tc_err *err)
{
    assert(out_len && sec && (payload || payload_len == 0) && (aad || aad_len == 0));
    uint8_t default_kid[TC_KEYID_LEN], prot[TC_COSE_PROT_MAX], sig[TC_ED25519_SIG_LEN];
    size_t prot_len, tbs_len;
    if (!kid) {
        tc_keyid(default_kid, sec + TC_ED25519_SEED_LEN);
        kid = default_kid;
        kid_len = sizeof default_kid;
    }
    if (kid_len == 0 || kid_len > TC_COSE_KID_MAX)
        return tc_err_set(err, TC_ERR_INVALID_ARG, "kid must be 1-%d bytes", TC_COSE_KID_MAX);
    int rc = tc__cose_protected(prot, sizeof prot, &prot_len, kid, kid_len);
    assert(rc == 0);
    rc = tc_cose_tbs(scratch, scratch_cap, &tbs_len, prot, prot_len, NULL, 0, aad, aad_len,
                     payload, payload_len);
    if (rc) return tc_err_set(err, rc, "cose: scratch buffer for the Sig_structure");
    tc_ed25519_sign(sig, scratch, tbs_len, sec);

    tc_cbor_enc e;
    tc_cbor_enc_init(&e, out, out_cap);
    if (tagged) tc_cbor_put_tag(&e, TC_COSE_TAG_SIGN1);
    tc_cbor_put_array(&e, 4);
    tc_cbor_put_bytes(&e, prot, prot_len);
    tc_cbor_put_map(&e, 0);
    tc_cbor_put_bytes(&e, payload, payload_len);
    tc_cbor_put_bytes(&e, sig, sizeof sig);
    rc = tc_cbor_enc_finish(&e, out_len);
    if (rc) return tc_err_set(err, rc, "cose: output buffer");
    return 0;
}

int tc_cose_sign1_parse(tc_cose_sign1 *msg, const uint8_t *in, size_t in_len, tc_err *err)
{
    assert(msg && (in || in_len == 0));
    memset(msg, 0, sizeof *msg);
    tc_cbor_dec d;
    tc__cose_env env;
    int rc = tc__cose_envelope(&d, &env, in, in_len, TC_COSE_TAG_SIGN1, "COSE_Sign1", err);
    if (rc) return rc;
    msg->tagged = env.tagged;
    msg->protected_hdr = env.prot;
    msg->protected_len = env.prot_len;
    msg->payload = env.payload;
    msg->payload_len = env.payload_len;
    const uint8_t *unprot = env.unprot;
    size_t unprot_len = env.unprot_len;
    /* Headers first: the alg decides what a valid signature looks like. */
    tc__cose_hdr h;
    if ((rc = tc__cose_headers(&h, msg->protected_hdr, msg->protected_len, unprot, unprot_len, 1, err)))
        return rc;
    if ((rc = tc__cose_sig(&d, &msg->sig, err))) return rc;
    msg->kid = h.kid;
    msg->kid_len = h.kid_len;
    return 0;
}

int tc_cose_sign1_verify(tc_cose_sign1 *msg, uint8_t *scratch, size_t scratch_cap,
                         const uint8_t pub[TC_ED25519_PUB_LEN], const uint8_t *aad, size_t aad_len,
                         const uint8_t *in, size_t in_len, tc_err *err)
{
    assert(pub && (aad || aad_len == 0));
    tc_cose_sign1 local;
    if (!msg) msg = &local;
    int rc = tc_cose_sign1_parse(msg, in, in_len, err);
    if (rc) return rc;
    size_t tbs_len;
    rc = tc_cose_tbs(scratch, scratch_cap, &tbs_len, msg->protected_hdr, msg->protected_len, NULL, 0,
                     aad, aad_len, msg->payload, msg->payload_len);
    if (rc) return tc_err_set(err, rc, "cose: scratch buffer for the Sig_structure");
    if (tc_ed25519_verify(msg->sig, scratch, tbs_len, pub) != 0)
        return tc_err_set(err, TC_ERR_BAD_SIGNATURE, "COSE_Sign1");
    return 0;
}
