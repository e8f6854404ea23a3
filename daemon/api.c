/* A minimal HTTP API (issue 6 item 2, the first endpoints; docs/node.md,
 * "HTTP API"): libmicrohttpd in external-select mode driven by the node's
 * libuv loop (MHD's epoll descriptor is watched with a uv_poll), so every
 * handler runs on the loop thread and may touch the node without locks.
 *   GET  /healthz  200 "ok"
 *   GET  /status   JSON {chain_id, height, block_id, peers, mempool, validator}
 *   POST /tx       body: the signed transaction (raw CBOR bytes); admission
 *                  checks decode, chain, signature and nonce.
 *                  202 {"tx": hex id, "status": "pending"|"duplicate"}
 *                  400/413/503 {"code": name, "message": text}
 *   GET  /tx/HEX   the result of a committed transaction by SHA-256 of its bytes
 * plus the route functions of the endpoint files (docs/api.md lists all).
 * Bounds: body TC_TX_MAX bytes, 256 connections (128 per IP), 30 s idle
 * timeout, a token bucket per client IP (api_rate/api_burst; 429). */
#include <stdio.h>
#include <string.h>

#include "api.h"
#include "api_fw.h"
#include "tc/alloc.h"
#include "tc/hex.h"
#include "tc/log.h"
#include "tc/tx.h"

typedef api_req req;

enum MHD_Result api_reply(struct MHD_Connection *c, unsigned status, const char *ctype, const void *body,
                          size_t len)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(len, (void *)body, MHD_RESPMEM_MUST_COPY);
    if (!r)
        return MHD_NO;
    MHD_add_response_header(r, "Content-Type", ctype);
    api_metrics_count(status);
    enum MHD_Result ret = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ret;
}

enum MHD_Result api_reply_json(struct MHD_Connection *c, unsigned status, json_t *j)
{
    char *s = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    if (!s)
        return MHD_NO;
    enum MHD_Result r = api_reply(c, status, "application/json", s, strlen(s));
    free(s);
    return r;
}

enum MHD_Result api_reply_err(struct MHD_Connection *c, unsigned status, int code, const char *msg)
{
    return api_reply_json(c, status, json_pack("{s:s,s:s}", "code", code ? tc_errname(code) : "BAD_REQUEST",
                                           "message", msg));
}

static enum MHD_Result status_json(api *a, struct MHD_Connection *c)
{
    node *nd = a->nd;
    uint8_t id[TC_HASH_LEN];
    char hex[2 * TC_HASH_LEN + 1];
    tc_store_last_id(nd->store, id);
    tc_hex_encode(hex, id, TC_HASH_LEN);
    tc_cons_status st;
    tc_cons_get_status(nd->eng, &st);
    /* The state root of the last block (genesis: none yet): nodes that
     * agree on it hold the same state. */
    tc_header hd;
    uint8_t hid[TC_HASH_LEN];
    char root[2 * TC_HASH_LEN + 1] = "";
    uint64_t top = tc_store_height(nd->store);
    if (top > 0 && tc_store_header(nd->store, &hd, hid, top) == 0)
        tc_hex_encode(root, hd.state_root, TC_HASH_LEN);
    json_t *j = json_pack("{s:s,s:I,s:s,s:I,s:I,s:I,s:b,s:I,s:I}", "chain_id", nd->cfg.chain_id, "height",
                                (json_int_t)tc_store_height(nd->store), "block_id", hex, "peers",
                                (json_int_t)(nd->net ? tc_net_peer_count(nd->net) : 0), "mempool",
                                (json_int_t)nd->mp.n, "round", (json_int_t)st.round, "validator", st.self >= 0,
                                "committed_txs", (json_int_t)nd->committed_txs, "consensus_height",
                                (json_int_t)st.height);
    uint64_t hits, misses;
    sigmemo_stats(&hits, &misses);
    json_object_set_new(j, "state_root", json_string(root));
    json_object_set_new(j, "mode", json_string(nd->cfg.full ? "full" : "validator"));
    json_object_set_new(j, "verifying", json_integer((json_int_t)nd->adm_n));
    json_object_set_new(j, "sig_memo_hits", json_integer((json_int_t)hits));
    json_object_set_new(j, "sig_memo_misses", json_integer((json_int_t)misses));
    return api_reply_json(c, 200, j);
}

/* Called on the loop thread when admission finished: resume the request. */
static void tx_done(void *ctx, int rc, const char *msg)
{
    req *r = ctx;
    r->tx_state = 2;
    r->tx_rc = rc;
    snprintf(r->tx_msg, sizeof r->tx_msg, "%s", msg ? msg : "");
    MHD_resume_connection(r->conn);
    api_wake(r->a->nd);
}

