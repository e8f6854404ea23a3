/* Committing to the store: genesis, the proposer's dry run, and one block
 * = one SQL transaction = one fsync (docs/store.md "Crash safety").
 *
 * Everything a block changes — block and transaction rows, state values and
 * their old versions, index rows, state-tree nodes, history-tree nodes and
 * the height in meta — is written between one BEGIN IMMEDIATE and one
 * COMMIT on one connection. SQLite's WAL commit is atomic: after a crash
 * the database holds either all of it or none of it. */
#include <string.h>

#include "tc/alloc.h"
#include "tc/anchor.h"
#include "tc/cbor.h"
#include "tc/overlay.h"

#include "store_priv.h"

static int begin(tc_store *s, tc_err *err)
{
    int rc = tc__store_run(s->q[Q_BEGIN]);
    return rc ? tc_err_set(err, rc, "store: begin") : 0;
}

/* Undo everything since begin: SQL, and the trees' memory. */
static void abort_block(tc_store *s)
{
    if (!sqlite3_get_autocommit(s->db)) tc__store_run(s->q[Q_ROLLBACK]);
    tc__store_reload_trees(s);
}

static int commit(tc_store *s, tc_err *err)
{
    int rc = tc__store_run(s->q[Q_COMMIT]);
    if (rc) {
        abort_block(s);
        return tc_err_set(err, rc, "store: commit");
    }
    return 0;
}

static int meta_put(tc_store *s, const char *k, const void *v, size_t n, int64_t iv, int is_int)
{
    sqlite3_stmt *st = s->q[Q_META_PUT];
    sqlite3_bind_text(st, 1, k, -1, SQLITE_STATIC);
    if (is_int) sqlite3_bind_int64(st, 2, iv);
    else tc__store_bind(st, 2, v, n);
    return tc__store_run(st);
}

int tc_store_genesis(tc_store *s, tc_err *err, const uint8_t *chain_id, size_t chain_id_len,
                     const uint8_t *doc, size_t doc_len, tc_genesis_fn init)
{
    if (s->has_genesis) return tc_err_set(err, TC_ERR_STATE, "store: genesis already applied");
    if (chain_id_len == 0 || chain_id_len > TC_CHAIN_ID_MAX)
        return tc_err_set(err, TC_ERR_INVALID_ARG, "store: chain id length");
    tc_block_exec x;
    memset(&x, 0, sizeof x);
    int rc = tc_overlay_new(&x.ov, &s->values);
    if (rc) return tc_err_set(err, rc, NULL);
    tc_state *st = tc_overlay_state(x.ov);
    if (!(rc = tc_state_tx_begin(st))) {
        rc = init(st, err, doc, doc_len);
        if (rc) tc_state_tx_rollback(st);
        else rc = tc_state_tx_commit(st);
    }
    if (rc) { tc_block_exec_free(&x); return rc; }
    uint8_t gh[TC_HASH_LEN];
    tc_sha256(gh, doc, doc_len);
    if ((rc = begin(s, err))) { tc_block_exec_free(&x); return rc; }
    /* Genesis state is state-tree version 1, height 0. */
    rc = tc_block_exec_state(&x, s->smt);
    if (!rc) rc = tc__store_write_state(s, &x, 0);
    if (!rc) rc = meta_put(s, "chain_id", chain_id, chain_id_len, 0, 0);
    if (!rc) rc = meta_put(s, "genesis_hash", gh, sizeof gh, 0, 0);
    if (!rc) rc = meta_put(s, "genesis", doc, doc_len, 0, 0);
    if (!rc) rc = meta_put(s, "height", NULL, 0, 0, 1);
    tc_block_exec_free(&x);
    if (rc) { abort_block(s); return tc_err_set(err, rc, "store: genesis"); }
    if ((rc = commit(s, err))) return rc;
    memcpy(s->chain_id, chain_id, chain_id_len);
    s->chain_id_len = chain_id_len;
    memcpy(s->genesis_hash, gh, sizeof gh);
    memcpy(s->last_id, gh, sizeof gh);
    s->height = 0;
    s->has_genesis = 1;
    return 0;
}

static tc_chain chain_of(tc_store *s)
{
    return (tc_chain){ &s->values, s->smt, s->hist, s->apply };
}

