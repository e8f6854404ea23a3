/* Firmware chunk store in the node's SQLite file (include/tc/chunkstore.h,
 * docs/firmware-ops.md). Own connection and autocommit writes: chunk
 * uploads never enter a block's SQL transaction, and a block commit never
 * waits for an upload (WAL; one loop thread uses both connections). Chunk
 * writes use synchronous=NORMAL: a chunk lost to power failure is simply
 * uploaded again, whereas blocks keep FULL. Chunks live in a rowid table
 * (hash UNIQUE): SQLite advises against WITHOUT ROWID for rows near a page
 * in size, and measured reads doubled (64 -> 120 MB/s, 4 KiB chunks). */
#include "tc/chunkstore.h"

#include <sqlite3.h>
#include <string.h>

#include "tc/alloc.h"
#include "tc/crypto.h"
#include "tc/fwimage.h"

enum { S_GET, S_HAS, S_INS, S_IMG, S_INSIMG, S_PRESENT, S_DELIMG, S_GC, S_NSTMT };

static const char *const SQL[S_NSTMT] = {
    "SELECT data FROM fw_chunk WHERE hash = ?1",
    "SELECT 1 FROM fw_chunk WHERE hash = ?1",
    "INSERT OR IGNORE INTO fw_chunk(hash, data) VALUES (?1, ?2)",
    "SELECT size, chunk_size, nchunks, root, leaves, present FROM fw_image WHERE digest = ?1",
    "INSERT INTO fw_image(digest, size, chunk_size, nchunks, root, leaves, present) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0)",
    "UPDATE fw_image SET present = 1 WHERE digest = ?1",
    "DELETE FROM fw_image WHERE digest = ?1",
    "DELETE FROM fw_chunk WHERE hash = ?1 AND NOT EXISTS (SELECT 1 FROM fw_image WHERE instr(leaves, ?1) > 0)",
};

struct tc_chunkstore {
    sqlite3 *db;
    sqlite3_stmt *st[S_NSTMT];
    uint64_t bytes, max_bytes;
    /* The image last touched: uploads and downloads go chunk by chunk
     * through one image, so its leaf list stays in memory. */
    int cached;
    tc_fwinfo info;
    uint8_t *leaves;
};

static sqlite3_stmt *stmt(tc_chunkstore *cs, int i)
{
    sqlite3_reset(cs->st[i]);
    sqlite3_clear_bindings(cs->st[i]);
    return cs->st[i];
}

void tc_chunkstore_close(tc_chunkstore *cs)
{
    if (!cs) return;
    for (int i = 0; i < S_NSTMT; i++) sqlite3_finalize(cs->st[i]);
    sqlite3_close(cs->db);
    tc_free(cs->leaves);
    tc_free(cs);
}

uint64_t tc_chunkstore_bytes(const tc_chunkstore *cs) { return cs->bytes; }

int tc_chunkstore_open(tc_chunkstore **out, tc_err *err, const char *path, uint64_t max_bytes)
{
    *out = NULL;
    tc_chunkstore *cs = tc_calloc(1, sizeof *cs);
    if (!cs) return tc_err_set(err, TC_ERR_NOMEM, NULL);
    cs->max_bytes = max_bytes;
    int rc = sqlite3_open_v2(path, &cs->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_busy_timeout(cs->db, 5000);
        rc = sqlite3_exec(cs->db,
                          "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536;"
                          "CREATE TABLE IF NOT EXISTS fw_chunk(hash BLOB NOT NULL UNIQUE, data BLOB NOT NULL);"
                          "CREATE TABLE IF NOT EXISTS fw_image(digest BLOB PRIMARY KEY, size INTEGER NOT NULL,"
                          " chunk_size INTEGER NOT NULL, nchunks INTEGER NOT NULL, root BLOB NOT NULL,"
                          " leaves BLOB NOT NULL, present INTEGER NOT NULL) WITHOUT ROWID;",
                          NULL, NULL, NULL);
    }
    for (int i = 0; rc == SQLITE_OK && i < S_NSTMT; i++) rc = sqlite3_prepare_v2(cs->db, SQL[i], -1, &cs->st[i], NULL);
    if (rc == SQLITE_OK) {
        sqlite3_stmt *s;
        rc = sqlite3_prepare_v2(cs->db, "SELECT coalesce(sum(length(data)), 0) FROM fw_chunk", -1, &s, NULL);
        if (rc == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW) cs->bytes = (uint64_t)sqlite3_column_int64(s, 0);
        sqlite3_finalize(s);
    }
    if (rc != SQLITE_OK) {
        tc_err_set(err, TC_ERR_STORE_OPEN, "chunk store: %s: %s", path, cs->db ? sqlite3_errmsg(cs->db) : sqlite3_errstr(rc));
        tc_chunkstore_close(cs);
        return TC_ERR_STORE_OPEN;
    }
    *out = cs;
    return 0;
}

