/* COSE_Sign1 (include/tc/cose.h): creation, verification, the profile's
 * rejections with their specific codes, the scratch-size rule, and the
 * cose-wg/Examples vectors (tests/vectors/cose/, BSD-3-Clause). */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "tc/cbor.h"
#include "tc/cose.h"
#include "tc/hex.h"

static uint8_t seed_[32], pub_[32], sec_[64];
static uint8_t scratch_[4096];

static void setup_key(void)
{
    tc_hex_decode(seed_, 32, NULL, "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60", 64);
    tc_ed25519_keypair(pub_, sec_, seed_);
}

/* Builds [prot bstr, unprot (raw item), payload (raw item), sig] with a correct
 * signature over the Sig_structure, optionally tagged with `tag` (0 = none). */
static size_t craft(uint8_t *out, size_t cap, uint64_t tag, const uint8_t *prot, size_t prot_len,
                    const uint8_t *unprot, size_t unprot_len, const uint8_t *payload_item,
                    size_t payload_item_len, const uint8_t *aad, size_t aad_len)
{
    /* The payload bytes inside the item (if it is a byte string). */
    tc_cbor_dec d;
    const uint8_t *pl = NULL;
    size_t pll = 0;
    if (tc_cbor_dec_init(&d, payload_item, payload_item_len, NULL) == 0)
        (void)tc_cbor_get_bytes(&d, &pl, &pll);
    size_t tbs_len;
    uint8_t sig[64];
    if (tc_cose_tbs(scratch_, sizeof scratch_, &tbs_len, prot, prot_len, NULL, 0, aad, aad_len, pl,
                    pll) != 0)
        abort();
    tc_ed25519_sign(sig, scratch_, tbs_len, sec_);
    tc_cbor_enc e;
    tc_cbor_enc_init(&e, out, cap);
    if (tag) tc_cbor_put_tag(&e, tag);
    tc_cbor_put_array(&e, 4);
    tc_cbor_put_bytes(&e, prot, prot_len);
    tc_cbor_put_raw(&e, unprot, unprot_len);
    tc_cbor_put_raw(&e, payload_item, payload_item_len);
    tc_cbor_put_bytes(&e, sig, 64);
    size_t n = 0;
    if (tc_cbor_enc_finish(&e, &n) != 0) abort();
    return n;
}

static const uint8_t PAYLOAD_ITEM[] = {0x43, 'a', 'b', 'c'};
static const uint8_t EMPTY_MAP[] = {0xa0};

/* Verifies a crafted object and returns the code. */
static int verify_crafted(const uint8_t *prot, size_t pl, const uint8_t *unprot, size_t ul)
{
    uint8_t buf[512];
    size_t n = craft(buf, sizeof buf, 18, prot, pl, unprot, ul, PAYLOAD_ITEM, sizeof PAYLOAD_ITEM,
                     NULL, 0);
    tc_err err;
    tc_err_clear(&err);
    int rc = tc_cose_sign1_verify(NULL, scratch_, sizeof scratch_, pub_, NULL, 0, buf, n, &err);
    if (rc && err.msg[0] == '\0') return -1; /* every failure carries a message */
    return rc;
}

