/* Minimal HTTP/1.1 client (include/tc/httpc.h). */
#include "tc/httpc.h"

#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "tc/alloc.h"

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

int tc_http_request(int *status, char *resp, size_t cap, tc_err *err, const char *method,
                    const char *base_url, const char *path, const char *content_type,
                    const uint8_t *body, size_t body_len, int timeout_ms)
{
    return tc_http_request_ex(status, resp, cap, NULL, err, method, base_url, path, content_type, NULL, body,
                              body_len, timeout_ms);
}

int tc_http_request_ex(int *status, char *resp, size_t cap, size_t *resp_len, tc_err *err, const char *method,
                       const char *base_url, const char *path, const char *content_type, const char *headers,
                       const uint8_t *body, size_t body_len, int timeout_ms)
{
    char host[256], port[8] = "80", prefix[512] = "";
    if (strncmp(base_url, "http://", 7) != 0)
        return tc_err_set(err, TC_ERR_INVALID_ARG, "URL must start with http:// (got %s)", base_url);
    const char *h = base_url + 7, *end = h + strcspn(h, "/");
    const char *colon = memchr(h, ':', (size_t)(end - h));
    size_t hl = (size_t)((colon ? colon : end) - h);
    if (hl == 0 || hl >= sizeof host) return tc_err_set(err, TC_ERR_INVALID_ARG, "bad host in %s", base_url);
    memcpy(host, h, hl);
    host[hl] = 0;
    if (colon) {
        size_t pl = (size_t)(end - colon - 1);
        if (pl == 0 || pl >= sizeof port) return tc_err_set(err, TC_ERR_INVALID_ARG, "bad port in %s", base_url);
        memcpy(port, colon + 1, pl);
        port[pl] = 0;
    }
    snprintf(prefix, sizeof prefix, "%s", *end ? end : "");
    size_t pfl = strlen(prefix);
    if (pfl && prefix[pfl - 1] == '/') prefix[pfl - 1] = 0;

    struct addrinfo hints, *ai = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_socktype = SOCK_STREAM;
    int g = getaddrinfo(host, port, &hints, &ai);
    if (g) return tc_err_set(err, TC_ERR_IO, "cannot resolve %s: %s", host, gai_strerror(g));
    int fd = -1;
    for (struct addrinfo *a = ai; a; a = a->ai_next) {
        fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
        if (fd < 0) continue;
        struct timeval tv = {timeout_ms / 1000, (timeout_ms % 1000) * 1000};
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
        if (connect(fd, a->ai_addr, a->ai_addrlen) == 0) break;
        close(fd);
        fd = -1;
    }
    freeaddrinfo(ai);
    if (fd < 0) return tc_err_set(err, TC_ERR_IO, "cannot connect to %s:%s: %s", host, port, strerror(errno));

    char head[1536];
    int n = snprintf(head, sizeof head,
                     "%s %s%s HTTP/1.1\r\nHost: %s:%s\r\nUser-Agent: thingchain\r\nAccept: application/json\r\n"
                     "Content-Type: %s\r\nContent-Length: %zu\r\n%sConnection: close\r\n\r\n",
                     method, prefix, path, host, port, content_type ? content_type : "application/octet-stream",
                     body_len, headers ? headers : "");
    if (n < 0 || (size_t)n >= sizeof head || send_all(fd, head, (size_t)n) ||
        (body_len && send_all(fd, body, body_len))) {
        close(fd);
        return tc_err_set(err, TC_ERR_IO, "cannot send the request to %s", base_url);
    }
    size_t bcap = 64 * 1024, got = 0;
    char *buf = tc_malloc(bcap + 1);
    if (!buf) { close(fd); return tc_err_set(err, TC_ERR_NOMEM, NULL); }
    for (;;) {
        if (got == bcap) {
            if (bcap >= TC_HTTPC_RESP_MAX) break;
            char *nb = tc_realloc(buf, 2 * bcap + 1);
            if (!nb) break;
            buf = nb;
            bcap *= 2;
        }
        ssize_t r = recv(fd, buf + got, bcap - got, 0);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) { close(fd); tc_free(buf); return tc_err_set(err, TC_ERR_IO, "no answer from %s", base_url); }
        if (r == 0) break;
        got += (size_t)r;
    }
    close(fd);
    buf[got] = 0;
    int code = 0;
    char *sep = strstr(buf, "\r\n\r\n");
    if (sscanf(buf, "HTTP/1.%*d %d", &code) != 1 || code < 100 || code > 599 || !sep) {
        tc_free(buf);
        return tc_err_set(err, TC_ERR_IO, "malformed HTTP answer from %s", base_url);
    }
    sep += 4;
    size_t bl = got - (size_t)(sep - buf);
    if (cap) {
        if (bl >= cap) bl = cap - 1;
        memcpy(resp, sep, bl);
        resp[bl] = 0;
    }
    if (resp_len) *resp_len = cap ? bl : 0;
    *status = code;
    tc_free(buf);
    return 0;
}
