/* Rollout and config status endpoints (issue 8 items 4 and 7;
 * docs/firmware-ops.md, "Node API"). Read-only views of committed state at
 * the node's height, for operators (the CLI's `rollout status` and
 * `config status`); devices use proofs instead.
 *
 *   GET /v1/rollouts/ORG/ID/status  per-wave report counts (tc_query_rollout_status)
 *   GET /v1/config/status?operator=ORG&target=device:HEX|group:NAME|model:NAME&name=N
 *                                the published version and each targeted
 *                                device's applied version ('g' records) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api_fw.h"
#include "tc/cbor.h"
#include "tc/crypto.h"
#include "tc/hex.h"
#include "tc/query.h"
#include "tc/state.h"
#include "tc/tx.h"

static int dec_u64(uint64_t *out, const char *s)
{
    char *end;
    if (!s || !*s || *s < '0' || *s > '9') return -1;
    unsigned long long v = strtoull(s, &end, 10);
    if (*end) return -1;
    *out = v;
    return 0;
}

/* Value of uint key k in a CBOR map of uint keys; -1 if absent. */
static int map_uint(uint64_t *out, const uint8_t *p, size_t n, uint64_t k)
{
    tc_cbor_dec d;
    uint64_t pairs, key;
    if (tc_cbor_dec_init(&d, p, n, NULL) || tc_cbor_get_map(&d, &pairs)) return -1;
    for (uint64_t i = 0; i < pairs; i++) {
        if (tc_cbor_get_uint(&d, &key)) return -1;
        if (key == k) return tc_cbor_get_uint(&d, out) ? -1 : 0;
        if (tc_cbor_skip(&d)) return -1;
    }
    return -1;
}

static enum MHD_Result rollout(api *a, struct MHD_Connection *c, const char *rest)
{
    uint64_t org, id;
    char ob[24];
    const char *slash = strchr(rest, '/');
    if (!slash || (size_t)(slash - rest) >= sizeof ob)
        return api_reply_err(c, 400, TC_ERR_INVALID_ARG, "expected /v1/rollouts/<operator org>/<rollout id>");
    memcpy(ob, rest, (size_t)(slash - rest));
    ob[slash - rest] = 0;
    if (dec_u64(&org, ob) || dec_u64(&id, slash + 1))
        return api_reply_err(c, 400, TC_ERR_INVALID_ARG, "org and rollout id are decimal numbers");
    tc_query_rollout q;
    uint64_t h = tc_store_height(a->nd->store);
    int rc = tc_query_rollout_status(a->nd->store, &q, h, org, id);
    if (rc == TC_ERR_NOT_FOUND || rc == TC_ERR_LEDGER_NOT_FOUND)
        return api_reply_err(c, 404, rc, "no such rollout at the node's height");
    if (rc) return api_reply_err(c, 503, rc, "rollout query failed");
    /* the threshold, when the rollout has one (fw.rollout key 6) */
    uint8_t key[17], val[4096];
    size_t vl;
    uint64_t permille = 0, failed_now = 0, final_now = 0, auto_paused = 0;
    key[0] = 'R';
    for (int i = 0; i < 8; i++) key[1 + i] = (uint8_t)(org >> (56 - 8 * i)), key[9 + i] = (uint8_t)(id >> (56 - 8 * i));
    int has_thr = 0;
    if (!tc_store_state_get(a->nd->store, val, sizeof val, &vl, h, key, sizeof key)) {
        /* record keys 9..12: threshold, final reports and failures since
         * the wave started, paused automatically (core/ledger_firmware.c) */
        has_thr = map_uint(&permille, val, vl, 9) == 0;
        map_uint(&final_now, val, vl, 10);
        map_uint(&failed_now, val, vl, 11);
        map_uint(&auto_paused, val, vl, 12);
    }
    static const char *const st[] = {"active", "paused", "aborted", "paused (auto)"};
    const char *status = q.status <= 2 ? st[q.status] : "?";
    if (q.status == 1 && auto_paused) status = st[3];
    json_t *waves = json_array();
    for (uint64_t w = 0; w < q.waves && w < TC_QUERY_WAVES_MAX; w++)
        json_array_append_new(waves, json_pack("{s:I,s:b,s:I,s:I,s:I}", "wave", (json_int_t)w, "started", w <= q.current,
                                               "downloading", (json_int_t)q.count[w][0], "installed",
                                               (json_int_t)q.count[w][1], "failed", (json_int_t)q.count[w][2]));
    json_t *o = json_pack("{s:I,s:I,s:I,s:s,s:I,s:I,s:I,s:o,s:{s:I,s:I,s:I}}", "operator", (json_int_t)org, "id",
                          (json_int_t)id, "version", (json_int_t)q.version, "status", status, "current_wave",
                          (json_int_t)q.current, "reports", (json_int_t)q.reports, "height", (json_int_t)h, "waves",
                          waves, "unassigned", "downloading", (json_int_t)q.unassigned[0], "installed",
                          (json_int_t)q.unassigned[1], "failed", (json_int_t)q.unassigned[2]);
    if (has_thr) {
        json_object_set_new(o, "max_failure_permille", json_integer((json_int_t)permille));
        json_object_set_new(o, "wave_failures", json_integer((json_int_t)failed_now));
        json_object_set_new(o, "wave_final_reports", json_integer((json_int_t)final_now));
    }
    return api_reply_json(c, 200, o);
}