static void test_roundtrip(void)
{
    static const uint8_t payload[] = "reading: 21.5C";
    static const uint8_t aad[] = "chain:test";
    uint8_t out[256], kid[16];
    tc_keyid(kid, pub_);
    for (int tagged = 0; tagged <= 1; tagged++) {
        size_t n;
        tc_err err;
        CHECK_OK(tc_cose_sign1_create(out, sizeof out, &n, scratch_, sizeof scratch_, sec_, NULL, 0,
                                      aad, sizeof aad, payload, sizeof payload, tagged, &err));
        CHECK(n <= TC_COSE_SIGN1_SIZE(16, sizeof payload));
        CHECK_EQ(out[0], tagged ? 0xd2 : 0x84);
        tc_cose_sign1 m;
        CHECK_OK(tc_cose_sign1_verify(&m, scratch_, sizeof scratch_, pub_, aad, sizeof aad, out, n, &err));
        CHECK_EQ(m.tagged, tagged);
        CHECK_EQ(m.payload_len, sizeof payload);
        CHECK_MEM(m.payload, payload, sizeof payload);
        CHECK_EQ(m.kid_len, 16);
        CHECK_MEM(m.kid, kid, 16);
        /* protected is exactly {1: -8, 4: kid}. */
        static const uint8_t head[] = {0xa2, 0x01, 0x27, 0x04, 0x50};
        CHECK_EQ(m.protected_len, sizeof head + 16);
        CHECK_MEM(m.protected_hdr, head, sizeof head);
        /* Wrong AAD, no AAD, wrong key. */
        CHECK_ERR(tc_cose_sign1_verify(NULL, scratch_, sizeof scratch_, pub_, aad, sizeof aad - 1, out,
                                       n, NULL), TC_ERR_BAD_SIGNATURE);
        CHECK_ERR(tc_cose_sign1_verify(NULL, scratch_, sizeof scratch_, pub_, NULL, 0, out, n, NULL),
                  TC_ERR_BAD_SIGNATURE);
        uint8_t other_seed[32] = {1}, other_pub[32], other_sec[64];
        tc_ed25519_keypair(other_pub, other_sec, other_seed);
        CHECK_ERR(tc_cose_sign1_verify(NULL, scratch_, sizeof scratch_, other_pub, aad, sizeof aad,
                                       out, n, NULL), TC_ERR_BAD_SIGNATURE);
        /* Every single-bit change anywhere is rejected (no byte is ignored). */
        for (size_t i = 0; i < n; i++) {
            out[i] ^= 0x04;
            int rc = tc_cose_sign1_verify(NULL, scratch_, sizeof scratch_, pub_, aad, sizeof aad, out,
                                          n, NULL);
            out[i] ^= 0x04;
            CHECK_MSG(rc != 0, "flip at byte %zu accepted", i);
        }
    }
}

static void test_custom_kid_and_empty_payload(void)
{
    uint8_t out[256];
    size_t n;
    static const uint8_t kid[] = "device-7";
    CHECK_OK(tc_cose_sign1_create(out, sizeof out, &n, scratch_, sizeof scratch_, sec_, kid, 8, NULL,
                                  0, NULL, 0, 1, NULL));
    tc_cose_sign1 m;
    CHECK_OK(tc_cose_sign1_parse(&m, out, n, NULL));
    CHECK_EQ(m.kid_len, 8);
    CHECK_MEM(m.kid, kid, 8);
    CHECK_EQ(m.payload_len, 0);
    CHECK_OK(tc_cose_sign1_verify(NULL, scratch_, sizeof scratch_, pub_, NULL, 0, out, n, NULL));
    uint8_t big[TC_COSE_KID_MAX + 1] = {0};
    CHECK_ERR(tc_cose_sign1_create(out, sizeof out, &n, scratch_, sizeof scratch_, sec_, big,
                                   sizeof big, NULL, 0, NULL, 0, 1, NULL), TC_ERR_INVALID_ARG);
    CHECK_ERR(tc_cose_sign1_create(out, sizeof out, &n, scratch_, sizeof scratch_, sec_, big, 0, NULL,
                                   0, NULL, 0, 1, NULL), TC_ERR_INVALID_ARG);
    CHECK_OK(tc_cose_sign1_create(out, sizeof out, &n, scratch_, sizeof scratch_, sec_, big,
                                  TC_COSE_KID_MAX, NULL, 0, NULL, 0, 0, NULL));
    CHECK_OK(tc_cose_sign1_verify(NULL, scratch_, sizeof scratch_, pub_, NULL, 0, out, n, NULL));
}

