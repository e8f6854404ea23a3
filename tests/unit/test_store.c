/* The SQLite store (io/store*.c): blocks committed and read back, two
 * independent stores replaying the same blocks agree on every root,
 * reopening, refusal of bad blocks without side effects, a newer schema
 * refused, and a full disk reported as TC_ERR_DISK_FULL with everything
 * committed before intact. */
#include <sqlite3.h>

#include "store_fixture.h"
#include "tc/history.h"
#include "tc/smt.h"
#include "test.h"

#define NB 8
#define TPB 20

static char dir[400];

static void path_in(char *out, size_t cap, const char *name)
{
    snprintf(out, cap, "%s/%s", dir, name);
}

/* Builds NB blocks on a; returns them (caller frees). */
static int build(tc_store *a, uint8_t *blocks[NB], size_t lens[NB])
{
    uint8_t txb[TPB][600];
    tc_span txs[TPB];
    for (int b = 0; b < NB; b++) {
        for (int i = 0; i < TPB; i++) {
            uint32_t dev = (uint32_t)(b * 7 + i) % 50; /* rewrites some devices */
            if (i % 9 == 8) {
                txb[i][0] = 'X';
                txs[i] = (tc_span){ txb[i], 1 };
            } else if (i % 11 == 10) {
                txb[i][0] = 'd';
                fx_dev_id(txb[i] + 1, dev);
                txs[i] = (tc_span){ txb[i], 17 };
            } else {
                size_t n = fx_dev_tx(txb[i], sizeof txb[i], dev, 1 + dev % 3, dev % 2 ? "m-odd" : "m-even",
                                     b % 2 ? "red" : "blue", (uint64_t)b + 1);
                if (!n) return TC_ERR_INVALID_ARG;
                txs[i] = (tc_span){ txb[i], n };
            }
        }
        int rc = fx_make_block(a, &blocks[b], &lens[b], txs, TPB, 1);
        if (rc) return rc;
    }
    return 0;
}

