/* The SQLite store: open, schema, reads (include/tc/store.h; docs/store.md
 * "Schema"). Commits are in io/store_commit.c, state reads in
 * io/store_state.c. */
#include <assert.h>
#include <string.h>

#include "tc/alloc.h"
#include "tc/cbor.h"

#include "store_priv.h"

#define STORE_BUSY_MS 5000

/* Schema 2: message digests of accepted anchors -> the transaction that
 * lists them and the leaf index (docs/store.md "Schema"). */
#define ANCHOR_DIGEST_SQL \
    "CREATE TABLE anchor_digest(digest BLOB NOT NULL, height INTEGER NOT NULL, idx INTEGER NOT NULL," \
    " leaf INTEGER NOT NULL, PRIMARY KEY(digest, height, idx)) WITHOUT ROWID;"

static const char *const schema_sql =
    "CREATE TABLE meta(k TEXT PRIMARY KEY, v BLOB) WITHOUT ROWID;"
    "CREATE TABLE blocks(height INTEGER PRIMARY KEY, id BLOB NOT NULL, header BLOB NOT NULL,"
    " last_commit BLOB NOT NULL, evidence BLOB NOT NULL);"
    "CREATE TABLE txs(height INTEGER NOT NULL, idx INTEGER NOT NULL, hash BLOB NOT NULL,"
    " tx BLOB NOT NULL, code INTEGER NOT NULL, msg TEXT NOT NULL, PRIMARY KEY(height, idx))"
    " WITHOUT ROWID;"
    "CREATE INDEX txs_hash ON txs(hash);"
    "CREATE TABLE state(key BLOB PRIMARY KEY, height INTEGER NOT NULL, value BLOB) WITHOUT ROWID;"
    "CREATE TABLE state_old(key BLOB NOT NULL, height INTEGER NOT NULL, value BLOB,"
    " PRIMARY KEY(key, height)) WITHOUT ROWID;"
    "CREATE TABLE idx(kind INTEGER NOT NULL, ikey BLOB NOT NULL, skey BLOB NOT NULL,"
    " from_h INTEGER NOT NULL, to_h INTEGER, PRIMARY KEY(kind, ikey, skey, from_h)) WITHOUT ROWID;"
    ANCHOR_DIGEST_SQL;

static const char *const q_sql[Q__N] = {
    [Q_META_GET] = "SELECT v FROM meta WHERE k = ?1",
    [Q_META_PUT] = "INSERT OR REPLACE INTO meta(k, v) VALUES (?1, ?2)",
    [Q_BLOCK_PUT] = "INSERT INTO blocks(height, id, header, last_commit, evidence)"
                    " VALUES (?1, ?2, ?3, ?4, ?5)",
    [Q_BLOCK_GET] = "SELECT id, header, last_commit, evidence FROM blocks WHERE height = ?1",
    [Q_TX_PUT] = "INSERT INTO txs(height, idx, hash, tx, code, msg) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    [Q_TX_GET] = "SELECT tx FROM txs WHERE height = ?1 ORDER BY idx",
    [Q_TX_BY_HASH] = "SELECT height, idx, code, msg FROM txs WHERE hash = ?1 ORDER BY height LIMIT 1",
    [Q_VAL_GET] = "SELECT height, value FROM state WHERE key = ?1",
    [Q_VAL_SCAN] = "SELECT key, value FROM state WHERE key >= ?1 AND value IS NOT NULL ORDER BY key",
    [Q_VAL_SCAN_END] = "SELECT key, value FROM state WHERE key >= ?1 AND key < ?2"
                       " AND value IS NOT NULL ORDER BY key",
    [Q_VAL_SAVE_OLD] = "INSERT INTO state_old(key, height, value)"
                       " SELECT key, height, value FROM state WHERE key = ?1",
    [Q_VAL_PUT] = "INSERT OR REPLACE INTO state(key, height, value) VALUES (?1, ?2, ?3)",
    [Q_VAL_AT] = "SELECT value FROM state_old WHERE key = ?1 AND height <= ?2"
                 " ORDER BY height DESC LIMIT 1",
    [Q_IDX_CLOSE_ONE] = "UPDATE idx SET to_h = ?4 WHERE kind = ?1 AND ikey = ?2 AND skey = ?3 AND to_h IS NULL",
    [Q_IDX_PUT] = "INSERT OR REPLACE INTO idx(kind, ikey, skey, from_h, to_h) VALUES (?1, ?2, ?3, ?4, NULL)",
    [Q_ANCHOR_PUT] = "INSERT INTO anchor_digest(digest, height, idx, leaf) VALUES (?1, ?2, ?3, ?4)",
    [Q_ANCHOR_GET] = "SELECT height, idx, leaf FROM anchor_digest WHERE digest = ?1 AND height <= ?2"
                     " ORDER BY height, idx LIMIT 1",
    [Q_TX_AT] = "SELECT tx, code FROM txs WHERE height = ?1 AND idx = ?2",
    [Q_BEGIN] = "BEGIN IMMEDIATE",
    [Q_COMMIT] = "COMMIT",
    [Q_ROLLBACK] = "ROLLBACK",
};

