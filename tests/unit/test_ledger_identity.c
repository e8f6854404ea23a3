/* Identity rules: manufacture, claim, transfer, rotation (owner authorizes,
 * device signs), attributes, groups, suspend/resume/revoke. */
#include <string.h>

#include "ledger_fixture.h"
#include "test.h"

static fixture_chain C;
static tc_err E;
static uint8_t B[4096];
static size_t BL, N;
static tc_cbor_enc e;

static void setup(void) { fixture_chain_free(&C); fixture_chain_init(&C); }
static void begin(void) { tc_cbor_enc_init(&e, B, sizeof B); }
static void end(void) { tc_cbor_enc_finish(&e, &BL); }
#define ADM(org) fixture_admin(&C, (org), &N), ((org) == FX_MAKER ? 2 : 1)

static void dev_body(const uint8_t id[16])
{
    begin();
    tc_cbor_put_map(&e, 1);
    tc_cbor_put_uint(&e, 1); tc_cbor_put_bytes(&e, id, 16);
    end();
}

/* dev.claim body {1: device, 2: claim signature}. */
static void claim_body(const uint8_t id[16], const uint8_t sig[64])
{
    begin();
    tc_cbor_put_map(&e, 2);
    tc_cbor_put_uint(&e, 1); tc_cbor_put_bytes(&e, id, 16);
    tc_cbor_put_uint(&e, 2); tc_cbor_put_bytes(&e, sig, 64);
    end();
}

static int dev_status(const uint8_t id[16], uint64_t *owner)
{
    uint8_t k[17] = {'D'}, v[4096];
    size_t n;
    memcpy(k + 1, id, 16);
    if (tc_state_get(C.st, v, sizeof v, &n, k, 17)) return -1;
    /* Decode fields 7 (owner) and 8 (status) by walking the map. */
    tc_cbor_dec d;
    uint64_t pairs, key, val = 0, st = 99;
    tc_cbor_dec_init(&d, v, n, NULL);
    tc_cbor_get_map(&d, &pairs);
    for (uint64_t i = 0; i < pairs; i++) {
        tc_cbor_get_uint(&d, &key);
        if (key == 7) tc_cbor_get_uint(&d, &val);
        else if (key == 8) tc_cbor_get_uint(&d, &st);
        else tc_cbor_skip(&d);
    }
    if (owner) *owner = val;
    return (int)st;
}

