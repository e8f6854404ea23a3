/* Configuration rules: config key set publishes versioned documents for a
 * device, group or model; devices report what they applied. */
#include <string.h>

#include "ledger_fixture.h"
#include "test.h"

static fixture_chain C;
static tc_err E;
static uint8_t B[4096], cfg_sec[64];
static size_t BL, N;
static tc_cbor_enc e;
static fixture_device D;

static void begin(void) { tc_cbor_enc_init(&e, B, sizeof B); }
static void end(void) { tc_cbor_enc_finish(&e, &BL); }

static void setup(void)
{
    uint8_t pub[32];
    fixture_chain_free(&C);
    fixture_chain_init(&C);
    fixture_org_keys(&C, FX_FLEET, TC_KEYS_CONFIG, 600);
    fixture_key(pub, cfg_sec, 600);
    fixture_device_new(&C, &D, 1, FX_FLEET);
}

static void pub_body(uint64_t kind, const uint8_t *t, size_t tl, uint64_t version, const char *doc)
{
    uint8_t h[32];
    tc_sha256(h, doc, strlen(doc));
    begin();
    tc_cbor_put_map(&e, 7);
    tc_cbor_put_uint(&e, 1); tc_cbor_put_uint(&e, kind);
    tc_cbor_put_uint(&e, 2); tc_cbor_put_bytes(&e, t, tl);
    tc_cbor_put_uint(&e, 3); tc_cbor_put_cstr(&e, "settings");
    tc_cbor_put_uint(&e, 4); tc_cbor_put_uint(&e, version);
    tc_cbor_put_uint(&e, 5); tc_cbor_put_bytes(&e, h, 32);
    tc_cbor_put_uint(&e, 6); tc_cbor_put_uint(&e, strlen(doc));
    tc_cbor_put_uint(&e, 7); tc_cbor_put_bytes(&e, (const uint8_t *)doc, strlen(doc));
    end();
}

static int publish(void)
{
    return fixture_org(&C, &E, TC_TX_CFG_PUBLISH, FX_FLEET, TC_KEYS_CONFIG, B, BL, (const uint8_t(*)[64])cfg_sec, 1);
}

/* Document id as docs/ledger.md defines it. */
static void doc_id(uint8_t out[16], uint64_t kind, const uint8_t *t, size_t tl)
{
    uint8_t buf[128], h[32];
    buf[0] = (uint8_t)kind;
    buf[1] = (uint8_t)tl;
    memcpy(buf + 2, t, tl);
    memcpy(buf + 2 + tl, "settings", 8);
    tc_sha256(h, buf, 2 + tl + 8);
    memcpy(out, h, 16);
}

static void rep_body(const uint8_t id[16], uint64_t version)
{
    begin();
    tc_cbor_put_map(&e, 4);
    tc_cbor_put_uint(&e, 1); tc_cbor_put_uint(&e, FX_FLEET);
    tc_cbor_put_uint(&e, 2); tc_cbor_put_bytes(&e, id, 16);
    tc_cbor_put_uint(&e, 3); tc_cbor_put_uint(&e, version);
    tc_cbor_put_uint(&e, 4); tc_cbor_put_uint(&e, 0);
    end();
}

static void test_publish(void)
{
    setup();
    pub_body(1, D.id, 16, 1, "{\"rate\":5}");
    CHECK_ERR(fixture_org(&C, &E, TC_TX_CFG_PUBLISH, FX_FLEET, TC_KEYS_ADMIN, B, BL, fixture_admin(&C, FX_FLEET, &N), 1),
              TC_ERR_LEDGER_UNAUTHORIZED);                             /* admin is not the config key set */
    CHECK_OK(publish());
    CHECK_ERR(publish(), TC_ERR_LEDGER_VERSION_ROLLBACK);
    pub_body(1, D.id, 16, 2, "{\"rate\":6}");
    CHECK_OK(publish());
    /* Digest mismatch. */
    pub_body(1, D.id, 16, 3, "{\"rate\":7}");
    B[BL - 1] ^= 1;
    CHECK_ERR(publish(), TC_ERR_LEDGER_MALFORMED);
    /* A device the operator does not own. */
    fixture_device other;
    CHECK_OK(fixture_device_new(&C, &other, 2, FX_RIVAL));
    pub_body(1, other.id, 16, 1, "x");
    CHECK_ERR(publish(), TC_ERR_LEDGER_UNAUTHORIZED);
    /* Unknown device. */
    uint8_t unk[16] = {9};
    pub_body(1, unk, 16, 1, "x");
    CHECK_ERR(publish(), TC_ERR_LEDGER_UNKNOWN_DEVICE);
    /* Bad target kind. */
    pub_body(4, D.id, 16, 1, "x");
    CHECK_ERR(publish(), TC_ERR_LEDGER_MALFORMED);
}