static void test_two_stores_agree_and_reopen(void)
{
    char pa[450], pb[450];
    path_in(pa, sizeof pa, "a.db");
    path_in(pb, sizeof pb, "b.db");
    tc_store *a, *b;
    tc_err err;
    uint8_t *blocks[NB] = {0};
    size_t lens[NB];
    CHECK_OK(fx_open_genesis(&a, pa));
    CHECK_OK(fx_open_genesis(&b, pb));
    CHECK_OK(build(a, blocks, lens));
    CHECK_EQ(tc_store_height(a), NB);
    for (int i = 0; i < NB; i++) {
        /* a tampered copy is refused and changes nothing */
        uint8_t *bad = tc_malloc(lens[i]);
        memcpy(bad, blocks[i], lens[i]);
        bad[lens[i] - 3] ^= 0x40; /* inside the last transaction */
        int rc = tc_store_commit_block(b, &err, bad, lens[i], 1);
        tc_free(bad);
        CHECK(rc != 0);
        CHECK_EQ(tc_store_height(b), (uint64_t)i);
        CHECK_OK(tc_store_check(b, &err));
        CHECK_OK(tc_store_commit_block(b, &err, blocks[i], lens[i], 1));
        /* the same block again is out of sequence */
        CHECK_ERR(tc_store_commit_block(b, &err, blocks[i], lens[i], 1), TC_ERR_BLOCK_SEQUENCE);
    }
    for (uint64_t h = 1; h <= NB; h++) {
        tc_header ha, hb;
        uint8_t ia[32], ib[32];
        CHECK_OK(tc_store_header(a, &ha, ia, h));
        CHECK_OK(tc_store_header(b, &hb, ib, h));
        CHECK_MEM(ia, ib, 32);
        CHECK_MEM(ha.state_root, hb.state_root, 32);
        CHECK_MEM(ha.history_root, hb.history_root, 32);
        CHECK_EQ(ha.history_size, h * TPB);
        /* the stored block is byte-identical to the one committed */
        uint8_t *raw;
        size_t n;
        CHECK_OK(tc_store_block(b, &raw, &n, h));
        CHECK_EQ(n, lens[h - 1]);
        CHECK_MEM(raw, blocks[h - 1], n);
        tc_free(raw);
    }
    /* results are recorded: an 'X' transaction was rejected with its message */
    uint8_t th[32];
    uint64_t height;
    uint32_t idx;
    int code;
    char msg[128];
    tc_sha256(th, "X", 1);
    CHECK_OK(tc_store_tx_result(b, &height, &idx, &code, msg, sizeof msg, th));
    CHECK_EQ(code, TC_ERR_LEDGER_UNAUTHORIZED);
    CHECK(strstr(msg, "fixture rejects X") != NULL);
    CHECK_EQ(height, 1);
    CHECK_EQ(idx, 8);
    /* and provable in the history tree: leaf = SHA-256(tx) || code */
    tc_header last;
    CHECK_OK(tc_store_header(b, &last, NULL, NB));
    uint8_t path[TC_HIST_MAX_PROOF * 32], leaf[TC_HIST_LEAF_LEN], lh[32];
    size_t np;
    CHECK_OK(tc_store_history_prove(b, path, TC_HIST_MAX_PROOF, &np, 8, last.history_size));
    tc_block_hist_leaf(leaf, (const uint8_t *)"X", 1, code);
    tc_hist_leaf_hash(lh, leaf, sizeof leaf);
    CHECK_OK(tc_hist_verify_inclusion(last.history_root, 8, last.history_size, lh, path, np));
    tc_store_close(a);
    tc_store_close(b);
    /* reopen: same height, same last id, consistent */
    uint8_t id1[32], id2[32];
    CHECK_OK(tc_store_open(&b, &err, pb, fx_apply));
    CHECK_EQ(tc_store_height(b), NB);
    CHECK_OK(tc_store_check(b, &err));
    tc_store_last_id(b, id1);
    CHECK_OK(tc_header_id(id2, &last));
    CHECK_MEM(id1, id2, 32);
    /* state as of every height matches that height's root (proof check) */
    for (uint64_t h = 0; h <= NB; h++) {
        tc_header hh;
        uint8_t root[32];
        if (h == 0) continue; /* genesis: no header */
        CHECK_OK(tc_store_header(b, &hh, NULL, h));
        memcpy(root, hh.state_root, 32);
        for (uint32_t dv = 0; dv < 50; dv += 7) {
            uint8_t key[17] = { 'D' }, val[700], proof[TC_SMT_PROOF_MAX], kh[32], vh[32];
            size_t vl, pl;
            fx_dev_id(key + 1, dv);
            tc_sha256(kh, key, 17);
            int rc = tc_store_state_get(b, val, sizeof val, &vl, h, key, 17);
            CHECK_OK(tc_store_state_prove(b, proof, sizeof proof, &pl, h, key, 17));
            if (rc == 0) {
                tc_sha256(vh, val, vl);
                CHECK_OK(tc_smt_verify(root, kh, vh, proof, pl));
            } else {
                CHECK_ERR(rc, TC_ERR_NOT_FOUND);
                CHECK_OK(tc_smt_verify(root, kh, NULL, proof, pl));
            }
        }
    }
    tc_store_close(b);
    for (int i = 0; i < NB; i++) tc_free(blocks[i]);
}

