/* Ledger queries (io/query_ledger.c) over a store fed real signed
 * transactions through tc_ledger_apply: services by type and attribute
 * with expiry at the height's time, config precedence, applicable firmware,
 * rollout status, anchors by root; answers checked against state proofs. */
#include "store_fixture.h"
#include "tc/anchor.h"
#include "tc/history.h"
#include "tc/query.h"
#include "tc/smt.h"
#include "test.h"

static lx_chain C;
static lx_dev D[4];
static tc_query_page PG;
static char DIR[400];

static void enc_text_array(tc_cbor_enc *e, const char *a, const char *b)
{
    tc_cbor_put_array(e, b ? 2 : 1);
    tc_cbor_put_cstr(e, a);
    if (b) tc_cbor_put_cstr(e, b);
}

static int groups(const lx_dev *d, const char *a, const char *b)
{
    uint8_t body[256];
    tc_cbor_enc e;
    tc_cbor_enc_init(&e, body, sizeof body);
    tc_cbor_put_map(&e, 2);
    tc_cbor_put_uint(&e, 1); tc_cbor_put_bytes(&e, d->id, 16);
    tc_cbor_put_uint(&e, 2); enc_text_array(&e, a, b);
    return lx_admin_tx(&C, TC_TX_DEV_SET_GROUPS, LX_FLEET, &e);
}

static int publish(lx_dev *d, const char *name, const char *type, const char *unit, uint64_t expiry)
{
    uint8_t body[512];
    tc_cbor_enc e;
    tc_cbor_enc_init(&e, body, sizeof body);
    tc_cbor_put_map(&e, 6);
    tc_cbor_put_uint(&e, 1); tc_cbor_put_bytes(&e, d->id, 16);
    tc_cbor_put_uint(&e, 2); tc_cbor_put_cstr(&e, name);
    tc_cbor_put_uint(&e, 3); tc_cbor_put_cstr(&e, type);
    tc_cbor_put_uint(&e, 4); enc_text_array(&e, "coap://[fd00::1]:5683", NULL);
    tc_cbor_put_uint(&e, 5); tc_cbor_put_map(&e, 1); tc_cbor_put_cstr(&e, "unit"); tc_cbor_put_cstr(&e, unit);
    tc_cbor_put_uint(&e, 6); tc_cbor_put_uint(&e, expiry);
    return lx_dev_tx(&C, TC_TX_SVC_PUBLISH, d, &e);
}


static int cfg(uint8_t kind, const void *target, size_t tl, const char *name, uint64_t version)
{
    uint8_t body[512], pub[32], sec[64], dg[32];
    tc_cbor_enc e;
    size_t bl;
    lx_key(pub, sec, 500);
    memset(dg, (int)version, 32);
    tc_cbor_enc_init(&e, body, sizeof body);
    tc_cbor_put_map(&e, 7);
    tc_cbor_put_uint(&e, 1); tc_cbor_put_uint(&e, kind);
    tc_cbor_put_uint(&e, 2); tc_cbor_put_bytes(&e, target, tl);
    tc_cbor_put_uint(&e, 3); tc_cbor_put_cstr(&e, name);
    tc_cbor_put_uint(&e, 4); tc_cbor_put_uint(&e, version);
    tc_cbor_put_uint(&e, 5); tc_cbor_put_bytes(&e, dg, 32);
    tc_cbor_put_uint(&e, 6); tc_cbor_put_uint(&e, 10);
    tc_cbor_put_uint(&e, 8); tc_cbor_put_cstr(&e, "https://cfg.example/x");
    if (tc_cbor_enc_finish(&e, &bl)) return TC_ERR_INVALID_ARG;
    return lx_org_tx(&C, TC_TX_CFG_PUBLISH, LX_FLEET, TC_KEYS_CONFIG, body, bl, sec);
}