int tc__store_rc(int rc)
{
    switch (rc & 0xff) {
    case SQLITE_OK: case SQLITE_DONE: case SQLITE_ROW: return 0;
    case SQLITE_FULL: return TC_ERR_DISK_FULL;
    case SQLITE_BUSY: case SQLITE_LOCKED: return TC_ERR_STORE_BUSY;
    case SQLITE_NOMEM: return TC_ERR_NOMEM;
    case SQLITE_IOERR: return TC_ERR_IO;
    case SQLITE_CORRUPT: case SQLITE_NOTADB: return TC_ERR_CORRUPT;
    default: return TC_ERR_STORE_SQL;
    }
}

int tc__store_run(sqlite3_stmt *st)
{
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {}
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return tc__store_rc(rc);
}

int tc__store_bind(sqlite3_stmt *st, int i, const void *p, size_t n)
{
    static const uint8_t empty[1];
    return tc__store_rc(sqlite3_bind_blob64(st, i, n ? p : empty, n, SQLITE_STATIC));
}

static int meta_get(tc_store *s, const char *k, const void **v, size_t *n, int64_t *iv)
{
    sqlite3_stmt *st = s->q[Q_META_GET];
    sqlite3_bind_text(st, 1, k, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        sqlite3_reset(st);
        return rc == SQLITE_DONE ? TC_ERR_NOT_FOUND : tc__store_rc(rc);
    }
    if (iv) *iv = sqlite3_column_int64(st, 0);
    if (v) { *v = sqlite3_column_blob(st, 0); *n = (size_t)sqlite3_column_bytes(st, 0); }
    return 0; /* caller resets */
}

static int load_meta(tc_store *s, tc_err *err)
{
    const void *v;
    size_t n;
    int64_t iv;
    sqlite3_stmt *st = s->q[Q_META_GET];
    int rc = meta_get(s, "chain_id", &v, &n, NULL);
    if (rc == TC_ERR_NOT_FOUND) return 0; /* no genesis yet */
    if (rc) return tc_err_set(err, rc, "store: reading metadata");
    if (n == 0 || n > TC_CHAIN_ID_MAX) { sqlite3_reset(st); return tc_err_set(err, TC_ERR_CORRUPT, "store: chain id"); }
    memcpy(s->chain_id, v, n);
    s->chain_id_len = n;
    sqlite3_reset(st);
    rc = meta_get(s, "genesis_hash", &v, &n, NULL);
    if (rc || n != TC_HASH_LEN) { sqlite3_reset(st); return tc_err_set(err, TC_ERR_CORRUPT, "store: genesis hash"); }
    memcpy(s->genesis_hash, v, n);
    sqlite3_reset(st);
    rc = meta_get(s, "height", NULL, NULL, &iv);
    sqlite3_reset(st);
    if (rc || iv < 0) return tc_err_set(err, TC_ERR_CORRUPT, "store: height");
    s->has_genesis = 1;
    s->height = (uint64_t)iv;
    memcpy(s->last_id, s->genesis_hash, TC_HASH_LEN);
    if (s->height > 0) {
        rc = tc_store_header(s, &s->last, s->last_id, s->height);
        if (rc) return tc_err_set(err, TC_ERR_CORRUPT, "store: last block %llu", (unsigned long long)s->height);
    }
    return 0;
}

