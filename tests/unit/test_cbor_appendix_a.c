/* RFC 8949 Appendix A, typed in from the RFC: every example either decodes
 * and prints as the RFC's diagnostic notation, or (not deterministic) is
 * rejected with its specific error code. */
#include <stdlib.h>

#include "test.h"
#include "tc/cbor.h"
#include "tc/hex.h"

typedef struct {
    const char *hex;
    const char *diag; /* as printed in Appendix A (exceptions noted) */
    int rc;           /* 0, or the error a deterministic decoder must give */
} example;

static const example appendix_a[] = {
    {"00", "0", 0},
    {"01", "1", 0},
    {"0a", "10", 0},
    {"17", "23", 0},
    {"1818", "24", 0},
    {"1819", "25", 0},
    {"1864", "100", 0},
    {"1903e8", "1000", 0},
    {"1a000f4240", "1000000", 0},
    {"1b000000e8d4a51000", "1000000000000", 0},
    {"1bffffffffffffffff", "18446744073709551615", 0},
    /* Appendix A shows the bignums by value (18446744073709551616 and
     * -18446744073709551617); §8 diag of the encoded item is the tag form. */
    {"c249010000000000000000", "2(h'010000000000000000')", 0},
    {"3bffffffffffffffff", "-18446744073709551616", 0},
    {"c349010000000000000000", "3(h'010000000000000000')", 0},
    {"20", "-1", 0},
    {"29", "-10", 0},
    {"3863", "-100", 0},
    {"3903e7", "-1000", 0},
    {"f90000", "0.0", 0},
    {"f98000", "-0.0", 0},
    {"f93c00", "1.0", 0},
    {"fb3ff199999999999a", "1.1", 0},
    {"f93e00", "1.5", 0},
    {"f97bff", "65504.0", 0},
    {"fa47c35000", "100000.0", 0},
    {"fa7f7fffff", "3.4028234663852886e+38", 0},
    {"fb7e37e43c8800759c", "1.0e+300", 0},
    {"f90001", "5.960464477539063e-8", 0},
    {"f90400", "0.00006103515625", 0},
    {"f9c400", "-4.0", 0},
    {"fbc010666666666666", "-4.1", 0},
    {"f97c00", "Infinity", 0},
    {"f97e00", "NaN", 0},
    {"f9fc00", "-Infinity", 0},
    /* not preferred serialization (§4.1): longer than needed */
    {"fa7f800000", "Infinity", TC_ERR_CBOR_NONCANONICAL_FLOAT},
    {"fa7fc00000", "NaN", TC_ERR_CBOR_NONCANONICAL_FLOAT},
    {"faff800000", "-Infinity", TC_ERR_CBOR_NONCANONICAL_FLOAT},
    {"fb7ff0000000000000", "Infinity", TC_ERR_CBOR_NONCANONICAL_FLOAT},
    {"fb7ff8000000000000", "NaN", TC_ERR_CBOR_NONCANONICAL_FLOAT},
    {"fbfff0000000000000", "-Infinity", TC_ERR_CBOR_NONCANONICAL_FLOAT},
    {"f4", "false", 0},
    {"f5", "true", 0},
    {"f6", "null", 0},
    {"f7", "undefined", 0},
    {"f0", "simple(16)", 0},
    {"f8ff", "simple(255)", 0},
    {"c074323031332d30332d32315432303a30343a30305a", "0(\"2013-03-21T20:04:00Z\")", 0},
    {"c11a514b67b0", "1(1363896240)", 0},
    {"c1fb41d452d9ec200000", "1(1363896240.5)", 0},
    {"d74401020304", "23(h'01020304')", 0},
    {"d818456449455446", "24(h'6449455446')", 0},
    {"d82076687474703a2f2f7777772e6578616d706c652e636f6d", "32(\"http://www.example.com\")", 0},
    {"40", "h''", 0},
    {"4401020304", "h'01020304'", 0},
    {"60", "\"\"", 0},
    {"6161", "\"a\"", 0},
    {"6449455446", "\"IETF\"", 0},
    {"62225c", "\"\\\"\\\\\"", 0},
    {"62c3bc", "\"\\u00fc\"", 0},
    {"63e6b0b4", "\"\\u6c34\"", 0},
    {"64f0908591", "\"\\ud800\\udd51\"", 0},
    {"80", "[]", 0},
    {"83010203", "[1, 2, 3]", 0},
    {"8301820203820405", "[1, [2, 3], [4, 5]]", 0},
    {"98190102030405060708090a0b0c0d0e0f101112131415161718181819",
     "[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25]", 0},
    {"a0", "{}", 0},
    {"a201020304", "{1: 2, 3: 4}", 0},
    {"a26161016162820203", "{\"a\": 1, \"b\": [2, 3]}", 0},
    {"826161a161626163", "[\"a\", {\"b\": \"c\"}]", 0},
    {"a56161614161626142616361436164614461656145",
     "{\"a\": \"A\", \"b\": \"B\", \"c\": \"C\", \"d\": \"D\", \"e\": \"E\"}", 0},
    /* indefinite lengths (§3.2.2-3.2.3): never deterministic (§4.2.1) */
    {"5f42010243030405ff", "(_ h'0102', h'030405')", TC_ERR_CBOR_INDEFINITE},
    {"7f657374726561646d696e67ff", "(_ \"strea\", \"ming\")", TC_ERR_CBOR_INDEFINITE},
    {"9fff", "[_ ]", TC_ERR_CBOR_INDEFINITE},
    {"9f018202039f0405ffff", "[_ 1, [2, 3], [_ 4, 5]]", TC_ERR_CBOR_INDEFINITE},
    {"9f01820203820405ff", "[_ 1, [2, 3], [4, 5]]", TC_ERR_CBOR_INDEFINITE},
    {"83018202039f0405ff", "[1, [2, 3], [_ 4, 5]]", TC_ERR_CBOR_INDEFINITE},
    {"83019f0203ff820405", "[1, [_ 2, 3], [4, 5]]", TC_ERR_CBOR_INDEFINITE},
    {"9f0102030405060708090a0b0c0d0e0f101112131415161718181819ff",
     "[_ 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25]",
     TC_ERR_CBOR_INDEFINITE},
    {"bf61610161629f0203ffff", "{_ \"a\": 1, \"b\": [_ 2, 3]}", TC_ERR_CBOR_INDEFINITE},
    {"826161bf61626163ff", "[\"a\", {_ \"b\": \"c\"}]", TC_ERR_CBOR_INDEFINITE},
    {"bf6346756ef563416d7421ff", "{_ \"Fun\": true, \"Amt\": -2}", TC_ERR_CBOR_INDEFINITE},
};

