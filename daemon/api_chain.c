/* The chain itself (docs/api.md, "Chain"): headers with their commit
 * certificates, blocks, validator sets.
 *   GET /v1/headers/H|latest   JSON {header fields, header hex, cert hex,
 *                              valset hex when the set changed at H};
 *                              CBOR {1 header, 2 cert, ?3 valset} (the
 *                              first keys of a proof bundle)
 *   GET /v1/blocks/H|latest    JSON summary (tx ids, last commit); CBOR:
 *                              the block bytes
 *   GET /v1/valsets/H|latest   JSON {hash, validators}; CBOR: the set bytes
 *                              whose SHA-256 the header names */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "tc/alloc.h"
#include "tc/bundle.h"
#include "tc/cbor.h"

int api_url_height(api *a, struct MHD_Connection *c, uint64_t *height, const char *s, enum MHD_Result *res)
{
    uint64_t top = tc_store_height(a->nd->store);
    if (!strcmp(s, "latest")) {
        *height = top;
    } else {
        char *end;
        if (!*s || *s < '0' || *s > '9') goto bad;
        unsigned long long h = strtoull(s, &end, 10);
        if (*end) goto bad;
        *height = h;
    }
    if (*height == 0 || *height > top) {
        char msg[128];
        snprintf(msg, sizeof msg, "no committed block at height %llu (heights 1..%llu)",
                 (unsigned long long)*height, (unsigned long long)top);
        *res = api_reply_err(c, 404, TC_ERR_API_HEIGHT, msg);
        return -1;
    }
    return 0;
bad:
    *res = api_reply_err(c, 400, TC_ERR_API_PARAM, "expected a decimal height or 'latest' after the last /");
    return -1;
}

int api_valset_bytes(api *a, uint8_t **out, size_t *len, uint64_t height)
{
    static tc_valset vs;
    node_set_for(a->nd, &vs, height);
    int rc = tc_valset_encode(NULL, 0, len, &vs);
    if (rc && rc != TC_ERR_BUFFER_TOO_SMALL)
        return rc;
    *out = tc_malloc(*len);
    if (!*out)
        return TC_ERR_NOMEM;
    return tc_valset_encode(*out, *len, len, &vs);
}

int api_valset_changed(api *a, uint64_t height)
{
    tc_header h, p;
    uint8_t id[TC_HASH_LEN];
    if (height <= 1 || tc_store_header(a->nd->store, &h, id, height) ||
        tc_store_header(a->nd->store, &p, id, height - 1))
        return 0; /* height 1 is signed by the genesis set the device holds */
    return memcmp(h.valset_hash, p.valset_hash, TC_HASH_LEN) != 0;
}

static enum MHD_Result header(api *a, struct MHD_Connection *c, uint64_t height)
{
    tc_header h;
    uint8_t id[TC_HASH_LEN], hb[TC_HEADER_MAX];
    size_t hl;
    uint8_t *cert = NULL, *vb = NULL;
    size_t cl = 0, vl = 0;
    if (tc_store_header(a->nd->store, &h, id, height) || tc_header_encode(hb, sizeof hb, &hl, &h))
        return api_reply_err(c, 500, TC_ERR_IO, "cannot read the header from the store");
    int rc = api_cert_for(a, &cert, &cl, height);
    if (rc)
        return api_reply_err(c, 404, TC_ERR_API_HEIGHT, "the certificate of this height is not known yet");
    if (api_valset_changed(a, height) && api_valset_bytes(a, &vb, &vl, height)) {
        tc_free(cert);
        return api_reply_err(c, 500, TC_ERR_NOMEM, "cannot encode the validator set");
    }
    enum MHD_Result res;
    if (api_wants_cbor(c)) {
        size_t cap = hl + cl + vl + 32;
        uint8_t *buf = tc_malloc(cap);
        size_t n = 0;
        if (buf) {
            tc_cbor_enc e;
            tc_cbor_enc_init(&e, buf, cap);
            tc_cbor_put_map(&e, vb ? 3 : 2);
            tc_cbor_put_uint(&e, 1);
            tc_cbor_put_bytes(&e, hb, hl);
            tc_cbor_put_uint(&e, 2);
            tc_cbor_put_bytes(&e, cert, cl);
            if (vb) {
                tc_cbor_put_uint(&e, 3);
                tc_cbor_put_bytes(&e, vb, vl);
            }
            if (tc_cbor_enc_finish(&e, &n)) n = 0;
        }
        res = n ? api_reply(c, 200, "application/cbor", buf, n)
                : api_reply_err(c, 500, TC_ERR_NOMEM, "cannot encode the answer");
        tc_free(buf);
    } else {
        json_t *j = api_header_json(&h, id);
        json_object_set_new(j, "header", api_hexj(hb, hl));
        json_object_set_new(j, "cert", api_hexj(cert, cl));
        if (vb)
            json_object_set_new(j, "valset", api_hexj(vb, vl));
        res = api_reply_json(c, 200, j);
    }
    tc_free(cert);
    tc_free(vb);
    return res;
}

