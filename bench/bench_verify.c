/* Raw Ed25519 verification rate on one core and on all cores (the
 * reference figure of the node bench, bench/bench_node.sh: a node's
 * admission pipeline is bounded by it). Prints verifies/s and the
 * all-cores / one-core ratio measured in this run. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tc/crypto.h"

#define MSG_LEN 200

static uint8_t g_pub[TC_ED25519_PUB_LEN], g_sig[TC_ED25519_SIG_LEN], g_msg[MSG_LEN];

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void *spin(void *arg)
{
    long *count = arg;
    double end = now_s() + 1.5;
    long n = 0;
    while (now_s() < end)
        for (int i = 0; i < 64; i++)
            n += tc_ed25519_verify(g_sig, g_msg, MSG_LEN, g_pub) == 0;
    *count = n;
    return NULL;
}

static double rate(int threads)
{
    pthread_t t[256];
    long c[256];
    double t0 = now_s();
    for (int i = 0; i < threads; i++) pthread_create(&t[i], NULL, spin, &c[i]);
    long total = 0;
    for (int i = 0; i < threads; i++) { pthread_join(t[i], NULL); total += c[i]; }
    return (double)total / (now_s() - t0);
}

int main(void)
{
    uint8_t seed[32], sec[TC_ED25519_SEC_LEN];
    if (tc_crypto_init() != 0) return 1;
    memset(seed, 7, sizeof seed);
    memset(g_msg, 0x5a, sizeof g_msg);
    tc_ed25519_keypair(g_pub, sec, seed);
    tc_ed25519_sign(g_sig, g_msg, MSG_LEN, sec);
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    if (ncpu < 1) ncpu = 1;
    if (ncpu > 256) ncpu = 256;
    double one = rate(1), all = rate((int)ncpu);
    printf("ed25519 verify, 1 core      %10.0f /s\n", one);
    printf("ed25519 verify, %2ld cores    %10.0f /s   (ratio all/one %.2f)\n", ncpu, all, all / one);
    printf("verifies_per_s_all %.0f\n", all);
    return 0;
}
