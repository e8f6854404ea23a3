/* Firmware chunk endpoints (issue 8 item 3, node side; docs/firmware-ops.md).
 * The node stores and serves bytes; it is not trusted: devices check every
 * chunk against the release record on the ledger. The checks here only
 * keep a node from storing what the uploader did not declare.
 *
 *   POST /v1/firmware/D            JSON {size, chunk_size, root, leaves}: declare
 *   POST /v1/firmware/D/chunk/I    the chunk's bytes: checked against leaf I
 *   GET  /v1/firmware/D            JSON {digest, size, chunk_size, chunks, root,
 *                                  present, have, missing[]}
 *   GET  /v1/firmware/D/image      whole image, or one Range (RFC 9110 §14):
 *                                  206 + Content-Range, 416, 400 bad syntax
 *   GET  /v1/firmware/D/path/I     CBOR inclusion proof of chunk I (RFC 9162)
 * D is the image's SHA-256 in hex. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api_fw.h"
#include "tc/alloc.h"
#include "tc/chunkstore.h"
#include "tc/fwimage.h"
#include "tc/hex.h"
#include "tc/http_range.h"
#include "tc/log.h"

typedef struct fw_state {
    tc_chunkstore *cs;
    tc_fwtree *tree;      /* of tree_digest: paths in O(log n) */
    uint8_t tree_digest[32];
} fw_state;

static fw_state *state(api *a, struct MHD_Connection *c, enum MHD_Result *res)
{
    if (a->fw) return a->fw;
    fw_state *f = tc_calloc(1, sizeof *f);
    tc_err err;
    tc_err_clear(&err);
    if (!f || tc_chunkstore_open(&f->cs, &err, a->nd->cfg.data, a->nd->cfg.fw_store_max_bytes)) {
        TC_LOGE("firmware chunk store: %s", err.msg);
        tc_free(f);
        *res = api_reply_err(c, 503, TC_ERR_STORE_OPEN, "the firmware chunk store cannot be opened");
        return NULL;
    }
    a->fw = f;
    return f;
}

void api_fw_free(api *a)
{
    fw_state *f = a->fw;
    if (!f) return;
    tc_fwtree_free(f->tree);
    tc_chunkstore_close(f->cs);
    tc_free(f);
    a->fw = NULL;
}

static void free_cb(void *p) { tc_free(p); }

static enum MHD_Result reply_bytes(struct MHD_Connection *c, unsigned status, const char *ctype, uint8_t *buf,
                                   size_t len, const char *crange)
{
    struct MHD_Response *r = MHD_create_response_from_buffer_with_free_callback(len, buf, free_cb);
    if (!r) { tc_free(buf); return MHD_NO; }
    MHD_add_response_header(r, "Content-Type", ctype);
    MHD_add_response_header(r, "Accept-Ranges", "bytes");
    if (crange) MHD_add_response_header(r, "Content-Range", crange);
    enum MHD_Result ret = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ret;
}

static int parse_u64(uint64_t *out, const char *s, size_t n)
{
    uint64_t v = 0;
    if (n == 0 || n > 19) return -1;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return -1;
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    *out = v;
    return 0;
}

