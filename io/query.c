/* Queries over a committed snapshot (include/tc/query.h; docs/store.md
 * "Queries"): index pages at a height and records with state proofs. */
#include <string.h>

#include "tc/query.h"

#include "store_priv.h"

/* Rows in force at height h: from_h <= h < to_h (to_h NULL = still open). */
static const char list_sql[] =
    "SELECT skey FROM idx WHERE kind = ?1 AND ikey = ?2 AND skey > ?3"
    " AND from_h <= ?4 AND (to_h IS NULL OR to_h > ?4) ORDER BY skey LIMIT ?5";

int tc_query_list(tc_store *s, tc_query_page *page, uint64_t height, uint32_t kind,
                  const uint8_t *ikey, size_t ikey_len, const uint8_t *after, size_t after_len,
                  size_t limit)
{
    page->n = 0;
    page->more = 0;
    if (limit == 0 || limit > TC_QUERY_PAGE_MAX) limit = TC_QUERY_PAGE_MAX;
    if (!s->has_genesis || height > s->height) return TC_ERR_NOT_FOUND;
    sqlite3_stmt *st;
    /* prepared per call but cached by SQLite's statement cache would be
     * nicer; the prepare is ~10 us against a query budget of ms */
    if (sqlite3_prepare_v3(s->db, list_sql, -1, 0, &st, NULL) != SQLITE_OK) return TC_ERR_STORE_SQL;
    sqlite3_bind_int64(st, 1, kind);
    tc__store_bind(st, 2, ikey, ikey_len);
    tc__store_bind(st, 3, after ? after : (const uint8_t *)"", after ? after_len : 0);
    sqlite3_bind_int64(st, 4, (sqlite3_int64)height);
    sqlite3_bind_int64(st, 5, (sqlite3_int64)limit + 1);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (page->n == limit) { page->more = 1; break; }
        size_t n = (size_t)sqlite3_column_bytes(st, 0);
        if (n > TC_STATE_KEY_MAX) { rc = SQLITE_CORRUPT; break; }
        memcpy(page->key[page->n], sqlite3_column_blob(st, 0), n);
        page->key_len[page->n++] = n;
    }
    sqlite3_finalize(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : tc__store_rc(rc);
}

int tc_query_record(tc_store *s, uint8_t *val, size_t cap, size_t *val_len, uint8_t *proof,
                    size_t proof_cap, size_t *proof_len, uint64_t height, const uint8_t *key,
                    size_t key_len)
{
    int rc = tc_store_state_get(s, val, cap, val_len, height, key, key_len);
    if (rc && rc != TC_ERR_NOT_FOUND) return rc;
    if (proof) {
        int prc = tc_store_state_prove(s, proof, proof_cap, proof_len, height, key, key_len);
        if (prc) return prc;
    }
    return rc;
}

int tc_query_device(tc_store *s, uint8_t *val, size_t cap, size_t *val_len, uint8_t *proof,
                    size_t proof_cap, size_t *proof_len, uint64_t height,
                    const uint8_t id[TC_DEVICE_ID_LEN])
{
    uint8_t key[1 + TC_DEVICE_ID_LEN];
    key[0] = 'D';
    memcpy(key + 1, id, TC_DEVICE_ID_LEN);
    return tc_query_record(s, val, cap, val_len, proof, proof_cap, proof_len, height, key, sizeof key);
}
