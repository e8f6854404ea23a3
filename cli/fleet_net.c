/* The fleet's node client (docs/fleet.md, "Talking to nodes"): one HTTP
 * request per connection (io/httpc.c), a node's 429 (rate limit) or 503
 * (mempool full) answered by backing off and sending the same request
 * again (nothing was admitted), a network error retried a few times.
 * Waits for commits poll GET /tx/ID with a growing interval. */
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "fleet.h"
#include "tc/alloc.h"
#include "tc/crypto.h"
#include "tc/hex.h"
#include "tc/httpc.h"

double fleet_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

uint64_t fleet_wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void nap(double s)
{
    struct timespec ts = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};
    nanosleep(&ts, NULL);
}

/* One request with back-off on 429/503 and retries on I/O errors. */
static int request(fleet *f, tc_err *err, int *status, uint8_t **body, size_t *len, char *ctype, size_t ccap,
                   const char *method, int node, const char *path, const char *accept, const uint8_t *req,
                   size_t req_len)
{
    double end = fleet_now() + f->timeout_ms / 1000.0, wait = 0.02;
    int io_errors = 0;
    for (;;) {
        int rc = tc_http_get(status, body, len, ctype, ccap, err, method, f->nodes[node], path, accept,
                             req ? "application/cbor" : NULL, req, req_len, f->timeout_ms);
        if (rc && (rc != TC_ERR_IO || ++io_errors > 3 || fleet_now() > end)) return rc;
        if (!rc && *status != 429 && *status != 503) return 0;
        if (!rc && fleet_now() > end) return 0; /* the caller reports the last answer */
        if (!rc) tc_free(*body);
        nap(wait);
        wait = wait * 2 > 0.5 ? 0.5 : wait * 2;
    }
}

/* The node's {code, message} as a detail message. */
static int node_error(tc_err *err, int rc, int status, const uint8_t *body, size_t len, const char *what)
{
    json_error_t je;
    json_t *j = json_loadb((const char *)body, len, 0, &je);
    const char *code = json_string_value(json_object_get(j, "code"));
    const char *msg = json_string_value(json_object_get(j, "message"));
    tc_err_set(err, rc, "%s: node answered HTTP %d %s: %s", what, status, code ? code : "",
               msg ? msg : "(no JSON message)");
    json_decref(j);
    return rc;
}

int fleet_get(fleet *f, tc_err *err, int *status, uint8_t **body, size_t *len, int node, const char *path,
              const char *accept)
{
    return request(f, err, status, body, len, NULL, 0, "GET", node, path, accept, NULL, 0);
}

int fleet_bundle(fleet *f, tc_err *err, uint8_t **body, size_t *len, int node, const char *path)
{
    int status;
    char ctype[64] = "";
    int rc = request(f, err, &status, body, len, ctype, sizeof ctype, "GET", node, path, "application/cbor",
                     NULL, 0);
    if (rc) return rc;
    if ((status == 200 || status == 404) && strncmp(ctype, "application/cbor", 16) == 0) return 0;
    rc = node_error(err, TC_ERR_API_ANSWER, status, *body, *len, path);
    tc_free(*body);
    *body = NULL;
    return rc;
}

int fleet_submit(fleet *f, tc_err *err, uint8_t id[32], int node, const uint8_t *tx, size_t len)
{
    int status;
    uint8_t *body;
    size_t blen;
    tc_sha256(id, tx, len);
    int rc = request(f, err, &status, &body, &blen, NULL, 0, "POST", node, "/tx", NULL, tx, len);
    if (rc) return rc;
    if (status != 202) rc = node_error(err, status == 400 ? TC_ERR_FLEET_REJECTED : TC_ERR_API_ANSWER, status,
                                       body, blen, "POST /tx");
    tc_free(body);
    return rc;
}

int fleet_wait(fleet *f, tc_err *err, uint64_t *code, uint64_t *height, int node, const uint8_t id[32])
{
    char path[80], hex[65];
    tc_hex_encode(hex, id, 32);
    snprintf(path, sizeof path, "/tx/%s", hex);
    double end = fleet_now() + f->commit_timeout_s, wait = 0.05;
    for (;;) {
        int status;
        uint8_t *body;
        size_t len;
        int rc = fleet_get(f, err, &status, &body, &len, node, path, NULL);
        if (rc) return rc;
        if (status == 200) {
            json_error_t je;
            json_t *j = json_loadb((const char *)body, len, 0, &je);
            tc_free(body);
            if (!j || !json_is_integer(json_object_get(j, "code")))
                rc = tc_err_set(err, TC_ERR_API_ANSWER, "GET %s: no result code in the answer", path);
            else {
                *code = (uint64_t)json_integer_value(json_object_get(j, "code"));
                *height = (uint64_t)json_integer_value(json_object_get(j, "height"));
                if (*code) {
                    const char *m = json_string_value(json_object_get(j, "message"));
                    const char *r = json_string_value(json_object_get(j, "result"));
                    rc = tc_err_set(err, TC_ERR_FLEET_REJECTED, "transaction %.16s... committed as %s: %s", hex,
                               r ? r : "?", m ? m : "");
                }
            }
            json_decref(j);
            return rc;
        }
        tc_free(body);
        if (status != 404) return tc_err_set(err, TC_ERR_API_ANSWER, "GET %s: HTTP %d", path, status);
        if (fleet_now() + wait > end)
            return tc_err_set(err, TC_ERR_FLEET_TIMEOUT, "transaction %.16s... not committed after %d s", hex,
                              f->commit_timeout_s);
        nap(wait);
        wait = wait * 1.5 > 0.5 ? 0.5 : wait * 1.5;
    }
}

