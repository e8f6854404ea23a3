/* Firmware test fixture (fw_fixture.h). */
#include <stdio.h>
#include <string.h>

#include "fw_fixture.h"

lx_chain fwx_chain;
char fwx_dir[256];
lx_dev fwx_dev;                       /* the device under attack (owned by LX_FLEET, group "north") */
uint8_t fwx_val_pub[32], fwx_val_sec[64]; /* the chain's only validator */
uint8_t fwx_rel_pub[3][32], fwx_rel_sec[3][64]; /* maker's release keys, 2 of 3 */
uint8_t fwx_img2[IMG_LEN], fwx_img3[IMG_LEN];
tcdev_light fwx_light;
tcdev_light_work fwx_lwork;
tcdev_fw fwx_fw;
tcdev_fw_work fwx_work;
tc_chunk_cache fwx_cache;
tc_err fwx_err;
uint8_t fwx_slot[2][IMG_LEN];
uint8_t fwx_bun_rel[8192], fwx_bun_roll[8192], fwx_bun_dev[8192];
size_t fwx_len_rel, fwx_len_roll, fwx_len_dev;

/* ---- chain helpers ---- */

static void be64(uint8_t *p, uint64_t v)
{
    for (int i = 7; i >= 0; i--, v >>= 8) p[i] = (uint8_t)v;
}

size_t fwx_rel_key(uint8_t k[33], uint64_t vendor, const char *model, uint64_t version)
{
    uint8_t h[32];
    k[0] = 'F';
    be64(k + 1, vendor);
    tc_sha256(h, model, strlen(model));
    memcpy(k + 9, h, 16);
    be64(k + 25, version);
    return 33;
}

size_t fwx_roll_key(uint8_t k[17], uint64_t org, uint64_t id)
{
    k[0] = 'R';
    be64(k + 1, org);
    be64(k + 9, id);
    return 17;
}

size_t fwx_dev_key(uint8_t k[17], const uint8_t id[16])
{
    k[0] = 'D';
    memcpy(k + 1, id, 16);
    return 17;
}

/* Undo the fixture's nonce count for a signer whose transaction the ledger
 * refused (a refused transaction does not use its nonce). */
void fwx_unuse_nonce(const uint8_t *signer, size_t len)
{
    for (size_t i = 0; i < fwx_chain.nn; i++)
        if (fwx_chain.nonces[i].len == len && memcmp(fwx_chain.nonces[i].signer, signer, len) == 0) fwx_chain.nonces[i].nonce--;
}

/* lx_commit with the validator-set hashes a node puts in its headers
 * (the light client checks them; the store fixture leaves them zero). */
int fwx_commit(void)
{
    tc_header h;
    tc_err err;
    tc_valset vs;
    tc_span txs[64], none = {NULL, 0};
    uint8_t *raw = NULL;
    size_t len = 0;
    if (fwx_chain.nq > 64) return -1;
    for (size_t i = 0; i < fwx_chain.nq; i++) txs[i] = (tc_span){fwx_chain.q[i], fwx_chain.qlen[i]};
    memset(&h, 0, sizeof h);
    memcpy(h.chain_id, "lx-chain", 8);
    h.chain_id_len = 8;
    h.height = tc_store_height(fwx_chain.s) + 1;
    h.time_ms = fwx_chain.time_ms + 1000;
    tc_store_last_id(fwx_chain.s, h.prev_hash);
    memcpy(h.proposer, fwx_val_pub, 32);
    tc_valset_init(&vs);
    tc_valset_add(&vs, fwx_val_pub, 10);
    tc_valset_hash(&vs, h.valset_hash);
    memcpy(h.next_valset_hash, h.valset_hash, 32);
    int rc = tc_store_propose(fwx_chain.s, &err, &h, txs, fwx_chain.nq, 0);
    if (!rc) rc = tc_block_encode(NULL, 0, &len, &h, txs, fwx_chain.nq, none, NULL, 0);
    if (!rc && !(raw = tc_malloc(len))) rc = TC_ERR_NOMEM;
    if (!rc) rc = tc_block_encode(raw, len, &len, &h, txs, fwx_chain.nq, none, NULL, 0);
    if (!rc) rc = tc_store_commit_block(fwx_chain.s, &err, raw, len, 0);
    if (rc) fprintf(stderr, "commit: %s\n", err.msg);
    else fwx_chain.time_ms = h.time_ms;
    for (size_t i = 0; i < fwx_chain.nq; i++) tc_free(fwx_chain.q[i]);
    fwx_chain.nq = 0;
    tc_free(raw);
    return rc;
}

