/* libFuzzer target for the device SDK's Noise (include/tcdev/noise.h).
 *
 * Two in-process peers run a real handshake and then transport messages; the
 * input decides, message by message, what the receiver actually gets: the
 * genuine bytes, the bytes XORed with a fuzzer mask, a truncation, or raw
 * fuzzer bytes. Byte 0 picks the pattern, byte 1 the payload sizes.
 * Invariants checked (crash = bug): no memory error; a genuine message is
 * always accepted with its exact payload; a rejected handshake message kills
 * the handshake; a tampered transport message is rejected when the cipher is
 * keyed, and the receiver then still accepts the genuine message (§5.1). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "tc/crypto.h"
#include "tc/errors.h"
#include "tcdev/noise.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const patterns[] = {"KK", "IK", "XX", "NN", "NK", "XK", "IX", "KX", "X1X1", "N"};
#define NPAT (sizeof patterns / sizeof patterns[0])
#define BUF 2048

static void must(int cond)
{
    if (!cond) __builtin_trap();
}

/* Applies the next op of the input to msg (len bytes) into out; returns the
 * delivered length and whether it is the genuine message. */
static size_t mutate(const uint8_t **d, size_t *n, const uint8_t *msg, size_t len, uint8_t *out, int *genuine)
{
    uint8_t op = 0, k;
    size_t i, m = 0;
    memcpy(out, msg, len);
    *genuine = 1;
    if (*n) { op = (*d)[0] % 4; (*d)++; (*n)--; }
    if (op == 0 || *n == 0) return len;
    k = (*d)[0]; (*d)++; (*n)--;
    switch (op) {
    case 1:   /* xor the k-th byte (mod len) with the next input byte */
        if (len == 0 || *n == 0) return len;
        out[k % len] ^= (*d)[0];
        *genuine = (*d)[0] == 0;
        (*d)++; (*n)--;
        return len;
    case 2:   /* truncate to k bytes */
        if (k >= len) return len;
        *genuine = 0;
        return k;
    default:  /* k raw bytes */
        m = k < *n ? k : *n;
        for (i = 0; i < m; i++) out[i] = (*d)[i];
        *d += m; *n -= m;
        *genuine = m == len && memcmp(out, msg, len) == 0;
        return m;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int init;
    static uint8_t msg[BUF], got[BUF], pl[BUF], delivered[BUF];
    uint8_t is[32], rs[32], is_pub[32], rs_pub[32], ie[32], re[32];
    tcdev_noise_handshake hi, hr;
    tcdev_noise_cipher it, ir, rt, rr;
    const tcdev_noise_pattern *pat;
    size_t n, m, dl, plen;
    unsigned k;
    int genuine, rc;
    if (!init) { must(tc_crypto_init() == 0); init = 1; }
    if (size < 2) return 0;
    pat = tcdev_noise_pattern_find(patterns[data[0] % NPAT], strlen(patterns[data[0] % NPAT]));
    plen = data[1] % 64;
    data += 2; size -= 2;
    memset(is, 1, 32); memset(rs, 2, 32); memset(ie, 3, 32); memset(re, 4, 32);
    tc_x25519_public(is_pub, is);
    tc_x25519_public(rs_pub, rs);
    must(tcdev_noise_init(&hi, pat, 1, (const uint8_t *)"p", 1, is, rs_pub, ie) == 0);
    must(tcdev_noise_init(&hr, pat, 0, (const uint8_t *)"p", 1, rs, is_pub, re) == 0);
    memset(pl, 0x5a, sizeof pl);

    for (k = 0; !tcdev_noise_handshake_done(&hi); k++) {
        tcdev_noise_handshake *s = tcdev_noise_wants_write(&hi) ? &hi : &hr;
        tcdev_noise_handshake *r = s == &hi ? &hr : &hi;
        must(tcdev_noise_wants_write(s) && !tcdev_noise_wants_write(r));
        must(tcdev_noise_write_message(s, msg, sizeof msg, &n, pl, plen) == 0);
        dl = mutate(&data, &size, msg, n, delivered, &genuine);
        rc = tcdev_noise_read_message(r, got, sizeof got, &m, delivered, dl);
        if (genuine) {
            must(rc == 0 && m == plen && memcmp(got, pl, plen) == 0);
        } else if (rc != 0) {
            /* dead unless the error was a size check done before any change */
            if (rc != TC_ERR_NOISE_MSG_SIZE && rc != TC_ERR_BUFFER_TOO_SMALL) {
                must(tcdev_noise_read_message(r, got, sizeof got, &m, msg, n) == TC_ERR_NOISE_STATE);
                return 0;
            }
            must(tcdev_noise_read_message(r, got, sizeof got, &m, msg, n) == 0);
        }
        /* an accepted altered message (unencrypted tokens): peers now disagree */
        if (!genuine && rc == 0) return 0;
    }
    must(tcdev_noise_handshake_done(&hr));
    must(tcdev_noise_split(&hi, &it, &ir, NULL) == 0);
    must(tcdev_noise_split(&hr, &rt, &rr, NULL) == 0);

    for (k = 0; size > 0 && k < 32; k++) {
        int from_i = tcdev_noise_pattern_one_way(pat) || k % 2 == 0;
        tcdev_noise_cipher *s = from_i ? &it : &rt, *r = from_i ? &rr : &ir;
        size_t len = (size_t)(k * 7) % 100;
        must(tcdev_noise_encrypt(s, msg, sizeof msg, &n, NULL, 0, pl, len) == 0);
        dl = mutate(&data, &size, msg, n, delivered, &genuine);
        rc = tcdev_noise_decrypt(r, got, sizeof got, &m, NULL, 0, delivered, dl);
        if (genuine) {
            must(rc == 0 && m == len && memcmp(got, pl, len) == 0);
        } else {
            must(rc != 0);
            must(tcdev_noise_decrypt(r, got, sizeof got, &m, NULL, 0, msg, n) == 0 && m == len);
        }
    }
    return 0;
}
