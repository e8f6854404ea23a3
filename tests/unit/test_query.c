/* Queries over a committed snapshot (io/query.c, core/query_index.c):
 * device by id with a proof against that height's state root; devices by
 * owner, model and attribute, paged, exactly as in force at each height. */
#include "store_fixture.h"
#include "tc/query.h"
#include "tc/smt.h"
#include "test.h"

static void be64(uint8_t o[8], uint64_t v)
{
    for (int i = 0; i < 8; i++) o[i] = (uint8_t)(v >> (56 - 8 * i));
}

static void test_lists_and_proofs(void)
{
    char dir[400], path[450];
    fx_tmpdir(dir, sizeof dir, "query");
    snprintf(path, sizeof path, "%s/q.db", dir);
    tc_store *s;
    CHECK_OK(fx_open_genesis(&s, path));
    uint8_t txb[60][600];
    tc_span txs[60];
    uint8_t *blk;
    size_t len;
    /* height 1: devices 0..59, owner 1 (even) / 2 (odd), color red for i%3==0 */
    for (int i = 0; i < 60; i++) {
        size_t n = fx_dev_tx(txb[i], sizeof txb[i], (uint32_t)i, 1 + (uint64_t)(i % 2),
                             i < 30 ? "sensor" : "gateway", i % 3 == 0 ? "red" : NULL, 1);
        txs[i] = (tc_span){ txb[i], n };
    }
    CHECK_OK(fx_make_block(s, &blk, &len, txs, 60, 1));
    tc_free(blk);
    /* height 2: devices 0..9 move to owner 3; device 59 deleted */
    for (int i = 0; i < 10; i++) {
        size_t n = fx_dev_tx(txb[i], sizeof txb[i], (uint32_t)i, 3, "sensor", "blue", 2);
        txs[i] = (tc_span){ txb[i], n };
    }
    txb[10][0] = 'd';
    fx_dev_id(txb[10] + 1, 59);
    txs[10] = (tc_span){ txb[10], 17 };
    CHECK_OK(fx_make_block(s, &blk, &len, txs, 11, 1));
    tc_free(blk);

    static tc_query_page pg;
    uint8_t ik[TC_QUERY_IKEY_MAX];
    size_t ikn;
    be64(ik, 3);
    CHECK_OK(tc_query_list(s, &pg, 1, TC_IDX_DEV_OWNER, ik, 8, NULL, 0, 100));
    CHECK_EQ(pg.n, 0);
    CHECK_OK(tc_query_list(s, &pg, 2, TC_IDX_DEV_OWNER, ik, 8, NULL, 0, 100));
    CHECK_EQ(pg.n, 10);
    /* owner 1 at height 1: the 30 even devices; paged by 7 */
    be64(ik, 1);
    size_t total = 0;
    uint8_t after[TC_STATE_KEY_MAX];
    size_t after_len = 0;
    int pages = 0;
    do {
        CHECK_OK(tc_query_list(s, &pg, 1, TC_IDX_DEV_OWNER, ik, 8, pages ? after : NULL, after_len, 7));
        for (size_t i = 1; i < pg.n; i++)
            CHECK(memcmp(pg.key[i - 1], pg.key[i], 17) < 0);
        total += pg.n;
        if (pg.n) { memcpy(after, pg.key[pg.n - 1], pg.key_len[pg.n - 1]); after_len = pg.key_len[pg.n - 1]; }
        pages++;
    } while (pg.more);
    CHECK_EQ(total, 30);
    CHECK_EQ(pages, 5);
    /* owner 1 at height 2: even devices >= 10 */
    CHECK_OK(tc_query_list(s, &pg, 2, TC_IDX_DEV_OWNER, ik, 8, NULL, 0, 100));
    CHECK_EQ(pg.n, 25);
    /* owner 2 at height 2 lost 1,3,5,7,9 to owner 3 and 59 to deletion */
    be64(ik, 2);
    CHECK_OK(tc_query_list(s, &pg, 2, TC_IDX_DEV_OWNER, ik, 8, NULL, 0, 100));
    CHECK_EQ(pg.n, 24);
    CHECK_OK(tc_query_list(s, &pg, 1, TC_IDX_DEV_OWNER, ik, 8, NULL, 0, 100));
    CHECK_EQ(pg.n, 30);
    /* model */
    CHECK_OK(tc_query_list(s, &pg, 2, TC_IDX_DEV_MODEL, (const uint8_t *)"gateway", 7, NULL, 0, 100));
    CHECK_EQ(pg.n, 29);
    /* attribute color=red: height 1 has 20; height 2 devices 0,3,6,9 turned blue */
    CHECK_OK(tc_query_attr_ikey(ik, &ikn, "color", 5, "red", 3));
    CHECK_OK(tc_query_list(s, &pg, 1, TC_IDX_DEV_ATTR, ik, ikn, NULL, 0, 100));
    CHECK_EQ(pg.n, 20);
    CHECK_OK(tc_query_list(s, &pg, 2, TC_IDX_DEV_ATTR, ik, ikn, NULL, 0, 100));
    CHECK_EQ(pg.n, 16);
    /* model "sensor": devices 0..9 changed owner and color but not model, so
     * they stay listed at both heights (their row was not reopened); the
     * deleted gateway 59 leaves the "gateway" list at height 2 only */
    CHECK_OK(tc_query_list(s, &pg, 1, TC_IDX_DEV_MODEL, (const uint8_t *)"sensor", 6, NULL, 0, 100));
    CHECK_EQ(pg.n, 30);
    CHECK_OK(tc_query_list(s, &pg, 2, TC_IDX_DEV_MODEL, (const uint8_t *)"sensor", 6, NULL, 0, 100));
    CHECK_EQ(pg.n, 30);
    CHECK_OK(tc_query_list(s, &pg, 1, TC_IDX_DEV_MODEL, (const uint8_t *)"gateway", 7, NULL, 0, 100));
    CHECK_EQ(pg.n, 30);
    CHECK_OK(tc_query_list(s, &pg, 2, TC_IDX_DEV_MODEL, (const uint8_t *)"gateway", 7, NULL, 0, 100));
    CHECK_EQ(pg.n, 29);
    /* group "fleet" is unchanged for all: 60 then 59 */
    CHECK_OK(tc_query_list(s, &pg, 2, TC_IDX_DEV_GROUP, (const uint8_t *)"fleet", 5, NULL, 0, 100));
    CHECK_EQ(pg.n, 59);
    CHECK_OK(tc_query_attr_ikey(ik, &ikn, "color", 5, "red", 3));
    CHECK_OK(tc_query_list(s, &pg, 2, TC_IDX_DEV_ATTR, ik, ikn, NULL, 0, 100));
    /* each listed record is provable against the height's state root */
    tc_header h2;
    CHECK_OK(tc_store_header(s, &h2, NULL, 2));
    for (size_t i = 0; i < pg.n; i++) {
        uint8_t val[700], proof[TC_SMT_PROOF_MAX], kh[32], vh[32];
        size_t vl, pl;
        CHECK_OK(tc_query_record(s, val, sizeof val, &vl, proof, sizeof proof, &pl, 2, pg.key[i],
                                 pg.key_len[i]));
        tc_sha256(kh, pg.key[i], pg.key_len[i]);
        tc_sha256(vh, val, vl);
        CHECK_OK(tc_smt_verify(h2.state_root, kh, vh, proof, pl));
    }
    /* device by id, before and after its change; deleted device proves absent */
    uint8_t id[16], val[700], proof[TC_SMT_PROOF_MAX], key[17] = { 'D' }, kh[32], vh[32];
    size_t vl, pl, vl1;
    tc_header h1;
    CHECK_OK(tc_store_header(s, &h1, NULL, 1));
    fx_dev_id(id, 3);
    CHECK_OK(tc_query_device(s, val, sizeof val, &vl1, proof, sizeof proof, &pl, 1, id));
    memcpy(key + 1, id, 16);
    tc_sha256(kh, key, 17);
    tc_sha256(vh, val, vl1);
    CHECK_OK(tc_smt_verify(h1.state_root, kh, vh, proof, pl));
    CHECK_ERR(tc_smt_verify(h2.state_root, kh, vh, proof, pl), TC_ERR_SMT_PROOF);
    CHECK_OK(tc_query_device(s, val, sizeof val, &vl, proof, sizeof proof, &pl, 2, id));
    tc_sha256(vh, val, vl);
    CHECK_OK(tc_smt_verify(h2.state_root, kh, vh, proof, pl));
    fx_dev_id(id, 59);
    memcpy(key + 1, id, 16);
    tc_sha256(kh, key, 17);
    CHECK_ERR(tc_query_device(s, val, sizeof val, &vl, proof, sizeof proof, &pl, 2, id), TC_ERR_NOT_FOUND);
    CHECK_OK(tc_smt_verify(h2.state_root, kh, NULL, proof, pl));
    /* heights not yet committed are refused */
    CHECK_ERR(tc_query_list(s, &pg, 3, TC_IDX_DEV_MODEL, (const uint8_t *)"gateway", 7, NULL, 0, 10),
              TC_ERR_NOT_FOUND);
    tc_store_close(s);
    fx_rm(dir);
}

