/* Ledger queries over a committed height (include/tc/query.h; docs/store.md
 * "Queries"): services, applicable config and firmware and rollout status
 * (anchors: io/query_anchor.c). Each answer is a set of state keys read at that height, so its
 * records and proofs come from tc_query_record against the same root.
 * Record layouts: docs/ledger.md "State keys and records". */
#include <string.h>

#include "tc/alloc.h"
#include "tc/cbor.h"
#include "tc/crypto.h"
#include "tc/query.h"

#include "store_priv.h"

#define REC_MAX 4096u

/* ---- record field access (values are deterministic CBOR maps) ---- */

/* Positions the decoder on the value of field k; 0 if present. */
static int field(tc_cbor_dec *d, const uint8_t *v, size_t n, uint64_t k)
{
    uint64_t pairs, key;
    if (tc_cbor_dec_init(d, v, n, NULL) || tc_cbor_get_map(d, &pairs)) return -1;
    for (uint64_t i = 0; i < pairs; i++) {
        if (tc_cbor_get_uint(d, &key)) return -1;
        if (key == k) return 0;
        if (tc_cbor_skip(d)) return -1;
    }
    return -1;
}

static int f_uint(const uint8_t *v, size_t n, uint64_t k, uint64_t *out)
{
    tc_cbor_dec d;
    return field(&d, v, n, k) || tc_cbor_get_uint(&d, out) ? -1 : 0;
}

static int f_raw(const uint8_t *v, size_t n, uint64_t k, const uint8_t **p, size_t *pn)
{
    tc_cbor_dec d;
    return field(&d, v, n, k) || tc_cbor_get_raw(&d, p, pn) ? -1 : 0;
}

static int f_text(const uint8_t *v, size_t n, uint64_t k, const char **p, size_t *pn)
{
    tc_cbor_dec d;
    return field(&d, v, n, k) || tc_cbor_get_text(&d, p, pn) ? -1 : 0;
}

static void be64(uint8_t o[8], uint64_t v)
{
    for (int i = 0; i < 8; i++) o[i] = (uint8_t)(v >> (56 - 8 * i));
}

/* Does the text array arr (raw CBOR) contain name? */
static int names_contain(const uint8_t *arr, size_t n, const char *name, size_t nl)
{
    tc_cbor_dec d;
    uint64_t c;
    if (tc_cbor_dec_init(&d, arr, n, NULL) || tc_cbor_get_array(&d, &c)) return 0;
    for (uint64_t i = 0; i < c; i++) {
        const char *t;
        size_t tl;
        if (tc_cbor_get_text(&d, &t, &tl)) return 0;
        if (tl == nl && memcmp(t, name, nl) == 0) return 1;
    }
    return 0;
}

/* First wave (of waves[0..last]) holding one of the groups; -1 if none. */
static int64_t wave_of(const uint8_t *waves, size_t wn, uint64_t last, const uint8_t *groups, size_t gn)
{
    tc_cbor_dec w;
    uint64_t nw;
    if (tc_cbor_dec_init(&w, waves, wn, NULL) || tc_cbor_get_array(&w, &nw)) return -1;
    for (uint64_t j = 0; j < nw && j <= last; j++) {
        const uint8_t *p;
        size_t pn;
        tc_cbor_dec g;
        uint64_t ng;
        if (tc_cbor_get_raw(&w, &p, &pn)) return -1;
        if (tc_cbor_dec_init(&g, groups, gn, NULL) || tc_cbor_get_array(&g, &ng)) return -1;
        for (uint64_t i = 0; i < ng; i++) {
            const char *t;
            size_t tl;
            if (tc_cbor_get_text(&g, &t, &tl)) return -1;
            if (names_contain(p, pn, t, tl)) return (int64_t)j;
        }
    }
    return -1;
}

int tc_query_time(tc_store *s, uint64_t *time_ms, uint64_t height)
{
    if (!s->has_genesis || height > s->height) return TC_ERR_NOT_FOUND;
    *time_ms = 0;
    if (height == 0) return 0;
    tc_header h;
    uint8_t id[TC_HASH_LEN];
    int rc = tc_store_header(s, &h, id, height);
    if (!rc) *time_ms = h.time_ms;
    return rc;
}

