/* Governance rules and genesis: register orgs, validator-set changes at a
 * later height, governance key changes, org key sets; genesis validation. */
#include <string.h>

#include "ledger_fixture.h"
#include "tc/genesis.h"
#include "test.h"

static fixture_chain C;
static tc_err E;
static uint8_t B[4096];
static size_t BL;
static tc_cbor_enc e;

static void setup(void)
{
    fixture_chain_free(&C);
    fixture_chain_init(&C);
}

static void begin(void) { tc_cbor_enc_init(&e, B, sizeof B); }
static int end(void) { return tc_cbor_enc_finish(&e, &BL); }

static void put_keyset(uint32_t k, unsigned seed0, size_t n)
{
    tc_cbor_put_map(&e, 2);
    tc_cbor_put_uint(&e, 1); tc_cbor_put_uint(&e, k);
    tc_cbor_put_uint(&e, 2); tc_cbor_put_array(&e, n);
    for (size_t i = 0; i < n; i++) {
        uint8_t pub[32], sec[64];
        fixture_key(pub, sec, seed0 + (unsigned)i);
        tc_cbor_put_bytes(&e, pub, 32);
    }
}

static void reg_body(uint64_t id, const char *name, uint32_t roles, uint32_t k, unsigned seed, size_t n)
{
    begin();
    tc_cbor_put_map(&e, 4);
    tc_cbor_put_uint(&e, 1); tc_cbor_put_uint(&e, id);
    tc_cbor_put_uint(&e, 2); tc_cbor_put_cstr(&e, name);
    tc_cbor_put_uint(&e, 3); tc_cbor_put_uint(&e, roles);
    tc_cbor_put_uint(&e, 4); put_keyset(k, seed, n);
    end();
}

static int has_key(const uint8_t *k, size_t kl)
{
    uint8_t v[4096];
    size_t n;
    return tc_state_get(C.st, v, sizeof v, &n, k, kl) == 0;
}

static void test_genesis_state(void)
{
    setup();
    uint8_t k[16] = {'O'};
    for (int i = 1; i <= 4; i++) {
        memset(k + 1, 0, 8);
        k[8] = (uint8_t)i;
        CHECK(has_key(k, 9));
    }
    CHECK(has_key((const uint8_t *)"M", 1));
    uint8_t kg[2] = {'K', TC_SIGNER_GOV};
    CHECK(has_key(kg, 2));
    uint8_t kv[9] = {'V', 0, 0, 0, 0, 0, 0, 0, 1};
    CHECK(has_key(kv, 9));
    tc_genesis g;
    CHECK_OK(tc_genesis_decode(&g, &E, C.genesis, C.genesis_len));
    CHECK_EQ(g.time_ms, 900000);
    CHECK_EQ(g.chain_id_len, 10);
    tc_valset vs;
    CHECK_OK(tc_genesis_valset(&vs, &E, &g));
    CHECK_EQ(vs.n, 4);
    CHECK_EQ(vs.total, 40);
    /* Genesis hash is SHA-256 of the bytes and is recorded in 'M'. */
    uint8_t h[32], m[256];
    size_t ml;
    tc_genesis_hash(h, C.genesis, C.genesis_len);
    CHECK_OK(tc_state_get(C.st, m, sizeof m, &ml, (const uint8_t *)"M", 1));
    CHECK(ml > 32);
    CHECK_MEM(m + ml - 32, h, 32);
}