/* Commits the queue; returns the ledger's code for the LAST queued tx. */
int fwx_commit_last(void)
{
    uint8_t th[32];
    uint64_t h;
    uint32_t ix;
    int code = -1;
    char msg[256];
    tc_sha256(th, fwx_chain.q[fwx_chain.nq - 1], fwx_chain.qlen[fwx_chain.nq - 1]);
    if (fwx_commit()) return -1;
    if (tc_store_tx_result(fwx_chain.s, &h, &ix, &code, msg, sizeof msg, th)) return -1;
    if (code && getenv("TC_TEST_VERBOSE")) fprintf(stderr, "  ledger: %s\n", msg);
    return code;
}

/* Identical bytes have one hash, and the store's lookup by hash finds the
 * first copy: the result of a REPLAYED copy is read from the history tree
 * instead. The last transaction of the last block is the history leaf
 * size-1, whose data is SHA-256(tx) || code: proven against the header. */
int fwx_last_leaf_has_code(const uint8_t *tx, size_t len, int code)
{
    static uint8_t path[TC_HIST_MAX_PROOF * 32];
    uint8_t leaf[TC_HIST_LEAF_LEN], lh[32], id[32];
    size_t n;
    tc_header h;
    if (tc_store_header(fwx_chain.s, &h, id, tc_store_height(fwx_chain.s))) return 0;
    tc_sha256(leaf, tx, len);
    leaf[32] = (uint8_t)((uint32_t)code >> 24);
    leaf[33] = (uint8_t)((uint32_t)code >> 16);
    leaf[34] = (uint8_t)((uint32_t)code >> 8);
    leaf[35] = (uint8_t)code;
    tc_hist_leaf_hash(lh, leaf, sizeof leaf);
    if (tc_store_history_prove(fwx_chain.s, path, TC_HIST_MAX_PROOF, &n, h.history_size - 1, h.history_size)) return 0;
    return tc_hist_verify_inclusion(h.history_root, h.history_size - 1, h.history_size, lh, path, n) == 0;
}

int fwx_queue_raw(const uint8_t *tx, size_t len)
{
    fwx_chain.q[fwx_chain.nq] = tc_malloc(len);
    if (!fwx_chain.q[fwx_chain.nq]) return TC_ERR_NOMEM;
    memcpy(fwx_chain.q[fwx_chain.nq], tx, len);
    fwx_chain.qlen[fwx_chain.nq++] = len;
    return 0;
}

int fwx_release_keys_tx(const uint8_t (*secs)[64], size_t n, uint64_t version, uint64_t min_prior,
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
    return lx_tx(&fwx_chain, TC_TX_FW_RELEASE, sg, sizeof sg, body, bl, secs, n);
}

/* A release signed by 2 of the 3 release keys, committed; the ledger's code. */
int fwx_publish(uint64_t version, uint64_t min_prior, uint64_t expiry, const char *model,
                const uint8_t *image, const uint8_t *digest_of)
{
    if (fwx_release_keys_tx((const uint8_t(*)[64])fwx_rel_sec, 2, version, min_prior, expiry, model, image, digest_of))
        return -1;
    return fwx_commit_last();
}

int fwx_rollout(uint64_t org, uint64_t id, uint64_t version, const char *wave0, const char *wave1)
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
    if (lx_admin_tx(&fwx_chain, TC_TX_FW_ROLLOUT, org, &e)) return -1;
    return fwx_commit_last();
}

int fwx_control(uint64_t id, unsigned action)
{
    uint8_t body[32];
    tc_cbor_enc e;
    tc_cbor_enc_init(&e, body, sizeof body);
    tc_cbor_put_map(&e, 2);
    tc_cbor_put_uint(&e, 1); tc_cbor_put_uint(&e, id);
    tc_cbor_put_uint(&e, 2); tc_cbor_put_uint(&e, action);
    if (lx_admin_tx(&fwx_chain, TC_TX_FW_ROLLOUT_CONTROL, LX_FLEET, &e)) return -1;
    return fwx_commit_last();
}

