/* `thingchain debug load`: a load generator for tests and the node bench
 * (issue 6; docs/node.md, "Load generator").
 *
 * Setup: governance (the first k keys of NET/gov) registers one
 * organization per signer through the first node, in nonce order, and the
 * run waits until the last registration is committed. Load: N anchors,
 * signer j signing its own nonces 1, 2, ... and always through node
 * j mod (number of nodes) (a signer's nonce n+1 must not reach a node
 * before n), T threads paced to R transactions per second in total.
 * --dup-every K posts every K-th transaction a second time to the next
 * node: it must be answered "duplicate" (or refused as a replay) and still
 * be committed once. Then every transaction is looked up (GET /tx/ID) until
 * committed; latency = the first moment the first node reported the
 * height holding it (polled every 10 ms) minus the moment it was sent. */
#include <getopt.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "load.h"
#include "tc/alloc.h"
#include "tc/hex.h"
#include "tc/httpc.h"
#include "tc/keyfile.h"
#include "tc/tx.h"

static const char usage[] =
    "thingchain debug load --net DIR --node URL[,URL...] --txs N [--rate R] [--signers S]\n"
    "       [--threads T] [--org-base ID] [--dup-every K] [--seed X] [--timeout S] [--json]";

#define URLS_MAX 16

typedef struct rec {
    char id[65];
    uint64_t sent_ms, height;
    int refused, dup_answer;
} rec;

typedef struct run {
    load_ctx c;
    char urls[URLS_MAX][128];
    size_t nurl;
    uint64_t txs, rate, signers, threads, org_base, dup_every, timeout_s;
    int json;
    load_signer *keys;
    rec *recs;            /* tx k of signer j at j + S * (nonce - 1) */
    uint64_t t0;
    volatile int watching;
    uint64_t *seen;       /* first time node 0 reported each height */
    size_t seen_cap;
    pthread_mutex_t mu;
    char first_err[256];
    uint64_t refused, dups, dup_errors;
    uint64_t post_us, posts;  /* time spent in POST /tx round trips */
} run;

/* One kept-alive connection per node URL, per thread. */
typedef struct worker {
    run *r;
    uint64_t t;
    tc_http_conn *c[URLS_MAX];
} worker;

static int worker_open(worker *w, run *r, uint64_t t)
{
    memset(w, 0, sizeof *w);
    w->r = r;
    w->t = t;
    for (size_t i = 0; i < r->nurl; i++)
        if (tc_http_conn_new(&w->c[i], r->urls[i], 10000)) return TC_ERR_NOMEM;
    return 0;
}

static void worker_close(worker *w)
{
    for (size_t i = 0; i < URLS_MAX; i++) tc_http_conn_close(w->c[i]);
}

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static uint64_t now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static void sleep_until(uint64_t t)
{
    uint64_t n = now_ms();
    if (t > n)
        usleep((useconds_t)(t - n) * 1000u);
}

static void note_err(run *r, const char *what)
{
    pthread_mutex_lock(&r->mu);
    if (!r->first_err[0])
        snprintf(r->first_err, sizeof r->first_err, "%s", what);
    pthread_mutex_unlock(&r->mu);
}

/* POST /tx; 0 pending, 1 duplicate, 2 refused for the nonce, -1 other. */
static int post(run *r, tc_http_conn *c, const uint8_t *tx, size_t len, char *id)
{
    char resp[1024];
    int status;
    tc_err err;
    /* A node over its per-client request rate answers 429 (docs/api.md,
     * Bounds): back off and retry, as any well-behaved client does. */
    for (int tries = 0;; tries++) {
        uint64_t t0 = now_us();
        int hrc = tc_http_conn_request(c, &status, resp, sizeof resp, &err, "POST", "/tx", "application/cbor", tx, len);
        __atomic_add_fetch(&r->post_us, now_us() - t0, __ATOMIC_RELAXED);
        __atomic_add_fetch(&r->posts, 1, __ATOMIC_RELAXED);
        if (hrc) {
            note_err(r, err.msg);
            return -1;
        }
        if (status != 429 || tries >= 200) break;
        usleep(20000u + 1000u * (unsigned)(tries < 80 ? tries : 80));
    }
    if (status == 202) {
        json_t *j = json_loads(resp, 0, NULL);
        const char *t = json_string_value(json_object_get(j, "tx"));
        const char *s = json_string_value(json_object_get(j, "status"));
        if (t && id) snprintf(id, 65, "%s", t);
        int dup = s && !strcmp(s, "duplicate");
        json_decref(j);
        return dup;
    }
    if (strstr(resp, "LEDGER_NONCE"))
        return 2;
    char m[256];
    snprintf(m, sizeof m, "HTTP %d: %.200s", status, resp);
    note_err(r, m);
    return -1;
}

