/* HTTP single byte range (include/tc/http_range.h; RFC 9110 §14.1.2). */
#include "tc/http_range.h"

#include <string.h>

static int dec(uint64_t *out, const char *s, size_t n)
{
    uint64_t v = 0;
    if (n == 0 || n > 20) return -1;
    for (size_t i = 0; i < n; i++) {
        uint64_t d = (uint64_t)(s[i] - '0');
        if (s[i] < '0' || s[i] > '9' || v > (UINT64_MAX - d) / 10) return -1; /* digits only, no overflow */
        v = v * 10 + d;
    }
    *out = v;
    return 0;
}

int tc_http_range_parse(uint64_t *first, uint64_t *last, const char *h, uint64_t size)
{
    if (strncmp(h, "bytes=", 6) != 0) return -1;
    h += 6;
    const char *dash = strchr(h, '-');
    if (!dash || strchr(h, ',')) return -1;
    const char *end = dash + strlen(dash);
    uint64_t x, y;
    if (dash == h) { /* suffix: the last N bytes */
        if (dec(&y, dash + 1, (size_t)(end - dash - 1))) return -1;
        if (y == 0 || size == 0) return 1;
        *first = y >= size ? 0 : size - y;
        *last = size - 1;
        return 0;
    }
    if (dec(&x, h, (size_t)(dash - h))) return -1;
    if (end == dash + 1) y = UINT64_MAX;
    else if (dec(&y, dash + 1, (size_t)(end - dash - 1)) || y < x) return -1;
    if (x >= size) return 1;
    *first = x;
    *last = y >= size ? size - 1 : y;
    return 0;
}
