/* libFuzzer target for the HTTP Range parser (core/http_range.c): any
 * header value against sizes 0, 1, 1000 and 2^64 - 1. Whatever parses must
 * give first <= last < size, and bytes=FIRST-LAST re-parses to the same. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tc/http_range.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char v[256], again[64];
    if (size >= sizeof v) return 0;
    memcpy(v, data, size);
    v[size] = 0;
    static const uint64_t sizes[] = {0, 1, 1000, UINT64_MAX};
    for (size_t i = 0; i < 4; i++) {
        uint64_t a = 0, b = 0, a2 = 0, b2 = 0;
        int rc = tc_http_range_parse(&a, &b, v, sizes[i]);
        if (rc < -1 || rc > 1) abort();
        if (rc != 0) continue;
        if (a > b || b >= sizes[i]) abort();
        snprintf(again, sizeof again, "bytes=%llu-%llu", (unsigned long long)a, (unsigned long long)b);
        if (tc_http_range_parse(&a2, &b2, again, sizes[i]) != 0 || a2 != a || b2 != b) abort();
    }
    return 0;
}