/* Height of a committed transaction, 0 if not (yet). */
static uint64_t committed(tc_http_conn *c, const char *id)
{
    char resp[1024], path[80];
    int status;
    tc_err err;
    snprintf(path, sizeof path, "/tx/%s", id);
    if (tc_http_conn_request(c, &status, resp, sizeof resp, &err, "GET", path, NULL, NULL, 0) || status != 200)
        return 0;
    json_t *j = json_loads(resp, 0, NULL);
    uint64_t h = (uint64_t)json_integer_value(json_object_get(j, "height"));
    json_decref(j);
    return h;
}

static void *watch(void *arg)
{
    run *r = arg;
    tc_http_conn *c;
    if (tc_http_conn_new(&c, r->urls[0], 2000)) return NULL;
    while (r->watching) {
        char resp[2048];
        int status;
        tc_err err;
        if (!tc_http_conn_request(c, &status, resp, sizeof resp, &err, "GET", "/status", NULL, NULL, 0) &&
            status == 200) {
            json_t *j = json_loads(resp, 0, NULL);
            uint64_t h = (uint64_t)json_integer_value(json_object_get(j, "height")), t = now_ms();
            json_decref(j);
            pthread_mutex_lock(&r->mu);
            for (uint64_t k = 0; k <= h && k < r->seen_cap; k++)
                if (!r->seen[k])
                    r->seen[k] = t;
            pthread_mutex_unlock(&r->mu);
        }
        usleep(10000);
    }
    tc_http_conn_close(c);
    return NULL;
}

static void *send_loop(void *arg)
{
    worker *w = arg;
    run *r = w->r;
    uint64_t S = r->signers, sent = 0;
    for (uint64_t nonce = 1;; nonce++) {
        int any = 0;
        for (uint64_t j = w->t; j < S; j += r->threads) {
            uint64_t k = j + S * (nonce - 1);
            if (k >= r->txs)
                continue;
            any = 1;
            uint8_t tx[2048];
            size_t len;
            if (r->rate)
                sleep_until(r->t0 + sent * 1000u * r->threads / r->rate);
            sent++;
            rec *x = &r->recs[k];
            if (load_tx_anchor(tx, sizeof tx, &len, &r->c, &r->keys[j], r->org_base + j, nonce, now_ms())) {
                note_err(r, "cannot build an anchor");
                x->refused = 1;
                continue;
            }
            x->sent_ms = now_ms();
            int p = post(r, w->c[j % r->nurl], tx, len, x->id);
            if (p != 0) {
                x->refused = 1;
                __atomic_add_fetch(&r->refused, 1, __ATOMIC_RELAXED);
                continue;
            }
            if (r->dup_every && k % r->dup_every == 0 && r->nurl > 1) {
                int d = post(r, w->c[(j + 1) % r->nurl], tx, len, NULL);
                if (d == 1 || d == 2)
                    __atomic_add_fetch(&r->dups, 1, __ATOMIC_RELAXED);
                else if (d < 0)
                    __atomic_add_fetch(&r->dup_errors, 1, __ATOMIC_RELAXED);
            }
        }
        if (!any)
            break;
    }
    /* Wait for this thread's transactions to be committed. */
    uint64_t deadline = now_ms() + r->timeout_s * 1000u;
    for (uint64_t j = w->t; j < S; j += r->threads)
        for (uint64_t k = j; k < r->txs; k += S) {
            rec *x = &r->recs[k];
            while (!x->refused && !x->height && now_ms() < deadline) {
                x->height = committed(w->c[j % r->nurl], x->id);
                if (!x->height)
                    usleep(50000);
            }
        }
    return NULL;
}

static int setup(run *r, worker *w)
{
    uint64_t nonce = 1;
    char id[65] = "";
    for (uint64_t j = 0; j < r->signers; j++) {
        uint8_t tx[4096];
        size_t len;
        int p;
        do {
            if (load_tx_register(tx, sizeof tx, &len, &r->c, nonce, r->org_base + j, &r->keys[j]))
                return cli_fail("cannot build the registration of org %llu", (unsigned long long)(r->org_base + j));
            p = post(r, w->c[0], tx, len, id);
            if (p == 2) nonce++; /* an earlier run used this governance nonce */
        } while (p == 2 && nonce < 100000);
        if (p != 0)
            return cli_fail("registering org %llu failed: %s", (unsigned long long)(r->org_base + j), r->first_err);
        nonce++;
    }
    uint64_t deadline = now_ms() + r->timeout_s * 1000u;
    while (!committed(w->c[0], id))
        if (now_ms() > deadline)
            return cli_fail("the organizations were not committed within %llu s", (unsigned long long)r->timeout_s);
        else
            usleep(50000);
    return 0;
}