static void test_genesis_rejects(void)
{
    setup();
    tc_genesis g;
    uint8_t doc[2048];
    memcpy(doc, C.genesis, C.genesis_len);
    /* Trailing byte, truncation, junk. */
    doc[C.genesis_len] = 0;
    CHECK_ERR(tc_genesis_decode(&g, &E, doc, C.genesis_len + 1), TC_ERR_LEDGER_GENESIS);
    CHECK_ERR(tc_genesis_decode(&g, &E, doc, C.genesis_len - 1), TC_ERR_LEDGER_GENESIS);
    /* Duplicate org ids, threshold above n, bad key. */
    uint8_t pub[32], sec[64];
    fixture_key(pub, sec, 5);
    uint64_t pw = 1;
    tc_genesis_org o[2] = {{7, "a", 1, 1, 1, (const uint8_t(*)[32])pub}, {7, "b", 1, 1, 1, (const uint8_t(*)[32])pub}};
    tc_genesis_spec s = {"x", 1, 1, (const uint8_t(*)[32])pub, &pw, 1, 1, (const uint8_t(*)[32])pub, 2, o};
    size_t dl;
    CHECK_OK(tc_genesis_encode(doc, sizeof doc, &dl, &s));
    CHECK_ERR(tc_genesis_decode(&g, &E, doc, dl), TC_ERR_LEDGER_GENESIS);
    CHECK(strstr(E.msg, "twice") != NULL);
    s.norgs = 1;
    s.gov_k = 2;
    CHECK_OK(tc_genesis_encode(doc, sizeof doc, &dl, &s));
    CHECK_ERR(tc_genesis_decode(&g, &E, doc, dl), TC_ERR_LEDGER_KEYSET);
    s.gov_k = 1;
    uint8_t zero[32] = {0};
    s.val_pubs = (const uint8_t(*)[32])zero;
    CHECK_OK(tc_genesis_encode(doc, sizeof doc, &dl, &s));
    CHECK_ERR(tc_genesis_decode(&g, &E, doc, dl), TC_ERR_LEDGER_BAD_KEY);
    s.val_pubs = (const uint8_t(*)[32])pub;
    pw = 0;
    CHECK_OK(tc_genesis_encode(doc, sizeof doc, &dl, &s));
    CHECK_ERR(tc_genesis_decode(&g, &E, doc, dl), TC_ERR_LEDGER_GENESIS);
    pw = 1;
    CHECK_OK(tc_genesis_encode(doc, sizeof doc, &dl, &s));
    CHECK_OK(tc_genesis_decode(&g, &E, doc, dl));
}

static void test_register_org(void)
{
    setup();
    reg_body(9, "new org", TC_ROLE_OPERATOR, 2, 50, 3);
    CHECK_OK(fixture_gov(&C, &E, TC_TX_GOV_REGISTER_ORG, B, BL));
    uint8_t k[9] = {'O', 0, 0, 0, 0, 0, 0, 0, 9};
    CHECK(has_key(k, 9));
    /* Again: duplicate. */
    CHECK_ERR(fixture_gov(&C, &E, TC_TX_GOV_REGISTER_ORG, B, BL), TC_ERR_LEDGER_DUPLICATE);
    /* Org admin cannot register orgs. */
    size_t n;
    reg_body(10, "x", 1, 1, 60, 1);
    CHECK_ERR(fixture_org(&C, &E, TC_TX_GOV_REGISTER_ORG, FX_FLEET, TC_KEYS_ADMIN, B, BL,
                          fixture_admin(&C, FX_FLEET, &n), 1), TC_ERR_LEDGER_UNAUTHORIZED);
    /* Threshold of a new admin set above its size. */
    reg_body(11, "x", 1, 4, 60, 3);
    CHECK_ERR(fixture_gov(&C, &E, TC_TX_GOV_REGISTER_ORG, B, BL), TC_ERR_LEDGER_KEYSET);
    /* Bad roles value. */
    reg_body(12, "x", 8, 1, 60, 1);
    CHECK_ERR(fixture_gov(&C, &E, TC_TX_GOV_REGISTER_ORG, B, BL), TC_ERR_LEDGER_MALFORMED);
    /* The new org's admin set (2 of 3, seeds 50..52) can act: 1 signature is not enough. */
    uint8_t pub[32], secs[2][64];
    fixture_key(pub, secs[0], 50);
    fixture_key(pub, secs[1], 51);
    begin();
    tc_cbor_put_map(&e, 2);
    tc_cbor_put_uint(&e, 1); tc_cbor_put_uint(&e, TC_KEYS_CONFIG);
    tc_cbor_put_uint(&e, 2); put_keyset(1, 70, 1);
    end();
    CHECK_ERR(fixture_org(&C, &E, TC_TX_ORG_SET_KEYS, 9, TC_KEYS_ADMIN, B, BL, (const uint8_t(*)[64])secs, 1),
              TC_ERR_LEDGER_THRESHOLD);
    CHECK_OK(fixture_org(&C, &E, TC_TX_ORG_SET_KEYS, 9, TC_KEYS_ADMIN, B, BL, (const uint8_t(*)[64])secs, 2));
}

