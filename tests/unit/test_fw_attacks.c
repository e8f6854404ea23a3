/* Firmware and config attack suite (issue 8 item 5; DESIGN.md "Firmware
 * and config: attacks that must fail", after TUF and Uptane). One test per
 * attack, named as the attack; each shows the device (tcdev_fw_*, the light
 * client) or the ledger (tc_ledger_apply on a real SQLite store) refusing
 * with the specific error.
 *
 * Fixture: a real chain (tests/unit/store_fixture.h: genesis, SQLite store,
 * real signatures), blocks certified by the chain's validator key with real
 * precommit signatures, and proof bundles built from the store exactly as a
 * node serves them (tc_store_state_get/prove, tc_bundle_encode). The device
 * anchors its light client at the genesis and sees only bundle bytes. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "store_fixture.h"
#include "test.h"
#include "tc/bundle.h"
#include "tc/chunktree.h"
#include "tc/consensus.h"
#include "tcdev/firmware.h"

#define MODEL "sensor-1"
#define CHUNK 1024u
#define IMG_LEN 5000u   /* 5 chunks, the last 904 bytes */
#define HOUR 3600000ull

static lx_chain X;
static char dir[256];
static lx_dev dev;                       /* the device under attack (owned by LX_FLEET, group "north") */
static uint8_t val_pub[32], val_sec[64]; /* the chain's only validator */
static uint8_t rel_pub[3][32], rel_sec[3][64]; /* maker's release keys, 2 of 3 */
static uint8_t img2[IMG_LEN], img3[IMG_LEN];
static tcdev_light L;
static tcdev_light_work LW;
static tcdev_fw F;
static tcdev_fw_work FW;
static tc_err E;
static uint8_t slot[2][IMG_LEN];
static uint8_t bun_rel[8192], bun_roll[8192], bun_dev[8192];
static size_t len_rel, len_roll, len_dev;

/* ---- chain helpers ---- */

static void be64(uint8_t *p, uint64_t v)
{
    for (int i = 7; i >= 0; i--, v >>= 8) p[i] = (uint8_t)v;
}

static size_t rel_key(uint8_t k[33], uint64_t vendor, const char *model, uint64_t version)
{
    uint8_t h[32];
    k[0] = 'F';
    be64(k + 1, vendor);
    tc_sha256(h, model, strlen(model));
    memcpy(k + 9, h, 16);
    be64(k + 25, version);
    return 33;
}

static size_t roll_key(uint8_t k[17], uint64_t org, uint64_t id)
{
    k[0] = 'R';
    be64(k + 1, org);
    be64(k + 9, id);
    return 17;
}

static size_t dev_key(uint8_t k[17], const uint8_t id[16])
{
    k[0] = 'D';
    memcpy(k + 1, id, 16);
    return 17;
}

/* Undo the fixture's nonce count for a signer whose transaction the ledger
 * refused (a refused transaction does not use its nonce). */
static void unuse_nonce(const uint8_t *signer, size_t len)
{
    for (size_t i = 0; i < X.nn; i++)
        if (X.nonces[i].len == len && memcmp(X.nonces[i].signer, signer, len) == 0) X.nonces[i].nonce--;
}

/* lx_commit with the validator-set hashes a node puts in its headers
 * (the light client checks them; the store fixture leaves them zero). */
static int commit(void)
{
    tc_header h;
    tc_err err;
    tc_valset vs;
    tc_span txs[64], none = {NULL, 0};
    uint8_t *raw = NULL;
    size_t len = 0;
    if (X.nq > 64) return -1;
    for (size_t i = 0; i < X.nq; i++) txs[i] = (tc_span){X.q[i], X.qlen[i]};
    memset(&h, 0, sizeof h);
    memcpy(h.chain_id, "lx-chain", 8);
    h.chain_id_len = 8;
    h.height = tc_store_height(X.s) + 1;
    h.time_ms = X.time_ms + 1000;
    tc_store_last_id(X.s, h.prev_hash);
    memcpy(h.proposer, val_pub, 32);
    tc_valset_init(&vs);
    tc_valset_add(&vs, val_pub, 10);
    tc_valset_hash(&vs, h.valset_hash);
    memcpy(h.next_valset_hash, h.valset_hash, 32);
    int rc = tc_store_propose(X.s, &err, &h, txs, X.nq, 0);
    if (!rc) rc = tc_block_encode(NULL, 0, &len, &h, txs, X.nq, none, NULL, 0);
    if (!rc && !(raw = tc_malloc(len))) rc = TC_ERR_NOMEM;
    if (!rc) rc = tc_block_encode(raw, len, &len, &h, txs, X.nq, none, NULL, 0);
    if (!rc) rc = tc_store_commit_block(X.s, &err, raw, len, 0);
    if (rc) fprintf(stderr, "commit: %s\n", err.msg);
    else X.time_ms = h.time_ms;
    for (size_t i = 0; i < X.nq; i++) tc_free(X.q[i]);
    X.nq = 0;
    tc_free(raw);
    return rc;
}

/* Commits the queue; returns the ledger's code for the LAST queued tx. */
static int commit_last(void)
{
    uint8_t th[32];
    uint64_t h;
    uint32_t ix;
    int code = -1;
    char msg[256];
    tc_sha256(th, X.q[X.nq - 1], X.qlen[X.nq - 1]);
    if (commit()) return -1;
    if (tc_store_tx_result(X.s, &h, &ix, &code, msg, sizeof msg, th)) return -1;
    if (code && getenv("TC_TEST_VERBOSE")) fprintf(stderr, "  ledger: %s\n", msg);
    return code;
}

/* Identical bytes have one hash, and the store's lookup by hash finds the
 * first copy: the result of a REPLAYED copy is read from the history tree
 * instead. The last transaction of the last block is the history leaf
 * size-1, whose data is SHA-256(tx) || code: proven against the header. */
static int last_leaf_has_code(const uint8_t *tx, size_t len, int code)
{
    static uint8_t path[TC_HIST_MAX_PROOF * 32];
    uint8_t leaf[TC_HIST_LEAF_LEN], lh[32], id[32];
    size_t n;
    tc_header h;
    if (tc_store_header(X.s, &h, id, tc_store_height(X.s))) return 0;
    tc_sha256(leaf, tx, len);
    leaf[32] = (uint8_t)((uint32_t)code >> 24);
    leaf[33] = (uint8_t)((uint32_t)code >> 16);
    leaf[34] = (uint8_t)((uint32_t)code >> 8);
    leaf[35] = (uint8_t)code;
    tc_hist_leaf_hash(lh, leaf, sizeof leaf);
    if (tc_store_history_prove(X.s, path, TC_HIST_MAX_PROOF, &n, h.history_size - 1, h.history_size)) return 0;
    return tc_hist_verify_inclusion(h.history_root, h.history_size - 1, h.history_size, lh, path, n) == 0;
}