int fleet_state_uint(fleet *f, tc_err *err, uint64_t *v, int node, const uint8_t *key, size_t len)
{
    char path[160], hex[2 * 64 + 1];
    if (len > 64) return tc_err_set(err, TC_ERR_INVALID_ARG, "state key longer than 64 bytes");
    tc_hex_encode(hex, key, len);
    snprintf(path, sizeof path, "/v1/state/%s", hex);
    int status;
    uint8_t *body;
    size_t blen;
    int rc = fleet_get(f, err, &status, &body, &blen, node, path, NULL);
    if (rc) return rc;
    *v = 0;
    if (status == 404) { tc_free(body); return 0; }
    json_error_t je;
    json_t *j = status == 200 ? json_loadb((const char *)body, blen, 0, &je) : NULL;
    tc_free(body);
    const char *val = json_string_value(json_object_get(j, "value"));
    uint8_t b[9];
    size_t n = 0;
    /* The value is one CBOR unsigned integer ('N' nonces, 'f' latest versions). */
    if (!val || tc_hex_decode(b, sizeof b, &n, val, strlen(val)) || n == 0 || (b[0] >> 5) != 0) {
        json_decref(j);
        return tc_err_set(err, TC_ERR_API_ANSWER, "GET %s: HTTP %d, no unsigned integer in the answer", path, status);
    }
    unsigned ai = b[0] & 31;
    size_t w = ai < 24 ? 0 : ai == 24 ? 1 : ai == 25 ? 2 : ai == 26 ? 4 : 8;
    if (ai < 24) *v = ai;
    else for (size_t i = 0; i < w && 1 + i < n; i++) *v = *v << 8 | b[1 + i];
    json_decref(j);
    return 0;
}

int fleet_nonce(fleet *f, tc_err *err, uint64_t *nonce, int node, const uint8_t *signer, size_t len)
{
    uint8_t key[TC_TX_SIGNER_MAX + 1];
    key[0] = 'N';
    memcpy(key + 1, signer, len);
    return fleet_state_uint(f, err, nonce, node, key, len + 1);
}

int fleet_range(fleet *f, tc_err *err, uint8_t *buf, size_t cap, size_t *len, int node, const char *path,
                uint64_t first, uint64_t last)
{
    char hdr[96];
    snprintf(hdr, sizeof hdr, "Range: bytes=%llu-%llu\r\n", (unsigned long long)first, (unsigned long long)last);
    double end = fleet_now() + f->timeout_ms / 1000.0, wait = 0.02;
    int io_errors = 0;
    for (;;) {
        int status = 0;
        int rc = tc_http_request_ex(&status, (char *)buf, cap, len, err, "GET", f->nodes[node], path, NULL, hdr,
                                    NULL, 0, f->timeout_ms);
        if (rc && (rc != TC_ERR_IO || ++io_errors > 3 || fleet_now() > end)) return rc;
        if (!rc && status == 206) return 0;
        if (!rc && status != 429 && status != 503)
            return tc_err_set(err, TC_ERR_API_ANSWER, "GET %s (Range %llu-%llu): HTTP %d", path,
                              (unsigned long long)first, (unsigned long long)last, status);
        if (fleet_now() > end) return tc_err_set(err, TC_ERR_API_ANSWER, "GET %s: HTTP %d until the deadline", path, status);
        nap(wait);
        wait = wait * 2 > 0.5 ? 0.5 : wait * 2;
    }
}

int fleet_post(fleet *f, tc_err *err, int *status, int node, const char *path, const char *ctype,
               const uint8_t *body, size_t len)
{
    uint8_t *resp;
    size_t rl;
    int rc = tc_http_get(status, &resp, &rl, NULL, 0, err, "POST", f->nodes[node], path, NULL, ctype, body, len,
                         f->timeout_ms);
    if (rc) return rc;
    if (*status >= 300) rc = node_error(err, TC_ERR_API_ANSWER, *status, resp, rl, path);
    tc_free(resp);
    return rc;
}