static int has_hash(tc_chunkstore *cs, const uint8_t h[32])
{
    sqlite3_stmt *s = stmt(cs, S_HAS);
    sqlite3_bind_blob(s, 1, h, 32, SQLITE_STATIC);
    int r = sqlite3_step(s) == SQLITE_ROW;
    sqlite3_reset(s);
    return r;
}

/* Loads the image into the cache (recounting the chunks present). */
static int load(tc_chunkstore *cs, const uint8_t digest[32])
{
    if (cs->cached && memcmp(cs->info.digest, digest, 32) == 0) return 0;
    sqlite3_stmt *s = stmt(cs, S_IMG);
    sqlite3_bind_blob(s, 1, digest, 32, SQLITE_STATIC);
    int rc = sqlite3_step(s);
    if (rc != SQLITE_ROW) return rc == SQLITE_DONE ? TC_ERR_FW_IMAGE_UNKNOWN : TC_ERR_STORE_SQL;
    tc_fwinfo in;
    memset(&in, 0, sizeof in);
    memcpy(in.digest, digest, 32);
    in.size = (uint64_t)sqlite3_column_int64(s, 0);
    in.chunk_size = (uint32_t)sqlite3_column_int64(s, 1);
    in.nchunks = (uint64_t)sqlite3_column_int64(s, 2);
    if (sqlite3_column_bytes(s, 3) != 32 || (uint64_t)sqlite3_column_bytes(s, 4) != in.nchunks * 32)
        return TC_ERR_CORRUPT;
    memcpy(in.root, sqlite3_column_blob(s, 3), 32);
    in.present = sqlite3_column_int(s, 5);
    uint8_t *lv = tc_malloc(in.nchunks * 32);
    if (!lv) return TC_ERR_NOMEM;
    memcpy(lv, sqlite3_column_blob(s, 4), in.nchunks * 32);
    sqlite3_reset(s);
    for (uint64_t i = 0; i < in.nchunks; i++) in.have += has_hash(cs, lv + 32 * i);
    tc_free(cs->leaves);
    cs->leaves = lv;
    cs->info = in;
    cs->cached = 1;
    return 0;
}

int tc_chunkstore_put_image(tc_chunkstore *cs, tc_err *err, const uint8_t digest[32], uint64_t size,
                            uint32_t chunk_size, const uint8_t root[32], const uint8_t *leaves, uint64_t n)
{
    uint8_t r[32];
    if (chunk_size < TC_FW_CHUNK_MIN || chunk_size > TC_FW_CHUNK_MAX || size == 0)
        return tc_err_set(err, TC_ERR_FW_IMAGE_META, "chunk size must be %u..%u bytes and the image non-empty",
                          TC_FW_CHUNK_MIN, TC_FW_CHUNK_MAX);
    if (n != tc_fwimage_nchunks(size, chunk_size))
        return tc_err_set(err, TC_ERR_FW_IMAGE_META, "%llu chunk hashes given, an image of %llu bytes in chunks of %u has %llu",
                          (unsigned long long)n, (unsigned long long)size, chunk_size,
                          (unsigned long long)tc_fwimage_nchunks(size, chunk_size));
    int rc = tc_fwimage_root(r, leaves, n);
    if (rc) return tc_err_set(err, rc, "computing the chunk-tree root");
    if (memcmp(r, root, 32) != 0)
        return tc_err_set(err, TC_ERR_FW_IMAGE_META, "the chunk hashes do not lead to the declared chunk-tree root");
    rc = load(cs, digest);
    if (rc == 0) {
        if (cs->info.size != size || cs->info.chunk_size != chunk_size || memcmp(cs->info.root, root, 32))
            return tc_err_set(err, TC_ERR_FW_IMAGE_META, "this digest is already declared with another size, chunk size or root");
        return 0;
    }
    if (rc != TC_ERR_FW_IMAGE_UNKNOWN) return tc_err_set(err, rc, "reading the image table");
    sqlite3_stmt *s = stmt(cs, S_INSIMG);
    sqlite3_bind_blob(s, 1, digest, 32, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, (sqlite3_int64)size);
    sqlite3_bind_int64(s, 3, chunk_size);
    sqlite3_bind_int64(s, 4, (sqlite3_int64)n);
    sqlite3_bind_blob(s, 5, root, 32, SQLITE_STATIC);
    sqlite3_bind_blob64(s, 6, leaves, n * 32, SQLITE_STATIC);
    if (sqlite3_step(s) != SQLITE_DONE) return tc_err_set(err, TC_ERR_STORE_SQL, "chunk store: %s", sqlite3_errmsg(cs->db));
    cs->cached = 0;
    return 0;
}

