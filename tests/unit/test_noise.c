/* Unit tests of the device SDK's Noise (include/tcdev/noise.h): in-process
 * handshakes for every pattern of the table, transport both ways, and the
 * error paths: tampering, out-of-order calls, sizes, nonce exhaustion, keys.
 * Known-answer tests live in tests/sh/test_noise_vectors.sh (snow vectors). */
#include <stdint.h>
#include <string.h>

#include "test.h"
#include "tc/crypto.h"
#include "tcdev/noise.h"

static const char *const interactive[] = {
    "NN", "NK", "NX", "XN", "XK", "XX", "KN", "KK", "KX", "IN", "IK", "IX",
    "NK1", "NX1", "X1N", "X1K", "XK1", "X1K1", "X1X", "XX1", "X1X1", "K1N", "K1K", "KK1",
    "K1K1", "K1X", "KX1", "K1X1", "I1N", "I1K", "IK1", "I1K1", "I1X", "IX1", "I1X1"};

/* Deterministic 32-byte keys: SHA-256 of a label. */
static void key(uint8_t out[32], const char *label)
{
    tc_sha256(out, label, strlen(label));
}

typedef struct pair {
    tcdev_noise_handshake i, r;
    uint8_t is[32], is_pub[32], rs[32], rs_pub[32];
} pair;

static int pair_init(pair *p, const char *pattern, const char *prologue)
{
    uint8_t ie[32], re[32];
    const tcdev_noise_pattern *pat = tcdev_noise_pattern_find(pattern, strlen(pattern));
    if (!pat) return TC_ERR_NOISE_PATTERN;
    key(p->is, "initiator static"); tc_x25519_public(p->is_pub, p->is);
    key(p->rs, "responder static"); tc_x25519_public(p->rs_pub, p->rs);
    key(ie, pattern); ie[0] ^= 1;
    key(re, pattern); re[0] ^= 2;
    int rc = tcdev_noise_init(&p->i, pat, 1, (const uint8_t *)prologue, strlen(prologue), p->is, p->rs_pub, ie);
    if (rc) return rc;
    return tcdev_noise_init(&p->r, pat, 0, (const uint8_t *)prologue, strlen(prologue), p->rs, p->is_pub, re);
}

/* Runs all handshake messages with a small payload each. */
static int pair_handshake(pair *p)
{
    uint8_t msg[256], pl[64];
    size_t n, m;
    unsigned k = 0;
    while (!tcdev_noise_handshake_done(&p->i) || !tcdev_noise_handshake_done(&p->r)) {
        int iw = tcdev_noise_wants_write(&p->i), rw = tcdev_noise_wants_write(&p->r);
        if (iw == rw) return -1;   /* exactly one side writes */
        tcdev_noise_handshake *s = iw ? &p->i : &p->r, *r = iw ? &p->r : &p->i;
        char payload[16];
        int len = snprintf(payload, sizeof payload, "hello %u", k++);
        int rc = tcdev_noise_write_message(s, msg, sizeof msg, &n, (const uint8_t *)payload, (size_t)len);
        if (rc) return rc;
        if ((rc = tcdev_noise_read_message(r, pl, sizeof pl, &m, msg, n)) != 0) return rc;
        if (m != (size_t)len || memcmp(pl, payload, m) != 0) return -2;
        if (k > 8) return -3;
    }
    return 0;
}