static int release(uint64_t version, uint64_t min_prior)
{
    uint8_t body[512], pub[32], sec[64], dg[32];
    tc_cbor_enc e;
    size_t bl;
    lx_key(pub, sec, 600);
    memset(dg, (int)version, 32);
    tc_cbor_enc_init(&e, body, sizeof body);
    tc_cbor_put_map(&e, 8);
    tc_cbor_put_uint(&e, 1); tc_cbor_put_cstr(&e, "sensor-1");
    tc_cbor_put_uint(&e, 2); tc_cbor_put_uint(&e, version);
    tc_cbor_put_uint(&e, 3); tc_cbor_put_bytes(&e, dg, 32);
    tc_cbor_put_uint(&e, 4); tc_cbor_put_uint(&e, 100000);
    tc_cbor_put_uint(&e, 5); tc_cbor_put_uint(&e, 4096);
    tc_cbor_put_uint(&e, 6); tc_cbor_put_bytes(&e, dg, 32);
    tc_cbor_put_uint(&e, 7); tc_cbor_put_uint(&e, min_prior);
    tc_cbor_put_uint(&e, 8); tc_cbor_put_uint(&e, C.time_ms + 10000000);
    if (tc_cbor_enc_finish(&e, &bl)) return TC_ERR_INVALID_ARG;
    return lx_org_tx(&C, TC_TX_FW_RELEASE, LX_MAKER, TC_KEYS_RELEASE, body, bl, sec);
}

static int fw_revoke(uint64_t version)
{
    uint8_t body[64], pub[32], sec[64];
    tc_cbor_enc e;
    size_t bl;
    lx_key(pub, sec, 600);
    tc_cbor_enc_init(&e, body, sizeof body);
    tc_cbor_put_map(&e, 2);
    tc_cbor_put_uint(&e, 1); tc_cbor_put_cstr(&e, "sensor-1");
    tc_cbor_put_uint(&e, 2); tc_cbor_put_uint(&e, version);
    if (tc_cbor_enc_finish(&e, &bl)) return TC_ERR_INVALID_ARG;
    return lx_org_tx(&C, TC_TX_FW_REVOKE, LX_MAKER, TC_KEYS_RELEASE, body, bl, sec);
}

static int rollout(uint64_t id, uint64_t version, const char *w0, const char *w1)
{
    uint8_t body[256];
    tc_cbor_enc e;
    tc_cbor_enc_init(&e, body, sizeof body);
    tc_cbor_put_map(&e, 5);
    tc_cbor_put_uint(&e, 1); tc_cbor_put_uint(&e, id);
    tc_cbor_put_uint(&e, 2); tc_cbor_put_uint(&e, LX_MAKER);
    tc_cbor_put_uint(&e, 3); tc_cbor_put_cstr(&e, "sensor-1");
    tc_cbor_put_uint(&e, 4); tc_cbor_put_uint(&e, version);
    tc_cbor_put_uint(&e, 5); tc_cbor_put_array(&e, w1 ? 2 : 1);
    enc_text_array(&e, w0, NULL);
    if (w1) enc_text_array(&e, w1, NULL);
    return lx_admin_tx(&C, TC_TX_FW_ROLLOUT, LX_FLEET, &e);
}

static int control(uint64_t id, uint64_t action)
{
    uint8_t body[64];
    tc_cbor_enc e;
    tc_cbor_enc_init(&e, body, sizeof body);
    tc_cbor_put_map(&e, 2);
    tc_cbor_put_uint(&e, 1); tc_cbor_put_uint(&e, id);
    tc_cbor_put_uint(&e, 2); tc_cbor_put_uint(&e, action);
    return lx_admin_tx(&C, TC_TX_FW_ROLLOUT_CONTROL, LX_FLEET, &e);
}

static int report(lx_dev *d, uint64_t id, uint64_t version, uint64_t state)
{
    uint8_t body[64];
    tc_cbor_enc e;
    tc_cbor_enc_init(&e, body, sizeof body);
    tc_cbor_put_map(&e, 4);
    tc_cbor_put_uint(&e, 1); tc_cbor_put_uint(&e, LX_FLEET);
    tc_cbor_put_uint(&e, 2); tc_cbor_put_uint(&e, id);
    tc_cbor_put_uint(&e, 3); tc_cbor_put_uint(&e, version);
    tc_cbor_put_uint(&e, 4); tc_cbor_put_uint(&e, state);
    return lx_dev_tx(&C, TC_TX_FW_REPORT, d, &e);
}

