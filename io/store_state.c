/* State values in the store (docs/store.md "Schema: state, state_old"):
 * the current value of every key in `state` (a NULL value is a deletion
 * kept for its height), earlier versions in `state_old`, so a query at any
 * kept height reads the value that height's state root commits to. */
#include <assert.h>
#include <string.h>

#include "tc/alloc.h"
#include "tc/overlay.h"
#include "tc/query.h"

#include "store_priv.h"

static tc_store *store_of(tc_kv *kv) { return (tc_store *)((char *)kv - offsetof(tc_store, values)); }

/* ---- values cache (store_priv.h) ---- */

static tc__vc_slot *vc_slot(tc_store *s, const uint8_t *key, size_t key_len)
{
    if (!s->vc || key_len == 0 || key_len > VC_KEY_MAX) return NULL;
    uint32_t h = 2166136261u; /* FNV-1a: keys are mostly hashes already */
    for (size_t i = 0; i < key_len; i++) h = (h ^ key[i]) * 16777619u;
    return &s->vc[h & (VC_SLOTS - 1)];
}

/* Remembers key -> val (NULL: absent); values too large are forgotten. */
static void vc_put(tc_store *s, const uint8_t *key, size_t key_len, const uint8_t *val, size_t val_len)
{
    tc__vc_slot *c = vc_slot(s, key, key_len);
    if (!c) return;
    if (val && val_len > VC_VAL_MAX) {
        if (c->key_len == key_len && memcmp(c->key, key, key_len) == 0) c->key_len = 0;
        return;
    }
    c->key_len = (uint8_t)key_len;
    memcpy(c->key, key, key_len);
    c->absent = val == NULL;
    c->val_len = (uint16_t)(val ? val_len : 0);
    if (val && val_len) memcpy(c->val, val, val_len);
}

void tc__store_vc_clear(tc_store *s)
{
    if (s->vc) memset(s->vc, 0, VC_SLOTS * sizeof *s->vc);
}

static int val_get(tc_kv *kv, uint8_t *val, size_t cap, size_t *val_len, const uint8_t *key,
                   size_t key_len)
{
    tc_store *s = store_of(kv);
    tc__vc_slot *c = vc_slot(s, key, key_len);
    if (c && c->key_len == key_len && memcmp(c->key, key, key_len) == 0) {
        if (c->absent) return TC_ERR_NOT_FOUND;
        *val_len = c->val_len;
        if (cap < c->val_len) return TC_ERR_BUFFER_TOO_SMALL;
        memcpy(val, c->val, c->val_len);
        return 0;
    }
    sqlite3_stmt *st = s->q[Q_VAL_GET];
    tc__store_bind(st, 1, key, key_len);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW || sqlite3_column_type(st, 1) == SQLITE_NULL) {
        sqlite3_reset(st);
        if (rc == SQLITE_ROW || rc == SQLITE_DONE) {
            vc_put(s, key, key_len, NULL, 0);
            return TC_ERR_NOT_FOUND;
        }
        return tc__store_rc(rc);
    }
    size_t n = (size_t)sqlite3_column_bytes(st, 1);
    *val_len = n;
    rc = 0;
    if (cap < n) rc = TC_ERR_BUFFER_TOO_SMALL;
    else if (n) {
        memcpy(val, sqlite3_column_blob(st, 1), n);
        vc_put(s, key, key_len, val, n);
    }
    sqlite3_reset(st);
    return rc;
}

static int val_ro(tc_kv *kv)
{
    (void)kv;
    assert(!"the store's values view is read-only");
    return TC_ERR_UNSUPPORTED;
}
static int val_put(tc_kv *kv, const uint8_t *k, size_t kl, const uint8_t *v, size_t vl)
{ (void)k; (void)kl; (void)v; (void)vl; return val_ro(kv); }
static int val_del(tc_kv *kv, const uint8_t *k, size_t kl) { (void)k; (void)kl; return val_ro(kv); }
static void val_close(tc_kv *kv) { (void)kv; }

static int val_scan(tc_kv *kv, const uint8_t *start, size_t start_len, const uint8_t *end,
                    size_t end_len, tc_kv_scan_fn fn, void *ctx)
{
    tc_store *s = store_of(kv);
    sqlite3_stmt *st = s->q[end ? Q_VAL_SCAN_END : Q_VAL_SCAN];
    /* A statement in use by an outer scan cannot be re-entered: nested
     * scans get their own (rare: rules scan one prefix at a time). */
    sqlite3_stmt *own = NULL;
    if (sqlite3_stmt_busy(st)) {
        if (sqlite3_prepare_v2(s->db, sqlite3_sql(st), -1, &own, NULL) != SQLITE_OK) return TC_ERR_STORE_SQL;
        st = own;
    }
    tc__store_bind(st, 1, start, start_len);
    if (end) tc__store_bind(st, 2, end, end_len);
    int rc, out = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        out = fn(ctx, sqlite3_column_blob(st, 0), (size_t)sqlite3_column_bytes(st, 0),
                 sqlite3_column_blob(st, 1), (size_t)sqlite3_column_bytes(st, 1));
        if (out) break;
    }
    if (!out && rc != SQLITE_DONE) out = tc__store_rc(rc);
    if (own) sqlite3_finalize(own);
    else { sqlite3_reset(st); sqlite3_clear_bindings(st); }
    return out;
}

