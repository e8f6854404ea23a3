/* State queries with proofs (issue 6 item 2; docs/api.md, "Queries").
 * Every record comes with its state-tree proof against the state root of
 * the answering height (?height=, default the latest provable one):
 *   JSON (default): {height, state_root, key, value, proof (hex), record
 *                    (the value decoded for people)}
 *   ?format=bundle or Accept: application/cbor: the proof bundle
 *     (tc_bundle_encode: header + commit certificate + validator set when it
 *     changed + proof + key + record) that tcdev_light_verify_bundle checks.
 * An absent record answers 404; in bundle form the body is then the
 * non-membership bundle (a device can verify the absence).
 * Lists answer state keys, paged (?limit=1..256, ?after=HEX last key);
 * each key is fetchable with its proof at /v1/state/HEX?height=H.
 *
 *   GET /v1/devices/ID                 device record ('D' + id)
 *   GET /v1/devices?owner=N|maker=N|model=M|group=G|status=S|attr=NAME=VALUE
 *   GET /v1/services?type=T|attr=NAME=VALUE
 *   GET /v1/config/ID                  config documents for a device (keys)
 *   GET /v1/firmware/ID?current=V      the release a device should install
 *   GET /v1/rollouts/ORG/ID            rollout record; JSON adds per-wave counts
 *   GET /v1/anchors/ROOT               anchor record by its Merkle root
 *   GET /v1/anchors/by-digest/HEX      the anchor listing a message digest (api_anchor.c)
 *   GET /v1/state/KEY                  any state key (hex) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "tc/alloc.h"
#include "tc/bundle.h"
#include "tc/cbor_json.h"
#include "tc/hex.h"
#include "tc/query.h"
#include "tc/smt.h"

static enum MHD_Result bad(struct MHD_Connection *c, const char *msg)
{
    return api_reply_err(c, 400, TC_ERR_API_PARAM, msg);
}

/* One record with its proof (daemon/api.h); extra (may be NULL, reference taken) is
 * merged into the JSON answer. */
enum MHD_Result api_record(api *a, struct MHD_Connection *c, uint64_t height, const uint8_t *key, size_t kl,
                              json_t *extra)
{
    static uint8_t val[TC_STATE_VALUE_MAX], proof[TC_SMT_PROOF_MAX];
    size_t vl = 0, pl = 0;
    int rc = tc_query_record(a->nd->store, val, sizeof val, &vl, proof, sizeof proof, &pl, height, key, kl);
    if (rc && rc != TC_ERR_NOT_FOUND) {
        json_decref(extra);
        if (rc == TC_ERR_SMT_VERSION)
            return api_reply_err(c, 410, TC_ERR_API_HEIGHT, "height too old: its state is no longer provable");
        return api_reply_err(c, 500, rc, "cannot read the record");
    }
    int found = rc == 0;
    if (api_wants_cbor(c)) {
        json_decref(extra);
        return api_state_bundle(a, c, found ? 200 : 404, height, key, kl, found ? val : NULL, vl, proof, pl);
    }
    tc_header h;
    uint8_t id[TC_HASH_LEN];
    if (tc_store_header(a->nd->store, &h, id, height)) {
        json_decref(extra);
        return api_reply_err(c, 500, TC_ERR_IO, "cannot read the header");
    }
    json_t *j = json_pack("{s:I,s:o,s:o,s:b}", "height", (json_int_t)height, "state_root",
                          api_hexj(h.state_root, TC_HASH_LEN), "key", api_hexj(key, kl), "found", found);
    if (!found) {
        json_object_set_new(j, "code", json_string("NOT_FOUND"));
        json_object_set_new(j, "message", json_string("no such record at this height (the proof shows its absence)"));
    } else {
        json_object_set_new(j, "value", api_hexj(val, vl));
        json_t *rec = tc_cbor_to_json(val, vl);
        json_object_set_new(j, "record", rec ? rec : json_null());
    }
    json_object_set_new(j, "proof", api_hexj(proof, pl));
    if (extra) {
        json_object_update(j, extra);
        json_decref(extra);
    }
    return api_reply_json(c, found ? 200 : 404, j);
}

static int hex_exact(uint8_t *out, size_t n, const char *s)
{
    size_t got;
    return strlen(s) == 2 * n && tc_hex_decode(out, n, &got, s, 2 * n) == 0 && got == n ? 0 : -1;
}

static int parse_u64(uint64_t *v, const char *s)
{
    char *end;
    if (!s || !*s || *s < '0' || *s > '9') return -1;
    *v = strtoull(s, &end, 10);
    return *end ? -1 : 0;
}

static void be64(uint8_t *o, uint64_t v)
{
    for (int i = 0; i < 8; i++) o[i] = (uint8_t)(v >> (56 - 8 * i));
}

