/* Error table, detail messages, the bounded formatter, hex and the
 * allocation hook: the small pieces everything else reports through. */
#include <stdint.h>
#include <string.h>

#include "test.h"
#include "tc/alloc.h"
#include "tc/hex.h"

static void test_strerror_and_names(void)
{
    CHECK(strcmp(tc_strerror(TC_OK), "success") == 0);
    CHECK(strcmp(tc_strerror(TC_ERR_CBOR_TRAILING), "cbor: trailing bytes after the item") == 0);
    CHECK(strcmp(tc_errname(TC_ERR_CBOR_TRAILING), "CBOR_TRAILING") == 0);
    CHECK(strcmp(tc_errname(0), "OK") == 0);
    CHECK(strcmp(tc_strerror(99999), "unknown error") == 0);
    CHECK(strcmp(tc_errname(-5), "UNKNOWN") == 0);
}

/* Every row has a distinct number and a non-empty message: the table is
 * the API's stable contract, so a duplicated number would alias two errors. */
static void test_table_numbers_unique(void)
{
    static const int nums[] = {
#define TC_ERROR(name, num, msg) num,
#include "tc/error_table.h"
#undef TC_ERROR
    };
    size_t n = sizeof nums / sizeof nums[0];
    CHECK(n > 10);
    for (size_t i = 0; i < n; i++) {
        CHECK_MSG(nums[i] > 0, "error number %d is not positive", nums[i]);
        CHECK(tc_strerror(nums[i])[0] != '\0');
        for (size_t j = i + 1; j < n; j++) CHECK_MSG(nums[i] != nums[j], "error number %d used twice", nums[i]);
    }
}

static void test_fmt(void)
{
    char b[64];
    CHECK_EQ(tc_fmt(b, sizeof b, "%s=%d %u %x %%", "a", -42, 7u, 255u), 12);
    CHECK(strcmp(b, "a=-42 7 ff %") == 0);
    tc_fmt(b, sizeof b, "%lld %llu %zu %c", (long long)INT64_MIN, (unsigned long long)UINT64_MAX, (size_t)3, 'z');
    CHECK(strcmp(b, "-9223372036854775808 18446744073709551615 3 z") == 0);
    /* Truncation keeps a NUL and reports the full length. */
    char small[5];
    CHECK_EQ(tc_fmt(small, sizeof small, "%s", "abcdefgh"), 8);
    CHECK(strcmp(small, "abcd") == 0);
    tc_fmt(b, sizeof b, "%s", (const char *)NULL);
    CHECK(strcmp(b, "(null)") == 0);
}

static void test_err_set_and_wrap(void)
{
    tc_err e;
    CHECK_EQ(tc_err_set(&e, TC_ERR_CBOR_TYPE, "field %s", "nonce"), TC_ERR_CBOR_TYPE);
    CHECK(strcmp(e.msg, "field nonce: cbor: unexpected item type") == 0);
    CHECK_EQ(tc_err_wrap(&e, "transaction %u", 3u), TC_ERR_CBOR_TYPE);
    CHECK(strcmp(e.msg, "transaction 3: field nonce: cbor: unexpected item type") == 0);
    tc_err_set(&e, TC_ERR_NOT_FOUND, NULL);
    CHECK(strcmp(e.msg, "not found") == 0);
    tc_err_clear(&e);
    CHECK_EQ(e.code, 0);
    CHECK_EQ(tc_err_set(NULL, TC_ERR_IO, "x"), TC_ERR_IO);
    /* Wrapping past the buffer truncates instead of overflowing. */
    for (int i = 0; i < 100; i++) tc_err_wrap(&e, "context %d", i);
    CHECK(strlen(e.msg) < TC_ERR_MSG_MAX);
}

static void test_hex(void)
{
    uint8_t in[] = {0x00, 0x01, 0xab, 0xff}, out[8];
    char h[9];
    size_t n = 0;
    tc_hex_encode(h, in, sizeof in);
    CHECK(strcmp(h, "0001abff") == 0);
    CHECK_OK(tc_hex_decode(out, sizeof out, &n, "0001ABff", 8));
    CHECK_EQ(n, 4);
    CHECK_MEM(out, in, 4);
    CHECK_ERR(tc_hex_decode(out, sizeof out, &n, "abc", 3), TC_ERR_HEX);
    CHECK_ERR(tc_hex_decode(out, sizeof out, &n, "zz", 2), TC_ERR_HEX);
    CHECK_ERR(tc_hex_decode(out, 1, &n, "0001", 4), TC_ERR_BUFFER_TOO_SMALL);
}

static void test_alloc_failure_injection(void)
{
    tc_alloc_fail_after(1);
    void *a = tc_malloc(8);
    void *b = tc_malloc(8);
    CHECK(a != NULL);
    CHECK(b == NULL);
    tc_free(a);
    CHECK_EQ(tc_alloc_fail_after(-1), 2);
    void *c = tc_calloc(SIZE_MAX / 2, 4); /* overflow is refused, not wrapped */
    CHECK(c == NULL);
    c = tc_calloc(4, 4);
    CHECK(c != NULL);
    tc_free(c);
}

int main(void)
{
    RUN(test_strerror_and_names);
    RUN(test_table_numbers_unique);
    RUN(test_fmt);
    RUN(test_err_set_and_wrap);
    RUN(test_hex);
    RUN(test_alloc_failure_injection);
    return test_summary();
}
