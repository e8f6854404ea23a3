/* Config: fetch, verify, apply and report a configuration document
 * (include/tcdev/device.h flow 2; DESIGN.md "Firmware and config: attacks
 * that must fail": arbitrary config, rollback, freeze, mix-and-match).
 * G record (docs/ledger.md): key 'G' || org (8) || doc id (16), value
 * {1 kind, 2 target, 3 name, 4 version, 5 digest, 6 size, 7 body xor
 *  8 location, 9? expiry, 10 height}. */
#include <assert.h>
#include <string.h>

#include "device_internal.h"
#include "tc/cbor.h"
#include "tc/errors.h"
#include "tc/tx.h"

static int targets(const tcdev_device_record *self, const tcdev_config *c)
{
    switch (c->kind) {
    case 1: return c->target_len == TCDEV_ID_LEN && memcmp(c->target, self->id, TCDEV_ID_LEN) == 0;
    case 2: return tcdev_device_in_group(self, (const char *)c->target, c->target_len);
    case 3: return c->target_len == self->model_len && memcmp(c->target, self->model, self->model_len) == 0;
    default: return 0;
    }
}

int tcdev_config_verify(tcdev_light *st, tcdev_light_work *w, tcdev_config *out,
                        const tcdev_device_record *self, uint64_t stored_version,
                        const uint8_t *g_bundle, size_t g_len, const uint8_t *body,
                        size_t body_len, uint64_t now_ms)
{
    assert(st && out && self && g_bundle);
    /* Only the device's owner configures it: the key prefix names the org
     * whose config key set published the document. */
    uint8_t key[9] = {'G'}, h[32];
    const uint8_t *rec, *full;
    size_t rec_len, full_len;
    tcdev__field f[10];
    tcdev__be64(key + 1, self->owner);
    int rc = tcdev__proven(st, w, &rec, &rec_len, &full, &full_len, key, sizeof key, 1, g_bundle,
                           g_len, now_ms);
    if (rc)
        return rc;
    if (full_len != sizeof key + 16)
        return TC_ERR_DEV_KEY;
    if (!rec)
        return TC_ERR_DEV_ABSENT;
    if ((rc = tcdev__fields(f, "UBTUBUbtuU", rec, rec_len)))
        return rc;
    if (f[4].n != 32 || f[6].present == f[7].present)
        return TC_ERR_DEV_RECORD;
    memset(out, 0, sizeof *out);
    out->org = self->owner;
    memcpy(out->doc_id, full + sizeof key, 16);
    out->kind = f[0].u;
    out->target = f[1].p; out->target_len = f[1].n;
    out->name = (const char *)f[2].p; out->name_len = f[2].n;
    out->version = f[3].u;
    memcpy(out->digest, f[4].p, 32);
    out->size = f[5].u;
    out->body = f[6].p; out->body_len = f[6].n;
    out->location = (const char *)f[7].p; out->location_len = f[7].n;
    out->expiry_ms = f[8].u;
    if (!targets(self, out))
        return TC_ERR_DEV_CFG_TARGET;
    if (out->version <= stored_version)
        return TC_ERR_DEV_CFG_ROLLBACK;
    /* Freeze attack: an expired document is refused at device time even if
     * a node keeps serving it. */
    if (f[8].present && now_ms >= out->expiry_ms)
        return TC_ERR_DEV_CFG_EXPIRED;
    if (out->body) {
        body = out->body;
        body_len = out->body_len;
    } else if (!body) {
        return TC_ERR_DEV_CFG_DIGEST;
    }
    if (body_len != out->size)
        return TC_ERR_DEV_CFG_DIGEST;
    tc_sha256(h, body, body_len);
    return memcmp(h, out->digest, 32) ? TC_ERR_DEV_CFG_DIGEST : 0;
}

int tcdev_config_apply(tcdev_light *st, tcdev_light_work *w, tcdev_config *out,
                       uint64_t *stored_version, const tcdev_device_record *self,
                       const uint8_t *g_bundle, size_t g_len, const uint8_t *body,
                       size_t body_len, uint64_t now_ms, tcdev_config_apply_fn apply,
                       void *ctx)
{
    assert(stored_version && apply);
    int rc = tcdev_config_verify(st, w, out, self, *stored_version, g_bundle, g_len, body,
                                 body_len, now_ms);
    if (rc)
        return rc;
    if (out->body) {
        body = out->body;
        body_len = out->body_len;
    }
    if (apply(ctx, out, body, body_len))
        return TC_ERR_DEV_CFG_APPLY;
    *stored_version = out->version;
    return 0;
}

int tcdev_config_report(uint8_t *out, size_t cap, size_t *out_len, uint8_t *scratch,
                        size_t scratch_cap, uint64_t *nonce, const char *chain_id,
                        size_t chain_id_len, const uint8_t id[TCDEV_ID_LEN],
                        const uint8_t sec[64], const tcdev_config *cfg, unsigned status)
{
    assert(out && out_len && scratch && nonce && chain_id && id && sec && cfg && status <= 1);
    /* The transaction payload of include/tc/tx.h, encoded here so the SDK
     * does not carry the node's transaction module. */
    uint8_t signer[1 + TCDEV_ID_LEN] = {TC_SIGNER_DEVICE};
    tc_cbor_enc e;
    size_t plen;
    memcpy(signer + 1, id, TCDEV_ID_LEN);
    tc_cbor_enc_init(&e, scratch, scratch_cap);
    tc_cbor_put_map(&e, 5);
    tc_cbor_put_uint(&e, 1); tc_cbor_put_text(&e, chain_id, chain_id_len);
    tc_cbor_put_uint(&e, 2); tc_cbor_put_uint(&e, TC_TX_CFG_REPORT);
    tc_cbor_put_uint(&e, 3); tc_cbor_put_bytes(&e, signer, sizeof signer);
    tc_cbor_put_uint(&e, 4); tc_cbor_put_uint(&e, *nonce + 1);
    tc_cbor_put_uint(&e, 5); tc_cbor_put_map(&e, 4);
    tc_cbor_put_uint(&e, 1); tc_cbor_put_uint(&e, cfg->org);
    tc_cbor_put_uint(&e, 2); tc_cbor_put_bytes(&e, cfg->doc_id, 16);
    tc_cbor_put_uint(&e, 3); tc_cbor_put_uint(&e, cfg->version);
    tc_cbor_put_uint(&e, 4); tc_cbor_put_uint(&e, status);
    int rc = tc_cbor_enc_finish(&e, &plen);
    if (!rc)
        rc = tcdev__sign1(out, cap, out_len, scratch, plen, scratch_cap, sec);
    if (!rc)
        ++*nonce;
    return rc;
}
