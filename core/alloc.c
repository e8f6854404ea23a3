/* The allocation hook: one place to count and fail allocations in tests. */
#include "tc/alloc.h"

#include <stdint.h>
#include <stdlib.h>

/* Atomic so mempool worker threads may allocate; the countdown is a test
 * facility used single-threaded. */
static _Atomic long fail_countdown = -1;
static _Atomic long alloc_count = 0;

static int should_fail(void)
{
    alloc_count++;
    if (fail_countdown < 0) return 0;
    if (fail_countdown == 0) return 1;
    fail_countdown--;
    return 0;
}

void *tc_malloc(size_t n)
{
    return should_fail() ? NULL : malloc(n ? n : 1);
}

void *tc_calloc(size_t count, size_t size)
{
    if (size && count > SIZE_MAX / size) return NULL;
    return should_fail() ? NULL : calloc(count ? count : 1, size ? size : 1);
}

void *tc_realloc(void *p, size_t n)
{
    return should_fail() ? NULL : realloc(p, n ? n : 1);
}

void tc_free(void *p)
{
    free(p);
}

long tc_alloc_fail_after(long countdown)
{
    long n = alloc_count;
    alloc_count = 0;
    fail_countdown = countdown;
    return n;
}