static void dev_json(api *a, json_t *arr, uint64_t h, const uint8_t dev[16], uint64_t org, const uint8_t docid[16])
{
    uint8_t key[41], val[256];
    size_t vl;
    char hex[33];
    uint64_t ver = 0, status = 0, height = 0;
    key[0] = 'g';
    memcpy(key + 1, dev, 16);
    for (int i = 0; i < 8; i++) key[17 + i] = (uint8_t)(org >> (56 - 8 * i));
    memcpy(key + 25, docid, 16);
    tc_hex_encode(hex, dev, 16);
    json_t *o = json_pack("{s:s}", "device", hex);
    if (!tc_store_state_get(a->nd->store, val, sizeof val, &vl, h, key, sizeof key) && !map_uint(&ver, val, vl, 1)) {
        map_uint(&status, val, vl, 2);
        map_uint(&height, val, vl, 3);
        json_object_set_new(o, "version", json_integer((json_int_t)ver));
        json_object_set_new(o, "status", json_string(status ? "failed" : "applied"));
        json_object_set_new(o, "height", json_integer((json_int_t)height));
    } else {
        json_object_set_new(o, "version", json_null());
        json_object_set_new(o, "status", json_string("no report"));
    }
    json_array_append_new(arr, o);
}

static enum MHD_Result config_status(api *a, struct MHD_Connection *c)
{
    const char *op = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "operator");
    const char *tg = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "target");
    const char *name = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "name");
    uint64_t org, kind;
    const char *colon = tg ? strchr(tg, ':') : NULL;
    if (dec_u64(&org, op) || !colon || !name || !*name || strlen(name) > TC_TX_NAME_MAX)
        return api_reply_err(c, 400, TC_ERR_INVALID_ARG, "expected ?operator=ORG&target=device:HEX|group:NAME|model:NAME&name=N");
    size_t kl = (size_t)(colon - tg);
    const char *tv = colon + 1;
    uint8_t tb[TC_TX_NAME_MAX + 16];
    size_t tl = strlen(tv);
    if (kl == 6 && !strncmp(tg, "device", 6)) {
        kind = 1;
        if (tl != 32 || tc_hex_decode(tb, 16, &tl, tv, 32))
            return api_reply_err(c, 400, TC_ERR_INVALID_ARG, "device:HEX takes a 32-hex-digit device id");
    } else if ((kl == 5 && !strncmp(tg, "group", 5)) || (kl == 5 && !strncmp(tg, "model", 5))) {
        kind = tg[0] == 'g' ? 2 : 3;
        if (tl == 0 || tl > TC_TX_NAME_MAX) return api_reply_err(c, 400, TC_ERR_INVALID_ARG, "target name too long or empty");
        memcpy(tb, tv, tl);
    } else {
        return api_reply_err(c, 400, TC_ERR_INVALID_ARG, "target kind is device, group or model");
    }
    /* document id = SHA-256(kind || len(target) || target || name)[0..16] (docs/ledger.md) */
    uint8_t hdr[2] = {(uint8_t)kind, (uint8_t)tl}, hsh[32], docid[16];
    tc_sha256_ctx x;
    tc_sha256_init(&x);
    tc_sha256_update(&x, hdr, 2);
    tc_sha256_update(&x, tb, tl);
    tc_sha256_update(&x, name, strlen(name));
    tc_sha256_final(&x, hsh);
    memcpy(docid, hsh, 16);
    uint64_t h = tc_store_height(a->nd->store), pub = 0;
    uint8_t key[25], val[8192];
    size_t vl;
    key[0] = 'G';
    for (int i = 0; i < 8; i++) key[1 + i] = (uint8_t)(org >> (56 - 8 * i));
    memcpy(key + 9, docid, 16);
    char dhex[33];
    tc_hex_encode(dhex, docid, 16);
    if (tc_store_state_get(a->nd->store, val, sizeof val, &vl, h, key, sizeof key) || map_uint(&pub, val, vl, 4))
        return api_reply_err(c, 404, TC_ERR_NOT_FOUND, "the operator has published no config document with that target and name");
    json_t *devs = json_array();
    if (kind == 1) {
        dev_json(a, devs, h, tb, org, docid);
    } else {
        static tc_query_page pg;
        uint8_t after[TC_STATE_KEY_MAX];
        size_t after_len = 0;
        do {
            if (tc_query_list(a->nd->store, &pg, h, kind == 2 ? TC_IDX_DEV_GROUP : TC_IDX_DEV_MODEL, tb, tl, after_len ? after : NULL,
                              after_len, TC_QUERY_PAGE_MAX))
                break;
            for (size_t i = 0; i < pg.n; i++)
                if (pg.key_len[i] == 17) dev_json(a, devs, h, pg.key[i] + 1, org, docid);
            if (pg.n) { after_len = pg.key_len[pg.n - 1]; memcpy(after, pg.key[pg.n - 1], after_len); }
        } while (pg.more && json_array_size(devs) < 100000);
    }
    return api_reply_json(c, 200, json_pack("{s:I,s:s,s:s,s:s,s:I,s:I,s:o}", "operator", (json_int_t)org, "target", tg,
                                            "name", name, "doc_id", dhex, "published_version", (json_int_t)pub,
                                            "height", (json_int_t)h, "devices", devs));
}

int api_fwstatus_route(api *a, struct MHD_Connection *c, const char *url, const char *method,
                       enum MHD_Result *res)
{
    if (strcmp(method, "GET") != 0) return 0;
    /* /v1/rollouts/ORG/ID/status: the operator's view; /v1/rollouts/ORG/ID
     * itself is the proven record (daemon/api_query.c). */
    size_t ul = strlen(url);
    if (!strncmp(url, "/v1/rollouts/", 13) && ul > 20 && !strcmp(url + ul - 7, "/status")) {
        char rest[64];
        size_t n = ul - 13 - 7;
        if (n >= sizeof rest) n = sizeof rest - 1;
        memcpy(rest, url + 13, n);
        rest[n] = 0;
        *res = rollout(a, c, rest);
        return 1;
    }
    if (!strcmp(url, "/v1/config/status")) { *res = config_status(a, c); return 1; }
    return 0;
}
