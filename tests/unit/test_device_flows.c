/* Device flows 1-3 (include/tcdev/device.h): enrollment, discovery and
 * config, each against REAL proof bundles: the ledger (tc_ledger_apply) on
 * a SQLite store, blocks certified by the genesis validator, bundles built
 * by the store as a node serves them (tests/unit/device_fixture.h). Each
 * flow is shown accepting, and refusing forged, stale and forked answers and
 * the flow's own attacks. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "device_fixture.h"

static dx_chain C;
static tcdev_light st;
static tcdev_light_work work;
static uint8_t bun[64 * 1024], bun2[64 * 1024];
static size_t blen, blen2;
static char dir[256], path[300];

static uint64_t now(void) { return C.lx.time_ms + 1000; }

static int open_chain(void)
{
    fx_tmpdir(dir, sizeof dir, "devflows");
    snprintf(path, sizeof path, "%s/node.db", dir);
    int rc = dx_open(&C, path);
    return rc ? rc : dx_anchor(&C, &st);
}

static void close_chain(void)
{
    dx_close(&C);
    fx_rm(dir);
}

static void test_enroll(void)
{
    lx_dev a, other;
    lx_dev_keys(&a, 1);
    lx_dev_keys(&other, 2);
    tcdev_device_record r;
    CHECK_OK(open_chain());
    CHECK_OK(dx_commit_all(&C));
    /* Not enrolled: the node proves the D record absent. */
    CHECK_OK(dx_dev_bundle(&C, bun, sizeof bun, &blen, a.id, 0));
    CHECK_ERR(tcdev_enroll_verify(&st, &work, &r, a.id, a.pub, a.x, 0, bun, blen, now()),
              TC_ERR_DEV_NOT_ENROLLED);
    CHECK_EQ(st.height, 1);
    /* Manufactured, not yet claimed. */
    CHECK_OK(lx_manufacture(&C.lx, &a, 1, "sensor-v1"));
    CHECK_OK(lx_manufacture(&C.lx, &other, 1, "sensor-v1"));
    CHECK_OK(dx_commit_all(&C));
    CHECK_OK(dx_dev_bundle(&C, bun, sizeof bun, &blen, a.id, 0));
    CHECK_ERR(tcdev_enroll_verify(&st, &work, &r, a.id, a.pub, a.x, 0, bun, blen, now()),
              TC_ERR_DEV_UNCLAIMED);
    CHECK_EQ(r.owner, 0);
    CHECK_EQ(r.manufacturer, LX_MAKER);
    CHECK_OK(lx_claim(&C.lx, &a, LX_FLEET));
    CHECK_OK(dx_commit_all(&C));
    uint64_t h_claimed = tc_store_height(C.lx.s);
    CHECK_OK(dx_dev_bundle(&C, bun, sizeof bun, &blen, a.id, 0));
    /* Forged record: one byte of the record flipped (the last byte of the
     * bundle is the record's key epoch, still valid CBOR). */
    bun[blen - 1] ^= 1;
    CHECK_ERR(tcdev_enroll_verify(&st, &work, &r, a.id, a.pub, a.x, 0, bun, blen, now()),
              TC_ERR_SMT_PROOF);
    CHECK_EQ(st.height, 2); /* unchanged */
    bun[blen - 1] ^= 1;
    /* A genuine bundle about another device: refused before verification. */
    CHECK_OK(dx_dev_bundle(&C, bun2, sizeof bun2, &blen2, other.id, 0));
    CHECK_ERR(tcdev_enroll_verify(&st, &work, &r, a.id, a.pub, a.x, 0, bun2, blen2, now()),
              TC_ERR_DEV_KEY);
    /* The device's keys must be the recorded ones. */
    CHECK_ERR(tcdev_enroll_verify(&st, &work, &r, a.id, other.pub, NULL, 0, bun, blen, now()),
              TC_ERR_DEV_WRONG_KEY);
    CHECK_ERR(tcdev_enroll_verify(&st, &work, &r, a.id, a.pub, other.x, 0, bun, blen, now()),
              TC_ERR_DEV_WRONG_KEY);
    CHECK_ERR(tcdev_enroll_verify(&st, &work, &r, a.id, a.pub, a.x, LX_RIVAL, bun, blen, now()),
              TC_ERR_DEV_OWNER);
    CHECK_OK(tcdev_enroll_verify(&st, &work, &r, a.id, a.pub, a.x, LX_FLEET, bun, blen, now()));
    CHECK_EQ(r.owner, LX_FLEET);
    CHECK_EQ(r.status, TCDEV_ACTIVE);
    CHECK_MEM(r.ed25519, a.pub, 32);
    CHECK_EQ(st.height, h_claimed);
    /* Stale: a node answering from an older height than already verified
     * (when the device was unclaimed) is refused. */
    CHECK_OK(dx_commit_all(&C));
    CHECK_OK(dx_dev_bundle(&C, bun, sizeof bun, &blen, a.id, 0));
    CHECK_OK(tcdev_enroll_verify(&st, &work, NULL, a.id, a.pub, a.x, 0, bun, blen, now()));
    CHECK_OK(dx_dev_bundle(&C, bun, sizeof bun, &blen, a.id, h_claimed - 1));
    CHECK_ERR(tcdev_enroll_verify(&st, &work, &r, a.id, a.pub, a.x, 0, bun, blen, now()),
              TC_ERR_LIGHT_STALE);
    /* Forked header at the verified height: refused. */
    uint8_t key[17] = {'D'};
    memcpy(key + 1, a.id, 16);
    CHECK_OK(dx_bundle_ex(&C, bun, sizeof bun, &blen, key, sizeof key, 0, 1));
    CHECK_ERR(tcdev_enroll_verify(&st, &work, &r, a.id, a.pub, a.x, 0, bun, blen, now()),
              TC_ERR_LIGHT_FORK);
    /* Suspended, then revoked by the owner. */
    CHECK_OK(dx_dev_status(&C, &a, LX_FLEET, TC_TX_DEV_SUSPEND));
    CHECK_OK(dx_commit_all(&C));
    CHECK_OK(dx_dev_bundle(&C, bun, sizeof bun, &blen, a.id, 0));
    CHECK_ERR(tcdev_enroll_verify(&st, &work, &r, a.id, a.pub, a.x, 0, bun, blen, now()),
              TC_ERR_DEV_SUSPENDED);
    CHECK_OK(dx_dev_status(&C, &a, LX_FLEET, TC_TX_DEV_REVOKE));
    CHECK_OK(dx_commit_all(&C));
    CHECK_OK(dx_dev_bundle(&C, bun, sizeof bun, &blen, a.id, 0));
    CHECK_ERR(tcdev_enroll_verify(&st, &work, &r, a.id, a.pub, a.x, 0, bun, blen, now()),
              TC_ERR_DEV_REVOKED);
    close_chain();
}