int tc_chunkstore_info(tc_chunkstore *cs, tc_fwinfo *info, const uint8_t digest[32])
{
    int rc = load(cs, digest);
    if (!rc) *info = cs->info;
    return rc;
}

int tc_chunkstore_image(tc_chunkstore *cs, tc_fwinfo *info, uint8_t **leaves, const uint8_t digest[32])
{
    cs->cached = 0; /* recount: chunks may have arrived through another image */
    int rc = load(cs, digest);
    if (rc) return rc;
    *info = cs->info;
    if (leaves) {
        if (!(*leaves = tc_malloc(info->nchunks * 32))) return TC_ERR_NOMEM;
        memcpy(*leaves, cs->leaves, info->nchunks * 32);
    }
    return 0;
}

static int get_chunk(tc_chunkstore *cs, const uint8_t **p, size_t *n, const uint8_t h[32])
{
    sqlite3_stmt *s = stmt(cs, S_GET);
    sqlite3_bind_blob(s, 1, h, 32, SQLITE_STATIC);
    int rc = sqlite3_step(s);
    if (rc != SQLITE_ROW) return rc == SQLITE_DONE ? TC_ERR_FW_INCOMPLETE : TC_ERR_STORE_SQL;
    *p = sqlite3_column_blob(s, 0);
    *n = (size_t)sqlite3_column_bytes(s, 0);
    return 0;
}

static size_t chunk_len(const tc_fwinfo *in, uint64_t i)
{
    uint64_t off = i * in->chunk_size;
    return in->size - off < in->chunk_size ? (size_t)(in->size - off) : in->chunk_size;
}

/* Every chunk is there: hash the image against its digest. */
static int verify_digest(tc_chunkstore *cs, tc_err *err)
{
    tc_sha256_ctx c;
    uint8_t d[32];
    tc_sha256_init(&c);
    for (uint64_t i = 0; i < cs->info.nchunks; i++) {
        const uint8_t *p;
        size_t n;
        int rc = get_chunk(cs, &p, &n, cs->leaves + 32 * i);
        if (rc) return tc_err_set(err, rc, "chunk %llu vanished", (unsigned long long)i);
        tc_sha256_update(&c, p, n);
        sqlite3_reset(cs->st[S_GET]);
    }
    tc_sha256_final(&c, d);
    if (memcmp(d, cs->info.digest, 32) != 0)
        return tc_err_set(err, TC_ERR_FW_DIGEST, "every chunk matches the chunk tree but the SHA-256 of the image is not the declared digest");
    sqlite3_stmt *s = stmt(cs, S_PRESENT);
    sqlite3_bind_blob(s, 1, cs->info.digest, 32, SQLITE_STATIC);
    if (sqlite3_step(s) != SQLITE_DONE) return tc_err_set(err, TC_ERR_STORE_SQL, "chunk store: %s", sqlite3_errmsg(cs->db));
    cs->info.present = 1;
    return 0;
}

