/* Transaction bodies of the fleet (docs/ledger.md, "Types, bodies and who
 * may sign"), encoded field by field in ascending key order (deterministic
 * CBOR), and signed with the shared builders of include/tc/tx.h — the same
 * ones `thingchain tx build` uses, so a fleet transaction is byte for byte
 * what the CLI would build from the same fields. */
#include <string.h>

#include "fleet.h"
#include "tc/cbor.h"
#include "tc/crypto.h"

int fleet_tx_sign(fleet *f, uint8_t *out, size_t cap, size_t *len, uint32_t type, const uint8_t *signer,
                  size_t signer_len, uint64_t nonce, const uint8_t *body, size_t body_len,
                  const uint8_t (*secs)[64], size_t nsec, int device)
{
    static _Thread_local uint8_t payload[TC_TX_MAX];
    size_t pl;
    int rc = tc_tx_payload_encode(payload, sizeof payload, &pl, (const uint8_t *)f->chain_id,
                                  strlen(f->chain_id), type, signer, signer_len, nonce, body, body_len);
    if (rc) return rc;
    return device ? tc_tx_sign1(out, cap, len, payload, pl, secs[0])
                  : tc_tx_sign_multi(out, cap, len, payload, pl, secs, nsec);
}

/* {1 [{1 ed25519, 2 x25519, 3 model, 4 serial, 5 claim key}, ...]}: the
 * claim KEY derived from the secret, never the secret (tc_claim_key). */
int fleet_body_manufacture(fleet *f, uint8_t *out, size_t cap, size_t *len, size_t first, size_t count)
{
    tc_cbor_enc e;
    tc_cbor_enc_init(&e, out, cap);
    tc_cbor_put_map(&e, 1);
    tc_cbor_put_uint(&e, 1);
    tc_cbor_put_array(&e, count);
    for (size_t i = first; i < first + count; i++) {
        const fdev *d = &f->dev[i];
        uint8_t cpub[32], csec[64];
        tc_claim_key(cpub, csec, (const uint8_t *)d->secret, strlen(d->secret));
        tc_wipe(csec, sizeof csec);
        tc_cbor_put_map(&e, 5);
        tc_cbor_put_uint(&e, 1); tc_cbor_put_bytes(&e, d->ed_pub, 32);
        tc_cbor_put_uint(&e, 2); tc_cbor_put_bytes(&e, d->x_pub, 32);
        tc_cbor_put_uint(&e, 3); tc_cbor_put_cstr(&e, FLEET_MODEL);
        tc_cbor_put_uint(&e, 4); tc_cbor_put_cstr(&e, d->serial);
        tc_cbor_put_uint(&e, 5); tc_cbor_put_bytes(&e, cpub, 32);
    }
    return tc_cbor_enc_finish(&e, len);
}

/* {1 device, 2 claim signature naming chain, device and org 1}. */
int fleet_body_claim(fleet *f, uint8_t *out, size_t cap, size_t *len, const fdev *d)
{
    uint8_t sig[TC_ED25519_SIG_LEN];
    int rc = tc_claim_sign(sig, (const uint8_t *)d->secret, strlen(d->secret), (const uint8_t *)f->chain_id,
                           strlen(f->chain_id), d->id, FLEET_OPERATOR);
    if (rc) return rc;
    tc_cbor_enc e;
    tc_cbor_enc_init(&e, out, cap);
    tc_cbor_put_map(&e, 2);
    tc_cbor_put_uint(&e, 1); tc_cbor_put_bytes(&e, d->id, TCDEV_ID_LEN);
    tc_cbor_put_uint(&e, 2); tc_cbor_put_bytes(&e, sig, sizeof sig);
    return tc_cbor_enc_finish(&e, len);
}

/* {1 device, 2 ["wave-K"]}. */
int fleet_body_groups(uint8_t *out, size_t cap, size_t *len, const fdev *d)
{
    char g[16];
    g[0] = 0;
    strcpy(g, "wave-");
    g[5] = (char)('0' + d->wave);
    g[6] = 0;
    tc_cbor_enc e;
    tc_cbor_enc_init(&e, out, cap);
    tc_cbor_put_map(&e, 2);
    tc_cbor_put_uint(&e, 1); tc_cbor_put_bytes(&e, d->id, TCDEV_ID_LEN);
    tc_cbor_put_uint(&e, 2); tc_cbor_put_array(&e, 1); tc_cbor_put_cstr(&e, g);
    return tc_cbor_enc_finish(&e, len);
}

