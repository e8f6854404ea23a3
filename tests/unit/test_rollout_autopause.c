/* Automatic rollout pause (issue 8 item 4; docs/firmware-ops.md,
 * "Automatic pause"): a rollout with "max failure per mille" (fw.rollout
 * key 6) counts, since its current wave started, the devices whose latest
 * report is final and those that failed; the report that makes
 * failed * 1000 exceed permille * final pauses the rollout in the same
 * block. Counting is per device (repeated reports do not count twice, a
 * retry that installs stops counting as failed); advance and resume start
 * afresh; a rollout without a threshold keeps its eight-field record. */
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

static int fleet(uint32_t type)
{
    return fixture_org(&C, &E, type, FX_FLEET, TC_KEYS_ADMIN, B, BL, fixture_admin(&C, FX_FLEET, &N), 1);
}

/* Maker: release key set 2-of-2; release sensor-1 v5. */
static int setup(void)
{
    uint8_t dg[32], root[32];
    fixture_chain_free(&C);
    fixture_chain_init(&C);
    int rc = fixture_org_keyset(&C, FX_MAKER, TC_KEYS_RELEASE, 2, 2, (const unsigned[]){ 500, 501 }, rel_sec);
    if (rc) return rc;
    memset(dg, 0xd1, 32);
    memset(root, 0x77, 32);
    begin();
    tc_cbor_put_map(&e, 8);
    tc_cbor_put_uint(&e, 1); tc_cbor_put_cstr(&e, "sensor-1");
    tc_cbor_put_uint(&e, 2); tc_cbor_put_uint(&e, 5);
    tc_cbor_put_uint(&e, 3); tc_cbor_put_bytes(&e, dg, 32);
    tc_cbor_put_uint(&e, 4); tc_cbor_put_uint(&e, 100000);
    tc_cbor_put_uint(&e, 5); tc_cbor_put_uint(&e, 4096);
    tc_cbor_put_uint(&e, 6); tc_cbor_put_bytes(&e, root, 32);
    tc_cbor_put_uint(&e, 7); tc_cbor_put_uint(&e, 1);
    tc_cbor_put_uint(&e, 8); tc_cbor_put_uint(&e, 9000000);
    end();
    return fixture_org(&C, &E, TC_TX_FW_RELEASE, FX_MAKER, TC_KEYS_RELEASE, B, BL, (const uint8_t(*)[64])rel_sec, 2);
}

/* waves [canary], [main]; permille < 0 means no threshold field. */
static void roll_body(uint64_t id, long permille)
{
    begin();
    tc_cbor_put_map(&e, permille < 0 ? 5 : 6);
    tc_cbor_put_uint(&e, 1); tc_cbor_put_uint(&e, id);
    tc_cbor_put_uint(&e, 2); tc_cbor_put_uint(&e, FX_MAKER);
    tc_cbor_put_uint(&e, 3); tc_cbor_put_cstr(&e, "sensor-1");
    tc_cbor_put_uint(&e, 4); tc_cbor_put_uint(&e, 5);
    tc_cbor_put_uint(&e, 5); tc_cbor_put_array(&e, 2);
    tc_cbor_put_array(&e, 1); tc_cbor_put_cstr(&e, "canary");
    tc_cbor_put_array(&e, 1); tc_cbor_put_cstr(&e, "main");
    if (permille >= 0) { tc_cbor_put_uint(&e, 6); tc_cbor_put_uint(&e, (uint64_t)permille); }
    end();
}

static int ctrl(uint64_t id, uint64_t action)
{
    begin();
    tc_cbor_put_map(&e, 2);
    tc_cbor_put_uint(&e, 1); tc_cbor_put_uint(&e, id);
    tc_cbor_put_uint(&e, 2); tc_cbor_put_uint(&e, action);
    end();
    return fleet(TC_TX_FW_ROLLOUT_CONTROL);
}

