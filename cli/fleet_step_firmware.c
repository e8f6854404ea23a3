/* Step h (docs/fleet.md): a firmware release rolled out in waves.
 * Vendor: its release key set (2-of-2, org.set_keys role 2 by its two
 * admins), the release (fw.release signed by both release keys), the
 * image uploaded to every node (POST /v1/firmware/D, then the chunks).
 * Operator: fw.rollout over wave-1, wave-2, wave-3 (wave-1 starts at
 * once), fw.rollout_control advance after each wave has reported.
 * Device (include/tcdev/firmware.h): release, own D and rollout bundles
 * at one height -> tcdev_fw_start (approved, newer, unexpired, its model
 * and wave); chunk by chunk: Range GET of the image + GET path/I ->
 * tcdev_fw_feed (each chunk checked against the release's chunk-tree root
 * as it arrives); finish (image digest), confirm (the floor rises), and an
 * fw.report "installed" it signs itself. The first device of each wave
 * also meets a tampered mirror (one chunk with a flipped bit: FW_CHUNK,
 * dropped, the good one then installs) and, once installed, the same
 * release offered again (FW_ROLLBACK): both counted as refused. */
#include <stdio.h>
#include <string.h>

#include "fleet.h"
#include "fw_util.h"
#include "tc/alloc.h"
#include "tc/hex.h"

#define FW_SIZE   16384u
#define FW_CHUNK  2048u
#define FACTORY_VERSION 1u

static struct {
    fwu_image im;
    uint64_t version, rollout;
    uint8_t fkey[33], rkey[17];
    int wave;
} g;

static void key_hex(char *out, const uint8_t *k, size_t n) { tc_hex_encode(out, k, n); }

static int slot_write(void *ctx, unsigned slot, uint64_t off, const uint8_t *data, size_t len)
{
    uint8_t *img = ctx;
    (void)slot;
    if (off + len > FW_SIZE) return -1;
    memcpy(img + off, data, len);
    return 0;
}

/* Fetches the three bundles at one height (release first: the updater
 * verifies release, device, rollout in that order). */
static int offer_bundles(fleet *f, tc_err *err, fdev *d, uint8_t *b[3], size_t l[3])
{
    char path[256], hex[80];
    key_hex(hex, g.fkey, sizeof g.fkey);
    snprintf(path, sizeof path, "/v1/state/%s?format=bundle", hex);
    int rc = fleet_bundle(f, err, &b[0], &l[0], d->node, path);
    if (rc) return rc;
    tcdev_bundle bd;
    uint64_t h = 0;
    if (!tcdev_bundle_decode(&bd, b[0], l[0])) {
        tc_header hd;
        if (!tc_header_decode(&hd, bd.header, bd.header_len)) h = hd.height;
    }
    key_hex(hex, d->id, 16);
    snprintf(path, sizeof path, "/v1/devices/%s?format=bundle&height=%llu", hex, (unsigned long long)h);
    if ((rc = fleet_bundle(f, err, &b[1], &l[1], d->node, path))) return rc;
    key_hex(hex, g.rkey, sizeof g.rkey);
    snprintf(path, sizeof path, "/v1/state/%s?format=bundle&height=%llu", hex, (unsigned long long)h);
    return fleet_bundle(f, err, &b[2], &l[2], d->node, path);
}