/* Schema 1 -> 2 adds the anchor digest table (schema 1 programs refused
 * anchor body key 5, an unknown field, so no accepted anchor lists digests
 * and the table starts empty) and drops idx_open (index rows are closed
 * from the record's old value now, io/store_state.c). */
static int migrate_1_2(sqlite3 *db, tc_err *err)
{
    char *msg = NULL;
    int rc = sqlite3_exec(db, "BEGIN IMMEDIATE;" ANCHOR_DIGEST_SQL
                          "DROP INDEX IF EXISTS idx_open; UPDATE meta SET v = 2 WHERE k = 'schema'; COMMIT", NULL, NULL, &msg);
    if (rc != SQLITE_OK) {
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
        tc_err_set(err, TC_ERR_STORE_OPEN, "store: upgrading schema 1 to 2: %s", msg ? msg : sqlite3_errstr(rc));
        sqlite3_free(msg);
        return TC_ERR_STORE_OPEN;
    }
    return 0;
}

/* Creates the schema in a fresh file, or checks the version of an old one. */
static int schema(sqlite3 *db, tc_err *err)
{
    sqlite3_stmt *st;
    int64_t ver = -1;
    if (sqlite3_prepare_v2(db, "SELECT v FROM meta WHERE k = 'schema'", -1, &st, NULL) == SQLITE_OK) {
        if (sqlite3_step(st) == SQLITE_ROW) ver = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
        if (ver > TC_STORE_SCHEMA)
            return tc_err_set(err, TC_ERR_STORE_VERSION,
                              "store: database schema %lld is newer than this program's %d",
                              (long long)ver, TC_STORE_SCHEMA);
        if (ver == TC_STORE_SCHEMA) return 0;
        if (ver == 1) return migrate_1_2(db, err);
        if (ver >= 0) return tc_err_set(err, TC_ERR_STORE_VERSION, "store: unknown schema %lld", (long long)ver);
    }
    char *msg = NULL;
    int rc = sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
    if (rc == SQLITE_OK) rc = sqlite3_exec(db, schema_sql, NULL, NULL, &msg);
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(db, "INSERT INTO meta(k, v) VALUES ('schema', 2)", NULL, NULL, &msg);
    if (rc == SQLITE_OK) rc = sqlite3_exec(db, "COMMIT", NULL, NULL, &msg);
    if (rc != SQLITE_OK) {
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
        tc_err_set(err, tc__store_rc(rc) == TC_ERR_STORE_SQL ? TC_ERR_STORE_OPEN : tc__store_rc(rc),
                   "store: creating schema: %s", msg ? msg : sqlite3_errstr(rc));
        sqlite3_free(msg);
        return err ? err->code : TC_ERR_STORE_OPEN;
    }
    return 0;
}

int tc__store_reload_trees(tc_store *s)
{
    tc__store_vc_clear(s); /* it may hold values of the rolled-back block */
    tc_smt_close(s->smt);
    s->smt = NULL;
    int rc = tc_smt_open(&s->smt, s->nodes, TC_STORE_KEEP_VERSIONS);
    if (!rc) rc = tc_hist_reload(s->hist);
    return rc;
}