static int queue_raw(const uint8_t *tx, size_t len)
{
    X.q[X.nq] = tc_malloc(len);
    if (!X.q[X.nq]) return TC_ERR_NOMEM;
    memcpy(X.q[X.nq], tx, len);
    X.qlen[X.nq++] = len;
    return 0;
}

static int release_keys_tx(const uint8_t (*secs)[64], size_t n, uint64_t version, uint64_t min_prior,
                           uint64_t expiry, const char *model, const uint8_t *image, const uint8_t *digest_of)
{
    uint8_t body[512], dg[32], root[32], sg[TC_SIGNER_ORG_LEN];
    tc_cbor_enc e;
    size_t bl;
    tc_sha256(dg, digest_of ? digest_of : image, IMG_LEN);
    if (tc_chunktree_image_root(root, image, IMG_LEN, CHUNK)) return -1;
    tc_cbor_enc_init(&e, body, sizeof body);
    tc_cbor_put_map(&e, 8);
    tc_cbor_put_uint(&e, 1); tc_cbor_put_cstr(&e, model);
    tc_cbor_put_uint(&e, 2); tc_cbor_put_uint(&e, version);
    tc_cbor_put_uint(&e, 3); tc_cbor_put_bytes(&e, dg, 32);
    tc_cbor_put_uint(&e, 4); tc_cbor_put_uint(&e, IMG_LEN);
    tc_cbor_put_uint(&e, 5); tc_cbor_put_uint(&e, CHUNK);
    tc_cbor_put_uint(&e, 6); tc_cbor_put_bytes(&e, root, 32);
    tc_cbor_put_uint(&e, 7); tc_cbor_put_uint(&e, min_prior);
    tc_cbor_put_uint(&e, 8); tc_cbor_put_uint(&e, expiry);
    if (tc_cbor_enc_finish(&e, &bl)) return -1;
    tc_signer_org(sg, LX_MAKER, TC_KEYS_RELEASE);
    return lx_tx(&X, TC_TX_FW_RELEASE, sg, sizeof sg, body, bl, secs, n);
}

/* A release signed by 2 of the 3 release keys, committed; the ledger's code. */
static int publish(uint64_t version, uint64_t min_prior, uint64_t expiry, const char *model,
                   const uint8_t *image, const uint8_t *digest_of)
{
    if (release_keys_tx((const uint8_t(*)[64])rel_sec, 2, version, min_prior, expiry, model, image, digest_of))
        return -1;
    return commit_last();
}

static int rollout(uint64_t org, uint64_t id, uint64_t version, const char *wave0, const char *wave1)
{
    uint8_t body[256];
    tc_cbor_enc e;
    tc_cbor_enc_init(&e, body, sizeof body);
    tc_cbor_put_map(&e, 5);
    tc_cbor_put_uint(&e, 1); tc_cbor_put_uint(&e, id);
    tc_cbor_put_uint(&e, 2); tc_cbor_put_uint(&e, LX_MAKER);
    tc_cbor_put_uint(&e, 3); tc_cbor_put_cstr(&e, MODEL);
    tc_cbor_put_uint(&e, 4); tc_cbor_put_uint(&e, version);
    tc_cbor_put_uint(&e, 5); tc_cbor_put_array(&e, wave1 ? 2 : 1);
    tc_cbor_put_array(&e, 1); tc_cbor_put_cstr(&e, wave0);
    if (wave1) { tc_cbor_put_array(&e, 1); tc_cbor_put_cstr(&e, wave1); }
    if (lx_admin_tx(&X, TC_TX_FW_ROLLOUT, org, &e)) return -1;
    return commit_last();
}

static int control(uint64_t id, unsigned action)
{
    uint8_t body[32];
    tc_cbor_enc e;
    tc_cbor_enc_init(&e, body, sizeof body);
    tc_cbor_put_map(&e, 2);
    tc_cbor_put_uint(&e, 1); tc_cbor_put_uint(&e, id);
    tc_cbor_put_uint(&e, 2); tc_cbor_put_uint(&e, action);
    if (lx_admin_tx(&X, TC_TX_FW_ROLLOUT_CONTROL, LX_FLEET, &e)) return -1;
    return commit_last();
}

/* Signs a commit certificate for a header with the validator key. */
static int certify(uint8_t *cert, size_t cap, size_t *len, uint64_t height, const uint8_t id[32],
                   const uint8_t sec[64])
{
    tc_valset vs;
    tc_cons_msg m;
    uint8_t have[1] = {1};
    static uint8_t sigs[1][TC_ED25519_SIG_LEN];
    tc_valset_init(&vs);
    if (tc_valset_add(&vs, val_pub, 10)) return -1;
    memset(&m, 0, sizeof m);
    m.kind = TC_CONS_PRECOMMIT;
    m.height = height;
    m.pol_round = -1;
    m.has_id = 1;
    memcpy(m.block_id, id, 32);
    if (tc_cons_msg_sign(&m, "lx-chain", sec)) return -1;
    memcpy(sigs[0], m.sig, 64);
    return tc_cons_cert_build(cert, cap, len, &vs, height, 0, id, have, (const uint8_t(*)[64])sigs);
}

/* A state bundle for key at `height` (0: the last block), as a node serves it. */
static int bundle_at(uint8_t *out, size_t cap, size_t *len, const uint8_t *key, size_t klen, uint64_t height)
{
    static uint8_t val[TC_TX_MAX], proof[8192];
    uint8_t hdr[TC_HEADER_MAX], id[32], cert[512];
    size_t hl, vl = 0, pl, cl;
    tc_header h;
    if (!height) height = tc_store_height(X.s);
    if (tc_store_header(X.s, &h, id, height) || tc_header_encode(hdr, sizeof hdr, &hl, &h)) return -1;
    if (certify(cert, sizeof cert, &cl, height, id, val_sec)) return -1;
    int rc = tc_store_state_get(X.s, val, sizeof val, &vl, height, key, klen);
    if (rc && rc != TC_ERR_NOT_FOUND) return -1;
    if (tc_store_state_prove(X.s, proof, sizeof proof, &pl, height, key, klen)) return -1;
    tc_bundle_parts p = {TCDEV_BUNDLE_STATE, {hdr, hl}, {cert, cl}, {NULL, 0}, {proof, pl}, {key, klen},
                         rc ? NULL : val, rc ? 0 : vl};
    return tc_bundle_encode(out, cap, len, &p);
}

