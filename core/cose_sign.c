/* COSE_Sign (RFC 9052 §4.1): several EdDSA signatures over one payload —
 * the form of threshold (k-of-n) objects: governance actions, firmware
 * releases. Node side: nodes check threshold transactions; a device never
 * needs to, because it trusts what the ledger recorded (a release record
 * proven against a quorum-signed header), not the vendors' signatures
 * directly. Creating them (key-set holders only) is in core/cose_sign_create.c.
 *
 *   COSE_Sign = [protected, unprotected, payload: bstr / nil, signatures: [+ COSE_Signature]]
 *   COSE_Signature = [protected, unprotected, signature: bstr]
 * Each signature covers ["Signature", body_protected, sign_protected, aad, payload]. */
#include <assert.h>
#include <string.h>

#include "tc/cose.h"
#include "cose_internal.h"

/* Adds context to err (may be NULL) and returns rc itself: tc_err_wrap
 * returns 0 when err is NULL, which must never turn a failure into success. */
static int wrap(tc_err *err, int rc, const char *what, size_t i)
{
    if (i == (size_t)-1) tc_err_wrap(err, "%s", what);
    else tc_err_wrap(err, "%s %zu", what, i);
    return rc;
}

int tc_cose_sign_parse(tc_cose_sign *msg, const uint8_t *in, size_t in_len, tc_err *err)
{
    assert(msg && (in || in_len == 0));
    memset(msg, 0, sizeof *msg);
    tc_cbor_dec d;
    tc__cose_env env;
    int rc = tc__cose_envelope(&d, &env, in, in_len, TC_COSE_TAG_SIGN, "COSE_Sign", err);
    if (rc) return rc;
    msg->tagged = env.tagged;
    msg->protected_hdr = env.prot;
    msg->protected_len = env.prot_len;
    msg->payload = env.payload;
    msg->payload_len = env.payload_len;
    const uint8_t *unprot = env.unprot;
    size_t unprot_len = env.unprot_len;
    tc__cose_hdr body;
    if ((rc = tc__cose_headers(&body, msg->protected_hdr, msg->protected_len, unprot, unprot_len, 0,
                               err)))
        return wrap(err, rc, "COSE_Sign body", (size_t)-1);
    uint64_t n;
    if (tc_cbor_get_array(&d, &n) || n == 0)
        return tc_err_set(err, TC_ERR_COSE_STRUCTURE, "signatures must be a non-empty array");
    if (n > TC_COSE_SIGNERS_MAX)
        return tc_err_set(err, TC_ERR_LIMIT, "COSE_Sign has %llu signatures, at most %d",
                          (unsigned long long)n, TC_COSE_SIGNERS_MAX);
    msg->nsigs = (size_t)n;
    for (size_t i = 0; i < msg->nsigs; i++) {
        tc_cose_signature *s = &msg->sigs[i];
        uint64_t m;
        if (tc_cbor_get_array(&d, &m) || m != 3)
            return tc_err_set(err, TC_ERR_COSE_STRUCTURE, "COSE_Signature %zu must be an array of 3", i);
        if ((rc = tc__cose_prot_bstr(&d, &s->protected_hdr, &s->protected_len, err)))
            return wrap(err, rc, "COSE_Signature", i);
        if (tc_cbor_get_raw(&d, &unprot, &unprot_len))
            return wrap(err, tc_err_set(err, TC_ERR_COSE_STRUCTURE, "truncated"), "COSE_Signature", i);
        tc__cose_hdr h;
        if ((rc = tc__cose_headers(&h, s->protected_hdr, s->protected_len, unprot, unprot_len, 1, err)))
            return wrap(err, rc, "COSE_Signature", i);
        if ((rc = tc__cose_sig(&d, &s->sig, err))) return wrap(err, rc, "COSE_Signature", i);
        s->kid = h.kid;
        s->kid_len = h.kid_len;
    }
    return 0;
}

int tc_cose_sign_verify(tc_cose_signers *out, tc_cose_sign *msg, uint8_t *scratch,
                        size_t scratch_cap, const uint8_t *pubs, size_t npubs, size_t k,
                        const uint8_t *aad, size_t aad_len, const uint8_t *in, size_t in_len,
                        tc_err *err)
{
    assert(out && pubs && (aad || aad_len == 0));
    assert(npubs >= 1 && npubs <= TC_COSE_SIGNERS_MAX && k >= 1 && k <= npubs);
    memset(out, 0, sizeof *out);
    tc_cose_sign local;
    if (!msg) msg = &local;
    int rc = tc_cose_sign_parse(msg, in, in_len, err);
    if (rc) return rc;
    uint8_t ids[TC_COSE_SIGNERS_MAX][TC_KEYID_LEN];
    for (size_t j = 0; j < npubs; j++) tc_keyid(ids[j], pubs + j * TC_ED25519_PUB_LEN);
    for (size_t i = 0; i < msg->nsigs; i++) {
        const tc_cose_signature *s = &msg->sigs[i];
        size_t j = npubs;
        if (s->kid && s->kid_len == TC_KEYID_LEN)
            for (j = 0; j < npubs; j++)
                if (memcmp(ids[j], s->kid, TC_KEYID_LEN) == 0) break;
        if (j == npubs) { out->unknown++; continue; }
        size_t tbs_len;
        rc = tc_cose_tbs(scratch, scratch_cap, &tbs_len, msg->protected_hdr, msg->protected_len,
                         s->protected_hdr, s->protected_len, aad, aad_len, msg->payload,
                         msg->payload_len);
        if (rc) return tc_err_set(err, rc, "cose: scratch buffer for the Sig_structure");
        if (tc_ed25519_verify(s->sig, scratch, tbs_len, pubs + j * TC_ED25519_PUB_LEN) != 0)
            return tc_err_set(err, TC_ERR_BAD_SIGNATURE, "COSE_Signature %zu (allowed key %zu)", i, j);
        if (!out->signed_by[j]) {
            out->signed_by[j] = 1;
            out->count++;
        }
    }
    if (out->count < k)
        return tc_err_set(err, TC_ERR_COSE_THRESHOLD, "%u of %zu required keys signed",
                          (unsigned)out->count, k);
    return 0;
}