static enum MHD_Result page_json(struct MHD_Connection *c, uint64_t height, const tc_query_page *pg, int rc)
{
    if (rc == TC_ERR_NOT_FOUND)
        return api_reply_err(c, 404, TC_ERR_NOT_FOUND, "no such device at this height");
    if (rc)
        return api_reply_err(c, 500, rc, "query failed");
    json_t *keys = json_array();
    for (size_t i = 0; i < pg->n; i++)
        json_array_append_new(keys, api_hexj(pg->key[i], pg->key_len[i]));
    json_t *j = json_pack("{s:I,s:o,s:b}", "height", (json_int_t)height, "keys", keys, "more", pg->more);
    if (pg->more && pg->n)
        json_object_set_new(j, "next_after", api_hexj(pg->key[pg->n - 1], pg->key_len[pg->n - 1]));
    return api_reply_json(c, 200, j);
}

/* ?limit= and ?after= of a paged list. */
static int paging(struct MHD_Connection *c, size_t *limit, uint8_t *after, size_t *after_len, enum MHD_Result *res)
{
    uint64_t l = 50;
    const char *ls = api_arg(c, "limit"), *as = api_arg(c, "after");
    if (ls && (parse_u64(&l, ls) || l == 0 || l > TC_QUERY_PAGE_MAX)) {
        *res = bad(c, "limit must be 1..256");
        return -1;
    }
    *limit = (size_t)l;
    *after_len = 0;
    if (as) {
        size_t n = strlen(as);
        if (n == 0 || n % 2 || n / 2 > TC_STATE_KEY_MAX || tc_hex_decode(after, TC_STATE_KEY_MAX, after_len, as, n)) {
            *res = bad(c, "after must be the hex of a state key (next_after of the previous page)");
            return -1;
        }
    }
    return 0;
}

/* attr=NAME=VALUE into an attribute index key. */
static int attr_ikey(uint8_t *ik, size_t *il, const char *v)
{
    const char *eq = v ? strchr(v, '=') : NULL;
    if (!eq || eq == v) return -1;
    return tc_query_attr_ikey(ik, il, v, (size_t)(eq - v), eq + 1, strlen(eq + 1)) ? -1 : 0;
}

static enum MHD_Result list(api *a, struct MHD_Connection *c, uint64_t height, int services)
{
    static tc_query_page pg;
    uint8_t ik[TC_QUERY_IKEY_MAX], after[TC_STATE_KEY_MAX];
    size_t il = 0, limit, al;
    uint32_t kind = 0;
    enum MHD_Result res;
    if (paging(c, &limit, after, &al, &res)) return res;
    const char *v;
    uint64_t u;
    if ((v = api_arg(c, "attr"))) {
        if (attr_ikey(ik, &il, v)) return bad(c, "attr must be NAME=VALUE (name and value within limits)");
        kind = services ? TC_IDX_SVC_ATTR : TC_IDX_DEV_ATTR;
    } else if (services && (v = api_arg(c, "type"))) {
        if (strlen(v) > TC_QUERY_IKEY_MAX) return bad(c, "type too long");
        il = strlen(v);
        memcpy(ik, v, il);
        kind = TC_IDX_SVC_TYPE;
    } else if (!services && ((v = api_arg(c, "owner")) || (v = api_arg(c, "maker")))) {
        if (parse_u64(&u, v)) return bad(c, "owner/maker must be an organization number");
        be64(ik, u);
        il = 8;
        kind = api_arg(c, "owner") ? TC_IDX_DEV_OWNER : TC_IDX_DEV_MAKER;
    } else if (!services && ((v = api_arg(c, "model")) || (v = api_arg(c, "group")))) {
        if (strlen(v) > TC_TX_NAME_MAX) return bad(c, "model/group name too long");
        il = strlen(v);
        memcpy(ik, v, il);
        kind = api_arg(c, "model") ? TC_IDX_DEV_MODEL : TC_IDX_DEV_GROUP;
    } else if (!services && (v = api_arg(c, "status"))) {
        if (parse_u64(&u, v) || u > 2) return bad(c, "status must be 0 (active), 1 (suspended) or 2 (revoked)");
        ik[0] = (uint8_t)u;
        il = 1;
        kind = TC_IDX_DEV_STATUS;
    } else {
        return bad(c, services ? "give one of type=T or attr=NAME=VALUE"
                               : "give one of owner=N, maker=N, model=M, group=G, status=S or attr=NAME=VALUE");
    }
    int rc = services ? tc_query_services(a->nd->store, &pg, height, kind, ik, il, al ? after : NULL, al, limit)
                      : tc_query_list(a->nd->store, &pg, height, kind, ik, il, al ? after : NULL, al, limit);
    return page_json(c, height, &pg, rc);
}

static enum MHD_Result config(api *a, struct MHD_Connection *c, uint64_t height, const uint8_t id[16])
{
    static tc_query_page pg;
    int rc = tc_query_config(a->nd->store, &pg, height, id);
    return page_json(c, height, &pg, rc);
}