static enum MHD_Result post_tx(api *a, struct MHD_Connection *c, req *r)
{
    node *nd = a->nd;
    if (r->too_big)
        return api_reply_err(c, 413, TC_ERR_LEDGER_OVERSIZE, "transaction larger than 65536 bytes");
    if (r->len == 0)
        return api_reply_err(c, 400, TC_ERR_LEDGER_MALFORMED, "empty body: send the signed transaction bytes");
    int rc;
    tc_err err;
    tc_err_clear(&err);
    if (r->tx_state == 0) {
        r->conn = c;
        r->a = a;
        rc = admit_submit(nd, &err, r->body, r->len, NULL, tx_done, r);
        if (rc == 2) { /* signatures being verified off the loop thread */
            r->tx_state = 1;
            MHD_suspend_connection(c);
            return MHD_YES;
        }
    } else {
        rc = r->tx_rc;
        snprintf(err.msg, sizeof err.msg, "%s", r->tx_msg);
    }
    if (rc < 0 || rc > 1)
        return api_reply_err(c, rc == TC_ERR_LIMIT || rc == TC_ERR_NOMEM ? 503 : 400, rc, err.msg);
    uint8_t h[TC_SHA256_LEN];
    char hex[2 * TC_SHA256_LEN + 1];
    tc_sha256(h, r->body, r->len);
    tc_hex_encode(hex, h, sizeof h);
    return api_reply_json(c, 202, json_pack("{s:s,s:s}", "tx", hex, "status", rc == 0 ? "pending" : "duplicate"));
}

static enum MHD_Result get_tx(api *a, struct MHD_Connection *c, const char *hexid)
{
    uint8_t h[TC_SHA256_LEN];
    size_t n;
    if (strlen(hexid) != 64 || tc_hex_decode(h, sizeof h, &n, hexid, 64) != 0)
        return api_reply_err(c, 400, TC_ERR_INVALID_ARG, "expected /tx/<64 hex digits>");
    if (api_wants_cbor(c))
        return api_tx_bundle(a, c, h);
    uint64_t height;
    uint32_t index;
    int code;
    char msg[TC_ERR_MSG_MAX];
    if (tc_store_tx_result(a->nd->store, &height, &index, &code, msg, sizeof msg, h) != 0)
        return api_reply_err(c, 404, TC_ERR_NOT_FOUND, "transaction not committed (yet)");
    return api_reply_json(c, 200, json_pack("{s:s,s:I,s:I,s:i,s:s,s:s}", "tx", hexid, "height", (json_int_t)height,
                                        "index", (json_int_t)index, "code", code, "result",
                                        code ? tc_errname(code) : "accepted", "message", msg));
}

static enum MHD_Result route(api *a, struct MHD_Connection *c, const char *url, const char *method, req *r)
{
    int post = strcmp(method, "POST") == 0;
    enum MHD_Result res;
    if (r->limited)
        return api_reply_err(c, 429, TC_ERR_API_RATE, "too many requests from this address: slow down and retry");
    if (api_fw_route(a, c, url, method, r, &res) || api_query_route(a, c, url, method, r, &res) ||
        api_chain_route(a, c, url, method, r, &res) || api_events_route(a, c, url, method, r, &res) ||
        api_metrics_route(a, c, url, method, r, &res))
        return res;
    if (!strcmp(url, "/healthz") && !strcmp(method, "GET"))
        return api_reply(c, 200, "text/plain", "ok\n", 3);
    if ((!strcmp(url, "/status") || !strcmp(url, "/v1/status")) && !strcmp(method, "GET"))
        return status_json(a, c);
    if ((!strcmp(url, "/tx") || !strcmp(url, "/v1/tx")) && post)
        return post_tx(a, c, r);
    if (!strncmp(url, "/tx/", 4) && !strcmp(method, "GET"))
        return get_tx(a, c, url + 4);
    if (!strncmp(url, "/v1/tx/", 7) && !strcmp(method, "GET"))
        return get_tx(a, c, url + 7);
    if (post && r->too_big)
        return api_reply_err(c, 413, TC_ERR_API_BODY, "request body too large");
    return api_reply_err(c, 404, TC_ERR_NOT_FOUND, "no such endpoint (see docs/api.md)");
}