/* Calls fn for every key listed under (kind, ikey) at height, in order. */
typedef int (*each_fn)(void *ctx, const uint8_t *key, size_t key_len);
static int each_listed(tc_store *s, uint64_t height, uint32_t kind, const uint8_t *ikey, size_t ikey_len,
                       each_fn fn, void *ctx)
{
    tc_query_page *pg = tc_malloc(sizeof *pg);
    uint8_t after[TC_STATE_KEY_MAX];
    size_t after_len = 0;
    int rc, first = 1;
    if (!pg) return TC_ERR_NOMEM;
    do {
        rc = tc_query_list(s, pg, height, kind, ikey, ikey_len, first ? NULL : after, after_len, TC_QUERY_PAGE_MAX);
        first = 0;
        for (size_t i = 0; !rc && i < pg->n; i++) rc = fn(ctx, pg->key[i], pg->key_len[i]);
        if (pg->n) {
            memcpy(after, pg->key[pg->n - 1], pg->key_len[pg->n - 1]);
            after_len = pg->key_len[pg->n - 1];
        }
    } while (!rc && pg->more);
    tc_free(pg);
    return rc == 1 ? 0 : rc; /* 1 = stop early */
}

static int get_at(tc_store *s, uint8_t *val, size_t *n, uint64_t height, const uint8_t *key, size_t kl)
{
    return tc_store_state_get(s, val, REC_MAX, n, height, key, kl);
}

/* ---- services ---- */

int tc_query_services(tc_store *s, tc_query_page *page, uint64_t height, uint32_t kind,
                      const uint8_t *ikey, size_t ikey_len, const uint8_t *after, size_t after_len,
                      size_t limit)
{
    uint64_t now;
    int rc = tc_query_time(s, &now, height);
    if (rc) return rc;
    if (limit == 0 || limit > TC_QUERY_PAGE_MAX) limit = TC_QUERY_PAGE_MAX;
    tc_query_page *in = tc_malloc(sizeof *in);
    uint8_t *val = tc_malloc(REC_MAX), cur[TC_STATE_KEY_MAX];
    size_t cur_len = after ? after_len : 0;
    if (!in || !val) { tc_free(in); tc_free(val); return TC_ERR_NOMEM; }
    if (after) memcpy(cur, after, after_len);
    page->n = 0;
    page->more = 0;
    int started = after != NULL;
    do {
        rc = tc_query_list(s, in, height, kind, ikey, ikey_len, started ? cur : NULL, cur_len, TC_QUERY_PAGE_MAX);
        started = 1;
        for (size_t i = 0; !rc && i < in->n; i++) {
            size_t n;
            uint64_t exp;
            rc = get_at(s, val, &n, height, in->key[i], in->key_len[i]);
            if (rc) break;
            if (f_uint(val, n, 4, &exp) || exp <= now) continue; /* expired at that height */
            if (page->n == limit) { page->more = 1; break; }
            memcpy(page->key[page->n], in->key[i], in->key_len[i]);
            page->key_len[page->n++] = in->key_len[i];
        }
        if (in->n) { memcpy(cur, in->key[in->n - 1], in->key_len[in->n - 1]); cur_len = in->key_len[in->n - 1]; }
    } while (!rc && in->more && !page->more);
    tc_free(in);
    tc_free(val);
    return rc;
}

/* ---- config applicable to a device ---- */

typedef struct cfg_ctx {
    tc_store *s;
    tc_query_page *page;
    uint64_t height, now;
    uint8_t *val;
    char names[TC_QUERY_PAGE_MAX][TC_TX_NAME_MAX];
    size_t name_len[TC_QUERY_PAGE_MAX];
} cfg_ctx;

static int cfg_one(void *c, const uint8_t *key, size_t kl)
{
    cfg_ctx *x = c;
    size_t n, nl;
    const char *name;
    uint64_t exp;
    int rc = get_at(x->s, x->val, &n, x->height, key, kl);
    if (rc) return rc;
    if (!f_uint(x->val, n, 9, &exp) && exp <= x->now) return 0;
    if (f_text(x->val, n, 3, &name, &nl) || nl > TC_TX_NAME_MAX) return 0;
    for (size_t i = 0; i < x->page->n; i++)
        if (x->name_len[i] == nl && memcmp(x->names[i], name, nl) == 0) return 0; /* outranked */
    if (x->page->n == TC_QUERY_PAGE_MAX) { x->page->more = 1; return 1; }
    memcpy(x->names[x->page->n], name, nl);
    x->name_len[x->page->n] = nl;
    memcpy(x->page->key[x->page->n], key, kl);
    x->page->key_len[x->page->n++] = kl;
    return 0;
}

static int cfg_target(cfg_ctx *x, uint64_t owner, uint8_t kind, const void *t, size_t tl)
{
    uint8_t ik[8 + 1 + TC_TX_NAME_MAX];
    if (tl > TC_TX_NAME_MAX || x->page->more) return 0;
    be64(ik, owner);
    ik[8] = kind;
    memcpy(ik + 9, t, tl);
    return each_listed(x->s, x->height, TC_IDX_CFG_TARGET, ik, 9 + tl, cfg_one, x);
}

