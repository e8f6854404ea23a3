/* Discovery (service records), communication policies and anchors. */
#include <string.h>

#include "ledger_fixture.h"
#include "tc/anchor.h"
#include "tc/history.h"
#include "test.h"

static fixture_chain C;
static tc_err E;
static uint8_t B[16384];
static size_t BL, N;
static tc_cbor_enc e;
static fixture_device D;

static void begin(void) { tc_cbor_enc_init(&e, B, sizeof B); }
static void end(void) { tc_cbor_enc_finish(&e, &BL); }
static void setup(void)
{
    fixture_chain_free(&C);
    fixture_chain_init(&C);
    fixture_device_new(&C, &D, 1, FX_FLEET);
}
static int fleet(uint32_t t)
{
    return fixture_org(&C, &E, t, FX_FLEET, TC_KEYS_ADMIN, B, BL, fixture_admin(&C, FX_FLEET, &N), 1);
}

static void svc_body(const char *name, uint64_t expiry)
{
    begin();
    tc_cbor_put_map(&e, 6);
    tc_cbor_put_uint(&e, 1); tc_cbor_put_bytes(&e, D.id, 16);
    tc_cbor_put_uint(&e, 2); tc_cbor_put_cstr(&e, name);
    tc_cbor_put_uint(&e, 3); tc_cbor_put_cstr(&e, "coap-temp");
    tc_cbor_put_uint(&e, 4); tc_cbor_put_array(&e, 1); tc_cbor_put_cstr(&e, "coap://10.0.0.5");
    tc_cbor_put_uint(&e, 5); tc_cbor_put_map(&e, 1); tc_cbor_put_cstr(&e, "unit"); tc_cbor_put_cstr(&e, "C");
    tc_cbor_put_uint(&e, 6); tc_cbor_put_uint(&e, expiry);
    end();
}

static void wd_body(const char *name)
{
    begin();
    tc_cbor_put_map(&e, 2);
    tc_cbor_put_uint(&e, 1); tc_cbor_put_bytes(&e, D.id, 16);
    tc_cbor_put_uint(&e, 2); tc_cbor_put_cstr(&e, name);
    end();
}

static void test_services(void)
{
    setup();
    svc_body("temp", 2000000);
    CHECK_OK(fixture_dev(&C, &E, TC_TX_SVC_PUBLISH, D.id, D.sec, B, BL));
    CHECK_OK(fleet(TC_TX_SVC_PUBLISH)); /* owner may republish */
    CHECK_ERR(fixture_org(&C, &E, TC_TX_SVC_PUBLISH, FX_RIVAL, TC_KEYS_ADMIN, B, BL, fixture_admin(&C, FX_RIVAL, &N), 1),
              TC_ERR_LEDGER_UNAUTHORIZED);
    svc_body("temp", 1000000);
    CHECK_ERR(fixture_dev(&C, &E, TC_TX_SVC_PUBLISH, D.id, D.sec, B, BL), TC_ERR_LEDGER_EXPIRED);
    svc_body("temp", 1000000 + 400ull * 24 * 3600 * 1000);
    CHECK_ERR(fixture_dev(&C, &E, TC_TX_SVC_PUBLISH, D.id, D.sec, B, BL), TC_ERR_LEDGER_TIME);
    svc_body("a-name-that-is-far-too-long-for-a-service", 2000000);
    CHECK_ERR(fixture_dev(&C, &E, TC_TX_SVC_PUBLISH, D.id, D.sec, B, BL), TC_ERR_LEDGER_OVERSIZE);
    wd_body("temp");
    CHECK_OK(fixture_dev(&C, &E, TC_TX_SVC_WITHDRAW, D.id, D.sec, B, BL));
    CHECK_ERR(fixture_dev(&C, &E, TC_TX_SVC_WITHDRAW, D.id, D.sec, B, BL), TC_ERR_LEDGER_NOT_FOUND);
    /* Revoked device cannot publish. */
    begin();
    tc_cbor_put_map(&e, 1);
    tc_cbor_put_uint(&e, 1); tc_cbor_put_bytes(&e, D.id, 16);
    end();
    CHECK_OK(fleet(TC_TX_DEV_REVOKE));
    svc_body("temp", 2000000);
    CHECK_ERR(fleet(TC_TX_SVC_PUBLISH), TC_ERR_LEDGER_REVOKED);
}