/* A schema-1 file (no anchor digest table) is upgraded in place at open. */
static void test_schema_1_upgraded(void)
{
    char p[450];
    path_in(p, sizeof p, "schema1.db");
    tc_store *s;
    tc_err err;
    CHECK_OK(fx_open_genesis(&s, p));
    uint64_t h = tc_store_height(s);
    tc_store_close(s);
    sqlite3 *db;
    CHECK(sqlite3_open(p, &db) == SQLITE_OK);
    CHECK(sqlite3_exec(db, "DROP TABLE anchor_digest; UPDATE meta SET v = 1 WHERE k = 'schema'",
                       NULL, NULL, NULL) == SQLITE_OK);
    sqlite3_close(db);
    tc_err_clear(&err);
    CHECK_OK(tc_store_open(&s, &err, p, fx_apply));
    CHECK_EQ(tc_store_height(s), h);
    tc_store_close(s);
    sqlite3_stmt *st;
    CHECK(sqlite3_open(p, &db) == SQLITE_OK);
    CHECK(sqlite3_prepare_v2(db, "SELECT v FROM meta WHERE k = 'schema'", -1, &st, NULL) == SQLITE_OK);
    CHECK(sqlite3_step(st) == SQLITE_ROW);
    CHECK_EQ(sqlite3_column_int64(st, 0), TC_STORE_SCHEMA);
    sqlite3_finalize(st);
    CHECK(sqlite3_exec(db, "SELECT count(*) FROM anchor_digest", NULL, NULL, NULL) == SQLITE_OK);
    sqlite3_close(db);
}

static void test_newer_schema_refused(void)
{
    char p[450];
    path_in(p, sizeof p, "schema.db");
    tc_store *s;
    tc_err err;
    CHECK_OK(fx_open_genesis(&s, p));
    tc_store_close(s);
    sqlite3 *db;
    CHECK(sqlite3_open(p, &db) == SQLITE_OK);
    CHECK(sqlite3_exec(db, "UPDATE meta SET v = 99 WHERE k = 'schema'", NULL, NULL, NULL) == SQLITE_OK);
    sqlite3_close(db);
    tc_err_clear(&err);
    CHECK_ERR(tc_store_open(&s, &err, p, fx_apply), TC_ERR_STORE_VERSION);
    CHECK(strstr(err.msg, "newer") != NULL);
    /* not a database at all */
    path_in(p, sizeof p, "junk.db");
    FILE *f = fopen(p, "wb");
    CHECK(f != NULL);
    for (int i = 0; i < 4096; i++) fputc(i * 7, f);
    fclose(f);
    CHECK(tc_store_open(&s, &err, p, fx_apply) != 0);
}

static void test_disk_full(void)
{
    char p[450];
    path_in(p, sizeof p, "full.db");
    tc_store *s;
    tc_err err;
    CHECK_OK(fx_open_genesis(&s, p));
    uint8_t txb[64][600];
    tc_span txs[64];
    uint8_t *blk;
    size_t len;
    for (int i = 0; i < 64; i++) {
        size_t n = fx_dev_tx(txb[i], sizeof txb[i], (uint32_t)i, 1, "m", "red", 1);
        txs[i] = (tc_span){ txb[i], n };
    }
    CHECK_OK(fx_make_block(s, &blk, &len, txs, 64, 1));
    tc_free(blk);
    tc_header before;
    uint8_t before_id[32];
    CHECK_OK(tc_store_header(s, &before, before_id, 1));
    for (int i = 0; i < 64; i++) {
        size_t n = fx_dev_tx(txb[i], sizeof txb[i], (uint32_t)(1000 + i), 2, "m2", "green", 2);
        txs[i] = (tc_span){ txb[i], n };
    }
    tc_header h;
    fx_next_header(s, &h);
    int rc = tc_store_propose(s, &err, &h, txs, 64, 1);
    CHECK_OK(rc);
    /* cap the file at its current size: the next block cannot fit */
    sqlite3 *db;
    CHECK(sqlite3_open(p, &db) == SQLITE_OK);
    sqlite3_stmt *st;
    int64_t pages = 0;
    CHECK(sqlite3_prepare_v2(db, "PRAGMA page_count", -1, &st, NULL) == SQLITE_OK);
    if (sqlite3_step(st) == SQLITE_ROW) pages = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    CHECK(pages > 0);
    CHECK_OK(tc_store_set_max_pages(s, (uint64_t)pages));
    tc_span none = { NULL, 0 };
    uint8_t *raw = tc_malloc(1 << 16);
    CHECK_OK(tc_block_encode(raw, 1 << 16, &len, &h, txs, 64, none, NULL, 0));
    tc_err_clear(&err);
    rc = tc_store_commit_block(s, &err, raw, len, 1);
    CHECK_ERR(rc, TC_ERR_DISK_FULL);
    CHECK(strstr(err.msg, "disk full") != NULL);
    CHECK_EQ(tc_store_height(s), 1);
    CHECK_OK(tc_store_check(s, &err));
    /* room again: the same block commits */
    CHECK_OK(tc_store_set_max_pages(s, 1u << 30));
    CHECK_OK(tc_store_commit_block(s, &err, raw, len, 1));
    CHECK_EQ(tc_store_height(s), 2);
    tc_free(raw);
    tc_store_close(s);
    /* reopen after it all: block 1 intact */
    CHECK_OK(tc_store_open(&s, &err, p, fx_apply));
    CHECK_OK(tc_store_check(s, &err));
    tc_header again;
    uint8_t again_id[32];
    CHECK_OK(tc_store_header(s, &again, again_id, 1));
    CHECK_MEM(again_id, before_id, 32);
    tc_store_close(s);
}

