/* libFuzzer target for the COSE parsers (include/tc/cose.h): COSE_Sign1 and
 * COSE_Sign parse and verify any input without crashing, return only codes
 * of the cbor (100-149), crypto (151) and cose (200-249) blocks or
 * TC_ERR_LIMIT, and everything a successful parse returns lies inside the
 * input. Seeds: tests/fuzz/corpus/cose/ (valid objects and near misses). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tc/cose.h"
#include "tc/errors.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int cond)
{
    if (!cond) abort();
}

static int code_ok(int rc)
{
    return rc == 0 || (rc >= TC_ERR_CBOR_TRUNCATED && rc < 150) || rc == TC_ERR_BAD_SIGNATURE ||
           (rc >= TC_ERR_COSE_STRUCTURE && rc < 250) || rc == TC_ERR_LIMIT;
}

static void inside(const uint8_t *data, size_t size, const uint8_t *p, size_t n)
{
    if (!p) { check(n == 0); return; }
    check(p >= data && n <= size && (size_t)(p - data) <= size - n);
}

static uint8_t scratch[1 << 17];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t pubs[2 * TC_ED25519_PUB_LEN];
    static int init;
    if (!init) {
        uint8_t seed[32], sec[64];
        tc_crypto_init();
        for (int i = 0; i < 2; i++) {
            memset(seed, 0x10 + i, sizeof seed);
            tc_ed25519_keypair(pubs + 32 * i, sec, seed);
        }
        init = 1;
    }
    if (size > sizeof scratch - TC_COSE_TBS_OVERHEAD) return 0;
    tc_err err;

    tc_cose_sign1 m1;
    int rc = tc_cose_sign1_parse(&m1, data, size, &err);
    check(code_ok(rc));
    if (rc == 0) {
        inside(data, size, m1.protected_hdr, m1.protected_len);
        inside(data, size, m1.payload, m1.payload_len);
        inside(data, size, m1.kid, m1.kid_len);
        inside(data, size, m1.sig, TC_ED25519_SIG_LEN);
        check(m1.kid == NULL || (m1.kid_len >= 1 && m1.kid_len <= TC_COSE_KID_MAX));
    }
    int vrc = tc_cose_sign1_verify(NULL, scratch, sizeof scratch, pubs, NULL, 0, data, size, &err);
    check(code_ok(vrc));
    check(rc != 0 ? vrc == rc : (vrc == 0 || vrc == TC_ERR_BAD_SIGNATURE));

    static tc_cose_sign m;
    rc = tc_cose_sign_parse(&m, data, size, &err);
    check(code_ok(rc));
    if (rc == 0) {
        check(m.nsigs >= 1 && m.nsigs <= TC_COSE_SIGNERS_MAX);
        inside(data, size, m.protected_hdr, m.protected_len);
        inside(data, size, m.payload, m.payload_len);
        for (size_t i = 0; i < m.nsigs; i++) {
            inside(data, size, m.sigs[i].protected_hdr, m.sigs[i].protected_len);
            inside(data, size, m.sigs[i].kid, m.sigs[i].kid_len);
            inside(data, size, m.sigs[i].sig, TC_ED25519_SIG_LEN);
        }
    }
    tc_cose_signers who;
    vrc = tc_cose_sign_verify(&who, NULL, scratch, sizeof scratch, pubs, 2, 1, NULL, 0, data, size,
                              &err);
    check(code_ok(vrc) || vrc == TC_ERR_COSE_THRESHOLD);
    check(who.count <= 2);
    if (vrc == 0) check(rc == 0 && who.count >= 1);
    return 0;
}
