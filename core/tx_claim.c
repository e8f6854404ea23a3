/* Device claims by a one-time claim key (docs/ledger.md, "Claiming a
 * device"; include/tc/tx.h).
 *
 * Why a key and not a revealed secret: a transaction waits in mempools
 * before it is ordered, so anything it reveals can be copied into a rival
 * transaction that is ordered first. A signature reveals nothing reusable,
 * and because the signed message names the claiming org (and the chain and
 * the device) a copy of it authorizes no one else. */
#include "tc/tx.h"

#include <string.h>

#include "tc/cbor.h"

void tc_claim_key(uint8_t pub[TC_ED25519_PUB_LEN], uint8_t sec[TC_ED25519_SEC_LEN],
                  const uint8_t *secret, size_t secret_len)
{
    uint8_t seed[TC_ED25519_SEED_LEN];
    static const char info[] = TC_CLAIM_INFO;
    /* 32 bytes out of HKDF-SHA256 never exceeds its 255*32 limit. */
    (void)tc_hkdf_sha256(seed, sizeof seed, NULL, 0, secret, secret_len, (const uint8_t *)info,
                         sizeof info - 1);
    tc_ed25519_keypair(pub, sec, seed);
    tc_wipe(seed, sizeof seed);
}

int tc_claim_message(uint8_t *out, size_t cap, size_t *len, const uint8_t *chain_id,
                     size_t chain_id_len, const uint8_t dev_id[TC_DEVICE_ID_LEN], uint64_t org)
{
    if (chain_id_len == 0 || chain_id_len > 64) return TC_ERR_INVALID_ARG;
    tc_cbor_enc e;
    tc_cbor_enc_init(&e, out, cap);
    tc_cbor_put_array(&e, 4);
    tc_cbor_put_cstr(&e, TC_CLAIM_INFO); /* domain separation from every other signed thing */
    tc_cbor_put_text(&e, (const char *)chain_id, chain_id_len);
    tc_cbor_put_bytes(&e, dev_id, TC_DEVICE_ID_LEN);
    tc_cbor_put_uint(&e, org);
    return tc_cbor_enc_finish(&e, len);
}

int tc_claim_sign(uint8_t sig[TC_ED25519_SIG_LEN], const uint8_t *secret, size_t secret_len,
                  const uint8_t *chain_id, size_t chain_id_len,
                  const uint8_t dev_id[TC_DEVICE_ID_LEN], uint64_t org)
{
    uint8_t msg[TC_CLAIM_MSG_MAX], pub[TC_ED25519_PUB_LEN], sec[TC_ED25519_SEC_LEN];
    size_t n;
    int rc = tc_claim_message(msg, sizeof msg, &n, chain_id, chain_id_len, dev_id, org);
    if (rc) return rc;
    tc_claim_key(pub, sec, secret, secret_len);
    tc_ed25519_sign(sig, msg, n, sec);
    tc_wipe(sec, sizeof sec);
    return 0;
}

int tc_claim_verify(const uint8_t sig[TC_ED25519_SIG_LEN], const uint8_t claim_pub[TC_ED25519_PUB_LEN],
                    const uint8_t *chain_id, size_t chain_id_len,
                    const uint8_t dev_id[TC_DEVICE_ID_LEN], uint64_t org)
{
    uint8_t msg[TC_CLAIM_MSG_MAX];
    size_t n;
    if (tc_claim_message(msg, sizeof msg, &n, chain_id, chain_id_len, dev_id, org))
        return TC_ERR_LEDGER_CLAIM;
    return tc_ed25519_verify(sig, msg, n, claim_pub) ? TC_ERR_LEDGER_CLAIM : 0;
}