/* The three bundles for release `version` and rollout (org, id). */
static int offer_bundles(uint64_t version, const char *model, uint64_t org, uint64_t id)
{
    uint8_t k[33];
    size_t kl = rel_key(k, LX_MAKER, model, version);
    if (bundle_at(bun_rel, sizeof bun_rel, &len_rel, k, kl, 0)) return -1;
    kl = roll_key(k, org, id);
    if (bundle_at(bun_roll, sizeof bun_roll, &len_roll, k, kl, 0)) return -1;
    kl = dev_key(k, dev.id);
    return bundle_at(bun_dev, sizeof bun_dev, &len_dev, k, kl, 0);
}

static tcdev_fw_offer offer(void)
{
    tcdev_fw_offer o = {bun_rel, len_rel, bun_roll, len_roll, bun_dev, len_dev, HOUR, 10000, 600000};
    return o;
}

/* Device time: just after the last block. */
static uint64_t now(void)
{
    return X.time_ms + 500;
}

static int start(uint64_t version, uint64_t org, uint64_t id)
{
    if (offer_bundles(version, MODEL, org, id)) return -1;
    tcdev_fw_offer o = offer();
    return tcdev_fw_start(&F, &E, &L, &LW, &FW, &o, now());
}

/* ---- the untrusted image side: chunks and paths from a "mirror" ---- */

static uint8_t path_buf[TC_CHUNK_PATH_CBOR_MAX];
static size_t path_len;

static void mirror_path(const uint8_t *image, uint64_t i)
{
    uint8_t leaves[8 * 32];
    uint64_t n = (IMG_LEN + CHUNK - 1) / CHUNK;
    for (uint64_t j = 0; j < n; j++) tc_hist_leaf_hash(leaves + j * 32, image + j * CHUNK, tc_chunk_len(IMG_LEN, CHUNK, j));
    path_len = 0;
    (void)tc_chunk_path(path_buf, sizeof path_buf, &path_len, leaves, n, i);
}

static int slot_write(void *ctx, unsigned s, uint64_t off, const uint8_t *data, size_t len)
{
    (void)ctx;
    if (s > 1 || off + len > IMG_LEN) return 1;
    memcpy(slot[s] + off, data, len);
    return 0;
}

static int feed(const uint8_t *image, uint64_t i, size_t len, uint64_t t)
{
    mirror_path(image, i);
    return tcdev_fw_feed(&F, &E, slot_write, NULL, i, image + i * CHUNK, len, path_buf, path_len, t);
}

static int feed_all(const uint8_t *image, uint64_t t)
{
    for (uint64_t i = 0; i < F.count; i++) {
        int rc = feed(image, i, tcdev_fw_chunk_len(&F, i), t);
        if (rc) return rc;
    }
    return 0;
}

/* ---- setup: release keys, device claimed by LX_FLEET in "north",
 * release 2 of MODEL (image img2, min prior 1), rollout 1 of it to north ---- */

static int set_release_keys(void)
{
    uint8_t body[256];
    tc_cbor_enc e;
    tc_cbor_enc_init(&e, body, sizeof body);
    tc_cbor_put_map(&e, 2);
    tc_cbor_put_uint(&e, 1); tc_cbor_put_uint(&e, TC_KEYS_RELEASE);
    tc_cbor_put_uint(&e, 2); tc_cbor_put_map(&e, 2);
    tc_cbor_put_uint(&e, 1); tc_cbor_put_uint(&e, 2);
    tc_cbor_put_uint(&e, 2); tc_cbor_put_array(&e, 3);
    for (int i = 0; i < 3; i++) tc_cbor_put_bytes(&e, rel_pub[i], 32);
    return lx_admin_tx(&X, TC_TX_ORG_SET_KEYS, LX_MAKER, &e);
}

static int set_groups(const char *group)
{
    uint8_t body[128];
    tc_cbor_enc e;
    tc_cbor_enc_init(&e, body, sizeof body);
    tc_cbor_put_map(&e, 2);
    tc_cbor_put_uint(&e, 1); tc_cbor_put_bytes(&e, dev.id, 16);
    tc_cbor_put_uint(&e, 2); tc_cbor_put_array(&e, 1); tc_cbor_put_cstr(&e, group);
    return lx_admin_tx(&X, TC_TX_DEV_SET_GROUPS, LX_FLEET, &e);
}

static int setup(void)
{
    tc_header h1;
    uint8_t id[32];
    tc_valset vs;
    fx_tmpdir(dir, sizeof dir, "fwatk");
    char path[300];
    snprintf(path, sizeof path, "%s/db", dir);
    if (lx_open(&X, path)) return -1;
    lx_key(val_pub, val_sec, 2);
    for (unsigned i = 0; i < 3; i++) lx_key(rel_pub[i], rel_sec[i], 500 + i);
    for (size_t i = 0; i < IMG_LEN; i++) {
        img2[i] = (uint8_t)(i * 7 + 1);
        img3[i] = (uint8_t)(i * 13 + 5);
    }
    lx_dev_keys(&dev, 1);
    if (set_release_keys() || commit_last() || lx_manufacture(&X, &dev, 1, MODEL) || commit_last()) return -2;
    if (lx_claim(&X, &dev, LX_FLEET) || commit_last()) return -3;
    if (set_groups("north") || commit_last()) return -4;
    if (publish(2, 1, X.time_ms + 100 * HOUR, MODEL, img2, NULL)) return -5;
    if (rollout(LX_FLEET, 1, 2, "north", NULL)) return -6;
    /* the device: anchored at genesis (block 1 links to the genesis hash) */
    if (tc_store_header(X.s, &h1, id, 1)) return -7;
    tc_valset_init(&vs);
    tc_valset_add(&vs, val_pub, 10);
    if (tcdev_light_anchor(&L, h1.prev_hash, "lx-chain", 8, &vs, TCDEV_DEFAULT_DRIFT_MS)) return -8;
    memset(slot, 0, sizeof slot);
    return tcdev_fw_init(&F, dev.id, MODEL, strlen(MODEL), 1, 1, 0, 4096, IMG_LEN);
}

static void teardown(void)
{
    for (size_t i = 0; i < X.nq; i++) tc_free(X.q[i]);
    X.nq = 0;
    tc_store_close(X.s);
    fx_rm(dir);
}

/* Each test runs on a fresh chain and device; the store is closed and
 * removed even when a CHECK fails in the body. */