static enum MHD_Result get_image(fw_state *f, struct MHD_Connection *c, const uint8_t d[32])
{
    tc_fwinfo in;
    int rc = tc_chunkstore_info(f->cs, &in, d);
    if (rc) return api_reply_err(c, 404, rc, "this node has no such firmware image");
    if (!in.present)
        return api_reply_err(c, 404, TC_ERR_FW_INCOMPLETE, "this node has not received every chunk of the image yet");
    const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Range");
    uint64_t a = 0, b = in.size - 1;
    char cr[96];
    unsigned status = 200;
    if (h) {
        int p = tc_http_range_parse(&a, &b, h, in.size);
        if (p < 0) return api_reply_err(c, 400, TC_ERR_INVALID_ARG, "Range must be one range: bytes=A-B, bytes=A- or bytes=-N");
        if (p > 0) {
            snprintf(cr, sizeof cr, "bytes */%" PRIu64, in.size);
            uint8_t *e = tc_malloc(1);
            if (!e) return MHD_NO;
            return reply_bytes(c, 416, "application/octet-stream", e, 0, cr);
        }
        snprintf(cr, sizeof cr, "bytes %" PRIu64 "-%" PRIu64 "/%" PRIu64, a, b, in.size);
        status = 206;
    }
    size_t len = (size_t)(b - a + 1);
    uint8_t *buf = tc_malloc(len);
    if (!buf) return api_reply_err(c, 503, TC_ERR_NOMEM, "out of memory for this range; ask for a smaller one");
    if ((rc = tc_chunkstore_read(f->cs, buf, d, a, len))) {
        tc_free(buf);
        return api_reply_err(c, 500, rc, "reading the chunk store failed");
    }
    return reply_bytes(c, status, "application/octet-stream", buf, len, status == 206 ? cr : NULL);
}

static enum MHD_Result get_path(fw_state *f, struct MHD_Connection *c, const uint8_t d[32], const char *idx)
{
    uint64_t i;
    if (parse_u64(&i, idx, strlen(idx))) return api_reply_err(c, 400, TC_ERR_INVALID_ARG, "chunk index must be a decimal number");
    if (!f->tree || memcmp(f->tree_digest, d, 32) != 0) {
        tc_fwinfo in;
        uint8_t *leaves;
        int rc = tc_chunkstore_image(f->cs, &in, &leaves, d);
        if (rc) return api_reply_err(c, 404, rc, "this node has no such firmware image");
        tc_fwtree_free(f->tree);
        f->tree = NULL;
        rc = tc_fwtree_build(&f->tree, leaves, in.nchunks);
        tc_free(leaves);
        if (rc) return api_reply_err(c, 503, rc, "cannot build the chunk tree");
        memcpy(f->tree_digest, d, 32);
    }
    uint8_t *out = tc_malloc(TC_HIST_PROOF_CBOR_MAX);
    size_t n;
    if (!out) return MHD_NO;
    int rc = tc_fwtree_path(f->tree, out, TC_HIST_PROOF_CBOR_MAX, &n, i);
    if (rc) {
        tc_free(out);
        return api_reply_err(c, 404, rc, "no chunk with that index in this image");
    }
    return reply_bytes(c, 200, "application/cbor", out, n, NULL);
}

static enum MHD_Result get_info(fw_state *f, struct MHD_Connection *c, const uint8_t d[32])
{
    tc_fwinfo in;
    uint8_t *leaves;
    char hex[65], rhex[65];
    int rc = tc_chunkstore_image(f->cs, &in, &leaves, d);
    if (rc) return api_reply_err(c, 404, rc, "this node has no such firmware image");
    json_t *missing = json_array();
    for (uint64_t i = 0; i < in.nchunks && in.have < in.nchunks; i++)
        if (!tc_chunkstore_has_chunk(f->cs, d, i)) json_array_append_new(missing, json_integer((json_int_t)i));
    tc_free(leaves);
    tc_hex_encode(hex, d, 32);
    tc_hex_encode(rhex, in.root, 32);
    return api_reply_json(c, 200, json_pack("{s:s,s:I,s:I,s:I,s:s,s:b,s:I,s:o}", "digest", hex, "size",
                                            (json_int_t)in.size, "chunk_size", (json_int_t)in.chunk_size, "chunks",
                                            (json_int_t)in.nchunks, "root", rhex, "present", in.present, "have",
                                            (json_int_t)in.have, "missing", missing));
}

static int hex32(uint8_t out[32], const char *s, size_t n)
{
    size_t got;
    return n == 64 && tc_hex_decode(out, 32, &got, s, 64) == 0 && got == 32 ? 0 : -1;
}