static const tc_kv_vtbl values_vtbl = {
    val_get, val_put, val_del, val_scan, val_ro, val_ro, val_ro, val_close, NULL,
};

void tc__store_values_init(tc_store *s)
{
    s->values.v = &values_vtbl;
    s->vc = tc_calloc(VC_SLOTS, sizeof *s->vc); /* NULL: uncached, still correct */
}
tc_kv *tc_store_values(tc_store *s) { return &s->values; }

int tc_store_state_get(tc_store *s, uint8_t *val, size_t cap, size_t *val_len, uint64_t height,
                       const uint8_t *key, size_t key_len)
{
    if (!s->has_genesis || height > s->height) return TC_ERR_NOT_FOUND;
    sqlite3_stmt *st = s->q[Q_VAL_GET];
    tc__store_bind(st, 1, key, key_len);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW && (uint64_t)sqlite3_column_int64(st, 0) > height) {
        /* changed after `height`: the version in force then is older */
        sqlite3_reset(st);
        st = s->q[Q_VAL_AT];
        tc__store_bind(st, 1, key, key_len);
        sqlite3_bind_int64(st, 2, (sqlite3_int64)height);
        rc = sqlite3_step(st);
        if (rc == SQLITE_ROW) {
            /* same column layout trick: value is column 0 here */
            int null = sqlite3_column_type(st, 0) == SQLITE_NULL;
            size_t n = (size_t)sqlite3_column_bytes(st, 0);
            int out = null ? TC_ERR_NOT_FOUND : 0;
            if (!null) {
                *val_len = n;
                if (cap < n) out = TC_ERR_BUFFER_TOO_SMALL;
                else if (n) memcpy(val, sqlite3_column_blob(st, 0), n);
            }
            sqlite3_reset(st);
            return out;
        }
        sqlite3_reset(st);
        return rc == SQLITE_DONE ? TC_ERR_NOT_FOUND : tc__store_rc(rc);
    }
    if (rc != SQLITE_ROW || sqlite3_column_type(st, 1) == SQLITE_NULL) {
        sqlite3_reset(st);
        return rc == SQLITE_ROW || rc == SQLITE_DONE ? TC_ERR_NOT_FOUND : tc__store_rc(rc);
    }
    size_t n = (size_t)sqlite3_column_bytes(st, 1);
    *val_len = n;
    int out = 0;
    if (cap < n) out = TC_ERR_BUFFER_TOO_SMALL;
    else if (n) memcpy(val, sqlite3_column_blob(st, 1), n);
    sqlite3_reset(st);
    return out;
}

int tc_store_state_prove(tc_store *s, uint8_t *out, size_t cap, size_t *out_len, uint64_t height,
                         const uint8_t *key, size_t key_len)
{
    if (!s->has_genesis || height > s->height) return TC_ERR_SMT_VERSION;
    uint8_t kh[TC_HASH_LEN];
    tc_sha256(kh, key, key_len);
    return tc_smt_prove(s->smt, out, cap, out_len, height + 1, kh);
}

/* ---- the block's write-set into the tables ---- */

/* Index entries of one record value, collected to diff old against new. */
#define IX_MAX 1024
typedef struct ix_set {
    size_t n;
    uint32_t kind[IX_MAX];
    uint16_t len[IX_MAX];
    uint8_t key[IX_MAX][TC_QUERY_IKEY_MAX];
} ix_set;

struct tc__store_ix {
    ix_set old, cur;
    uint8_t val[TC_STATE_VALUE_MAX];
};

static int collect(void *c, uint32_t kind, const uint8_t *ikey, size_t ikey_len)
{
    ix_set *x = c;
    if (x->n == IX_MAX || ikey_len > TC_QUERY_IKEY_MAX) return TC_ERR_LIMIT;
    x->kind[x->n] = kind;
    x->len[x->n] = (uint16_t)ikey_len;
    memcpy(x->key[x->n++], ikey, ikey_len);
    return 0;
}

