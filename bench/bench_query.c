/* Query latency at fleet scale (issue 4 item 2; docs/store.md "Queries"):
 * p50/p99 of every query a device or operator runs, each with the state
 * proofs of what it returns, over a store of TC_BENCH_DEVICES device
 * records (default 200000; the figure is 10^6:
 *   TC_BENCH_DEVICES=1000000 build/rel/bench/bench_query
 * loads in a few minutes). Records are written through the store tests' toy
 * rules (store_fixture.h) in the ledger's formats: devices (owner 1..100,
 * two models, group "fleet", a color attribute out of 1000), 10,000
 * services over 50 types, per owner 3 config documents (group, model) and a
 * rollout of one release per model. Also disk bytes per device record.
 * Beside: one record + state proof, and SHA-256/s, measured in this run.
 * TC_BENCH_KEEP=1 keeps the database (for sqlite3's dbstat).
 * No pass/fail (DESIGN.md, Benchmarks). */
#include <sqlite3.h>
#include <sys/stat.h>
#include <time.h>

#include "../tests/unit/store_fixture.h"
#include "tc/query.h"
#include "tc/smt.h"

#define Q 2000
#define PAGE 20
#define OWNERS 100

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static long long file_size(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 ? (long long)st.st_size : 0;
}

static const char *colors[] = { "red", "green", "blue", "white", "black" };
static const char *models[] = { "sensor-a", "sensor-b" };

/* ---- loading ---- */

typedef struct batch {
    uint8_t (*b)[600];
    tc_span *t;
    size_t n;
} batch;

static int flush(tc_store *s, batch *bt)
{
    uint8_t *raw = NULL;
    size_t len;
    int rc = bt->n ? fx_make_block(s, &raw, &len, bt->t, bt->n, 1) : 0;
    tc_free(raw);
    bt->n = 0;
    return rc;
}

/* Queues a put of key -> the encoder's bytes. */
static int put(tc_store *s, batch *bt, const uint8_t *key, size_t kl, tc_cbor_enc *e)
{
    size_t vl;
    if (tc_cbor_enc_finish(e, &vl)) return TC_ERR_LIMIT;
    uint8_t *o = bt->b[bt->n];
    o[0] = 'P';
    o[1] = (uint8_t)kl;
    memcpy(o + 2, key, kl);
    memmove(o + 2 + kl, e->buf, vl);
    bt->t[bt->n] = (tc_span){ o, 2 + kl + vl };
    if (++bt->n == 10000) return flush(s, bt);
    return 0;
}

static void be64(uint8_t *o, uint64_t v)
{
    for (int i = 0; i < 8; i++) o[i] = (uint8_t)(v >> (56 - 8 * i));
}

static int load_devices(tc_store *s, batch *bt, uint32_t n)
{
    for (uint32_t d = 0; d < n; d++) {
        char color[16];
        snprintf(color, sizeof color, "%s-%u", colors[d % 5], d % 1000);
        size_t l = fx_dev_tx(bt->b[bt->n], sizeof bt->b[0], d, 1 + d % OWNERS, models[d % 2], color,
                             tc_store_height(s) + 1);
        bt->t[bt->n] = (tc_span){ bt->b[bt->n], l };
        if (++bt->n == 10000 && flush(s, bt)) return 1;
    }
    return flush(s, bt);
}