static void test_manufacture_and_claim(void)
{
    setup();
    fixture_device d;
    CHECK_OK(fixture_device_new(&C, &d, 1, 0));
    uint64_t owner = 9;
    CHECK_EQ(dev_status(d.id, &owner), 0);
    CHECK_EQ(owner, 0);
    /* Same device again: duplicate. */
    CHECK_ERR(fixture_device_new(&C, &d, 1, 0), TC_ERR_LEDGER_DUPLICATE);
    /* Claims carry a signature by the one-time claim key over (chain id,
     * device id, claiming org): never the secret. */
    const uint8_t *cid = C.ctx.chain_id;
    size_t cl = C.ctx.chain_id_len, sl = strlen(d.secret);
    uint8_t sig[64], fleet_sig[64];
    /* Wrong key: a signature by a key derived from another secret. */
    CHECK_OK(tc_claim_sign(sig, (const uint8_t *)"wrong", 5, cid, cl, d.id, FX_FLEET));
    claim_body(d.id, sig);
    CHECK_ERR(fixture_org(&C, &E, TC_TX_DEV_CLAIM, FX_FLEET, TC_KEYS_ADMIN, B, BL, ADM(FX_FLEET)), TC_ERR_LEDGER_CLAIM);
    CHECK(strstr(E.msg, "claim key") != NULL);
    /* Right key, signed for another chain. */
    CHECK_OK(tc_claim_sign(sig, (const uint8_t *)d.secret, sl, (const uint8_t *)"other-chain", 11, d.id, FX_FLEET));
    claim_body(d.id, sig);
    CHECK_ERR(fixture_org(&C, &E, TC_TX_DEV_CLAIM, FX_FLEET, TC_KEYS_ADMIN, B, BL, ADM(FX_FLEET)), TC_ERR_LEDGER_CLAIM);
    /* Right key, signed for another device. */
    uint8_t other_id[16];
    memcpy(other_id, d.id, 16);
    other_id[0] ^= 1;
    CHECK_OK(tc_claim_sign(sig, (const uint8_t *)d.secret, sl, cid, cl, other_id, FX_FLEET));
    claim_body(d.id, sig);
    CHECK_ERR(fixture_org(&C, &E, TC_TX_DEV_CLAIM, FX_FLEET, TC_KEYS_ADMIN, B, BL, ADM(FX_FLEET)), TC_ERR_LEDGER_CLAIM);
    /* A non-operator cannot claim even with its own valid signature. */
    CHECK_OK(tc_claim_sign(sig, (const uint8_t *)d.secret, sl, cid, cl, d.id, FX_VENDOR2));
    claim_body(d.id, sig);
    CHECK_ERR(fixture_org(&C, &E, TC_TX_DEV_CLAIM, FX_VENDOR2, TC_KEYS_ADMIN, B, BL, ADM(FX_VENDOR2)), TC_ERR_LEDGER_ROLE);
    /* Front-running: the rival copies FX_FLEET's pending claim signature
     * into its own claim, before FX_FLEET's is ordered. Rejected: the
     * signature names FX_FLEET. */
    CHECK_OK(tc_claim_sign(fleet_sig, (const uint8_t *)d.secret, sl, cid, cl, d.id, FX_FLEET));
    claim_body(d.id, fleet_sig);
    CHECK(memmem(B, BL, d.secret, sl) == NULL); /* the secret is not in the transaction */
    CHECK_ERR(fixture_org(&C, &E, TC_TX_DEV_CLAIM, FX_RIVAL, TC_KEYS_ADMIN, B, BL, ADM(FX_RIVAL)), TC_ERR_LEDGER_CLAIM);
    CHECK_EQ(dev_status(d.id, &owner), 0);
    CHECK_EQ(owner, 0);
    /* The original claim is still good. */
    CHECK_OK(fixture_org(&C, &E, TC_TX_DEV_CLAIM, FX_FLEET, TC_KEYS_ADMIN, B, BL, ADM(FX_FLEET)));
    CHECK_EQ(dev_status(d.id, &owner), 0);
    CHECK_EQ(owner, FX_FLEET);
    /* One-time: a second claim fails, whoever signs (the claim key is gone
     * from the record), even the original owner with a fresh nonce. */
    CHECK_OK(tc_claim_sign(sig, (const uint8_t *)d.secret, sl, cid, cl, d.id, FX_RIVAL));
    claim_body(d.id, sig);
    CHECK_ERR(fixture_org(&C, &E, TC_TX_DEV_CLAIM, FX_RIVAL, TC_KEYS_ADMIN, B, BL, ADM(FX_RIVAL)), TC_ERR_LEDGER_CLAIM);
    claim_body(d.id, fleet_sig);
    CHECK_ERR(fixture_org(&C, &E, TC_TX_DEV_CLAIM, FX_FLEET, TC_KEYS_ADMIN, B, BL, ADM(FX_FLEET)), TC_ERR_LEDGER_CLAIM);
    CHECK(strstr(E.msg, "already has an owner") != NULL);
    /* Unknown device. */
    uint8_t unknown[16] = {1, 2, 3};
    begin();
    tc_cbor_put_map(&e, 2);
    tc_cbor_put_uint(&e, 1); tc_cbor_put_bytes(&e, unknown, 16);
    tc_cbor_put_uint(&e, 2); tc_cbor_put_bytes(&e, sig, 64);
    end();
    CHECK_ERR(fixture_org(&C, &E, TC_TX_DEV_CLAIM, FX_FLEET, TC_KEYS_ADMIN, B, BL, ADM(FX_FLEET)),
              TC_ERR_LEDGER_UNKNOWN_DEVICE);
}

