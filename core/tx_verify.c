/* Verifying the transaction envelope's signatures with the shared COSE code
 * (tc_cose_sign1_verify, tc_cose_sign_verify; docs/ledger.md, "Envelope").
 * External aad is empty: the chain id is inside the signed payload.
 *
 * The Sig_structure is built in a scratch buffer from tc_malloc: a
 * transaction may be 64 KiB, too much for a stack. The envelope's length
 * plus TC_COSE_TBS_OVERHEAD always suffices (tc/cose.h). */
#include "tc/tx.h"

#include <string.h>

#include "tc/alloc.h"
#include "tc/cose.h"

static uint8_t *scratch_for(const tc_tx *tx, size_t *cap)
{
    *cap = tx->env_len + TC_COSE_TBS_OVERHEAD;
    return tc_malloc(*cap);
}

int tc_tx_verify_sig(const tc_tx *tx, size_t i, const uint8_t pub[TC_ED25519_PUB_LEN])
{
    uint8_t kid[TC_KEYID_LEN];
    if (i >= tx->nsig) return TC_ERR_LEDGER_SIGNATURE;
    tc_keyid(kid, pub);
    if (memcmp(kid, tx->sigs[i].kid, TC_KEYID_LEN) != 0) return TC_ERR_LEDGER_SIGNATURE;
    size_t cap;
    uint8_t *scratch = scratch_for(tx, &cap);
    if (!scratch) return TC_ERR_NOMEM;
    int rc;
    if (!tx->multi) {
        rc = tc_cose_sign1_verify(NULL, scratch, cap, pub, NULL, 0, tx->env, tx->env_len, NULL);
    } else {
        /* Only signature i carries this kid (the decoder refuses repeats),
         * so a 1-of-1 check against pub checks exactly that signature. */
        tc_cose_signers who;
        rc = tc_cose_sign_verify(&who, NULL, scratch, cap, pub, 1, 1, NULL, 0, tx->env,
                                 tx->env_len, NULL);
    }
    tc_free(scratch);
    return rc ? TC_ERR_LEDGER_SIGNATURE : 0;
}

int tc_tx_verify_keyset(const tc_tx *tx, tc_err *err, const uint8_t *pubs, size_t npubs, size_t k)
{
    if (!tx->multi) return tc_err_set(err, TC_ERR_LEDGER_MALFORMED, "a key set signs with COSE_Sign");
    size_t cap;
    uint8_t *scratch = scratch_for(tx, &cap);
    if (!scratch) return tc_err_set(err, TC_ERR_NOMEM, "signature check");
    tc_cose_signers who;
    int rc = tc_cose_sign_verify(&who, NULL, scratch, cap, pubs, npubs, k, NULL, 0, tx->env,
                                 tx->env_len, err);
    tc_free(scratch);
    if (rc == TC_ERR_COSE_THRESHOLD)
        return tc_err_set(err, TC_ERR_LEDGER_THRESHOLD, "%u of the %zu signatures needed",
                          (unsigned)who.count, k);
    if (rc == TC_ERR_BAD_SIGNATURE) {
        char why[TC_ERR_MSG_MAX];
        if (!err) return TC_ERR_LEDGER_SIGNATURE;
        memcpy(why, err->msg, sizeof why);
        return tc_err_set(err, TC_ERR_LEDGER_SIGNATURE, "%s", why);
    }
    if (rc) return tc_err_set(err, TC_ERR_LEDGER_MALFORMED, "envelope (%s)", tc_errname(rc));
    return 0;
}