/* A block that fails after its state values were written (a trigger makes
 * the block row insert fail) is rolled back whole, and the store's caches
 * with it: the same block then commits, reading the values as they were. */
static void test_rollback_after_state_write(void)
{
    char p[450];
    path_in(p, sizeof p, "rollback.db");
    tc_store *s;
    tc_err err;
    CHECK_OK(fx_open_genesis(&s, p));
    uint8_t txb[8][600];
    tc_span txs[8];
    uint8_t *blk;
    size_t len;
    for (int i = 0; i < 8; i++)
        txs[i] = (tc_span){ txb[i], fx_dev_tx(txb[i], sizeof txb[i], (uint32_t)i, 1, "m", "red", 1) };
    CHECK_OK(fx_make_block(s, &blk, &len, txs, 8, 1));
    tc_free(blk);
    for (int i = 0; i < 8; i++)
        txs[i] = (tc_span){ txb[i], fx_dev_tx(txb[i], sizeof txb[i], (uint32_t)(100 + i), 2, "m2", "green", 2) };
    tc_header h;
    fx_next_header(s, &h);
    CHECK_OK(tc_store_propose(s, &err, &h, txs, 8, 1));
    tc_span none = { NULL, 0 };
    uint8_t *raw = tc_malloc(1 << 16);
    CHECK(raw != NULL);
    CHECK_OK(tc_block_encode(raw, 1 << 16, &len, &h, txs, 8, none, NULL, 0));
    sqlite3 *db;
    CHECK(sqlite3_open(p, &db) == SQLITE_OK);
    CHECK(sqlite3_exec(db, "CREATE TRIGGER no_block AFTER INSERT ON blocks BEGIN SELECT RAISE(ABORT, 'test');"
                           " END", NULL, NULL, NULL) == SQLITE_OK);
    CHECK(tc_store_commit_block(s, &err, raw, len, 1) != 0);
    CHECK_EQ(tc_store_height(s), 1);
    /* the current values are those of block 1: block 2's device is absent */
    uint8_t key[17] = { 'D' }, val[600];
    size_t vlen;
    memcpy(key + 1, txb[0] + 1, 16);
    CHECK_ERR(tc_kv_get(tc_store_values(s), val, sizeof val, &vlen, key, sizeof key), TC_ERR_NOT_FOUND);
    CHECK(sqlite3_exec(db, "DROP TRIGGER no_block", NULL, NULL, NULL) == SQLITE_OK);
    sqlite3_close(db);
    tc_err_clear(&err);
    CHECK_MSG(tc_store_commit_block(s, &err, raw, len, 1) == 0, "%s", err.msg);
    CHECK_EQ(tc_store_height(s), 2);
    CHECK_OK(tc_kv_get(tc_store_values(s), val, sizeof val, &vlen, key, sizeof key));
    CHECK_OK(tc_store_check(s, &err));
    tc_free(raw);
    tc_store_close(s);
}

