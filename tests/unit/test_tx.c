/* Transaction envelope: COSE_Sign1/COSE_Sign shapes, signature checks,
 * chain-id binding, per-signer sequential nonces, thresholds, size limits. */
#include <stdlib.h>
#include <string.h>

#include "ledger_fixture.h"
#include "tc/cose.h"
#include "tc/genesis.h"
#include "test.h"

static fixture_chain C;
static tc_err E;
static uint8_t body[4096], payload[TC_TX_MAX + 1024], txb[TC_TX_MAX + 8192];
static size_t bl, pl, tl;

/* Body of gov.set_keys with the fixture's own governance keys (2-of-3):
 * a harmless transaction any test can send as governance. */
static void gov_keys_body(void)
{
    tc_cbor_enc e;
    tc_cbor_enc_init(&e, body, sizeof body);
    tc_cbor_put_map(&e, 1);
    tc_cbor_put_uint(&e, 1);
    tc_cbor_put_map(&e, 2);
    tc_cbor_put_uint(&e, 1); tc_cbor_put_uint(&e, 2);
    tc_cbor_put_uint(&e, 2); tc_cbor_put_array(&e, 3);
    for (int i = 0; i < 3; i++) tc_cbor_put_bytes(&e, C.gov_pub[i], 32);
    tc_cbor_enc_finish(&e, &bl);
}

static void setup(void)
{
    fixture_chain_free(&C);
    fixture_chain_init(&C);
    gov_keys_body();
}

/* Builds a gov transaction with a chosen chain id, nonce and key indexes. */
static int gov_tx(const char *chain, uint64_t nonce, const int *keys, size_t nk)
{
    uint8_t s[1], secs[4][64];
    tc_signer_gov(s);
    int rc = tc_tx_payload_encode(payload, sizeof payload, &pl, (const uint8_t *)chain, strlen(chain),
                                  TC_TX_GOV_SET_KEYS, s, 1, nonce, body, bl);
    if (rc) return rc;
    for (size_t i = 0; i < nk; i++) {
        if (keys[i] < 3) memcpy(secs[i], C.gov_sec[keys[i]], 64);
        else { uint8_t pub[32]; fixture_key(pub, secs[i], 999); }
    }
    return tc_tx_sign_multi(txb, sizeof txb, &tl, payload, pl, (const uint8_t(*)[64])secs, nk);
}

static void test_roundtrip_decode(void)
{
    setup();
    int k[2] = {0, 1};
    CHECK_OK(gov_tx("test-chain", 1, k, 2));
    tc_tx tx;
    CHECK_OK(tc_tx_decode(&tx, &E, txb, tl));
    CHECK_EQ(tx.multi, 1);
    CHECK_EQ(tx.nsig, 2);
    CHECK_EQ(tx.type, TC_TX_GOV_SET_KEYS);
    CHECK_EQ(tx.nonce, 1);
    CHECK_EQ(tx.chain_id_len, 10);
    CHECK_MEM(tx.body, body, bl);
    CHECK_OK(tc_tx_verify_sig(&tx, 0, C.gov_pub[0]));
    CHECK_OK(tc_tx_verify_sig(&tx, 1, C.gov_pub[1]));
    CHECK_ERR(tc_tx_verify_sig(&tx, 0, C.gov_pub[1]), TC_ERR_LEDGER_SIGNATURE);
    /* Flip one payload byte: signature no longer verifies. */
    ((uint8_t *)tx.payload)[tx.payload_len - 1] ^= 1;
    CHECK_ERR(tc_tx_verify_sig(&tx, 0, C.gov_pub[0]), TC_ERR_LEDGER_SIGNATURE);
}

static void test_sign1_roundtrip(void)
{
    setup();
    fixture_device d;
    fixture_device_keys(&d, 1);
    uint8_t s[TC_SIGNER_DEVICE_LEN];
    tc_signer_device(s, d.id);
    CHECK_OK(tc_tx_payload_encode(payload, sizeof payload, &pl, (const uint8_t *)"c", 1, TC_TX_DEV_ROTATE, s,
                                  sizeof s, 7, body, bl));
    CHECK_OK(tc_tx_sign1(txb, sizeof txb, &tl, payload, pl, d.sec));
    tc_tx tx;
    CHECK_OK(tc_tx_decode(&tx, &E, txb, tl));
    CHECK_EQ(tx.multi, 0);
    CHECK_EQ(tx.nsig, 1);
    CHECK_MEM(tx.sigs[0].kid, d.id, 16);
    CHECK_OK(tc_tx_verify_sig(&tx, 0, d.pub));
    /* A device signer inside a COSE_Sign is malformed. */
    CHECK_OK(tc_tx_sign_multi(txb, sizeof txb, &tl, payload, pl, (const uint8_t(*)[64])d.sec, 1));
    CHECK_ERR(tc_tx_decode(&tx, &E, txb, tl), TC_ERR_LEDGER_MALFORMED);
}

