/* A minimal HTTP/1.1 client for the CLI (one request per connection,
 * "Connection: close"): enough to POST a transaction to a node and read
 * its JSON answer. No new dependency: a socket and a bounded buffer. */
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

/* The same for binary answers and extra request headers: *resp_len (may be
 * NULL) is the body length kept; headers (may be NULL) are extra header
 * lines, each ending in "\r\n" (e.g. "Range: bytes=0-99\r\n"). */
int tc_http_request_ex(int *status, char *resp, size_t cap, size_t *resp_len, tc_err *err, const char *method,
                       const char *base_url, const char *path, const char *content_type, const char *headers,
                       const uint8_t *body, size_t body_len, int timeout_ms);

#endif
