/* Encoder (shortest forms, sticky errors, measure mode) and pull getters
 * (types, ranges, no advance on failure), each checked against hex. */
#include <math.h>
#include <stdint.h>

#include "test.h"
#include "tc/cbor.h"
#include "tc/hex.h"

static uint8_t buf[256];
static char hx[600];

/* Encodes with the putter in `stmt` into buf and compares with hex. */
#define ENC(stmt, want) do { tc_cbor_enc e_; size_t l_; tc_cbor_enc_init(&e_, buf, sizeof buf); \
    { tc_cbor_enc *e = &e_; stmt; } CHECK_OK(tc_cbor_enc_finish(&e_, &l_)); tc_hex_encode(hx, buf, l_); \
    CHECK_MSG(strcmp(hx, want) == 0, "%s: got %s, want %s", #stmt, hx, want); \
    CHECK_OK(tc_cbor_validate(NULL, buf, l_, NULL)); } while (0)

static void test_ints(void)
{
    ENC(tc_cbor_put_uint(e, 0), "00");
    ENC(tc_cbor_put_uint(e, 23), "17");
    ENC(tc_cbor_put_uint(e, 24), "1818");
    ENC(tc_cbor_put_uint(e, 255), "18ff");
    ENC(tc_cbor_put_uint(e, 256), "190100");
    ENC(tc_cbor_put_uint(e, 65535), "19ffff");
    ENC(tc_cbor_put_uint(e, 65536), "1a00010000");
    ENC(tc_cbor_put_uint(e, 0xffffffffu), "1affffffff");
    ENC(tc_cbor_put_uint(e, UINT64_C(0x100000000)), "1b0000000100000000");
    ENC(tc_cbor_put_uint(e, UINT64_MAX), "1bffffffffffffffff");
    ENC(tc_cbor_put_int(e, -1), "20");
    ENC(tc_cbor_put_int(e, -24), "37");
    ENC(tc_cbor_put_int(e, -25), "3818");
    ENC(tc_cbor_put_int(e, 1000), "1903e8");
    ENC(tc_cbor_put_int(e, INT64_MIN), "3b7fffffffffffffff");
    ENC(tc_cbor_put_int(e, INT64_MAX), "1b7fffffffffffffff");
    ENC(tc_cbor_put_negint(e, UINT64_MAX), "3bffffffffffffffff");
    ENC(tc_cbor_put_tag(e, 24); tc_cbor_put_uint(e, 1), "d81801");
}

static void test_floats(void)
{
    ENC(tc_cbor_put_float(e, 0.0), "f90000");
    ENC(tc_cbor_put_float(e, -0.0), "f98000");
    ENC(tc_cbor_put_float(e, 1.5), "f93e00");
    ENC(tc_cbor_put_float(e, 65504.0), "f97bff");
    ENC(tc_cbor_put_float(e, 65505.0), "fa477fe100");
    ENC(tc_cbor_put_float(e, 65536.0), "fa47800000"); /* 2^16 > half max */
    ENC(tc_cbor_put_float(e, 100000.0), "fa47c35000");
    ENC(tc_cbor_put_float(e, 1.1), "fb3ff199999999999a");
    ENC(tc_cbor_put_float(e, ldexp(1, -24)), "f90001");
    ENC(tc_cbor_put_float(e, ldexp(3, -24)), "f90003");
    ENC(tc_cbor_put_float(e, ldexp(1, -14)), "f90400");
    ENC(tc_cbor_put_float(e, ldexp(1023, -24)), "f903ff");
    ENC(tc_cbor_put_float(e, ldexp(1, -25)), "fa33000000");
    ENC(tc_cbor_put_float(e, ldexp(1, -149)), "fa00000001");
    ENC(tc_cbor_put_float(e, ldexp(1, -150)), "fb3690000000000000");
    ENC(tc_cbor_put_float(e, ldexp(1, -1074)), "fb0000000000000001");
    ENC(tc_cbor_put_float(e, 3.4028234663852886e38), "fa7f7fffff");
    ENC(tc_cbor_put_float(e, ldexp(1, 128)), "fb47f0000000000000");
    ENC(tc_cbor_put_float(e, ldexp(1, 127)), "fa7f000000");
    ENC(tc_cbor_put_float(e, 1e300), "fb7e37e43c8800759c");
    ENC(tc_cbor_put_float(e, INFINITY), "f97c00");
    ENC(tc_cbor_put_float(e, -INFINITY), "f9fc00");
    ENC(tc_cbor_put_float(e, NAN), "f97e00");
    ENC(tc_cbor_put_float(e, -NAN), "f97e00");
    ENC(tc_cbor_put_float(e, -4.1), "fbc010666666666666");
}

