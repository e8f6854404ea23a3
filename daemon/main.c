/* thingchaind: the node daemon (DESIGN.md, Node; docs/node.md).
 * Configuration file plus flags, one libuv loop: peer links, consensus
 * timers, the HTTP API, signals. Clean shutdown on SIGTERM/SIGINT: the
 * loop is single-threaded, so a signal is handled between events and a
 * block commit (one SQL transaction) is never cut in half; then every
 * handle is closed and the store is closed. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "node.h"
#include "tc/alloc.h"
#include "tc/genesis.h"
#include "tc/keyfile.h"
#include "tc/ledger.h"
#include "tc/log.h"

uint64_t node_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void usage(FILE *f)
{
    fprintf(f,
            "usage: thingchaind --config FILE [options]\n"
            "Runs a thingchain node (docs/node.md). Every config key can be overridden by a flag:\n"
            "  --config FILE             node.conf (lines 'key = value', '#' comments)\n"
            "  --chain-id ID             chain id (must match the genesis document)\n"
            "  --genesis FILE            genesis.cbor\n"
            "  --key FILE                node key: Ed25519 seed as 64 hex chars\n"
            "  --data FILE               SQLite database (created from genesis if absent)\n"
            "  --p2p-listen HOST:PORT    peer links (default 127.0.0.1:26656)\n"
            "  --api-listen HOST:PORT    HTTP API (none if empty)\n"
            "  --peers A:P,B:P           peers to dial\n"
            "  --log-level LEVEL         error|warn|info|debug (default info)\n"
            "  --validator yes|no        vote when the key is in the validator set (default yes)\n"
            "  --mode validator|full     full: a non-voting node that follows and never signs\n"
            "  --full-nodes HEX,HEX      node keys of full nodes allowed to link (besides validators)\n"
            "  --block-interval-ms N     empty blocks at most every N ms (default 1000)\n"
            "  --block-max-txs N         transactions per block (default 2000)\n"
            "  --block-max-bytes N       bytes of transactions per block (default 921600)\n"
            "  --mempool-max-txs N       pending transactions (default 50000)\n"
            "  --mempool-max-bytes N     pending bytes (default 67108864)\n"
            "  --api-rate N              API requests per second per client IP (default 200)\n"
            "  --api-burst N             API request burst per client IP (default 400)\n"
            "  -h, --help                this text\n"
            "Logs go to stderr. SIGTERM or SIGINT stops the node cleanly (exit 0).\n");
}

static const struct option k_opts[] = {
    {"config", 1, 0, 'c'}, {"chain-id", 1, 0, 1}, {"genesis", 1, 0, 2}, {"key", 1, 0, 3},
    {"data", 1, 0, 4}, {"p2p-listen", 1, 0, 5}, {"api-listen", 1, 0, 6}, {"peers", 1, 0, 7},
    {"log-level", 1, 0, 8}, {"validator", 1, 0, 9}, {"block-interval-ms", 1, 0, 10},
    {"block-max-txs", 1, 0, 11}, {"block-max-bytes", 1, 0, 12}, {"mempool-max-txs", 1, 0, 13},
    {"mempool-max-bytes", 1, 0, 14}, {"api-rate", 1, 0, 15}, {"api-burst", 1, 0, 16}, {"mode", 1, 0, 17},
    {"full-nodes", 1, 0, 18}, {"help", 0, 0, 'h'}, {0, 0, 0, 0}};

/* Flags override the file: the file is read first, then the flags. */
static int parse_args(tc_config *cfg, int argc, char **argv)
{
    const char *file = NULL;
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "hc:", k_opts, NULL)) != -1) {
        if (c == 'h') { usage(stdout); exit(0); }
        if (c == 'c') file = optarg;
        if (c == '?') {
            fprintf(stderr, "thingchaind: unknown or incomplete option %s\n", argv[optind - 1]);
            usage(stderr);
            exit(2);
        }
    }
    if (optind < argc) {
        fprintf(stderr, "thingchaind: unexpected argument %s\n", argv[optind]);
        usage(stderr);
        exit(2);
    }
    tc_err err;
    tc_err_clear(&err);
    if (file && tc_config_load(cfg, &err, file)) {
        fprintf(stderr, "thingchaind: %s\n", err.msg);
        exit(2);
    }
    optind = 1;
    while ((c = getopt_long(argc, argv, "hc:", k_opts, NULL)) != -1) {
        if (c < 1 || c > 18)
            continue;
        char key[32];
        snprintf(key, sizeof key, "%s", k_opts[c].name);
        for (char *p = key; *p; p++)
            if (*p == '-') *p = '_';
        if (tc_config_set(cfg, &err, key, optarg, NULL)) {
            fprintf(stderr, "thingchaind: --%s: %s\n", k_opts[c].name, err.msg);
            exit(2);
        }
    }
    if (tc_config_check(cfg, &err)) {
        fprintf(stderr, "thingchaind: %s\n", err.msg);
        usage(stderr);
        exit(2);
    }
    return 0;
}