static int load_ledger_records(tc_store *s, batch *bt, uint32_t ndev)
{
    uint8_t key[64], val[500], dig[32];
    tc_cbor_enc e;
    memset(dig, 0x42, sizeof dig);
    /* services 'S' + device + name: {1 type, 2 endpoints, 3 attrs, 4 expiry, 5 height} */
    for (uint32_t i = 0; i < 10000 && i < ndev; i++) {
        uint32_t d = (uint32_t)((uint64_t)i * ndev / 10000);
        char type[16];
        snprintf(type, sizeof type, "svc-%u", i % 50);
        key[0] = 'S';
        fx_dev_id(key + 1, d);
        memcpy(key + 17, "temp", 4);
        tc_cbor_enc_init(&e, val, sizeof val);
        tc_cbor_put_map(&e, 5);
        tc_cbor_put_uint(&e, 1); tc_cbor_put_cstr(&e, type);
        tc_cbor_put_uint(&e, 2); tc_cbor_put_array(&e, 1); tc_cbor_put_cstr(&e, "coap://[fd00::1]:5683");
        tc_cbor_put_uint(&e, 3); tc_cbor_put_map(&e, 1); tc_cbor_put_cstr(&e, "unit"); tc_cbor_put_cstr(&e, "C");
        tc_cbor_put_uint(&e, 4); tc_cbor_put_uint(&e, 1ull << 50);
        tc_cbor_put_uint(&e, 5); tc_cbor_put_uint(&e, 1);
        if (put(s, bt, key, 21, &e)) return 1;
    }
    for (uint64_t org = 1; org <= OWNERS; org++) {
        /* config 'G' + org + doc id: for group "fleet" (2 names) and per model (1 name) */
        for (int k = 0; k < 4; k++) {
            uint8_t kind = k < 2 ? 2 : 3;
            const char *target = k < 2 ? "fleet" : models[k - 2];
            const char *name = k == 0 ? "interval" : k == 1 ? "server" : "interval";
            key[0] = 'G';
            be64(key + 1, org);
            memset(key + 9, 0, 16);
            key[9] = (uint8_t)k;
            tc_cbor_enc_init(&e, val, sizeof val);
            tc_cbor_put_map(&e, 8);
            tc_cbor_put_uint(&e, 1); tc_cbor_put_uint(&e, kind);
            tc_cbor_put_uint(&e, 2); tc_cbor_put_bytes(&e, (const uint8_t *)target, strlen(target));
            tc_cbor_put_uint(&e, 3); tc_cbor_put_cstr(&e, name);
            tc_cbor_put_uint(&e, 4); tc_cbor_put_uint(&e, 1);
            tc_cbor_put_uint(&e, 5); tc_cbor_put_bytes(&e, dig, 32);
            tc_cbor_put_uint(&e, 6); tc_cbor_put_uint(&e, 2);
            tc_cbor_put_uint(&e, 7); tc_cbor_put_bytes(&e, (const uint8_t *)"{}", 2);
            tc_cbor_put_uint(&e, 10); tc_cbor_put_uint(&e, 1);
            if (put(s, bt, key, 25, &e)) return 1;
        }
        /* rollout 'R' + org + id per model, of vendor 1's release 2 */
        for (int m = 0; m < 2; m++) {
            key[0] = 'R';
            be64(key + 1, org);
            be64(key + 9, (uint64_t)m + 1);
            tc_cbor_enc_init(&e, val, sizeof val);
            tc_cbor_put_map(&e, 8);
            tc_cbor_put_uint(&e, 1); tc_cbor_put_uint(&e, (uint64_t)m + 1);
            tc_cbor_put_uint(&e, 2); tc_cbor_put_uint(&e, 1);
            tc_cbor_put_uint(&e, 3); tc_cbor_put_cstr(&e, models[m]);
            tc_cbor_put_uint(&e, 4); tc_cbor_put_uint(&e, 2);
            tc_cbor_put_uint(&e, 5); tc_cbor_put_array(&e, 1); tc_cbor_put_array(&e, 1); tc_cbor_put_cstr(&e, "fleet");
            tc_cbor_put_uint(&e, 6); tc_cbor_put_uint(&e, 0);
            tc_cbor_put_uint(&e, 7); tc_cbor_put_uint(&e, 0);
            tc_cbor_put_uint(&e, 8); tc_cbor_put_uint(&e, 1);
            if (put(s, bt, key, 17, &e)) return 1;
        }
    }
    /* releases 'F' + vendor + SHA-256(model)[0..16] + version */
    for (int m = 0; m < 2; m++) {
        uint8_t mh[32];
        tc_sha256(mh, models[m], strlen(models[m]));
        key[0] = 'F';
        be64(key + 1, 1);
        memcpy(key + 9, mh, 16);
        be64(key + 25, 2);
        tc_cbor_enc_init(&e, val, sizeof val);
        tc_cbor_put_map(&e, 10);
        tc_cbor_put_uint(&e, 1); tc_cbor_put_cstr(&e, models[m]);
        tc_cbor_put_uint(&e, 2); tc_cbor_put_uint(&e, 2);
        tc_cbor_put_uint(&e, 3); tc_cbor_put_bytes(&e, dig, 32);
        tc_cbor_put_uint(&e, 4); tc_cbor_put_uint(&e, 65536);
        tc_cbor_put_uint(&e, 5); tc_cbor_put_uint(&e, 4096);
        tc_cbor_put_uint(&e, 6); tc_cbor_put_bytes(&e, dig, 32);
        tc_cbor_put_uint(&e, 7); tc_cbor_put_uint(&e, 0);
        tc_cbor_put_uint(&e, 8); tc_cbor_put_uint(&e, 1ull << 50);
        tc_cbor_put_uint(&e, 9); tc_cbor_put_bool(&e, 0);
        tc_cbor_put_uint(&e, 10); tc_cbor_put_uint(&e, 1);
        if (put(s, bt, key, 33, &e)) return 1;
    }
    return flush(s, bt);
}