/* The scratch rule: tc_cose_tbs_size is exact, TC_COSE_TBS_SIZE an upper
 * bound, and one byte less than needed fails cleanly in both directions. */
static void test_scratch_rule(void)
{
    static const size_t sizes[] = {0, 1, 23, 24, 255, 256, 1000, 65535, 65536, 70000};
    uint8_t *buf = malloc(70000 + 200), *tbs = malloc(2 * 70000 + 200);
    CHECK(buf && tbs);
    memset(buf, 0x61, 70000);
    int bad = 0;
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        size_t pl = sizes[i], al = sizes[(i + 3) % 10] % 300, n = 0;
        for (int sign = 0; sign <= 1; sign++) {
            size_t sp = sign ? 23 : (size_t)-1;
            size_t want = tc_cose_tbs_size(21, sp, al, pl);
            if (tc_cose_tbs(tbs, want, &n, buf, 21, sign ? buf : NULL, sign ? 23 : 0, buf, al, buf,
                            pl) != 0 || n != want)
                bad++;
            if (want > TC_COSE_TBS_SIZE(21, sign ? 23 : 0, al, pl)) bad++;
            if (tc_cose_tbs(tbs, want - 1, &n, buf, 21, sign ? buf : NULL, sign ? 23 : 0, buf, al,
                            buf, pl) != TC_ERR_BUFFER_TOO_SMALL)
                bad++;
        }
    }
    /* create/verify with a scratch one byte short. */
    uint8_t out[300];
    size_t n, need = tc_cose_tbs_size(5 + 16, (size_t)-1, 0, 100); /* {1:-8, 4:kid16} */
    int rc1 = tc_cose_sign1_create(out, sizeof out, &n, tbs, need - 1, sec_, NULL, 0, NULL, 0, buf,
                                   100, 1, NULL);
    int rc2 = tc_cose_sign1_create(out, sizeof out, &n, tbs, need, sec_, NULL, 0, NULL, 0, buf, 100,
                                   1, NULL);
    int rc3 = tc_cose_sign1_verify(NULL, tbs, need - 1, pub_, NULL, 0, out, n, NULL);
    int rc4 = tc_cose_sign1_verify(NULL, tbs, need, pub_, NULL, 0, out, n, NULL);
    int rc5 = tc_cose_sign1_create(out, n - 1, &n, tbs, need, sec_, NULL, 0, NULL, 0, buf, 100, 1,
                                   NULL);
    free(buf);
    free(tbs);
    CHECK_EQ(bad, 0);
    CHECK_ERR(rc1, TC_ERR_BUFFER_TOO_SMALL);
    CHECK_OK(rc2);
    CHECK_ERR(rc3, TC_ERR_BUFFER_TOO_SMALL);
    CHECK_OK(rc4);
    CHECK_ERR(rc5, TC_ERR_BUFFER_TOO_SMALL);
}

/* Header rules: each crafted object carries a correct signature, so only
 * the header rule can reject it. */