int tc_chunkstore_put_chunk(tc_chunkstore *cs, tc_err *err, int *stored, const uint8_t digest[32],
                            uint64_t index, const uint8_t *data, size_t len)
{
    uint8_t h[32];
    if (stored) *stored = 0;
    int rc = load(cs, digest);
    if (rc) return tc_err_set(err, rc, rc == TC_ERR_FW_IMAGE_UNKNOWN ? "declare the image (POST its metadata) before its chunks" : NULL);
    if (index >= cs->info.nchunks)
        return tc_err_set(err, TC_ERR_FW_CHUNK_MISMATCH, "chunk %llu: the image has %llu chunks",
                          (unsigned long long)index, (unsigned long long)cs->info.nchunks);
    if (len != chunk_len(&cs->info, index))
        return tc_err_set(err, TC_ERR_FW_CHUNK_MISMATCH, "chunk %llu is %zu bytes, expected %zu",
                          (unsigned long long)index, len, chunk_len(&cs->info, index));
    tc_hist_leaf_hash(h, data, len);
    if (memcmp(h, cs->leaves + 32 * index, 32) != 0)
        return tc_err_set(err, TC_ERR_FW_CHUNK_MISMATCH, "chunk %llu: its hash is not the declared leaf hash",
                          (unsigned long long)index);
    if (!has_hash(cs, h)) {
        if (cs->bytes + len > cs->max_bytes)
            return tc_err_set(err, TC_ERR_FW_STORE_FULL, "storing %zu more bytes would pass the limit of %llu bytes (%llu used)",
                              len, (unsigned long long)cs->max_bytes, (unsigned long long)cs->bytes);
        sqlite3_stmt *s = stmt(cs, S_INS);
        sqlite3_bind_blob(s, 1, h, 32, SQLITE_STATIC);
        sqlite3_bind_blob(s, 2, data, (int)len, SQLITE_STATIC);
        rc = sqlite3_step(s);
        if (rc != SQLITE_DONE)
            return tc_err_set(err, (rc & 0xff) == SQLITE_FULL ? TC_ERR_DISK_FULL : TC_ERR_STORE_SQL,
                              "chunk store: %s", sqlite3_errmsg(cs->db));
        cs->bytes += len;
        if (stored) *stored = 1;
        for (uint64_t i = 0; i < cs->info.nchunks; i++) cs->info.have += !memcmp(cs->leaves + 32 * i, h, 32);
    }
    if (!cs->info.present && cs->info.have == cs->info.nchunks) return verify_digest(cs, err);
    return 0;
}

int tc_chunkstore_has_chunk(tc_chunkstore *cs, const uint8_t digest[32], uint64_t index)
{
    if (load(cs, digest) || index >= cs->info.nchunks) return 0;
    return has_hash(cs, cs->leaves + 32 * index);
}

int tc_chunkstore_read(tc_chunkstore *cs, uint8_t *out, const uint8_t digest[32], uint64_t off, size_t len)
{
    int rc = load(cs, digest);
    if (rc) return rc;
    if (off > cs->info.size || len > cs->info.size - off) return TC_ERR_FW_RANGE;
    while (len) {
        uint64_t i = off / cs->info.chunk_size;
        size_t in = (size_t)(off % cs->info.chunk_size), n;
        const uint8_t *p;
        if ((rc = get_chunk(cs, &p, &n, cs->leaves + 32 * i))) return rc;
        size_t take = n - in < len ? n - in : len;
        memcpy(out, p + in, take);
        sqlite3_reset(cs->st[S_GET]);
        out += take;
        off += take;
        len -= take;
    }
    return 0;
}

int tc_chunkstore_delete_image(tc_chunkstore *cs, const uint8_t digest[32])
{
    int rc = load(cs, digest);
    if (rc) return rc;
    uint64_t n = cs->info.nchunks;
    uint8_t *lv = cs->leaves;
    cs->leaves = NULL;
    cs->cached = 0;
    sqlite3_exec(cs->db, "BEGIN", NULL, NULL, NULL);
    sqlite3_stmt *s = stmt(cs, S_DELIMG);
    sqlite3_bind_blob(s, 1, digest, 32, SQLITE_STATIC);
    rc = sqlite3_step(s) == SQLITE_DONE ? 0 : TC_ERR_STORE_SQL;
    for (uint64_t i = 0; !rc && i < n; i++) {
        const uint8_t *p;
        size_t len;
        if (get_chunk(cs, &p, &len, lv + 32 * i)) continue;
        s = stmt(cs, S_GC);
        sqlite3_bind_blob(s, 1, lv + 32 * i, 32, SQLITE_STATIC);
        if (sqlite3_step(s) != SQLITE_DONE) rc = TC_ERR_STORE_SQL;
        else if (sqlite3_changes(cs->db)) cs->bytes -= len;
        sqlite3_reset(cs->st[S_GET]);
    }
    sqlite3_exec(cs->db, rc ? "ROLLBACK" : "COMMIT", NULL, NULL, NULL);
    tc_free(lv);
    return rc;
}
