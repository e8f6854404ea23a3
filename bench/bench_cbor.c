/* CBOR benchmark (issue 2 item 10): encode and decode MB/s of a realistic
 * structure — an array of 1,000 transaction-like maps (chain id, type,
 * signer key id, nonce, body with a few fields, 64-byte signature) — beside
 * memcpy and SHA-256 MB/s over the same bytes, measured in the same run and
 * printed as ratios. Decode = validate the whole buffer (dec_init) and pull
 * every field with the getters. Prints figures, never passes or fails. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tc/cbor.h"
#include "tc/crypto.h"

#define NTX 1000

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static uint8_t keyid[32], sig[64], digest[32];
static volatile uint64_t sink;

static size_t encode(uint8_t *buf, size_t cap)
{
    tc_cbor_enc e;
    tc_cbor_enc_init(&e, buf, cap);
    tc_cbor_put_array(&e, NTX);
    for (uint64_t i = 0; i < NTX; i++) {
        tc_cbor_put_map(&e, 6);
        tc_cbor_put_uint(&e, 1);
        tc_cbor_put_cstr(&e, "thingchain-bench");
        tc_cbor_put_uint(&e, 2);
        tc_cbor_put_uint(&e, 500 + i % 40);
        tc_cbor_put_uint(&e, 3);
        tc_cbor_put_bytes(&e, keyid, sizeof keyid);
        tc_cbor_put_uint(&e, 4);
        tc_cbor_put_uint(&e, UINT64_C(1700000000000) + i);
        tc_cbor_put_uint(&e, 5);
        tc_cbor_put_map(&e, 4);
        tc_cbor_put_uint(&e, 1);
        tc_cbor_put_bytes(&e, digest, sizeof digest);
        tc_cbor_put_uint(&e, 2);
        tc_cbor_put_uint(&e, i * 4096);
        tc_cbor_put_uint(&e, 3);
        tc_cbor_put_cstr(&e, "sensor-model-x");
        tc_cbor_put_uint(&e, 4);
        tc_cbor_put_int(&e, -(int64_t)(i % 300));
        tc_cbor_put_uint(&e, 6);
        tc_cbor_put_bytes(&e, sig, sizeof sig);
    }
    size_t n;
    if (tc_cbor_enc_finish(&e, &n)) { fprintf(stderr, "encode failed\n"); exit(1); }
    return n;
}

static void decode(const uint8_t *buf, size_t n)
{
    tc_cbor_dec d;
    uint64_t cnt, k, u, acc = 0;
    int64_t s;
    const uint8_t *p;
    const char *t;
    size_t len;
    if (tc_cbor_dec_init(&d, buf, n, NULL) || tc_cbor_get_array(&d, &cnt)) { fprintf(stderr, "decode failed\n"); exit(1); }
    for (uint64_t i = 0; i < cnt; i++) {
        int rc = tc_cbor_get_map(&d, &k);
        rc |= tc_cbor_get_uint(&d, &u) | tc_cbor_get_text(&d, &t, &len);
        rc |= tc_cbor_get_uint(&d, &u) | tc_cbor_get_uint(&d, &u);
        acc += u;
        rc |= tc_cbor_get_uint(&d, &u) | tc_cbor_get_bytes_fixed(&d, keyid, 32);
        rc |= tc_cbor_get_uint(&d, &u) | tc_cbor_get_uint(&d, &u);
        acc += u;
        rc |= tc_cbor_get_uint(&d, &u) | tc_cbor_get_map(&d, &k);
        rc |= tc_cbor_get_uint(&d, &u) | tc_cbor_get_bytes(&d, &p, &len);
        rc |= tc_cbor_get_uint(&d, &u) | tc_cbor_get_uint(&d, &u);
        rc |= tc_cbor_get_uint(&d, &u) | tc_cbor_get_text(&d, &t, &len);
        rc |= tc_cbor_get_uint(&d, &u) | tc_cbor_get_int(&d, &s);
        rc |= tc_cbor_get_uint(&d, &u) | tc_cbor_get_bytes(&d, &p, &len);
        if (rc) { fprintf(stderr, "decode failed\n"); exit(1); }
        acc += (uint64_t)s + p[0];
    }
    if (tc_cbor_dec_done(&d)) exit(1);
    sink += acc;
}

/* Runs fn until at least `secs` passed; returns MB/s over n bytes per call. */
#define RATE(stmt, n, secs) ({ double t0_ = now(), t_; long it_ = 0; \
    do { stmt; it_++; } while ((t_ = now() - t0_) < (secs)); (double)(n) * it_ / t_ / 1e6; })

int main(void)
{
    if (tc_crypto_init()) return 1;
    for (int i = 0; i < 64; i++) sig[i] = (uint8_t)(i * 7 + 1);
    for (int i = 0; i < 32; i++) { keyid[i] = (uint8_t)(i * 13); digest[i] = (uint8_t)(255 - i); }
    size_t cap = 1 << 20;
    uint8_t *buf = malloc(cap), *copy = malloc(cap), h[32];
    size_t n = encode(buf, cap);
    double secs = 1.0;
    double enc = RATE(encode(buf, cap), n, secs);
    double dec = RATE(decode(buf, n), n, secs);
    double val = RATE(if (tc_cbor_validate(NULL, buf, n, NULL)) exit(1), n, secs);
    double mcp = RATE((memcpy(copy, buf, n), sink += copy[n / 2]), n, secs);
    double sha = RATE((tc_sha256(h, buf, n), sink += h[0]), n, secs);
    printf("cbor: %d transaction-like maps, %zu bytes (%.1f bytes each)\n", NTX, n, (double)n / NTX);
    printf("  reference memcpy      %9.1f MB/s\n", mcp);
    printf("  reference SHA-256     %9.1f MB/s\n", sha);
    printf("  encode                %9.1f MB/s   %.3f x memcpy   %.2f x SHA-256\n", enc, enc / mcp, enc / sha);
    printf("  decode (validate+get) %9.1f MB/s   %.3f x memcpy   %.2f x SHA-256\n", dec, dec / mcp, dec / sha);
    printf("  validate only         %9.1f MB/s   %.3f x memcpy   %.2f x SHA-256\n", val, val / mcp, val / sha);
    free(buf);
    free(copy);
    return 0;
}