/* The envelope is the shared COSE profile (protected {1: -8, 4: kid}): the
 * bytes are exactly what tc_cose_sign1_create writes, the shared verifier
 * accepts them, and the envelope's own rules refuse what the profile allows
 * but a transaction may not (untagged, short kid, too many signatures). */
static void test_shared_cose_profile(void)
{
    setup();
    fixture_device d;
    fixture_device_keys(&d, 2);
    uint8_t s[TC_SIGNER_DEVICE_LEN], other[TC_TX_MAX + 8192];
    static uint8_t scratch[TC_TX_MAX + 8192];
    size_t ol;
    tc_signer_device(s, d.id);
    CHECK_OK(tc_tx_payload_encode(payload, sizeof payload, &pl, (const uint8_t *)"c", 1, TC_TX_DEV_ROTATE, s,
                                  sizeof s, 1, body, bl));
    CHECK_OK(tc_tx_sign1(txb, sizeof txb, &tl, payload, pl, d.sec));
    CHECK_OK(tc_cose_sign1_create(other, sizeof other, &ol, scratch, sizeof scratch, d.sec, NULL, 0, NULL, 0,
                                  payload, pl, 1, &E));
    CHECK_EQ(ol, tl);
    CHECK_MEM(other, txb, tl);
    tc_cose_sign1 m;
    CHECK_OK(tc_cose_sign1_verify(&m, scratch, sizeof scratch, d.pub, NULL, 0, txb, tl, &E));
    static const uint8_t prot[] = {0xa2, 0x01, 0x27, 0x04, 0x50}; /* {1: -8, 4: h'<16 bytes>'} */
    CHECK_EQ(m.protected_len, sizeof prot + 16);
    CHECK_MEM(m.protected_hdr, prot, sizeof prot);
    tc_tx tx;
    /* Untagged: valid COSE, not a transaction. */
    CHECK_OK(tc_cose_sign1_create(other, sizeof other, &ol, scratch, sizeof scratch, d.sec, NULL, 0, NULL, 0,
                                  payload, pl, 0, &E));
    CHECK_ERR(tc_tx_decode(&tx, &E, other, ol), TC_ERR_LEDGER_MALFORMED);
    /* An 8-byte kid: valid COSE, not a key id. */
    CHECK_OK(tc_cose_sign1_create(other, sizeof other, &ol, scratch, sizeof scratch, d.sec, d.id, 8, NULL, 0,
                                  payload, pl, 1, &E));
    CHECK_ERR(tc_tx_decode(&tx, &E, other, ol), TC_ERR_LEDGER_MALFORMED);
    CHECK(strstr(E.msg, "16-byte") != NULL);
    /* A COSE error keeps its detail under the ledger's code. */
    other[ol - 70] ^= 0xff; /* inside the payload/signature heads: breaks the structure or CBOR */
    CHECK(tc_tx_decode(&tx, &E, other, ol) != 0);
    /* 17 signatures on a key-set transaction: over the envelope's limit. */
    uint8_t sg[1], secs[TC_TX_SIGS_MAX + 1][64];
    tc_signer_gov(sg);
    CHECK_OK(tc_tx_payload_encode(payload, sizeof payload, &pl, C.ctx.chain_id, C.ctx.chain_id_len,
                                  TC_TX_GOV_SET_KEYS, sg, 1, 1, body, bl));
    tc_cose_signer signers[TC_TX_SIGS_MAX + 1];
    memset(signers, 0, sizeof signers);
    for (unsigned i = 0; i < TC_TX_SIGS_MAX + 1; i++) {
        uint8_t pub[32];
        fixture_key(pub, secs[i], 500 + i);
        signers[i].sec = secs[i];
    }
    CHECK_OK(tc_cose_sign_create(other, sizeof other, &ol, scratch, sizeof scratch, signers, TC_TX_SIGS_MAX + 1,
                                 NULL, 0, payload, pl, 1, &E));
    CHECK_ERR(tc_tx_decode(&tx, &E, other, ol), TC_ERR_LEDGER_MALFORMED);
    CHECK_OK(tc_cose_sign_create(other, sizeof other, &ol, scratch, sizeof scratch, signers, TC_TX_SIGS_MAX, NULL,
                                 0, payload, pl, 1, &E));
    CHECK_OK(tc_tx_decode(&tx, &E, other, ol));
    CHECK_EQ(tx.nsig, TC_TX_SIGS_MAX);
}