void tc__store_dry_drop(tc_store *s)
{
    if (s->dry.valid) tc_block_exec_free(&s->dry.x);
    s->dry.valid = 0;
}

/* Is the kept dry run the execution of txs (whose root is tx_root) in ctx
 * on the current state? A run that skipped signature checks serves only a
 * caller that skips them too. */
static int dry_matches(const tc_store *s, const tc_block_ctx *ctx, const uint8_t tx_root[TC_HASH_LEN],
                       size_t ntx, int sig_checked)
{
    const tc__store_dry *d = &s->dry;
    return d->valid && (!d->sig_checked || sig_checked) && d->base_height == s->height &&
           !memcmp(d->base_id, s->last_id, TC_HASH_LEN) && d->height == ctx->height && d->time_ms == ctx->time_ms &&
           d->chain_id_len == ctx->chain_id_len && !memcmp(d->chain_id, ctx->chain_id, ctx->chain_id_len) &&
           d->x.ntx == ntx && !memcmp(d->x.tx_root, tx_root, TC_HASH_LEN);
}

int tc_store_propose(tc_store *s, tc_err *err, tc_header *h, const tc_span *txs, size_t ntx,
                     int sig_checked)
{
    if (!s->has_genesis) return tc_err_set(err, TC_ERR_STATE, "store: no genesis");
    tc_block_ctx ctx = { h->chain_id, h->chain_id_len, h->height, h->time_ms };
    uint8_t txr[TC_HASH_LEN];
    if (ntx <= TC_BLOCK_MAX_TXS && tc_block_tx_root(txr, txs, ntx) == 0 &&
        dry_matches(s, &ctx, txr, ntx, sig_checked)) {
        tc_block_exec_fill(h, &s->dry.x);
        return 0;
    }
    tc__store_dry_drop(s);
    tc_block_exec x;
    int rc = begin(s, err);
    if (rc) return rc;
    tc_chain c = chain_of(s);
    tc_smt_set_dry_run(s->smt, 1);
    rc = tc_block_execute(&x, err, &c, &ctx, txs, ntx, sig_checked);
    tc_smt_set_dry_run(s->smt, 0);
    /* A dry run: the block is committed when decided. The state tree wrote
     * nothing and kept its version (and its node cache); SQL and the
     * history tree's memory go back. */
    if (!sqlite3_get_autocommit(s->db)) tc__store_run(s->q[Q_ROLLBACK]);
    int hrc = tc_hist_reload(s->hist);
    if (!rc && hrc) {
        tc_block_exec_free(&x);
        rc = tc_err_set(err, hrc, "store: history tree reload");
    }
    if (rc) return rc;
    tc_block_exec_fill(h, &x);
    tc__store_dry *d = &s->dry;
    d->x = x;
    d->valid = 1;
    d->sig_checked = sig_checked;
    d->base_height = s->height;
    memcpy(d->base_id, s->last_id, TC_HASH_LEN);
    d->height = ctx.height;
    d->time_ms = ctx.time_ms;
    memcpy(d->chain_id, ctx.chain_id, ctx.chain_id_len);
    d->chain_id_len = ctx.chain_id_len;
    return 0;
}

static int put_evidence_and_block(tc_store *s, const tc_block *b, const uint8_t id[TC_HASH_LEN])
{
    /* evidence kept as a CBOR array of byte strings */
    tc_cbor_enc e;
    size_t n = 0;
    tc_cbor_enc_init(&e, NULL, 0);
    tc_cbor_put_array(&e, b->nevidence);
    for (size_t i = 0; i < b->nevidence; i++) tc_cbor_put_bytes(&e, b->evidence[i].p, b->evidence[i].len);
    tc_cbor_enc_finish(&e, &n);
    uint8_t *ev = tc_malloc(n);
    if (!ev) return TC_ERR_NOMEM;
    tc_cbor_enc_init(&e, ev, n);
    tc_cbor_put_array(&e, b->nevidence);
    for (size_t i = 0; i < b->nevidence; i++) tc_cbor_put_bytes(&e, b->evidence[i].p, b->evidence[i].len);
    sqlite3_stmt *st = s->q[Q_BLOCK_PUT];
    sqlite3_bind_int64(st, 1, (sqlite3_int64)b->header.height);
    tc__store_bind(st, 2, id, TC_HASH_LEN);
    tc__store_bind(st, 3, b->header_raw, b->header_raw_len);
    tc__store_bind(st, 4, b->last_commit.p, b->last_commit.len);
    tc__store_bind(st, 5, ev, n);
    int rc = tc__store_run(st);
    tc_free(ev);
    return rc;
}