/* {1 device, 2 "telemetry", 3 type, 4 [endpoint], 5 {"wave": K}, 6 expiry}. */
int fleet_body_service(uint8_t *out, size_t cap, size_t *len, const fdev *d, const char *type, uint64_t expiry_ms)
{
    char ep[64], w[2] = {(char)('0' + d->wave), 0};
    memcpy(ep, "coap://", 7);
    for (int i = 0; i < 8; i++) {
        static const char hx[] = "0123456789abcdef";
        ep[7 + 2 * i] = hx[d->id[i] >> 4];
        ep[8 + 2 * i] = hx[d->id[i] & 15];
    }
    strcpy(ep + 23, ".fleet.local:5683");
    tc_cbor_enc e;
    tc_cbor_enc_init(&e, out, cap);
    tc_cbor_put_map(&e, 6);
    tc_cbor_put_uint(&e, 1); tc_cbor_put_bytes(&e, d->id, TCDEV_ID_LEN);
    tc_cbor_put_uint(&e, 2); tc_cbor_put_cstr(&e, "telemetry");
    tc_cbor_put_uint(&e, 3); tc_cbor_put_cstr(&e, type);
    tc_cbor_put_uint(&e, 4); tc_cbor_put_array(&e, 1); tc_cbor_put_cstr(&e, ep);
    tc_cbor_put_uint(&e, 5); tc_cbor_put_map(&e, 1); tc_cbor_put_cstr(&e, "wave"); tc_cbor_put_cstr(&e, w);
    tc_cbor_put_uint(&e, 6); tc_cbor_put_uint(&e, expiry_ms);
    return tc_cbor_enc_finish(&e, len);
}

/* {1 root, 2 count, 3 first ms, 4 last ms, 5 [digest, ...]}. */
int fleet_body_anchor(uint8_t *out, size_t cap, size_t *len, const uint8_t root[32], uint64_t count,
                      uint64_t first_ms, uint64_t last_ms, const uint8_t (*digests)[32])
{
    tc_cbor_enc e;
    tc_cbor_enc_init(&e, out, cap);
    tc_cbor_put_map(&e, 5);
    tc_cbor_put_uint(&e, 1); tc_cbor_put_bytes(&e, root, 32);
    tc_cbor_put_uint(&e, 2); tc_cbor_put_uint(&e, count);
    tc_cbor_put_uint(&e, 3); tc_cbor_put_uint(&e, first_ms);
    tc_cbor_put_uint(&e, 4); tc_cbor_put_uint(&e, last_ms);
    tc_cbor_put_uint(&e, 5); tc_cbor_put_array(&e, count);
    for (uint64_t i = 0; i < count; i++) tc_cbor_put_bytes(&e, digests[i], 32);
    return tc_cbor_enc_finish(&e, len);
}

/* org.set_keys {1 role, 2 {1 k, 2 [pub, ...]}}. */
int fleet_body_setkeys(uint8_t *out, size_t cap, size_t *len, unsigned role, unsigned k, const uint8_t (*pubs)[32],
                       size_t n)
{
    tc_cbor_enc e;
    tc_cbor_enc_init(&e, out, cap);
    tc_cbor_put_map(&e, 2);
    tc_cbor_put_uint(&e, 1); tc_cbor_put_uint(&e, role);
    tc_cbor_put_uint(&e, 2); tc_cbor_put_map(&e, 2);
    tc_cbor_put_uint(&e, 1); tc_cbor_put_uint(&e, k);
    tc_cbor_put_uint(&e, 2); tc_cbor_put_array(&e, n);
    for (size_t i = 0; i < n; i++) tc_cbor_put_bytes(&e, pubs[i], 32);
    return tc_cbor_enc_finish(&e, len);
}

