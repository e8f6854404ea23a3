/* The storage interface under the Merkle structures and the ledger
 * (DESIGN.md, Parts: storage). Ordered byte keys to byte values, with
 * transactions; one SQL transaction per block in the SQLite backend.
 *
 * Backends: tc_kv_mem_open (core/kv_mem.c) for unit tests, never the
 * product default; tc_kv_sqlite_open (io/kv_sqlite.c), SQLite in WAL mode,
 * the embedded default.
 *
 * Ownership: every pointer argument is borrowed for the call only; values
 * handed to a scan callback are valid only during that callback. */
#ifndef TC_KV_H
#define TC_KV_H

#include <stddef.h>
#include <stdint.h>

typedef struct tc_kv tc_kv;

/* Scan callback: return 0 to continue, non-zero to stop (returned by scan). */
typedef int (*tc_kv_scan_fn)(void *ctx, const uint8_t *key, size_t key_len,
                             const uint8_t *val, size_t val_len);

/* One write of a tc_kv_put_many batch (pointers borrowed for the call). */
typedef struct tc_kv_item {
    const uint8_t *key, *val;
    size_t key_len, val_len;
} tc_kv_item;

typedef struct tc_kv_vtbl {
    /* TC_ERR_NOT_FOUND if absent; TC_ERR_BUFFER_TOO_SMALL if cap < value
     * length (then *val_len is the length needed and nothing is copied). */
    int (*get)(tc_kv *kv, uint8_t *val, size_t cap, size_t *val_len,
               const uint8_t *key, size_t key_len);
    int (*put)(tc_kv *kv, const uint8_t *key, size_t key_len, const uint8_t *val, size_t val_len);
    /* Deleting an absent key is not an error. */
    int (*del)(tc_kv *kv, const uint8_t *key, size_t key_len);
    /* Keys >= start and < end in bytewise order (end NULL: no upper bound). */
    int (*scan)(tc_kv *kv, const uint8_t *start, size_t start_len, const uint8_t *end,
                size_t end_len, tc_kv_scan_fn fn, void *ctx);
    /* Writes between begin and commit are atomic and durable at commit;
     * rollback discards them. Without begin, each write commits alone. */
    int (*begin)(tc_kv *kv);
    int (*commit)(tc_kv *kv);
    int (*rollback)(tc_kv *kv);
    void (*close)(tc_kv *kv);
    /* Optional (NULL: one put each): the puts of items[0..n) in order. The
     * SQLite backend writes up to 32 rows per statement. */
    int (*put_many)(tc_kv *kv, const tc_kv_item *items, size_t n);
} tc_kv_vtbl;

struct tc_kv {
    const tc_kv_vtbl *v;
};

/* Convenience wrappers: tc_kv_get(kv, ...) == kv->v->get(kv, ...). */
static inline int tc_kv_get(tc_kv *kv, uint8_t *val, size_t cap, size_t *val_len,
                            const uint8_t *key, size_t key_len)
{ return kv->v->get(kv, val, cap, val_len, key, key_len); }
static inline int tc_kv_put(tc_kv *kv, const uint8_t *key, size_t key_len,
                            const uint8_t *val, size_t val_len)
{ return kv->v->put(kv, key, key_len, val, val_len); }
static inline int tc_kv_put_many(tc_kv *kv, const tc_kv_item *items, size_t n)
{
    if (kv->v->put_many) return kv->v->put_many(kv, items, n);
    for (size_t i = 0; i < n; i++) {
        int rc = kv->v->put(kv, items[i].key, items[i].key_len, items[i].val, items[i].val_len);
        if (rc) return rc;
    }
    return 0;
}
static inline int tc_kv_del(tc_kv *kv, const uint8_t *key, size_t key_len)
{ return kv->v->del(kv, key, key_len); }
static inline int tc_kv_scan(tc_kv *kv, const uint8_t *start, size_t start_len,
                             const uint8_t *end, size_t end_len, tc_kv_scan_fn fn, void *ctx)
{ return kv->v->scan(kv, start, start_len, end, end_len, fn, ctx); }
static inline int tc_kv_begin(tc_kv *kv) { return kv->v->begin(kv); }
static inline int tc_kv_commit(tc_kv *kv) { return kv->v->commit(kv); }
static inline int tc_kv_rollback(tc_kv *kv) { return kv->v->rollback(kv); }
static inline void tc_kv_close(tc_kv *kv) { if (kv) kv->v->close(kv); }

/* In-memory backend (tests). *out is owned by the caller: tc_kv_close. */
int tc_kv_mem_open(tc_kv **out);
/* SQLite backend: creates the file if needed, WAL mode, synchronous=FULL at
 * commit. TC_ERR_STORE_OPEN / TC_ERR_STORE_BUSY / TC_ERR_DISK_FULL. */
int tc_kv_sqlite_open(tc_kv **out, const char *path);
/* The same backend over a connection the caller owns (io/store.c keeps the
 * tree nodes in its own database and SQL transaction). The connection must
 * outlive *out; tc_kv_close does not close it. */
struct sqlite3;
int tc_kv_sqlite_wrap(tc_kv **out, struct sqlite3 *db);

#endif