/* Digests listed by an accepted anchor, indexed for tc_query_anchor_by_digest. */
static int put_anchor_digests(tc_store *s, uint64_t height, size_t idx, const uint8_t *tx, size_t len)
{
    uint8_t dg[TC_ANCHOR_DIGESTS_MAX * 32];
    uint8_t root[32];
    size_t n;
    if (tc_anchor_tx_digests(dg, &n, root, tx, len)) return 0;
    sqlite3_stmt *st = s->q[Q_ANCHOR_PUT];
    for (size_t i = 0; i < n; i++) {
        tc__store_bind(st, 1, dg + 32 * i, 32);
        sqlite3_bind_int64(st, 2, (sqlite3_int64)height);
        sqlite3_bind_int64(st, 3, (sqlite3_int64)idx);
        sqlite3_bind_int64(st, 4, (sqlite3_int64)i);
        int rc = tc__store_run(st);
        if (rc) return rc;
    }
    return 0;
}

static int put_txs(tc_store *s, const tc_block *b, const tc_block_exec *x)
{
    sqlite3_stmt *st = s->q[Q_TX_PUT];
    for (size_t i = 0; i < b->ntx; i++) {
        uint8_t h[TC_HASH_LEN];
        tc_sha256(h, b->txs[i].p, b->txs[i].len);
        sqlite3_bind_int64(st, 1, (sqlite3_int64)b->header.height);
        sqlite3_bind_int64(st, 2, (sqlite3_int64)i);
        tc__store_bind(st, 3, h, sizeof h);
        tc__store_bind(st, 4, b->txs[i].p, b->txs[i].len);
        sqlite3_bind_int(st, 5, x->results[i].code);
        sqlite3_bind_text(st, 6, x->results[i].msg, -1, SQLITE_STATIC);
        int rc = tc__store_run(st);
        if (rc) return rc;
        /* only blocks that created 'A' records hold anchors to index */
        if (s->block_anchors && x->results[i].code == 0 &&
            (rc = put_anchor_digests(s, b->header.height, i, b->txs[i].p, b->txs[i].len)))
            return rc;
    }
    return 0;
}

int tc_store_commit_block(tc_store *s, tc_err *err, const uint8_t *block, size_t len,
                          int sig_checked)
{
    if (!s->has_genesis) return tc_err_set(err, TC_ERR_STATE, "store: no genesis");
    tc_block b;
    int rc = tc_block_decode(&b, block, len);
    if (rc) return tc_err_set(err, rc, "block");
    const tc_header *h = &b.header;
    if (h->chain_id_len != s->chain_id_len || memcmp(h->chain_id, s->chain_id, s->chain_id_len)) {
        tc_block_free(&b);
        return tc_err_set(err, TC_ERR_BLOCK_SEQUENCE, "block %llu: chain id differs",
                          (unsigned long long)h->height);
    }
    if ((rc = tc_header_check_next(err, s->height ? &s->last : NULL, s->last_id, h))) {
        tc_block_free(&b);
        return rc;
    }
    uint8_t id[TC_HASH_LEN];
    tc_sha256(id, b.header_raw, b.header_raw_len);
    if ((rc = begin(s, err))) { tc_block_free(&b); return rc; }
    tc_block_ctx ctx = { h->chain_id, h->chain_id_len, h->height, h->time_ms };
    tc_block_exec x;
    tc_chain c = chain_of(s);
    /* The root of the block's own transactions (not its header's claim)
     * names the kept execution. */
    uint8_t txr[TC_HASH_LEN];
    if (b.ntx <= TC_BLOCK_MAX_TXS && tc_block_tx_root(txr, b.txs, b.ntx) == 0 &&
        dry_matches(s, &ctx, txr, b.ntx, sig_checked)) {
        x = s->dry.x;
        s->dry.valid = 0; /* taken */
        rc = tc_block_exec_replay(&x, err, &c, b.txs, b.ntx);
        if (!rc) s->replays++;
    } else {
        tc__store_dry_drop(s);
        rc = tc_block_execute(&x, err, &c, &ctx, b.txs, b.ntx, sig_checked);
    }
    if (rc) { abort_block(s); tc_block_free(&b); return rc; }
    rc = tc_block_exec_check(err, h, &x);
    if (!rc) {
        if (!rc) rc = tc__store_write_state(s, &x, h->height);
        if (!rc) rc = put_txs(s, &b, &x);
        if (!rc) rc = put_evidence_and_block(s, &b, id);
        if (!rc) rc = tc_hist_flush(s->hist);
        if (!rc) rc = meta_put(s, "height", NULL, 0, (int64_t)h->height, 1);
        if (rc) tc_err_set(err, rc, "store: block %llu", (unsigned long long)h->height);
    }
    tc_block_exec_free(&x);
    if (rc) { abort_block(s); tc_block_free(&b); return rc; }
    if ((rc = commit(s, err))) { tc_block_free(&b); return rc; }
    s->last = *h;
    memcpy(s->last_id, id, TC_HASH_LEN);
    s->height = h->height;
    tc_block_free(&b);
    return 0;
}