static void test_every_pattern_handshakes_and_talks(void)
{
    for (size_t k = 0; k < sizeof interactive / sizeof interactive[0]; k++) {
        pair p;
        tcdev_noise_cipher it, ir, rt, rr;
        uint8_t hi[32], hr[32], ct[64], pt[64], got[32];
        size_t n, m;
        CHECK_OK(pair_init(&p, interactive[k], "prologue"));
        CHECK_MSG(pair_handshake(&p) == 0, "pattern %s", interactive[k]);
        CHECK_OK(tcdev_noise_split(&p.i, &it, &ir, hi));
        CHECK_OK(tcdev_noise_split(&p.r, &rt, &rr, hr));
        CHECK_MEM(hi, hr, 32);
        /* both learned / kept the other's static key */
        /* pattern names: initiator letter (+ "1"), then responder letter (§7.4) */
        const char *nm = interactive[k];
        char ri = nm[0], rl = nm[1] == '1' ? nm[2] : nm[1];
        if (rl == 'N') CHECK_ERR(tcdev_noise_remote_static(&p.i, got), TC_ERR_NOISE_KEY);
        else { CHECK_OK(tcdev_noise_remote_static(&p.i, got)); CHECK_MEM(got, p.rs_pub, 32); }
        if (ri == 'N') CHECK_ERR(tcdev_noise_remote_static(&p.r, got), TC_ERR_NOISE_KEY);
        else { CHECK_OK(tcdev_noise_remote_static(&p.r, got)); CHECK_MEM(got, p.is_pub, 32); }
        for (int round = 0; round < 3; round++) {
            CHECK_OK(tcdev_noise_encrypt(&it, ct, sizeof ct, &n, NULL, 0, (const uint8_t *)"ping", 4));
            CHECK_EQ(n, 20);
            CHECK_OK(tcdev_noise_decrypt(&rr, pt, sizeof pt, &m, NULL, 0, ct, n));
            CHECK(m == 4 && memcmp(pt, "ping", 4) == 0);
            CHECK_OK(tcdev_noise_encrypt(&rt, ct, sizeof ct, &n, NULL, 0, (const uint8_t *)"pong", 4));
            CHECK_OK(tcdev_noise_decrypt(&ir, pt, sizeof pt, &m, NULL, 0, ct, n));
            CHECK(m == 4 && memcmp(pt, "pong", 4) == 0);
        }
        CHECK_EQ(it.n, 3);
        CHECK_EQ(ir.n, 3);
    }
}

static void test_prologue_mismatch_fails(void)
{
    pair p;
    uint8_t msg[256], pl[64], e[32] = {7};
    size_t n, m;
    CHECK_OK(pair_init(&p, "XX", "one"));
    CHECK_OK(tcdev_noise_init(&p.r, tcdev_noise_pattern_find("XX", 2), 0, (const uint8_t *)"two", 3, p.rs, NULL, e));
    CHECK_OK(tcdev_noise_write_message(&p.i, msg, sizeof msg, &n, NULL, 0));
    CHECK_OK(tcdev_noise_read_message(&p.r, pl, sizeof pl, &m, msg, n));   /* "e" only: no tag yet */
    CHECK_OK(tcdev_noise_write_message(&p.r, msg, sizeof msg, &n, NULL, 0));
    CHECK_ERR(tcdev_noise_read_message(&p.i, pl, sizeof pl, &m, msg, n), TC_ERR_NOISE_DECRYPT);
}

static void test_tampered_message_rejected(void)
{
    /* flip each byte position class of KK message 1: e, and the payload tag */
    size_t positions[] = {0, 31, 32, 40};
    for (size_t k = 0; k < 4; k++) {
        pair p;
        uint8_t msg[256], pl[64];
        size_t n, m;
        CHECK_OK(pair_init(&p, "KK", ""));
        CHECK_OK(tcdev_noise_write_message(&p.i, msg, sizeof msg, &n, (const uint8_t *)"abcdefgh", 8));
        CHECK_EQ(n, 32 + 8 + 16);
        msg[positions[k]] ^= 0x01;
        CHECK_ERR(tcdev_noise_read_message(&p.r, pl, sizeof pl, &m, msg, n), TC_ERR_NOISE_DECRYPT);
        /* the handshake is dead (§5.3): even the genuine message is refused now */
        msg[positions[k]] ^= 0x01;
        CHECK_ERR(tcdev_noise_read_message(&p.r, pl, sizeof pl, &m, msg, n), TC_ERR_NOISE_STATE);
        CHECK(!tcdev_noise_wants_write(&p.r));
    }
}

static void test_wrong_remote_static_fails(void)
{
    pair p;
    uint8_t msg[256], pl[64], other[32], other_pub[32], e[32] = {9};
    size_t n, m;
    CHECK_OK(pair_init(&p, "KK", ""));
    key(other, "somebody else"); tc_x25519_public(other_pub, other);
    CHECK_OK(tcdev_noise_init(&p.i, tcdev_noise_pattern_find("KK", 2), 1, NULL, 0, p.is, other_pub, e));
    CHECK_OK(tcdev_noise_write_message(&p.i, msg, sizeof msg, &n, NULL, 0));
    CHECK_ERR(tcdev_noise_read_message(&p.r, pl, sizeof pl, &m, msg, n), TC_ERR_NOISE_DECRYPT);
}

