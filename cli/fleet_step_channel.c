/* Steps e and f (docs/fleet.md): channels and signed messages.
 * Work is grouped by provider so that one thread owns a provider's state
 * while it serves the devices that discovered it (in-process transport:
 * the handshake and transport messages are byte buffers handed across).
 *   channel   the provider proves the asker's D record (tcdev_peer_verify);
 *             both start Noise_KK with keys and a prologue taken from the
 *             records they proved (tcdev_channel_init); two handshake
 *             messages, split; a first transport message each way.
 *   messages  the asker signs FLEET_MSGS COSE_Sign1 messages with its
 *             counter (tcdev_msg_sign), sends them encrypted; the provider
 *             decrypts and verifies them against the proven record
 *             (tcdev_msg_verify); then the first message is delivered
 *             again and must be refused (DEV_MSG_REPLAY: counted as an
 *             expected refusal). The gateway keeps every message digest
 *             (SHA-256 of the COSE bytes) for the anchor batch (step g). */
#include <stdio.h>
#include <string.h>

#include "fleet.h"
#include "tc/alloc.h"
#include "tc/crypto.h"
#include "tc/hex.h"
#include "tc/keyfile.h"

#define FLEET_MSGS 3
#define BODY_LEN 48

/* The gateway: appends a digest, returns its leaf index. */
static long gateway_add(fleet *f, const uint8_t dig[32])
{
    pthread_mutex_lock(&f->mu);
    long at = -1;
    if (f->n_digests < f->n * (FLEET_MSGS + 1)) {
        at = (long)f->n_digests;
        memcpy(f->digests[f->n_digests++], dig, 32);
        uint64_t now = fleet_wall_ms();
        if (!f->first_ms) f->first_ms = now;
        f->last_ms = now;
    }
    pthread_mutex_unlock(&f->mu);
    return at;
}

