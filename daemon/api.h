/* thingchaind HTTP API internals (docs/api.md): the server object, one
 * request's state and the reply helpers every endpoint file shares.
 * Endpoint files each export one route function:
 *     int api_X_route(api *a, struct MHD_Connection *c, const char *url,
 *                     const char *method, api_req *r, enum MHD_Result *res);
 * returning 1 when the URL is theirs (with *res set), 0 otherwise; the
 * router in daemon/api.c tries them in turn. All run on the loop thread. */
#ifndef TC_DAEMON_API_H
#define TC_DAEMON_API_H

#include <jansson.h>
#include <microhttpd.h>

#include "node.h"

/* libmicrohttpd's per-connection memory (request line, headers, read
 * buffer; bodies are copied out as they arrive). Above 32 KiB it maps and
 * unmaps a pool per connection: at 128 KiB that, with its page faults, was
 * a tenth of a loaded node's CPU. */
#define API_CONN_POOL (32u * 1024u)

/* Per-client-IP token buckets (daemon/api_limits.c). A fixed table: an
 * address that is not in it takes the least recently seen slot. */
#define API_LIMIT_SLOTS 256
typedef struct api_bucket {
    uint32_t ip;          /* IPv4, network order; 0 = free */
    double tokens;
    uint64_t last_ms;
} api_bucket;

/* Counters behind /metrics (daemon/api_metrics.c). */
#define API_RATE_WINDOW 64         /* recent commits kept for tx/s */
#define API_LAT_BUCKETS 9
typedef struct api_metrics {
    uint64_t commit_ms[API_RATE_WINDOW], commit_txs[API_RATE_WINDOW];
    size_t commit_pos;
    uint64_t lat_count[API_LAT_BUCKETS + 1]; /* cumulative at render; last = +Inf */
    double lat_sum;
    uint64_t lat_n;
} api_metrics;

typedef struct api_sub api_sub;

struct api {
    node *nd;
    struct MHD_Daemon *d;
    uv_poll_t poll;
    uv_timer_t timer;
    api_bucket buckets[API_LIMIT_SLOTS];
    api_metrics m;
    api_sub *subs;         /* SSE subscribers (daemon/api_events.c) */
    size_t nsubs;
    int closing;
    void *fw;  /* firmware endpoints' state (daemon/api_fw.c), opened on first use */
};

/* One request: the POST body collected so far (at most max bytes). */
typedef struct api_req {
    uint8_t *body;
    size_t len;
    size_t max;
    int too_big;
    int limited;   /* over the client's request rate: answered 429 */
    /* POST /tx waits suspended while its signatures are verified
     * (daemon/admit.c): state 1 submitted, 2 answered (rc, msg). */
    int tx_state, tx_rc;
    char tx_msg[TC_ERR_MSG_MAX];
    struct MHD_Connection *conn;
    api *a;
} api_req;

enum MHD_Result api_reply(struct MHD_Connection *c, unsigned status, const char *ctype, const void *body,
                          size_t len);
/* Takes the reference to j. */
enum MHD_Result api_reply_json(struct MHD_Connection *c, unsigned status, json_t *j);
/* {"code": NAME, "message": msg}; code 0 gives "BAD_REQUEST". */
enum MHD_Result api_reply_err(struct MHD_Connection *c, unsigned status, int code, const char *msg);

/* The value of query parameter `name` (NULL if absent; borrowed from MHD). */
const char *api_arg(struct MHD_Connection *c, const char *name);
/* Parses ?height= (default: the latest height whose certificate the node
 * holds). 0 or replies 400/404 itself and sets *res, returning -1. */
int api_height_arg(api *a, struct MHD_Connection *c, uint64_t *height, enum MHD_Result *res);
/* The commit certificate of `height`: the node's last certificate for the
 * store height, else the last commit carried by block height + 1.
 * *out is tc_malloc'd (caller frees). TC_ERR_NOT_FOUND if unknown. */
int api_cert_for(api *a, uint8_t **out, size_t *len, uint64_t height);
/* Wants the CBOR bundle form: ?format=bundle or Accept: application/cbor. */
int api_wants_cbor(struct MHD_Connection *c);