static void test_org_set_keys_roles(void)
{
    setup();
    /* A release key set needs the manufacturer role. */
    CHECK_OK(fixture_org_keys(&C, FX_MAKER, TC_KEYS_RELEASE, 80));
    CHECK_ERR(fixture_org_keys(&C, FX_FLEET, TC_KEYS_RELEASE, 81), TC_ERR_LEDGER_ROLE);
    CHECK_OK(fixture_org_keys(&C, FX_FLEET, TC_KEYS_CONFIG, 82));
    CHECK_ERR(fixture_org_keys(&C, FX_MAKER, TC_KEYS_CONFIG, 83), TC_ERR_LEDGER_ROLE);
    /* The release key set may not name key sets (only admin may). */
    uint8_t pub[32], sec[64];
    fixture_key(pub, sec, 80);
    begin();
    tc_cbor_put_map(&e, 2);
    tc_cbor_put_uint(&e, 1); tc_cbor_put_uint(&e, TC_KEYS_RELEASE);
    tc_cbor_put_uint(&e, 2); put_keyset(1, 90, 1);
    end();
    CHECK_ERR(fixture_org(&C, &E, TC_TX_ORG_SET_KEYS, FX_MAKER, TC_KEYS_RELEASE, B, BL,
                          (const uint8_t(*)[64])sec, 1), TC_ERR_LEDGER_UNAUTHORIZED);
}

static void val_body(uint64_t h, size_t n, uint64_t power)
{
    begin();
    tc_cbor_put_map(&e, 2);
    tc_cbor_put_uint(&e, 1); tc_cbor_put_uint(&e, h);
    tc_cbor_put_uint(&e, 2); tc_cbor_put_array(&e, n);
    for (size_t i = 0; i < n; i++) {
        uint8_t pub[32], sec[64];
        fixture_key(pub, sec, 200 + (unsigned)(i % 3));
        tc_cbor_put_array(&e, 2);
        tc_cbor_put_bytes(&e, pub, 32);
        tc_cbor_put_uint(&e, power);
    }
    end();
}

static void test_set_validators(void)
{
    setup();
    val_body(7, 3, 5); /* height 5: 7 is the earliest */
    CHECK_OK(fixture_gov(&C, &E, TC_TX_GOV_SET_VALIDATORS, B, BL));
    uint8_t k[9] = {'V', 0, 0, 0, 0, 0, 0, 0, 7};
    CHECK(has_key(k, 9));
    val_body(6, 3, 5);
    CHECK_ERR(fixture_gov(&C, &E, TC_TX_GOV_SET_VALIDATORS, B, BL), TC_ERR_LEDGER_HEIGHT);
    val_body(9, 4, 5); /* key repeats (i % 3) */
    CHECK_ERR(fixture_gov(&C, &E, TC_TX_GOV_SET_VALIDATORS, B, BL), TC_ERR_LEDGER_MALFORMED);
    val_body(9, 2, 0); /* zero power */
    CHECK_ERR(fixture_gov(&C, &E, TC_TX_GOV_SET_VALIDATORS, B, BL), TC_ERR_LEDGER_MALFORMED);
    size_t n;
    val_body(9, 2, 1);
    CHECK_ERR(fixture_org(&C, &E, TC_TX_GOV_SET_VALIDATORS, FX_FLEET, TC_KEYS_ADMIN, B, BL,
                          fixture_admin(&C, FX_FLEET, &n), 1), TC_ERR_LEDGER_UNAUTHORIZED);
}

static void test_set_gov_keys(void)
{
    setup();
    begin();
    tc_cbor_put_map(&e, 1);
    tc_cbor_put_uint(&e, 1); put_keyset(1, 300, 1);
    end();
    CHECK_OK(fixture_gov(&C, &E, TC_TX_GOV_SET_KEYS, B, BL));
    /* The old governance keys no longer work. */
    CHECK_ERR(fixture_gov(&C, &E, TC_TX_GOV_SET_KEYS, B, BL), TC_ERR_LEDGER_UNAUTHORIZED);
    uint8_t pub[32], sec[64], s[1];
    fixture_key(pub, sec, 300);
    tc_signer_gov(s);
    CHECK_OK(fixture_apply(&C, &E, TC_TX_GOV_SET_KEYS, s, 1, 0, B, BL, (const uint8_t(*)[64])sec, 1));
    /* Invalid key set: empty keys. */
    begin();
    tc_cbor_put_map(&e, 1);
    tc_cbor_put_uint(&e, 1); put_keyset(1, 300, 0);
    end();
    CHECK_ERR(fixture_apply(&C, &E, TC_TX_GOV_SET_KEYS, s, 1, 0, B, BL, (const uint8_t(*)[64])sec, 1),
              TC_ERR_LEDGER_KEYSET);
}

int main(void)
{
    RUN(test_genesis_state);
    RUN(test_genesis_rejects);
    RUN(test_register_org);
    RUN(test_org_set_keys_roles);
    RUN(test_set_validators);
    RUN(test_set_gov_keys);
    fixture_chain_free(&C);
    return test_summary();
}
