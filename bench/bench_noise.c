/* Noise benchmark (issue 7 item 7): handshakes/s for KK and XX and transport
 * MB/s of the device SDK's Noise, each beside the raw primitive measured in
 * the same run on the same machine (X25519 ops/s, ChaCha20-Poly1305 MB/s).
 * The ratios say what the protocol costs over its crypto. Per complete
 * handshake (both sides): KK does 8 DH, XX 6 DH, and each does 4 public-key
 * derivations (e and s of each side; tcdev_noise_init derives s_pub), plus
 * SHA-256/HKDF and the AEAD. Prints figures, never passes or fails. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "tc/crypto.h"
#include "tcdev/noise.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

#define MIN_SECONDS 0.5

static uint8_t buf[TCDEV_NOISE_MAX_MSG], out[TCDEV_NOISE_MAX_MSG], pt[TCDEV_NOISE_MAX_MSG];

static double bench_x25519(void)
{
    uint8_t sec[32], pub[32], shared[32];
    memset(sec, 7, 32);
    tc_x25519_public(pub, sec);
    unsigned long n = 0;
    double t0 = now(), t;
    do {
        for (int i = 0; i < 100; i++) {
            if (tc_x25519(shared, sec, pub) != 0) return 0;
            sec[0] ^= shared[0];
        }
        n += 100;
    } while ((t = now() - t0) < MIN_SECONDS);
    return (double)n / t;
}

static double bench_aead(size_t len)
{
    uint8_t key[32] = {1}, nonce[12] = {0};
    unsigned long n = 0;
    double t0 = now(), t;
    do {
        for (int i = 0; i < 100; i++) {
            nonce[4] = (uint8_t)i;
            tc_aead_encrypt(out, key, nonce, NULL, 0, buf, len);
        }
        n += 100;
    } while ((t = now() - t0) < MIN_SECONDS);
    return (double)n * (double)len / t / 1e6;
}

static int handshake(const tcdev_noise_pattern *p, const uint8_t is[32], const uint8_t is_pub[32],
                     const uint8_t rs[32], const uint8_t rs_pub[32], uint8_t e1[32], uint8_t e2[32])
{
    tcdev_noise_handshake hi, hr;
    tcdev_noise_cipher a, b, c, d;
    size_t n, m;
    if (tcdev_noise_init(&hi, p, 1, NULL, 0, is, rs_pub, e1) || tcdev_noise_init(&hr, p, 0, NULL, 0, rs, is_pub, e2))
        return -1;
    while (!tcdev_noise_handshake_done(&hi)) {
        tcdev_noise_handshake *s = tcdev_noise_wants_write(&hi) ? &hi : &hr, *r = s == &hi ? &hr : &hi;
        if (tcdev_noise_write_message(s, buf, sizeof buf, &n, NULL, 0) ||
            tcdev_noise_read_message(r, out, sizeof out, &m, buf, n))
            return -1;
    }
    if (tcdev_noise_split(&hi, &a, &b, NULL) || tcdev_noise_split(&hr, &c, &d, NULL)) return -1;
    e1[0]++; e2[0]++;   /* fresh ephemerals each time (benchmark only; real ones are random) */
    return 0;
}

static double bench_handshake(const char *name)
{
    uint8_t is[32], rs[32], is_pub[32], rs_pub[32], e1[32], e2[32];
    const tcdev_noise_pattern *p = tcdev_noise_pattern_find(name, strlen(name));
    memset(is, 1, 32); memset(rs, 2, 32); memset(e1, 3, 32); memset(e2, 4, 32);
    tc_x25519_public(is_pub, is);
    tc_x25519_public(rs_pub, rs);
    unsigned long n = 0;
    double t0 = now(), t;
    do {
        for (int i = 0; i < 10; i++)
            if (handshake(p, is, is_pub, rs, rs_pub, e1, e2)) return 0;
        n += 10;
    } while ((t = now() - t0) < MIN_SECONDS);
    return (double)n / t;   /* complete handshakes (both sides) per second */
}

static double bench_transport(size_t len)
{
    tcdev_noise_cipher tx, rx;
    size_t n, m;
    memset(&tx, 0, sizeof tx);
    memset(tx.k, 9, 32);
    tx.has_key = 1;
    rx = tx;
    unsigned long cnt = 0;
    double t0 = now(), t;
    do {
        for (int i = 0; i < 100; i++) {
            if (tcdev_noise_encrypt(&tx, out, sizeof out, &n, NULL, 0, buf, len)) return 0;
            if (tcdev_noise_decrypt(&rx, pt, sizeof pt, &m, NULL, 0, out, n)) return 0;
        }
        cnt += 100;
    } while ((t = now() - t0) < MIN_SECONDS);
    return (double)cnt * (double)len / t / 1e6;   /* MB/s of payload, encrypt + decrypt */
}

int main(void)
{
    if (tc_crypto_init() != 0) return 1;
    double x = bench_x25519();
    double kk = bench_handshake("KK"), xx = bench_handshake("XX");
    printf("raw X25519:                 %10.0f ops/s   (reference)\n", x);
    printf("Noise_KK handshakes:        %10.1f /s      (= %.1f X25519-equivalents each; 8 DH + 4 keygen)\n",
           kk, x / kk);
    printf("Noise_XX handshakes:        %10.1f /s      (= %.1f X25519-equivalents each; 6 DH + 4 keygen)\n",
           xx, x / xx);
    size_t sizes[] = {64, 1024, TCDEV_NOISE_MAX_PAYLOAD};
    for (size_t i = 0; i < 3; i++) {
        double raw = bench_aead(sizes[i]);
        double tr = bench_transport(sizes[i]);
        /* transport does encrypt + decrypt per payload: compare with half the raw rate */
        printf("payload %5zu B: raw ChaCha20-Poly1305 encrypt %8.1f MB/s; Noise transport encrypt+decrypt %8.1f MB/s"
               " (ratio to raw/2: %.2f)\n", sizes[i], raw, tr, tr / (raw / 2));
    }
    return 0;
}