static enum MHD_Result block(api *a, struct MHD_Connection *c, uint64_t height)
{
    uint8_t *blk;
    size_t bl;
    if (tc_store_block(a->nd->store, &blk, &bl, height))
        return api_reply_err(c, 500, TC_ERR_IO, "cannot read the block from the store");
    enum MHD_Result res;
    tc_block b;
    if (api_wants_cbor(c)) {
        res = api_reply(c, 200, "application/cbor", blk, bl);
    } else if (tc_block_decode(&b, blk, bl) == 0) {
        uint8_t id[TC_HASH_LEN];
        tc_sha256(id, b.header_raw, b.header_raw_len);
        json_t *j = api_header_json(&b.header, id);
        json_t *txs = json_array();
        for (size_t i = 0; i < b.ntx; i++) {
            uint8_t th[TC_SHA256_LEN];
            tc_sha256(th, b.txs[i].p, b.txs[i].len);
            json_array_append_new(txs, api_hexj(th, sizeof th));
        }
        json_object_set_new(j, "txs", txs);
        json_object_set_new(j, "last_commit", api_hexj(b.last_commit.p, b.last_commit.len));
        json_object_set_new(j, "bytes", json_integer((json_int_t)bl));
        tc_block_free(&b);
        res = api_reply_json(c, 200, j);
    } else {
        res = api_reply_err(c, 500, TC_ERR_CORRUPT, "stored block does not decode");
    }
    tc_free(blk);
    return res;
}

static enum MHD_Result valset(api *a, struct MHD_Connection *c, uint64_t height)
{
    uint8_t *vb;
    size_t vl;
    if (api_valset_bytes(a, &vb, &vl, height))
        return api_reply_err(c, 500, TC_ERR_NOMEM, "cannot encode the validator set");
    enum MHD_Result res;
    if (api_wants_cbor(c)) {
        res = api_reply(c, 200, "application/cbor", vb, vl);
    } else {
        static tc_valset vs;
        uint8_t hash[TC_SHA256_LEN];
        node_set_for(a->nd, &vs, height);
        tc_valset_hash(&vs, hash);
        json_t *list = json_array();
        for (size_t i = 0; i < vs.n; i++)
            json_array_append_new(list, json_pack("{s:o,s:I}", "pub", api_hexj(vs.v[i].pub, TC_ED25519_PUB_LEN),
                                                  "power", (json_int_t)vs.v[i].power));
        res = api_reply_json(c, 200, json_pack("{s:I,s:o,s:I,s:o,s:o}", "height", (json_int_t)height, "hash",
                                               api_hexj(hash, sizeof hash), "total_power", (json_int_t)vs.total,
                                               "validators", list, "bytes", api_hexj(vb, vl)));
    }
    tc_free(vb);
    return res;
}

int api_chain_route(api *a, struct MHD_Connection *c, const char *url, const char *method, api_req *r,
                    enum MHD_Result *res)
{
    (void)r;
    static const char *const pre[] = {"/v1/headers/", "/v1/blocks/", "/v1/valsets/"};
    if (strcmp(method, "GET"))
        return 0;
    for (int k = 0; k < 3; k++) {
        size_t pl = strlen(pre[k]);
        if (strncmp(url, pre[k], pl))
            continue;
        uint64_t h;
        if (api_url_height(a, c, &h, url + pl, res) == 0)
            *res = k == 0 ? header(a, c, h) : k == 1 ? block(a, c, h) : valset(a, c, h);
        return 1;
    }
    return 0;
}