static void pol_body(const char *a, const char *b, int allow, int del)
{
    begin();
    tc_cbor_put_map(&e, del ? 2 : 3);
    tc_cbor_put_uint(&e, 1); tc_cbor_put_cstr(&e, a);
    tc_cbor_put_uint(&e, 2); tc_cbor_put_cstr(&e, b);
    if (!del) { tc_cbor_put_uint(&e, 3); tc_cbor_put_bool(&e, allow); }
    end();
}

static void test_policies(void)
{
    setup();
    pol_body("lights", "hvac", 1, 0);
    CHECK_OK(fleet(TC_TX_COMM_SET_POLICY));
    CHECK_ERR(fixture_org(&C, &E, TC_TX_COMM_SET_POLICY, FX_MAKER, TC_KEYS_ADMIN, B, BL, fixture_admin(&C, FX_MAKER, &N), 2),
              TC_ERR_LEDGER_ROLE);
    CHECK_ERR(fixture_dev(&C, &E, TC_TX_COMM_SET_POLICY, D.id, D.sec, B, BL), TC_ERR_LEDGER_UNAUTHORIZED);
    /* Symmetric: deleting (hvac, lights) removes (lights, hvac). */
    pol_body("hvac", "lights", 0, 1);
    CHECK_OK(fleet(TC_TX_COMM_DEL_POLICY));
    CHECK_ERR(fleet(TC_TX_COMM_DEL_POLICY), TC_ERR_LEDGER_NOT_FOUND);
    /* Expired policy. */
    begin();
    tc_cbor_put_map(&e, 4);
    tc_cbor_put_uint(&e, 1); tc_cbor_put_cstr(&e, "a");
    tc_cbor_put_uint(&e, 2); tc_cbor_put_cstr(&e, "b");
    tc_cbor_put_uint(&e, 3); tc_cbor_put_bool(&e, 1);
    tc_cbor_put_uint(&e, 4); tc_cbor_put_uint(&e, 5);
    end();
    CHECK_ERR(fleet(TC_TX_COMM_SET_POLICY), TC_ERR_LEDGER_EXPIRED);
}

static void anc_body(uint8_t fill, uint64_t count, uint64_t t0, uint64_t t1)
{
    uint8_t root[32];
    memset(root, fill, 32);
    begin();
    tc_cbor_put_map(&e, 4);
    tc_cbor_put_uint(&e, 1); tc_cbor_put_bytes(&e, root, 32);
    tc_cbor_put_uint(&e, 2); tc_cbor_put_uint(&e, count);
    tc_cbor_put_uint(&e, 3); tc_cbor_put_uint(&e, t0);
    tc_cbor_put_uint(&e, 4); tc_cbor_put_uint(&e, t1);
    end();
}

static void test_anchors(void)
{
    setup();
    anc_body(1, 100, 900000, 999000);
    CHECK_OK(fixture_dev(&C, &E, TC_TX_ANCHOR, D.id, D.sec, B, BL));
    CHECK_ERR(fleet(TC_TX_ANCHOR), TC_ERR_LEDGER_DUPLICATE);
    anc_body(2, 10, 999000, 900000);
    CHECK_ERR(fleet(TC_TX_ANCHOR), TC_ERR_LEDGER_TIME);
    anc_body(2, 10, 900000, 99000000);
    CHECK_ERR(fleet(TC_TX_ANCHOR), TC_ERR_LEDGER_TIME);
    anc_body(2, 0, 900000, 900000);
    CHECK_ERR(fleet(TC_TX_ANCHOR), TC_ERR_LEDGER_MALFORMED);
    anc_body(2, 10, 900000, 900000);
    CHECK_ERR(fixture_gov(&C, &E, TC_TX_ANCHOR, B, BL), TC_ERR_LEDGER_UNAUTHORIZED);
    CHECK_OK(fleet(TC_TX_ANCHOR));
    /* An unknown device cannot anchor. */
    fixture_device ghost;
    fixture_device_keys(&ghost, 77);
    anc_body(3, 10, 900000, 900000);
    CHECK_ERR(fixture_dev(&C, &E, TC_TX_ANCHOR, ghost.id, ghost.sec, B, BL), TC_ERR_LEDGER_UNKNOWN_DEVICE);
}

/* Anchors listing their digests (body key 5): the rule recomputes the
 * RFC 9162 root. Digest i of a batch is SHA-256 of "m" || seed || i. */