static void test_out_of_order(void)
{
    pair p;
    uint8_t msg[256], pl[64];
    tcdev_noise_cipher a, b;
    size_t n, m;
    CHECK_OK(pair_init(&p, "XX", ""));
    /* the responder may not write first, the initiator may not read first */
    CHECK_ERR(tcdev_noise_write_message(&p.r, msg, sizeof msg, &n, NULL, 0), TC_ERR_NOISE_STATE);
    CHECK_ERR(tcdev_noise_read_message(&p.i, pl, sizeof pl, &m, msg, 32), TC_ERR_NOISE_STATE);
    CHECK_ERR(tcdev_noise_split(&p.i, &a, &b, NULL), TC_ERR_NOISE_STATE);
    CHECK_OK(tcdev_noise_write_message(&p.i, msg, sizeof msg, &n, NULL, 0));
    /* writing twice in a row is refused; the state survives */
    CHECK_ERR(tcdev_noise_write_message(&p.i, msg + 100, sizeof msg - 100, &n, NULL, 0), TC_ERR_NOISE_STATE);
    CHECK_OK(tcdev_noise_read_message(&p.r, pl, sizeof pl, &m, msg, 32));
    CHECK_OK(pair_handshake(&p));
    /* after the handshake: no more handshake messages */
    CHECK_ERR(tcdev_noise_write_message(&p.i, msg, sizeof msg, &n, NULL, 0), TC_ERR_NOISE_STATE);
    CHECK_OK(tcdev_noise_split(&p.i, &a, &b, NULL));
    CHECK_ERR(tcdev_noise_split(&p.i, &a, &b, NULL), TC_ERR_NOISE_STATE);
    /* a transport message delivered out of order fails authentication */
    tcdev_noise_cipher rt, rr;
    uint8_t c1[64], c2[64];
    size_t n1, n2;
    CHECK_OK(tcdev_noise_split(&p.r, &rt, &rr, NULL));
    CHECK_OK(tcdev_noise_encrypt(&a, c1, sizeof c1, &n1, NULL, 0, (const uint8_t *)"one", 3));
    CHECK_OK(tcdev_noise_encrypt(&a, c2, sizeof c2, &n2, NULL, 0, (const uint8_t *)"two", 3));
    CHECK_ERR(tcdev_noise_decrypt(&rr, pl, sizeof pl, &m, NULL, 0, c2, n2), TC_ERR_NOISE_DECRYPT);
    /* §5.1: a failed decryption does not advance the nonce */
    CHECK_EQ(rr.n, 0);
    CHECK_OK(tcdev_noise_decrypt(&rr, pl, sizeof pl, &m, NULL, 0, c1, n1));
    CHECK_OK(tcdev_noise_decrypt(&rr, pl, sizeof pl, &m, NULL, 0, c2, n2));
    CHECK(m == 3 && memcmp(pl, "two", 3) == 0);
}

static uint8_t big[TCDEV_NOISE_MAX_MSG + 64], big2[TCDEV_NOISE_MAX_MSG + 64];