int tc_query_config(tc_store *s, tc_query_page *page, uint64_t height, const uint8_t id[TC_DEVICE_ID_LEN])
{
    uint8_t key[1 + TC_DEVICE_ID_LEN] = { 'D' };
    uint8_t *dev = tc_malloc(REC_MAX);
    cfg_ctx *x = tc_malloc(sizeof *x);
    size_t dn, ml, gn;
    uint64_t owner;
    const char *model;
    const uint8_t *groups;
    int rc = TC_ERR_NOMEM;
    page->n = 0;
    page->more = 0;
    if (!dev || !x) goto out;
    memset(x, 0, sizeof *x);
    x->s = s;
    x->page = page;
    x->height = height;
    if (!(x->val = tc_malloc(REC_MAX))) goto out;
    if ((rc = tc_query_time(s, &x->now, height))) goto out;
    memcpy(key + 1, id, TC_DEVICE_ID_LEN);
    if ((rc = get_at(s, dev, &dn, height, key, sizeof key))) goto out;
    rc = TC_ERR_CORRUPT;
    if (f_uint(dev, dn, 7, &owner) || f_text(dev, dn, 3, &model, &ml) || f_raw(dev, dn, 10, &groups, &gn)) goto out;
    rc = 0;
    if (owner == 0) goto out; /* unclaimed: no operator config applies */
    /* precedence: the device itself, its groups in list order, its model */
    if ((rc = cfg_target(x, owner, 1, id, TC_DEVICE_ID_LEN))) goto out;
    tc_cbor_dec g;
    uint64_t ng;
    if (tc_cbor_dec_init(&g, groups, gn, NULL) || tc_cbor_get_array(&g, &ng)) { rc = TC_ERR_CORRUPT; goto out; }
    for (uint64_t i = 0; i < ng; i++) {
        const char *t;
        size_t tl;
        if (tc_cbor_get_text(&g, &t, &tl)) { rc = TC_ERR_CORRUPT; goto out; }
        if ((rc = cfg_target(x, owner, 2, t, tl))) goto out;
    }
    rc = cfg_target(x, owner, 3, model, ml);
out:
    if (x) tc_free(x->val);
    tc_free(x);
    tc_free(dev);
    return rc;
}

/* ---- firmware applicable to a device ---- */

typedef struct fw_ctx {
    tc_store *s;
    uint64_t height, now, current;
    const uint8_t *groups;
    size_t groups_len;
    uint8_t *val;
    tc_query_fw *out;
    int found;
} fw_ctx;

static int fw_rollout(void *c, const uint8_t *key, size_t kl)
{
    fw_ctx *x = c;
    size_t n, wn, ml;
    uint64_t vendor, version, cur, status, minp, exp;
    int revoked = 0;
    const uint8_t *waves;
    const char *model;
    int rc = get_at(x->s, x->val, &n, x->height, key, kl);
    if (rc) return rc;
    if (f_uint(x->val, n, 7, &status) || status != 0) return 0; /* paused or aborted */
    if (f_uint(x->val, n, 2, &vendor) || f_uint(x->val, n, 4, &version) || f_uint(x->val, n, 6, &cur) ||
        f_raw(x->val, n, 5, &waves, &wn) || f_text(x->val, n, 3, &model, &ml))
        return TC_ERR_CORRUPT;
    if (version <= x->current || (x->found && version <= x->out->version)) return 0;
    if (wave_of(waves, wn, cur, x->groups, x->groups_len) < 0) return 0;
    uint8_t rk[1 + 8 + 16 + 8], mh[32];
    rk[0] = 'F';
    be64(rk + 1, vendor);
    tc_sha256(mh, model, ml);
    memcpy(rk + 9, mh, 16);
    be64(rk + 25, version);
    rc = get_at(x->s, x->val, &n, x->height, rk, sizeof rk);
    if (rc == TC_ERR_NOT_FOUND) return 0;
    if (rc) return rc;
    if (f_uint(x->val, n, 7, &minp) || f_uint(x->val, n, 8, &exp)) return TC_ERR_CORRUPT;
    tc_cbor_dec d;
    if (!field(&d, x->val, n, 9) && !tc_cbor_get_bool(&d, &revoked) && revoked) return 0; /* 9: revoked (bool) */
    if (exp <= x->now || minp > x->current) return 0;
    x->found = 1;
    x->out->version = version;
    memcpy(x->out->release_key, rk, sizeof rk);
    memcpy(x->out->rollout_key, key, sizeof x->out->rollout_key);
    return 0;
}

