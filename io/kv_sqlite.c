/* SQLite tc_kv backend (DESIGN.md, Parts: storage; Node: "one SQLite
 * database per node (WAL mode) ... one SQL transaction and one fsync per
 * block").
 *
 * One table kv(k BLOB PRIMARY KEY, v BLOB) WITHOUT ROWID: the key is the
 * clustered index, so a scan is a B-tree range walk in bytewise (memcmp,
 * then length) order, the order tc_kv promises. Statements are prepared
 * once and reused. begin/commit map to one SQL transaction (BEGIN
 * IMMEDIATE, so a competing writer shows up at begin, not at commit).
 * synchronous=FULL: a commit is on disk when it returns.
 *
 * A scan callback must not write to the same kv. */
#include "tc/kv.h"

#include <assert.h>
#include <sqlite3.h>
#include <string.h>

#include "tc/alloc.h"
#include "tc/errors.h"

#define KV_SQLITE_BUSY_MS 2000

enum { S_GET, S_PUT, S_DEL, S_SCAN, S_SCAN_END, S_BEGIN, S_COMMIT, S_ROLLBACK, S_PUT_MANY, S__N };

/* Rows per multi-row insert: each statement run has a fixed cost (VDBE
 * start and halt) that a single-row insert pays per row; 32 rows per
 * statement measured 35% less time per row. */
#define KV_PUT_MANY 32
#define R2 "(?,?),(?,?),"
#define R8 R2 R2 R2 R2

static const char *const stmt_sql[S__N] = {
    "SELECT v FROM kv WHERE k = ?1",
    "INSERT OR REPLACE INTO kv(k, v) VALUES (?1, ?2)",
    "DELETE FROM kv WHERE k = ?1",
    "SELECT k, v FROM kv WHERE k >= ?1 ORDER BY k",
    "SELECT k, v FROM kv WHERE k >= ?1 AND k < ?2 ORDER BY k",
    "BEGIN IMMEDIATE",
    "COMMIT",
    "ROLLBACK",
    "INSERT OR REPLACE INTO kv(k, v) VALUES " R8 R8 R8 R2 R2 R2 "(?,?),(?,?)", /* 32 rows */
};

typedef struct kv_sqlite {
    tc_kv base;
    sqlite3 *db;
    sqlite3_stmt *st[S__N];
    int in_txn;
    int borrowed; /* tc_kv_sqlite_wrap: the connection belongs to the caller */
} kv_sqlite;

static int map_rc(int rc)
{
    switch (rc & 0xff) {
    case SQLITE_OK: case SQLITE_DONE: case SQLITE_ROW: return TC_OK;
    case SQLITE_FULL: return TC_ERR_DISK_FULL;
    case SQLITE_BUSY: case SQLITE_LOCKED: return TC_ERR_STORE_BUSY;
    case SQLITE_NOMEM: return TC_ERR_NOMEM;
    case SQLITE_IOERR: return TC_ERR_IO;
    case SQLITE_CORRUPT: case SQLITE_NOTADB: return TC_ERR_CORRUPT;
    default: return TC_ERR_STORE_SQL;
    }
}

/* sqlite3_bind_blob with a NULL pointer binds SQL NULL; an empty blob
 * needs a non-NULL pointer. */
static int bind(sqlite3_stmt *s, int i, const uint8_t *p, size_t n)
{
    static const uint8_t empty[1] = { 0 };
    return sqlite3_bind_blob64(s, i, n ? (const void *)p : (const void *)empty, n, SQLITE_STATIC);
}

/* Runs a statement without result rows and resets it. */
static int run(sqlite3_stmt *s)
{
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return rc == SQLITE_DONE ? TC_OK : map_rc(rc);
}

static int sq_get(tc_kv *kv, uint8_t *val, size_t cap, size_t *val_len,
                  const uint8_t *key, size_t key_len)
{
    kv_sqlite *q = (kv_sqlite *)kv;
    sqlite3_stmt *s = q->st[S_GET];
    int rc = bind(s, 1, key, key_len);
    if (rc == SQLITE_OK) rc = sqlite3_step(s);
    int out;
    if (rc == SQLITE_ROW) {
        const void *v = sqlite3_column_blob(s, 0);
        size_t n = (size_t)sqlite3_column_bytes(s, 0);
        *val_len = n;
        if (cap < n) out = TC_ERR_BUFFER_TOO_SMALL;
        else { if (n) memcpy(val, v, n); out = TC_OK; }
    } else if (rc == SQLITE_DONE) {
        out = TC_ERR_NOT_FOUND;
    } else {
        out = map_rc(rc);
    }
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return out;
}