static void test_accept_then_replay_and_skip(void)
{
    setup();
    int k[2] = {0, 1};
    CHECK_OK(gov_tx("test-chain", 1, k, 2));
    CHECK_OK(fixture_apply_raw(&C, &E, txb, tl));
    /* Same bytes again: replay. */
    CHECK_ERR(fixture_apply_raw(&C, &E, txb, tl), TC_ERR_LEDGER_NONCE);
    CHECK(strstr(E.msg, "replayed") != NULL);
    /* Skipped nonce 3 (next is 2). */
    CHECK_OK(gov_tx("test-chain", 3, k, 2));
    CHECK_ERR(fixture_apply_raw(&C, &E, txb, tl), TC_ERR_LEDGER_NONCE);
    CHECK(strstr(E.msg, "skips") != NULL);
    CHECK_OK(gov_tx("test-chain", 2, k, 2));
    CHECK_OK(fixture_apply_raw(&C, &E, txb, tl));
    /* Nonce 0 is never valid. */
    CHECK_OK(gov_tx("test-chain", 0, k, 2));
    CHECK_ERR(fixture_apply_raw(&C, &E, txb, tl), TC_ERR_LEDGER_NONCE);
}

static void test_rejected_tx_does_not_consume_nonce(void)
{
    setup();
    int k[1] = {0};
    CHECK_OK(gov_tx("test-chain", 1, k, 1)); /* below threshold */
    CHECK_ERR(fixture_apply_raw(&C, &E, txb, tl), TC_ERR_LEDGER_THRESHOLD);
    uint8_t s[1];
    tc_signer_gov(s);
    CHECK_EQ(fixture_next_nonce(&C, s, 1), 1);
}

static void test_wrong_chain_id(void)
{
    setup();
    int k[2] = {0, 1};
    CHECK_OK(gov_tx("other-chain", 1, k, 2));
    CHECK_ERR(fixture_apply_raw(&C, &E, txb, tl), TC_ERR_LEDGER_CHAIN_ID);
    CHECK(strstr(E.msg, "other-chain") != NULL);
}

static void test_threshold_and_outsiders(void)
{
    setup();
    int one[1] = {2}, outsider[2] = {0, 3}, three[3] = {2, 0, 1};
    CHECK_OK(gov_tx("test-chain", 1, one, 1));
    CHECK_ERR(fixture_apply_raw(&C, &E, txb, tl), TC_ERR_LEDGER_THRESHOLD);
    CHECK_OK(gov_tx("test-chain", 1, outsider, 2));
    CHECK_ERR(fixture_apply_raw(&C, &E, txb, tl), TC_ERR_LEDGER_UNAUTHORIZED);
    CHECK_OK(gov_tx("test-chain", 1, three, 3));
    CHECK_OK(fixture_apply_raw(&C, &E, txb, tl));
}

static void test_bad_signature(void)
{
    setup();
    int k[2] = {0, 1};
    CHECK_OK(gov_tx("test-chain", 1, k, 2));
    txb[tl - 1] ^= 0x40; /* last byte of the last signature */
    CHECK_ERR(fixture_apply_raw(&C, &E, txb, tl), TC_ERR_LEDGER_SIGNATURE);
    /* With sig_checked the rules trust the mempool's verification. */
    tc_state_tx_begin(C.st);
    CHECK_OK(tc_ledger_apply(C.st, &E, txb, tl, &C.ctx, 1));
    tc_state_tx_rollback(C.st);
}

static void test_duplicate_signer_malformed(void)
{
    setup();
    int k[2] = {1, 1};
    CHECK_OK(gov_tx("test-chain", 1, k, 2));
    CHECK_ERR(fixture_apply_raw(&C, &E, txb, tl), TC_ERR_LEDGER_MALFORMED);
}