static void test_header_rules(void)
{
    static const uint8_t kid_unprot[] = {0xa1, 0x04, 0x42, 'k', '1'};
    /* accepted */
    static const uint8_t p_ok[] = {0xa1, 0x01, 0x27};
    CHECK_OK(verify_crafted(p_ok, sizeof p_ok, EMPTY_MAP, 1));
    CHECK_OK(verify_crafted(p_ok, sizeof p_ok, kid_unprot, sizeof kid_unprot));
    static const uint8_t p_cty[] = {0xa2, 0x01, 0x27, 0x03, 0x00};             /* {1:-8, 3:0} */
    CHECK_OK(verify_crafted(p_cty, sizeof p_cty, EMPTY_MAP, 1));
    static const uint8_t p_crit_ok[] = {0xa3, 0x01, 0x27, 0x02, 0x81, 0x04, 0x04, 0x41, 'k'};
    CHECK_OK(verify_crafted(p_crit_ok, sizeof p_crit_ok, EMPTY_MAP, 1));  /* crit [4] */
    static const uint8_t p_unknown[] = {0xa2, 0x01, 0x27, 0x18, 0x63, 0x00}; /* 99: 0, not crit */
    CHECK_OK(verify_crafted(p_unknown, sizeof p_unknown, EMPTY_MAP, 1));
    static const uint8_t u_text[] = {0xa1, 0x61, 'x', 0xf5}; /* {"x": true} */
    CHECK_OK(verify_crafted(p_ok, sizeof p_ok, u_text, sizeof u_text));
    /* algorithms */
    static const uint8_t p_es256[] = {0xa1, 0x01, 0x26};                    /* alg -7 */
    CHECK_ERR(verify_crafted(p_es256, sizeof p_es256, EMPTY_MAP, 1), TC_ERR_COSE_ALG);
    static const uint8_t p_text_alg[] = {0xa1, 0x01, 0x65, 'E', 'd', 'D', 'S', 'A'};
    CHECK_ERR(verify_crafted(p_text_alg, sizeof p_text_alg, EMPTY_MAP, 1), TC_ERR_COSE_ALG);
    static const uint8_t p_no_alg[] = {0xa1, 0x04, 0x41, 'k'};
    CHECK_ERR(verify_crafted(p_no_alg, sizeof p_no_alg, EMPTY_MAP, 1), TC_ERR_COSE_ALG);
    CHECK_ERR(verify_crafted(NULL, 0, EMPTY_MAP, 1), TC_ERR_COSE_ALG);
    static const uint8_t u_alg[] = {0xa1, 0x01, 0x27};
    CHECK_ERR(verify_crafted(NULL, 0, u_alg, sizeof u_alg), TC_ERR_COSE_HEADER);
    /* crit */
    static const uint8_t p_crit99[] = {0xa3, 0x01, 0x27, 0x02, 0x81, 0x18, 0x63, 0x18, 0x63, 0x00};
    CHECK_ERR(verify_crafted(p_crit99, sizeof p_crit99, EMPTY_MAP, 1), TC_ERR_COSE_CRIT);
    static const uint8_t p_crit_text[] = {0xa2, 0x01, 0x27, 0x02, 0x81, 0x61, 'z'};
    CHECK_ERR(verify_crafted(p_crit_text, sizeof p_crit_text, EMPTY_MAP, 1), TC_ERR_COSE_CRIT);
    static const uint8_t p_crit_neg[] = {0xa2, 0x01, 0x27, 0x02, 0x81, 0x38, 0x63}; /* crit [-100] */
    CHECK_ERR(verify_crafted(p_crit_neg, sizeof p_crit_neg, EMPTY_MAP, 1), TC_ERR_COSE_CRIT);
    static const uint8_t p_crit_empty[] = {0xa2, 0x01, 0x27, 0x02, 0x80};
    CHECK_ERR(verify_crafted(p_crit_empty, sizeof p_crit_empty, EMPTY_MAP, 1), TC_ERR_COSE_HEADER);
    static const uint8_t u_crit[] = {0xa1, 0x02, 0x81, 0x04};
    CHECK_ERR(verify_crafted(p_ok, sizeof p_ok, u_crit, sizeof u_crit), TC_ERR_COSE_HEADER);
    /* kid: in both buckets, empty, wrong type */
    static const uint8_t p_kid[] = {0xa2, 0x01, 0x27, 0x04, 0x41, 'k'};
    CHECK_ERR(verify_crafted(p_kid, sizeof p_kid, kid_unprot, sizeof kid_unprot), TC_ERR_COSE_HEADER);
    static const uint8_t u_kid_empty[] = {0xa1, 0x04, 0x40};
    CHECK_ERR(verify_crafted(p_ok, sizeof p_ok, u_kid_empty, sizeof u_kid_empty), TC_ERR_COSE_HEADER);
    static const uint8_t u_kid_text[] = {0xa1, 0x04, 0x61, 'k'};
    CHECK_ERR(verify_crafted(p_ok, sizeof p_ok, u_kid_text, sizeof u_kid_text), TC_ERR_COSE_HEADER);
    /* bucket shapes */
    static const uint8_t p_not_map[] = {0x01};
    CHECK_ERR(verify_crafted(p_not_map, 1, EMPTY_MAP, 1), TC_ERR_COSE_HEADER);
    static const uint8_t u_not_map[] = {0x80};
    CHECK_ERR(verify_crafted(p_ok, sizeof p_ok, u_not_map, 1), TC_ERR_COSE_HEADER);
    static const uint8_t p_float_label[] = {0xa2, 0x01, 0x27, 0xf9, 0x3c, 0x00, 0x00};
    CHECK_ERR(verify_crafted(p_float_label, sizeof p_float_label, EMPTY_MAP, 1), TC_ERR_COSE_HEADER);
    /* protected bytes that are not deterministic CBOR: the codec's code. */
    static const uint8_t p_noncanon[] = {0xa1, 0x01, 0x38, 0x07};            /* -8 as 2 bytes */
    CHECK_ERR(verify_crafted(p_noncanon, sizeof p_noncanon, EMPTY_MAP, 1), TC_ERR_CBOR_NONCANONICAL_INT);
    static const uint8_t p_unsorted[] = {0xa2, 0x04, 0x41, 'k', 0x01, 0x27};
    CHECK_ERR(verify_crafted(p_unsorted, sizeof p_unsorted, EMPTY_MAP, 1), TC_ERR_CBOR_MAP_ORDER);
    static const uint8_t p_trailing[] = {0xa1, 0x01, 0x27, 0x00};
    CHECK_ERR(verify_crafted(p_trailing, sizeof p_trailing, EMPTY_MAP, 1), TC_ERR_CBOR_TRAILING);
    /* The empty protected map encoded as a0 is accepted only with alg... */
    static const uint8_t p_a0[] = {0xa0};
    CHECK_ERR(verify_crafted(p_a0, 1, EMPTY_MAP, 1), TC_ERR_COSE_ALG);
}