static int sq_put(tc_kv *kv, const uint8_t *key, size_t key_len, const uint8_t *val, size_t val_len)
{
    kv_sqlite *q = (kv_sqlite *)kv;
    sqlite3_stmt *s = q->st[S_PUT];
    int rc = bind(s, 1, key, key_len);
    if (rc == SQLITE_OK) rc = bind(s, 2, val, val_len);
    if (rc != SQLITE_OK) { sqlite3_clear_bindings(s); return rc == SQLITE_TOOBIG ? TC_ERR_LIMIT : map_rc(rc); }
    return run(s);
}

static int sq_put_many(tc_kv *kv, const tc_kv_item *it, size_t n)
{
    kv_sqlite *q = (kv_sqlite *)kv;
    sqlite3_stmt *s = q->st[S_PUT_MANY];
    size_t i = 0;
    for (; i + KV_PUT_MANY <= n; i += KV_PUT_MANY) {
        int rc = SQLITE_OK;
        for (int r = 0; r < KV_PUT_MANY && rc == SQLITE_OK; r++) {
            rc = bind(s, 2 * r + 1, it[i + (size_t)r].key, it[i + (size_t)r].key_len);
            if (rc == SQLITE_OK) rc = bind(s, 2 * r + 2, it[i + (size_t)r].val, it[i + (size_t)r].val_len);
        }
        if (rc != SQLITE_OK) {
            sqlite3_clear_bindings(s);
            return rc == SQLITE_TOOBIG ? TC_ERR_LIMIT : map_rc(rc);
        }
        if ((rc = run(s))) return rc;
    }
    for (; i < n; i++) {
        int rc = sq_put(kv, it[i].key, it[i].key_len, it[i].val, it[i].val_len);
        if (rc) return rc;
    }
    return TC_OK;
}

static int sq_del(tc_kv *kv, const uint8_t *key, size_t key_len)
{
    kv_sqlite *q = (kv_sqlite *)kv;
    sqlite3_stmt *s = q->st[S_DEL];
    int rc = bind(s, 1, key, key_len);
    if (rc != SQLITE_OK) { sqlite3_clear_bindings(s); return map_rc(rc); }
    return run(s);
}

static int sq_scan(tc_kv *kv, const uint8_t *start, size_t start_len, const uint8_t *end,
                   size_t end_len, tc_kv_scan_fn fn, void *ctx)
{
    kv_sqlite *q = (kv_sqlite *)kv;
    assert(fn);
    int which = end ? S_SCAN_END : S_SCAN;
    sqlite3_stmt *s = q->st[which], *own = NULL;
    if (sqlite3_stmt_busy(s)) { /* a nested scan from a callback: use a fresh statement */
        if (sqlite3_prepare_v2(q->db, stmt_sql[which], -1, &own, NULL) != SQLITE_OK)
            return TC_ERR_STORE_SQL;
        s = own;
    }
    int rc = bind(s, 1, start, start ? start_len : 0);
    if (rc == SQLITE_OK && end) rc = bind(s, 2, end, end_len);
    int out = TC_OK;
    while (rc == SQLITE_OK || rc == SQLITE_ROW) {
        rc = sqlite3_step(s);
        if (rc != SQLITE_ROW) break;
        const uint8_t *k = sqlite3_column_blob(s, 0);
        size_t kl = (size_t)sqlite3_column_bytes(s, 0);
        const uint8_t *v = sqlite3_column_blob(s, 1);
        size_t vl = (size_t)sqlite3_column_bytes(s, 1);
        static const uint8_t empty[1] = { 0 };
        out = fn(ctx, k ? k : empty, kl, v ? v : empty, vl);
        if (out) break;
    }
    if (!out && rc != SQLITE_DONE) out = map_rc(rc);
    if (own) sqlite3_finalize(own);
    else { sqlite3_reset(s); sqlite3_clear_bindings(s); }
    return out;
}

static int sq_begin(tc_kv *kv)
{
    kv_sqlite *q = (kv_sqlite *)kv;
    if (q->in_txn) return TC_ERR_STATE;
    int rc = run(q->st[S_BEGIN]);
    if (rc == TC_OK) q->in_txn = 1;
    return rc;
}

static int sq_commit(tc_kv *kv)
{
    kv_sqlite *q = (kv_sqlite *)kv;
    if (!q->in_txn) return TC_ERR_STATE;
    int rc = run(q->st[S_COMMIT]);
    /* A failed COMMIT (e.g. busy) leaves the transaction open; a full disk
     * rolls it back automatically. Track what SQLite says. */
    if (rc == TC_OK || sqlite3_get_autocommit(q->db)) q->in_txn = 0;
    return rc;
}

static int sq_rollback(tc_kv *kv)
{
    kv_sqlite *q = (kv_sqlite *)kv;
    if (!q->in_txn) return TC_ERR_STATE;
    q->in_txn = 0;
    if (sqlite3_get_autocommit(q->db)) return TC_OK; /* SQLite already rolled back */
    return run(q->st[S_ROLLBACK]);
}