static uint8_t buf[256];
static char out[512];

static void test_appendix_a(void)
{
    size_t nex = sizeof appendix_a / sizeof appendix_a[0];
    CHECK_EQ(nex, 81); /* the rows of RFC 8949 Table 6 (Appendix A) */
    for (size_t i = 0; i < nex; i++) {
        const example *x = &appendix_a[i];
        size_t n, dl;
        CHECK_OK(tc_hex_decode(buf, sizeof buf, &n, x->hex, strlen(x->hex)));
        int rc = tc_cbor_diag(out, sizeof out, &dl, buf, n, NULL);
        CHECK_MSG(rc == x->rc, "%s (%s): got %d (%s), want %d", x->hex, x->diag, rc, tc_strerror(rc), x->rc);
        if (rc) continue;
        CHECK_MSG(strcmp(out, x->diag) == 0, "%s: got %s, want %s", x->hex, out, x->diag);
        CHECK_EQ(dl, strlen(x->diag));
    }
}

/* Every accepted example survives get_raw/skip and a put_raw copy. */
static void test_appendix_a_raw(void)
{
    size_t nex = sizeof appendix_a / sizeof appendix_a[0];
    for (size_t i = 0; i < nex; i++) {
        if (appendix_a[i].rc) continue;
        size_t n;
        CHECK_OK(tc_hex_decode(buf, sizeof buf, &n, appendix_a[i].hex, strlen(appendix_a[i].hex)));
        tc_cbor_dec d;
        CHECK_OK(tc_cbor_dec_init(&d, buf, n, NULL));
        const uint8_t *p;
        size_t rn;
        CHECK_OK(tc_cbor_get_raw(&d, &p, &rn));
        CHECK(p == buf && rn == n);
        CHECK_OK(tc_cbor_dec_done(&d));
        CHECK_ERR(tc_cbor_skip(&d), TC_ERR_CBOR_TRUNCATED);
    }
}

int main(void)
{
    RUN(test_appendix_a);
    RUN(test_appendix_a_raw);
    return test_summary();
}
