/* Test fixture for the store tests (test_store*.c, test_query*.c): a toy
 * rule set whose transactions write device records in the ledger's format,
 * and a chain builder that proposes, encodes and commits blocks.
 *   'D' || id(16) || record   put 'D'||id -> record (a deterministic CBOR map)
 *   'd' || id(16)             delete 'D'||id
 *   'X' || anything           write junk, then reject (must be rolled back) */
#ifndef TC_STORE_FIXTURE_H
#define TC_STORE_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tc/alloc.h"
#include "tc/block.h"
#include "tc/cbor.h"
#include "tc/store.h"

static inline int fx_apply(tc_state *st, tc_err *err, const uint8_t *tx, size_t len,
                    const tc_block_ctx *ctx, int sig_checked)
{
    (void)ctx;
    (void)sig_checked;
    if (len >= 17 && tx[0] == 'D') {
        uint8_t key[17] = { 'D' };
        memcpy(key + 1, tx + 1, 16);
        return tc_state_put(st, key, 17, tx + 17, len - 17);
    }
    if (len == 17 && tx[0] == 'd') {
        uint8_t key[17] = { 'D' };
        memcpy(key + 1, tx + 1, 16);
        return tc_state_del(st, key, 17);
    }
    if (len >= 1 && tx[0] == 'X') {
        tc_state_put(st, (const uint8_t *)"junk", 4, tx, len);
        return tc_err_set(err, TC_ERR_LEDGER_UNAUTHORIZED, "fixture rejects X");
    }
    return tc_err_set(err, TC_ERR_LEDGER_MALFORMED, "fixture: unknown op");
}

/* Genesis: one record 'M' -> the document bytes. */
static inline int fx_genesis(tc_state *st, tc_err *err, const uint8_t *doc, size_t len)
{
    (void)err;
    return tc_state_put(st, (const uint8_t *)"M", 1, doc, len);
}

static inline void fx_dev_id(uint8_t id[16], uint32_t n)
{
    memset(id, 0, 16);
    id[12] = (uint8_t)(n >> 24);
    id[13] = (uint8_t)(n >> 16);
    id[14] = (uint8_t)(n >> 8);
    id[15] = (uint8_t)n;
}

/* A device record as core/records_device.c writes it (keys 1..12, no claim). */
static inline size_t fx_dev_record(uint8_t *out, size_t cap, uint32_t n, uint64_t owner, const char *model,
                            const char *color, uint64_t height)
{
    tc_cbor_enc e;
    uint8_t k[32];
    memset(k, (int)(n & 0xff), sizeof k);
    char serial[16];
    snprintf(serial, sizeof serial, "SN%u", n);
    tc_cbor_enc_init(&e, out, cap);
    tc_cbor_put_map(&e, 11);
    tc_cbor_put_uint(&e, 1); tc_cbor_put_bytes(&e, k, 32);
    tc_cbor_put_uint(&e, 2); tc_cbor_put_bytes(&e, k, 32);
    tc_cbor_put_uint(&e, 3); tc_cbor_put_cstr(&e, model);
    tc_cbor_put_uint(&e, 4); tc_cbor_put_cstr(&e, serial);
    tc_cbor_put_uint(&e, 6); tc_cbor_put_uint(&e, 1);
    tc_cbor_put_uint(&e, 7); tc_cbor_put_uint(&e, owner);
    tc_cbor_put_uint(&e, 8); tc_cbor_put_uint(&e, 0);
    tc_cbor_put_uint(&e, 9); tc_cbor_put_map(&e, color ? 1 : 0);
    if (color) { tc_cbor_put_cstr(&e, "color"); tc_cbor_put_cstr(&e, color); }
    tc_cbor_put_uint(&e, 10); tc_cbor_put_array(&e, 1); tc_cbor_put_cstr(&e, "fleet");
    tc_cbor_put_uint(&e, 11); tc_cbor_put_uint(&e, height);
    tc_cbor_put_uint(&e, 12); tc_cbor_put_uint(&e, 0);
    size_t len = 0;
    if (tc_cbor_enc_finish(&e, &len)) return 0;
    return len;
}

/* A device-write transaction into out; returns its length. */
static inline size_t fx_dev_tx(uint8_t *out, size_t cap, uint32_t n, uint64_t owner, const char *model,
                        const char *color, uint64_t height)
{
    out[0] = 'D';
    fx_dev_id(out + 1, n);
    size_t r = fx_dev_record(out + 17, cap - 17, n, owner, model, color, height);
    return r ? 17 + r : 0;
}

/* Proposes txs on s as the next block, encodes it into *out (tc_malloc'd)
 * and, if commit, commits it. */
static inline int fx_make_block(tc_store *s, uint8_t **out, size_t *out_len, const tc_span *txs,
                         size_t ntx, int commit)
{
    tc_header h;
    tc_err err;
    memset(&h, 0, sizeof h);
    memcpy(h.chain_id, "fixture", 7);
    h.chain_id_len = 7;
    h.height = tc_store_height(s) + 1;
    h.time_ms = 1000000 + h.height * 1000;
    tc_store_last_id(s, h.prev_hash);
    memset(h.proposer, 0x11, 32);
    int rc = tc_store_propose(s, &err, &h, txs, ntx, 1);
    if (rc) { fprintf(stderr, "propose: %s\n", err.msg); return rc; }
    tc_span none = { NULL, 0 };
    rc = tc_block_encode(NULL, 0, out_len, &h, txs, ntx, none, NULL, 0);
    if (rc) return rc;
    *out = tc_malloc(*out_len);
    if (!*out) return TC_ERR_NOMEM;
    rc = tc_block_encode(*out, *out_len, out_len, &h, txs, ntx, none, NULL, 0);
    if (!rc && commit) {
        rc = tc_store_commit_block(s, &err, *out, *out_len, 1);
        if (rc) fprintf(stderr, "commit: %s\n", err.msg);
    }
    return rc;
}

static inline int fx_open_genesis(tc_store **s, const char *path)
{
    tc_err err;
    int rc = tc_store_open(s, &err, path, fx_apply);
    if (rc) { fprintf(stderr, "open: %s\n", err.msg); return rc; }
    if (!tc_store_has_genesis(*s))
        rc = tc_store_genesis(*s, &err, (const uint8_t *)"fixture", 7, (const uint8_t *)"genesis-doc", 11,
                              fx_genesis);
    if (rc) fprintf(stderr, "genesis: %s\n", err.msg);
    return rc;
}

static inline void fx_tmpdir(char *dir, size_t cap, const char *tag)
{
    const char *t = getenv("TMPDIR");
    snprintf(dir, cap, "%s/tc_%s_XXXXXX", t ? t : "/tmp", tag);
    if (!mkdtemp(dir)) { perror("mkdtemp"); exit(2); }
}

static inline void fx_rm(const char *dir)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "cleanup of %s failed\n", dir);
}

#endif