static void test_sizes(void)
{
    pair p;
    size_t n, m;
    CHECK_OK(pair_init(&p, "KK", ""));
    /* KK message 1 adds 32 (e) + 16 (tag): the largest payload is 65535 - 48 */
    CHECK_ERR(tcdev_noise_write_message(&p.i, big, sizeof big, &n, big2, TCDEV_NOISE_MAX_MSG - 47),
              TC_ERR_NOISE_MSG_SIZE);
    CHECK_ERR(tcdev_noise_write_message(&p.i, big, 100, &n, big2, 60), TC_ERR_BUFFER_TOO_SMALL);
    /* both errors left the state usable */
    CHECK_OK(tcdev_noise_write_message(&p.i, big, sizeof big, &n, big2, TCDEV_NOISE_MAX_MSG - 48));
    CHECK_EQ(n, TCDEV_NOISE_MAX_MSG);
    CHECK_ERR(tcdev_noise_read_message(&p.r, big2, sizeof big2, &m, big, n + 1), TC_ERR_NOISE_MSG_SIZE);
    CHECK_ERR(tcdev_noise_read_message(&p.r, big2, sizeof big2, &m, big, 47), TC_ERR_NOISE_MSG_SIZE);
    CHECK_ERR(tcdev_noise_read_message(&p.r, big2, 10, &m, big, n), TC_ERR_BUFFER_TOO_SMALL);
    CHECK_OK(tcdev_noise_read_message(&p.r, big2, sizeof big2, &m, big, n));
    CHECK_EQ(m, TCDEV_NOISE_MAX_MSG - 48);

    uint8_t msg[128], pl[64];
    tcdev_noise_cipher it, ir, rt, rr;
    CHECK_OK(tcdev_noise_write_message(&p.r, msg, sizeof msg, &n, NULL, 0));
    CHECK_OK(tcdev_noise_read_message(&p.i, pl, sizeof pl, &m, msg, n));
    CHECK_OK(tcdev_noise_split(&p.i, &it, &ir, NULL));
    CHECK_OK(tcdev_noise_split(&p.r, &rt, &rr, NULL));
    CHECK_ERR(tcdev_noise_encrypt(&it, big, sizeof big, &n, NULL, 0, big2, TCDEV_NOISE_MAX_PAYLOAD + 1),
              TC_ERR_NOISE_MSG_SIZE);
    CHECK_ERR(tcdev_noise_encrypt(&it, big, 20, &n, NULL, 0, big2, 5), TC_ERR_BUFFER_TOO_SMALL);
    CHECK_EQ(it.n, 0);
    CHECK_OK(tcdev_noise_encrypt(&it, big, sizeof big, &n, NULL, 0, big2, TCDEV_NOISE_MAX_PAYLOAD));
    CHECK_EQ(n, TCDEV_NOISE_MAX_MSG);
    CHECK_ERR(tcdev_noise_decrypt(&rr, big2, sizeof big2, &m, NULL, 0, big, 15), TC_ERR_NOISE_MSG_SIZE);
    CHECK_ERR(tcdev_noise_decrypt(&rr, big2, sizeof big2, &m, NULL, 0, big, TCDEV_NOISE_MAX_MSG + 1),
              TC_ERR_NOISE_MSG_SIZE);
    CHECK_OK(tcdev_noise_decrypt(&rr, big2, sizeof big2, &m, NULL, 0, big, n));
    CHECK_EQ(m, TCDEV_NOISE_MAX_PAYLOAD);
    /* the empty transport message is legal: just a tag */
    CHECK_OK(tcdev_noise_encrypt(&rt, msg, sizeof msg, &n, NULL, 0, NULL, 0));
    CHECK_EQ(n, 16);
    CHECK_OK(tcdev_noise_decrypt(&ir, NULL, 0, &m, NULL, 0, msg, n));
    CHECK_EQ(m, 0);
}

static void test_nonce_exhaustion(void)
{
    tcdev_noise_cipher a, b;
    uint8_t k[32], ct[64], pt[64];
    size_t n, m;
    key(k, "transport");
    memset(&a, 0, sizeof a);
    memcpy(a.k, k, 32); a.has_key = 1;
    b = a;
    /* §5.1: 2^64-1 is reserved; the last usable nonce is 2^64-2 */
    a.n = b.n = UINT64_MAX - 1;
    CHECK_OK(tcdev_noise_encrypt(&a, ct, sizeof ct, &n, NULL, 0, (const uint8_t *)"last", 4));
    CHECK_OK(tcdev_noise_decrypt(&b, pt, sizeof pt, &m, NULL, 0, ct, n));
    CHECK(a.n == UINT64_MAX && b.n == UINT64_MAX);
    CHECK_ERR(tcdev_noise_encrypt(&a, ct, sizeof ct, &n, NULL, 0, (const uint8_t *)"more", 4), TC_ERR_NOISE_NONCE);
    CHECK_ERR(tcdev_noise_decrypt(&b, pt, sizeof pt, &m, NULL, 0, ct, n), TC_ERR_NOISE_NONCE);
    /* rekey (§11.3) does not reset the nonce */
    CHECK_OK(tcdev_noise_rekey(&a));
    CHECK_ERR(tcdev_noise_encrypt(&a, ct, sizeof ct, &n, NULL, 0, (const uint8_t *)"more", 4), TC_ERR_NOISE_NONCE);
}

