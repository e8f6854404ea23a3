/* COSE_Sign (RFC 9052 §4.1) and threshold (k-of-n) verification. */
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "tc/cbor.h"
#include "tc/cose.h"

#define NKEYS 6
static uint8_t pubs_[NKEYS * 32], secs_[NKEYS][64];
static uint8_t scratch_[2048], out_[8192];
static const uint8_t payload_[] = "release fw 2.1.0 for model X, digest ...";
static const uint8_t aad_[] = "chain-1";

static void setup_keys(void)
{
    for (int i = 0; i < NKEYS; i++) {
        uint8_t seed[32];
        memset(seed, 0x10 + i, sizeof seed);
        tc_ed25519_keypair(pubs_ + 32 * i, secs_[i], seed);
    }
}

/* Signs with the listed key indexes (may repeat) into out_. */
static size_t make(const int *who, size_t n, int tagged)
{
    tc_cose_signer s[TC_COSE_SIGNERS_MAX + 1];
    memset(s, 0, sizeof s);
    for (size_t i = 0; i < n; i++) s[i].sec = secs_[who[i]];
    size_t len = 0;
    if (tc_cose_sign_create(out_, sizeof out_, &len, scratch_, sizeof scratch_, s, n, aad_,
                            sizeof aad_, payload_, sizeof payload_, tagged, NULL) != 0)
        return 0;
    return len;
}

static int verify(tc_cose_signers *r, size_t len, size_t npubs, size_t k)
{
    return tc_cose_sign_verify(r, NULL, scratch_, sizeof scratch_, pubs_, npubs, k, aad_,
                               sizeof aad_, out_, len, NULL);
}

static void test_threshold_met_and_missed(void)
{
    static const int who[] = {4, 0, 2};
    for (int tagged = 0; tagged <= 1; tagged++) {
        size_t len = make(who, 3, tagged);
        CHECK(len > 0);
        CHECK_EQ(out_[0], tagged ? 0xd8 : 0x84); /* tag 98 takes two bytes: d8 62 */
        tc_cose_signers r;
        tc_cose_sign m;
        CHECK_OK(tc_cose_sign_verify(&r, &m, scratch_, sizeof scratch_, pubs_, 5, 3, aad_,
                                     sizeof aad_, out_, len, NULL));
        CHECK_EQ(m.tagged, tagged);
        CHECK_EQ(m.nsigs, 3);
        CHECK_EQ(m.payload_len, sizeof payload_);
        CHECK_EQ(r.count, 3);
        CHECK_EQ(r.unknown, 0);
        static const uint8_t want[5] = {1, 0, 1, 0, 1};
        CHECK_MEM(r.signed_by, want, 5);
        CHECK_OK(verify(&r, len, 5, 1));
        /* 4-of-5: below threshold, with the signers still reported. */
        tc_err err;
        CHECK_ERR(tc_cose_sign_verify(&r, NULL, scratch_, sizeof scratch_, pubs_, 5, 4, aad_,
                                      sizeof aad_, out_, len, &err), TC_ERR_COSE_THRESHOLD);
        CHECK_EQ(r.count, 3);
        CHECK(strstr(err.msg, "3 of 4") != NULL);
        /* Other AAD: every share fails. */
        CHECK_ERR(tc_cose_sign_verify(&r, NULL, scratch_, sizeof scratch_, pubs_, 5, 3, aad_, 3,
                                      out_, len, NULL), TC_ERR_BAD_SIGNATURE);
    }
}

/* Duplicates never count twice: one key signing three times is one signer,
 * and listing one key twice among the allowed keys does not double it. */
static void test_duplicates(void)
{
    static const int who[] = {1, 1, 1};
    size_t len = make(who, 3, 1);
    tc_cose_signers r;
    CHECK_ERR(verify(&r, len, 5, 2), TC_ERR_COSE_THRESHOLD);
    CHECK_EQ(r.count, 1);
    CHECK_OK(verify(&r, len, 5, 1));
    uint8_t twice[64];
    memcpy(twice, pubs_ + 32, 32);
    memcpy(twice + 32, pubs_ + 32, 32);
    CHECK_ERR(tc_cose_sign_verify(&r, NULL, scratch_, sizeof scratch_, twice, 2, 2, aad_,
                                  sizeof aad_, out_, len, NULL), TC_ERR_COSE_THRESHOLD);
    CHECK_EQ(r.count, 1);
}