/* Commits the queue; every transaction must be accepted. */
static void commit_all(uint64_t step)
{
    size_t want = C.nq, got = 0;
    CHECK_OK(lx_commit(&C, step, &got, 0));
    CHECK_EQ(got, want);
}

/* The record under key at height is what the height's state root proves. */
static int proven(uint64_t height, const uint8_t *key, size_t kl)
{
    static uint8_t val[4096], proof[TC_SMT_PROOF_MAX];
    uint8_t kh[32], vh[32], id[32];
    size_t vl, pl;
    tc_header h;
    if (tc_query_record(C.s, val, sizeof val, &vl, proof, sizeof proof, &pl, height, key, kl)) return 0;
    if (tc_store_header(C.s, &h, id, height)) return 0;
    tc_sha256(kh, key, kl);
    tc_sha256(vh, val, vl);
    return tc_smt_verify(h.state_root, kh, vh, proof, pl) == 0;
}

static void setup(void)
{
    char path[450];
    fx_tmpdir(DIR, sizeof DIR, "qledger");
    snprintf(path, sizeof path, "%s/q.db", DIR);
    CHECK_OK(lx_open(&C, path));
    for (unsigned i = 0; i < 4; i++) lx_dev_keys(&D[i], i + 1);
    /* h1: devices made, keys for config and release */
    CHECK_OK(lx_manufacture(&C, D, 4, "sensor-1"));
    CHECK_OK(lx_set_keys(&C, LX_FLEET, TC_KEYS_CONFIG, 500, NULL, NULL));
    CHECK_OK(lx_set_keys(&C, LX_MAKER, TC_KEYS_RELEASE, 600, NULL, NULL));
    commit_all(1000);
    /* h2: D0, D1 to the fleet, D2 to the rival; D3 stays unclaimed */
    CHECK_OK(lx_claim(&C, &D[0], LX_FLEET));
    CHECK_OK(lx_claim(&C, &D[1], LX_FLEET));
    CHECK_OK(lx_claim(&C, &D[2], LX_RIVAL));
    commit_all(1000);
    CHECK_EQ(tc_store_height(C.s), 2);
}

static void test_services(void)
{
    /* h3: D0 "temp" (thermo, C) expiring in 5 s; D1 "temp" (thermo, F) and
     * "hum" (hygro, C) for a day */
    uint64_t t3 = C.time_ms + 1000;
    CHECK_OK(publish(&D[0], "temp", "thermo", "C", t3 + 5000));
    CHECK_OK(publish(&D[1], "temp", "thermo", "F", t3 + 86400000));
    CHECK_OK(publish(&D[1], "hum", "hygro", "C", t3 + 86400000));
    commit_all(1000);
    /* h4: 10 s later, D0's service has expired (still in state) */
    commit_all(10000);
    CHECK_OK(tc_query_services(C.s, &PG, 3, TC_IDX_SVC_TYPE, (const uint8_t *)"thermo", 6, NULL, 0, 10));
    CHECK_EQ(PG.n, 2);
    for (size_t i = 0; i < PG.n; i++) CHECK(proven(3, PG.key[i], PG.key_len[i]));
    CHECK_OK(tc_query_services(C.s, &PG, 4, TC_IDX_SVC_TYPE, (const uint8_t *)"thermo", 6, NULL, 0, 10));
    CHECK_EQ(PG.n, 1);
    CHECK_MEM(PG.key[0] + 1, D[1].id, 16);
    CHECK(proven(4, PG.key[0], PG.key_len[0]));
    CHECK_OK(tc_query_services(C.s, &PG, 2, TC_IDX_SVC_TYPE, (const uint8_t *)"thermo", 6, NULL, 0, 10));
    CHECK_EQ(PG.n, 0);
    /* by attribute unit=C: h3 both D0/temp and D1/hum, paged by one */
    uint8_t ik[TC_QUERY_IKEY_MAX];
    size_t ikn;
    CHECK_OK(tc_query_attr_ikey(ik, &ikn, "unit", 4, "C", 1));
    CHECK_OK(tc_query_services(C.s, &PG, 3, TC_IDX_SVC_ATTR, ik, ikn, NULL, 0, 1));
    CHECK_EQ(PG.n, 1);
    CHECK_EQ(PG.more, 1);
    uint8_t after[TC_STATE_KEY_MAX];
    size_t al = PG.key_len[0];
    memcpy(after, PG.key[0], al);
    CHECK_OK(tc_query_services(C.s, &PG, 3, TC_IDX_SVC_ATTR, ik, ikn, after, al, 1));
    CHECK_EQ(PG.n, 1);
    CHECK_EQ(PG.more, 0);
    CHECK(memcmp(after, PG.key[0], 17) < 0);
    CHECK_OK(tc_query_services(C.s, &PG, 4, TC_IDX_SVC_ATTR, ik, ikn, NULL, 0, 10));
    CHECK_EQ(PG.n, 1);
    CHECK_EQ(PG.more, 0);
    CHECK_ERR(tc_query_services(C.s, &PG, 99, TC_IDX_SVC_ATTR, ik, ikn, NULL, 0, 10), TC_ERR_NOT_FOUND);
}