static int open_db(tc_store *s, tc_err *err, const char *path)
{
    int rc = sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
                             | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) return tc_err_set(err, TC_ERR_STORE_OPEN, "store: %s: %s", path, sqlite3_errstr(rc));
    sqlite3_busy_timeout(s->db, STORE_BUSY_MS);
    sqlite3_stmt *st;
    int wal = 0;
    rc = sqlite3_prepare_v2(s->db, "PRAGMA journal_mode=WAL", -1, &st, NULL);
    if (rc == SQLITE_OK) {
        rc = sqlite3_step(st);
        const unsigned char *m = rc == SQLITE_ROW ? sqlite3_column_text(st, 0) : NULL;
        wal = m && strcmp((const char *)m, "wal") == 0;
        sqlite3_finalize(st);
    }
    if (!wal) {
        int code = (rc & 0xff) == SQLITE_BUSY ? TC_ERR_STORE_BUSY
                 : (rc & 0xff) == SQLITE_NOTADB ? TC_ERR_CORRUPT : TC_ERR_STORE_OPEN;
        return tc_err_set(err, code, "store: %s: cannot use WAL mode", path);
    }
    /* FULL: the WAL is fsynced at every commit, so a commit that returned
     * survives power loss (NORMAL would only protect against crashes). */
    if (sqlite3_exec(s->db, "PRAGMA synchronous=FULL", NULL, NULL, NULL) != SQLITE_OK)
        return tc_err_set(err, TC_ERR_STORE_OPEN, "store: %s: synchronous=FULL", path);
    /* Performance only (bench_ledger profile: pread/pwrite of pages the
     * default 2 MiB cache evicted between blocks): a 64 MiB page cache and
     * temporary b-trees in memory. Durability is unchanged.
     * mmap (up to 4 GiB of the file): reads of the database file map its
     * pages instead of pread + copy; state proofs (~22 node reads each) were
     * the bulk of a query. bench_query at 10^5 devices, alternating runs:
     * page of 20 with proofs p50 2.7-3.0 -> 2.2-3.0 ms, p99 4.5-4.6 -> 3.7-4.3
     * ms of CPU (wall too noisy here to tell).
     * Writes still go through the WAL and its fsync; the cost is that a
     * failing disk read faults (SIGBUS) instead of returning an error. */
    sqlite3_exec(s->db, "PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY; PRAGMA mmap_size=4294967296;"
                 " PRAGMA wal_autocheckpoint=8192",
                 NULL, NULL, NULL);
    return 0;
}

int tc_store_open(tc_store **out, tc_err *err, const char *path, tc_tx_apply_fn apply)
{
    assert(out && path && apply);
    *out = NULL;
    tc_store *s = tc_calloc(1, sizeof *s);
    if (!s) return tc_err_set(err, TC_ERR_NOMEM, NULL);
    s->apply = apply;
    tc__store_values_init(s);
    int rc = open_db(s, err, path);
    if (!rc) rc = schema(s->db, err);
    for (int i = 0; !rc && i < Q__N; i++)
        if (sqlite3_prepare_v3(s->db, q_sql[i], -1, SQLITE_PREPARE_PERSISTENT, &s->q[i], NULL) != SQLITE_OK)
            rc = tc_err_set(err, TC_ERR_STORE_OPEN, "store: preparing: %s", sqlite3_errmsg(s->db));
    if (!rc && (rc = tc_kv_sqlite_wrap(&s->nodes, s->db))) tc_err_set(err, rc, "store: node table");
    if (!rc && (rc = tc_smt_open(&s->smt, s->nodes, TC_STORE_KEEP_VERSIONS))) tc_err_set(err, rc, "store: state tree");
    if (!rc && (rc = tc_hist_open(&s->hist, s->nodes, (const uint8_t *)"h", 1))) tc_err_set(err, rc, "store: history tree");
    if (!rc) rc = load_meta(s, err);
    if (!rc) {
        /* The trees and the block table were committed together: any
         * disagreement is damage, not a crash leftover. */
        uint64_t want_ver = s->has_genesis ? s->height + 1 : 0;
        uint64_t want_hist = s->height ? s->last.history_size : 0;
        if (tc_smt_version(s->smt) != want_ver || tc_hist_stored_size(s->hist) != want_hist)
            rc = tc_err_set(err, TC_ERR_CORRUPT, "store: trees do not match block %llu",
                            (unsigned long long)s->height);
    }
    if (rc) { tc_store_close(s); return rc; }
    *out = s;
    return 0;
}

void tc_store_close(tc_store *s)
{
    if (!s) return;
    tc_hist_close(s->hist);
    tc_smt_close(s->smt);
    tc_kv_close(s->nodes);
    for (int i = 0; i < Q__N; i++) sqlite3_finalize(s->q[i]);
    tc__store_dry_drop(s);
    tc_free(s->ix);
    tc_free(s->vc);
    sqlite3_close(s->db);
    tc_free(s);
}

