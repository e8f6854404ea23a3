/* libFuzzer target for the server-sent events parser (core/sse.c): any
 * bytes, fed whole and then split at a point the input chooses, give the
 * same events (count, and a digest of names and data), every event stays
 * inside the bounds, and nothing crashes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tc/crypto.h"
#include "tc/sse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct acc {
    size_t n;
    tc_sha256_ctx h;
} acc;

static int on_event(void *ctx, const char *event, const char *id, const char *d, size_t len)
{
    acc *a = ctx;
    if (len > TC_SSE_DATA_MAX || strlen(event) > TC_SSE_NAME_MAX || strlen(id) > TC_SSE_NAME_MAX ||
        d[len] != 0)
        abort();
    a->n++;
    tc_sha256_update(&a->h, event, strlen(event) + 1);
    tc_sha256_update(&a->h, d, len + 1);
    return 0;
}

static tc_sse p;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    acc one, two;
    uint8_t d1[32], d2[32];
    size_t cut = size ? data[0] % (size + 1) : 0;
    one.n = two.n = 0;
    tc_sha256_init(&one.h);
    tc_sha256_init(&two.h);
    tc_sse_init(&p);
    tc_sse_feed(&p, (const char *)data, size, on_event, &one);
    tc_sse_init(&p);
    tc_sse_feed(&p, (const char *)data, cut, on_event, &two);
    tc_sse_feed(&p, (const char *)data + cut, size - cut, on_event, &two);
    tc_sha256_final(&one.h, d1);
    tc_sha256_final(&two.h, d2);
    if (one.n != two.n || memcmp(d1, d2, 32))
        abort();
    return 0;
}