/* fw.release {1 model, 2 version, 3 digest, 4 size, 5 chunk size, 6 root, 7 min prior, 8 expiry}. */
int fleet_body_release(uint8_t *out, size_t cap, size_t *len, uint64_t version, const uint8_t digest[32],
                       uint64_t size, uint32_t chunk_size, const uint8_t root[32], uint64_t min_prior,
                       uint64_t expiry_ms)
{
    tc_cbor_enc e;
    tc_cbor_enc_init(&e, out, cap);
    tc_cbor_put_map(&e, 8);
    tc_cbor_put_uint(&e, 1); tc_cbor_put_cstr(&e, FLEET_MODEL);
    tc_cbor_put_uint(&e, 2); tc_cbor_put_uint(&e, version);
    tc_cbor_put_uint(&e, 3); tc_cbor_put_bytes(&e, digest, 32);
    tc_cbor_put_uint(&e, 4); tc_cbor_put_uint(&e, size);
    tc_cbor_put_uint(&e, 5); tc_cbor_put_uint(&e, chunk_size);
    tc_cbor_put_uint(&e, 6); tc_cbor_put_bytes(&e, root, 32);
    tc_cbor_put_uint(&e, 7); tc_cbor_put_uint(&e, min_prior);
    tc_cbor_put_uint(&e, 8); tc_cbor_put_uint(&e, expiry_ms);
    return tc_cbor_enc_finish(&e, len);
}

/* fw.rollout {1 id, 2 vendor, 3 model, 4 version, 5 [["wave-1"], ["wave-2"], ["wave-3"]]}. */
int fleet_body_rollout(uint8_t *out, size_t cap, size_t *len, uint64_t id, uint64_t version)
{
    tc_cbor_enc e;
    tc_cbor_enc_init(&e, out, cap);
    tc_cbor_put_map(&e, 5);
    tc_cbor_put_uint(&e, 1); tc_cbor_put_uint(&e, id);
    tc_cbor_put_uint(&e, 2); tc_cbor_put_uint(&e, FLEET_VENDOR);
    tc_cbor_put_uint(&e, 3); tc_cbor_put_cstr(&e, FLEET_MODEL);
    tc_cbor_put_uint(&e, 4); tc_cbor_put_uint(&e, version);
    tc_cbor_put_uint(&e, 5); tc_cbor_put_array(&e, FLEET_WAVES);
    for (int k = 1; k <= FLEET_WAVES; k++) {
        char g[8] = "wave-0";
        g[5] = (char)('0' + k);
        tc_cbor_put_array(&e, 1);
        tc_cbor_put_cstr(&e, g);
    }
    return tc_cbor_enc_finish(&e, len);
}

/* fw.rollout_control {1 id, 2 action (1 advance, 2 pause, 3 resume, 4 abort)}. */
int fleet_body_control(uint8_t *out, size_t cap, size_t *len, uint64_t id, unsigned action)
{
    tc_cbor_enc e;
    tc_cbor_enc_init(&e, out, cap);
    tc_cbor_put_map(&e, 2);
    tc_cbor_put_uint(&e, 1); tc_cbor_put_uint(&e, id);
    tc_cbor_put_uint(&e, 2); tc_cbor_put_uint(&e, action);
    return tc_cbor_enc_finish(&e, len);
}

/* cfg.publish for a group, inline body:
 * {1 kind 2, 2 group bytes, 3 name, 4 version, 5 digest, 6 size, 7 body, 9 expiry}. */
int fleet_body_config(uint8_t *out, size_t cap, size_t *len, const char *group, const char *name,
                      uint64_t version, const uint8_t *doc, size_t doc_len, uint64_t expiry_ms)
{
    uint8_t h[32];
    tc_sha256(h, doc, doc_len);
    tc_cbor_enc e;
    tc_cbor_enc_init(&e, out, cap);
    tc_cbor_put_map(&e, 8);
    tc_cbor_put_uint(&e, 1); tc_cbor_put_uint(&e, 2);
    tc_cbor_put_uint(&e, 2); tc_cbor_put_bytes(&e, (const uint8_t *)group, strlen(group));
    tc_cbor_put_uint(&e, 3); tc_cbor_put_cstr(&e, name);
    tc_cbor_put_uint(&e, 4); tc_cbor_put_uint(&e, version);
    tc_cbor_put_uint(&e, 5); tc_cbor_put_bytes(&e, h, 32);
    tc_cbor_put_uint(&e, 6); tc_cbor_put_uint(&e, doc_len);
    tc_cbor_put_uint(&e, 7); tc_cbor_put_bytes(&e, doc, doc_len);
    tc_cbor_put_uint(&e, 9); tc_cbor_put_uint(&e, expiry_ms);
    return tc_cbor_enc_finish(&e, len);
}