/* ---- measuring ---- */

static tc_store *S;
static uint64_t H;
static uint32_t NDEV;
static tc_query_page PG;
static double LAT[Q], CPU[Q];
static size_t HITS;
static uint8_t REC[4096], PROOF[TC_SMT_PROOF_MAX];

/* Record + state proof of each key on the page (what a device receives). */
static int prove_page(void)
{
    size_t rl, pl;
    for (size_t i = 0; i < PG.n; i++)
        if (tc_query_record(S, REC, sizeof REC, &rl, PROOF, sizeof PROOF, &pl, H, PG.key[i], PG.key_len[i]))
            return 1;
    return 0;
}

typedef int (*query_fn)(int i);

static void report(const char *what, query_fn fn)
{
    HITS = 0;
    int bad = 0;
    for (int i = 0; i < Q; i++) {
        double t0 = now_s(), c0 = cpu_s();
        bad += fn(i) != 0;
        LAT[i] = (now_s() - t0) * 1e3;
        CPU[i] = (cpu_s() - c0) * 1e3;
    }
    qsort(LAT, Q, sizeof LAT[0], cmp_d);
    qsort(CPU, Q, sizeof CPU[0], cmp_d);
    printf("%-40s wall p50 %6.3f p99 %6.3f ms | CPU p50 %6.3f p99 %6.3f ms (%zu results%s)\n", what,
           LAT[Q / 2], LAT[Q * 99 / 100], CPU[Q / 2], CPU[Q * 99 / 100], HITS, bad ? ", SOME FAILED" : "");
}

static uint32_t pick(int i) { return (uint32_t)(((uint64_t)i * 2654435761u) % NDEV); }

static int q_device(int i)
{
    uint8_t id[16];
    size_t rl, pl;
    fx_dev_id(id, pick(i));
    HITS++;
    return tc_query_device(S, REC, sizeof REC, &rl, PROOF, sizeof PROOF, &pl, H, id);
}

static int list_page(uint32_t kind, const uint8_t *ik, size_t ikn, int deep, int i)
{
    uint8_t after[17];
    after[0] = 'D';
    fx_dev_id(after + 1, pick(i));
    int rc = tc_query_list(S, &PG, H, kind, ik, ikn, deep ? after : NULL, deep ? 17 : 0, PAGE);
    HITS += PG.n;
    return rc || prove_page();
}

static int q_attr(int i)
{
    char val[16];
    uint8_t ik[TC_QUERY_IKEY_MAX];
    size_t ikn;
    unsigned v = (unsigned)(i * 7919) % 1000;
    snprintf(val, sizeof val, "%s-%u", colors[v % 5], v);
    tc_query_attr_ikey(ik, &ikn, "color", 5, val, strlen(val));
    return list_page(TC_IDX_DEV_ATTR, ik, ikn, 0, i);
}

static int q_attr_list(int i)
{
    char val[16];
    uint8_t ik[TC_QUERY_IKEY_MAX];
    size_t ikn;
    unsigned v = (unsigned)(i * 7919) % 1000;
    snprintf(val, sizeof val, "%s-%u", colors[v % 5], v);
    tc_query_attr_ikey(ik, &ikn, "color", 5, val, strlen(val));
    int rc = tc_query_list(S, &PG, H, TC_IDX_DEV_ATTR, ik, ikn, NULL, 0, PAGE);
    HITS += PG.n;
    return rc;
}

static int q_owner(int i)
{
    uint8_t ik[8];
    be64(ik, 1 + (uint64_t)i % OWNERS);
    return list_page(TC_IDX_DEV_OWNER, ik, 8, i & 1, i);
}