static void device_one(fleet *f, size_t i, tcdev_light_work *w)
{
    fdev *d = &f->dev[i];
    if (d->wave != g.wave || !(d->ok_steps & (1 << ST_BOOT))) return;
    static _Thread_local tcdev_fw_work fwork;
    static _Thread_local uint8_t slot[FW_SIZE], chunk[FW_CHUNK + 16], path_buf[TC_CHUNK_PATH_CBOR_MAX + 64];
    static _Thread_local tc_chunk_cache cache;
    char hex[33], path[160];
    key_hex(hex, d->id, 16);
    double t = fleet_now();
    tc_err err;
    tc_err_clear(&err);
    uint8_t *b[3] = {NULL, NULL, NULL};
    size_t l[3];
    int first = i == 0 || f->dev[i - 1].wave != d->wave; /* the wave's first device meets the attacks */
    int rc = tcdev_fw_init(&d->fw, d->id, FLEET_MODEL, strlen(FLEET_MODEL), FACTORY_VERSION, FACTORY_VERSION, 0,
                           FW_CHUNK, FW_SIZE);
    if (!rc) rc = offer_bundles(f, &err, d, b, l);
    tcdev_fw_offer offer = {b[0], l[0], b[2], l[2], b[1], l[1], 600000, 30000, 600000};
    if (!rc) rc = tcdev_fw_start(&d->fw, &err, &d->st, w, &fwork, &offer, fleet_wall_ms());
    if (rc) goto fail;
    memset(&cache, 0, sizeof cache);
    for (uint64_t c = 0; c < d->fw.count && !rc; c++) {
        uint32_t want = tcdev_fw_chunk_len(&d->fw, c);
        size_t got, pl;
        snprintf(path, sizeof path, "/v1/firmware/%s/image", g.im.digest_hex);
        rc = fleet_range(f, &err, chunk, sizeof chunk, &got, d->node, path, c * FW_CHUNK, c * FW_CHUNK + want - 1);
        if (rc) break;
        snprintf(path, sizeof path, "/v1/firmware/%s/path/%llu", g.im.digest_hex, (unsigned long long)c);
        uint8_t *pb;
        if ((rc = fleet_bundle(f, &err, &pb, &pl, d->node, path))) break;
        if (pl > sizeof path_buf) pl = sizeof path_buf;
        memcpy(path_buf, pb, pl);
        tc_free(pb);
        if (first && c == 0) {
            /* A tampered mirror: one bit flipped in chunk 0. */
            chunk[got / 2] ^= 0x10;
            int arc = tcdev_fw_feed(&d->fw, &cache, NULL, slot_write, slot, c, chunk, got, path_buf, pl, fleet_wall_ms());
            chunk[got / 2] ^= 0x10;
            if (arc == TC_ERR_FW_CHUNK) fleet_expected(f, ST_FIRMWARE);
            else fleet_fail(f, ST_FIRMWARE, arc ? arc : TC_ERR_FLEET_NOT_REFUSED, "tampered chunk on device %s", hex);
            if (g.wave == 1) fleet_story_refusal(f, "tampered chunk", arc);
        }
        rc = tcdev_fw_feed(&d->fw, &cache, &err, slot_write, slot, c, chunk, got, path_buf, pl, fleet_wall_ms());
    }
    if (!rc) rc = tcdev_fw_finish(&d->fw, &err);
    if (!rc) rc = tcdev_fw_confirm(&d->fw); /* the new image "booted" and passed its self-test */
    if (rc) goto fail;
    if (first) {
        /* The same release offered again once installed: a rollback. */
        int arc = tcdev_fw_start(&d->fw, NULL, &d->st, w, &fwork, &offer, fleet_wall_ms());
        if (arc == TC_ERR_FW_ROLLBACK) fleet_expected(f, ST_FIRMWARE);
        else fleet_fail(f, ST_FIRMWARE, arc ? arc : TC_ERR_FLEET_NOT_REFUSED, "release offered again to %s", hex);
        if (g.wave == 1) fleet_story_refusal(f, "firmware rollback", arc);
    }
    uint8_t tx[TCDEV_FW_REPORT_MAX], scratch[TCDEV_FW_REPORT_SCRATCH], id[32];
    size_t tl;
    uint64_t nonce = d->nonce;
    rc = tcdev_fw_report(&d->fw, tx, sizeof tx, &tl, scratch, sizeof scratch, &nonce, f->chain_id, strlen(f->chain_id),
                         d->ed_sec, TCDEV_FW_REPORT_INSTALLED);
    if (!rc) rc = fleet_submit(f, &err, id, d->node, tx, tl);
    if (rc) goto fail;
    d->nonce = nonce;
    memcpy(d->tx_id, id, 32);
    d->tx_pending = 1;
    d->t_op = t;
    for (int k = 0; k < 3; k++) tc_free(b[k]);
    return;
fail:
    for (int k = 0; k < 3; k++) tc_free(b[k]);
    fleet_fail(f, ST_FIRMWARE, rc, "device %s: %s", hex, err.code ? err.msg : tc_strerror(rc));
}