/* Is the config key at i in PG document (kind, target, name)? */
static int doc_is(size_t i, const char *name, uint64_t version)
{
    uint8_t val[1024];
    size_t vl;
    tc_cbor_dec d;
    uint64_t pairs, k, v = 0;
    const char *t = "";
    size_t tl = 0;
    if (i >= PG.n || tc_query_record(C.s, val, sizeof val, &vl, NULL, 0, NULL, tc_store_height(C.s), PG.key[i],
                                     PG.key_len[i]))
        return 0;
    if (tc_cbor_dec_init(&d, val, vl, NULL) || tc_cbor_get_map(&d, &pairs)) return 0;
    for (uint64_t j = 0; j < pairs; j++) {
        if (tc_cbor_get_uint(&d, &k)) return 0;
        if (k == 3) { if (tc_cbor_get_text(&d, &t, &tl)) return 0; }
        else if (k == 4) { if (tc_cbor_get_uint(&d, &v)) return 0; }
        else if (tc_cbor_skip(&d)) return 0;
    }
    return tl == strlen(name) && memcmp(t, name, tl) == 0 && v == version;
}

static void test_config(void)
{
    /* D0 in [g-a, g-b], D1 in [g-b]. Documents (version tells them apart):
     * net: model v1, g-b v2, g-a v3; ntp: model v4; log: device D0 v5, g-b v6 */
    CHECK_OK(groups(&D[0], "g-a", "g-b"));
    CHECK_OK(groups(&D[1], "g-b", NULL));
    CHECK_OK(cfg(3, "sensor-1", 8, "net", 1));
    CHECK_OK(cfg(2, "g-b", 3, "net", 2));
    CHECK_OK(cfg(3, "sensor-1", 8, "ntp", 4));
    CHECK_OK(cfg(1, D[0].id, 16, "log", 5));
    CHECK_OK(cfg(2, "g-b", 3, "log", 6));
    commit_all(1000);
    uint64_t h = tc_store_height(C.s);
    /* D0: log (device) first, then its first group g-a: nothing; g-b: net */
    CHECK_OK(tc_query_config(C.s, &PG, h, D[0].id));
    CHECK_EQ(PG.n, 3);
    CHECK(doc_is(0, "log", 5));
    CHECK(doc_is(1, "net", 2));
    CHECK(doc_is(2, "ntp", 4));
    for (size_t i = 0; i < PG.n; i++) CHECK(proven(h, PG.key[i], PG.key_len[i]));
    CHECK_OK(tc_query_config(C.s, &PG, h, D[1].id));
    CHECK_EQ(PG.n, 3);
    /* within one target, documents come in state-key order */
    CHECK((doc_is(0, "net", 2) && doc_is(1, "log", 6)) || (doc_is(0, "log", 6) && doc_is(1, "net", 2)));
    CHECK(doc_is(2, "ntp", 4));
    /* g-a net now outranks g-b for D0 (its first group) */
    CHECK_OK(cfg(2, "g-a", 3, "net", 3));
    commit_all(1000);
    CHECK_OK(tc_query_config(C.s, &PG, h + 1, D[0].id));
    CHECK_EQ(PG.n, 3);
    CHECK(doc_is(1, "net", 3));
    /* at the earlier height, the earlier answer */
    CHECK_OK(tc_query_config(C.s, &PG, h, D[0].id));
    CHECK_EQ(PG.n, 3);
    /* the rival's device and the unclaimed one get none of the fleet's */
    CHECK_OK(tc_query_config(C.s, &PG, h + 1, D[2].id));
    CHECK_EQ(PG.n, 0);
    CHECK_OK(tc_query_config(C.s, &PG, h + 1, D[3].id));
    CHECK_EQ(PG.n, 0);
    uint8_t nobody[16] = {0};
    CHECK_ERR(tc_query_config(C.s, &PG, h + 1, nobody), TC_ERR_NOT_FOUND);
}