/* Outer structure: tags, shapes, nil payload, signature size, canonical form. */
static void test_structure_rules(void)
{
    static const uint8_t prot[] = {0xa1, 0x01, 0x27};
    uint8_t buf[512];
    size_t n;
    tc_cose_sign1 m;
    tc_err err;
    /* untagged is fine */
    n = craft(buf, sizeof buf, 0, prot, 3, EMPTY_MAP, 1, PAYLOAD_ITEM, sizeof PAYLOAD_ITEM, NULL, 0);
    CHECK_OK(tc_cose_sign1_verify(&m, scratch_, sizeof scratch_, pub_, NULL, 0, buf, n, NULL));
    CHECK_EQ(m.tagged, 0);
    /* wrong tags */
    n = craft(buf, sizeof buf, 98, prot, 3, EMPTY_MAP, 1, PAYLOAD_ITEM, sizeof PAYLOAD_ITEM, NULL, 0);
    CHECK_ERR(tc_cose_sign1_parse(&m, buf, n, &err), TC_ERR_COSE_TAG);
    n = craft(buf, sizeof buf, 17, prot, 3, EMPTY_MAP, 1, PAYLOAD_ITEM, sizeof PAYLOAD_ITEM, NULL, 0);
    CHECK_ERR(tc_cose_sign1_parse(&m, buf, n, &err), TC_ERR_COSE_TAG);
    /* detached payload */
    static const uint8_t nil[] = {0xf6};
    n = craft(buf, sizeof buf, 18, prot, 3, EMPTY_MAP, 1, nil, 1, NULL, 0);
    CHECK_ERR(tc_cose_sign1_parse(&m, buf, n, &err), TC_ERR_COSE_DETACHED);
    /* payload of the wrong type */
    static const uint8_t text_payload[] = {0x61, 'a'};
    n = craft(buf, sizeof buf, 18, prot, 3, EMPTY_MAP, 1, text_payload, 2, NULL, 0);
    CHECK_ERR(tc_cose_sign1_parse(&m, buf, n, &err), TC_ERR_COSE_STRUCTURE);
    /* shapes */
    static const uint8_t three[] = {0xd2, 0x83, 0x40, 0xa0, 0x40};
    CHECK_ERR(tc_cose_sign1_parse(&m, three, sizeof three, &err), TC_ERR_COSE_STRUCTURE);
    static const uint8_t map[] = {0xd2, 0xa0};
    CHECK_ERR(tc_cose_sign1_parse(&m, map, sizeof map, &err), TC_ERR_COSE_STRUCTURE);
    CHECK_ERR(tc_cose_sign1_parse(&m, map + 1, 1, &err), TC_ERR_COSE_STRUCTURE);
    static const uint8_t prot_text[] = {0x84, 0x60, 0xa0, 0x40, 0x40};
    CHECK_ERR(tc_cose_sign1_parse(&m, prot_text, sizeof prot_text, &err), TC_ERR_COSE_HEADER);
    /* signature of 63 and 65 bytes */
    for (int len = 63; len <= 65; len += 2) {
        tc_cbor_enc e;
        uint8_t sig[65] = {0};
        tc_cbor_enc_init(&e, buf, sizeof buf);
        tc_cbor_put_tag(&e, 18);
        tc_cbor_put_array(&e, 4);
        tc_cbor_put_bytes(&e, prot, 3);
        tc_cbor_put_map(&e, 0);
        tc_cbor_put_bytes(&e, (const uint8_t *)"abc", 3);
        tc_cbor_put_bytes(&e, sig, (size_t)len);
        CHECK_OK(tc_cbor_enc_finish(&e, &n));
        CHECK_ERR(tc_cose_sign1_parse(&m, buf, n, &err), TC_ERR_COSE_STRUCTURE);
    }
    /* not deterministic CBOR at the top level: codec codes pass through */
    n = craft(buf, sizeof buf, 18, prot, 3, EMPTY_MAP, 1, PAYLOAD_ITEM, sizeof PAYLOAD_ITEM, NULL, 0);
    buf[n] = 0x00;
    CHECK_ERR(tc_cose_sign1_parse(&m, buf, n + 1, &err), TC_ERR_CBOR_TRAILING);
    CHECK_ERR(tc_cose_sign1_parse(&m, buf, n - 1, &err), TC_ERR_CBOR_TRUNCATED);
    static const uint8_t long_head[] = {0xd2, 0x98, 0x04, 0x40, 0xa0, 0x40, 0x40};
    CHECK_ERR(tc_cose_sign1_parse(&m, long_head, sizeof long_head, &err), TC_ERR_CBOR_NONCANONICAL_INT);
    static const uint8_t indef[] = {0xd2, 0x9f, 0x40, 0xa0, 0x40, 0x40, 0xff};
    CHECK_ERR(tc_cose_sign1_parse(&m, indef, sizeof indef, &err), TC_ERR_CBOR_INDEFINITE);
    CHECK_ERR(tc_cose_sign1_parse(&m, buf, 0, &err), TC_ERR_CBOR_TRUNCATED);
    CHECK(err.msg[0] != '\0');
}