static void test_discovery(void)
{
    lx_dev a, b;
    lx_dev_keys(&a, 1);
    lx_dev_keys(&b, 2);
    tcdev_service s;
    const char *ep;
    size_t n;
    CHECK_OK(open_chain());
    CHECK_OK(lx_manufacture(&C.lx, &a, 1, "sensor-v1"));
    CHECK_OK(lx_manufacture(&C.lx, &b, 1, "gateway-v1"));
    CHECK_OK(dx_commit_all(&C));
    CHECK_OK(lx_claim(&C.lx, &a, LX_FLEET));
    CHECK_OK(lx_claim(&C.lx, &b, LX_FLEET));
    CHECK_OK(dx_commit_all(&C));
    uint64_t expiry = C.lx.time_ms + 60000;
    CHECK_OK(dx_publish(&C, &b, "temp", "sensor/temperature", "coap://10.0.0.2:5683", expiry));
    CHECK_OK(dx_commit_all(&C));
    uint8_t skey[1 + 16 + 4] = {'S'};
    memcpy(skey + 1, b.id, 16);
    memcpy(skey + 17, "temp", 4);
    CHECK_OK(dx_bundle(&C, bun, sizeof bun, &blen, skey, sizeof skey, 0));
    CHECK_OK(dx_dev_bundle(&C, bun2, sizeof bun2, &blen2, b.id, 0));
    CHECK_OK(tcdev_discovery_verify(&st, &work, &s, NULL, NULL, 0, bun, blen, bun2, blen2, now()));
    CHECK_MEM(s.device, b.id, 16);
    CHECK(s.name_len == 4 && memcmp(s.name, "temp", 4) == 0);
    CHECK(s.type_len == 18 && memcmp(s.type, "sensor/temperature", 18) == 0);
    CHECK_OK(tcdev_text_at(&ep, &n, s.endpoints, s.endpoints_len, 0));
    CHECK(n == 20 && memcmp(ep, "coap://10.0.0.2:5683", 20) == 0);
    CHECK_ERR(tcdev_text_at(&ep, &n, s.endpoints, s.endpoints_len, 1), TC_ERR_NOT_FOUND);
    CHECK_MEM(s.provider.x25519, b.x, 32);
    CHECK_EQ(s.expiry_ms, expiry);
    /* By exact name: the same answer; another name: the bundle is refused. */
    CHECK_OK(tcdev_discovery_verify(&st, &work, &s, b.id, "temp", 4, bun, blen, bun2, blen2, now()));
    CHECK_ERR(tcdev_discovery_verify(&st, &work, &s, b.id, "humi", 4, bun, blen, bun2, blen2, now()),
              TC_ERR_DEV_KEY);
    /* The provider's D record must be the offering device's. */
    CHECK_OK(dx_dev_bundle(&C, bun2, sizeof bun2, &blen2, a.id, 0));
    CHECK_ERR(tcdev_discovery_verify(&st, &work, &s, NULL, NULL, 0, bun, blen, bun2, blen2, now()),
              TC_ERR_DEV_KEY);
    CHECK_OK(dx_dev_bundle(&C, bun2, sizeof bun2, &blen2, b.id, 0));
    /* Forged service record (a byte of the endpoint flipped). */
    uint8_t *p = memmem(bun, blen, "10.0.0.2", 8);
    CHECK(p != NULL);
    p[0] ^= 1;
    CHECK_ERR(tcdev_discovery_verify(&st, &work, &s, NULL, NULL, 0, bun, blen, bun2, blen2, now()),
              TC_ERR_SMT_PROOF);
    p[0] ^= 1;
    /* Expired at device time, even though a node still serves it. */
    CHECK_ERR(tcdev_discovery_verify(&st, &work, &s, NULL, NULL, 0, bun, blen, bun2, blen2, expiry),
              TC_ERR_DEV_SVC_EXPIRED);
    /* A name nobody published: proven absent. */
    memcpy(skey + 17, "humi", 4);
    CHECK_OK(dx_bundle(&C, bun, sizeof bun, &blen, skey, sizeof skey, 0));
    CHECK_ERR(tcdev_discovery_verify(&st, &work, &s, b.id, "humi", 4, bun, blen, bun2, blen2, now()),
              TC_ERR_DEV_ABSENT);
    /* The provider is suspended: its old service record no longer counts. */
    CHECK_OK(dx_dev_status(&C, &b, LX_FLEET, TC_TX_DEV_SUSPEND));
    CHECK_OK(dx_commit_all(&C));
    memcpy(skey + 17, "temp", 4);
    CHECK_OK(dx_bundle(&C, bun, sizeof bun, &blen, skey, sizeof skey, 0));
    CHECK_OK(dx_dev_bundle(&C, bun2, sizeof bun2, &blen2, b.id, 0));
    CHECK_ERR(tcdev_discovery_verify(&st, &work, &s, NULL, NULL, 0, bun, blen, bun2, blen2, now()),
              TC_ERR_DEV_SUSPENDED);
    /* Stale: the D record from before the suspension. */
    CHECK_OK(dx_dev_bundle(&C, bun2, sizeof bun2, &blen2, b.id, tc_store_height(C.lx.s) - 1));
    CHECK_ERR(tcdev_discovery_verify(&st, &work, &s, NULL, NULL, 0, bun, blen, bun2, blen2, now()),
              TC_ERR_LIGHT_STALE);
    close_chain();
}