static void test_rekey(void)
{
    tcdev_noise_cipher a, b;
    uint8_t ct[64], pt[64], old[32];
    size_t n, m;
    memset(&a, 0, sizeof a);
    key(a.k, "rekey"); a.has_key = 1; a.n = 5;
    b = a;
    memcpy(old, a.k, 32);
    CHECK_OK(tcdev_noise_rekey(&a));
    CHECK(memcmp(old, a.k, 32) != 0);
    CHECK_EQ(a.n, 5);
    /* Rekey is deterministic: k' = ENCRYPT(k, 2^64-1, "", zeros)[0:32] */
    uint8_t nonce[12], zeros[32] = {0}, want[48];
    memset(nonce, 0, 4); memset(nonce + 4, 0xff, 8);
    tc_aead_encrypt(want, old, nonce, NULL, 0, zeros, 32);
    CHECK_MEM(a.k, want, 32);
    CHECK_OK(tcdev_noise_encrypt(&a, ct, sizeof ct, &n, NULL, 0, (const uint8_t *)"x", 1));
    CHECK_ERR(tcdev_noise_decrypt(&b, pt, sizeof pt, &m, NULL, 0, ct, n), TC_ERR_NOISE_DECRYPT);
    CHECK_OK(tcdev_noise_rekey(&b));
    CHECK_OK(tcdev_noise_decrypt(&b, pt, sizeof pt, &m, NULL, 0, ct, n));
    tcdev_noise_cipher_wipe(&a);
    CHECK_ERR(tcdev_noise_rekey(&a), TC_ERR_NOISE_STATE);
}

static void test_keys_required(void)
{
    tcdev_noise_handshake hs;
    uint8_t s[32], e[32] = {1};
    key(s, "s");
    const tcdev_noise_pattern *kk = tcdev_noise_pattern_find("KK", 2);
    const tcdev_noise_pattern *xx = tcdev_noise_pattern_find("XX", 2);
    const tcdev_noise_pattern *nk = tcdev_noise_pattern_find("NK", 2);
    CHECK(kk && xx && nk);
    CHECK_ERR(tcdev_noise_init(&hs, kk, 1, NULL, 0, s, NULL, e), TC_ERR_NOISE_KEY);
    CHECK_ERR(tcdev_noise_init(&hs, kk, 0, NULL, 0, NULL, s, e), TC_ERR_NOISE_KEY);
    CHECK_ERR(tcdev_noise_init(&hs, xx, 1, NULL, 0, NULL, NULL, e), TC_ERR_NOISE_KEY);
    CHECK_OK(tcdev_noise_init(&hs, xx, 1, NULL, 0, s, NULL, e));
    CHECK_ERR(tcdev_noise_remote_static(&hs, s), TC_ERR_NOISE_KEY);
    CHECK_OK(tcdev_noise_init(&hs, nk, 1, NULL, 0, NULL, s, e));   /* NK initiator: no static */
    CHECK_ERR(tcdev_noise_init(&hs, nk, 0, NULL, 0, NULL, NULL, e), TC_ERR_NOISE_KEY);
    tcdev_noise_wipe(&hs);
    CHECK(!tcdev_noise_wants_write(&hs));
}

static void test_small_order_key_rejected(void)
{
    /* an all-zero remote ephemeral makes DH output zero: the port refuses it */
    pair p;
    uint8_t msg[128], pl[64];
    size_t n, m;
    CHECK_OK(pair_init(&p, "NN", ""));
    CHECK_OK(tcdev_noise_write_message(&p.i, msg, sizeof msg, &n, NULL, 0));
    CHECK_OK(tcdev_noise_read_message(&p.r, pl, sizeof pl, &m, msg, n));
    CHECK_OK(tcdev_noise_write_message(&p.r, msg, sizeof msg, &n, NULL, 0));
    memset(msg, 0, 32);
    CHECK_ERR(tcdev_noise_read_message(&p.i, pl, sizeof pl, &m, msg, n), TC_ERR_NOISE_KEY);
    CHECK_ERR(tcdev_noise_read_message(&p.i, pl, sizeof pl, &m, msg, n), TC_ERR_NOISE_STATE);
}