/* cose-wg/Examples eddsa-examples: the Sig_structure we build must equal
 * theirs byte for byte; the Ed25519 one verifies and our signature over it
 * equals theirs (Ed25519 is deterministic); the Ed448 one is refused. */
static json_t *load_vec(const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/cose/%s", test_vectors_dir(), name);
    json_error_t je;
    return json_load_file(path, 0, &je);
}

static size_t jhex(uint8_t *out, size_t cap, json_t *v)
{
    const char *s = json_string_value(v);
    size_t n = 0;
    if (!s || tc_hex_decode(out, cap, &n, s, strlen(s)) != 0) abort();
    return n;
}

static void test_cose_wg_vectors(void)
{
    json_t *v1 = load_vec("eddsa-sig-01.json"), *v2 = load_vec("eddsa-sig-02.json");
    CHECK(v1 && v2);
    uint8_t cbor[512], tbs[512], mine[512], x[57], d[57], pub[32], sec[64];
    size_t cl = jhex(cbor, sizeof cbor, json_object_get(json_object_get(v1, "output"), "cbor"));
    size_t tl = jhex(tbs, sizeof tbs, json_object_get(json_object_get(v1, "intermediates"), "ToBeSign_hex"));
    json_t *key = json_object_get(json_object_get(json_object_get(v1, "input"), "sign0"), "key");
    CHECK_EQ(jhex(x, sizeof x, json_object_get(key, "x_hex")), 32);
    CHECK_EQ(jhex(d, sizeof d, json_object_get(key, "d_hex")), 32);
    const char *plain = json_string_value(json_object_get(json_object_get(v1, "input"), "plaintext"));
    tc_cose_sign1 m;
    tc_err err;
    CHECK_OK(tc_cose_sign1_verify(&m, scratch_, sizeof scratch_, x, NULL, 0, cbor, cl, &err));
    CHECK_EQ(m.tagged, 1);
    CHECK_EQ(m.payload_len, strlen(plain));
    CHECK_MEM(m.payload, plain, m.payload_len);
    CHECK_EQ(m.kid_len, 2);
    CHECK_MEM(m.kid, "11", 2);
    size_t ml;
    CHECK_OK(tc_cose_tbs(mine, sizeof mine, &ml, m.protected_hdr, m.protected_len, NULL, 0, NULL, 0,
                         m.payload, m.payload_len));
    CHECK_EQ(ml, tl);
    CHECK_MEM(mine, tbs, tl);
    CHECK_EQ(tc_cose_tbs_size(m.protected_len, (size_t)-1, 0, m.payload_len), tl);
    tc_ed25519_keypair(pub, sec, d);
    CHECK_MEM(pub, x, 32);
    uint8_t sig[64];
    tc_ed25519_sign(sig, tbs, tl, sec);
    CHECK_MEM(sig, m.sig, 64);
    /* Tampered payload byte: rejected. */
    cbor[cl - 64 - 2 - 1] ^= 1;
    CHECK_ERR(tc_cose_sign1_verify(NULL, scratch_, sizeof scratch_, x, NULL, 0, cbor, cl, NULL),
              TC_ERR_BAD_SIGNATURE);

    /* Ed448 under the same alg -8: same Sig_structure rules, signature refused. */
    cl = jhex(cbor, sizeof cbor, json_object_get(json_object_get(v2, "output"), "cbor"));
    tl = jhex(tbs, sizeof tbs, json_object_get(json_object_get(v2, "intermediates"), "ToBeSign_hex"));
    CHECK_ERR(tc_cose_sign1_parse(&m, cbor, cl, &err), TC_ERR_COSE_STRUCTURE);
    static const uint8_t prot2[] = {0xa1, 0x01, 0x27};
    CHECK_OK(tc_cose_tbs(mine, sizeof mine, &ml, prot2, 3, NULL, 0, NULL, 0, (const uint8_t *)plain,
                         strlen(plain)));
    CHECK_EQ(ml, tl);
    CHECK_MEM(mine, tbs, tl);
    tc_wipe(sec, sizeof sec);
    json_decref(v1);
    json_decref(v2);
}

int main(void)
{
    if (tc_crypto_init() != 0) return 1;
    setup_key();
    RUN(test_roundtrip);
    RUN(test_custom_kid_and_empty_payload);
    RUN(test_scratch_rule);
    RUN(test_header_rules);
    RUN(test_structure_rules);
    RUN(test_cose_wg_vectors);
    return test_summary();
}
