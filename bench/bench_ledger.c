/* Ledger benchmarks (issue 4 item 7): block application in tx/s for blocks
 * of 1,000 and 10,000 REAL transactions (dev.set_attrs signed ahead by each
 * device, through tc_ledger_apply with sig_checked=1: envelope decode,
 * signer lookup, nonce, rules, device record rewrite) including the SQLite
 * commit, one core (the proposer's dry run is not counted: a receiving
 * node commits once); then, on the store tests' toy rule set (one device
 * record write per transaction, to build many devices fast) and disk bytes
 * per device record. Query latency at 10^6 devices: bench_query.c. Printed beside
 * references measured in the same run: raw SQLite inserts/s (one
 * transaction, WAL, synchronous=FULL) and raw SHA-256/s of a 300-byte
 * record. No pass/fail: figures only.
 *   TC_SHA256_PORTABLE=1  run everything on libsodium's SHA-256 instead of
 *                     SHA-NI (the before/after comparison in docs/crypto.md) */
#include <sqlite3.h>
#include <sys/stat.h>
#include <time.h>

#include "../tests/unit/store_fixture.h"
#include "tc/crypto_accel.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double ref_sqlite(const char *dir)
{
    char p[500];
    snprintf(p, sizeof p, "%s/ref.db", dir);
    sqlite3 *db;
    sqlite3_stmt *st;
    sqlite3_open(p, &db);
    sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                 "CREATE TABLE t(k BLOB PRIMARY KEY, v BLOB) WITHOUT ROWID", NULL, NULL, NULL);
    sqlite3_prepare_v2(db, "INSERT INTO t VALUES (?1, ?2)", -1, &st, NULL);
    uint8_t k[32], v[300];
    memset(v, 7, sizeof v);
    int n = 100000;
    double t0 = now_s();
    sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
    for (int i = 0; i < n; i++) {
        tc_sha256(k, &i, sizeof i);
        sqlite3_bind_blob(st, 1, k, 32, SQLITE_STATIC);
        sqlite3_bind_blob(st, 2, v, sizeof v, SQLITE_STATIC);
        sqlite3_step(st);
        sqlite3_reset(st);
    }
    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    double dt = now_s() - t0;
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n / dt;
}

static double ref_sha(void)
{
    uint8_t buf[300], out[32];
    memset(buf, 1, sizeof buf);
    int n = 1000000;
    double t0 = now_s();
    for (int i = 0; i < n; i++) { buf[0] = (uint8_t)i; tc_sha256(out, buf, sizeof buf); }
    return n / (now_s() - t0);
}

static const char *colors[] = { "red", "green", "blue", "white", "black" };

/* Commits `blocks` blocks of `per` new devices; returns tx/s. */
static double fill(tc_store *s, uint32_t *next_dev, int blocks, int per)
{
    uint8_t (*txb)[400] = tc_malloc((size_t)per * sizeof *txb);
    tc_span *txs = tc_malloc((size_t)per * sizeof *txs);
    double total = 0;
    for (int b = 0; b < blocks; b++) {
        for (int i = 0; i < per; i++) {
            uint32_t d = (*next_dev)++;
            char color[16];
            snprintf(color, sizeof color, "%s-%u", colors[d % 5], d % 1000);
            size_t n = fx_dev_tx(txb[i], sizeof txb[i], d, 1 + d % 100, d % 2 ? "sensor-a" : "sensor-b",
                                 color, tc_store_height(s) + 1);
            txs[i] = (tc_span){ txb[i], n };
        }
        /* the proposer's dry run is not counted: a receiving node commits once */
        tc_header h;
        tc_err err;
        memset(&h, 0, sizeof h);
        memcpy(h.chain_id, "fixture", 7);
        h.chain_id_len = 7;
        h.height = tc_store_height(s) + 1;
        h.time_ms = 1000000 + h.height * 1000;
        tc_store_last_id(s, h.prev_hash);
        if (tc_store_propose(s, &err, &h, txs, (size_t)per, 1)) { fprintf(stderr, "%s\n", err.msg); exit(1); }
        size_t len;
        tc_span none = { NULL, 0 };
        tc_block_encode(NULL, 0, &len, &h, txs, (size_t)per, none, NULL, 0);
        uint8_t *raw = tc_malloc(len);
        tc_block_encode(raw, len, &len, &h, txs, (size_t)per, none, NULL, 0);
        double t0 = now_s();
        if (tc_store_commit_block(s, &err, raw, len, 1)) { fprintf(stderr, "%s\n", err.msg); exit(1); }
        total += now_s() - t0;
        tc_free(raw);
    }
    tc_free(txb);
    tc_free(txs);
    return (double)blocks * per / total;
}