#define ATTACK(name) \
    static void name##_body(void); \
    static void name(void) \
    { \
        int s_ = setup(); \
        if (s_) { fprintf(stderr, "  %s: setup failed: %d\n", #name, s_); test_cur_failed_ = 1; } \
        else name##_body(); \
        teardown(); \
    } \
    static void name##_body(void)

static uint8_t rep[TCDEV_FW_REPORT_MAX], scratch[TCDEV_FW_REPORT_SCRATCH];

/* ---- the honest path: what every attack below deviates from ---- */

ATTACK(honest_update_installs)
{
    uint8_t d[32];
    CHECK_OK(start(2, LX_FLEET, 1));
    CHECK_EQ(F.state, TCDEV_FW_DOWNLOADING);
    CHECK_EQ(F.count, 5);
    CHECK_OK(feed_all(img2, now()));
    CHECK_EQ(F.received, IMG_LEN);
    CHECK_OK(tcdev_fw_finish(&F, &E));
    CHECK_EQ(F.state, TCDEV_FW_PENDING);
    CHECK_MEM(slot[1], img2, IMG_LEN); /* written to the inactive slot */
    tc_sha256(d, slot[1], IMG_LEN);
    CHECK_MEM(d, F.digest, 32);
    CHECK_EQ(F.floor, 1);              /* not raised before the new image booted */
    CHECK_OK(tcdev_fw_confirm(&F));
    CHECK_EQ(F.installed, 2);
    CHECK_EQ(F.floor, 2);
    CHECK_EQ(F.active_slot, 1);
    CHECK_EQ(F.state, TCDEV_FW_IDLE);
}

/* A reset mid-download: the persisted struct (copied as bytes) resumes at
 * the next chunk with the running digest intact. */
ATTACK(honest_update_resumes_after_reset)
{
    static tcdev_fw saved;
    CHECK_OK(start(2, LX_FLEET, 1));
    CHECK_OK(feed(img2, 0, CHUNK, now()));
    CHECK_OK(feed(img2, 1, CHUNK, now()));
    memcpy(&saved, &F, sizeof F);      /* what the caller persisted */
    memset(&F, 0xA5, sizeof F);        /* reset */
    memcpy(&F, &saved, sizeof F);
    tcdev_fw_resume(&F, now() + 60000);
    CHECK_EQ(F.next, 2);
    for (uint64_t i = 2; i < 5; i++) CHECK_OK(feed(img2, i, tcdev_fw_chunk_len(&F, i), now() + 60000));
    CHECK_OK(tcdev_fw_finish(&F, &E));
    CHECK_MEM(slot[1], img2, IMG_LEN);
}

/* A new image that fails to boot: the bootloader falls back, the old slot
 * and version stay, the floor never rose, and the failure is reported. */
ATTACK(attack_bricking_image_rolls_back)
{
    CHECK_OK(start(2, LX_FLEET, 1));
    CHECK_OK(feed_all(img2, now()));
    CHECK_OK(tcdev_fw_finish(&F, &E));
    CHECK_ERR(tcdev_fw_boot_failed(&F), TC_ERR_FW_BOOT_FAILED);
    CHECK_EQ(F.state, TCDEV_FW_IDLE);
    CHECK_EQ(F.active_slot, 0);
    CHECK_EQ(F.installed, 1);
    CHECK_EQ(F.floor, 1);
    CHECK_ERR(tcdev_fw_confirm(&F), TC_ERR_FW_STATE); /* too late to confirm */
    size_t rl;
    CHECK_OK(tcdev_fw_report(&F, rep, sizeof rep, &rl, scratch, sizeof scratch, &dev.nonce, "lx-chain", 8,
                             dev.sec, TCDEV_FW_REPORT_FAILED));
    CHECK_OK(queue_raw(rep, rl));
    CHECK_EQ(commit_last(), 0);
}

/* ---- arbitrary software ---- */

/* No release record: a node offers version 9, which no vendor published;
 * the bundle can only be an absence proof. */
ATTACK(attack_arbitrary_software_unpublished)
{
    CHECK_ERR(start(9, LX_FLEET, 1), TC_ERR_FW_RECORD);
    CHECK_EQ(F.state, TCDEV_FW_IDLE);
}

/* A release transaction signed by keys that are not the vendor's release
 * keys (its admin key; strangers' keys) is refused by the ledger. */
ATTACK(attack_arbitrary_software_wrong_key)
{
    uint8_t sg[TC_SIGNER_ORG_LEN], pub[2][32], sec[2][64];
    tc_signer_org(sg, LX_MAKER, TC_KEYS_RELEASE);
    CHECK_OK(release_keys_tx((const uint8_t(*)[64])X.adm_sec[LX_MAKER], 1, 3, 1, X.time_ms + HOUR, MODEL, img3, NULL));
    CHECK_EQ(commit_last(), TC_ERR_LEDGER_UNAUTHORIZED);
    unuse_nonce(sg, sizeof sg);
    lx_key(pub[0], sec[0], 900);
    lx_key(pub[1], sec[1], 901);
    CHECK_OK(release_keys_tx((const uint8_t(*)[64])sec, 2, 3, 1, X.time_ms + HOUR, MODEL, img3, NULL));
    CHECK_EQ(commit_last(), TC_ERR_LEDGER_UNAUTHORIZED);
    unuse_nonce(sg, sizeof sg);
    /* and so the device never sees a release 3 */
    CHECK_ERR(start(3, LX_FLEET, 1), TC_ERR_FW_RECORD);
}

/* A real, signed release — for another model. */
ATTACK(attack_arbitrary_software_wrong_model)
{
    uint8_t k[33];
    CHECK_EQ(publish(5, 0, X.time_ms + HOUR, "sensor-2", img3, NULL), 0);
    CHECK_OK(bundle_at(bun_rel, sizeof bun_rel, &len_rel, k, rel_key(k, LX_MAKER, "sensor-2", 5), 0));
    uint8_t rk[17];
    CHECK_OK(bundle_at(bun_roll, sizeof bun_roll, &len_roll, rk, roll_key(rk, LX_FLEET, 1), 0));
    CHECK_OK(bundle_at(bun_dev, sizeof bun_dev, &len_dev, rk, dev_key(rk, dev.id), 0));
    tcdev_fw_offer o = offer();
    CHECK_ERR(tcdev_fw_start(&F, &E, &L, &LW, &FW, &o, now()), TC_ERR_FW_MODEL);
}

/* ---- rollback ---- */

ATTACK(attack_rollback)
{
    /* the ledger refuses a release that is not above the latest */
    CHECK_EQ(publish(1, 0, X.time_ms + HOUR, MODEL, img3, NULL), TC_ERR_LEDGER_VERSION_ROLLBACK);
    /* a device already on version 2 is offered the (real, approved) release 2 */
    CHECK_OK(tcdev_fw_init(&F, dev.id, MODEL, strlen(MODEL), 2, 2, 0, 4096, IMG_LEN));
    CHECK_ERR(start(2, LX_FLEET, 1), TC_ERR_FW_ROLLBACK);
    /* the running version is 1 but the floor says 2 was once confirmed */
    CHECK_OK(tcdev_fw_init(&F, dev.id, MODEL, strlen(MODEL), 1, 2, 0, 4096, IMG_LEN));
    CHECK_ERR(start(2, LX_FLEET, 1), TC_ERR_FW_ROLLBACK);
}

/* The vendor revoked release 2 after the rollout started. */
ATTACK(attack_revoked_release)
{
    uint8_t body[64], sg[TC_SIGNER_ORG_LEN];
    tc_cbor_enc e;
    size_t bl;
    tc_cbor_enc_init(&e, body, sizeof body);
    tc_cbor_put_map(&e, 2);
    tc_cbor_put_uint(&e, 1); tc_cbor_put_cstr(&e, MODEL);
    tc_cbor_put_uint(&e, 2); tc_cbor_put_uint(&e, 2);
    CHECK_OK(tc_cbor_enc_finish(&e, &bl));
    tc_signer_org(sg, LX_MAKER, TC_KEYS_RELEASE);
    CHECK_OK(lx_tx(&X, TC_TX_FW_REVOKE, sg, sizeof sg, body, bl, (const uint8_t(*)[64])rel_sec, 2));
    CHECK_EQ(commit_last(), 0);
    CHECK_ERR(start(2, LX_FLEET, 1), TC_ERR_FW_REVOKED);
}

/* ---- indefinite freeze ---- */

ATTACK(attack_indefinite_freeze_expired_release)
{
    CHECK_OK(offer_bundles(2, MODEL, LX_FLEET, 1));
    tcdev_fw_offer o = offer();
    o.max_view_age_ms = 1000 * HOUR;
    /* the device clock is past the release expiry (setup: 100 h) */
    CHECK_ERR(tcdev_fw_start(&F, &E, &L, &LW, &FW, &o, now() + 101 * HOUR), TC_ERR_FW_EXPIRED);
}

ATTACK(attack_indefinite_freeze_stale_header)
{
    /* a node keeps showing an old, validly signed state: two days later */
    CHECK_OK(offer_bundles(2, MODEL, LX_FLEET, 1));
    tcdev_fw_offer o = offer();
    CHECK_ERR(tcdev_fw_start(&F, &E, &L, &LW, &FW, &o, now() + 48 * HOUR), TC_ERR_FW_STALE_VIEW);
}

/* ---- fast-forward ---- */

/* The vendor published 3, the owner approved only 2: a node offers 3 with
 * the rollout of 2. */
ATTACK(attack_fast_forward)
{
    CHECK_EQ(publish(3, 1, X.time_ms + HOUR, MODEL, img3, NULL), 0);
    CHECK_ERR(start(3, LX_FLEET, 1), TC_ERR_FW_ROLLOUT_VERSION);
}

/* ---- mix and match ---- */

/* Approved release 2, image bytes of release 3 (a real, signed image). */
ATTACK(attack_mix_and_match_image)
{
    CHECK_EQ(publish(3, 1, X.time_ms + HOUR, MODEL, img3, NULL), 0);
    CHECK_OK(start(2, LX_FLEET, 1));
    CHECK_ERR(feed(img3, 0, CHUNK, now()), TC_ERR_FW_CHUNK);
    CHECK_EQ(F.next, 0);
    CHECK_EQ(F.received, 0);
}

/* A release whose digest is another image's than its chunk tree: every
 * chunk verifies, the whole image does not (finish). */
ATTACK(attack_mix_and_match_digest)
{
    CHECK_EQ(publish(3, 1, X.time_ms + HOUR, MODEL, img2, img3), 0);
    CHECK_EQ(rollout(LX_FLEET, 2, 3, "north", NULL), 0);
    CHECK_OK(start(3, LX_FLEET, 2));
    CHECK_OK(feed_all(img2, now()));
    CHECK_ERR(tcdev_fw_finish(&F, &E), TC_ERR_FW_DIGEST);
    CHECK_EQ(F.state, TCDEV_FW_IDLE);
    CHECK_EQ(F.installed, 1);
}

/* ---- endless data, slow retrieval ---- */

ATTACK(attack_endless_data)
{
    static uint8_t big[IMG_LEN + 4096];
    CHECK_OK(start(2, LX_FLEET, 1));
    memcpy(big, img2, IMG_LEN);
    mirror_path(img2, 0);
    /* chunk 0 with a megabyte-style tail: refused before hashing */
    CHECK_ERR(tcdev_fw_feed(&F, &E, slot_write, NULL, 0, big, CHUNK + 1, path_buf, path_len, now()), TC_ERR_FW_CHUNK_LEN);
    for (uint64_t i = 0; i < 4; i++) CHECK_OK(feed(img2, i, CHUNK, now()));
    /* the last chunk padded to a full chunk: refused */
    mirror_path(img2, 4);
    CHECK_ERR(tcdev_fw_feed(&F, &E, slot_write, NULL, 4, big + 4 * CHUNK, CHUNK, path_buf, path_len, now()), TC_ERR_FW_CHUNK_LEN);
    CHECK_OK(feed(img2, 4, IMG_LEN - 4 * CHUNK, now()));
    /* a chunk past the end: nothing to accept */
    CHECK_ERR(tcdev_fw_feed(&F, &E, slot_write, NULL, 5, big, 100, path_buf, path_len, now()), TC_ERR_FW_CHUNK_LEN);
    CHECK_EQ(tcdev_fw_chunk_len(&F, 5), 0);
    CHECK_EQ(F.received, IMG_LEN);
    CHECK_OK(tcdev_fw_finish(&F, &E));
}

ATTACK(attack_slow_retrieval)
{
    uint64_t t = now();
    CHECK_OK(start(2, LX_FLEET, 1));
    CHECK_OK(feed(img2, 0, CHUNK, t + 9000));
    CHECK_OK(tcdev_fw_tick(&F, &E, t + 18000));
    /* chunk 1 trickles in: 10 s after chunk 0 the per-chunk deadline passed */
    CHECK_ERR(tcdev_fw_tick(&F, &E, t + 19001), TC_ERR_FW_CHUNK_TIMEOUT);
    CHECK_EQ(F.state, TCDEV_FW_IDLE);
    /* every chunk just in time, but the whole download past 10 minutes */
    CHECK_OK(start(2, LX_FLEET, 1));
    t = now();
    for (uint64_t i = 0; i < 4; i++) CHECK_OK(feed(img2, i, CHUNK, t + (i + 1) * 9999));
    CHECK_ERR(feed(img2, 4, IMG_LEN - 4 * CHUNK, t + 600001), TC_ERR_FW_DEADLINE);
    CHECK_EQ(F.state, TCDEV_FW_IDLE);
}

/* ---- key compromise below threshold ---- */

ATTACK(attack_key_compromise_below_threshold)
{
    uint8_t sg[TC_SIGNER_ORG_LEN];
    tc_signer_org(sg, LX_MAKER, TC_KEYS_RELEASE);
    /* one stolen release key of the 2-of-3 set */
    CHECK_OK(release_keys_tx((const uint8_t(*)[64])rel_sec[2], 1, 3, 1, X.time_ms + HOUR, MODEL, img3, NULL));
    CHECK_EQ(commit_last(), TC_ERR_LEDGER_THRESHOLD);
    unuse_nonce(sg, sizeof sg);
    /* the same key twice still counts once */
    uint8_t two[2][64];
    memcpy(two[0], rel_sec[2], 64);
    memcpy(two[1], rel_sec[2], 64);
    CHECK_OK(release_keys_tx((const uint8_t(*)[64])two, 2, 3, 1, X.time_ms + HOUR, MODEL, img3, NULL));
    CHECK(commit_last() != 0);
    unuse_nonce(sg, sizeof sg);
    CHECK_ERR(start(3, LX_FLEET, 1), TC_ERR_FW_RECORD);
}

/* ---- incompatible image ---- */

ATTACK(attack_incompatible_image)
{
    /* release 2 needs version 1 installed first; this device runs 0 */
    CHECK_OK(tcdev_fw_init(&F, dev.id, MODEL, strlen(MODEL), 0, 0, 0, 4096, IMG_LEN));
    CHECK_ERR(start(2, LX_FLEET, 1), TC_ERR_FW_INCOMPATIBLE);
}

/* ---- malicious mirror / on-path attacker ---- */

ATTACK(attack_malicious_mirror)
{
    static uint8_t evil[IMG_LEN];
    CHECK_OK(start(2, LX_FLEET, 1));
    memcpy(evil, img2, IMG_LEN);
    evil[2 * CHUNK + 17] ^= 0x40;               /* mirror A flips one bit of chunk 2 */
    CHECK_OK(feed(img2, 0, CHUNK, now()));
    CHECK_OK(feed(img2, 1, CHUNK, now()));
    mirror_path(img2, 2);                       /* with the genuine path */
    CHECK_ERR(tcdev_fw_feed(&F, &E, slot_write, NULL, 2, evil + 2 * CHUNK, CHUNK, path_buf, path_len, now()),
              TC_ERR_FW_CHUNK);
    CHECK_EQ(F.next, 2);                        /* dropped: nothing counted */
    /* mirror A's own path for its chunk (a tree over the evil image) */
    CHECK_ERR(feed(evil, 2, CHUNK, now()), TC_ERR_FW_CHUNK);
    /* mirror B serves the good chunk: accepted, download completes */
    CHECK_OK(feed(img2, 2, CHUNK, now()));
    CHECK_OK(feed(img2, 3, CHUNK, now()));
    CHECK_OK(feed(img2, 4, IMG_LEN - 4 * CHUNK, now()));
    CHECK_OK(tcdev_fw_finish(&F, &E));
    CHECK_OK(tcdev_fw_confirm(&F));
    CHECK_EQ(F.installed, 2);
}

/* ---- extra or truncated data ---- */

ATTACK(attack_extra_or_truncated_data)
{
    CHECK_OK(start(2, LX_FLEET, 1));
    CHECK_ERR(feed(img2, 0, CHUNK - 1, now()), TC_ERR_FW_CHUNK_LEN); /* truncated */
    CHECK_OK(feed(img2, 0, CHUNK, now()));
    CHECK_ERR(feed(img2, 2, CHUNK, now()), TC_ERR_FW_CHUNK_ORDER);   /* a chunk skipped */
    CHECK_OK(feed(img2, 1, CHUNK, now()));
    CHECK_ERR(tcdev_fw_finish(&F, &E), TC_ERR_FW_STATE);             /* image cut short */
    CHECK_EQ(F.state, TCDEV_FW_DOWNLOADING);
}

/* ---- a vendor release the operator did not approve ---- */

ATTACK(attack_unapproved_release_no_rollout)
{
    CHECK_EQ(publish(3, 1, X.time_ms + HOUR, MODEL, img3, NULL), 0);
    CHECK_ERR(start(3, LX_FLEET, 7), TC_ERR_FW_NOT_APPROVED);       /* absence proof of rollout 7 */
}

ATTACK(attack_unapproved_release_wave_not_started)
{
    CHECK_EQ(publish(3, 1, X.time_ms + HOUR, MODEL, img3, NULL), 0);
    CHECK_EQ(rollout(LX_FLEET, 2, 3, "south", "north"), 0);         /* north is wave 1 */
    CHECK_ERR(start(3, LX_FLEET, 2), TC_ERR_FW_NOT_APPROVED);
    CHECK_EQ(control(2, 1), 0);                                      /* advance */
    CHECK_OK(start(3, LX_FLEET, 2));
}

ATTACK(attack_unapproved_release_paused)
{
    CHECK_EQ(control(1, 2), 0);
    CHECK_ERR(start(2, LX_FLEET, 1), TC_ERR_FW_ROLLOUT_HALTED);
}

ATTACK(attack_unapproved_release_aborted)
{
    CHECK_EQ(control(1, 4), 0);
    CHECK_ERR(start(2, LX_FLEET, 1), TC_ERR_FW_ROLLOUT_HALTED);
}

/* Another operator (not the device's owner) rolls the release out to a
 * group of the same name. */
ATTACK(attack_unapproved_release_other_operator)
{
    CHECK_EQ(rollout(LX_RIVAL, 5, 2, "north", NULL), 0);
    CHECK_ERR(start(2, LX_RIVAL, 5), TC_ERR_FW_NOT_APPROVED);
}


ATTACK(attack_replayed_device_report)
{
    size_t rl;
    CHECK_OK(start(2, LX_FLEET, 1));
    CHECK_OK(tcdev_fw_report(&F, rep, sizeof rep, &rl, scratch, sizeof scratch, &dev.nonce, "lx-chain", 8,
                             dev.sec, TCDEV_FW_REPORT_DOWNLOADING));
    CHECK_EQ(dev.nonce, 1);
    CHECK_OK(queue_raw(rep, rl));
    CHECK_EQ(commit_last(), 0);                 /* the genuine report is accepted */
    CHECK_OK(queue_raw(rep, rl));
    CHECK_OK(commit());                         /* the same bytes again, in a later block */
    CHECK(last_leaf_has_code(rep, rl, TC_ERR_LEDGER_NONCE));
    CHECK(!last_leaf_has_code(rep, rl, 0));
    CHECK_OK(feed_all(img2, now()));
    CHECK_OK(tcdev_fw_finish(&F, &E));
    CHECK_OK(tcdev_fw_confirm(&F));
    CHECK_OK(tcdev_fw_report(&F, rep, sizeof rep, &rl, scratch, sizeof scratch, &dev.nonce, "lx-chain", 8,
                             dev.sec, TCDEV_FW_REPORT_INSTALLED));
    CHECK_OK(queue_raw(rep, rl));
    CHECK_EQ(commit_last(), 0);
}

ATTACK(attack_forged_device_report)
{
    lx_dev other;
    size_t rl;
    uint64_t n = 0;
    lx_dev_keys(&other, 2);
    CHECK_OK(start(2, LX_FLEET, 1));
    /* "installed", claimed for our device, signed with another key */
    CHECK_OK(tcdev_fw_report(&F, rep, sizeof rep, &rl, scratch, sizeof scratch, &n, "lx-chain", 8,
                             other.sec, TCDEV_FW_REPORT_INSTALLED));
    CHECK_OK(queue_raw(rep, rl));
    CHECK_EQ(commit_last(), TC_ERR_LEDGER_UNAUTHORIZED);   /* not the device's key */
    /* our device's key id, a signature by another key */
    uint8_t forged[64];
    memcpy(forged, other.sec, 32);
    memcpy(forged + 32, dev.pub, 32);
    n = 0;
    CHECK_OK(tcdev_fw_report(&F, rep, sizeof rep, &rl, scratch, sizeof scratch, &n, "lx-chain", 8,
                             forged, TCDEV_FW_REPORT_INSTALLED));
    CHECK_OK(queue_raw(rep, rl));
    CHECK_EQ(commit_last(), TC_ERR_LEDGER_SIGNATURE);
    /* a genuine report, body altered after signing */
    n = 0;
    CHECK_OK(tcdev_fw_report(&F, rep, sizeof rep, &rl, scratch, sizeof scratch, &n, "lx-chain", 8,
                             dev.sec, TCDEV_FW_REPORT_DOWNLOADING));
    for (size_t i = 0; i + 1 < rl; i++)
        if (rep[i] == 0x04 && rep[i + 1] == TCDEV_FW_REPORT_DOWNLOADING) { rep[i + 1] = TCDEV_FW_REPORT_INSTALLED; break; }
    CHECK_OK(queue_raw(rep, rl));
    CHECK_EQ(commit_last(), TC_ERR_LEDGER_SIGNATURE);
}

/* ---- a lying node: stale or forked view, validators below quorum ---- */

ATTACK(attack_stale_view_from_lying_node)
{
    uint8_t k[17];
    uint64_t old = tc_store_height(X.s) - 1;
    CHECK_OK(start(2, LX_FLEET, 1));   /* the device saw the latest header */
    tcdev_fw_abort(&F);
    /* the node now answers from an older block (before the pause below) */
    CHECK_EQ(control(1, 2), 0);
    CHECK_OK(bundle_at(bun_roll, sizeof bun_roll, &len_roll, k, roll_key(k, LX_FLEET, 1), old));
    tcdev_bundle b;
    CHECK_ERR(tcdev_light_verify_bundle(&L, &LW, &b, bun_roll, len_roll, now()), TC_ERR_LIGHT_STALE);
    tcdev_fw_offer o = offer();
    CHECK_ERR(tcdev_fw_start(&F, &E, &L, &LW, &FW, &o, now()), TC_ERR_LIGHT_STALE);
}

/* A header at the verified height with other contents (another state
 * root), certified: the device refuses the fork. */
ATTACK(attack_forked_view_from_lying_node)
{
    uint8_t hdr[TC_HEADER_MAX], id[32], cert[512], k[17], proof[8], bun[2048];
    size_t hl, cl, bl;
    tc_header h;
    CHECK_OK(start(2, LX_FLEET, 1));
    CHECK_OK(tc_store_header(X.s, &h, id, tc_store_height(X.s)));
    h.state_root[0] ^= 1;
    CHECK_OK(tc_header_encode(hdr, sizeof hdr, &hl, &h));
    tc_sha256(id, hdr, hl);
    CHECK_OK(certify(cert, sizeof cert, &cl, h.height, id, val_sec));
    memset(proof, 0, sizeof proof);
    tc_bundle_parts p = {TCDEV_BUNDLE_STATE, {hdr, hl}, {cert, cl}, {NULL, 0}, {proof, 1}, {k, dev_key(k, dev.id)}, NULL, 0};
    CHECK_OK(tc_bundle_encode(bun, sizeof bun, &bl, &p));
    tcdev_bundle b;
    CHECK_ERR(tcdev_light_verify_bundle(&L, &LW, &b, bun, bl, now()), TC_ERR_LIGHT_FORK);
}

/* A node (or validators without the power) signs a newer header that
 * says the rollout of version 3 exists: the certificate lacks the power. */
ATTACK(attack_validators_below_quorum)
{
    uint8_t hdr[TC_HEADER_MAX], id[32], cert[512], k[17], bun[2048], fake_pub[32], fake_sec[64];
    size_t hl, cl, bl;
    tc_header h;
    CHECK_OK(tc_store_header(X.s, &h, id, tc_store_height(X.s)));
    h.height++;
    h.time_ms += 1000;
    memcpy(h.prev_hash, id, 32);
    CHECK_OK(tc_header_encode(hdr, sizeof hdr, &hl, &h));
    tc_sha256(id, hdr, hl);
    lx_key(fake_pub, fake_sec, 77);
    CHECK_OK(certify(cert, sizeof cert, &cl, h.height, id, fake_sec)); /* a non-validator's precommit */
    tc_bundle_parts p = {TCDEV_BUNDLE_STATE, {hdr, hl}, {cert, cl}, {NULL, 0}, {id, 1}, {k, dev_key(k, dev.id)}, NULL, 0};
    CHECK_OK(tc_bundle_encode(bun, sizeof bun, &bl, &p));
    tcdev_bundle b;
    CHECK_ERR(tcdev_light_verify_bundle(&L, &LW, &b, bun, bl, now()), TC_ERR_BAD_SIGNATURE);
    /* no precommit at all: zero of 10 power */
    uint8_t have[1] = {0}, sigs[1][64];
    tc_valset vs;
    tc_valset_init(&vs);
    tc_valset_add(&vs, val_pub, 10);
    CHECK_OK(tc_cons_cert_build(cert, sizeof cert, &cl, &vs, h.height, 0, id, have, (const uint8_t(*)[64])sigs));
    p.cert.len = cl;
    CHECK_OK(tc_bundle_encode(bun, sizeof bun, &bl, &p));
    CHECK_ERR(tcdev_light_verify_bundle(&L, &LW, &b, bun, bl, now()), TC_ERR_CONS_CERT_POWER);
}

/* ---- configuration (ledger side; the device side is device/config.c) ---- */

static int cfg_publish(uint8_t role, const uint8_t (*secs)[64], uint64_t version)
{
    uint8_t body[256], dg[32], sg[TC_SIGNER_ORG_LEN];
    const char *doc = "{\"rate\": 5}";
    tc_cbor_enc e;
    size_t bl;
    tc_sha256(dg, doc, strlen(doc));
    tc_cbor_enc_init(&e, body, sizeof body);
    tc_cbor_put_map(&e, 7);
    tc_cbor_put_uint(&e, 1); tc_cbor_put_uint(&e, 1);
    tc_cbor_put_uint(&e, 2); tc_cbor_put_bytes(&e, dev.id, 16);
    tc_cbor_put_uint(&e, 3); tc_cbor_put_cstr(&e, "main");
    tc_cbor_put_uint(&e, 4); tc_cbor_put_uint(&e, version);
    tc_cbor_put_uint(&e, 5); tc_cbor_put_bytes(&e, dg, 32);
    tc_cbor_put_uint(&e, 6); tc_cbor_put_uint(&e, strlen(doc));
    tc_cbor_put_uint(&e, 7); tc_cbor_put_bytes(&e, (const uint8_t *)doc, strlen(doc));
    if (tc_cbor_enc_finish(&e, &bl)) return -1;
    tc_signer_org(sg, LX_FLEET, role);
    if (lx_tx(&X, TC_TX_CFG_PUBLISH, sg, sizeof sg, body, bl, secs, 1)) return -1;
    int rc = commit_last();
    if (rc) unuse_nonce(sg, sizeof sg);
    return rc;
}

ATTACK(attack_forged_config)
{
    uint8_t cpub[32], csec[64], xpub[32], xsec[64];
    lx_key(cpub, csec, 600);
    lx_key(xpub, xsec, 601);
    /* the operator's admin key is not its config key set */
    CHECK_EQ(cfg_publish(TC_KEYS_ADMIN, (const uint8_t(*)[64])X.adm_sec[LX_FLEET], 1), TC_ERR_LEDGER_UNAUTHORIZED);
    /* no config key set registered yet: nobody can sign as it */
    CHECK_EQ(cfg_publish(TC_KEYS_CONFIG, (const uint8_t(*)[64])csec, 7), TC_ERR_LEDGER_UNKNOWN_SIGNER);
    /* register one; a stranger's key is still refused */
    uint8_t body[128];
    tc_cbor_enc e;
    tc_cbor_enc_init(&e, body, sizeof body);
    tc_cbor_put_map(&e, 2);
    tc_cbor_put_uint(&e, 1); tc_cbor_put_uint(&e, TC_KEYS_CONFIG);
    tc_cbor_put_uint(&e, 2); tc_cbor_put_map(&e, 2);
    tc_cbor_put_uint(&e, 1); tc_cbor_put_uint(&e, 1);
    tc_cbor_put_uint(&e, 2); tc_cbor_put_array(&e, 1); tc_cbor_put_bytes(&e, cpub, 32);
    CHECK_OK(lx_admin_tx(&X, TC_TX_ORG_SET_KEYS, LX_FLEET, &e));
    CHECK_EQ(commit_last(), 0);
    CHECK_EQ(cfg_publish(TC_KEYS_CONFIG, (const uint8_t(*)[64])xsec, 1), TC_ERR_LEDGER_UNAUTHORIZED);
    CHECK_EQ(cfg_publish(TC_KEYS_CONFIG, (const uint8_t(*)[64])csec, 1), 0);
}

ATTACK(attack_config_rollback)
{
    uint8_t cpub[32], csec[64], body[128];
    tc_cbor_enc e;
    lx_key(cpub, csec, 600);
    tc_cbor_enc_init(&e, body, sizeof body);
    tc_cbor_put_map(&e, 2);
    tc_cbor_put_uint(&e, 1); tc_cbor_put_uint(&e, TC_KEYS_CONFIG);
    tc_cbor_put_uint(&e, 2); tc_cbor_put_map(&e, 2);
    tc_cbor_put_uint(&e, 1); tc_cbor_put_uint(&e, 1);
    tc_cbor_put_uint(&e, 2); tc_cbor_put_array(&e, 1); tc_cbor_put_bytes(&e, cpub, 32);
    CHECK_OK(lx_admin_tx(&X, TC_TX_ORG_SET_KEYS, LX_FLEET, &e));
    CHECK_EQ(commit_last(), 0);
    CHECK_EQ(cfg_publish(TC_KEYS_CONFIG, (const uint8_t(*)[64])csec, 5), 0);
    CHECK_EQ(cfg_publish(TC_KEYS_CONFIG, (const uint8_t(*)[64])csec, 5), TC_ERR_LEDGER_VERSION_ROLLBACK);
    CHECK_EQ(cfg_publish(TC_KEYS_CONFIG, (const uint8_t(*)[64])csec, 4), TC_ERR_LEDGER_VERSION_ROLLBACK);
}

int main(void)
{
    if (tc_crypto_init()) return 2;
    RUN(honest_update_installs);
    RUN(honest_update_resumes_after_reset);
    RUN(attack_bricking_image_rolls_back);
    RUN(attack_arbitrary_software_unpublished);
    RUN(attack_arbitrary_software_wrong_key);
    RUN(attack_arbitrary_software_wrong_model);
    RUN(attack_rollback);
    RUN(attack_revoked_release);
    RUN(attack_indefinite_freeze_expired_release);
    RUN(attack_indefinite_freeze_stale_header);
    RUN(attack_fast_forward);
    RUN(attack_mix_and_match_image);
    RUN(attack_mix_and_match_digest);
    RUN(attack_endless_data);
    RUN(attack_slow_retrieval);
    RUN(attack_key_compromise_below_threshold);
    RUN(attack_incompatible_image);
    RUN(attack_malicious_mirror);
    RUN(attack_extra_or_truncated_data);
    RUN(attack_unapproved_release_no_rollout);
    RUN(attack_unapproved_release_wave_not_started);
    RUN(attack_unapproved_release_paused);
    RUN(attack_unapproved_release_aborted);
    RUN(attack_unapproved_release_other_operator);
    RUN(attack_replayed_device_report);
    RUN(attack_forged_device_report);
    RUN(attack_stale_view_from_lying_node);
    RUN(attack_forked_view_from_lying_node);
    RUN(attack_validators_below_quorum);
    RUN(attack_forged_config);
    RUN(attack_config_rollback);
    return test_summary();
}