typedef struct applied { int calls, refuse; uint8_t body[64]; size_t len; } applied;
static int apply_cb(void *ctx, const tcdev_config *cfg, const uint8_t *body, size_t len)
{
    applied *a = ctx;
    (void)cfg;
    a->calls++;
    if (a->refuse) return 1;
    a->len = len < sizeof a->body ? len : sizeof a->body;
    memcpy(a->body, body, a->len);
    return 0;
}

static void test_config(void)
{
    lx_dev a;
    lx_dev_keys(&a, 1);
    uint8_t cpub[32], csec[64], rpub[32], rsec[64], key[25];
    tcdev_device_record self;
    tcdev_config cfg;
    applied ap;
    uint64_t ver = 0;
    memset(&ap, 0, sizeof ap);
    CHECK_OK(open_chain());
    CHECK_OK(lx_manufacture(&C.lx, &a, 1, "sensor-v1"));
    CHECK_OK(dx_config_keys(&C, LX_FLEET, cpub, csec, 70));
    CHECK_OK(dx_config_keys(&C, LX_RIVAL, rpub, rsec, 71));
    CHECK_OK(dx_commit_all(&C));
    CHECK_OK(lx_claim(&C.lx, &a, LX_FLEET));
    CHECK_OK(dx_set_groups(&C, &a, LX_FLEET, "floor-1", "sensors"));
    const char *v1 = "{\"interval\": 60}";
    CHECK_OK(dx_cfg_publish(&C, LX_FLEET, csec, 2, (const uint8_t *)"sensors", 7, "telemetry", 1,
                            (const uint8_t *)v1, strlen(v1), NULL, 0));
    CHECK_OK(dx_commit_all(&C));
    CHECK_OK(dx_dev_bundle(&C, bun, sizeof bun, &blen, a.id, 0));
    CHECK_OK(tcdev_enroll_verify(&st, &work, &self, a.id, a.pub, a.x, LX_FLEET, bun, blen, now()));
    CHECK(tcdev_device_in_group(&self, "sensors", 7));
    CHECK(!tcdev_device_in_group(&self, "sensor", 6));
    /* Group-targeted, inline body: verified, applied, version stored. */
    dx_cfg_key(key, LX_FLEET, 2, (const uint8_t *)"sensors", 7, "telemetry");
    CHECK_OK(dx_bundle(&C, bun, sizeof bun, &blen, key, sizeof key, 0));
    CHECK_OK(tcdev_config_apply(&st, &work, &cfg, &ver, &self, bun, blen, NULL, 0, now(), apply_cb, &ap));
    CHECK_EQ(ver, 1);
    CHECK_EQ(ap.calls, 1);
    CHECK(ap.len == strlen(v1) && memcmp(ap.body, v1, ap.len) == 0);
    /* The signed report is accepted by the ledger (real rules, real
     * signature, the device's own nonce). */
    uint8_t rep[TCDEV_CFG_REPORT_MAX(8)], scratch[TCDEV_CFG_REPORT_SCRATCH(8)];
    size_t rl;
    uint64_t nonce = a.nonce;
    CHECK_OK(tcdev_config_report(rep, sizeof rep, &rl, scratch, sizeof scratch, &nonce, "lx-chain", 8,
                                 a.id, a.sec, &cfg, TCDEV_CFG_APPLIED));
    CHECK_EQ(nonce, a.nonce + 1);
    CHECK_OK(dx_queue_raw(&C, rep, rl));
    CHECK_OK(dx_commit_all(&C));
    a.nonce = nonce;
    /* The ledger recorded it: g record {1 version 1, 2 status 0, ...}. */
    uint8_t gkey[41] = {'g'};
    memcpy(gkey + 1, a.id, 16);
    memcpy(gkey + 17, key + 1, 24);
    size_t vl;
    CHECK_OK(tc_store_state_get(C.lx.s, bun2, sizeof bun2, &vl, tc_store_height(C.lx.s), gkey, sizeof gkey));
    CHECK(vl > 5 && bun2[0] == 0xa4 && bun2[1] == 1 && bun2[2] == 1 && bun2[3] == 2 && bun2[4] == 0);
    /* Rollback: the same (older) document again. */
    CHECK_OK(dx_bundle(&C, bun, sizeof bun, &blen, key, sizeof key, 0));
    CHECK_ERR(tcdev_config_verify(&st, &work, &cfg, &self, ver, bun, blen, NULL, 0, now()),
              TC_ERR_DEV_CFG_ROLLBACK);
    /* Version 2 by location: the fetched body must match digest and size. */
    const char *v2 = "{\"interval\": 30}";
    CHECK_OK(dx_cfg_publish(&C, LX_FLEET, csec, 2, (const uint8_t *)"sensors", 7, "telemetry", 2,
                            (const uint8_t *)v2, strlen(v2), "https://cfg.example/t2", 0));
    CHECK_OK(dx_commit_all(&C));
    CHECK_OK(dx_bundle(&C, bun, sizeof bun, &blen, key, sizeof key, 0));
    char bad[32];
    memcpy(bad, v2, strlen(v2));
    bad[14] = '9';
    CHECK_ERR(tcdev_config_verify(&st, &work, &cfg, &self, ver, bun, blen, (const uint8_t *)bad,
                                  strlen(v2), now()), TC_ERR_DEV_CFG_DIGEST);
    CHECK_ERR(tcdev_config_verify(&st, &work, &cfg, &self, ver, bun, blen, (const uint8_t *)v2,
                                  strlen(v2) - 1, now()), TC_ERR_DEV_CFG_DIGEST);
    CHECK_ERR(tcdev_config_verify(&st, &work, &cfg, &self, ver, bun, blen, NULL, 0, now()),
              TC_ERR_DEV_CFG_DIGEST);
    /* The apply step refuses: the version does not advance. */
    ap.refuse = 1;
    CHECK_ERR(tcdev_config_apply(&st, &work, &cfg, &ver, &self, bun, blen, (const uint8_t *)v2,
                                 strlen(v2), now(), apply_cb, &ap), TC_ERR_DEV_CFG_APPLY);
    CHECK_EQ(ver, 1);
    ap.refuse = 0;
    CHECK_OK(tcdev_config_apply(&st, &work, &cfg, &ver, &self, bun, blen, (const uint8_t *)v2,
                                strlen(v2), now(), apply_cb, &ap));
    CHECK_EQ(ver, 2);
    CHECK(cfg.location_len == 22 && memcmp(cfg.location, "https://cfg.example/t2", 22) == 0);
    /* Forged record: a byte of the location flipped. */
    uint8_t *p = memmem(bun, blen, "cfg.example", 11);
    CHECK(p != NULL);
    p[0] ^= 1;
    CHECK_ERR(tcdev_config_verify(&st, &work, &cfg, &self, 1, bun, blen, (const uint8_t *)v2,
                                  strlen(v2), now()), TC_ERR_SMT_PROOF);
    /* Another model; expired; another operator's document. */
    uint8_t k2[25];
    const char *v3 = "x";
    CHECK_OK(dx_cfg_publish(&C, LX_FLEET, csec, 3, (const uint8_t *)"gateway-v1", 10, "m", 1,
                            (const uint8_t *)v3, 1, NULL, 0));
    uint64_t exp = C.lx.time_ms + 5000;
    CHECK_OK(dx_cfg_publish(&C, LX_FLEET, csec, 3, (const uint8_t *)"sensor-v1", 9, "short", 1,
                            (const uint8_t *)v3, 1, NULL, exp));
    CHECK_OK(dx_cfg_publish(&C, LX_RIVAL, rsec, 3, (const uint8_t *)"sensor-v1", 9, "evil", 1,
                            (const uint8_t *)v3, 1, NULL, 0));
    CHECK_OK(dx_commit_all(&C));
    dx_cfg_key(k2, LX_FLEET, 3, (const uint8_t *)"gateway-v1", 10, "m");
    CHECK_OK(dx_bundle(&C, bun, sizeof bun, &blen, k2, sizeof k2, 0));
    CHECK_ERR(tcdev_config_verify(&st, &work, &cfg, &self, 0, bun, blen, NULL, 0, now()),
              TC_ERR_DEV_CFG_TARGET);
    dx_cfg_key(k2, LX_FLEET, 3, (const uint8_t *)"sensor-v1", 9, "short");
    CHECK_OK(dx_bundle(&C, bun, sizeof bun, &blen, k2, sizeof k2, 0));
    CHECK_OK(tcdev_config_verify(&st, &work, &cfg, &self, 0, bun, blen, NULL, 0, now()));
    CHECK_ERR(tcdev_config_verify(&st, &work, &cfg, &self, 0, bun, blen, NULL, 0, exp),
              TC_ERR_DEV_CFG_EXPIRED);
    dx_cfg_key(k2, LX_RIVAL, 3, (const uint8_t *)"sensor-v1", 9, "evil");
    CHECK_OK(dx_bundle(&C, bun, sizeof bun, &blen, k2, sizeof k2, 0));
    CHECK_ERR(tcdev_config_verify(&st, &work, &cfg, &self, 0, bun, blen, NULL, 0, now()),
              TC_ERR_DEV_KEY);
    /* Stale: version 1's bundle from an older height. */
    CHECK_OK(dx_bundle(&C, bun, sizeof bun, &blen, key, sizeof key, 3));
    CHECK_ERR(tcdev_config_verify(&st, &work, &cfg, &self, 0, bun, blen, NULL, 0, now()),
              TC_ERR_LIGHT_STALE);
    close_chain();
}

int main(void)
{
    if (tc_crypto_init()) return 1;
    RUN(test_enroll);
    RUN(test_discovery);
    RUN(test_config);
    return test_summary();
}