static int count_emit(void *ctx, uint32_t kind, const uint8_t *ikey, size_t n)
{
    (void)ikey;
    (void)n;
    ((int *)ctx)[kind]++;
    return 0;
}

static void test_index_entries(void)
{
    uint8_t rec[700];
    size_t n = fx_dev_record(rec, sizeof rec, 5, 9, "cam", "red", 1);
    uint8_t key[17] = { 'D' };
    int counts[8] = {0};
    CHECK_OK(tc_query_index_record(key, 17, rec, n, count_emit, counts));
    CHECK_EQ(counts[TC_IDX_DEV_OWNER], 1);
    CHECK_EQ(counts[TC_IDX_DEV_MODEL], 1);
    CHECK_EQ(counts[TC_IDX_DEV_ATTR], 1);
    CHECK_EQ(counts[TC_IDX_DEV_GROUP], 1);
    CHECK_EQ(counts[TC_IDX_DEV_MAKER], 1);
    CHECK_EQ(counts[TC_IDX_DEV_STATUS], 1);
    /* other records and broken values: no entries, no error */
    memset(counts, 0, sizeof counts);
    CHECK_OK(tc_query_index_record((const uint8_t *)"Mx", 2, rec, n, count_emit, counts));
    CHECK_OK(tc_query_index_record(key, 17, rec, n - 1, count_emit, counts));
    for (int i = 0; i < 8; i++) CHECK_EQ(counts[i], 0);
}

int main(void)
{
    tc_crypto_init();
    RUN(test_index_entries);
    RUN(test_lists_and_proofs);
    return test_summary();
}