static enum MHD_Result handler(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                               const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
    api *a = cls;
    (void)version;
    if (!*con_cls) {
        /* First call for a request: headers only. The rate limit takes
         * its token here, once per request. */
        req *r = tc_calloc(1, sizeof *r);
        if (!r)
            return MHD_NO;
        r->max = strncmp(url, "/v1/firmware/", 13) ? TC_TX_MAX : API_FW_BODY_MAX;
        r->limited = !api_limits_take(a, c, node_now_ms());
        *con_cls = r;
        return MHD_YES;
    }
    req *r = *con_cls;
    if (*upload_size) {
        if (!r->too_big && !r->limited && r->len + *upload_size <= r->max) {
            uint8_t *b = tc_realloc(r->body, r->len + *upload_size);
            if (!b)
                return MHD_NO;
            memcpy(b + r->len, upload, *upload_size);
            r->body = b;
            r->len += *upload_size;
        } else {
            r->too_big = 1;
        }
        *upload_size = 0;
        return MHD_YES;
    }
    return route(a, c, url, method, r);
}

static void on_done(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode t)
{
    (void)cls; (void)c; (void)t;
    req *r = *con_cls;
    if (r) {
        tc_free(r->body);
        tc_free(r);
        *con_cls = NULL;
    }
}

static void run_mhd(api *a);

static void on_timer(uv_timer_t *t) { run_mhd(t->data); }

void api_after_commit(node *nd, uint64_t height, const uint8_t id[TC_HASH_LEN], const uint8_t *block, size_t len)
{
    api *a = nd->api;
    if (!a)
        return;
    tc_block b;
    if (tc_block_decode(&b, block, len) != 0)
        return;
    api_metrics_commit(a, node_now_ms(), b.header.time_ms, b.ntx);
    api_events_commit(a, height, id, &b);
    tc_block_free(&b);
    /* Resumed streams are served at the next MHD_run: run it soon. */
    if (a->nsubs && !a->closing)
        uv_timer_start(&a->timer, on_timer, 0, 0);
}

static void on_poll(uv_poll_t *p, int status, int events)
{
    (void)status; (void)events;
    run_mhd(p->data);
}

void api_wake(node *nd)
{
    if (nd->api)
        run_mhd(nd->api);
}

static void run_mhd(api *a)
{
    MHD_run(a->d);
    MHD_UNSIGNED_LONG_LONG ms;
    if (MHD_get_timeout(a->d, &ms) != MHD_YES || ms > 1000)
        ms = 1000;
    uv_timer_start(&a->timer, on_timer, ms, 0);
}

int api_start(node *nd)
{
    if (!nd->cfg.api_listen[0])
        return 0;
    char host[64];
    int port;
    struct sockaddr_in sa;
    if (tc_config_split_addr(host, sizeof host, &port, nd->cfg.api_listen) != 0 || uv_ip4_addr(host, port, &sa))
        return TC_ERR_INVALID_ARG;
    api *a = tc_calloc(1, sizeof *a);
    if (!a)
        return TC_ERR_NOMEM;
    a->nd = nd;
    a->d = MHD_start_daemon(MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME, (uint16_t)port, NULL, NULL, handler, a, MHD_OPTION_SOCK_ADDR, &sa,
                            MHD_OPTION_CONNECTION_LIMIT, 256u, MHD_OPTION_PER_IP_CONNECTION_LIMIT, 128u,
                            MHD_OPTION_CONNECTION_TIMEOUT, 30u,
                            MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)API_CONN_POOL, MHD_OPTION_NOTIFY_COMPLETED,
                            on_done, a, MHD_OPTION_END);
    if (!a->d) {
        TC_LOGE("cannot listen for the API on %s", nd->cfg.api_listen);
        tc_free(a);
        return TC_ERR_IO;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(a->d, MHD_DAEMON_INFO_EPOLL_FD);
    uv_poll_init(nd->loop, &a->poll, info->epoll_fd);
    a->poll.data = a;
    uv_poll_start(&a->poll, UV_READABLE, on_poll);
    uv_timer_init(nd->loop, &a->timer);
    a->timer.data = a;
    uv_timer_start(&a->timer, on_timer, 0, 0);
    nd->api = a;
    TC_LOGI("API on http://%s", nd->cfg.api_listen);
    return 0;
}

static void on_api_closed(uv_handle_t *h)
{
    api *a = h->data;
    (void)a;
}

void api_stop(node *nd)
{
    api *a = nd->api;
    if (!a)
        return;
    a->closing = 1;
    uv_close((uv_handle_t *)&a->poll, on_api_closed);
    uv_close((uv_handle_t *)&a->timer, on_api_closed);
}

void api_free(node *nd)
{
    api *a = nd->api;
    if (!a)
        return;
    api_events_close(a); /* MHD forbids stopping with suspended connections */
    MHD_run(a->d);
    MHD_stop_daemon(a->d);
    api_fw_free(a);
    tc_free(a);
    nd->api = NULL;
}