static void test_strings_and_simple(void)
{
    ENC(tc_cbor_put_bytes(e, NULL, 0), "40");
    ENC(tc_cbor_put_bytes(e, (const uint8_t *)"\x01\x02", 2), "420102");
    ENC(tc_cbor_put_cstr(e, "IETF"), "6449455446");
    ENC(tc_cbor_put_text(e, "\xf0\x90\x85\x91", 4), "64f0908591");
    ENC(tc_cbor_put_bool(e, 0), "f4");
    ENC(tc_cbor_put_bool(e, 7), "f5");
    ENC(tc_cbor_put_null(e), "f6");
    ENC(tc_cbor_put_undefined(e), "f7");
    ENC(tc_cbor_put_simple(e, 0), "e0");
    ENC(tc_cbor_put_simple(e, 19), "f3");
    ENC(tc_cbor_put_simple(e, 32), "f820");
    ENC(tc_cbor_put_simple(e, 255), "f8ff");
    ENC(tc_cbor_put_map(e, 2); tc_cbor_put_uint(e, 1); tc_cbor_put_array(e, 0);
        tc_cbor_put_cstr(e, "a"); tc_cbor_put_raw(e, (const uint8_t *)"\xa0", 1), "a201806161a0");
    char big[300];
    memset(big, 'x', sizeof big);
    tc_cbor_enc e;
    tc_cbor_enc_init(&e, buf, sizeof buf);
    tc_cbor_put_text(&e, big, 200);
    size_t l;
    CHECK_OK(tc_cbor_enc_finish(&e, &l));
    CHECK_EQ(l, 202);
    CHECK(buf[0] == 0x78 && buf[1] == 200);
}

