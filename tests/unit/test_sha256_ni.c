/* The SHA-NI SHA-256 (core/sha256_ni.c) behind tc_sha256* against FIPS
 * 180-2 / NIST known answers and, at every length 0..1024 with random data
 * and random split points, against libsodium's portable SHA-256 (the same
 * port functions with tc_sha256_accel_set(0)). On a CPU whose
 * /proc/cpuinfo lists sha_ni the accelerated path must be the one in use. */
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "tc/crypto.h"
#include "tc/crypto_accel.h"
#include "tc/hex.h"

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static int cpu_has_sha_ni(void)
{
    FILE *f = fopen("/proc/cpuinfo", "r");
    char line[4096];
    int yes = 0;
    if (!f) return 0;
    while (!yes && fgets(line, sizeof line, f))
        if (strncmp(line, "flags", 5) == 0 && strstr(line, " sha_ni")) yes = 1;
    fclose(f);
    return yes;
}

static void test_selected(void)
{
    int want = cpu_has_sha_ni();
    CHECK_EQ(tc_sha256_accel_set(1), want);
    CHECK_EQ(tc_sha256_accel(), want);
    CHECK_EQ(tc_sha256_accel_set(0), 0);
    CHECK_EQ(tc_sha256_accel_set(1), want);
    printf("SHA-NI %s\n", want ? "in use" : "not available on this CPU: both sides are libsodium");
}

/* FIPS 180-2 Appendix B.1-B.3 and the NIST 896-bit example (two blocks of
 * padding), one-shot, streamed byte by byte, and in 1000-byte pieces. */
static void test_vectors(void)
{
    static const struct { const char *msg; unsigned rep; const char *digest; } v[] = {
        {"abc", 1, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
        {"", 1, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
        {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 1,
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
        {"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
         1, "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"},
        {"a", 1000000, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"},
    };
    for (int accel = 1; accel >= 0; accel--) {
        tc_sha256_accel_set(accel);
        for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
            size_t unit = strlen(v[i].msg), n = unit * v[i].rep, dl;
            uint8_t *m = malloc(n + 1), want[32], got[32];
            for (unsigned r = 0; r < v[i].rep; r++) memcpy(m + r * unit, v[i].msg, unit);
            CHECK_OK(tc_hex_decode(want, 32, &dl, v[i].digest, 64));
            tc_sha256(got, m, n);
            CHECK_MEM(got, want, 32);
            tc_sha256_ctx c;
            tc_sha256_init(&c);
            if (n < 1000) for (size_t j = 0; j < n; j++) tc_sha256_update(&c, m + j, 1);
            else for (size_t j = 0; j < n; j += 1000) tc_sha256_update(&c, m + j, 1000);
            tc_sha256_final(&c, got);
            CHECK_MEM(got, want, 32);
            free(m);
        }
    }
    tc_sha256_accel_set(1);
}

/* Every length 0..1024: one-shot and three-piece streaming with random
 * split points, accelerated vs libsodium, on random bytes. */
static void test_cross(void)
{
    static uint8_t m[1024];
    for (size_t len = 0; len <= sizeof m; len++) {
        for (int round = 0; round < 4; round++) {
            for (size_t j = 0; j < len; j++) m[j] = (uint8_t)next();
            uint8_t a[32], b[32], c[32];
            tc_sha256_accel_set(0);
            tc_sha256(a, m, len);
            tc_sha256_accel_set(1);
            tc_sha256(b, m, len);
            CHECK_MSG(memcmp(a, b, 32) == 0, "one-shot differs at length %zu", len);
            size_t s1 = len ? (size_t)(next() % (len + 1)) : 0;
            size_t s2 = s1 + (len - s1 ? (size_t)(next() % (len - s1 + 1)) : 0);
            tc_sha256_ctx ctx;
            tc_sha256_init(&ctx);
            tc_sha256_update(&ctx, m, s1);
            tc_sha256_update(&ctx, m + s1, s2 - s1);
            tc_sha256_update(&ctx, m + s2, len - s2);
            tc_sha256_final(&ctx, c);
            CHECK_MSG(memcmp(a, c, 32) == 0, "streamed (%zu, %zu) differs at length %zu", s1, s2, len);
        }
    }
}

/* A context keeps the implementation that started it. */
static void test_switch_mid_stream(void)
{
    uint8_t a[32], b[32];
    tc_sha256(a, "hello world", 11);
    tc_sha256_ctx c;
    tc_sha256_accel_set(1);
    tc_sha256_init(&c);
    tc_sha256_update(&c, "hello ", 6);
    tc_sha256_accel_set(0);
    tc_sha256_update(&c, "world", 5);
    tc_sha256_final(&c, b);
    tc_sha256_accel_set(1);
    CHECK_MEM(a, b, 32);
    tc_sha256_accel_set(0);
    tc_sha256_init(&c);
    tc_sha256_update(&c, "hello ", 6);
    tc_sha256_accel_set(1);
    tc_sha256_update(&c, "world", 5);
    tc_sha256_final(&c, b);
    CHECK_MEM(a, b, 32);
}

int main(void)
{
    tc_crypto_init();
    RUN(test_selected);
    RUN(test_vectors);
    RUN(test_cross);
    RUN(test_switch_mid_stream);
    return test_summary();
}
