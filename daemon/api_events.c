/* GET /v1/events: server-sent events (HTML Living Standard, "Server-sent
 * events"; docs/api.md, "Events"). One `block` event per committed block
 * and one `tx` event per transaction result:
 *   event: block            event: tx
 *   id: H                   data: {"tx":hex,"height":H,"index":i,"code":c,
 *   data: {"height":H,"id":hex,"txs":n,"state_root":hex,"time_ms":t}
 *                                  "result":"accepted"|NAME,"message":text}
 * The first event, `hello`, carries the height at subscription.
 *
 * The loop thread never blocks: a stream is an MHD response from a
 * callback; when its buffer is empty the callback suspends the connection
 * and a commit resumes it. Bounds: API_SUBS_MAX subscribers (503 API_BUSY
 * beyond), API_SUB_BUF bytes queued per subscriber — a subscriber that lets
 * more pile up is slow and is dropped (its stream ends with an error). */
#include <stdio.h>
#include <string.h>

#include "api.h"
#include "tc/alloc.h"
#include "tc/hex.h"

#define API_SUBS_MAX 32
#define API_SUB_BUF (256u * 1024u)

struct api_sub {
    api_sub *next;
    api *a;
    struct MHD_Connection *c;
    char *buf;
    size_t len, off;
    int suspended, dropped;
};

static void push(api_sub *s, const char *text, size_t n)
{
    if (s->dropped)
        return;
    if (s->off && s->len + n > API_SUB_BUF) {
        memmove(s->buf, s->buf + s->off, s->len - s->off);
        s->len -= s->off;
        s->off = 0;
    }
    if (s->len + n > API_SUB_BUF) {
        s->dropped = 1; /* slow subscriber: end its stream */
    } else {
        memcpy(s->buf + s->len, text, n);
        s->len += n;
    }
    if (s->suspended) {
        s->suspended = 0;
        MHD_resume_connection(s->c);
    }
}

static ssize_t reader(void *cls, uint64_t pos, char *buf, size_t max)
{
    api_sub *s = cls;
    (void)pos;
    if (s->dropped)
        return MHD_CONTENT_READER_END_WITH_ERROR;
    if (s->off < s->len) {
        size_t n = s->len - s->off < max ? s->len - s->off : max;
        memcpy(buf, s->buf + s->off, n);
        s->off += n;
        if (s->off == s->len)
            s->off = s->len = 0;
        return (ssize_t)n;
    }
    if (s->a->closing)
        return MHD_CONTENT_READER_END_OF_STREAM;
    /* Nothing to send: park the connection until the next commit. */
    s->suspended = 1;
    MHD_suspend_connection(s->c);
    return 0;
}

static void release(void *cls)
{
    api_sub *s = cls;
    for (api_sub **p = &s->a->subs; *p; p = &(*p)->next)
        if (*p == s) {
            *p = s->next;
            s->a->nsubs--;
            break;
        }
    tc_free(s->buf);
    tc_free(s);
}

static enum MHD_Result subscribe(api *a, struct MHD_Connection *c)
{
    if (a->nsubs >= API_SUBS_MAX)
        return api_reply_err(c, 503, TC_ERR_API_BUSY, "too many event-stream subscribers: retry later");
    api_sub *s = tc_calloc(1, sizeof *s);
    if (s)
        s->buf = tc_malloc(API_SUB_BUF);
    if (!s || !s->buf) {
        if (s) tc_free(s);
        return api_reply_err(c, 503, TC_ERR_NOMEM, "out of memory");
    }
    s->a = a;
    s->c = c;
    s->len = (size_t)snprintf(s->buf, API_SUB_BUF, "event: hello\ndata: {\"height\":%llu}\n\n",
                              (unsigned long long)tc_store_height(a->nd->store));
    struct MHD_Response *r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096, reader, s, release);
    if (!r) {
        tc_free(s->buf);
        tc_free(s);
        return MHD_NO;
    }
    s->next = a->subs;
    a->subs = s;
    a->nsubs++;
    MHD_add_response_header(r, "Content-Type", "text/event-stream");
    MHD_add_response_header(r, "Cache-Control", "no-cache");
    api_metrics_count(200);
    enum MHD_Result ret = MHD_queue_response(c, 200, r);
    MHD_destroy_response(r);
    return ret;
}

static void broadcast(api *a, const char *text)
{
    size_t n = strlen(text);
    for (api_sub *s = a->subs; s; s = s->next)
        push(s, text, n);
}

void api_events_commit(api *a, uint64_t height, const uint8_t id[TC_HASH_LEN], const tc_block *b)
{
    if (!a->subs || a->closing)
        return;
    char ih[2 * TC_HASH_LEN + 1], sr[2 * TC_HASH_LEN + 1];
    tc_hex_encode(ih, id, TC_HASH_LEN);
    tc_hex_encode(sr, b->header.state_root, TC_HASH_LEN);
    char ev[512];
    snprintf(ev, sizeof ev,
             "event: block\nid: %llu\ndata: {\"height\":%llu,\"id\":\"%s\",\"txs\":%zu,\"state_root\":\"%s\","
             "\"time_ms\":%llu}\n\n",
             (unsigned long long)height, (unsigned long long)height, ih, b->ntx, sr,
             (unsigned long long)b->header.time_ms);
    broadcast(a, ev);
    for (size_t i = 0; i < b->ntx; i++) {
        uint8_t th[TC_SHA256_LEN];
        uint64_t h;
        uint32_t idx;
        int code;
        char msg[TC_ERR_MSG_MAX];
        tc_sha256(th, b->txs[i].p, b->txs[i].len);
        if (tc_store_tx_result(a->nd->store, &h, &idx, &code, msg, sizeof msg, th))
            continue;
        json_t *j = json_pack("{s:o,s:I,s:I,s:i,s:s,s:s}", "tx", api_hexj(th, sizeof th), "height",
                              (json_int_t)h, "index", (json_int_t)idx, "code", code, "result",
                              code ? tc_errname(code) : "accepted", "message", msg);
        char *d = j ? json_dumps(j, JSON_COMPACT) : NULL;
        json_decref(j);
        if (!d)
            continue;
        char *line = tc_malloc(strlen(d) + 32);
        if (line) {
            sprintf(line, "event: tx\ndata: %s\n\n", d);
            broadcast(a, line);
            tc_free(line);
        }
        free(d);
    }
}

void api_events_close(api *a)
{
    a->closing = 1;
    for (api_sub *s = a->subs; s; s = s->next)
        if (s->suspended) {
            s->suspended = 0;
            MHD_resume_connection(s->c);
        }
}

int api_events_route(api *a, struct MHD_Connection *c, const char *url, const char *method, api_req *r,
                     enum MHD_Result *res)
{
    (void)r;
    if (strcmp(url, "/v1/events") || strcmp(method, "GET"))
        return 0;
    *res = subscribe(a, c);
    return 1;
}