/* Signs a commit certificate for a header with the validator key. */
int fwx_certify(uint8_t *cert, size_t cap, size_t *len, uint64_t height, const uint8_t id[32],
                const uint8_t sec[64])
{
    tc_valset vs;
    tc_cons_msg m;
    uint8_t have[1] = {1};
    static uint8_t sigs[1][TC_ED25519_SIG_LEN];
    tc_valset_init(&vs);
    if (tc_valset_add(&vs, fwx_val_pub, 10)) return -1;
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
int fwx_bundle_at(uint8_t *out, size_t cap, size_t *len, const uint8_t *key, size_t klen, uint64_t height)
{
    static uint8_t val[TC_TX_MAX], proof[8192];
    uint8_t hdr[TC_HEADER_MAX], id[32], cert[512];
    size_t hl, vl = 0, pl, cl;
    tc_header h;
    if (!height) height = tc_store_height(fwx_chain.s);
    if (tc_store_header(fwx_chain.s, &h, id, height) || tc_header_encode(hdr, sizeof hdr, &hl, &h)) return -1;
    if (fwx_certify(cert, sizeof cert, &cl, height, id, fwx_val_sec)) return -1;
    int rc = tc_store_state_get(fwx_chain.s, val, sizeof val, &vl, height, key, klen);
    if (rc && rc != TC_ERR_NOT_FOUND) return -1;
    if (tc_store_state_prove(fwx_chain.s, proof, sizeof proof, &pl, height, key, klen)) return -1;
    tc_bundle_parts p = {TCDEV_BUNDLE_STATE, {hdr, hl}, {cert, cl}, {NULL, 0}, {proof, pl}, {key, klen},
                         rc ? NULL : val, rc ? 0 : vl};
    return tc_bundle_encode(out, cap, len, &p);
}

/* The three bundles for release `version` and rollout (org, id). */
int fwx_offer_bundles(uint64_t version, const char *model, uint64_t org, uint64_t id)
{
    uint8_t k[33];
    size_t kl = fwx_rel_key(k, LX_MAKER, model, version);
    if (fwx_bundle_at(fwx_bun_rel, sizeof fwx_bun_rel, &fwx_len_rel, k, kl, 0)) return -1;
    kl = fwx_roll_key(k, org, id);
    if (fwx_bundle_at(fwx_bun_roll, sizeof fwx_bun_roll, &fwx_len_roll, k, kl, 0)) return -1;
    kl = fwx_dev_key(k, fwx_dev.id);
    return fwx_bundle_at(fwx_bun_dev, sizeof fwx_bun_dev, &fwx_len_dev, k, kl, 0);
}

tcdev_fw_offer fwx_offer(void)
{
    tcdev_fw_offer o = {fwx_bun_rel, fwx_len_rel, fwx_bun_roll, fwx_len_roll, fwx_bun_dev, fwx_len_dev, HOUR, 10000, 600000};
    return o;
}

/* Device time: just after the last block. */
uint64_t fwx_now(void)
{
    return fwx_chain.time_ms + 500;
}

int fwx_start(uint64_t version, uint64_t org, uint64_t id)
{
    if (fwx_offer_bundles(version, MODEL, org, id)) return -1;
    tcdev_fw_offer o = fwx_offer();
    return tcdev_fw_start(&fwx_fw, &fwx_err, &fwx_light, &fwx_lwork, &fwx_work, &o, fwx_now());
}

/* ---- the untrusted image side: chunks and paths from a "mirror" ---- */

uint8_t fwx_path[TC_CHUNK_PATH_CBOR_MAX];
size_t fwx_path_len;

void fwx_mirror_path(const uint8_t *image, uint64_t i)
{
    uint8_t leaves[8 * 32];
    uint64_t n = (IMG_LEN + CHUNK - 1) / CHUNK;
    for (uint64_t j = 0; j < n; j++) tc_hist_leaf_hash(leaves + j * 32, image + j * CHUNK, tc_chunk_len(IMG_LEN, CHUNK, j));
    fwx_path_len = 0;
    (void)tc_chunk_path(fwx_path, sizeof fwx_path, &fwx_path_len, leaves, n, i);
}

int fwx_slot_write(void *ctx, unsigned s, uint64_t off, const uint8_t *data, size_t len)
{
    (void)ctx;
    if (s > 1 || off + len > IMG_LEN) return 1;
    memcpy(fwx_slot[s] + off, data, len);
    return 0;
}

int fwx_feed(const uint8_t *image, uint64_t i, size_t len, uint64_t t)
{
    fwx_mirror_path(image, i);
    return tcdev_fw_feed(&fwx_fw, &fwx_cache, &fwx_err, fwx_slot_write, NULL, i, image + i * CHUNK, len, fwx_path, fwx_path_len, t);
}

int fwx_feed_all(const uint8_t *image, uint64_t t)
{
    for (uint64_t i = 0; i < fwx_fw.count; i++) {
        int rc = fwx_feed(image, i, tcdev_fw_chunk_len(&fwx_fw, i), t);
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
    for (int i = 0; i < 3; i++) tc_cbor_put_bytes(&e, fwx_rel_pub[i], 32);
    return lx_admin_tx(&fwx_chain, TC_TX_ORG_SET_KEYS, LX_MAKER, &e);
}

int fwx_set_groups(const char *group)
{
    uint8_t body[128];
    tc_cbor_enc e;
    tc_cbor_enc_init(&e, body, sizeof body);
    tc_cbor_put_map(&e, 2);
    tc_cbor_put_uint(&e, 1); tc_cbor_put_bytes(&e, fwx_dev.id, 16);
    tc_cbor_put_uint(&e, 2); tc_cbor_put_array(&e, 1); tc_cbor_put_cstr(&e, group);
    return lx_admin_tx(&fwx_chain, TC_TX_DEV_SET_GROUPS, LX_FLEET, &e);
}

int fwx_setup(void)
{
    tc_header h1;
    uint8_t id[32];
    tc_valset vs;
    fx_tmpdir(fwx_dir, sizeof fwx_dir, "fwatk");
    char path[300];
    snprintf(path, sizeof path, "%s/db", fwx_dir);
    if (lx_open(&fwx_chain, path)) return -1;
    lx_key(fwx_val_pub, fwx_val_sec, 2);
    for (unsigned i = 0; i < 3; i++) lx_key(fwx_rel_pub[i], fwx_rel_sec[i], 500 + i);
    for (size_t i = 0; i < IMG_LEN; i++) {
        fwx_img2[i] = (uint8_t)(i * 7 + 1);
        fwx_img3[i] = (uint8_t)(i * 13 + 5);
    }
    lx_dev_keys(&fwx_dev, 1);
    if (set_release_keys() || fwx_commit_last() || lx_manufacture(&fwx_chain, &fwx_dev, 1, MODEL) || fwx_commit_last()) return -2;
    if (lx_claim(&fwx_chain, &fwx_dev, LX_FLEET) || fwx_commit_last()) return -3;
    if (fwx_set_groups("north") || fwx_commit_last()) return -4;
    if (fwx_publish(2, 1, fwx_chain.time_ms + 100 * HOUR, MODEL, fwx_img2, NULL)) return -5;
    if (fwx_rollout(LX_FLEET, 1, 2, "north", NULL)) return -6;
    /* the device: anchored at genesis (block 1 links to the genesis hash) */
    if (tc_store_header(fwx_chain.s, &h1, id, 1)) return -7;
    tc_valset_init(&vs);
    tc_valset_add(&vs, fwx_val_pub, 10);
    if (tcdev_light_anchor(&fwx_light, h1.prev_hash, "lx-chain", 8, &vs, TCDEV_DEFAULT_DRIFT_MS)) return -8;
    memset(fwx_slot, 0, sizeof fwx_slot);
    tc_chunk_cache_reset(&fwx_cache);
    return tcdev_fw_init(&fwx_fw, fwx_dev.id, MODEL, strlen(MODEL), 1, 1, 0, 4096, IMG_LEN);
}

void fwx_teardown(void)
{
    for (size_t i = 0; i < fwx_chain.nq; i++) tc_free(fwx_chain.q[i]);
    fwx_chain.nq = 0;
    tc_store_close(fwx_chain.s);
    fx_rm(fwx_dir);
}