static void test_firmware(void)
{
    tc_query_fw fw;
    /* v2 (from >= 1) rolled out to g-a then g-b; v3 (from >= 2) to g-b */
    CHECK_OK(release(2, 1));
    CHECK_OK(release(3, 2));
    CHECK_OK(rollout(1, 2, "g-a", "g-b"));
    CHECK_OK(rollout(2, 3, "g-b", NULL));
    commit_all(1000);
    uint64_t h = tc_store_height(C.s);
    CHECK_OK(tc_query_firmware(C.s, &fw, h, D[0].id, 1));
    CHECK_EQ(fw.version, 2);
    CHECK(proven(h, fw.release_key, sizeof fw.release_key));
    CHECK(proven(h, fw.rollout_key, sizeof fw.rollout_key));
    CHECK_OK(tc_query_firmware(C.s, &fw, h, D[0].id, 2));
    CHECK_EQ(fw.version, 3);
    CHECK_ERR(tc_query_firmware(C.s, &fw, h, D[0].id, 3), TC_ERR_NOT_FOUND);
    /* D1 (g-b): rollout 1 is still at wave 0 (g-a); v3 needs >= 2 */
    CHECK_ERR(tc_query_firmware(C.s, &fw, h, D[1].id, 1), TC_ERR_NOT_FOUND);
    CHECK_OK(tc_query_firmware(C.s, &fw, h, D[1].id, 2));
    CHECK_EQ(fw.version, 3);
    /* reports: D0 installs v2 (wave 0) */
    CHECK_OK(report(&D[0], 1, 2, 2));
    /* advance rollout 1, pause rollout 2, revoke nothing yet */
    CHECK_OK(control(1, 1));
    CHECK_OK(control(2, 2));
    commit_all(1000);
    CHECK_OK(tc_query_firmware(C.s, &fw, h + 1, D[1].id, 1));
    CHECK_EQ(fw.version, 2);
    CHECK_ERR(tc_query_firmware(C.s, &fw, h + 1, D[1].id, 2), TC_ERR_NOT_FOUND); /* paused */
    CHECK_OK(report(&D[1], 1, 2, 1));
    CHECK_OK(control(2, 3));
    CHECK_OK(fw_revoke(3));
    commit_all(1000);
    CHECK_ERR(tc_query_firmware(C.s, &fw, h + 2, D[0].id, 2), TC_ERR_NOT_FOUND); /* v3 revoked */
    CHECK_ERR(tc_query_firmware(C.s, &fw, h + 1, D[0].id, 2), TC_ERR_NOT_FOUND); /* paused then */
    CHECK_OK(tc_query_firmware(C.s, &fw, h, D[0].id, 2));                      /* active, unrevoked */
    CHECK_EQ(fw.version, 3);
    CHECK_ERR(tc_query_firmware(C.s, &fw, h + 2, D[3].id, 0), TC_ERR_NOT_FOUND); /* unclaimed */

    tc_query_rollout ro;
    CHECK_OK(tc_query_rollout_status(C.s, &ro, h + 2, LX_FLEET, 1));
    CHECK_EQ(ro.waves, 2);
    CHECK_EQ(ro.current, 1);
    CHECK_EQ(ro.version, 2);
    CHECK_EQ(ro.reports, 2);
    CHECK_EQ(ro.count[0][1], 1); /* D0 installed, wave 0 */
    CHECK_EQ(ro.count[1][0], 1); /* D1 downloading, wave 1 */
    CHECK_EQ(ro.count[0][0] + ro.count[1][1] + ro.unassigned[0], 0);
    CHECK_OK(tc_query_rollout_status(C.s, &ro, h + 1, LX_FLEET, 1));
    CHECK_EQ(ro.reports, 1);
    CHECK_EQ(ro.current, 1);
    CHECK_OK(tc_query_rollout_status(C.s, &ro, h + 2, LX_FLEET, 2));
    CHECK_EQ(ro.reports, 0);
    CHECK_ERR(tc_query_rollout_status(C.s, &ro, h + 2, LX_FLEET, 9), TC_ERR_NOT_FOUND);
    uint8_t ik[16];
    for (int i = 0; i < 8; i++) { ik[i] = (uint8_t)((uint64_t)LX_FLEET >> (56 - 8 * i)); ik[8 + i] = i == 7; }
    CHECK_OK(tc_query_list(C.s, &PG, h + 2, TC_IDX_FW_REPORT, ik, 16, NULL, 0, 10));
    CHECK_EQ(PG.n, 2);
    for (size_t i = 0; i < PG.n; i++) CHECK(proven(h + 2, PG.key[i], PG.key_len[i]));
}

