/* HTTP single byte range (core/http_range.c; RFC 9110 §14.1.2 and the
 * 206/416/400 answers of docs/firmware-ops.md). */
#include "tc/http_range.h"
#include "test.h"

static void test_forms(void)
{
    uint64_t a, b;
    CHECK_EQ(tc_http_range_parse(&a, &b, "bytes=0-99", 1000), 0); CHECK_EQ(a, 0); CHECK_EQ(b, 99);
    CHECK_EQ(tc_http_range_parse(&a, &b, "bytes=990-2000", 1000), 0); CHECK_EQ(b, 999);
    CHECK_EQ(tc_http_range_parse(&a, &b, "bytes=5-", 1000), 0); CHECK_EQ(a, 5); CHECK_EQ(b, 999);
    CHECK_EQ(tc_http_range_parse(&a, &b, "bytes=-10", 1000), 0); CHECK_EQ(a, 990); CHECK_EQ(b, 999);
    CHECK_EQ(tc_http_range_parse(&a, &b, "bytes=-5000", 1000), 0); CHECK_EQ(a, 0);
    CHECK_EQ(tc_http_range_parse(&a, &b, "bytes=999-999", 1000), 0); CHECK_EQ(a, 999);
}

static void test_unsatisfiable_and_bad(void)
{
    uint64_t a, b;
    CHECK_EQ(tc_http_range_parse(&a, &b, "bytes=1000-", 1000), 1);
    CHECK_EQ(tc_http_range_parse(&a, &b, "bytes=-0", 1000), 1);
    CHECK_EQ(tc_http_range_parse(&a, &b, "bytes=9-3", 1000), -1);
    CHECK_EQ(tc_http_range_parse(&a, &b, "bytes=0-1,4-5", 1000), -1);
    CHECK_EQ(tc_http_range_parse(&a, &b, "bytes=", 1000), -1);
    CHECK_EQ(tc_http_range_parse(&a, &b, "bytes=-", 1000), -1);
    CHECK_EQ(tc_http_range_parse(&a, &b, "bytes= 0-1", 1000), -1);
    CHECK_EQ(tc_http_range_parse(&a, &b, "items=0-1", 1000), -1);
    CHECK_EQ(tc_http_range_parse(&a, &b, "bytes=99999999999999999999-", 1000), -1);
}

int main(void)
{
    RUN(test_forms);
    RUN(test_unsatisfiable_and_bad);
    return test_summary();
}
