/* Crypto benchmarks: the tc_ wrappers (include/tc/crypto.h) beside the raw
 * libsodium calls they wrap, measured in the same run, and COSE_Sign1
 * create/verify against raw Ed25519. Prints rates and ratios (target for a
 * wrapper: >= 0.95 of raw). Never pass/fail on time (DESIGN.md, Benchmarks).
 * Raw and wrapped loops alternate in small batches, so frequency drift and
 * neighbours on the shared CPU hurt both alike. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tc/cose.h"
#include "tc/crypto.h"
#include "tc/crypto_accel.h"

#define SIG_ITERS 4000
#define SHA_LEN (1u << 20)
#define SHA_ITERS 100

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static uint8_t pub_[32], sec_[64], msg_[64], sig_[64], cose_[256], scratch_[512];
static size_t cose_len_;
static uint8_t *big_;
static volatile int sink_;

static void raw_sign(void) { crypto_sign_detached(sig_, NULL, msg_, sizeof msg_, sec_); }
static void tc_sign(void) { tc_ed25519_sign(sig_, msg_, sizeof msg_, sec_); }
static void raw_verify(void) { sink_ += crypto_sign_verify_detached(sig_, msg_, sizeof msg_, pub_); }
static void tc_verify(void) { sink_ += tc_ed25519_verify(sig_, msg_, sizeof msg_, pub_); }
static void raw_sha(void)
{
    uint8_t h[32];
    crypto_hash_sha256(h, big_, SHA_LEN);
    sink_ += h[0];
}
static void tc_sha(void)
{
    uint8_t h[32];
    tc_sha256(h, big_, SHA_LEN);
    sink_ += h[0];
}
/* 65 bytes: one state-tree node hash (0x03 || left || right), two blocks. */
static uint8_t node_[65];
static void raw_sha65(void)
{
    uint8_t h[32];
    crypto_hash_sha256(h, node_, sizeof node_);
    node_[1] = h[0];
}
static void tc_sha65(void)
{
    uint8_t h[32];
    tc_sha256(h, node_, sizeof node_);
    node_[1] = h[0];
}
static void cose_sign(void)
{
    size_t n;
    sink_ += tc_cose_sign1_create(cose_, sizeof cose_, &n, scratch_, sizeof scratch_, sec_, NULL, 0,
                                  NULL, 0, msg_, sizeof msg_, 1, NULL);
}
static void cose_verify(void)
{
    sink_ += tc_cose_sign1_verify(NULL, scratch_, sizeof scratch_, pub_, NULL, 0, cose_, cose_len_,
                                  NULL);
}

/* Operations per second of two functions measured in alternating small
 * batches, so both see the same machine load (the CPU is shared). */
static void pair(double *ra, double *rb, void (*a)(void), void (*b)(void), int iters)
{
    double ta = 0, tb = 0;
    int batch = iters / 50 > 0 ? iters / 50 : 1, done = 0;
    for (int w = 0; w < batch; w++) { a(); b(); } /* warm-up */
    while (done < iters) {
        double t0 = now();
        for (int i = 0; i < batch; i++) a();
        double t1 = now();
        for (int i = 0; i < batch; i++) b();
        double t2 = now();
        ta += t1 - t0;
        tb += t2 - t1;
        done += batch;
    }
    *ra = done / ta;
    *rb = done / tb;
}

int main(void)
{
    if (tc_crypto_init() != 0) return 1;
    uint8_t seed[32];
    memset(seed, 7, sizeof seed);
    tc_ed25519_keypair(pub_, sec_, seed);
    for (size_t i = 0; i < sizeof msg_; i++) msg_[i] = (uint8_t)i;
    tc_ed25519_sign(sig_, msg_, sizeof msg_, sec_);
    big_ = malloc(SHA_LEN);
    if (!big_) return 1;
    memset(big_, 0x5a, SHA_LEN);
    if (tc_cose_sign1_create(cose_, sizeof cose_, &cose_len_, scratch_, sizeof scratch_, sec_, NULL,
                             0, NULL, 0, msg_, sizeof msg_, 1, NULL) != 0)
        return 1;

    double raw, wrap, cs, cv;
    printf("%-34s %14s %14s %8s\n", "operation", "raw libsodium", "tc_ wrapper", "ratio");
    pair(&raw, &wrap, raw_sign, tc_sign, SIG_ITERS);
    printf("%-34s %12.0f/s %12.0f/s %8.3f\n", "ed25519 sign (64-byte msg)", raw, wrap, wrap / raw);
    pair(&raw, &wrap, raw_verify, tc_verify, SIG_ITERS);
    printf("%-34s %12.0f/s %12.0f/s %8.3f\n", "ed25519 verify (64-byte msg)", raw, wrap, wrap / raw);
    pair(&raw, &wrap, raw_sha, tc_sha, SHA_ITERS);
    printf("%-34s %10.1f MB/s %10.1f MB/s %8.3f\n", "sha-256 (1 MiB)", raw * SHA_LEN / 1e6,
           wrap * SHA_LEN / 1e6, wrap / raw);
    pair(&raw, &wrap, raw_sha65, tc_sha65, 200000);
    printf("%-34s %12.0f/s %12.0f/s %8.3f\n", "sha-256 (65 bytes, a tree node)", raw, wrap, wrap / raw);
    printf("(tc_sha256 runs on %s; > 1 ratios for sha-256 are the SHA-NI speedup)\n",
           tc_sha256_accel() ? "SHA-NI" : "libsodium");
    pair(&raw, &cs, raw_sign, cose_sign, SIG_ITERS);
    printf("%-34s %12.0f/s %12.0f/s %8.3f\n", "cose_sign1 create vs raw sign", raw, cs, cs / raw);
    pair(&raw, &cv, raw_verify, cose_verify, SIG_ITERS);
    printf("%-34s %12.0f/s %12.0f/s %8.3f\n", "cose_sign1 verify vs raw verify", raw, cv, cv / raw);
    printf("(ratio = wrapper / raw, measured in this run; target >= 0.95 for the wrappers;\n"
           " COSE adds a CBOR Sig_structure and header checks per signature)\n");
    free(big_);
    return sink_ == 12345 ? 1 : 0;
}