static enum MHD_Result firmware(api *a, struct MHD_Connection *c, uint64_t height, const uint8_t id[16])
{
    uint64_t cur = 0;
    const char *v = api_arg(c, "current");
    if (v && parse_u64(&cur, v)) return bad(c, "current must be the device's firmware version (a number)");
    tc_query_fw fw;
    int rc = tc_query_firmware(a->nd->store, &fw, height, id, cur);
    if (rc == TC_ERR_NOT_FOUND)
        return api_reply_err(c, 404, TC_ERR_NOT_FOUND, "no newer release applies to this device at this height");
    if (rc) return api_reply_err(c, 500, rc, "query failed");
    json_t *extra = json_pack("{s:I,s:o,s:o}", "version", (json_int_t)fw.version, "release_key",
                              api_hexj(fw.release_key, sizeof fw.release_key), "rollout_key",
                              api_hexj(fw.rollout_key, sizeof fw.rollout_key));
    return api_record(a, c, height, fw.release_key, sizeof fw.release_key, extra);
}

static enum MHD_Result rollout(api *a, struct MHD_Connection *c, uint64_t height, const char *rest)
{
    uint64_t org, rid;
    char *end;
    if (*rest < '0' || *rest > '9') return bad(c, "expected /v1/rollouts/ORG/ID");
    org = strtoull(rest, &end, 10);
    if (*end != '/' || parse_u64(&rid, end + 1)) return bad(c, "expected /v1/rollouts/ORG/ID");
    uint8_t key[17] = {'R'};
    be64(key + 1, org);
    be64(key + 9, rid);
    json_t *extra = NULL;
    tc_query_rollout st;
    if (!api_wants_cbor(c) && tc_query_rollout_status(a->nd->store, &st, height, org, rid) == 0) {
        json_t *waves = json_array();
        for (uint64_t w = 0; w < st.waves && w < TC_QUERY_WAVES_MAX; w++)
            json_array_append_new(waves, json_pack("{s:I,s:I,s:I}", "downloading", (json_int_t)st.count[w][0],
                                                   "installed", (json_int_t)st.count[w][1], "failed",
                                                   (json_int_t)st.count[w][2]));
        extra = json_pack("{s:{s:I,s:I,s:I,s:I,s:I,s:o,s:[I,I,I]}}", "status", "waves", (json_int_t)st.waves,
                          "current", (json_int_t)st.current, "state", (json_int_t)st.status, "version",
                          (json_int_t)st.version, "reports", (json_int_t)st.reports, "per_wave", waves,
                          "unassigned", (json_int_t)st.unassigned[0], (json_int_t)st.unassigned[1],
                          (json_int_t)st.unassigned[2]);
    }
    return api_record(a, c, height, key, sizeof key, extra);
}

int api_query_route(api *a, struct MHD_Connection *c, const char *url, const char *method, api_req *r,
                    enum MHD_Result *res)
{
    (void)r;
    if (strcmp(method, "GET") || strncmp(url, "/v1/", 4))
        return 0;
    const char *u = url + 4;
    enum { DEV, DEVS, SVCS, CFG, FW, ROLL, ANCH, STATE, NONE } what = NONE;
    const char *rest = "";
    static const struct { const char *pre; int what; } k[] = {
        {"devices/", DEV}, {"config/", CFG}, {"firmware/", FW}, {"rollouts/", ROLL}, {"anchors/", ANCH},
        {"state/", STATE}};
    if (!strcmp(u, "devices")) what = DEVS;
    else if (!strcmp(u, "services")) what = SVCS;
    else
        for (size_t i = 0; i < sizeof k / sizeof k[0]; i++)
            if (!strncmp(u, k[i].pre, strlen(k[i].pre))) {
                what = k[i].what;
                rest = u + strlen(k[i].pre);
                break;
            }
    if (what == NONE)
        return 0;
    uint64_t height;
    if (api_height_arg(a, c, &height, res))
        return 1;
    uint8_t id[TC_DEVICE_ID_LEN], key[TC_STATE_KEY_MAX];
    size_t kl;
    if ((what == DEV || what == CFG || what == FW) && hex_exact(id, sizeof id, rest)) {
        *res = bad(c, "expected a device id: 32 hex digits");
        return 1;
    }
    switch (what) {
    case DEV:
        key[0] = 'D';
        memcpy(key + 1, id, sizeof id);
        *res = api_record(a, c, height, key, 1 + sizeof id, NULL);
        break;
    case DEVS: *res = list(a, c, height, 0); break;
    case SVCS: *res = list(a, c, height, 1); break;
    case CFG: *res = config(a, c, height, id); break;
    case FW: *res = firmware(a, c, height, id); break;
    case ROLL: *res = rollout(a, c, height, rest); break;
    case ANCH:
        if (!strncmp(rest, "by-digest/", 10)) { *res = api_anchor_by_digest(a, c, height, rest + 10); break; }
        key[0] = 'A';
        if (hex_exact(key + 1, 32, rest)) { *res = bad(c, "expected an anchor root: 64 hex digits"); break; }
        *res = api_record(a, c, height, key, 33, NULL);
        break;
    case STATE: {
        size_t n = strlen(rest);
        if (n == 0 || n % 2 || n / 2 > TC_STATE_KEY_MAX || tc_hex_decode(key, sizeof key, &kl, rest, n)) {
            *res = bad(c, "expected a state key in hex (at most 128 bytes)");
            break;
        }
        *res = api_record(a, c, height, key, kl, NULL);
        break;
    }
    default: break;
    }
    return 1;
}