static int report(const fixture_device *d, uint64_t id, uint64_t state)
{
    begin();
    tc_cbor_put_map(&e, 4);
    tc_cbor_put_uint(&e, 1); tc_cbor_put_uint(&e, FX_FLEET);
    tc_cbor_put_uint(&e, 2); tc_cbor_put_uint(&e, id);
    tc_cbor_put_uint(&e, 3); tc_cbor_put_uint(&e, 5);
    tc_cbor_put_uint(&e, 4); tc_cbor_put_uint(&e, state);
    end();
    return fixture_dev(&C, &E, TC_TX_FW_REPORT, d->id, d->sec, B, BL);
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

/* The rollout record: number of fields and the value of uint key k
 * (UINT64_MAX if absent). */
static uint64_t rec(uint64_t id, uint64_t k, uint64_t *nfields)
{
    uint8_t key[17], val[1024];
    size_t n;
    key[0] = 'R';
    for (int i = 0; i < 8; i++) key[1 + i] = (uint8_t)((uint64_t)FX_FLEET >> (56 - 8 * i)), key[9 + i] = (uint8_t)(id >> (56 - 8 * i));
    if (tc_state_get(C.st, val, sizeof val, &n, key, sizeof key)) return UINT64_MAX - 1;
    tc_cbor_dec d;
    uint64_t pairs, kk, v = UINT64_MAX;
    tc_cbor_dec_init(&d, val, n, NULL);
    tc_cbor_get_map(&d, &pairs);
    if (nfields) *nfields = pairs;
    for (uint64_t i = 0; i < pairs; i++) {
        tc_cbor_get_uint(&d, &kk);
        if (kk == k) { tc_cbor_get_uint(&d, &v); return v; }
        tc_cbor_skip(&d);
    }
    return v;
}

enum { STATUS = 7, FINAL = 10, FAILED = 11, AUTO = 12 };

static void test_autopause(void)
{
    CHECK_OK(setup());
    fixture_device can[4], mn[3];
    for (unsigned i = 0; i < 4; i++) {
        CHECK_OK(fixture_device_new(&C, &can[i], 10 + i, FX_FLEET));
        CHECK_OK(set_group(&can[i], "canary"));
    }
    for (unsigned i = 0; i < 3; i++) {
        CHECK_OK(fixture_device_new(&C, &mn[i], 20 + i, FX_FLEET));
        CHECK_OK(set_group(&mn[i], "main"));
    }
    roll_body(1, 1001);
    CHECK_ERR(fleet(TC_TX_FW_ROLLOUT), TC_ERR_LEDGER_MALFORMED);  /* above 1000 per mille */
    roll_body(1, 500);
    CHECK_OK(fleet(TC_TX_FW_ROLLOUT));
    uint64_t nf;
    CHECK_EQ(rec(1, 9, &nf), 500);
    CHECK_EQ(nf, 12);
    CHECK_OK(report(&can[0], 1, 1));                 /* downloading: not final */
    CHECK_EQ(rec(1, FINAL, NULL), 0);
    CHECK_OK(report(&can[0], 1, 2));
    CHECK_OK(report(&can[1], 1, 2));
    CHECK_OK(report(&can[1], 1, 2));                 /* the same device again: counted once */
    CHECK_EQ(rec(1, FINAL, NULL), 2);
    CHECK_OK(report(&can[2], 1, 3));                 /* 1 of 3 failed: 1000 <= 1500 */
    CHECK_OK(report(&can[3], 1, 3));                 /* 2 of 4: 2000 == 2000, not above */
    CHECK_EQ(rec(1, FAILED, NULL), 2);
    CHECK_EQ(rec(1, STATUS, NULL), 0);
    CHECK_OK(report(&can[2], 1, 2));                 /* a retry that installs */
    CHECK_EQ(rec(1, FAILED, NULL), 1);
    CHECK_EQ(rec(1, FINAL, NULL), 4);
    CHECK_OK(ctrl(1, 1));                            /* advance: main starts, counts afresh */
    CHECK_EQ(rec(1, FINAL, NULL), 0);
    CHECK_EQ(rec(1, FAILED, NULL), 0);
    CHECK_OK(report(&mn[0], 1, 3));                  /* 1 of 1 failed: pauses in this block */
    CHECK_EQ(rec(1, STATUS, NULL), 1);
    CHECK_EQ(rec(1, AUTO, NULL), 1);
    CHECK_ERR(ctrl(1, 2), TC_ERR_LEDGER_STATE);      /* already paused */
    CHECK_OK(report(&mn[1], 1, 2));                  /* reports still recorded while paused */
    CHECK_EQ(rec(1, FINAL, NULL), 2);
    CHECK_EQ(rec(1, STATUS, NULL), 1);
    CHECK_OK(ctrl(1, 3));                            /* resume: active, counters and flag cleared */
    CHECK_EQ(rec(1, STATUS, NULL), 0);
    CHECK_EQ(rec(1, AUTO, NULL), 0);
    CHECK_EQ(rec(1, FINAL, NULL), 0);
    CHECK_OK(report(&mn[2], 1, 2));
    CHECK_OK(report(&mn[0], 1, 3));                  /* mn[0] was failed before resume: prev = 3, no new failure */
    CHECK_EQ(rec(1, FAILED, NULL), 0);
    CHECK_EQ(rec(1, STATUS, NULL), 0);
}

static void test_threshold_zero_and_none(void)
{
    CHECK_OK(setup());
    fixture_device d;
    CHECK_OK(fixture_device_new(&C, &d, 40, FX_FLEET));
    CHECK_OK(set_group(&d, "canary"));
    roll_body(2, -1);                                /* no threshold: the 8-field record */
    CHECK_OK(fleet(TC_TX_FW_ROLLOUT));
    uint64_t nf;
    CHECK_EQ(rec(2, 9, &nf), UINT64_MAX);
    CHECK_EQ(nf, 8);
    CHECK_OK(report(&d, 2, 3));
    CHECK_EQ(rec(2, STATUS, NULL), 0);               /* never pauses by itself */
    CHECK_EQ(rec(2, 7, &nf), 0);
    CHECK_EQ(nf, 8);
    roll_body(3, 0);                                 /* zero tolerance: any failure pauses */
    CHECK_OK(fleet(TC_TX_FW_ROLLOUT));
    CHECK_OK(report(&d, 3, 2));
    CHECK_EQ(rec(3, STATUS, NULL), 0);
    CHECK_OK(report(&d, 3, 3));
    CHECK_EQ(rec(3, STATUS, NULL), 1);
    CHECK_EQ(rec(3, AUTO, NULL), 1);
    CHECK_OK(ctrl(3, 4));                            /* abort still works */
    CHECK_EQ(rec(3, STATUS, NULL), 2);
}

int main(void)
{
    RUN(test_autopause);
    RUN(test_threshold_zero_and_none);
    fixture_chain_free(&C);
    return test_summary();
}