/* A signer outside the allowed set is ignored and reported, not counted. */
static void test_unknown_signer(void)
{
    static const int who[] = {0, 5, 1};
    size_t len = make(who, 3, 1);
    tc_cose_signers r;
    CHECK_OK(verify(&r, len, 5, 2)); /* key 5 is not among the first 5 */
    CHECK_EQ(r.count, 2);
    CHECK_EQ(r.unknown, 1);
    CHECK_ERR(verify(&r, len, 5, 3), TC_ERR_COSE_THRESHOLD);
    CHECK_OK(verify(&r, len, 6, 3));
    CHECK_EQ(r.unknown, 0);
}

/* A bad share from an allowed key fails the whole object, even when the
 * threshold is met without it. */
static void test_bad_share(void)
{
    static const int who[] = {0, 1, 2};
    size_t len = make(who, 3, 1);
    tc_cose_sign m;
    CHECK_OK(tc_cose_sign_parse(&m, out_, len, NULL));
    size_t off = (size_t)(m.sigs[2].sig - out_);
    out_[off + 10] ^= 1;
    tc_cose_signers r;
    CHECK_ERR(verify(&r, len, 3, 2), TC_ERR_BAD_SIGNATURE);
    out_[off + 10] ^= 1;
    CHECK_OK(verify(&r, len, 3, 3));
    /* Swap two signatures: each is checked against the key its kid names. */
    uint8_t tmp[64];
    size_t o0 = (size_t)(m.sigs[0].sig - out_), o1 = (size_t)(m.sigs[1].sig - out_);
    memcpy(tmp, out_ + o0, 64);
    memcpy(out_ + o0, out_ + o1, 64);
    memcpy(out_ + o1, tmp, 64);
    CHECK_ERR(verify(&r, len, 3, 1), TC_ERR_BAD_SIGNATURE);
    /* Any single-bit flip anywhere is rejected. */
    len = make(who, 3, 1);
    for (size_t i = 0; i < len; i++) {
        out_[i] ^= 0x02;
        int rc = verify(&r, len, 3, 3);
        out_[i] ^= 0x02;
        CHECK_MSG(rc != 0, "flip at %zu accepted", i);
    }
}