/* Firmware chunks (daemon/api_fw.c). */
int api_fw_route(api *a, struct MHD_Connection *c, const char *url, const char *method, api_req *r,
                 enum MHD_Result *res);

/* State queries with proofs (daemon/api_query.c). */
int api_query_route(api *a, struct MHD_Connection *c, const char *url, const char *method, api_req *r,
                    enum MHD_Result *res);
/* One state record with its proof at height, JSON (extra merged in; may be
 * NULL, reference taken) or the bundle form; 404 when absent, 410 when the
 * height's state is no longer provable (daemon/api_query.c). */
enum MHD_Result api_record(api *a, struct MHD_Connection *c, uint64_t height, const uint8_t *key, size_t kl,
                           json_t *extra);
/* Proof bundles (daemon/api_bundle.c). The state bundle of (key, val?) at
 * height with its proof (all borrowed), answered with `status`. */
enum MHD_Result api_state_bundle(api *a, struct MHD_Connection *c, unsigned status, uint64_t height,
                                 const uint8_t *key, size_t kl, const uint8_t *val, size_t vl,
                                 const uint8_t *proof, size_t pl);
/* The same bundle's bytes into *out (tc_malloc'd, caller frees; NULL on
 * error), for answers that carry it beside other parts. */
int api_state_bundle_build(api *a, uint8_t **out, size_t *n, uint64_t height, const uint8_t *key, size_t kl,
                           const uint8_t *val, size_t vl, const uint8_t *proof, size_t pl);
/* GET /v1/anchors/by-digest/HEX (daemon/api_anchor.c): rest is HEX. */
enum MHD_Result api_anchor_by_digest(api *a, struct MHD_Connection *c, uint64_t height, const char *rest);
/* The history bundle of a committed transaction (id: SHA-256 of its bytes). */
enum MHD_Result api_tx_bundle(api *a, struct MHD_Connection *c, const uint8_t id[TC_SHA256_LEN]);
/* Headers, certificates, blocks, validator sets (daemon/api_chain.c). */
int api_chain_route(api *a, struct MHD_Connection *c, const char *url, const char *method, api_req *r,
                    enum MHD_Result *res);
/* Server-sent events (daemon/api_events.c). */
int api_events_route(api *a, struct MHD_Connection *c, const char *url, const char *method, api_req *r,
                     enum MHD_Result *res);
void api_events_commit(api *a, uint64_t height, const uint8_t id[TC_HASH_LEN], const tc_block *b);
/* Resumes and ends every stream (before MHD_stop_daemon). */
void api_events_close(api *a);
/* /metrics (daemon/api_metrics.c). */
int api_metrics_route(api *a, struct MHD_Connection *c, const char *url, const char *method, api_req *r,
                      enum MHD_Result *res);
void api_metrics_count(unsigned status);
void api_metrics_commit(api *a, uint64_t now_ms, uint64_t block_time_ms, size_t ntx);
/* Rate limit (daemon/api_limits.c): 1 if the client may make a request
 * now (takes a token), 0 if over its rate. */
int api_limits_take(api *a, struct MHD_Connection *c, uint64_t now_ms);
/* A JSON string of the hex of p[0..n) (new reference). */
json_t *api_hexj(const uint8_t *p, size_t n);
/* Every header field, hashes in hex (new reference). */
json_t *api_header_json(const tc_header *h, const uint8_t id[TC_HASH_LEN]);
/* Parses the decimal height at the end of a URL ("latest": the store
 * height). 0 or replies 400/404 itself and returns -1. */
int api_url_height(api *a, struct MHD_Connection *c, uint64_t *height, const char *s, enum MHD_Result *res);
/* Validator-set bytes (`[[pub, power], ...]`) of the set at height:
 * tc_malloc'd into *out. */
int api_valset_bytes(api *a, uint8_t **out, size_t *len, uint64_t height);
/* Whether the header at height is signed by a set other than the one of
 * height - 1 (then bundles carry the set's bytes). */
int api_valset_changed(api *a, uint64_t height);

#endif