static void test_manufacture_rejects(void)
{
    setup();
    fixture_device d;
    fixture_device_keys(&d, 2);
    /* Operator cannot manufacture; one maker key of two is below threshold. */
    uint8_t h[32], hs[64];
    tc_claim_key(h, hs, (const uint8_t *)"a claim secret", 14);
    begin();
    tc_cbor_put_map(&e, 1);
    tc_cbor_put_uint(&e, 1); tc_cbor_put_array(&e, 1);
    tc_cbor_put_map(&e, 5);
    tc_cbor_put_uint(&e, 1); tc_cbor_put_bytes(&e, d.pub, 32);
    tc_cbor_put_uint(&e, 2); tc_cbor_put_bytes(&e, d.x, 32);
    tc_cbor_put_uint(&e, 3); tc_cbor_put_cstr(&e, "m");
    tc_cbor_put_uint(&e, 4); tc_cbor_put_cstr(&e, "s");
    tc_cbor_put_uint(&e, 5); tc_cbor_put_bytes(&e, h, 32);
    end();
    CHECK_ERR(fixture_org(&C, &E, TC_TX_DEV_MANUFACTURE, FX_FLEET, TC_KEYS_ADMIN, B, BL, ADM(FX_FLEET)), TC_ERR_LEDGER_ROLE);
    CHECK_ERR(fixture_org(&C, &E, TC_TX_DEV_MANUFACTURE, FX_MAKER, TC_KEYS_ADMIN, B, BL, fixture_admin(&C, FX_MAKER, &N), 1),
              TC_ERR_LEDGER_THRESHOLD);
    /* Invalid identity key (all zero: small order). */
    /* first key bytes follow a1 01 81 a5 01 58 20 */
    CHECK(B[5] == 0x58 && B[6] == 0x20);
    memset(B + 7, 0, 32);
    CHECK_ERR(fixture_org(&C, &E, TC_TX_DEV_MANUFACTURE, FX_MAKER, TC_KEYS_ADMIN, B, BL, ADM(FX_MAKER)), TC_ERR_LEDGER_BAD_KEY);
    CHECK(strstr(E.msg, "identity key") != NULL);
    /* Invalid claim key (the body's last 32 bytes). */
    memcpy(B + 7, d.pub, 32);
    CHECK_MEM(B + BL - 32, h, 32);
    memset(B + BL - 32, 0, 32);
    CHECK_ERR(fixture_org(&C, &E, TC_TX_DEV_MANUFACTURE, FX_MAKER, TC_KEYS_ADMIN, B, BL, ADM(FX_MAKER)), TC_ERR_LEDGER_BAD_KEY);
    CHECK(strstr(E.msg, "claim key") != NULL);
    /* Empty batch and missing field are malformed. */
    static const uint8_t empty[] = {0xa1, 0x01, 0x80};
    CHECK_ERR(fixture_org(&C, &E, TC_TX_DEV_MANUFACTURE, FX_MAKER, TC_KEYS_ADMIN, empty, 3, ADM(FX_MAKER)), TC_ERR_LEDGER_MALFORMED);
    static const uint8_t missing[] = {0xa1, 0x01, 0x81, 0xa0};
    CHECK_ERR(fixture_org(&C, &E, TC_TX_DEV_MANUFACTURE, FX_MAKER, TC_KEYS_ADMIN, missing, 4, ADM(FX_MAKER)), TC_ERR_LEDGER_MALFORMED);
}

static void test_batch(void)
{
    setup();
    uint8_t h[32], hs[64];
    tc_claim_key(h, hs, (const uint8_t *)"a claim secret", 14);
    begin();
    tc_cbor_put_map(&e, 1);
    tc_cbor_put_uint(&e, 1); tc_cbor_put_array(&e, 20);
    for (unsigned i = 0; i < 20; i++) {
        fixture_device d;
        fixture_device_keys(&d, 100 + i);
        tc_cbor_put_map(&e, 5);
        tc_cbor_put_uint(&e, 1); tc_cbor_put_bytes(&e, d.pub, 32);
        tc_cbor_put_uint(&e, 2); tc_cbor_put_bytes(&e, d.x, 32);
        tc_cbor_put_uint(&e, 3); tc_cbor_put_cstr(&e, "m");
        tc_cbor_put_uint(&e, 4); tc_cbor_put_cstr(&e, "s");
        tc_cbor_put_uint(&e, 5); tc_cbor_put_bytes(&e, h, 32);
    }
    end();
    size_t before = fixture_state_count(C.st);
    CHECK_OK(fixture_org(&C, &E, TC_TX_DEV_MANUFACTURE, FX_MAKER, TC_KEYS_ADMIN, B, BL, ADM(FX_MAKER)));
    CHECK_EQ(fixture_state_count(C.st), before + 41); /* 20 devices + 20 key index + nonce */
    /* A batch with one duplicate is rejected as a whole. */
    before = fixture_state_count(C.st);
    CHECK_ERR(fixture_org(&C, &E, TC_TX_DEV_MANUFACTURE, FX_MAKER, TC_KEYS_ADMIN, B, BL, ADM(FX_MAKER)),
              TC_ERR_LEDGER_DUPLICATE);
    CHECK(strstr(E.msg, "device 0 of the batch") != NULL);
    CHECK_EQ(fixture_state_count(C.st), before);
}