int tc_store_block(tc_store *s, uint8_t **out, size_t *len, uint64_t height)
{
    *out = NULL;
    tc_header h;
    int rc = tc_store_header(s, &h, NULL, height);
    if (rc) return rc;
    sqlite3_stmt *bs = s->q[Q_BLOCK_GET], *ts = s->q[Q_TX_GET];
    sqlite3_bind_int64(bs, 1, (sqlite3_int64)height);
    if (sqlite3_step(bs) != SQLITE_ROW) { sqlite3_reset(bs); return TC_ERR_CORRUPT; }
    tc_span lc = { sqlite3_column_blob(bs, 2), (size_t)sqlite3_column_bytes(bs, 2) };
    const uint8_t *evp = sqlite3_column_blob(bs, 3);
    size_t evn = (size_t)sqlite3_column_bytes(bs, 3);
    tc_span *txs = tc_calloc(h.tx_count ? (size_t)h.tx_count : 1, sizeof *txs);
    tc_span ev[TC_BLOCK_MAX_EVIDENCE];
    size_t nev = 0, ntx = 0;
    tc_cbor_dec d;
    uint64_t cnt;
    rc = txs ? 0 : TC_ERR_NOMEM;
    if (!rc && (tc_cbor_dec_init(&d, evp, evn, NULL) || tc_cbor_get_array(&d, &cnt) ||
                cnt > TC_BLOCK_MAX_EVIDENCE))
        rc = TC_ERR_CORRUPT;
    for (uint64_t i = 0; !rc && i < cnt; i++, nev++)
        if (tc_cbor_get_bytes(&d, &ev[i].p, &ev[i].len)) rc = TC_ERR_CORRUPT;
    sqlite3_bind_int64(ts, 1, (sqlite3_int64)height);
    /* Column blobs are valid only until the next step: copy each tx. */
    int step = SQLITE_DONE;
    while (!rc && (step = sqlite3_step(ts)) == SQLITE_ROW && ntx < h.tx_count) {
        size_t n = (size_t)sqlite3_column_bytes(ts, 0);
        uint8_t *p = tc_malloc(n ? n : 1);
        if (!p) { rc = TC_ERR_NOMEM; break; }
        memcpy(p, sqlite3_column_blob(ts, 0), n);
        txs[ntx++] = (tc_span){ p, n };
    }
    sqlite3_reset(ts);
    if (!rc && ntx != h.tx_count) rc = TC_ERR_CORRUPT;
    if (!rc) {
        rc = tc_block_encode(NULL, 0, len, &h, txs, ntx, lc, ev, nev);
        if (!rc) {
            *out = tc_malloc(*len);
            rc = *out ? tc_block_encode(*out, *len, len, &h, txs, ntx, lc, ev, nev) : TC_ERR_NOMEM;
        }
    }
    for (size_t i = 0; i < ntx; i++) tc_free((void *)txs[i].p);
    tc_free(txs);
    sqlite3_reset(bs);
    sqlite3_clear_bindings(ts);
    if (rc) { tc_free(*out); *out = NULL; }
    return rc;
}