/* One asker (a) and its provider (p): handshake and messages. */
static void pair(fleet *f, fdev *a, fdev *p, tcdev_light_work *w)
{
    char hex[33];
    tc_hex_encode(hex, a->id, 16);
    double t = fleet_now();
    tc_err err;
    tc_err_clear(&err);
    char path[96];
    uint8_t *b;
    size_t len;
    tcdev_device_record arec;
    snprintf(path, sizeof path, "/v1/devices/%s?format=bundle", hex);
    int rc = fleet_bundle(f, &err, &b, &len, p->node, path);
    if (rc) { fleet_fail(f, ST_CHANNEL, rc, "%s", err.msg); return; }
    rc = tcdev_peer_verify(&p->st, w, &arec, a->id, b, len, fleet_wall_ms());
    tc_free(b);
    if (rc) { fleet_fail(f, ST_CHANNEL, rc, "provider cannot prove device %s", hex); return; }

    static _Thread_local tcdev_noise_handshake ha, hp;
    tcdev_noise_cipher a_send, a_recv, p_send, p_recv;
    uint8_t ea[32], ep[32], m1[256], m2[256], pl[64];
    size_t l1, l2, pll;
    if (tc_keyfile_random(&err, ea) || tc_keyfile_random(&err, ep)) { fleet_fail(f, ST_CHANNEL, TC_ERR_IO, "entropy"); return; }
    rc = tcdev_channel_init(&ha, &a->st, &a->rec, &a->peer_rec, 1, a->x_sec, ea);
    if (!rc) rc = tcdev_channel_init(&hp, &p->st, &p->rec, &arec, 0, p->x_sec, ep);
    if (!rc) rc = tcdev_noise_write_message(&ha, m1, sizeof m1, &l1, NULL, 0);
    if (!rc) rc = tcdev_noise_read_message(&hp, pl, sizeof pl, &pll, m1, l1);
    if (!rc) rc = tcdev_noise_write_message(&hp, m2, sizeof m2, &l2, NULL, 0);
    if (!rc) rc = tcdev_noise_read_message(&ha, pl, sizeof pl, &pll, m2, l2);
    uint8_t ha_h[32], hp_h[32];
    if (!rc) rc = tcdev_noise_split(&ha, &a_send, &a_recv, ha_h);
    if (!rc) rc = tcdev_noise_split(&hp, &p_send, &p_recv, hp_h);
    if (!rc && memcmp(ha_h, hp_h, 32)) rc = TC_ERR_NOISE_DECRYPT; /* both must hold one handshake hash */
    tcdev_noise_wipe(&ha);
    tcdev_noise_wipe(&hp);
    if (rc) { fleet_fail(f, ST_CHANNEL, rc, "Noise_KK between %s and its provider", hex); return; }
    a->ok_steps |= 1 << ST_CHANNEL;
    p->ok_steps |= 1 << ST_CHANNEL;
    fleet_ok(f, ST_CHANNEL, (fleet_now() - t) * 1000.0);

    /* Messages through the channel. */
    uint8_t body[BODY_LEN], msg[TCDEV_MSG_MAX(BODY_LEN)], scratch[TCDEV_MSG_SCRATCH(BODY_LEN) + 256];
    uint8_t ct[sizeof msg + 16], pt[sizeof msg], first[sizeof msg];
    size_t ml, cl, ptl, first_len = 0;
    uint64_t last_seen = 0;
    int all = 1;
    for (int k = 0; k < FLEET_MSGS; k++) {
        double tm = fleet_now();
        snprintf((char *)body, sizeof body, "temp=%d.%d C seq=%d", 20 + k, (int)(a->id[0] % 10), k);
        const uint8_t *got;
        size_t got_len;
        uint64_t ctr;
        rc = tcdev_msg_sign(msg, sizeof msg, &ml, scratch, sizeof scratch, &a->counter, a->id, a->ed_sec, body, sizeof body);
        if (!rc) rc = tcdev_noise_encrypt(&a_send, ct, sizeof ct, &cl, NULL, 0, msg, ml);
        if (!rc) rc = tcdev_noise_decrypt(&p_recv, pt, sizeof pt, &ptl, NULL, 0, ct, cl);
        if (!rc) rc = tcdev_msg_verify(&got, &got_len, &ctr, &last_seen, scratch, sizeof scratch, &arec, pt, ptl);
        if (!rc && (got_len != sizeof body || memcmp(got, body, sizeof body))) rc = TC_ERR_DEV_MSG_FORMAT;
        if (rc) { fleet_fail(f, ST_MESSAGES, rc, "message %d of %s", k, hex); all = 0; break; }
        uint8_t dig[32];
        tc_sha256(dig, msg, ml);
        long leaf = gateway_add(f, dig);
        if (k == 0) {
            memcpy(first, msg, ml);
            first_len = ml;
            memcpy(a->sent_digest, dig, 32);
            a->sent_leaf = leaf;
        }
        fleet_ok(f, ST_MESSAGES, (fleet_now() - tm) * 1000.0);
    }
    if (all && first_len) {
        /* The first message again (a replay on the wire): refused. */
        const uint8_t *got;
        size_t got_len;
        rc = tcdev_msg_verify(&got, &got_len, NULL, &last_seen, scratch, sizeof scratch, &arec, first, first_len);
        if (rc == TC_ERR_DEV_MSG_REPLAY) {
            fleet_expected(f, ST_MESSAGES);
            a->ok_steps |= 1 << ST_MESSAGES;
        } else {
            fleet_fail(f, ST_MESSAGES, rc ? rc : TC_ERR_FLEET_NOT_REFUSED, "replayed message of %s", hex);
        }
    }
    if (all) {
        /* The provider answers with a message of its own, which the asker
         * verifies against the provider record it proved in discovery. */
        double tm = fleet_now();
        const uint8_t *got;
        size_t got_len;
        uint64_t seen = 0;
        snprintf((char *)body, sizeof body, "ack from provider, %d messages", FLEET_MSGS);
        rc = tcdev_msg_sign(msg, sizeof msg, &ml, scratch, sizeof scratch, &p->counter, p->id, p->ed_sec, body, sizeof body);
        if (!rc) rc = tcdev_noise_encrypt(&p_send, ct, sizeof ct, &cl, NULL, 0, msg, ml);
        if (!rc) rc = tcdev_noise_decrypt(&a_recv, pt, sizeof pt, &ptl, NULL, 0, ct, cl);
        if (!rc) rc = tcdev_msg_verify(&got, &got_len, NULL, &seen, scratch, sizeof scratch, &a->peer_rec, pt, ptl);
        if (rc) {
            fleet_fail(f, ST_MESSAGES, rc, "reply of the provider of %s", hex);
        } else {
            uint8_t dig[32];
            tc_sha256(dig, msg, ml);
            long leaf = gateway_add(f, dig);
            if (p->sent_leaf < 0) {
                memcpy(p->sent_digest, dig, 32);
                p->sent_leaf = leaf;
            }
            p->ok_steps |= 1 << ST_MESSAGES;
            fleet_ok(f, ST_MESSAGES, (fleet_now() - tm) * 1000.0);
        }
    }
    tcdev_noise_cipher_wipe(&a_send); tcdev_noise_cipher_wipe(&a_recv);
    tcdev_noise_cipher_wipe(&p_send); tcdev_noise_cipher_wipe(&p_recv);
}

static void provider_work(fleet *f, size_t i, tcdev_light_work *w)
{
    fdev *p = &f->dev[i];
    if (!p->provider || !(p->ok_steps & (1 << ST_BOOT))) return;
    for (size_t k = 0; k < f->n; k++) {
        fdev *a = &f->dev[k];
        if (a->peer == (long)i && (a->ok_steps & (1 << ST_DISCOVER))) pair(f, a, p, w);
    }
}

int fleet_step_channel(fleet *f)
{
    if (!f->digests) f->digests = tc_calloc(f->n * (FLEET_MSGS + 1) + 1, 32);
    if (!f->digests) return TC_ERR_NOMEM;
    fleet_par(f, f->n, provider_work);
    return 0;
}