static uint8_t DG[300][32];
static void digests(unsigned seed, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        uint8_t m[16];
        m[0] = 'm'; m[1] = (uint8_t)seed;
        memcpy(m + 2, &i, sizeof i);
        tc_sha256(DG[i], m, 2 + sizeof i);
    }
}
static void anc_list(const uint8_t root[32], uint64_t count, size_t listed)
{
    begin();
    tc_cbor_put_map(&e, 5);
    tc_cbor_put_uint(&e, 1); tc_cbor_put_bytes(&e, root, 32);
    tc_cbor_put_uint(&e, 2); tc_cbor_put_uint(&e, count);
    tc_cbor_put_uint(&e, 3); tc_cbor_put_uint(&e, 900000);
    tc_cbor_put_uint(&e, 4); tc_cbor_put_uint(&e, 950000);
    tc_cbor_put_uint(&e, 5); tc_cbor_put_array(&e, listed);
    for (size_t i = 0; i < listed; i++) tc_cbor_put_bytes(&e, DG[i], 32);
    end();
}

static void test_anchor_digests(void)
{
    uint8_t root[32];
    setup();
    /* accepted: the root over the listed digests, count = their number */
    digests(1, 5);
    tc_anchor_root(root, &DG[0][0], 5);
    anc_list(root, 5, 5);
    CHECK_OK(fixture_dev(&C, &E, TC_TX_ANCHOR, D.id, D.sec, B, BL));
    uint8_t key[33], val[256];
    size_t vl;
    key[0] = 'A';
    memcpy(key + 1, root, 32);
    CHECK_OK(tc_state_get(C.st, val, sizeof val, &vl, key, sizeof key));
    CHECK(vl < 120); /* the record does not grow with the digests */
    /* a single digest: the root is its leaf hash */
    digests(2, 1);
    tc_hist_leaf_hash(root, DG[0], 32);
    anc_list(root, 1, 1);
    CHECK_OK(fleet(TC_TX_ANCHOR));
    /* wrong root */
    digests(3, 7);
    tc_anchor_root(root, &DG[0][0], 6);
    anc_list(root, 7, 7);
    CHECK_ERR(fleet(TC_TX_ANCHOR), TC_ERR_LEDGER_ANCHOR_DIGESTS);
    CHECK(strstr(E.msg, "root") != NULL);
    /* count mismatch, both ways */
    tc_anchor_root(root, &DG[0][0], 7);
    anc_list(root, 8, 7);
    CHECK_ERR(fleet(TC_TX_ANCHOR), TC_ERR_LEDGER_ANCHOR_DIGESTS);
    CHECK(strstr(E.msg, "count is 8 but 7 digests") != NULL);
    anc_list(root, 6, 7);
    CHECK_ERR(fleet(TC_TX_ANCHOR), TC_ERR_LEDGER_ANCHOR_DIGESTS);
    /* duplicates, even with a root made over them */
    memcpy(DG[5], DG[2], 32);
    tc_anchor_root(root, &DG[0][0], 7);
    anc_list(root, 7, 7);
    CHECK_ERR(fleet(TC_TX_ANCHOR), TC_ERR_LEDGER_ANCHOR_DIGESTS);
    CHECK(strstr(E.msg, "digest 5 repeats digest 2") != NULL);
    /* a digest of the wrong size; an empty list; more than 256 */
    digests(4, 3);
    tc_anchor_root(root, &DG[0][0], 3);
    anc_list(root, 3, 3);
    B[BL - 33] = 0x58; B[BL - 32] = 0x1f; /* last digest: 31 bytes + trailing byte */
    CHECK(fleet(TC_TX_ANCHOR) != 0);
    anc_list(root, 3, 0);
    CHECK_ERR(fleet(TC_TX_ANCHOR), TC_ERR_LEDGER_MALFORMED);
    digests(5, 257);
    anc_list(root, 257, 257);
    CHECK_ERR(fleet(TC_TX_ANCHOR), TC_ERR_LEDGER_OVERSIZE);
    /* the largest batch is accepted */
    tc_anchor_root(root, &DG[0][0], 256);
    anc_list(root, 256, 256);
    CHECK_OK(fleet(TC_TX_ANCHOR));
}

int main(void)
{
    RUN(test_services);
    RUN(test_policies);
    RUN(test_anchors);
    RUN(test_anchor_digests);
    fixture_chain_free(&C);
    return test_summary();
}