static void sq_close(tc_kv *kv)
{
    kv_sqlite *q = (kv_sqlite *)kv;
    if (q->in_txn && !sqlite3_get_autocommit(q->db)) run(q->st[S_ROLLBACK]);
    for (int i = 0; i < S__N; i++) sqlite3_finalize(q->st[i]);
    if (!q->borrowed) sqlite3_close(q->db);
    tc_free(q);
}

static const tc_kv_vtbl kv_sqlite_vtbl = {
    sq_get, sq_put, sq_del, sq_scan, sq_begin, sq_commit, sq_rollback, sq_close, sq_put_many,
};

/* Sets WAL mode and checks that SQLite accepted it (it silently keeps the
 * old mode on some file systems). */
static int set_wal(sqlite3 *db)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(db, "PRAGMA journal_mode=WAL", -1, &s, NULL) != SQLITE_OK)
        return TC_ERR_STORE_OPEN;
    int rc = sqlite3_step(s), ok = 0;
    if (rc == SQLITE_ROW) {
        const unsigned char *m = sqlite3_column_text(s, 0);
        ok = m && strcmp((const char *)m, "wal") == 0;
    }
    sqlite3_finalize(s);
    if (rc == SQLITE_BUSY) return TC_ERR_STORE_BUSY;
    return ok ? TC_OK : TC_ERR_STORE_OPEN;
}

int tc_kv_sqlite_open(tc_kv **out, const char *path)
{
    assert(out && path);
    *out = NULL;
    kv_sqlite *q = tc_calloc(1, sizeof *q);
    if (!q) return TC_ERR_NOMEM;
    q->base.v = &kv_sqlite_vtbl;
    int rc = sqlite3_open_v2(path, &q->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
                             | SQLITE_OPEN_NOMUTEX, NULL);
    int err = rc == SQLITE_OK ? TC_OK : TC_ERR_STORE_OPEN;
    if (!err) sqlite3_busy_timeout(q->db, KV_SQLITE_BUSY_MS);
    if (!err) err = set_wal(q->db);
    if (!err && sqlite3_exec(q->db, "PRAGMA synchronous=FULL", NULL, NULL, NULL) != SQLITE_OK)
        err = TC_ERR_STORE_OPEN;
    if (!err) {
        rc = sqlite3_exec(q->db, "CREATE TABLE IF NOT EXISTS kv(k BLOB PRIMARY KEY, v BLOB NOT NULL)"
                          " WITHOUT ROWID", NULL, NULL, NULL);
        if (rc != SQLITE_OK) err = (rc & 0xff) == SQLITE_BUSY ? TC_ERR_STORE_BUSY : TC_ERR_STORE_OPEN;
    }
    for (int i = 0; !err && i < S__N; i++)
        if (sqlite3_prepare_v3(q->db, stmt_sql[i], -1, SQLITE_PREPARE_PERSISTENT, &q->st[i], NULL)
            != SQLITE_OK)
            err = TC_ERR_STORE_OPEN;
    if (err) {
        for (int i = 0; i < S__N; i++) sqlite3_finalize(q->st[i]);
        sqlite3_close(q->db);
        tc_free(q);
        return err;
    }
    *out = &q->base;
    return TC_OK;
}

/* The store (io/store*.c) keeps Merkle nodes in the same database file and
 * the same SQL transaction as its own tables: it wraps its connection. */
int tc_kv_sqlite_wrap(tc_kv **out, sqlite3 *db)
{
    assert(out && db);
    *out = NULL;
    kv_sqlite *q = tc_calloc(1, sizeof *q);
    if (!q) return TC_ERR_NOMEM;
    q->base.v = &kv_sqlite_vtbl;
    q->db = db;
    q->borrowed = 1;
    q->in_txn = !sqlite3_get_autocommit(db);
    int err = TC_OK;
    int rc = sqlite3_exec(db, "CREATE TABLE IF NOT EXISTS kv(k BLOB PRIMARY KEY, v BLOB NOT NULL)"
                          " WITHOUT ROWID", NULL, NULL, NULL);
    if (rc != SQLITE_OK) err = map_rc(rc) ? map_rc(rc) : TC_ERR_STORE_OPEN;
    for (int i = 0; !err && i < S__N; i++)
        if (sqlite3_prepare_v3(db, stmt_sql[i], -1, SQLITE_PREPARE_PERSISTENT, &q->st[i], NULL)
            != SQLITE_OK)
            err = TC_ERR_STORE_OPEN;
    if (err) {
        for (int i = 0; i < S__N; i++) sqlite3_finalize(q->st[i]);
        tc_free(q);
        return err;
    }
    *out = &q->base;
    return TC_OK;
}