static void test_anchor(void)
{
    uint8_t root[32], other[32], body[128], val[512], proof[TC_SMT_PROOF_MAX], kh[32], vh[32], key[33], id[32];
    size_t vl, pl;
    tc_cbor_enc e;
    memset(root, 0xab, 32);
    memset(other, 0xcd, 32);
    tc_cbor_enc_init(&e, body, sizeof body);
    tc_cbor_put_map(&e, 4);
    tc_cbor_put_uint(&e, 1); tc_cbor_put_bytes(&e, root, 32);
    tc_cbor_put_uint(&e, 2); tc_cbor_put_uint(&e, 7);
    tc_cbor_put_uint(&e, 3); tc_cbor_put_uint(&e, C.time_ms - 500);
    tc_cbor_put_uint(&e, 4); tc_cbor_put_uint(&e, C.time_ms);
    CHECK_OK(lx_dev_tx(&C, TC_TX_ANCHOR, &D[0], &e));
    commit_all(1000);
    uint64_t h = tc_store_height(C.s);
    tc_header hd;
    CHECK_OK(tc_store_header(C.s, &hd, id, h));
    CHECK_OK(tc_query_anchor(C.s, val, sizeof val, &vl, proof, sizeof proof, &pl, h, root));
    key[0] = 'A';
    memcpy(key + 1, root, 32);
    tc_sha256(kh, key, 33);
    tc_sha256(vh, val, vl);
    CHECK_OK(tc_smt_verify(hd.state_root, kh, vh, proof, pl));
    /* absent root: an absence proof */
    CHECK_ERR(tc_query_anchor(C.s, val, sizeof val, &vl, proof, sizeof proof, &pl, h, other), TC_ERR_NOT_FOUND);
    memcpy(key + 1, other, 32);
    tc_sha256(kh, key, 33);
    CHECK_OK(tc_smt_verify(hd.state_root, kh, NULL, proof, pl));
    /* not there one height earlier */
    CHECK_ERR(tc_query_anchor(C.s, val, sizeof val, &vl, NULL, 0, NULL, h - 1, root), TC_ERR_NOT_FOUND);
}

/* Anchors listing their digests: found by digest with a path that
 * verifies under the anchored root, whose record is proven under the state
 * root; an absent digest, or a height before the anchor: not found. */
