/* Every way an input can fail to be deterministic CBOR gets its own error
 * code (error_table.h, cbor block); each case here is a minimal input. */
#include <stdint.h>

#include "test.h"
#include "tc/cbor.h"
#include "tc/hex.h"

typedef struct {
    const char *hex;
    int rc;
} reject;

static const reject cases[] = {
    /* truncated */
    {"", TC_ERR_CBOR_TRUNCATED}, {"18", TC_ERR_CBOR_TRUNCATED}, {"1901", TC_ERR_CBOR_TRUNCATED},
    {"1b00000000000001", TC_ERR_CBOR_TRUNCATED}, {"6261", TC_ERR_CBOR_TRUNCATED},
    {"8201", TC_ERR_CBOR_TRUNCATED}, {"a101", TC_ERR_CBOR_TRUNCATED}, {"c0", TC_ERR_CBOR_TRUNCATED},
    {"f9", TC_ERR_CBOR_TRUNCATED}, {"fa7f80", TC_ERR_CBOR_TRUNCATED}, {"f8", TC_ERR_CBOR_TRUNCATED},
    {"5a00010000", TC_ERR_CBOR_TRUNCATED}, {"990100", TC_ERR_CBOR_TRUNCATED},
    /* lengths near 2^64 fail on the limit before any arithmetic */
    {"5b8000000000000000", TC_ERR_CBOR_SIZE}, {"7bffffffffffffffff", TC_ERR_CBOR_SIZE},
    {"9bffffffffffffffff", TC_ERR_CBOR_SIZE}, {"bb8000000000000000", TC_ERR_CBOR_SIZE},
    /* non-shortest integers, lengths, tags (§4.2.1) */
    {"1817", TC_ERR_CBOR_NONCANONICAL_INT}, {"1900ff", TC_ERR_CBOR_NONCANONICAL_INT},
    {"1a0000ffff", TC_ERR_CBOR_NONCANONICAL_INT}, {"1b00000000ffffffff", TC_ERR_CBOR_NONCANONICAL_INT},
    {"1b0000000000000000", TC_ERR_CBOR_NONCANONICAL_INT}, {"3800", TC_ERR_CBOR_NONCANONICAL_INT},
    {"5800", TC_ERR_CBOR_NONCANONICAL_INT}, {"7800", TC_ERR_CBOR_NONCANONICAL_INT},
    {"9800", TC_ERR_CBOR_NONCANONICAL_INT}, {"b800", TC_ERR_CBOR_NONCANONICAL_INT},
    {"d80100", TC_ERR_CBOR_NONCANONICAL_INT}, {"8118ff", 0}, {"811817", TC_ERR_CBOR_NONCANONICAL_INT},
    /* non-shortest floats and NaN other than f97e00 (§4.2.1, §4.2.2) */
    {"fa3fc00000", TC_ERR_CBOR_NONCANONICAL_FLOAT}, {"fb3ff8000000000000", TC_ERR_CBOR_NONCANONICAL_FLOAT},
    {"fb40f86a0000000000", TC_ERR_CBOR_NONCANONICAL_FLOAT}, {"fa33800000", TC_ERR_CBOR_NONCANONICAL_FLOAT},
    {"fa00000000", TC_ERR_CBOR_NONCANONICAL_FLOAT}, {"fb8000000000000000", TC_ERR_CBOR_NONCANONICAL_FLOAT},
    {"f97e01", TC_ERR_CBOR_NONCANONICAL_FLOAT}, {"f9fe00", TC_ERR_CBOR_NONCANONICAL_FLOAT},
    {"f97c01", TC_ERR_CBOR_NONCANONICAL_FLOAT}, {"fa7fc00001", TC_ERR_CBOR_NONCANONICAL_FLOAT},
    {"fb7ff8000000000001", TC_ERR_CBOR_NONCANONICAL_FLOAT},
    {"fb3e70000000000000", TC_ERR_CBOR_NONCANONICAL_FLOAT}, /* 2^-24 as double: half subnormal */
    {"fa477fe100", 0}, {"fa33000000", 0}, {"fa00000001", 0}, {"fb36a0000000000000", TC_ERR_CBOR_NONCANONICAL_FLOAT}, {"fb3690000000000000", 0},
    {"fb0000000000000001", 0}, {"fb47f0000000000000", 0}, {"f90001", 0}, {"f903ff", 0},
    /* indefinite lengths (§3.2.2) and breaks (§3.2.1) */
    {"5f40ff", TC_ERR_CBOR_INDEFINITE}, {"7f60ff", TC_ERR_CBOR_INDEFINITE}, {"9f", TC_ERR_CBOR_INDEFINITE},
    {"bfff", TC_ERR_CBOR_INDEFINITE}, {"8201bf", TC_ERR_CBOR_INDEFINITE},
    {"ff", TC_ERR_CBOR_BREAK}, {"81ff", TC_ERR_CBOR_BREAK}, {"a101ff", TC_ERR_CBOR_BREAK},
    /* reserved additional information 28-30, and 31 on major types 0, 1, 6 */
    {"1c", TC_ERR_CBOR_RESERVED}, {"1d", TC_ERR_CBOR_RESERVED}, {"1e", TC_ERR_CBOR_RESERVED},
    {"1f", TC_ERR_CBOR_RESERVED}, {"3f", TC_ERR_CBOR_RESERVED}, {"df", TC_ERR_CBOR_RESERVED},
    {"5c", TC_ERR_CBOR_RESERVED}, {"fc", TC_ERR_CBOR_RESERVED}, {"fe", TC_ERR_CBOR_RESERVED},
    /* simple values 0-31 in two bytes (§3.3); RFC 7049's "simple(24)" f818 */
    {"f800", TC_ERR_CBOR_SIMPLE}, {"f813", TC_ERR_CBOR_SIMPLE}, {"f818", TC_ERR_CBOR_SIMPLE},
    {"f81f", TC_ERR_CBOR_SIMPLE}, {"f820", 0}, {"f3", 0}, {"e0", 0},
    /* map key order: bytewise lexicographic of the encodings (§4.2.1) */
    {"a2020001f6", TC_ERR_CBOR_MAP_ORDER}, {"a2616201616102", TC_ERR_CBOR_MAP_ORDER},
    {"a22000186400", TC_ERR_CBOR_MAP_ORDER}, /* -1 before 100: length-first, not bytewise */
    {"a21864002000", 0}, {"a2616201626161f6", 0}, {"a2820101f6810100", TC_ERR_CBOR_MAP_ORDER},
    {"a28101f6820101f6", 0}, {"a3010002000100", TC_ERR_CBOR_MAP_ORDER},
    {"a201000100", TC_ERR_CBOR_MAP_DUP}, {"a281010081010000", TC_ERR_CBOR_MAP_DUP},
    {"a2616100616100", TC_ERR_CBOR_MAP_DUP}, {"81a2010001f6", TC_ERR_CBOR_MAP_DUP},
    {"a2a10100f6a10100f6", TC_ERR_CBOR_MAP_DUP}, {"a1a20100020000", 0}, {"a1a2020001000000", TC_ERR_CBOR_MAP_ORDER},
    /* UTF-8 (RFC 3629 §4) */
    {"6180", TC_ERR_CBOR_UTF8}, {"62c080", TC_ERR_CBOR_UTF8}, {"62c1bf", TC_ERR_CBOR_UTF8},
    {"63e08080", TC_ERR_CBOR_UTF8}, {"63e09fbf", TC_ERR_CBOR_UTF8}, {"63eda080", TC_ERR_CBOR_UTF8},
    {"63edbfbf", TC_ERR_CBOR_UTF8}, {"64f08f bfbf", TC_ERR_CBOR_UTF8}, {"64f4908080", TC_ERR_CBOR_UTF8},
    {"64f5808080", TC_ERR_CBOR_UTF8}, {"62e282", TC_ERR_CBOR_UTF8}, {"61ff", TC_ERR_CBOR_UTF8},
    {"62c328", TC_ERR_CBOR_UTF8}, {"64f48fbfbf", 0}, {"63ed9fbf", 0}, {"63ee8080", 0}, {"62c280", 0},
    {"6100", 0}, {"4180", 0},
    /* trailing bytes */
    {"0000", TC_ERR_CBOR_TRAILING}, {"80ff", TC_ERR_CBOR_TRAILING}, {"a0a0", TC_ERR_CBOR_TRAILING},
};