static int load_net(run *r, const char *dir)
{
    char path[4096];
    json_error_t je;
    snprintf(path, sizeof path, "%s/genesis.json", dir);
    json_t *g = json_load_file(path, 0, &je);
    if (!g) return cli_fail("cannot read %s: %s", path, je.text);
    const char *cid = json_string_value(json_object_get(g, "chain_id"));
    json_int_t k = json_integer_value(json_object_get(json_object_get(g, "governance"), "k"));
    if (!cid || strlen(cid) > 64 || k < 1 || k > LOAD_GOV_MAX) {
        json_decref(g);
        return cli_fail("%s: no chain_id or governance k", path);
    }
    snprintf(r->c.chain_id, sizeof r->c.chain_id, "%s", cid);
    r->c.gov_k = (size_t)k;
    json_decref(g);
    for (size_t i = 0; i < r->c.gov_k; i++) {
        uint8_t pub[TC_ED25519_PUB_LEN];
        tc_err err;
        snprintf(path, sizeof path, "%s/gov/gov%zu.key", dir, i + 1);
        if (tc_keyfile_load(pub, r->c.gov_sec[i], &err, path)) return cli_fail("%s", err.msg);
    }
    return 0;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static int report(run *r, uint64_t t_end)
{
    uint64_t *lat = tc_calloc(r->txs + 1, sizeof *lat), n = 0, last = r->t0;
    for (uint64_t k = 0; lat && k < r->txs; k++) {
        rec *x = &r->recs[k];
        if (!x->height) continue;
        uint64_t c = x->height < r->seen_cap && r->seen[x->height] ? r->seen[x->height] : t_end;
        lat[n++] = c > x->sent_ms ? c - x->sent_ms : 0;
        if (c > last) last = c;
    }
    if (!lat) return cli_fail("out of memory");
    qsort(lat, n, sizeof *lat, cmp_u64);
    double secs = (double)(last - r->t0) / 1000.0;
    double tps = secs > 0 ? (double)n / secs : 0;
    uint64_t p50 = n ? lat[n / 2] : 0, p99 = n ? lat[(n * 99) / 100 < n ? (n * 99) / 100 : n - 1] : 0;
    uint64_t mx = n ? lat[n - 1] : 0;
    double post_ms = r->posts ? (double)r->post_us / (double)r->posts / 1000.0 : 0;
    tc_free(lat);
    if (r->json) {
        json_t *o = json_pack("{s:I,s:I,s:I,s:I,s:I,s:f,s:f,s:I,s:I,s:I,s:f,s:s}", "submitted", (json_int_t)r->txs,
                              "committed", (json_int_t)n, "refused", (json_int_t)r->refused, "duplicates",
                              (json_int_t)r->dups, "duplicate_errors", (json_int_t)r->dup_errors, "seconds", secs, "tx_per_s", tps, "p50_ms", (json_int_t)p50,
                              "p99_ms", (json_int_t)p99, "max_ms", (json_int_t)mx, "post_ms_avg", post_ms,
                              "first_error", r->first_err);
        char *s = json_dumps(o, JSON_COMPACT);
        printf("%s\n", s);
        free(s);
        json_decref(o);
    } else {
        printf("submitted   %llu\ncommitted   %llu\nrefused     %llu\nduplicates  %llu (errors %llu)\nseconds     %.2f\n"
               "tx/s        %.1f\np50 ms      %llu\np99 ms      %llu\nmax ms      %llu\nPOST avg ms %.2f\n",
               (unsigned long long)r->txs, (unsigned long long)n, (unsigned long long)r->refused,
               (unsigned long long)r->dups, (unsigned long long)r->dup_errors, secs, tps, (unsigned long long)p50, (unsigned long long)p99,
               (unsigned long long)mx, post_ms);
        if (r->first_err[0]) printf("first error %s\n", r->first_err);
    }
    return n == r->txs ? CLI_OK : 1;
}

static int parse(run *r, const char **net, int argc, char **argv)
{
    static const struct option lo[] = {
        {"net", 1, 0, 'n'}, {"node", 1, 0, 'u'}, {"txs", 1, 0, 'N'}, {"rate", 1, 0, 'r'},
        {"signers", 1, 0, 'S'}, {"threads", 1, 0, 'T'}, {"org-base", 1, 0, 'o'}, {"dup-every", 1, 0, 'd'},
        {"seed", 1, 0, 's'}, {"timeout", 1, 0, 't'}, {"json", 0, 0, 'j'}, {0, 0, 0, 0}};
    const char *nodes = NULL;
    int c, rc = 0;
    r->signers = 64; r->threads = 8; r->org_base = 1000; r->timeout_s = 120;
    r->c.seed = (uint64_t)time(NULL);
    optind = 1;
    opterr = 0;
    while (!rc && (c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
        switch (c) {
        case 'n': *net = optarg; break;
        case 'u': nodes = optarg; break;
        case 'N': rc = cli_u64_opt(&r->txs, "--txs", optarg, usage); break;
        case 'r': rc = cli_u64_opt(&r->rate, "--rate", optarg, usage); break;
        case 'S': rc = cli_u64_opt(&r->signers, "--signers", optarg, usage); break;
        case 'T': rc = cli_u64_opt(&r->threads, "--threads", optarg, usage); break;
        case 'o': rc = cli_u64_opt(&r->org_base, "--org-base", optarg, usage); break;
        case 'd': rc = cli_u64_opt(&r->dup_every, "--dup-every", optarg, usage); break;
        case 's': rc = cli_u64_opt(&r->c.seed, "--seed", optarg, usage); break;
        case 't': rc = cli_u64_opt(&r->timeout_s, "--timeout", optarg, usage); break;
        case 'j': r->json = 1; break;
        default: return cli_usage(usage, "unknown or incomplete option %s", argv[optind - 1]);
        }
    }
    if (rc) return rc;
    if (optind < argc) return cli_usage(usage, "unexpected argument %s", argv[optind]);
    if (!*net || !nodes || !r->txs) return cli_usage(usage, "--net, --node and --txs are required");
    if (r->signers < 1 || r->signers > 100000 || r->threads < 1 || r->threads > 256)
        return cli_usage(usage, "--signers must be 1..100000 and --threads 1..256");
    for (const char *p = nodes; *p;) {
        size_t n = strcspn(p, ",");
        if (r->nurl == URLS_MAX || n == 0 || n >= sizeof r->urls[0])
            return cli_usage(usage, "--node: at most %d URLs, none empty", URLS_MAX);
        memcpy(r->urls[r->nurl], p, n);
        r->urls[r->nurl++][n] = 0;
        p += n + (p[n] == ',');
    }
    if (r->threads > r->signers) r->threads = r->signers;
    return 0;
}

int cmd_debug_load(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        printf("usage: %s\n\n"
               "Registers --signers organizations through the first node (governance keys of\n"
               "the net dir), then submits --txs anchors signed by them, spread over the nodes\n"
               "(signer j always through node j mod nodes), --rate per second in total (0: as\n"
               "fast as the nodes answer), and waits until each is committed (GET /tx/ID).\n"
               "Prints submitted, committed, refused, duplicates (second posts answered\n"
               "duplicate or refused as replays; a second post that beats the gossiped\n"
               "copy is admitted there instead) and second posts that failed, tx/s,\n"
               "latency p50/p99/max in ms and the mean POST round trip. One kept-alive\n"
               "connection per thread and node.\n"
               "Exit 0 when every transaction was committed.\n", usage);
        return CLI_OK;
    }
    static run r;
    const char *net = NULL;
    int rc = parse(&r, &net, argc, argv);
    if (rc) return rc;
    if ((rc = load_net(&r, net))) return rc;
    pthread_mutex_init(&r.mu, NULL);
    r.keys = tc_calloc(r.signers, sizeof *r.keys);
    r.recs = tc_calloc(r.txs, sizeof *r.recs);
    r.seen_cap = 1u << 20;
    r.seen = tc_calloc(r.seen_cap, sizeof *r.seen);
    if (!r.keys || !r.recs || !r.seen) return cli_fail("out of memory");
    for (uint64_t j = 0; j < r.signers; j++)
        load_signer_key(&r.keys[j], r.c.seed, j);
    static worker w[256];
    for (uint64_t t = 0; t < r.threads; t++)
        if (worker_open(&w[t], &r, t)) return cli_fail("out of memory");
    if ((rc = setup(&r, &w[0]))) return rc;
    pthread_t wt, th[256];
    r.watching = 1;
    pthread_create(&wt, NULL, watch, &r);
    r.t0 = now_ms();
    for (uint64_t t = 0; t < r.threads; t++)
        pthread_create(&th[t], NULL, send_loop, &w[t]);
    for (uint64_t t = 0; t < r.threads; t++)
        pthread_join(th[t], NULL);
    uint64_t t_end = now_ms();
    usleep(20000);
    r.watching = 0;
    pthread_join(wt, NULL);
    rc = report(&r, t_end);
    for (uint64_t t = 0; t < r.threads; t++)
        worker_close(&w[t]);
    tc_free(r.keys);
    tc_free(r.recs);
    tc_free(r.seen);
    return rc;
}
