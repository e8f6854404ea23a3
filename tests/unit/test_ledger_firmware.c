/* Firmware rules: threshold-signed releases, rollback, expiry, revocation,
 * rollouts in waves with pause/resume/abort, device reports. */
#include <string.h>

#include "ledger_fixture.h"
#include "test.h"

static fixture_chain C;
static tc_err E;
static uint8_t B[4096];
static size_t BL, N;
static tc_cbor_enc e;
static uint8_t rel_sec[2][64];

static void begin(void) { tc_cbor_enc_init(&e, B, sizeof B); }
static void end(void) { tc_cbor_enc_finish(&e, &BL); }

/* Maker gets a 2-of-2 release key set (seeds 500, 501). */
static void setup(void)
{
    fixture_chain_free(&C);
    fixture_chain_init(&C);
    fixture_org_keyset(&C, FX_MAKER, TC_KEYS_RELEASE, 2, 2, (const unsigned[]){ 500, 501 }, rel_sec);
}

static void rel_body(const char *model, uint64_t version, uint64_t minprior, uint64_t expiry)
{
    uint8_t dg[32], root[32];
    memset(dg, 0xd1, 32);
    memset(root, 0x77, 32);
    begin();
    tc_cbor_put_map(&e, 8);
    tc_cbor_put_uint(&e, 1); tc_cbor_put_cstr(&e, model);
    tc_cbor_put_uint(&e, 2); tc_cbor_put_uint(&e, version);
    tc_cbor_put_uint(&e, 3); tc_cbor_put_bytes(&e, dg, 32);
    tc_cbor_put_uint(&e, 4); tc_cbor_put_uint(&e, 100000);
    tc_cbor_put_uint(&e, 5); tc_cbor_put_uint(&e, 4096);
    tc_cbor_put_uint(&e, 6); tc_cbor_put_bytes(&e, root, 32);
    tc_cbor_put_uint(&e, 7); tc_cbor_put_uint(&e, minprior);
    tc_cbor_put_uint(&e, 8); tc_cbor_put_uint(&e, expiry);
    end();
}

static int release(size_t nkeys)
{
    return fixture_org(&C, &E, TC_TX_FW_RELEASE, FX_MAKER, TC_KEYS_RELEASE, B, BL, (const uint8_t(*)[64])rel_sec, nkeys);
}

static void test_release_rules(void)
{
    setup();
    rel_body("sensor-1", 5, 1, 9000000);
    CHECK_ERR(release(1), TC_ERR_LEDGER_THRESHOLD);                 /* key compromise below threshold */
    CHECK_ERR(fixture_org(&C, &E, TC_TX_FW_RELEASE, FX_MAKER, TC_KEYS_ADMIN, B, BL, fixture_admin(&C, FX_MAKER, &N), 2),
              TC_ERR_LEDGER_UNAUTHORIZED);                           /* admin keys are not release keys */
    CHECK_OK(release(2));
    CHECK_ERR(release(2), TC_ERR_LEDGER_VERSION_ROLLBACK);          /* same version */
    rel_body("sensor-1", 4, 1, 9000000);
    CHECK_ERR(release(2), TC_ERR_LEDGER_VERSION_ROLLBACK);          /* downgrade */
    rel_body("sensor-1", 6, 1, 1000000);
    CHECK_ERR(release(2), TC_ERR_LEDGER_EXPIRED);                   /* already expired */
    rel_body("sensor-1", 6, 6, 9000000);
    CHECK_ERR(release(2), TC_ERR_LEDGER_MALFORMED);                 /* min prior >= version */
    rel_body("other-model", 1, 0, 9000000);
    CHECK_OK(release(2));                                           /* versions are per model */
    /* Another vendor cannot publish without a release key set at all. */
    CHECK_ERR(fixture_org(&C, &E, TC_TX_FW_RELEASE, FX_VENDOR2, TC_KEYS_RELEASE, B, BL,
                          (const uint8_t(*)[64])rel_sec, 2), TC_ERR_LEDGER_UNKNOWN_SIGNER);
}

static void revoke_body(const char *model, uint64_t v)
{
    begin();
    tc_cbor_put_map(&e, 2);
    tc_cbor_put_uint(&e, 1); tc_cbor_put_cstr(&e, model);
    tc_cbor_put_uint(&e, 2); tc_cbor_put_uint(&e, v);
    end();
}

