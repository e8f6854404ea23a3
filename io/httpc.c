/* Minimal HTTP/1.1 client (include/tc/httpc.h): one request per
 * connection ("Connection: close"), a bounded response buffer, or a
 * kept-alive connection (tc_http_conn) for many requests. Streams
 * (server-sent events) are requested as HTTP/1.0 so the server sends the
 * body as plain bytes until it closes (no chunked encoding to undo). */
#include "tc/httpc.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "tc/alloc.h"

typedef struct conn {
    int fd;
    char host[256], port[8], prefix[512];
} conn;

static int send_all(int fd, const void *p, size_t n)
{
    const char *c = p;
    while (n) {
        ssize_t w = send(fd, c, n, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return -1;
        c += w;
        n -= (size_t)w;
    }
    return 0;
}

static int open_conn(conn *k, tc_err *err, const char *base_url, int timeout_ms)
{
    snprintf(k->port, sizeof k->port, "80");
    k->prefix[0] = 0;
    k->fd = -1;
    if (strncmp(base_url, "http://", 7) != 0)
        return tc_err_set(err, TC_ERR_INVALID_ARG, "URL must start with http:// (got %s)", base_url);
    const char *h = base_url + 7, *end = h + strcspn(h, "/");
    const char *colon = memchr(h, ':', (size_t)(end - h));
    size_t hl = (size_t)((colon ? colon : end) - h);
    if (hl == 0 || hl >= sizeof k->host) return tc_err_set(err, TC_ERR_INVALID_ARG, "bad host in %s", base_url);
    memcpy(k->host, h, hl);
    k->host[hl] = 0;
    if (colon) {
        size_t pl = (size_t)(end - colon - 1);
        if (pl == 0 || pl >= sizeof k->port) return tc_err_set(err, TC_ERR_INVALID_ARG, "bad port in %s", base_url);
        memcpy(k->port, colon + 1, pl);
        k->port[pl] = 0;
    }
    snprintf(k->prefix, sizeof k->prefix, "%s", *end ? end : "");
    size_t pfl = strlen(k->prefix);
    if (pfl && k->prefix[pfl - 1] == '/') k->prefix[pfl - 1] = 0;

    struct addrinfo hints, *ai = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_socktype = SOCK_STREAM;
    int g = getaddrinfo(k->host, k->port, &hints, &ai);
    if (g) return tc_err_set(err, TC_ERR_IO, "cannot resolve %s: %s", k->host, gai_strerror(g));
    for (struct addrinfo *a = ai; a; a = a->ai_next) {
        k->fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
        if (k->fd < 0) continue;
        struct timeval tv = {timeout_ms / 1000, (timeout_ms % 1000) * 1000};
        setsockopt(k->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        setsockopt(k->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
        /* head and body go in two sends: without this, Nagle holds the
         * body until the server's delayed ACK (40 ms per request on a
         * kept-alive connection) */
        int one = 1;
        setsockopt(k->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        if (connect(k->fd, a->ai_addr, a->ai_addrlen) == 0) break;
        close(k->fd);
        k->fd = -1;
    }
    freeaddrinfo(ai);
    if (k->fd < 0)
        return tc_err_set(err, TC_ERR_IO, "cannot connect to %s:%s: %s", k->host, k->port, strerror(errno));
    return 0;
}

static int send_req_conn(conn *k, tc_err *err, const char *version, const char *method, const char *path,
                         const char *accept, const char *content_type, const char *headers, const uint8_t *body,
                         size_t body_len, const char *connection)
{
    char head[1536];
    int n = snprintf(head, sizeof head,
                     "%s %s%s %s\r\nHost: %s:%s\r\nUser-Agent: thingchain\r\nAccept: %s\r\n"
                     "Content-Type: %s\r\nContent-Length: %zu\r\n%sConnection: %s\r\n\r\n",
                     method, k->prefix, path, version, k->host, k->port, accept ? accept : "application/json",
                     content_type ? content_type : "application/octet-stream", body_len, headers ? headers : "",
                     connection);
    if (n < 0 || (size_t)n >= sizeof head || send_all(k->fd, head, (size_t)n) ||
        (body_len && send_all(k->fd, body, body_len))) {
        close(k->fd);
        k->fd = -1;
        return tc_err_set(err, TC_ERR_IO, "cannot send the request to %s:%s", k->host, k->port);
    }
    return 0;
}

static int send_req(conn *k, tc_err *err, const char *version, const char *method, const char *path,
                    const char *accept, const char *content_type, const char *headers, const uint8_t *body,
                    size_t body_len)
{
    return send_req_conn(k, err, version, method, path, accept, content_type, headers, body, body_len, "close");
}

/* Status code, body offset and Content-Type of a response head in buf. */
static int parse_head(int *status, size_t *body_off, char *ctype, size_t ctype_cap, const char *buf, size_t got)
{
    const char *sep = memmem(buf, got, "\r\n\r\n", 4);
    int code = 0;
    if (!sep || sscanf(buf, "HTTP/1.%*d %d", &code) != 1 || code < 100 || code > 599) return -1;
    *status = code;
    *body_off = (size_t)(sep - buf) + 4;
    if (ctype && ctype_cap) {
        ctype[0] = 0;
        for (const char *l = strstr(buf, "\r\n"); l && l < sep; l = strstr(l + 2, "\r\n")) {
            if (strncasecmp(l + 2, "Content-Type:", 13) == 0) {
                const char *v = l + 15;
                while (*v == ' ') v++;
                size_t n = strcspn(v, "\r");
                if (n >= ctype_cap) n = ctype_cap - 1;
                memcpy(ctype, v, n);
                ctype[n] = 0;
                break;
            }
        }
    }
    return 0;
}

/* Reads until the server closes (at most TC_HTTPC_RESP_MAX bytes kept). */
static int read_all(conn *k, tc_err *err, char **out, size_t *len)
{
    size_t bcap = 64 * 1024, got = 0;
    char *buf = tc_malloc(bcap + 1);
    if (!buf) { close(k->fd); return tc_err_set(err, TC_ERR_NOMEM, NULL); }
    for (;;) {
        if (got == bcap) {
            if (bcap >= TC_HTTPC_RESP_MAX) break;
            char *nb = tc_realloc(buf, 2 * bcap + 1);
            if (!nb) break;
            buf = nb;
            bcap *= 2;
        }
        ssize_t r = recv(k->fd, buf + got, bcap - got, 0);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) {
            close(k->fd);
            tc_free(buf);
            return tc_err_set(err, TC_ERR_IO, "no answer from %s:%s", k->host, k->port);
        }
        if (r == 0) break;
        got += (size_t)r;
    }
    close(k->fd);
    buf[got] = 0;
    *out = buf;
    *len = got;
    return 0;
}

static int get_ex(int *status, uint8_t **body, size_t *len, char *ctype, size_t ctype_cap, tc_err *err,
                  const char *method, const char *base_url, const char *path, const char *accept,
                  const char *content_type, const char *headers, const uint8_t *req_body, size_t req_len,
                  int timeout_ms)
{
    conn k;
    char *buf = NULL;
    size_t got = 0, off = 0;
    int rc = open_conn(&k, err, base_url, timeout_ms);
    if (!rc) rc = send_req(&k, err, "HTTP/1.1", method, path, accept, content_type, headers, req_body, req_len);
    if (!rc) rc = read_all(&k, err, &buf, &got);
    if (rc) return rc;
    if (parse_head(status, &off, ctype, ctype_cap, buf, got)) {
        tc_free(buf);
        return tc_err_set(err, TC_ERR_IO, "malformed HTTP answer from %s", base_url);
    }
    *len = got - off;
    memmove(buf, buf + off, *len + 1); /* keeps the NUL */
    *body = (uint8_t *)buf;
    return 0;
}

int tc_http_get(int *status, uint8_t **body, size_t *len, char *ctype, size_t ctype_cap, tc_err *err,
                const char *method, const char *base_url, const char *path, const char *accept,
                const char *content_type, const uint8_t *req_body, size_t req_len, int timeout_ms)
{
    return get_ex(status, body, len, ctype, ctype_cap, err, method, base_url, path, accept, content_type, NULL,
                  req_body, req_len, timeout_ms);
}

int tc_http_request_ex(int *status, char *resp, size_t cap, size_t *resp_len, tc_err *err, const char *method,
                       const char *base_url, const char *path, const char *content_type, const char *headers,
                       const uint8_t *body, size_t body_len, int timeout_ms)
{
    uint8_t *b;
    size_t bl;
    int rc = get_ex(status, &b, &bl, NULL, 0, err, method, base_url, path, "application/json", content_type,
                    headers, body, body_len, timeout_ms);
    if (rc) return rc;
    if (cap) {
        if (bl >= cap) bl = cap - 1;
        memcpy(resp, b, bl);
        resp[bl] = 0;
    }
    if (resp_len) *resp_len = cap ? bl : 0;
    tc_free(b);
    return 0;
}

int tc_http_request(int *status, char *resp, size_t cap, tc_err *err, const char *method,
                    const char *base_url, const char *path, const char *content_type,
                    const uint8_t *body, size_t body_len, int timeout_ms)
{
    return tc_http_request_ex(status, resp, cap, NULL, err, method, base_url, path, content_type, NULL, body,
                              body_len, timeout_ms);
}

int tc_http_stream(int *status, tc_err *err, const char *base_url, const char *path, const char *accept,
                   int timeout_ms, tc_http_chunk_fn fn, void *ctx)
{
    conn k;
    int rc = open_conn(&k, err, base_url, timeout_ms);
    if (!rc) rc = send_req(&k, err, "HTTP/1.0", "GET", path, accept, NULL, NULL, NULL, 0);
    if (rc) return rc;
    char buf[8192];
    size_t got = 0, off = 0;
    int head = 0;
    for (;;) {
        ssize_t r = recv(k.fd, buf + got, sizeof buf - got - 1, 0);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) { rc = tc_err_set(err, TC_ERR_IO, "no data from %s within %d ms", base_url, timeout_ms); break; }
        if (r == 0) {
            rc = head ? 0 : tc_err_set(err, TC_ERR_IO, "connection closed by %s", base_url);
            break;
        }
        got += (size_t)r;
        buf[got] = 0;
        if (!head) {
            if (parse_head(status, &off, NULL, 0, buf, got) == 0) {
                head = 1;
                if (*status != 200) { rc = 0; break; }
                if (got > off && fn(ctx, buf + off, got - off)) break;
                got = 0;
            } else if (got == sizeof buf - 1) {
                rc = tc_err_set(err, TC_ERR_IO, "malformed HTTP answer from %s", base_url);
                break;
            }
            continue;
        }
        if (fn(ctx, buf, got)) break;
        got = 0;
    }
    close(k.fd);
    return rc;
}

/* ---- kept-alive connections ---- */

#define KEEP_BUF (64u * 1024u)

struct tc_http_conn {
    conn k;
    int up, timeout_ms;
    char base[512];
    char buf[KEEP_BUF + 1];
};

int tc_http_conn_new(tc_http_conn **out, const char *base_url, int timeout_ms)
{
    *out = tc_calloc(1, sizeof **out);
    if (!*out) return TC_ERR_NOMEM;
    snprintf((*out)->base, sizeof (*out)->base, "%s", base_url);
    (*out)->timeout_ms = timeout_ms;
    (*out)->k.fd = -1;
    return 0;
}

void tc_http_conn_close(tc_http_conn *c)
{
    if (!c) return;
    if (c->up) close(c->k.fd);
    tc_free(c);
}

static void drop(tc_http_conn *c)
{
    if (c->up) close(c->k.fd);
    c->up = 0;
    c->k.fd = -1;
}

/* The value of header `name` (with its colon) in head [buf, sep), or NULL. */
static const char *header_of(const char *buf, const char *sep, const char *name)
{
    size_t nl = strlen(name);
    for (const char *l = strstr(buf, "\r\n"); l && l < sep; l = strstr(l + 2, "\r\n"))
        if (strncasecmp(l + 2, name, nl) == 0) {
            const char *v = l + 2 + nl;
            while (*v == ' ') v++;
            return v;
        }
    return NULL;
}

/* One exchange; *retry set when a reused connection turned out closed
 * before any answer byte (the server's idle timeout): send again. */
static int exchange(tc_http_conn *c, int *retry, int *status, char *resp, size_t cap, tc_err *err,
                    const char *method, const char *path, const char *content_type, const uint8_t *body,
                    size_t body_len)
{
    int reused = c->up;
    *retry = 0;
    if (!c->up) {
        int rc = open_conn(&c->k, err, c->base, c->timeout_ms);
        if (rc) return rc;
        c->up = 1;
    }
    if (send_req_conn(&c->k, err, "HTTP/1.1", method, path, NULL, content_type, NULL, body, body_len,
                      "keep-alive")) {
        c->up = 0; /* send_req_conn closed it */
        *retry = reused;
        return TC_ERR_IO;
    }
    size_t got = 0, off = 0, clen = 0;
    int have_len = 0, close_after = 0;
    for (;;) {
        if (got == KEEP_BUF) { drop(c); return tc_err_set(err, TC_ERR_IO, "answer from %s too large", c->base); }
        ssize_t r = recv(c->k.fd, c->buf + got, KEEP_BUF - got, 0);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) {
            drop(c);
            if (got == 0 && reused) { *retry = 1; return TC_ERR_IO; }
            if (r == 0 && got && !have_len && off) break; /* no length: the body ends at close */
            return tc_err_set(err, TC_ERR_IO, "no answer from %s", c->base);
        }
        got += (size_t)r;
        c->buf[got] = 0;
        if (!off) {
            if (parse_head(status, &off, NULL, 0, c->buf, got)) continue; /* head not complete yet */
            const char *sep = c->buf + off - 4, *v;
            if ((v = header_of(c->buf, sep, "Content-Length:"))) { clen = strtoull(v, NULL, 10); have_len = 1; }
            if ((v = header_of(c->buf, sep, "Connection:")) && strncasecmp(v, "close", 5) == 0) close_after = 1;
            if (have_len && off + clen > KEEP_BUF) {
                drop(c);
                return tc_err_set(err, TC_ERR_IO, "answer from %s too large", c->base);
            }
        }
        if (off && have_len && got >= off + clen) break;
    }
    size_t n = have_len ? clen : got - off;
    if (cap) {
        if (n >= cap) n = cap - 1;
        memcpy(resp, c->buf + off, n);
        resp[n] = 0;
    }
    if (close_after || !have_len) drop(c);
    return 0;
}

int tc_http_conn_request(tc_http_conn *c, int *status, char *resp, size_t cap, tc_err *err, const char *method,
                         const char *path, const char *content_type, const uint8_t *body, size_t body_len)
{
    tc_err_clear(err);
    int retry, rc = exchange(c, &retry, status, resp, cap, err, method, path, content_type, body, body_len);
    if (rc && retry)
        rc = exchange(c, &retry, status, resp, cap, err, method, path, content_type, body, body_len);
    if (rc && !err->msg[0]) tc_err_set(err, rc, "connection to %s closed", c->base);
    return rc;
}