static enum MHD_Result post_meta(fw_state *f, struct MHD_Connection *c, const uint8_t d[32], api_req *r)
{
    tc_fwmeta m;
    tc_err err;
    tc_err_clear(&err);
    int rc = tc_fwmeta_parse(&m, &err, r ? r->body : NULL, r ? r->len : 0);
    if (rc) return api_reply_err(c, rc == TC_ERR_NOMEM ? 503 : 400, rc, err.msg);
    rc = tc_chunkstore_put_image(f->cs, &err, d, m.size, m.chunk_size, m.root, m.leaves, m.n);
    tc_free(m.leaves);
    if (rc) return api_reply_err(c, rc == TC_ERR_FW_IMAGE_META ? 409 : 503, rc, err.msg);
    return get_info(f, c, d);
}

static enum MHD_Result post_chunk(fw_state *f, struct MHD_Connection *c, const uint8_t d[32], const char *idx,
                                  api_req *r)
{
    uint64_t i;
    if (parse_u64(&i, idx, strlen(idx))) return api_reply_err(c, 400, TC_ERR_INVALID_ARG, "chunk index must be a decimal number");
    tc_err err;
    tc_err_clear(&err);
    int stored;
    int rc = tc_chunkstore_put_chunk(f->cs, &err, &stored, d, i, r->body, r->len);
    if (rc) {
        unsigned st = rc == TC_ERR_FW_IMAGE_UNKNOWN ? 404 : rc == TC_ERR_FW_STORE_FULL || rc == TC_ERR_DISK_FULL ? 507
                    : rc == TC_ERR_STORE_SQL ? 503 : 422;
        return api_reply_err(c, st, rc, err.msg);
    }
    tc_fwinfo in;
    tc_chunkstore_info(f->cs, &in, d);
    return api_reply_json(c, 200, json_pack("{s:I,s:b,s:b,s:I,s:I}", "index", (json_int_t)i, "stored", stored,
                                            "present", in.present, "have", (json_int_t)in.have, "chunks",
                                            (json_int_t)in.nchunks));
}

int api_fw_route(api *a, struct MHD_Connection *c, const char *url, const char *method, api_req *r,
                 enum MHD_Result *res)
{
    static const char pfx[] = "/v1/firmware/";
    if (strncmp(url, pfx, sizeof pfx - 1) != 0) return api_fwstatus_route(a, c, url, method, res);
    int get = !strcmp(method, "GET"), post = !strcmp(method, "POST");
    const char *p = url + sizeof pfx - 1, *slash = strchr(p, '/');
    size_t dl = slash ? (size_t)(slash - p) : strlen(p);
    uint8_t d[32];
    if (dl != 64) return 0; /* /v1/firmware/<device id>: the release for a device (api_query.c) */
    if (hex32(d, p, dl)) {
        *res = api_reply_err(c, 400, TC_ERR_INVALID_ARG, "expected /v1/firmware/<SHA-256 of the image, 64 hex digits>");
        return 1;
    }
    if (post && r && r->too_big) {
        *res = api_reply_err(c, 413, TC_ERR_LIMIT, "body larger than a 1 MiB chunk (or metadata for more than 16,000 chunks)");
        return 1;
    }
    fw_state *f = state(a, c, res);
    if (!f) return 1;
    const char *rest = slash ? slash + 1 : "";
    if (!slash && get) *res = get_info(f, c, d);
    else if (!slash && post) *res = post_meta(f, c, d, r);
    else if (get && !strcmp(rest, "image")) *res = get_image(f, c, d);
    else if (get && !strncmp(rest, "path/", 5)) *res = get_path(f, c, d, rest + 5);
    else if (post && !strncmp(rest, "chunk/", 6)) *res = post_chunk(f, c, d, rest + 6, r);
    else *res = api_reply_err(c, 404, TC_ERR_NOT_FOUND, "no such firmware endpoint (docs/firmware-ops.md)");
    return 1;
}