static void test_transfer(void)
{
    setup();
    fixture_device d;
    uint64_t owner;
    CHECK_OK(fixture_device_new(&C, &d, 3, 0));
    begin();
    tc_cbor_put_map(&e, 2);
    tc_cbor_put_uint(&e, 1); tc_cbor_put_bytes(&e, d.id, 16);
    tc_cbor_put_uint(&e, 2); tc_cbor_put_uint(&e, FX_RIVAL);
    end();
    /* Unclaimed: only the manufacturer transfers. */
    CHECK_ERR(fixture_org(&C, &E, TC_TX_DEV_TRANSFER, FX_FLEET, TC_KEYS_ADMIN, B, BL, ADM(FX_FLEET)), TC_ERR_LEDGER_UNAUTHORIZED);
    CHECK_OK(fixture_org(&C, &E, TC_TX_DEV_TRANSFER, FX_MAKER, TC_KEYS_ADMIN, B, BL, ADM(FX_MAKER)));
    dev_status(d.id, &owner);
    CHECK_EQ(owner, FX_RIVAL);
    /* Now owned: the manufacturer no longer can; the owner can, to an operator only. */
    CHECK_ERR(fixture_org(&C, &E, TC_TX_DEV_TRANSFER, FX_MAKER, TC_KEYS_ADMIN, B, BL, ADM(FX_MAKER)), TC_ERR_LEDGER_UNAUTHORIZED);
    begin();
    tc_cbor_put_map(&e, 2);
    tc_cbor_put_uint(&e, 1); tc_cbor_put_bytes(&e, d.id, 16);
    tc_cbor_put_uint(&e, 2); tc_cbor_put_uint(&e, FX_VENDOR2);
    end();
    CHECK_ERR(fixture_org(&C, &E, TC_TX_DEV_TRANSFER, FX_RIVAL, TC_KEYS_ADMIN, B, BL, ADM(FX_RIVAL)), TC_ERR_LEDGER_ROLE);
}

static void auth_body(const fixture_device *d, const fixture_device *nk, uint64_t expiry)
{
    begin();
    tc_cbor_put_map(&e, 4);
    tc_cbor_put_uint(&e, 1); tc_cbor_put_bytes(&e, d->id, 16);
    tc_cbor_put_uint(&e, 2); tc_cbor_put_bytes(&e, nk->pub, 32);
    tc_cbor_put_uint(&e, 3); tc_cbor_put_bytes(&e, nk->x, 32);
    tc_cbor_put_uint(&e, 4); tc_cbor_put_uint(&e, expiry);
    end();
}

static void rot_body(const fixture_device *nk)
{
    begin();
    tc_cbor_put_map(&e, 2);
    tc_cbor_put_uint(&e, 1); tc_cbor_put_bytes(&e, nk->pub, 32);
    tc_cbor_put_uint(&e, 2); tc_cbor_put_bytes(&e, nk->x, 32);
    end();
}