static void test_encoder_errors(void)
{
    tc_cbor_enc e;
    size_t l;
    tc_cbor_enc_init(&e, buf, 2);
    tc_cbor_put_uint(&e, 1);
    tc_cbor_put_uint(&e, 1000); /* needs 3 bytes, 1 left */
    tc_cbor_put_uint(&e, 2);    /* sticky: no-op although it would fit */
    CHECK_ERR(tc_cbor_enc_finish(&e, &l), TC_ERR_BUFFER_TOO_SMALL);
    CHECK_EQ(l, 1);
    CHECK_EQ(buf[1] == 0x02, 0);

    static const char *bad_utf8[] = {"\x80", "\xc0\x80", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xe2\x82"};
    for (size_t i = 0; i < 5; i++) {
        tc_cbor_enc_init(&e, buf, sizeof buf);
        tc_cbor_put_cstr(&e, bad_utf8[i]);
        tc_cbor_put_uint(&e, 1);
        CHECK_ERR(tc_cbor_enc_finish(&e, &l), TC_ERR_CBOR_UTF8);
        CHECK_EQ(l, 0);
    }
    for (int v = 20; v < 32; v++) {
        tc_cbor_enc_init(&e, buf, sizeof buf);
        tc_cbor_put_simple(&e, (uint8_t)v);
        CHECK_ERR(tc_cbor_enc_finish(&e, &l), TC_ERR_CBOR_SIMPLE);
    }
    /* measure mode */
    tc_cbor_enc_init(&e, NULL, 0);
    tc_cbor_put_array(&e, 2);
    tc_cbor_put_uint(&e, UINT64_MAX);
    tc_cbor_put_bytes(&e, buf, 100);
    CHECK_OK(tc_cbor_enc_finish(&e, &l));
    CHECK_EQ(l, 1 + 9 + 2 + 100);
    CHECK_OK(tc_cbor_enc_finish(&e, NULL));
}

static tc_cbor_dec dec;
static void load(const char *hex)
{
    size_t n;
    tc_hex_decode(buf, sizeof buf, &n, hex, strlen(hex));
    int rc = tc_cbor_dec_init(&dec, buf, n, NULL);
    if (rc) fprintf(stderr, "load %s: %s\n", hex, tc_strerror(rc));
}

static void test_getters(void)
{
    /* [0, -1, h'0102', "ab", {1: true}, 18(null), 1.5, simple(16), false, undefined] */
    load("8a0020420102626162a101f5d2f6f93e00f0f4f7");
    uint64_t n, u;
    int64_t i;
    tc_cbor_type t;
    const uint8_t *p;
    const char *s;
    size_t len;
    int b;
    double f;
    uint8_t sv, fixed[2];
    CHECK_OK(tc_cbor_peek(&dec, &t));
    CHECK_EQ(t, TC_CBOR_ARRAY);
    CHECK_ERR(tc_cbor_expect_array(&dec, 9), TC_ERR_CBOR_LENGTH);
    CHECK_ERR(tc_cbor_get_map(&dec, &n), TC_ERR_CBOR_TYPE);
    CHECK_OK(tc_cbor_get_array(&dec, &n));
    CHECK_EQ(n, 10);
    CHECK_ERR(tc_cbor_get_text(&dec, &s, &len), TC_ERR_CBOR_TYPE);
    CHECK_OK(tc_cbor_get_uint(&dec, &u));
    CHECK_EQ(u, 0);
    CHECK_ERR(tc_cbor_get_uint(&dec, &u), TC_ERR_CBOR_TYPE);
    CHECK_OK(tc_cbor_get_int(&dec, &i));
    CHECK_EQ(i, -1);
    CHECK_ERR(tc_cbor_get_bytes_fixed(&dec, fixed, 3), TC_ERR_CBOR_LENGTH);
    CHECK_OK(tc_cbor_get_bytes_fixed(&dec, fixed, 2));
    CHECK(fixed[0] == 1 && fixed[1] == 2);
    CHECK_ERR(tc_cbor_get_bytes(&dec, &p, &len), TC_ERR_CBOR_TYPE);
    CHECK_OK(tc_cbor_get_text(&dec, &s, &len));
    CHECK(len == 2 && memcmp(s, "ab", 2) == 0);
    CHECK_OK(tc_cbor_get_map(&dec, &n));
    CHECK_EQ(n, 1);
    CHECK_OK(tc_cbor_get_uint(&dec, &u));
    CHECK_ERR(tc_cbor_get_null(&dec), TC_ERR_CBOR_TYPE);
    CHECK_OK(tc_cbor_get_bool(&dec, &b));
    CHECK_EQ(b, 1);
    CHECK_OK(tc_cbor_peek(&dec, &t));
    CHECK_EQ(t, TC_CBOR_TAG);
    CHECK_OK(tc_cbor_get_tag(&dec, &u));
    CHECK_EQ(u, 18);
    CHECK_ERR(tc_cbor_get_bool(&dec, &b), TC_ERR_CBOR_TYPE);
    CHECK_OK(tc_cbor_get_null(&dec));
    CHECK_OK(tc_cbor_peek(&dec, &t));
    CHECK_EQ(t, TC_CBOR_FLOAT);
    CHECK_ERR(tc_cbor_get_simple(&dec, &sv), TC_ERR_CBOR_TYPE);
    CHECK_OK(tc_cbor_get_float(&dec, &f));
    CHECK(f == 1.5);
    CHECK_ERR(tc_cbor_get_float(&dec, &f), TC_ERR_CBOR_TYPE);
    CHECK_OK(tc_cbor_get_simple(&dec, &sv));
    CHECK_EQ(sv, 16);
    CHECK_ERR(tc_cbor_dec_done(&dec), TC_ERR_CBOR_TRAILING);
    CHECK_OK(tc_cbor_get_bool(&dec, &b));
    CHECK_EQ(b, 0);
    CHECK_OK(tc_cbor_get_simple(&dec, &sv));
    CHECK_EQ(sv, 23);
    CHECK_OK(tc_cbor_dec_done(&dec));
    CHECK_ERR(tc_cbor_peek(&dec, &t), TC_ERR_CBOR_TRUNCATED);
    CHECK_ERR(tc_cbor_get_uint(&dec, &u), TC_ERR_CBOR_TRUNCATED);
}

static void test_int_ranges(void)
{
    int64_t i;
    uint64_t u;
    load("3b7fffffffffffffff");
    CHECK_OK(tc_cbor_get_int(&dec, &i));
    CHECK(i == INT64_MIN);
    load("3b8000000000000000");
    CHECK_ERR(tc_cbor_get_int(&dec, &i), TC_ERR_CBOR_RANGE);
    CHECK_ERR(tc_cbor_get_uint(&dec, &u), TC_ERR_CBOR_TYPE);
    load("1b8000000000000000");
    CHECK_ERR(tc_cbor_get_int(&dec, &i), TC_ERR_CBOR_RANGE);
    CHECK_OK(tc_cbor_get_uint(&dec, &u));
    CHECK(u == UINT64_C(0x8000000000000000));
    load("1b7fffffffffffffff");
    CHECK_OK(tc_cbor_get_int(&dec, &i));
    CHECK(i == INT64_MAX);
}

static void test_raw_skip(void)
{
    load("83a1616182f6f4c1190100f97e00");
    uint64_t n;
    const uint8_t *p;
    size_t len;
    double f;
    CHECK_OK(tc_cbor_get_array(&dec, &n));
    CHECK_OK(tc_cbor_get_raw(&dec, &p, &len));
    CHECK(p == buf + 1 && len == 6);
    CHECK_OK(tc_cbor_skip(&dec));
    CHECK_OK(tc_cbor_get_float(&dec, &f));
    CHECK(f != f);
    CHECK_OK(tc_cbor_dec_done(&dec));
    /* a failed init leaves a decoder that yields nothing */
    CHECK_ERR(tc_cbor_dec_init(&dec, buf, 3, NULL), TC_ERR_CBOR_TRUNCATED);
    CHECK_ERR(tc_cbor_skip(&dec), TC_ERR_CBOR_TRUNCATED);
}

int main(void)
{
    RUN(test_ints);
    RUN(test_floats);
    RUN(test_strings_and_simple);
    RUN(test_encoder_errors);
    RUN(test_getters);
    RUN(test_int_ranges);
    RUN(test_raw_skip);
    return test_summary();
}
