/* Device SDK flows benchmark (issue 7 item 7): COSE_Sign1 signed messages
 * (tcdev_msg_sign / tcdev_msg_verify, 64-byte body) per second beside raw
 * Ed25519 sign/verify of the same run (ratios), and the time a device needs
 * to verify each flow's proof bundles — enrollment (its D record),
 * discovery (an S record + the provider's D record), config (a G record
 * with a 1 KiB inline body) — with their sizes in bytes, beside the raw
 * Ed25519 verify time. Bundles are real: the ledger on SQLite, blocks
 * certified by one validator (tests/unit/device_fixture.h); each
 * verification starts from the anchored state, so it includes the header's
 * certificate check. Noise handshakes/s and transport MB/s are in
 * bench_noise.c. Prints figures and ratios, never passes or fails. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../tests/unit/device_fixture.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static dx_chain C;
static tcdev_light st, anchored;
static tcdev_light_work work;
static uint8_t b1[64 * 1024], b2[64 * 1024];
static size_t l1, l2;

#define RATE(expr, out) do { long n_ = 0; double t0_ = now_s(), t_; \
    do { for (int i_ = 0; i_ < 20; i_++) { if (expr) { fprintf(stderr, "failed: %s\n", #expr); exit(1); } } \
         n_ += 20; } while ((t_ = now_s() - t0_) < 0.5); (out) = n_ / t_; } while (0)

int main(void)
{
    if (tc_crypto_init()) return 1;
    lx_dev a, b;
    lx_dev_keys(&a, 1);
    lx_dev_keys(&b, 2);
    /* ---- messages vs raw Ed25519 ---- */
    uint8_t body[64], sig[64], scratch[TCDEV_MSG_SCRATCH(64)], msg[TCDEV_MSG_MAX(64)], vs[sizeof msg + 64];
    size_t ml, bl;
    const uint8_t *bp;
    uint64_t ctr = 0, seen = 0;
    memset(body, 0x5a, sizeof body);
    double ed_sign, ed_verify, cose_sign, cose_verify;
    RATE((tc_ed25519_sign(sig, body, sizeof body, a.sec), 0), ed_sign);
    RATE(tc_ed25519_verify(sig, body, sizeof body, a.pub), ed_verify);
    RATE(tcdev_msg_sign(msg, sizeof msg, &ml, scratch, sizeof scratch, &ctr, a.id, a.sec, body, sizeof body),
         cose_sign);
    tcdev_device_record peer;
    memset(&peer, 0, sizeof peer);
    memcpy(peer.id, a.id, 16);
    memcpy(peer.ed25519, a.pub, 32);
    RATE((seen = 0, tcdev_msg_verify(&bp, &bl, NULL, &seen, vs, sizeof vs, &peer, msg, ml)), cose_verify);
    printf("raw Ed25519 sign (64 B):      %9.0f /s   (reference)\n", ed_sign);
    printf("COSE_Sign1 message sign:      %9.0f /s   = %.3f x raw sign   (%zu B message)\n", cose_sign,
           cose_sign / ed_sign, ml);
    printf("raw Ed25519 verify (64 B):    %9.0f /s   (reference)\n", ed_verify);
    printf("COSE_Sign1 message verify:    %9.0f /s   = %.3f x raw verify\n", cose_verify, cose_verify / ed_verify);

    /* ---- flows against real bundles ---- */
    char dir[256], path[300];
    fx_tmpdir(dir, sizeof dir, "benchdev");
    snprintf(path, sizeof path, "%s/node.db", dir);
    uint8_t cpub[32], csec[64], key[64];
    static uint8_t cfg_body[1024];
    memset(cfg_body, 'c', sizeof cfg_body);
    if (dx_open(&C, path) || lx_manufacture(&C.lx, &a, 1, "sensor-v1") || lx_manufacture(&C.lx, &b, 1, "gw-v1") ||
        dx_config_keys(&C, LX_FLEET, cpub, csec, 70) || dx_commit_all(&C) || lx_claim(&C.lx, &a, LX_FLEET) ||
        lx_claim(&C.lx, &b, LX_FLEET) || dx_commit_all(&C) ||
        dx_publish(&C, &b, "temp", "sensor/temperature", "coap://10.0.0.2:5683", C.lx.time_ms + 600000) ||
        dx_cfg_publish(&C, LX_FLEET, csec, 3, (const uint8_t *)"sensor-v1", 9, "telemetry", 1, cfg_body,
                       sizeof cfg_body, NULL, 0) ||
        dx_commit_all(&C) || dx_anchor(&C, &anchored)) {
        fprintf(stderr, "setup failed\n");
        return 1;
    }
    uint64_t t = C.lx.time_ms + 1000;
    double r;
    tcdev_device_record self;
    if (dx_dev_bundle(&C, b1, sizeof b1, &l1, a.id, 0)) return 1;
    RATE((st = anchored, tcdev_enroll_verify(&st, &work, &self, a.id, a.pub, a.x, LX_FLEET, b1, l1, t)), r);
    printf("enrollment verify:            %9.1f /s   = %6.3f ms = %.2f raw verifies   (bundle %zu B)\n", r,
           1e3 / r, ed_verify / r, l1);
    key[0] = 'S';
    memcpy(key + 1, b.id, 16);
    memcpy(key + 17, "temp", 4);
    tcdev_service s;
    if (dx_bundle(&C, b1, sizeof b1, &l1, key, 21, 0) || dx_dev_bundle(&C, b2, sizeof b2, &l2, b.id, 0)) return 1;
    RATE((st = anchored, tcdev_discovery_verify(&st, &work, &s, NULL, NULL, 0, b1, l1, b2, l2, t)), r);
    printf("discovery verify (S + D):     %9.1f /s   = %6.3f ms = %.2f raw verifies   (bundles %zu + %zu B)\n", r,
           1e3 / r, ed_verify / r, l1, l2);
    tcdev_config cfg;
    dx_cfg_key(key, LX_FLEET, 3, (const uint8_t *)"sensor-v1", 9, "telemetry");
    if (dx_bundle(&C, b1, sizeof b1, &l1, key, 25, 0)) return 1;
    RATE((st = anchored, tcdev_config_verify(&st, &work, &cfg, &self, 0, b1, l1, NULL, 0, t)), r);
    printf("config verify (1 KiB inline): %9.1f /s   = %6.3f ms = %.2f raw verifies   (bundle %zu B)\n", r,
           1e3 / r, ed_verify / r, l1);
    dx_close(&C);
    fx_rm(dir);
    return 0;
}