int tc_query_firmware(tc_store *s, tc_query_fw *out, uint64_t height, const uint8_t id[TC_DEVICE_ID_LEN],
                      uint64_t current_version)
{
    uint8_t key[1 + TC_DEVICE_ID_LEN] = { 'D' }, ik[8 + TC_TX_NAME_MAX];
    uint8_t *dev = tc_malloc(REC_MAX), *val = tc_malloc(REC_MAX);
    fw_ctx x = { s, height, 0, current_version, NULL, 0, val, out, 0 };
    size_t dn, ml;
    uint64_t owner, status;
    const char *model;
    int rc = TC_ERR_NOMEM;
    memset(out, 0, sizeof *out);
    if (!dev || !val) goto out;
    if ((rc = tc_query_time(s, &x.now, height))) goto out;
    memcpy(key + 1, id, TC_DEVICE_ID_LEN);
    if ((rc = get_at(s, dev, &dn, height, key, sizeof key))) goto out;
    rc = TC_ERR_CORRUPT;
    if (f_uint(dev, dn, 7, &owner) || f_uint(dev, dn, 8, &status) || f_text(dev, dn, 3, &model, &ml) ||
        f_raw(dev, dn, 10, &x.groups, &x.groups_len) || ml > TC_TX_NAME_MAX)
        goto out;
    rc = TC_ERR_NOT_FOUND;
    if (owner == 0 || status == 2) goto out; /* unclaimed or revoked */
    be64(ik, owner);
    memcpy(ik + 8, model, ml);
    rc = each_listed(s, height, TC_IDX_ROLLOUT_MODEL, ik, 8 + ml, fw_rollout, &x);
    if (!rc && !x.found) rc = TC_ERR_NOT_FOUND;
out:
    tc_free(dev);
    tc_free(val);
    return rc;
}

/* ---- rollout status ---- */

typedef struct ro_ctx {
    tc_store *s;
    uint64_t height;
    const uint8_t *waves;
    size_t waves_len;
    uint8_t *val;
    tc_query_rollout *out;
} ro_ctx;

static int ro_report(void *c, const uint8_t *key, size_t kl)
{
    ro_ctx *x = c;
    size_t n, gn;
    uint64_t state;
    const uint8_t *groups;
    int rc = get_at(x->s, x->val, &n, x->height, key, kl);
    if (rc) return rc;
    if (f_uint(x->val, n, 4, &state) || state < 1 || state > 3) return TC_ERR_CORRUPT;
    uint8_t dk[1 + TC_DEVICE_ID_LEN] = { 'D' };
    memcpy(dk + 1, key + 1, TC_DEVICE_ID_LEN);
    if ((rc = get_at(x->s, x->val, &n, x->height, dk, sizeof dk))) return rc;
    if (f_raw(x->val, n, 10, &groups, &gn)) return TC_ERR_CORRUPT;
    int64_t w = wave_of(x->waves, x->waves_len, TC_QUERY_WAVES_MAX, groups, gn);
    if (w < 0) x->out->unassigned[state - 1]++;
    else x->out->count[w][state - 1]++;
    x->out->reports++;
    return 0;
}

int tc_query_rollout_status(tc_store *s, tc_query_rollout *out, uint64_t height, uint64_t org,
                            uint64_t rollout_id)
{
    uint8_t key[1 + 8 + 8], ik[16];
    uint8_t *ro = tc_malloc(REC_MAX), *val = tc_malloc(REC_MAX);
    ro_ctx x = { s, height, NULL, 0, val, out };
    size_t n;
    int rc = TC_ERR_NOMEM;
    memset(out, 0, sizeof *out);
    if (!ro || !val) goto out;
    key[0] = 'R';
    be64(key + 1, org);
    be64(key + 9, rollout_id);
    if ((rc = get_at(s, ro, &n, height, key, sizeof key))) goto out;
    rc = TC_ERR_CORRUPT;
    if (f_raw(ro, n, 5, &x.waves, &x.waves_len) || f_uint(ro, n, 6, &out->current) ||
        f_uint(ro, n, 7, &out->status) || f_uint(ro, n, 4, &out->version))
        goto out;
    tc_cbor_dec d;
    if (tc_cbor_dec_init(&d, x.waves, x.waves_len, NULL) || tc_cbor_get_array(&d, &out->waves) ||
        out->waves > TC_QUERY_WAVES_MAX)
        goto out;
    be64(ik, org);
    be64(ik + 8, rollout_id);
    rc = each_listed(s, height, TC_IDX_FW_REPORT, ik, 16, ro_report, &x);
out:
    tc_free(ro);
    tc_free(val);
    return rc;
}
