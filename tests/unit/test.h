/* A minimal unit-test harness. Each test file is one program:
 *
 *   static void test_roundtrip(void) { CHECK(x == 1); CHECK_OK(f()); }
 *   int main(void) { RUN(test_roundtrip); return test_summary(); }
 *
 * A failed CHECK reports file:line and the expression and ends that test
 * (the next RUN goes on). test_summary() prints "N passed, N failed" — the
 * line tests/run.sh sums — and returns non-zero if anything failed. */
#ifndef TC_TEST_H
#define TC_TEST_H

#include <stdio.h>
#include <string.h>
#include "tc/errors.h"

static int test_passed_, test_failed_, test_cur_failed_;
static const char *test_name_;

#define CHECK(cond) do { if (!(cond)) { \
    fprintf(stderr, "  %s:%d: %s: CHECK(%s) failed\n", __FILE__, __LINE__, test_name_, #cond); \
    test_cur_failed_ = 1; return; } } while (0)

#define CHECK_MSG(cond, ...) do { if (!(cond)) { \
    fprintf(stderr, "  %s:%d: %s: CHECK(%s) failed: ", __FILE__, __LINE__, test_name_, #cond); \
    fprintf(stderr, __VA_ARGS__); fputc('\n', stderr); \
    test_cur_failed_ = 1; return; } } while (0)

/* expr must return 0 (TC_OK). */
#define CHECK_OK(expr) do { int rc_ = (expr); if (rc_ != 0) { \
    fprintf(stderr, "  %s:%d: %s: %s returned %d (%s)\n", __FILE__, __LINE__, test_name_, #expr, \
            rc_, tc_strerror(rc_)); test_cur_failed_ = 1; return; } } while (0)

/* expr must return exactly the error code `code`. */
#define CHECK_ERR(expr, code) do { int rc_ = (expr); if (rc_ != (code)) { \
    fprintf(stderr, "  %s:%d: %s: %s returned %d (%s), expected %d (%s)\n", __FILE__, __LINE__, \
            test_name_, #expr, rc_, tc_strerror(rc_), (int)(code), tc_strerror(code)); \
    test_cur_failed_ = 1; return; } } while (0)

#define CHECK_EQ(a, b) do { long long a_ = (long long)(a), b_ = (long long)(b); if (a_ != b_) { \
    fprintf(stderr, "  %s:%d: %s: %s == %s failed: %lld != %lld\n", __FILE__, __LINE__, \
            test_name_, #a, #b, a_, b_); test_cur_failed_ = 1; return; } } while (0)

#define CHECK_MEM(a, b, n) do { if (memcmp((a), (b), (n)) != 0) { \
    fprintf(stderr, "  %s:%d: %s: memory %s != %s (%zu bytes)\n", __FILE__, __LINE__, \
            test_name_, #a, #b, (size_t)(n)); test_cur_failed_ = 1; return; } } while (0)

#define RUN(fn) do { test_name_ = #fn; test_cur_failed_ = 0; fn(); \
    if (test_cur_failed_) { test_failed_++; fprintf(stderr, "FAIL %s\n", #fn); } \
    else { test_passed_++; if (getenv("TC_TEST_VERBOSE")) fprintf(stderr, "ok   %s\n", #fn); } \
    } while (0)

#include <stdlib.h>
static inline int test_summary(void)
{
    printf("%d passed, %d failed\n", test_passed_, test_failed_);
    return test_failed_ ? 1 : 0;
}

/* Directory of test data (tests/vectors), overridable with TC_VECTORS. */
static inline const char *test_vectors_dir(void)
{
    const char *d = getenv("TC_VECTORS");
    return d ? d : "tests/vectors";
}

#endif