static int ix_has(const ix_set *x, uint32_t kind, const uint8_t *k, size_t kl)
{
    for (size_t i = 0; i < x->n; i++)
        if (x->kind[i] == kind && x->len[i] == kl && memcmp(x->key[i], k, kl) == 0) return 1;
    return 0;
}

typedef struct ws_ctx {
    tc_store *s;
    uint64_t height;
} ws_ctx;

static int idx_row(tc_store *s, int q, uint32_t kind, const uint8_t *ikey, size_t ikey_len,
                   const uint8_t *skey, size_t skey_len, uint64_t height)
{
    sqlite3_stmt *st = s->q[q];
    sqlite3_bind_int64(st, 1, kind);
    tc__store_bind(st, 2, ikey, ikey_len);
    tc__store_bind(st, 3, skey, skey_len);
    sqlite3_bind_int64(st, 4, (sqlite3_int64)height);
    return tc__store_run(st);
}

/* Index rows are versioned [from_h, to_h). Only the entries that change
 * are touched: an entry in both the old and the new record keeps its open
 * row (it has been in force since its from_h all along), entries only in
 * the old one are closed at this height, entries only in the new one are
 * opened. A dev.set_attrs then writes 2 index rows instead of closing and
 * reopening all ~6 (owner, maker, model, status, groups, attributes), and
 * no index by state key is needed to find the open rows (schema 1 had
 * idx_open for that: 17 % of the file). */
static int write_index(tc_store *s, uint64_t height, const uint8_t *key, size_t key_len,
                       const uint8_t *val, size_t val_len)
{
    int rc;
    struct tc__store_ix *ix = s->ix;
    if (!ix && !(ix = s->ix = tc_malloc(sizeof *ix))) return TC_ERR_NOMEM;
    ix->old.n = ix->cur.n = 0;
    /* the value in force before this block (a NULL value: deleted, no rows) */
    sqlite3_stmt *st = s->q[Q_VAL_GET];
    tc__store_bind(st, 1, key, key_len);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW && sqlite3_column_type(st, 1) != SQLITE_NULL) {
        size_t n = (size_t)sqlite3_column_bytes(st, 1);
        if (n > sizeof ix->val) { sqlite3_reset(st); return TC_ERR_CORRUPT; }
        memcpy(ix->val, sqlite3_column_blob(st, 1), n);
        sqlite3_reset(st);
        if ((rc = tc_query_index_record(key, key_len, ix->val, n, collect, &ix->old))) return rc;
    } else {
        sqlite3_reset(st);
        if (rc != SQLITE_ROW && rc != SQLITE_DONE) return tc__store_rc(rc);
    }
    /* a deletion (val NULL) closes every old entry */
    if (val && (rc = tc_query_index_record(key, key_len, val, val_len, collect, &ix->cur))) return rc;
    for (size_t i = 0; i < ix->old.n; i++)
        if (!ix_has(&ix->cur, ix->old.kind[i], ix->old.key[i], ix->old.len[i]) &&
            (rc = idx_row(s, Q_IDX_CLOSE_ONE, ix->old.kind[i], ix->old.key[i], ix->old.len[i], key, key_len, height)))
            return rc;
    for (size_t i = 0; i < ix->cur.n; i++)
        if (!ix_has(&ix->old, ix->cur.kind[i], ix->cur.key[i], ix->cur.len[i]) &&
            (rc = idx_row(s, Q_IDX_PUT, ix->cur.kind[i], ix->cur.key[i], ix->cur.len[i], key, key_len, height)))
            return rc;
    return 0;
}

static int write_one(void *c, const uint8_t *key, size_t key_len, const uint8_t *val, size_t val_len)
{
    ws_ctx *w = c;
    tc_store *s = w->s;
    int rc;
    /* before the value changes: the index diff reads the old one */
    if (tc_query_indexed(key, key_len) && (rc = write_index(s, w->height, key, key_len, val, val_len)))
        return rc;
    sqlite3_stmt *st = s->q[Q_VAL_SAVE_OLD];
    tc__store_bind(st, 1, key, key_len);
    if ((rc = tc__store_run(st))) return rc;
    st = s->q[Q_VAL_PUT];
    tc__store_bind(st, 1, key, key_len);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)w->height);
    if (val) tc__store_bind(st, 3, val, val_len);
    else sqlite3_bind_null(st, 3);
    if ((rc = tc__store_run(st))) return rc;
    vc_put(s, key, key_len, val, val_len);
    if (val && key_len == 33 && key[0] == 'A') s->block_anchors++;
    return 0;
}

int tc__store_write_state(tc_store *s, const tc_block_exec *x, uint64_t height)
{
    ws_ctx w = { s, height };
    s->block_anchors = 0;
    return tc_overlay_foreach(x->ov, write_one, &w);
}