static void test_rotation(void)
{
    setup();
    fixture_device d, nk, other;
    CHECK_OK(fixture_device_new(&C, &d, 4, FX_FLEET));
    fixture_device_keys(&nk, 40);
    fixture_device_keys(&other, 41);
    /* Device alone cannot rotate: the owner has not approved. */
    rot_body(&nk);
    CHECK_ERR(fixture_dev(&C, &E, TC_TX_DEV_ROTATE, d.id, d.sec, B, BL), TC_ERR_LEDGER_NOT_APPROVED);
    /* A non-owner cannot authorize. */
    auth_body(&d, &nk, 2000000);
    CHECK_ERR(fixture_org(&C, &E, TC_TX_DEV_AUTHORIZE_ROTATION, FX_RIVAL, TC_KEYS_ADMIN, B, BL, ADM(FX_RIVAL)),
              TC_ERR_LEDGER_UNAUTHORIZED);
    /* Expiry in the past. */
    auth_body(&d, &nk, 1000000);
    CHECK_ERR(fixture_org(&C, &E, TC_TX_DEV_AUTHORIZE_ROTATION, FX_FLEET, TC_KEYS_ADMIN, B, BL, ADM(FX_FLEET)),
              TC_ERR_LEDGER_EXPIRED);
    auth_body(&d, &nk, 2000000);
    CHECK_OK(fixture_org(&C, &E, TC_TX_DEV_AUTHORIZE_ROTATION, FX_FLEET, TC_KEYS_ADMIN, B, BL, ADM(FX_FLEET)));
    /* Other keys than authorized. */
    rot_body(&other);
    CHECK_ERR(fixture_dev(&C, &E, TC_TX_DEV_ROTATE, d.id, d.sec, B, BL), TC_ERR_LEDGER_NOT_APPROVED);
    /* Signed by the new key instead of the current one. */
    rot_body(&nk);
    CHECK_ERR(fixture_dev(&C, &E, TC_TX_DEV_ROTATE, d.id, nk.sec, B, BL), TC_ERR_LEDGER_UNAUTHORIZED);
    /* Authorization expired by the time of the block. */
    C.ctx.time_ms = 2000000;
    CHECK_ERR(fixture_dev(&C, &E, TC_TX_DEV_ROTATE, d.id, d.sec, B, BL), TC_ERR_LEDGER_EXPIRED);
    C.ctx.time_ms = 1500000;
    CHECK_OK(fixture_dev(&C, &E, TC_TX_DEV_ROTATE, d.id, d.sec, B, BL));
    /* Old key is dead, new key signs (device id unchanged). */
    begin();
    tc_cbor_put_map(&e, 2);
    tc_cbor_put_uint(&e, 1); tc_cbor_put_bytes(&e, d.id, 16);
    tc_cbor_put_uint(&e, 2); tc_cbor_put_map(&e, 1); tc_cbor_put_cstr(&e, "fw"); tc_cbor_put_cstr(&e, "1.0");
    end();
    CHECK_ERR(fixture_dev(&C, &E, TC_TX_DEV_SET_ATTRS, d.id, d.sec, B, BL), TC_ERR_LEDGER_UNAUTHORIZED);
    CHECK_OK(fixture_dev(&C, &E, TC_TX_DEV_SET_ATTRS, d.id, nk.sec, B, BL));
    /* Authorization is consumed. */
    rot_body(&nk);
    CHECK_ERR(fixture_dev(&C, &E, TC_TX_DEV_ROTATE, d.id, nk.sec, B, BL), TC_ERR_LEDGER_NOT_APPROVED);
}

static void test_attrs_and_groups(void)
{
    setup();
    fixture_device d;
    CHECK_OK(fixture_device_new(&C, &d, 5, FX_FLEET));
    begin();
    tc_cbor_put_map(&e, 2);
    tc_cbor_put_uint(&e, 1); tc_cbor_put_bytes(&e, d.id, 16);
    tc_cbor_put_uint(&e, 2); tc_cbor_put_map(&e, 2);
    tc_cbor_put_cstr(&e, "room"); tc_cbor_put_cstr(&e, "12");
    tc_cbor_put_cstr(&e, "floor"); tc_cbor_put_cstr(&e, "3");
    end();
    CHECK_OK(fixture_dev(&C, &E, TC_TX_DEV_SET_ATTRS, d.id, d.sec, B, BL));
    CHECK_OK(fixture_org(&C, &E, TC_TX_DEV_SET_ATTRS, FX_FLEET, TC_KEYS_ADMIN, B, BL, ADM(FX_FLEET)));
    CHECK_ERR(fixture_org(&C, &E, TC_TX_DEV_SET_ATTRS, FX_RIVAL, TC_KEYS_ADMIN, B, BL, ADM(FX_RIVAL)), TC_ERR_LEDGER_UNAUTHORIZED);
    /* Another device may not set this one's attributes. */
    fixture_device d2;
    CHECK_OK(fixture_device_new(&C, &d2, 6, FX_FLEET));
    CHECK_ERR(fixture_dev(&C, &E, TC_TX_DEV_SET_ATTRS, d2.id, d2.sec, B, BL), TC_ERR_LEDGER_UNAUTHORIZED);
    /* Non-text attribute value. */
    begin();
    tc_cbor_put_map(&e, 2);
    tc_cbor_put_uint(&e, 1); tc_cbor_put_bytes(&e, d.id, 16);
    tc_cbor_put_uint(&e, 2); tc_cbor_put_map(&e, 1); tc_cbor_put_cstr(&e, "a"); tc_cbor_put_uint(&e, 1);
    end();
    CHECK_ERR(fixture_dev(&C, &E, TC_TX_DEV_SET_ATTRS, d.id, d.sec, B, BL), TC_ERR_LEDGER_MALFORMED);
    /* Groups: owner only, no duplicates. */
    begin();
    tc_cbor_put_map(&e, 2);
    tc_cbor_put_uint(&e, 1); tc_cbor_put_bytes(&e, d.id, 16);
    tc_cbor_put_uint(&e, 2); tc_cbor_put_array(&e, 2); tc_cbor_put_cstr(&e, "lights"); tc_cbor_put_cstr(&e, "hvac");
    end();
    CHECK_ERR(fixture_dev(&C, &E, TC_TX_DEV_SET_GROUPS, d.id, d.sec, B, BL), TC_ERR_LEDGER_UNAUTHORIZED);
    CHECK_OK(fixture_org(&C, &E, TC_TX_DEV_SET_GROUPS, FX_FLEET, TC_KEYS_ADMIN, B, BL, ADM(FX_FLEET)));
    begin();
    tc_cbor_put_map(&e, 2);
    tc_cbor_put_uint(&e, 1); tc_cbor_put_bytes(&e, d.id, 16);
    tc_cbor_put_uint(&e, 2); tc_cbor_put_array(&e, 2); tc_cbor_put_cstr(&e, "x"); tc_cbor_put_cstr(&e, "x");
    end();
    CHECK_ERR(fixture_org(&C, &E, TC_TX_DEV_SET_GROUPS, FX_FLEET, TC_KEYS_ADMIN, B, BL, ADM(FX_FLEET)), TC_ERR_LEDGER_MALFORMED);
}