static int read_file(uint8_t **out, size_t *len, const char *path, size_t max)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return TC_ERR_IO;
    uint8_t *b = tc_malloc(max);
    size_t n = b ? fread(b, 1, max, f) : 0;
    int more = fgetc(f) != EOF;
    fclose(f);
    if (!b || more) {
        tc_free(b);
        return b ? TC_ERR_LIMIT : TC_ERR_NOMEM;
    }
    *out = b;
    *len = n;
    return 0;
}

static int open_chain(node *nd)
{
    tc_err err;
    tc_err_clear(&err);
    int rc = read_file(&nd->genesis, &nd->genesis_len, nd->cfg.genesis, TC_GENESIS_MAX);
    if (rc) {
        TC_LOGE("cannot read genesis %s: %s", nd->cfg.genesis, tc_strerror(rc));
        return rc;
    }
    tc_genesis g;
    if ((rc = tc_genesis_decode(&g, &err, nd->genesis, nd->genesis_len)) ||
        (rc = tc_genesis_valset(&nd->vs0, &err, &g))) {
        TC_LOGE("genesis %s: %s", nd->cfg.genesis, err.msg);
        return rc;
    }
    if (g.chain_id_len != strlen(nd->cfg.chain_id) || memcmp(g.chain_id, nd->cfg.chain_id, g.chain_id_len)) {
        TC_LOGE("chain_id %s does not match the genesis document", nd->cfg.chain_id);
        return TC_ERR_INVALID_ARG;
    }
    nd->genesis_time = g.time_ms;
    tc_genesis_hash(nd->genesis_hash, nd->genesis, nd->genesis_len);
    if ((rc = tc_keyfile_load(nd->pub, nd->sec, &err, nd->cfg.key))) {
        TC_LOGE("node key: %s", err.msg);
        return rc;
    }
    if ((rc = tc_store_open(&nd->store, &err, nd->cfg.data, tc_ledger_apply))) {
        TC_LOGE("store %s: %s", nd->cfg.data, err.msg);
        return rc;
    }
    if (!tc_store_has_genesis(nd->store)) {
        rc = tc_store_genesis(nd->store, &err, (const uint8_t *)nd->cfg.chain_id, strlen(nd->cfg.chain_id),
                              nd->genesis, nd->genesis_len, tc_genesis_apply);
        if (rc) {
            TC_LOGE("store genesis: %s", err.msg);
            return rc;
        }
        TC_LOGI("created %s from genesis", nd->cfg.data);
    }
    snprintf(nd->rec_path, sizeof nd->rec_path, "%s.cons", nd->cfg.data);
    snprintf(nd->cert_path, sizeof nd->cert_path, "%s.cert", nd->cfg.data);
    if ((rc = node_load_cert(nd)))
        return rc;
    TC_LOGI("store at height %llu, %zu validators", (unsigned long long)tc_store_height(nd->store), nd->vs0.n);
    return mempool_init(&nd->mp, nd->store, nd->cfg.chain_id, nd->cfg.mempool_max_txs, nd->cfg.mempool_max_bytes);
}

