/* Helpers the endpoint files share (daemon/api.h): query parameters, the
 * answering height, commit certificates of past heights and content
 * negotiation (docs/api.md, "Common parameters"). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "tc/alloc.h"

const char *api_arg(struct MHD_Connection *c, const char *name)
{
    return MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, name);
}

int api_wants_cbor(struct MHD_Connection *c)
{
    const char *f = api_arg(c, "format");
    if (f)
        return !strcmp(f, "bundle") || !strcmp(f, "cbor");
    const char *acc = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Accept");
    return acc && strstr(acc, "application/cbor") != NULL;
}

/* Latest height a proof can be answered at: the store height when the node
 * holds its certificate (it always does after its first commit), else the
 * one before (block H+1 carries H's certificate). */
static uint64_t provable_height(api *a)
{
    uint64_t h = tc_store_height(a->nd->store);
    return a->nd->last_cert || h == 0 ? h : h - 1;
}

int api_height_arg(api *a, struct MHD_Connection *c, uint64_t *height, enum MHD_Result *res)
{
    const char *v = api_arg(c, "height");
    uint64_t top = provable_height(a);
    if (!v || !*v) {
        *height = top;
        if (top == 0) {
            *res = api_reply_err(c, 404, TC_ERR_API_HEIGHT, "no block committed yet: nothing to prove against");
            return -1;
        }
        return 0;
    }
    char *end;
    unsigned long long h = strtoull(v, &end, 10);
    if (*end || v[0] == '-' || v[0] == '+') {
        *res = api_reply_err(c, 400, TC_ERR_API_PARAM, "height must be a decimal block height");
        return -1;
    }
    if (h == 0 || h > top) {
        char msg[128];
        snprintf(msg, sizeof msg, "height %llu is not committed here (provable heights 1..%llu)", h,
                 (unsigned long long)top);
        *res = api_reply_err(c, 404, TC_ERR_API_HEIGHT, msg);
        return -1;
    }
    if (top - h >= TC_STORE_KEEP_VERSIONS) {
        *res = api_reply_err(c, 410, TC_ERR_API_HEIGHT, "height too old: the node keeps the last 1024 state versions");
        return -1;
    }
    *height = h;
    return 0;
}

int api_cert_for(api *a, uint8_t **out, size_t *len, uint64_t height)
{
    node *nd = a->nd;
    *out = NULL;
    *len = 0;
    uint64_t top = tc_store_height(nd->store);
    if (height == 0 || height > top)
        return TC_ERR_NOT_FOUND;
    if (height == top) {
        if (!nd->last_cert)
            return TC_ERR_NOT_FOUND;
        *out = tc_malloc(nd->last_cert_len ? nd->last_cert_len : 1);
        if (!*out)
            return TC_ERR_NOMEM;
        memcpy(*out, nd->last_cert, nd->last_cert_len);
        *len = nd->last_cert_len;
        return 0;
    }
    uint8_t *blk;
    size_t bl;
    int rc = tc_store_block(nd->store, &blk, &bl, height + 1);
    if (rc)
        return rc;
    tc_block b;
    rc = tc_block_decode(&b, blk, bl);
    if (!rc) {
        *out = tc_malloc(b.last_commit.len ? b.last_commit.len : 1);
        if (*out) {
            memcpy(*out, b.last_commit.p, b.last_commit.len);
            *len = b.last_commit.len;
        } else {
            rc = TC_ERR_NOMEM;
        }
        tc_block_free(&b);
    }
    tc_free(blk);
    return rc;
}