static void test_suspend_resume_revoke(void)
{
    setup();
    fixture_device d;
    CHECK_OK(fixture_device_new(&C, &d, 7, FX_FLEET));
    dev_body(d.id);
    CHECK_ERR(fixture_org(&C, &E, TC_TX_DEV_SUSPEND, FX_RIVAL, TC_KEYS_ADMIN, B, BL, ADM(FX_RIVAL)), TC_ERR_LEDGER_UNAUTHORIZED);
    CHECK_ERR(fixture_org(&C, &E, TC_TX_DEV_RESUME, FX_FLEET, TC_KEYS_ADMIN, B, BL, ADM(FX_FLEET)), TC_ERR_LEDGER_STATE);
    CHECK_OK(fixture_org(&C, &E, TC_TX_DEV_SUSPEND, FX_FLEET, TC_KEYS_ADMIN, B, BL, ADM(FX_FLEET)));
    CHECK_EQ(dev_status(d.id, NULL), 1);
    /* A suspended device cannot sign. */
    static const uint8_t attrs[] = {0xa2, 0x01, 0x50, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02, 0xa0};
    uint8_t ab[sizeof attrs];
    memcpy(ab, attrs, sizeof ab);
    memcpy(ab + 3, d.id, 16);
    CHECK_ERR(fixture_dev(&C, &E, TC_TX_DEV_SET_ATTRS, d.id, d.sec, ab, sizeof ab), TC_ERR_LEDGER_SUSPENDED);
    dev_body(d.id);
    CHECK_OK(fixture_org(&C, &E, TC_TX_DEV_RESUME, FX_FLEET, TC_KEYS_ADMIN, B, BL, ADM(FX_FLEET)));
    CHECK_OK(fixture_dev(&C, &E, TC_TX_DEV_SET_ATTRS, d.id, d.sec, ab, sizeof ab));
    dev_body(d.id);
    CHECK_OK(fixture_org(&C, &E, TC_TX_DEV_REVOKE, FX_FLEET, TC_KEYS_ADMIN, B, BL, ADM(FX_FLEET)));
    CHECK_EQ(dev_status(d.id, NULL), 2);
    CHECK_ERR(fixture_org(&C, &E, TC_TX_DEV_RESUME, FX_FLEET, TC_KEYS_ADMIN, B, BL, ADM(FX_FLEET)), TC_ERR_LEDGER_REVOKED);
    CHECK_ERR(fixture_dev(&C, &E, TC_TX_DEV_SET_ATTRS, d.id, d.sec, ab, sizeof ab), TC_ERR_LEDGER_REVOKED);
    /* Revoked device's key can never be recorded again. */
    CHECK_ERR(fixture_device_new(&C, &d, 7, 0), TC_ERR_LEDGER_DUPLICATE);
}

int main(void)
{
    RUN(test_manufacture_and_claim);
    RUN(test_manufacture_rejects);
    RUN(test_batch);
    RUN(test_transfer);
    RUN(test_rotation);
    RUN(test_attrs_and_groups);
    RUN(test_suspend_resume_revoke);
    fixture_chain_free(&C);
    return test_summary();
}
