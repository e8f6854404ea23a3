/* Creating a COSE_Sign (RFC 9052 §4.1) with several signers: what key-set
 * holders do (governance, an organization's admin, release or config keys).
 * Not device-shared: devices verify threshold objects (core/cose_sign.c)
 * and sign only single-signer COSE_Sign1 objects. */
#include <assert.h>
#include <string.h>

#include "tc/cose.h"
#include "cose_internal.h"

int tc_cose_sign_create(uint8_t *out, size_t out_cap, size_t *out_len,
                        uint8_t *scratch, size_t scratch_cap,
                        const tc_cose_signer *signers, size_t nsigners,
                        const uint8_t *aad, size_t aad_len,
                        const uint8_t *payload, size_t payload_len, int tagged, tc_err *err)
{
    assert(out_len && signers && (payload || payload_len == 0) && (aad || aad_len == 0));
    if (nsigners == 0 || nsigners > TC_COSE_SIGNERS_MAX)
        return tc_err_set(err, TC_ERR_INVALID_ARG, "COSE_Sign needs 1-%d signers", TC_COSE_SIGNERS_MAX);
    tc_cbor_enc e;
    tc_cbor_enc_init(&e, out, out_cap);
    if (tagged) tc_cbor_put_tag(&e, TC_COSE_TAG_SIGN);
    tc_cbor_put_array(&e, 4);
    tc_cbor_put_bytes(&e, NULL, 0); /* body protected: empty */
    tc_cbor_put_map(&e, 0);
    tc_cbor_put_bytes(&e, payload, payload_len);
    tc_cbor_put_array(&e, nsigners);
    for (size_t i = 0; i < nsigners; i++) {
        const tc_cose_signer *s = &signers[i];
        uint8_t default_kid[TC_KEYID_LEN], prot[TC_COSE_PROT_MAX], sig[TC_ED25519_SIG_LEN];
        const uint8_t *kid = s->kid;
        size_t kid_len = s->kid_len, prot_len, tbs_len;
        assert(s->sec);
        if (!kid) {
            tc_keyid(default_kid, s->sec + TC_ED25519_SEED_LEN);
            kid = default_kid;
            kid_len = sizeof default_kid;
        }
        if (kid_len == 0 || kid_len > TC_COSE_KID_MAX)
            return tc_err_set(err, TC_ERR_INVALID_ARG, "signer %zu: kid must be 1-%d bytes", i,
                              TC_COSE_KID_MAX);
        int rc = tc__cose_protected(prot, sizeof prot, &prot_len, kid, kid_len);
        assert(rc == 0);
        rc = tc_cose_tbs(scratch, scratch_cap, &tbs_len, NULL, 0, prot, prot_len, aad, aad_len,
                         payload, payload_len);
        if (rc) return tc_err_set(err, rc, "cose: scratch buffer for the Sig_structure");
        tc_ed25519_sign(sig, scratch, tbs_len, s->sec);
        tc_cbor_put_array(&e, 3);
        tc_cbor_put_bytes(&e, prot, prot_len);
        tc_cbor_put_map(&e, 0);
        tc_cbor_put_bytes(&e, sig, sizeof sig);
    }
    int rc = tc_cbor_enc_finish(&e, out_len);
    if (rc) return tc_err_set(err, rc, "cose: output buffer");
    return 0;
}