static void test_anchor_by_digest(void)
{
    static uint8_t body[4096];
    uint8_t dg[5][32], root[32], val[512], proof[TC_SMT_PROOF_MAX], kh[32], vh[32], leaf[32];
    size_t vl, pl;
    tc_cbor_enc e;
    for (int i = 0; i < 5; i++) tc_sha256(dg[i], &i, sizeof i);
    tc_anchor_root(root, &dg[0][0], 5);
    tc_cbor_enc_init(&e, body, sizeof body);
    tc_cbor_put_map(&e, 5);
    tc_cbor_put_uint(&e, 1); tc_cbor_put_bytes(&e, root, 32);
    tc_cbor_put_uint(&e, 2); tc_cbor_put_uint(&e, 5);
    tc_cbor_put_uint(&e, 3); tc_cbor_put_uint(&e, C.time_ms - 500);
    tc_cbor_put_uint(&e, 4); tc_cbor_put_uint(&e, C.time_ms);
    tc_cbor_put_uint(&e, 5); tc_cbor_put_array(&e, 5);
    for (int i = 0; i < 5; i++) tc_cbor_put_bytes(&e, dg[i], 32);
    CHECK_OK(lx_dev_tx(&C, TC_TX_ANCHOR, &D[1], &e));
    commit_all(1000);
    uint64_t h = tc_store_height(C.s);
    tc_header hd;
    CHECK_OK(tc_store_header(C.s, &hd, NULL, h));
    for (uint64_t i = 0; i < 5; i++) {
        tc_query_anchor_hit hit;
        CHECK_OK(tc_query_anchor_by_digest(C.s, &hit, h, dg[i]));
        CHECK_EQ(hit.index, i);
        CHECK_EQ(hit.size, 5);
        CHECK_EQ(hit.height, h);
        CHECK_MEM(hit.root, root, 32);
        tc_hist_leaf_hash(leaf, dg[i], 32);
        CHECK_OK(tc_hist_verify_inclusion(hit.root, hit.index, hit.size, leaf, hit.path, hit.path_len));
        /* the record under the state root of that height */
        CHECK_OK(tc_query_record(C.s, val, sizeof val, &vl, proof, sizeof proof, &pl, h, hit.key, sizeof hit.key));
        tc_sha256(kh, hit.key, sizeof hit.key);
        tc_sha256(vh, val, vl);
        CHECK_OK(tc_smt_verify(hd.state_root, kh, vh, proof, pl));
        /* the path does not prove the digest at another index */
        CHECK(tc_hist_verify_inclusion(hit.root, (i + 1) % 5, hit.size, leaf, hit.path, hit.path_len) != 0);
    }
    tc_query_anchor_hit hit;
    uint8_t absent[32];
    memset(absent, 0x77, 32);
    CHECK_ERR(tc_query_anchor_by_digest(C.s, &hit, h, absent), TC_ERR_NOT_FOUND);
    CHECK_ERR(tc_query_anchor_by_digest(C.s, &hit, h - 1, dg[0]), TC_ERR_NOT_FOUND);
    CHECK_ERR(tc_query_anchor_by_digest(C.s, &hit, h + 1, dg[0]), TC_ERR_NOT_FOUND);
    /* a rejected anchor (the same root again) is not indexed */
    size_t acc = 9;
    CHECK_OK(lx_dev_tx(&C, TC_TX_ANCHOR, &D[1], &e));
    CHECK_OK(lx_commit(&C, 1000, &acc, 0));
    CHECK_EQ(acc, 0);
    CHECK_OK(tc_query_anchor_by_digest(C.s, &hit, tc_store_height(C.s), dg[3]));
    CHECK_EQ(hit.height, h);
}

int main(void)
{
    tc_crypto_init();
    setup();
    RUN(test_services);
    RUN(test_config);
    RUN(test_firmware);
    RUN(test_anchor);
    RUN(test_anchor_by_digest);
    tc_store_close(C.s);
    fx_rm(DIR);
    return test_summary();
}