static void roll_body(uint64_t id, uint64_t version, int two_waves)
{
    begin();
    tc_cbor_put_map(&e, 5);
    tc_cbor_put_uint(&e, 1); tc_cbor_put_uint(&e, id);
    tc_cbor_put_uint(&e, 2); tc_cbor_put_uint(&e, FX_MAKER);
    tc_cbor_put_uint(&e, 3); tc_cbor_put_cstr(&e, "sensor-1");
    tc_cbor_put_uint(&e, 4); tc_cbor_put_uint(&e, version);
    tc_cbor_put_uint(&e, 5); tc_cbor_put_array(&e, two_waves ? 2 : 1);
    tc_cbor_put_array(&e, 1); tc_cbor_put_cstr(&e, "canary");
    if (two_waves) { tc_cbor_put_array(&e, 1); tc_cbor_put_cstr(&e, "main"); }
    end();
}

static int fleet(uint32_t type)
{
    return fixture_org(&C, &E, type, FX_FLEET, TC_KEYS_ADMIN, B, BL, fixture_admin(&C, FX_FLEET, &N), 1);
}

static void ctrl_body(uint64_t id, uint64_t action)
{
    begin();
    tc_cbor_put_map(&e, 2);
    tc_cbor_put_uint(&e, 1); tc_cbor_put_uint(&e, id);
    tc_cbor_put_uint(&e, 2); tc_cbor_put_uint(&e, action);
    end();
}

static void rep_body(uint64_t org, uint64_t id, uint64_t version)
{
    begin();
    tc_cbor_put_map(&e, 4);
    tc_cbor_put_uint(&e, 1); tc_cbor_put_uint(&e, org);
    tc_cbor_put_uint(&e, 2); tc_cbor_put_uint(&e, id);
    tc_cbor_put_uint(&e, 3); tc_cbor_put_uint(&e, version);
    tc_cbor_put_uint(&e, 4); tc_cbor_put_uint(&e, 2);
    end();
}

static int set_group(const fixture_device *d, const char *g)
{
    begin();
    tc_cbor_put_map(&e, 2);
    tc_cbor_put_uint(&e, 1); tc_cbor_put_bytes(&e, d->id, 16);
    tc_cbor_put_uint(&e, 2); tc_cbor_put_array(&e, 1); tc_cbor_put_cstr(&e, g);
    end();
    return fleet(TC_TX_DEV_SET_GROUPS);
}

static void test_revoke_and_rollout(void)
{
    setup();
    rel_body("sensor-1", 5, 1, 9000000);
    CHECK_OK(release(2));
    rel_body("sensor-1", 6, 1, 9000000);
    CHECK_OK(release(2));
    revoke_body("sensor-1", 6);
    CHECK_ERR(fixture_org(&C, &E, TC_TX_FW_REVOKE, FX_MAKER, TC_KEYS_RELEASE, B, BL, (const uint8_t(*)[64])rel_sec, 1),
              TC_ERR_LEDGER_THRESHOLD);
    CHECK_OK(fixture_org(&C, &E, TC_TX_FW_REVOKE, FX_MAKER, TC_KEYS_RELEASE, B, BL, (const uint8_t(*)[64])rel_sec, 2));
    CHECK_ERR(fixture_org(&C, &E, TC_TX_FW_REVOKE, FX_MAKER, TC_KEYS_RELEASE, B, BL, (const uint8_t(*)[64])rel_sec, 2),
              TC_ERR_LEDGER_REVOKED);
    revoke_body("sensor-1", 9);
    CHECK_ERR(fixture_org(&C, &E, TC_TX_FW_REVOKE, FX_MAKER, TC_KEYS_RELEASE, B, BL, (const uint8_t(*)[64])rel_sec, 2),
              TC_ERR_LEDGER_NOT_FOUND);
    /* Rolling out a revoked, unknown, or (later) expired release fails. */
    roll_body(1, 6, 1);
    CHECK_ERR(fleet(TC_TX_FW_ROLLOUT), TC_ERR_LEDGER_REVOKED);
    roll_body(1, 7, 1);
    CHECK_ERR(fleet(TC_TX_FW_ROLLOUT), TC_ERR_LEDGER_NOT_FOUND);
    roll_body(1, 5, 1);
    CHECK_ERR(fixture_org(&C, &E, TC_TX_FW_ROLLOUT, FX_MAKER, TC_KEYS_ADMIN, B, BL, fixture_admin(&C, FX_MAKER, &N), 2),
              TC_ERR_LEDGER_ROLE);                                  /* vendors do not roll out */
    C.ctx.time_ms = 9000000;
    CHECK_ERR(fleet(TC_TX_FW_ROLLOUT), TC_ERR_LEDGER_EXPIRED);
    C.ctx.time_ms = 1000000;
    CHECK_OK(fleet(TC_TX_FW_ROLLOUT));
    CHECK_ERR(fleet(TC_TX_FW_ROLLOUT), TC_ERR_LEDGER_DUPLICATE);
}