static void test_one_way(void)
{
    tcdev_noise_handshake i, r;
    tcdev_noise_cipher it, ir, rt, rr;
    uint8_t rs[32], rs_pub[32], e[32] = {3}, msg[128], pl[64];
    size_t n, m;
    const tcdev_noise_pattern *np = tcdev_noise_pattern_find("N", 1);
    CHECK(np && tcdev_noise_pattern_one_way(np) && tcdev_noise_pattern_messages(np) == 1);
    key(rs, "one-way"); tc_x25519_public(rs_pub, rs);
    CHECK_OK(tcdev_noise_init(&i, np, 1, NULL, 0, NULL, rs_pub, e));
    CHECK_OK(tcdev_noise_init(&r, np, 0, NULL, 0, rs, NULL, e));
    CHECK_OK(tcdev_noise_write_message(&i, msg, sizeof msg, &n, (const uint8_t *)"hi", 2));
    CHECK_OK(tcdev_noise_read_message(&r, pl, sizeof pl, &m, msg, n));
    CHECK_OK(tcdev_noise_split(&i, &it, &ir, NULL));
    CHECK_OK(tcdev_noise_split(&r, &rt, &rr, NULL));
    CHECK_OK(tcdev_noise_encrypt(&it, msg, sizeof msg, &n, NULL, 0, (const uint8_t *)"x", 1));
    CHECK_OK(tcdev_noise_decrypt(&rr, pl, sizeof pl, &m, NULL, 0, msg, n));
    CHECK_ERR(tcdev_noise_encrypt(&rt, msg, sizeof msg, &n, NULL, 0, (const uint8_t *)"x", 1), TC_ERR_NOISE_STATE);
}

static void test_protocol_names(void)
{
    const tcdev_noise_pattern *p = NULL;
    static const char good[] = "Noise_IK_25519_ChaChaPoly_SHA256";
    CHECK_OK(tcdev_noise_protocol_parse(&p, good, strlen(good)));
    CHECK(p && strcmp(tcdev_noise_pattern_name(p), "IK") == 0 && tcdev_noise_pattern_messages(p) == 2);
    static const char *const bad[] = {
        "Noise_IK_25519_ChaChaPoly_BLAKE2s", "Noise_IK_448_ChaChaPoly_SHA256",
        "Noise_IK_25519_AESGCM_SHA256", "Noise_IKpsk2_25519_ChaChaPoly_SHA256",
        "Noise_ZZ_25519_ChaChaPoly_SHA256", "Noise__25519_ChaChaPoly_SHA256",
        "_25519_ChaChaPoly_SHA256", "Noise_IK", ""};
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++)
        CHECK_MSG(tcdev_noise_protocol_parse(&p, bad[k], strlen(bad[k])) == TC_ERR_NOISE_PATTERN, "%s", bad[k]);
    CHECK(tcdev_noise_pattern_find("KKK", 3) == NULL);
    CHECK(tcdev_noise_pattern_find("KK", 1) == tcdev_noise_pattern_find("K", 1));   /* length counts */
    CHECK(tcdev_noise_pattern_find("KK", 2) != tcdev_noise_pattern_find("K", 1));
}

int main(void)
{
    if (tc_crypto_init() != 0) return 1;
    RUN(test_every_pattern_handshakes_and_talks);
    RUN(test_prologue_mismatch_fails);
    RUN(test_tampered_message_rejected);
    RUN(test_wrong_remote_static_fails);
    RUN(test_out_of_order);
    RUN(test_sizes);
    RUN(test_nonce_exhaustion);
    RUN(test_rekey);
    RUN(test_keys_required);
    RUN(test_small_order_key_rejected);
    RUN(test_one_way);
    RUN(test_protocol_names);
    return test_summary();
}