static long long file_size(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 ? (long long)st.st_size : 0;
}

int main(void)
{
    tc_crypto_init();
    char dir[400], path[450], wal[460];
    fx_tmpdir(dir, sizeof dir, "bench");
    tc_sha256_accel_set(0);
    double sha_sodium = ref_sha();
    const char *port = getenv("TC_SHA256_PORTABLE");
    tc_sha256_accel_set(!(port && *port == '1'));
    double sq = ref_sqlite(dir), sha = ref_sha();
    printf("reference: raw SQLite inserts (one txn, WAL, FULL): %.0f rows/s\n", sq);
    printf("reference: SHA-256 of 300 bytes: %.0f /s as used here (%s); libsodium: %.0f /s\n", sha,
           tc_sha256_accel() ? "SHA-NI" : "libsodium", sha_sodium);

    /* real transactions: 10,000 devices made in batches of 250 */
    {
        static lx_chain lc;
        static lx_dev devs[10000];
        char lp[450];
        size_t acc;
        snprintf(lp, sizeof lp, "%s/real.db", dir);
        if (lx_open(&lc, lp)) return 1;
        for (unsigned i = 0; i < 10000; i++) lx_dev_keys(&devs[i], i);
        for (unsigned b = 0; b < 40; b++)
            if (lx_manufacture(&lc, devs + 250 * b, 250, "sensor-1")) return 1;
        if (lx_commit(&lc, 1000, &acc, 1) || acc != 40) { fprintf(stderr, "setup: %zu of 40\n", acc); return 1; }
        int sizes[2] = {1000, 10000}, reps[2] = {5, 2};
        for (int k = 0; k < 2; k++) {
            lc.commit_s = 0;
            lc.commit_cpu_s = 0;
            for (int r = 0; r < reps[k]; r++) {
                for (int i = 0; i < sizes[k]; i++) {
                    char v[32];
                    snprintf(v, sizeof v, "%s-%d-%d", colors[i % 5], k, r);
                    if (lx_set_attr(&lc, &devs[i], "color", v)) return 1;
                }
                if (lx_commit(&lc, 1000, &acc, 1) || acc != (size_t)sizes[k]) {
                    fprintf(stderr, "block: %zu of %d accepted\n", acc, sizes[k]);
                    return 1;
                }
            }
            double r = sizes[k] * reps[k] / lc.commit_s, rc = sizes[k] * reps[k] / lc.commit_cpu_s;
            printf("apply+commit, REAL dev.set_attrs, blocks of %5d tx: %.0f tx/s wall, %.0f tx/s of CPU"
                   "  (%.3f x raw SQLite inserts, %.5f x raw SHA-256; target 20000)\n", sizes[k], r, rc,
                   r / sq, r / sha);
        }
        tc_store_close(lc.s);
    }

    snprintf(path, sizeof path, "%s/ledger.db", dir);
    snprintf(wal, sizeof wal, "%s-wal", path);
    tc_store *s;
    if (fx_open_genesis(&s, path)) return 1;
    uint32_t dev = 0;
    double r1 = fill(s, &dev, 5, 1000);
    printf("toy rules (one record write per tx), blocks of 1000 tx:  %.0f tx/s  (%.3f x raw SQLite inserts)\n", r1, r1 / sq);
    double r2 = fill(s, &dev, 2, 10000);
    printf("toy rules (one record write per tx), blocks of 10000 tx: %.0f tx/s  (%.3f x raw SQLite inserts)\n", r2, r2 / sq);

    tc_store_close(s);
    /* checkpoint the WAL into the file, then measure */
    sqlite3 *db;
    sqlite3_open(path, &db);
    sqlite3_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL);
    sqlite3_close(db);
    long long bytes = file_size(path) + file_size(wal);
    printf("devices: %u; disk: %lld bytes = %.0f bytes per device record (record value ~%d bytes)\n", dev,
           bytes, (double)bytes / dev, 190);
    printf("query latency at scale: bench_query (TC_BENCH_DEVICES=1000000 build/rel/bench/bench_query)\n");
    fx_rm(dir);
    return 0;
}
