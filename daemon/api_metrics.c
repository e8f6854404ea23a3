/* GET /metrics in the Prometheus text exposition format (version 0.0.4;
 * docs/api.md, "Metrics"). Counters are kept by the loop thread:
 * api_metrics_commit after each committed block, api_metrics_count for
 * each answer api_reply sends.
 *
 * Commit latency: from the block's proposal time (its header time, set by
 * the proposer, docs/node.md "Blocks") to the moment this node committed
 * it — a histogram in seconds. Clocks of proposer and this node differ by
 * their skew; on one machine it is the real figure. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "api.h"

static const double k_bounds[API_LAT_BUCKETS] = {0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};
static uint64_t g_codes[600];

void api_metrics_count(unsigned status)
{
    if (status < 600)
        g_codes[status]++;
}

void api_metrics_commit(api *a, uint64_t now_ms, uint64_t block_time_ms, size_t ntx)
{
    api_metrics *m = &a->m;
    m->commit_ms[m->commit_pos] = now_ms;
    m->commit_txs[m->commit_pos] = ntx;
    m->commit_pos = (m->commit_pos + 1) % API_RATE_WINDOW;
    double s = now_ms > block_time_ms ? (double)(now_ms - block_time_ms) / 1000.0 : 0.0;
    size_t k = 0;
    while (k < API_LAT_BUCKETS && s > k_bounds[k])
        k++;
    m->lat_count[k]++;
    m->lat_sum += s;
    m->lat_n++;
}

/* Transactions committed in the last 10 s, per second. */
static double tx_rate(const api_metrics *m, uint64_t now_ms)
{
    uint64_t n = 0;
    for (size_t i = 0; i < API_RATE_WINDOW; i++)
        if (m->commit_ms[i] && m->commit_ms[i] + 10000 > now_ms)
            n += m->commit_txs[i];
    return (double)n / 10.0;
}

static void put(char *buf, size_t cap, size_t *len, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void put(char *buf, size_t cap, size_t *len, const char *fmt, ...)
{
    if (*len >= cap)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf + *len, cap - *len, fmt, ap);
    va_end(ap);
    if (n > 0)
        *len += (size_t)n < cap - *len ? (size_t)n : cap - *len;
}

static enum MHD_Result render(api *a, struct MHD_Connection *c)
{
    node *nd = a->nd;
    static char buf[16384];
    size_t n = 0, cap = sizeof buf;
    const api_metrics *m = &a->m;
    put(buf, cap, &n, "# HELP thingchain_block_height Height of the last committed block.\n"
                      "# TYPE thingchain_block_height gauge\nthingchain_block_height %llu\n",
        (unsigned long long)tc_store_height(nd->store));
    put(buf, cap, &n, "# HELP thingchain_committed_txs_total Transactions committed since the node started.\n"
                      "# TYPE thingchain_committed_txs_total counter\nthingchain_committed_txs_total %llu\n",
        (unsigned long long)nd->committed_txs);
    put(buf, cap, &n, "# HELP thingchain_block_replays_total Blocks committed by replaying this node's validation "
                      "run instead of executing them again, since the node started.\n"
                      "# TYPE thingchain_block_replays_total counter\nthingchain_block_replays_total %llu\n",
        (unsigned long long)tc_store_replays(nd->store));
    put(buf, cap, &n, "# HELP thingchain_tx_per_second Transactions committed per second over the last 10 s.\n"
                      "# TYPE thingchain_tx_per_second gauge\nthingchain_tx_per_second %.1f\n",
        tx_rate(m, node_now_ms()));
    put(buf, cap, &n, "# HELP thingchain_mempool_txs Transactions waiting in the mempool.\n"
                      "# TYPE thingchain_mempool_txs gauge\nthingchain_mempool_txs %zu\n"
                      "# HELP thingchain_mempool_bytes Bytes of transactions waiting in the mempool.\n"
                      "# TYPE thingchain_mempool_bytes gauge\nthingchain_mempool_bytes %zu\n",
        nd->mp.n, nd->mp.bytes);
    put(buf, cap, &n, "# HELP thingchain_peers Peer links up.\n# TYPE thingchain_peers gauge\nthingchain_peers %zu\n",
        (size_t)(nd->net ? tc_net_peer_count(nd->net) : 0));
    put(buf, cap, &n, "# HELP thingchain_commit_latency_seconds From block proposal time to commit on this node.\n"
                      "# TYPE thingchain_commit_latency_seconds histogram\n");
    uint64_t cum = 0;
    for (size_t k = 0; k <= API_LAT_BUCKETS; k++) {
        cum += m->lat_count[k];
        if (k < API_LAT_BUCKETS)
            put(buf, cap, &n, "thingchain_commit_latency_seconds_bucket{le=\"%g\"} %llu\n", k_bounds[k],
                (unsigned long long)cum);
        else
            put(buf, cap, &n, "thingchain_commit_latency_seconds_bucket{le=\"+Inf\"} %llu\n", (unsigned long long)cum);
    }
    put(buf, cap, &n, "thingchain_commit_latency_seconds_sum %.3f\nthingchain_commit_latency_seconds_count %llu\n",
        m->lat_sum, (unsigned long long)m->lat_n);
    put(buf, cap, &n, "# HELP thingchain_api_subscribers Event-stream subscribers.\n"
                      "# TYPE thingchain_api_subscribers gauge\nthingchain_api_subscribers %zu\n", a->nsubs);
    put(buf, cap, &n, "# HELP thingchain_api_requests_total API answers by HTTP status.\n"
                      "# TYPE thingchain_api_requests_total counter\n");
    /* This answer counts itself (status 200) before it is rendered. */
    api_metrics_count(200);
    for (unsigned s = 100; s < 600; s++)
        if (g_codes[s])
            put(buf, cap, &n, "thingchain_api_requests_total{code=\"%u\"} %llu\n", s, (unsigned long long)g_codes[s]);
    g_codes[200]--;
    return api_reply(c, 200, "text/plain; version=0.0.4", buf, n);
}

int api_metrics_route(api *a, struct MHD_Connection *c, const char *url, const char *method, api_req *r,
                      enum MHD_Result *res)
{
    (void)r;
    if (strcmp(url, "/metrics") || strcmp(method, "GET"))
        return 0;
    *res = render(a, c);
    return 1;
}