static void report_wait(fleet *f, size_t i, tcdev_light_work *w)
{
    (void)w;
    fleet_dev_wait(f, i, ST_FIRMWARE, "fw.report");
}

/* One transaction of an org key set, committed. */
static int org_tx(fleet *f, tc_err *err, uint64_t org, uint8_t role, uint32_t type, const uint8_t *body, size_t bl,
                  const uint8_t (*secs)[64], size_t nsec)
{
    uint8_t signer[TC_SIGNER_ORG_LEN], id[32];
    static uint8_t tx[TC_TX_MAX + 4096];
    size_t tl;
    uint64_t nonce, code, h;
    tc_signer_org(signer, org, role);
    int rc = fleet_nonce(f, err, &nonce, 0, signer, sizeof signer);
    if (!rc) rc = fleet_tx_sign(f, tx, sizeof tx, &tl, type, signer, sizeof signer, nonce + 1, body, bl, secs, nsec, 0);
    if (!rc) rc = fleet_submit(f, err, id, 0, tx, tl);
    if (!rc) rc = fleet_wait(f, err, &code, &h, 0, id);
    return rc ? tc_err_wrap(err, "%s", tc_tx_type_name(type)) : 0;
}

static int upload(fleet *f, tc_err *err, int node)
{
    char path[160];
    size_t ml = 128 + g.im.n * 64;
    char *meta = tc_malloc(ml);
    if (!meta) return TC_ERR_NOMEM;
    int off = snprintf(meta, ml, "{\"size\":%zu,\"chunk_size\":%u,\"root\":\"%s\",\"leaves\":\"", g.im.size,
                       g.im.chunk_size, g.im.root_hex);
    tc_hex_encode(meta + off, g.im.leaves, g.im.n * 32);
    strcat(meta, "\"}");
    snprintf(path, sizeof path, "/v1/firmware/%s", g.im.digest_hex);
    int st, rc = fleet_post(f, err, &st, node, path, "application/json", (const uint8_t *)meta, strlen(meta));
    tc_free(meta);
    for (uint64_t c = 0; c < g.im.n && !rc; c++) {
        size_t a = c * g.im.chunk_size, n = g.im.size - a < g.im.chunk_size ? g.im.size - a : g.im.chunk_size;
        snprintf(path, sizeof path, "/v1/firmware/%s/chunk/%llu", g.im.digest_hex, (unsigned long long)c);
        rc = fleet_post(f, err, &st, node, path, "application/octet-stream", g.im.data + a, n);
    }
    return rc;
}