static void test_waves_and_reports(void)
{
    setup();
    fixture_device canary, main_dev, stranger;
    CHECK_OK(fixture_device_new(&C, &canary, 1, FX_FLEET));
    CHECK_OK(fixture_device_new(&C, &main_dev, 2, FX_FLEET));
    CHECK_OK(fixture_device_new(&C, &stranger, 3, FX_RIVAL));
    CHECK_OK(set_group(&canary, "canary"));
    CHECK_OK(set_group(&main_dev, "main"));
    rel_body("sensor-1", 5, 1, 9000000);
    CHECK_OK(release(2));
    /* Report before any rollout: not approved by the operator. */
    rep_body(FX_FLEET, 1, 5);
    CHECK_ERR(fixture_dev(&C, &E, TC_TX_FW_REPORT, canary.id, canary.sec, B, BL), TC_ERR_LEDGER_NOT_APPROVED);
    roll_body(1, 5, 1);
    roll_body(1, 5, 2);
    CHECK_OK(fleet(TC_TX_FW_ROLLOUT));
    rep_body(FX_FLEET, 1, 5);
    CHECK_OK(fixture_dev(&C, &E, TC_TX_FW_REPORT, canary.id, canary.sec, B, BL));
    /* Main wave not started yet. */
    CHECK_ERR(fixture_dev(&C, &E, TC_TX_FW_REPORT, main_dev.id, main_dev.sec, B, BL), TC_ERR_LEDGER_NOT_APPROVED);
    /* A device of another operator cannot join this rollout. */
    CHECK_ERR(fixture_dev(&C, &E, TC_TX_FW_REPORT, stranger.id, stranger.sec, B, BL), TC_ERR_LEDGER_NOT_APPROVED);
    /* Wrong version. */
    rep_body(FX_FLEET, 1, 4);
    CHECK_ERR(fixture_dev(&C, &E, TC_TX_FW_REPORT, canary.id, canary.sec, B, BL), TC_ERR_LEDGER_NOT_APPROVED);
    /* Pause, advance refused while paused, resume, advance. */
    ctrl_body(1, 2);
    CHECK_OK(fleet(TC_TX_FW_ROLLOUT_CONTROL));
    CHECK_ERR(fleet(TC_TX_FW_ROLLOUT_CONTROL), TC_ERR_LEDGER_STATE);
    ctrl_body(1, 1);
    CHECK_ERR(fleet(TC_TX_FW_ROLLOUT_CONTROL), TC_ERR_LEDGER_STATE);
    ctrl_body(1, 3);
    CHECK_OK(fleet(TC_TX_FW_ROLLOUT_CONTROL));
    ctrl_body(1, 1);
    CHECK_OK(fleet(TC_TX_FW_ROLLOUT_CONTROL));
    CHECK_ERR(fleet(TC_TX_FW_ROLLOUT_CONTROL), TC_ERR_LEDGER_STATE);   /* no third wave */
    rep_body(FX_FLEET, 1, 5);
    CHECK_OK(fixture_dev(&C, &E, TC_TX_FW_REPORT, main_dev.id, main_dev.sec, B, BL));
    /* Another operator cannot control this rollout (it is not theirs). */
    ctrl_body(1, 4);
    CHECK_ERR(fixture_org(&C, &E, TC_TX_FW_ROLLOUT_CONTROL, FX_RIVAL, TC_KEYS_ADMIN, B, BL, fixture_admin(&C, FX_RIVAL, &N), 1),
              TC_ERR_LEDGER_NOT_FOUND);
    /* Abort: reports stop, control is refused. */
    CHECK_OK(fleet(TC_TX_FW_ROLLOUT_CONTROL));
    rep_body(FX_FLEET, 1, 5);
    CHECK_ERR(fixture_dev(&C, &E, TC_TX_FW_REPORT, canary.id, canary.sec, B, BL), TC_ERR_LEDGER_NOT_APPROVED);
    ctrl_body(1, 3);
    CHECK_ERR(fleet(TC_TX_FW_ROLLOUT_CONTROL), TC_ERR_LEDGER_STATE);
    /* Reports signed by an org are refused; unknown action malformed. */
    rep_body(FX_FLEET, 1, 5);
    CHECK_ERR(fleet(TC_TX_FW_REPORT), TC_ERR_LEDGER_UNAUTHORIZED);
    ctrl_body(1, 9);
    CHECK_ERR(fleet(TC_TX_FW_ROLLOUT_CONTROL), TC_ERR_LEDGER_MALFORMED);
}

int main(void)
{
    RUN(test_release_rules);
    RUN(test_revoke_and_rollout);
    RUN(test_waves_and_reports);
    fixture_chain_free(&C);
    return test_summary();
}