static uint8_t buf[512];

static int decode_hex(size_t *n, const char *hex)
{
    char clean[1100];
    size_t k = 0;
    for (const char *p = hex; *p; p++)
        if (*p != ' ') clean[k++] = *p;
    return tc_hex_decode(buf, sizeof buf, n, clean, k);
}

static void test_cases(void)
{
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t n;
        CHECK_OK(decode_hex(&n, cases[i].hex));
        tc_cbor_dec d;
        int rc = tc_cbor_dec_init(&d, buf, n, NULL);
        CHECK_MSG(rc == cases[i].rc, "%s: got %s, want %s", cases[i].hex, tc_errname(rc),
                  tc_errname(cases[i].rc));
    }
}

/* Without limits a huge declared length is plain truncation. */
static void test_huge_lengths_unlimited(void)
{
    tc_cbor_limits lim = {64, UINT64_MAX, UINT64_MAX};
    static const char *huge[] = {"5b8000000000000000", "7bffffffffffffffff", "9bffffffffffffffff",
                                 "bbffffffffffffffff", "bb7fffffffffffffff", "9b8000000000000000",
                                 "5bfffffffffffffff0", "825bffffffffffffffff00"};
    for (size_t i = 0; i < sizeof huge / sizeof huge[0]; i++) {
        size_t n, il;
        CHECK_OK(decode_hex(&n, huge[i]));
        CHECK_ERR(tc_cbor_validate(&il, buf, n, &lim), TC_ERR_CBOR_TRUNCATED);
    }
}

