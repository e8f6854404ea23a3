/* Anchor queries (include/tc/query.h; docs/store.md "Queries"): an anchor
 * record by its root, and the anchor holding a message digest with the
 * digest's RFC 9162 inclusion path under that root. The path is recomputed
 * from the anchor transaction's own digest list (kept in `txs`), so the
 * index row is only (digest, height, tx index, leaf). A device then checks
 * two things against one quorum-signed header: the path (digest -> root)
 * and the state proof of 'A' || root (root -> state root). */
#include <string.h>

#include "tc/anchor.h"
#include "tc/query.h"

#include "store_priv.h"

int tc_query_anchor(tc_store *s, uint8_t *val, size_t cap, size_t *val_len, uint8_t *proof,
                    size_t proof_cap, size_t *proof_len, uint64_t height, const uint8_t root[32])
{
    uint8_t key[1 + 32];
    key[0] = 'A';
    memcpy(key + 1, root, 32);
    return tc_query_record(s, val, cap, val_len, proof, proof_cap, proof_len, height, key, sizeof key);
}

int tc_query_anchor_by_digest(tc_store *s, tc_query_anchor_hit *out, uint64_t height,
                              const uint8_t digest[32])
{
    memset(out, 0, sizeof *out);
    if (!tc_store_has_genesis(s) || height > tc_store_height(s)) return TC_ERR_NOT_FOUND;
    sqlite3_stmt *st = s->q[Q_ANCHOR_GET];
    tc__store_bind(st, 1, digest, 32);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)height);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        sqlite3_reset(st);
        return rc == SQLITE_DONE ? TC_ERR_NOT_FOUND : tc__store_rc(rc);
    }
    int64_t at = sqlite3_column_int64(st, 0), idx = sqlite3_column_int64(st, 1),
            leaf = sqlite3_column_int64(st, 2);
    sqlite3_reset(st);

    st = s->q[Q_TX_AT];
    sqlite3_bind_int64(st, 1, at);
    sqlite3_bind_int64(st, 2, idx);
    if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
        sqlite3_reset(st);
        return rc == SQLITE_DONE ? TC_ERR_CORRUPT : tc__store_rc(rc);
    }
    uint8_t dg[TC_ANCHOR_DIGESTS_MAX * 32];
    size_t n = 0;
    rc = tc_anchor_tx_digests(dg, &n, out->root, sqlite3_column_blob(st, 0),
                              (size_t)sqlite3_column_bytes(st, 0));
    int code = sqlite3_column_int(st, 1);
    sqlite3_reset(st);
    /* The row was written from this accepted transaction: anything else is damage. */
    if (rc || code != 0 || leaf < 0 || (size_t)leaf >= n || memcmp(dg + 32 * leaf, digest, 32))
        return TC_ERR_CORRUPT;
    out->height = (uint64_t)at;
    out->index = (uint64_t)leaf;
    out->size = n;
    out->key[0] = 'A';
    memcpy(out->key + 1, out->root, 32);
    tc_anchor_path(out->path, &out->path_len, dg, n, (size_t)leaf);
    return 0;
}
