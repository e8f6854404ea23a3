/* A minimal HTTP/1.1 client for the CLI (one request per connection,
 * "Connection: close"): requests with a bounded answer, and a stream
 * reader for server-sent events. No new dependency: a socket and a
 * bounded buffer. io/ only. */
#ifndef TC_HTTPC_H
#define TC_HTTPC_H

#include <stddef.h>
#include <stdint.h>

#include "tc/errors.h"

#define TC_HTTPC_RESP_MAX (1u << 20) /* ceiling on the response we keep */

/* Sends method to base_url ("http://host:port[/prefix]") + path with body
 * (may be NULL/0) and content_type; waits at most timeout_ms for each
 * socket operation. *status is the HTTP status; resp (cap bytes, NUL-
 * terminated, truncated if longer) receives the response body.
 * 0, TC_ERR_INVALID_ARG (bad URL) or TC_ERR_IO (network, malformed reply). */
int tc_http_request(int *status, char *resp, size_t cap, tc_err *err, const char *method,
                    const char *base_url, const char *path, const char *content_type,
                    const uint8_t *body, size_t body_len, int timeout_ms);

/* The same, binary-safe: *body (owned by the caller: tc_free; one NUL byte
 * after the *len bytes) and the answer's Content-Type into ctype
 * (ctype_cap bytes; may be NULL/0). accept: the Accept header (NULL:
 * application/json). */
int tc_http_get(int *status, uint8_t **body, size_t *len, char *ctype, size_t ctype_cap, tc_err *err,
                const char *method, const char *base_url, const char *path, const char *accept,
                const char *content_type, const uint8_t *req_body, size_t req_len, int timeout_ms);

/* GET as a stream: calls fn with each piece of the body (borrowed for the
 * call) until the server closes, fn returns non-zero, or no byte arrives
 * for timeout_ms (0: wait for ever). *status is set once the head arrived;
 * a status other than 200 returns 0 without calling fn. */
typedef int (*tc_http_chunk_fn)(void *ctx, const char *p, size_t n);
int tc_http_stream(int *status, tc_err *err, const char *base_url, const char *path, const char *accept,
                   int timeout_ms, tc_http_chunk_fn fn, void *ctx);
/* The same for binary answers and extra request headers: *resp_len (may be
 * NULL) is the body length kept; headers (may be NULL) are extra header
 * lines, each ending in "\r\n" (e.g. "Range: bytes=0-99\r\n"). */
int tc_http_request_ex(int *status, char *resp, size_t cap, size_t *resp_len, tc_err *err, const char *method,
                       const char *base_url, const char *path, const char *content_type, const char *headers,
                       const uint8_t *body, size_t body_len, int timeout_ms);

/* A kept-alive connection to one base URL, for clients that send many
 * requests (the load generator): one TCP connection reused across
 * requests, opened at the first request and reopened (once per request)
 * when the server closed it in between. Answers of at most 64 KiB
 * (TC_ERR_IO beyond), with Content-Length (the node's have it; without it
 * the answer ends at close and so does the connection). Not thread-safe:
 * one per thread. */
typedef struct tc_http_conn tc_http_conn;
/* *out owned by the caller: tc_http_conn_close. TC_ERR_NOMEM only; the URL
 * is checked at the first request. */
int tc_http_conn_new(tc_http_conn **out, const char *base_url, int timeout_ms);
/* As tc_http_request, over c. */
int tc_http_conn_request(tc_http_conn *c, int *status, char *resp, size_t cap, tc_err *err, const char *method,
                         const char *path, const char *content_type, const uint8_t *body, size_t body_len);
void tc_http_conn_close(tc_http_conn *c);

#endif