/* The kept dry run: proposing the same block again gives the same header;
 * a block that carries another block's header with its own transactions
 * is still refused (the kept run is named by the transactions' own root);
 * committing the proposed block replays it, and a store that never
 * proposed it (full execution) ends with the same state root. */
static void test_dry_run_kept(void)
{
    char p1[450], p2[450];
    path_in(p1, sizeof p1, "dry1.db");
    path_in(p2, sizeof p2, "dry2.db");
    tc_store *s, *t;
    tc_err err;
    CHECK_OK(fx_open_genesis(&s, p1));
    CHECK_OK(fx_open_genesis(&t, p2));
    uint8_t txa[4][600], txb[4][600];
    tc_span a[4], b[4];
    for (int i = 0; i < 4; i++) {
        a[i] = (tc_span){ txa[i], fx_dev_tx(txa[i], sizeof txa[i], (uint32_t)i, 1, "m", "red", 1) };
        b[i] = (tc_span){ txb[i], fx_dev_tx(txb[i], sizeof txb[i], (uint32_t)(50 + i), 1, "m", "blue", 1) };
    }
    uint8_t *blk;
    size_t len;
    CHECK_OK(fx_make_block(s, &blk, &len, a, 4, 0)); /* proposed, kept */
    tc_header h1, h2;
    fx_next_header(s, &h2);
    CHECK_OK(tc_store_propose(s, &err, &h2, a, 4, 0));
    tc_block bb;
    CHECK_OK(tc_block_decode(&bb, blk, len));
    h1 = bb.header;
    tc_block_free(&bb);
    CHECK_MEM(h2.state_root, h1.state_root, 32);
    CHECK_MEM(h2.tx_root, h1.tx_root, 32);
    /* A's header over B's transactions */
    tc_span none = { NULL, 0 };
    uint8_t *forged = tc_malloc(1 << 16);
    size_t flen;
    CHECK(forged != NULL);
    CHECK_OK(tc_block_encode(forged, 1 << 16, &flen, &h1, b, 4, none, NULL, 0));
    CHECK(tc_store_commit_block(s, &err, forged, flen, 1) != 0);
    CHECK_EQ(tc_store_height(s), 0);
    CHECK_EQ(tc_store_replays(s), 0);
    tc_free(forged);
    /* the real block: replayed here, fully executed in t */
    tc_free(blk);
    CHECK_OK(fx_make_block(s, &blk, &len, a, 4, 0));
    CHECK_OK(tc_store_commit_block(s, &err, blk, len, 1));
    CHECK_EQ(tc_store_replays(s), 1);
    CHECK_OK(tc_store_commit_block(t, &err, blk, len, 0));
    CHECK_EQ(tc_store_replays(t), 0);
    tc_header hs, ht;
    CHECK_OK(tc_store_header(s, &hs, NULL, 1));
    CHECK_OK(tc_store_header(t, &ht, NULL, 1));
    CHECK_MEM(hs.state_root, ht.state_root, 32);
    CHECK_OK(tc_store_check(s, &err));
    CHECK_OK(tc_store_check(t, &err));
    tc_free(blk);
    tc_store_close(s);
    tc_store_close(t);
}

int main(void)
{
    tc_crypto_init();
    fx_tmpdir(dir, sizeof dir, "store");
    RUN(test_two_stores_agree_and_reopen);
    RUN(test_newer_schema_refused);
    RUN(test_rollback_after_state_write);
    RUN(test_dry_run_kept);
    RUN(test_schema_1_upgraded);
    RUN(test_disk_full);
    fx_rm(dir);
    return test_summary();
}