static void on_signal(uv_signal_t *s, int signum)
{
    node *nd = s->data;
    TC_LOGI("signal %d: stopping", signum);
    nd->stopping = 1;
    uv_stop(nd->loop);
}

static void on_tick(uv_timer_t *t) { p2p_tick(t->data); }

/* Closes every remaining handle. Consensus timers own their memory (their
 * data points at themselves, see daemon/drive.c). */
static void close_cb_free(uv_handle_t *h) { tc_free(h); }
static void close_any(uv_handle_t *h, void *arg)
{
    (void)arg;
    if (uv_is_closing(h))
        return;
    uv_close(h, h->data == (void *)h ? close_cb_free : NULL);
}

int main(int argc, char **argv)
{
    static node nd;
    /* A peer that dies mid-write resets its socket; libuv then writes to a
     * closed connection, and the default SIGPIPE action would kill this node
     * silently (seen: kill -9 of one validator took a second one down). The
     * write's EPIPE is handled as a closed link instead. */
    signal(SIGPIPE, SIG_IGN);
    tc_config_default(&nd.cfg);
    parse_args(&nd.cfg, argc, argv);
    tc_log_set_level(nd.cfg.log_level);
    if (tc_crypto_init() != 0) {
        TC_LOGE("crypto init failed");
        return 1;
    }
    /* Signature checks on every core (daemon/admit.c): libuv's worker pool
     * sized to the online CPUs unless the environment says otherwise; the
     * pool starts at the first queued work, after this. */
    if (!getenv("UV_THREADPOOL_SIZE")) {
        long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
        char v[16];
        snprintf(v, sizeof v, "%ld", ncpu < 1 ? 1 : ncpu > 64 ? 64 : ncpu);
        setenv("UV_THREADPOOL_SIZE", v, 1);
    }
    if (sigmemo_start() != 0) {
        TC_LOGE("out of memory (signature memo)");
        return 1;
    }
    nd.loop = uv_default_loop();
    tc_cons_config_default(&nd.ccfg, nd.cfg.chain_id);
    nd.ccfg.block_id = tc_block_id_of;
    uv_timer_init(nd.loop, &nd.propose_timer);
    nd.propose_timer.data = &nd;
    int rc = open_chain(&nd);
    if (!rc) rc = p2p_start(&nd);
    if (!rc) rc = api_start(&nd);
    if (!rc) rc = node_start_engine(&nd);
    if (!rc) {
        uv_signal_init(nd.loop, &nd.sig_term);
        uv_signal_init(nd.loop, &nd.sig_int);
        nd.sig_term.data = nd.sig_int.data = &nd;
        uv_signal_start(&nd.sig_term, on_signal, SIGTERM);
        uv_signal_start(&nd.sig_int, on_signal, SIGINT);
        uv_timer_init(nd.loop, &nd.tick);
        nd.tick.data = &nd;
        uv_timer_start(&nd.tick, on_tick, 1000, 1000);
        TC_LOGI("running (pid %ld)", (long)getpid());
        uv_run(nd.loop, UV_RUN_DEFAULT);
        if (nd.failed)
            rc = TC_ERR_IO;
    }
    nd.stopping = 1;
    if (nd.net)
        tc_net_close(nd.net);
    api_stop(&nd);
    uv_walk(nd.loop, close_any, NULL);
    uv_run(nd.loop, UV_RUN_DEFAULT);
    api_free(&nd);
    tc_net_free(nd.net);
    node_stop_engine(&nd);
    tc_recfile_close(&nd.rec_file);
    tc_recfile_close(&nd.cert_file);
    if (nd.mp.ov)
        mempool_free(&nd.mp);
    if (nd.store)
        tc_store_close(nd.store);
    tc_free(nd.genesis);
    tc_free(nd.last_cert);
    tc_wipe(nd.sec, sizeof nd.sec);
    uv_loop_close(nd.loop);
    sigmemo_stop();
    TC_LOGI("stopped%s", rc ? " after an error" : " cleanly");
    return rc ? 1 : 0;
}