static void test_malformed_envelopes(void)
{
    setup();
    tc_tx tx;
    static const uint8_t junk[][8] = {
        {0x00}, {0xd2, 0x80}, {0xc0, 0x60}, {0xd8, 0x62, 0x84, 0x40, 0xa0, 0x40, 0x80}, {0xd2, 0x84, 0x40},
    };
    static const size_t jl[] = {1, 2, 2, 7, 3};
    for (size_t i = 0; i < sizeof jl / sizeof jl[0]; i++)
        CHECK_ERR(tc_tx_decode(&tx, &E, junk[i], jl[i]), TC_ERR_LEDGER_MALFORMED);
    int k[2] = {0, 1};
    CHECK_OK(gov_tx("test-chain", 1, k, 2));
    /* Trailing byte. */
    txb[tl] = 0;
    CHECK_ERR(tc_tx_decode(&tx, &E, txb, tl + 1), TC_ERR_LEDGER_MALFORMED);
    /* Every truncation is rejected, none crashes. */
    for (size_t n = 0; n < tl; n += 7) CHECK(tc_tx_decode(&tx, &E, txb, n) != 0);
    /* Unknown type. */
    uint8_t s[1];
    tc_signer_gov(s);
    CHECK_OK(tc_tx_payload_encode(payload, sizeof payload, &pl, C.ctx.chain_id, C.ctx.chain_id_len, 999, s, 1, 1,
                                  body, bl));
    CHECK_OK(tc_tx_sign_multi(txb, sizeof txb, &tl, payload, pl, (const uint8_t(*)[64])C.gov_sec, 2));
    CHECK_ERR(fixture_apply_raw(&C, &E, txb, tl), TC_ERR_LEDGER_UNKNOWN_TYPE);
    /* Body with an unknown field. */
    static const uint8_t bad_body[] = {0xa1, 0x09, 0x00};
    CHECK_ERR(fixture_gov(&C, &E, TC_TX_GOV_SET_KEYS, bad_body, sizeof bad_body), TC_ERR_LEDGER_MALFORMED);
    CHECK(strstr(E.msg, "unknown field 9") != NULL);
}

static void test_oversize(void)
{
    setup();
    tc_tx tx;
    uint8_t *big = calloc(1, TC_TX_MAX + 1);
    CHECK(big);
    int rc = tc_tx_decode(&tx, &E, big, TC_TX_MAX + 1);
    free(big);
    CHECK_ERR(rc, TC_ERR_LEDGER_OVERSIZE);
    /* A body over the limit inside a transaction under the limit. */
    static uint8_t huge[TC_TX_BODY_MAX + 64];
    tc_cbor_enc e;
    size_t hl;
    tc_cbor_enc_init(&e, huge, sizeof huge);
    tc_cbor_put_map(&e, 1);
    tc_cbor_put_uint(&e, 1);
    static uint8_t filler[TC_TX_BODY_MAX];
    tc_cbor_put_bytes(&e, filler, sizeof filler);
    CHECK_OK(tc_cbor_enc_finish(&e, &hl));
    CHECK_ERR(fixture_gov(&C, &E, TC_TX_GOV_SET_KEYS, huge, hl), TC_ERR_LEDGER_OVERSIZE);
}

static void test_unknown_signer(void)
{
    setup();
    uint8_t s[TC_SIGNER_ORG_LEN];
    tc_signer_org(s, 77, TC_KEYS_ADMIN);
    CHECK_ERR(fixture_apply(&C, &E, TC_TX_GOV_SET_KEYS, s, sizeof s, 1, body, bl,
                            (const uint8_t(*)[64])C.gov_sec, 2), TC_ERR_LEDGER_UNKNOWN_SIGNER);
    /* An org admin key set may not act as governance. */
    size_t n;
    CHECK_ERR(fixture_org(&C, &E, TC_TX_GOV_SET_KEYS, FX_FLEET, TC_KEYS_ADMIN, body, bl,
                          fixture_admin(&C, FX_FLEET, &n), 1), TC_ERR_LEDGER_UNAUTHORIZED);
    CHECK(strstr(E.msg, "governance") != NULL);
}

int main(void)
{
    RUN(test_roundtrip_decode);
    RUN(test_sign1_roundtrip);
    RUN(test_shared_cose_profile);
    RUN(test_accept_then_replay_and_skip);
    RUN(test_rejected_tx_does_not_consume_nonce);
    RUN(test_wrong_chain_id);
    RUN(test_threshold_and_outsiders);
    RUN(test_bad_signature);
    RUN(test_duplicate_signer_malformed);
    RUN(test_malformed_envelopes);
    RUN(test_oversize);
    RUN(test_unknown_signer);
    fixture_chain_free(&C);
    return test_summary();
}