static void test_limits(void)
{
    size_t n, il;
    tc_cbor_limits lim;
    tc_cbor_limits_default(&lim);
    CHECK_EQ(lim.max_depth, 16);
    lim.max_str = 3;
    CHECK_OK(decode_hex(&n, "63616161"));
    CHECK_OK(tc_cbor_validate(&il, buf, n, &lim));
    CHECK_OK(decode_hex(&n, "6461616161"));
    CHECK_ERR(tc_cbor_validate(&il, buf, n, &lim), TC_ERR_CBOR_SIZE);
    CHECK_OK(decode_hex(&n, "4400000000"));
    CHECK_ERR(tc_cbor_validate(&il, buf, n, &lim), TC_ERR_CBOR_SIZE);
    tc_cbor_limits_default(&lim);
    lim.max_items = 2;
    CHECK_OK(decode_hex(&n, "820102"));
    CHECK_OK(tc_cbor_validate(&il, buf, n, &lim));
    CHECK_OK(decode_hex(&n, "83010203"));
    CHECK_ERR(tc_cbor_validate(&il, buf, n, &lim), TC_ERR_CBOR_SIZE);
    CHECK_OK(decode_hex(&n, "a3010002000300"));
    CHECK_ERR(tc_cbor_validate(&il, buf, n, &lim), TC_ERR_CBOR_SIZE);
}

/* depth: arrays, maps and tags each count one level; the limit is clamped
 * to TC_CBOR_MAX_DEPTH. */
static void test_depth(void)
{
    size_t il;
    tc_cbor_limits lim;
    for (int kind = 0; kind < 3; kind++) {
        for (int levels = 15; levels <= 17; levels++) {
            size_t n = 0;
            for (int i = 0; i < levels; i++) {
                if (kind == 0) buf[n++] = 0x81;
                else if (kind == 1) { buf[n++] = 0xa1; buf[n++] = 0x00; }
                else buf[n++] = 0xc1;
            }
            buf[n++] = 0x00;
            int rc = tc_cbor_validate(&il, buf, n, NULL);
            CHECK_EQ(rc, levels <= 16 ? 0 : TC_ERR_CBOR_DEPTH);
        }
    }
    memset(buf, 0x80, 100); /* empty containers count as a level too */
    memset(buf, 0x81, 15);
    CHECK_OK(tc_cbor_validate(&il, buf, 16, NULL));
    memset(buf, 0x81, 16);
    CHECK_ERR(tc_cbor_validate(&il, buf, 17, NULL), TC_ERR_CBOR_DEPTH);
    tc_cbor_limits_default(&lim);
    lim.max_depth = 1000;
    memset(buf, 0x81, 64);
    buf[64] = 0;
    CHECK_OK(tc_cbor_validate(&il, buf, 65, &lim));
    CHECK_EQ(il, 65);
    memset(buf, 0x81, 65);
    buf[65] = 0;
    CHECK_ERR(tc_cbor_validate(&il, buf, 66, &lim), TC_ERR_CBOR_DEPTH);
    lim.max_depth = 0;
    CHECK_OK(tc_cbor_validate(&il, (const uint8_t *)"\x01", 1, &lim));
    CHECK_ERR(tc_cbor_validate(&il, (const uint8_t *)"\x80", 1, &lim), TC_ERR_CBOR_DEPTH);
}

static void test_validate_prefix_and_offset(void)
{
    size_t n, il, off = 99;
    CHECK_OK(decode_hex(&n, "8201020304"));
    CHECK_OK(tc_cbor_validate(&il, buf, n, NULL));
    CHECK_EQ(il, 3);
    CHECK_OK(decode_hex(&n, "830102a201000000"));
    CHECK_ERR(tc_cbor_validate_at(&il, &off, buf, n, NULL), TC_ERR_CBOR_MAP_ORDER);
    CHECK_EQ(off, 6);
    CHECK_OK(decode_hex(&n, "8301021817"));
    CHECK_ERR(tc_cbor_validate_at(&il, &off, buf, n, NULL), TC_ERR_CBOR_NONCANONICAL_INT);
    CHECK_EQ(off, 3);
    CHECK_OK(decode_hex(&n, "830102")); /* 3 items cannot fit in 2 bytes */
    CHECK_ERR(tc_cbor_validate_at(&il, &off, buf, n, NULL), TC_ERR_CBOR_TRUNCATED);
    CHECK_EQ(off, 0);
    CHECK_OK(decode_hex(&n, "8301021903e8"));
    CHECK_ERR(tc_cbor_validate_at(&il, &off, buf, 5, NULL), TC_ERR_CBOR_TRUNCATED);
    CHECK_EQ(off, 3);
    CHECK_OK(decode_hex(&n, "82016161"));
    CHECK_ERR(tc_cbor_validate_at(&il, &off, buf, 3, NULL), TC_ERR_CBOR_TRUNCATED);
    CHECK_EQ(off, 2);
}

int main(void)
{
    RUN(test_cases);
    RUN(test_huge_lengths_unlimited);
    RUN(test_limits);
    RUN(test_depth);
    RUN(test_validate_prefix_and_offset);
    return test_summary();
}