static void test_reports(void)
{
    setup();
    uint8_t id[16], gid[16];
    pub_body(1, D.id, 16, 3, "{\"rate\":5}");
    CHECK_OK(publish());
    doc_id(id, 1, D.id, 16);
    rep_body(id, 3);
    CHECK_OK(fixture_dev(&C, &E, TC_TX_CFG_REPORT, D.id, D.sec, B, BL));
    rep_body(id, 2);
    CHECK_ERR(fixture_dev(&C, &E, TC_TX_CFG_REPORT, D.id, D.sec, B, BL), TC_ERR_LEDGER_VERSION_ROLLBACK);
    rep_body(id, 4);
    CHECK_ERR(fixture_dev(&C, &E, TC_TX_CFG_REPORT, D.id, D.sec, B, BL), TC_ERR_LEDGER_NOT_FOUND);
    /* Another device of the same owner is not targeted by this document. */
    fixture_device d2;
    CHECK_OK(fixture_device_new(&C, &d2, 3, FX_FLEET));
    rep_body(id, 3);
    CHECK_ERR(fixture_dev(&C, &E, TC_TX_CFG_REPORT, d2.id, d2.sec, B, BL), TC_ERR_LEDGER_UNAUTHORIZED);
    /* Group target: applies once the device is in the group. */
    pub_body(2, (const uint8_t *)"hvac", 4, 1, "g");
    CHECK_OK(publish());
    doc_id(gid, 2, (const uint8_t *)"hvac", 4);
    rep_body(gid, 1);
    CHECK_ERR(fixture_dev(&C, &E, TC_TX_CFG_REPORT, d2.id, d2.sec, B, BL), TC_ERR_LEDGER_UNAUTHORIZED);
    begin();
    tc_cbor_put_map(&e, 2);
    tc_cbor_put_uint(&e, 1); tc_cbor_put_bytes(&e, d2.id, 16);
    tc_cbor_put_uint(&e, 2); tc_cbor_put_array(&e, 1); tc_cbor_put_cstr(&e, "hvac");
    end();
    CHECK_OK(fixture_org(&C, &E, TC_TX_DEV_SET_GROUPS, FX_FLEET, TC_KEYS_ADMIN, B, BL, fixture_admin(&C, FX_FLEET, &N), 1));
    rep_body(gid, 1);
    CHECK_OK(fixture_dev(&C, &E, TC_TX_CFG_REPORT, d2.id, d2.sec, B, BL));
    /* Model target. */
    pub_body(3, (const uint8_t *)"sensor-1", 8, 1, "m");
    CHECK_OK(publish());
    doc_id(gid, 3, (const uint8_t *)"sensor-1", 8);
    rep_body(gid, 1);
    CHECK_OK(fixture_dev(&C, &E, TC_TX_CFG_REPORT, D.id, D.sec, B, BL));
    /* Reports are only signed by devices; unknown document. */
    CHECK_ERR(fixture_org(&C, &E, TC_TX_CFG_REPORT, FX_FLEET, TC_KEYS_ADMIN, B, BL, fixture_admin(&C, FX_FLEET, &N), 1),
              TC_ERR_LEDGER_UNAUTHORIZED);
    gid[0] ^= 1;
    rep_body(gid, 1);
    CHECK_ERR(fixture_dev(&C, &E, TC_TX_CFG_REPORT, D.id, D.sec, B, BL), TC_ERR_LEDGER_NOT_FOUND);
}

int main(void)
{
    RUN(test_publish);
    RUN(test_reports);
    fixture_chain_free(&C);
    return test_summary();
}