static int q_model(int i)
{
    return list_page(TC_IDX_DEV_MODEL, (const uint8_t *)models[i & 1], 8, (i >> 1) & 1, i);
}

static int q_services(int i)
{
    char type[16];
    snprintf(type, sizeof type, "svc-%u", (unsigned)i % 50);
    int rc = tc_query_services(S, &PG, H, TC_IDX_SVC_TYPE, (const uint8_t *)type, strlen(type), NULL, 0, PAGE);
    HITS += PG.n;
    return rc || prove_page();
}

static int q_config(int i)
{
    uint8_t id[16];
    fx_dev_id(id, pick(i));
    int rc = tc_query_config(S, &PG, H, id);
    HITS += PG.n;
    return rc || prove_page() || q_device(i); /* the device record is part of the evidence */
}

static int q_firmware(int i)
{
    uint8_t id[16];
    tc_query_fw fw;
    size_t rl, pl;
    fx_dev_id(id, pick(i));
    int rc = tc_query_firmware(S, &fw, H, id, 1);
    if (rc) return rc;
    HITS++;
    return tc_query_record(S, REC, sizeof REC, &rl, PROOF, sizeof PROOF, &pl, H, fw.release_key, sizeof fw.release_key) ||
           tc_query_record(S, REC, sizeof REC, &rl, PROOF, sizeof PROOF, &pl, H, fw.rollout_key, sizeof fw.rollout_key) ||
           q_device(i);
}

int main(void)
{
    tc_crypto_init();
    char dir[400], path[450], wal[460];
    fx_tmpdir(dir, sizeof dir, "benchq");
    snprintf(path, sizeof path, "%s/q.db", dir);
    snprintf(wal, sizeof wal, "%s-wal", path);
    const char *env = getenv("TC_BENCH_DEVICES");
    NDEV = env ? (uint32_t)atol(env) : 200000;
    if (NDEV < 1000) NDEV = 1000;
    uint8_t sha_in[65], sha_out[32];
    memset(sha_in, 1, sizeof sha_in);
    double t0 = now_s();
    for (int i = 0; i < 1000000; i++) { sha_in[0] = (uint8_t)i; tc_sha256(sha_out, sha_in, sizeof sha_in); }
    double sha = 1e6 / (now_s() - t0);
    printf("reference: SHA-256 of 65 bytes (one tree node): %.0f /s\n", sha);

    batch bt = { tc_malloc(10000 * sizeof *bt.b), tc_malloc(10000 * sizeof *bt.t), 0 };
    tc_store *s;
    if (fx_open_genesis(&s, path)) return 1;
    t0 = now_s();
    if (load_devices(s, &bt, NDEV) || load_ledger_records(s, &bt, NDEV)) return 1;
    double build = now_s() - t0;
    tc_store_close(s);
    tc_free(bt.b);
    tc_free(bt.t);
    sqlite3 *db;
    sqlite3_open(path, &db);
    sqlite3_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL);
    sqlite3_close(db);
    long long bytes = file_size(path) + file_size(wal);
    printf("devices: %u (loaded in %.1f s, blocks of 10000); disk: %lld bytes = %.0f bytes per device record\n",
           NDEV, build, bytes, (double)bytes / NDEV);

    if (fx_open_genesis(&S, path)) return 1;
    H = tc_store_height(S);
    printf("%d queries each; lists are pages of %d, every result with its record and state proof:\n", Q, PAGE);
    report("device by id (+ proof)", q_device);
    report("devices by attribute, keys only (no proofs)", q_attr_list);
    report("devices by attribute, first page", q_attr);
    report("devices by owner, first / later page", q_owner);
    report("devices by model, first / later page", q_model);
    report("services by type, first page", q_services);
    report("config for a device (+ device)", q_config);
    report("firmware (+ release, rollout, device)", q_firmware);
    printf("(target: attribute query p99 <= 5 ms; CPU = this thread's CPU time, which a shared machine\n"
           " does not inflate; wall includes waiting for the CPU and the disk)\n");
    tc_store_close(S);
    if (getenv("TC_BENCH_KEEP")) printf("kept %s\n", path);
    else fx_rm(dir);
    return 0;
}