static int vendor_and_operator(fleet *f, tc_err *err)
{
    uint8_t body[1024];
    size_t bl;
    /* The image: bytes derived from the seed (reproducible). */
    uint8_t *data = tc_malloc(FW_SIZE);
    if (!data) return TC_ERR_NOMEM;
    for (size_t o = 0; o < FW_SIZE; o += 32) {
        uint8_t in[16];
        memcpy(in, &f->seed, 8);
        memcpy(in + 8, &o, 8);
        tc_sha256(data + o, in, sizeof in);
    }
    if (fwu_image_init(&g.im, data, FW_SIZE, FW_CHUNK)) return tc_err_set(err, TC_ERR_STATE, "image chunk tree");
    /* Version: the publication second, and above the model's latest
     * release ('f' record) so that two runs in one second still go forward. */
    uint8_t fk[25], mh0[32];
    uint64_t latest = 0;
    tc_sha256(mh0, FLEET_MODEL, strlen(FLEET_MODEL));
    fk[0] = 'f';
    for (int k = 0; k < 8; k++) fk[1 + k] = (uint8_t)((uint64_t)FLEET_VENDOR >> (56 - 8 * k));
    memcpy(fk + 9, mh0, 16);
    if (fleet_state_uint(f, err, &latest, 0, fk, sizeof fk)) return tc_err_wrap(err, "latest release");
    g.version = fleet_wall_ms() / 1000;
    if (g.version <= latest) g.version = latest + 1;
    g.rollout = g.version;
    f->fw_version = g.version;
    f->fw_rollout = g.rollout;
    memcpy(f->fw_digest, g.im.digest_hex, sizeof f->fw_digest);
    int rc = fleet_body_setkeys(body, sizeof body, &bl, TC_KEYS_RELEASE, 2, (const uint8_t(*)[32])f->rel_pub, 2);
    if (!rc) rc = org_tx(f, err, FLEET_VENDOR, TC_KEYS_ADMIN, TC_TX_ORG_SET_KEYS, body, bl,
                         (const uint8_t(*)[64])f->vendor_sec, 2);
    if (!rc) rc = fleet_body_release(body, sizeof body, &bl, g.version, g.im.digest, g.im.size, FW_CHUNK, g.im.root,
                                     FACTORY_VERSION, fleet_wall_ms() + 30ull * 86400000u);
    if (!rc) rc = org_tx(f, err, FLEET_VENDOR, TC_KEYS_RELEASE, TC_TX_FW_RELEASE, body, bl,
                         (const uint8_t(*)[64])f->rel_sec, 2);
    for (size_t k = 0; k < f->n_nodes && !rc; k++) rc = upload(f, err, (int)k);
    if (!rc) rc = fleet_body_rollout(body, sizeof body, &bl, g.rollout, g.version);
    if (!rc) rc = org_tx(f, err, FLEET_OPERATOR, TC_KEYS_ADMIN, TC_TX_FW_ROLLOUT, body, bl,
                         (const uint8_t(*)[64])&f->op_sec, 1);
    /* State keys the devices ask for (docs/ledger.md). */
    uint8_t mh[32];
    tc_sha256(mh, FLEET_MODEL, strlen(FLEET_MODEL));
    g.fkey[0] = 'F';
    g.rkey[0] = 'R';
    for (int k = 0; k < 8; k++) {
        g.fkey[1 + k] = (uint8_t)((uint64_t)FLEET_VENDOR >> (56 - 8 * k));
        g.fkey[25 + k] = (uint8_t)(g.version >> (56 - 8 * k));
        g.rkey[1 + k] = (uint8_t)((uint64_t)FLEET_OPERATOR >> (56 - 8 * k));
        g.rkey[9 + k] = (uint8_t)(g.rollout >> (56 - 8 * k));
    }
    memcpy(g.fkey + 9, mh, 16);
    return rc;
}

int fleet_step_firmware(fleet *f)
{
    tc_err err;
    tc_err_clear(&err);
    snprintf(f->note, sizeof f->note, "release, upload, rollout");
    int rc = vendor_and_operator(f, &err);
    for (g.wave = 1; g.wave <= FLEET_WAVES && !rc; g.wave++) {
        pthread_mutex_lock(&f->mu);
        snprintf(f->note, sizeof f->note, "wave %d/%d", g.wave, FLEET_WAVES);
        pthread_mutex_unlock(&f->mu);
        if (g.wave > 1) {
            uint8_t body[64];
            size_t bl;
            if ((rc = fleet_body_control(body, sizeof body, &bl, g.rollout, 1))) break;
            if ((rc = org_tx(f, &err, FLEET_OPERATOR, TC_KEYS_ADMIN, TC_TX_FW_ROLLOUT_CONTROL, body, bl,
                             (const uint8_t(*)[64])&f->op_sec, 1))) break;
        }
        fleet_par(f, f->n, device_one);
        fleet_par(f, f->n, report_wait);
    }
    if (rc) fleet_fail(f, ST_FIRMWARE, rc, "%s", err.code ? err.msg : tc_strerror(rc));
    fwu_image_free(&g.im);
    memset(&g.im, 0, sizeof g.im);
    return rc;
}