int tc_store_has_genesis(const tc_store *s) { return s->has_genesis; }
uint64_t tc_store_height(const tc_store *s) { return s->height; }
uint64_t tc_store_replays(const tc_store *s) { return s->replays; }
void tc_store_last_id(const tc_store *s, uint8_t id[TC_HASH_LEN]) { memcpy(id, s->last_id, TC_HASH_LEN); }

int tc_store_header(tc_store *s, tc_header *h, uint8_t id[TC_HASH_LEN], uint64_t height)
{
    sqlite3_stmt *st = s->q[Q_BLOCK_GET];
    sqlite3_bind_int64(st, 1, (sqlite3_int64)height);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        sqlite3_reset(st);
        return rc == SQLITE_DONE ? TC_ERR_NOT_FOUND : tc__store_rc(rc);
    }
    rc = tc_header_decode(h, sqlite3_column_blob(st, 1), (size_t)sqlite3_column_bytes(st, 1));
    if (!rc && id) {
        if (sqlite3_column_bytes(st, 0) != TC_HASH_LEN) rc = TC_ERR_CORRUPT;
        else memcpy(id, sqlite3_column_blob(st, 0), TC_HASH_LEN);
    }
    sqlite3_reset(st);
    return rc ? TC_ERR_CORRUPT : 0;
}

int tc_store_tx_result(tc_store *s, uint64_t *height, uint32_t *index, int *code, char *msg,
                       size_t msg_cap, const uint8_t tx_hash[TC_HASH_LEN])
{
    sqlite3_stmt *st = s->q[Q_TX_BY_HASH];
    tc__store_bind(st, 1, tx_hash, TC_HASH_LEN);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        sqlite3_reset(st);
        return rc == SQLITE_DONE ? TC_ERR_NOT_FOUND : tc__store_rc(rc);
    }
    *height = (uint64_t)sqlite3_column_int64(st, 0);
    *index = (uint32_t)sqlite3_column_int64(st, 1);
    *code = sqlite3_column_int(st, 2);
    if (msg && msg_cap) {
        const char *m = (const char *)sqlite3_column_text(st, 3);
        tc_fmt(msg, msg_cap, "%s", m ? m : "");
    }
    sqlite3_reset(st);
    return 0;
}

int tc_store_history_prove(tc_store *s, uint8_t *out, size_t cap, size_t *n, uint64_t leaf,
                           uint64_t size)
{
    return tc_hist_prove_inclusion(s->hist, out, cap, n, leaf, size);
}

int tc_store_set_max_pages(tc_store *s, uint64_t pages)
{
    char sql[64];
    tc_fmt(sql, sizeof sql, "PRAGMA max_page_count=%llu", (unsigned long long)pages);
    return tc__store_rc(sqlite3_exec(s->db, sql, NULL, NULL, NULL));
}

int tc_store_check(tc_store *s, tc_err *err)
{
    if (!s->has_genesis) return 0;
    uint8_t root[TC_HASH_LEN];
    if (tc_smt_version(s->smt) != s->height + 1)
        return tc_err_set(err, TC_ERR_CORRUPT, "store: state tree version %llu at height %llu",
                          (unsigned long long)tc_smt_version(s->smt), (unsigned long long)s->height);
    if (s->height == 0) return 0;
    int rc = tc_smt_root(s->smt, root, s->height + 1);
    if (rc || memcmp(root, s->last.state_root, TC_HASH_LEN))
        return tc_err_set(err, TC_ERR_CORRUPT, "store: state root differs from block %llu",
                          (unsigned long long)s->height);
    if (tc_hist_stored_size(s->hist) != s->last.history_size)
        return tc_err_set(err, TC_ERR_CORRUPT, "store: history size differs from block %llu",
                          (unsigned long long)s->height);
    tc_hist_root(s->hist, root);
    if (memcmp(root, s->last.history_root, TC_HASH_LEN))
        return tc_err_set(err, TC_ERR_CORRUPT, "store: history root differs from block %llu",
                          (unsigned long long)s->height);
    return 0;
}