static void test_structure(void)
{
    tc_cose_sign m;
    tc_err err;
    /* A COSE_Sign1 is not a COSE_Sign. */
    uint8_t s1[256];
    size_t n;
    CHECK_OK(tc_cose_sign1_create(s1, sizeof s1, &n, scratch_, sizeof scratch_, secs_[0], NULL, 0,
                                  NULL, 0, payload_, 4, 1, NULL));
    CHECK_ERR(tc_cose_sign_parse(&m, s1, n, &err), TC_ERR_COSE_TAG);
    CHECK_ERR(tc_cose_sign_parse(&m, s1 + 1, n - 1, &err), TC_ERR_COSE_STRUCTURE);
    /* And a COSE_Sign is not a COSE_Sign1. */
    static const int who[] = {0};
    size_t len = make(who, 1, 1);
    tc_cose_sign1 m1;
    CHECK_ERR(tc_cose_sign1_parse(&m1, out_, len, NULL), TC_ERR_COSE_TAG);
    /* Hand-built shapes. */
    static const uint8_t no_sigs[] = {0xd8, 0x62, 0x84, 0x40, 0xa0, 0x41, 'x', 0x80};
    CHECK_ERR(tc_cose_sign_parse(&m, no_sigs, sizeof no_sigs, &err), TC_ERR_COSE_STRUCTURE);
    static const uint8_t detached[] = {0xd8, 0x62, 0x84, 0x40, 0xa0, 0xf6, 0x80};
    CHECK_ERR(tc_cose_sign_parse(&m, detached, sizeof detached, &err), TC_ERR_COSE_DETACHED);
    static const uint8_t sig_of_2[] = {0xd8, 0x62, 0x84, 0x40, 0xa0, 0x41, 'x', 0x81, 0x82, 0x40, 0xa0};
    CHECK_ERR(tc_cose_sign_parse(&m, sig_of_2, sizeof sig_of_2, &err), TC_ERR_COSE_STRUCTURE);
    /* Body header with an unknown critical label. */
    static const uint8_t body_crit[] = {0xd8, 0x62, 0x84, 0x45, 0xa1, 0x02, 0x81, 0x18, 0x63, 0xa0,
                                        0x41, 'x', 0x81};
    CHECK_ERR(tc_cose_sign_parse(&m, body_crit, sizeof body_crit, &err), TC_ERR_CBOR_TRUNCATED);
    static const uint8_t sig_item[] = {0x83, 0x43, 0xa1, 0x01, 0x27, 0xa0, 0x58, 0x40};
    uint8_t whole[128];
    size_t wl = sizeof body_crit + sizeof sig_item;
    memcpy(whole, body_crit, sizeof body_crit);
    memcpy(whole + sizeof body_crit, sig_item, sizeof sig_item);
    memset(whole + wl, 0, 64);
    CHECK_ERR(tc_cose_sign_parse(&m, whole, wl + 64, &err), TC_ERR_COSE_CRIT);
    CHECK(strstr(err.msg, "COSE_Sign body") != NULL);
    /* A signature with alg -7 is refused. */
    memcpy(whole, (const uint8_t[]){0xd8, 0x62, 0x84, 0x40, 0xa0, 0x41, 'x', 0x81}, 8);
    memcpy(whole + 8, (const uint8_t[]){0x83, 0x43, 0xa1, 0x01, 0x26, 0xa0, 0x58, 0x40}, 8);
    memset(whole + 16, 0, 64);
    CHECK_ERR(tc_cose_sign_parse(&m, whole, 80, &err), TC_ERR_COSE_ALG);
    CHECK(strstr(err.msg, "COSE_Signature 0") != NULL);
    whole[12] = 0x27;
    CHECK_OK(tc_cose_sign_parse(&m, whole, 80, &err));
    CHECK(m.sigs[0].kid == NULL);
    /* ...and with no kid it counts as unknown. */
    tc_cose_signers r;
    CHECK_ERR(tc_cose_sign_verify(&r, NULL, scratch_, sizeof scratch_, pubs_, 1, 1, NULL, 0, whole,
                                  80, NULL), TC_ERR_COSE_THRESHOLD);
    CHECK_EQ(r.unknown, 1);
}

/* Signer limit: 32 signatures are fine, 33 are refused by create and parse. */
static void test_limits(void)
{
    int who[TC_COSE_SIGNERS_MAX + 1];
    for (int i = 0; i <= TC_COSE_SIGNERS_MAX; i++) who[i] = i % NKEYS;
    size_t len = make(who, TC_COSE_SIGNERS_MAX, 1);
    CHECK(len > 0);
    tc_cose_signers r;
    CHECK_OK(verify(&r, len, NKEYS, NKEYS));
    CHECK_EQ(r.count, NKEYS);
    CHECK_EQ(make(who, TC_COSE_SIGNERS_MAX + 1, 1), 0);
    CHECK_EQ(make(who, 0, 1), 0);
    /* Patch the signature count to 33 by appending one more copy. */
    tc_cose_sign m;
    CHECK_OK(tc_cose_sign_parse(&m, out_, len, NULL));
    const uint8_t *first = m.sigs[0].protected_hdr - 2; /* 0x83, bstr head */
    size_t one = (size_t)(m.sigs[1].protected_hdr - m.sigs[0].protected_hdr);
    size_t head = (size_t)(first - out_);
    CHECK_EQ(out_[head - 2], 0x98);
    CHECK_EQ(out_[head - 1], 0x20);
    uint8_t *big = malloc(len + one);
    CHECK(big != NULL);
    memcpy(big, out_, len);
    memcpy(big + len, first, one);
    big[head - 1] = 0x21;
    int rc = tc_cose_sign_parse(&m, big, len + one, NULL);
    free(big);
    CHECK_ERR(rc, TC_ERR_LIMIT);
}

int main(void)
{
    if (tc_crypto_init() != 0) return 1;
    setup_keys();
    RUN(test_threshold_met_and_missed);
    RUN(test_duplicates);
    RUN(test_unknown_signer);
    RUN(test_bad_share);
    RUN(test_structure);
    RUN(test_limits);
    return test_summary();
}
