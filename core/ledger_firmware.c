/* Firmware rules (DESIGN.md, Ledger: firmware, and "Firmware and config:
 * attacks that must fail"; docs/ledger.md, "Firmware").
 *
 * A vendor's release key set (k of n) publishes manifests whose version is
 * strictly above every earlier one for that model (no rollback), with an
 * expiry (no indefinite freeze); a vendor revokes a release; an operator
 * rolls a release out to its groups in waves and can pause, resume, abort;
 * devices report progress only for a release their operator approved. */
#include <string.h>

#include "ledger_internal.h"

#define ROLL_ADVANCE 1
#define ROLL_PAUSE 2
#define ROLL_RESUME 3
#define ROLL_ABORT 4
enum { RO_ACTIVE = 0, RO_PAUSED = 1, RO_ABORTED = 2 };

static const tc__fdesc REL_F[] = {
    {1, TC_F_TEXT, 1, 1, TC_TX_NAME_MAX, "model"},
    {2, TC_F_UINT, 1, 1, UINT64_MAX, "version"},
    {3, TC_F_BYTES, 1, 32, 32, "digest"},
    {4, TC_F_UINT, 1, 1, UINT64_MAX, "size"},
    {5, TC_F_UINT, 1, 64, 1u << 20, "chunk size"},
    {6, TC_F_BYTES, 1, 32, 32, "chunk root"},
    {7, TC_F_UINT, 1, 0, UINT64_MAX, "minimum prior version"},
    {8, TC_F_UINT, 1, 0, UINT64_MAX, "expiry"},
    {9, TC_F_BOOL, 0, 0, 1, "revoked"},
    {10, TC_F_UINT, 0, 0, UINT64_MAX, "height"},
};

/* 'F' + vendor + SHA-256(model)[0..16] + version; without version: 'f'. */
static size_t rel_key(uint8_t key[33], uint8_t prefix, uint64_t vendor, const uint8_t *model,
                      size_t model_len, uint64_t version)
{
    uint8_t h[32];
    key[0] = prefix;
    tc__be64(key + 1, vendor);
    tc_sha256(h, model, model_len);
    memcpy(key + 9, h, 16);
    if (prefix == TC_K_LATEST) return 25;
    tc__be64(key + 25, version);
    return 33;
}

static int load_u64(tc__rx *rx, uint64_t *v, const uint8_t *key, size_t klen)
{
    uint8_t buf[16];
    size_t n;
    tc_cbor_dec d;
    int rc = tc__st_get(rx, buf, sizeof buf, &n, key, klen);
    if (rc) return rc;
    if (tc_cbor_dec_init(&d, buf, n, NULL) || tc_cbor_get_uint(&d, v))
        return tc_err_set(rx->err, TC_ERR_CORRUPT, "stored counter");
    return 0;
}

static int require_release_keys(tc__rx *rx)
{
    if (rx->who.kind != TC_SIGNER_ORG || rx->who.role != TC_KEYS_RELEASE)
        return tc_err_set(rx->err, TC_ERR_LEDGER_UNAUTHORIZED, "signer is not a vendor's release key set");
    return tc__require_org_keys(rx, rx->who.org, TC_KEYS_RELEASE, TC_ROLE_MANUFACTURER, "release");
}

static void put_release(tc_cbor_enc *e, const tc__fval *v, int revoked, uint64_t height)
{
    tc_cbor_put_map(e, 10);
    tc_cbor_put_uint(e, 1); tc_cbor_put_text(e, (const char *)v[0].p, v[0].n);
    tc_cbor_put_uint(e, 2); tc_cbor_put_uint(e, v[1].u);
    tc_cbor_put_uint(e, 3); tc_cbor_put_bytes(e, v[2].p, 32);
    tc_cbor_put_uint(e, 4); tc_cbor_put_uint(e, v[3].u);
    tc_cbor_put_uint(e, 5); tc_cbor_put_uint(e, v[4].u);
    tc_cbor_put_uint(e, 6); tc_cbor_put_bytes(e, v[5].p, 32);
    tc_cbor_put_uint(e, 7); tc_cbor_put_uint(e, v[6].u);
    tc_cbor_put_uint(e, 8); tc_cbor_put_uint(e, v[7].u);
    tc_cbor_put_uint(e, 9); tc_cbor_put_bool(e, revoked);
    tc_cbor_put_uint(e, 10); tc_cbor_put_uint(e, height);
}

static int release(tc__rx *rx)
{
    tc__fval v[10];
    uint8_t key[33], lkey[33], buf[TC_REC_MAX];
    uint64_t latest = 0;
    size_t kl, ll;
    tc_cbor_enc e;
    int rc = tc__fields_decode(rx->err, rx->tx->body, rx->tx->body_len, REL_F, 8, v);
    if (rc) return rc;
    if ((rc = require_release_keys(rx))) return rc;
    if (v[7].u <= rx->blk->time_ms)
        return tc_err_set(rx->err, TC_ERR_LEDGER_EXPIRED, "release expiry is not after the block time");
    if (v[6].u >= v[1].u)
        return tc_err_set(rx->err, TC_ERR_LEDGER_MALFORMED, "minimum prior version must be below the version");
    ll = rel_key(lkey, TC_K_LATEST, rx->who.org, v[0].p, v[0].n, 0);
    rc = load_u64(rx, &latest, lkey, ll);
    if (rc && rc != TC_ERR_NOT_FOUND) return rc;
    if (rc == 0 && v[1].u <= latest)
        return tc_err_set(rx->err, TC_ERR_LEDGER_VERSION_ROLLBACK, "version %llu is not above the latest %llu",
                          (unsigned long long)v[1].u, (unsigned long long)latest);
    kl = rel_key(key, TC_K_RELEASE, rx->who.org, v[0].p, v[0].n, v[1].u);
    tc_cbor_enc_init(&e, buf, sizeof buf);
    put_release(&e, v, 0, rx->blk->height);
    if ((rc = tc__st_put_enc(rx, key, kl, &e))) return rc;
    tc_cbor_enc_init(&e, buf, sizeof buf);
    tc_cbor_put_uint(&e, v[1].u);
    return tc__st_put_enc(rx, lkey, ll, &e);
}

/* Loads a release record into buf/v (10 fields). */
static int load_release(tc__rx *rx, tc__fval *v, uint8_t *buf, uint64_t vendor, const uint8_t *model,
                        size_t model_len, uint64_t version)
{
    uint8_t key[33];
    size_t n, kl = rel_key(key, TC_K_RELEASE, vendor, model, model_len, version);
    int rc = tc__st_get(rx, buf, TC_REC_MAX, &n, key, kl);
    if (rc == TC_ERR_NOT_FOUND)
        return tc_err_set(rx->err, TC_ERR_LEDGER_NOT_FOUND, "no release %llu of that model by org %llu",
                          (unsigned long long)version, (unsigned long long)vendor);
    if (rc) return rc;
    if (tc__fields_decode(rx->err, buf, n, REL_F, 10, v))
        return tc_err_set(rx->err, TC_ERR_CORRUPT, "stored release");
    return 0;
}

static const tc__fdesc REVOKE_F[] = {
    {1, TC_F_TEXT, 1, 1, TC_TX_NAME_MAX, "model"},
    {2, TC_F_UINT, 1, 1, UINT64_MAX, "version"},
};

static int revoke(tc__rx *rx)
{
    tc__fval b[2], v[10];
    uint8_t buf[TC_REC_MAX], out[TC_REC_MAX], key[33];
    tc_cbor_enc e;
    int rc = tc__fields_decode(rx->err, rx->tx->body, rx->tx->body_len, REVOKE_F, 2, b);
    if (rc) return rc;
    if ((rc = require_release_keys(rx))) return rc;
    if ((rc = load_release(rx, v, buf, rx->who.org, b[0].p, b[0].n, b[1].u))) return rc;
    if (v[8].u) return tc_err_set(rx->err, TC_ERR_LEDGER_REVOKED, "release is already revoked");
    size_t kl = rel_key(key, TC_K_RELEASE, rx->who.org, b[0].p, b[0].n, b[1].u);
    tc_cbor_enc_init(&e, out, sizeof out);
    put_release(&e, v, 1, v[9].u);
    return tc__st_put_enc(rx, key, kl, &e);
}

static const tc__fdesc ROLL_F[] = {
    {1, TC_F_UINT, 1, 1, UINT64_MAX, "rollout id"},
    {2, TC_F_UINT, 1, 1, UINT64_MAX, "vendor"},
    {3, TC_F_TEXT, 1, 1, TC_TX_NAME_MAX, "model"},
    {4, TC_F_UINT, 1, 1, UINT64_MAX, "version"},
    {5, TC_F_ARRAY, 1, 1, 16, "waves"},
    {6, TC_F_UINT, 0, 0, 15, "current wave"},
    {7, TC_F_UINT, 0, 0, 2, "status"},
    {8, TC_F_UINT, 0, 0, UINT64_MAX, "height"},
    {9, TC_F_UINT, 0, 0, 1000, "max failure per mille"},
    {10, TC_F_UINT, 0, 0, UINT64_MAX, "wave final reports"},
    {11, TC_F_UINT, 0, 0, UINT64_MAX, "wave failures"},
    {12, TC_F_UINT, 0, 0, 1, "paused automatically"},
};
#define ROLL_NF 12

/* The fw.rollout body: the record's first five fields and an optional
 * failure threshold (docs/firmware-ops.md, "Automatic pause"). */
static const tc__fdesc ROLL_BODY_F[] = {
    {1, TC_F_UINT, 1, 1, UINT64_MAX, "rollout id"},
    {2, TC_F_UINT, 1, 1, UINT64_MAX, "vendor"},
    {3, TC_F_TEXT, 1, 1, TC_TX_NAME_MAX, "model"},
    {4, TC_F_UINT, 1, 1, UINT64_MAX, "version"},
    {5, TC_F_ARRAY, 1, 1, 16, "waves"},
    {6, TC_F_UINT, 0, 0, 1000, "max failure per mille"},
};

/* Failure counters of a rollout with a threshold (record keys 9..12).
 * Counted since the current wave started (or the rollout resumed): devices
 * whose latest report for this rollout is final (installed or failed), and
 * those of them that failed. Absent (has = 0) without a threshold, so such
 * records keep their original eight fields. */
typedef struct roll_ctr {
    int has;
    uint64_t permille, total, failed, autop;
} roll_ctr;

static roll_ctr ctr_of(const tc__fval *v)
{
    roll_ctr c = {v[8].present, v[8].u, v[9].u, v[10].u, v[11].u};
    return c;
}

static void roll_key(uint8_t key[17], uint64_t org, uint64_t id)
{
    key[0] = TC_K_ROLLOUT;
    tc__be64(key + 1, org);
    tc__be64(key + 9, id);
}

static int store_rollout(tc__rx *rx, uint64_t org, const tc__fval *v, uint64_t wave, uint64_t status,
                         uint64_t height, const roll_ctr *c)
{
    uint8_t key[17], buf[TC_REC_MAX];
    tc_cbor_enc e;
    roll_key(key, org, v[0].u);
    tc_cbor_enc_init(&e, buf, sizeof buf);
    tc_cbor_put_map(&e, c->has ? 12 : 8);
    tc_cbor_put_uint(&e, 1); tc_cbor_put_uint(&e, v[0].u);
    tc_cbor_put_uint(&e, 2); tc_cbor_put_uint(&e, v[1].u);
    tc_cbor_put_uint(&e, 3); tc_cbor_put_text(&e, (const char *)v[2].p, v[2].n);
    tc_cbor_put_uint(&e, 4); tc_cbor_put_uint(&e, v[3].u);
    tc_cbor_put_uint(&e, 5); tc_cbor_put_raw(&e, v[4].p, v[4].n);
    tc_cbor_put_uint(&e, 6); tc_cbor_put_uint(&e, wave);
    tc_cbor_put_uint(&e, 7); tc_cbor_put_uint(&e, status);
    tc_cbor_put_uint(&e, 8); tc_cbor_put_uint(&e, height);
    if (c->has) {
        tc_cbor_put_uint(&e, 9); tc_cbor_put_uint(&e, c->permille);
        tc_cbor_put_uint(&e, 10); tc_cbor_put_uint(&e, c->total);
        tc_cbor_put_uint(&e, 11); tc_cbor_put_uint(&e, c->failed);
        tc_cbor_put_uint(&e, 12); tc_cbor_put_uint(&e, c->autop);
    }
    return tc__st_put_enc(rx, key, sizeof key, &e);
}

static int load_rollout(tc__rx *rx, tc__fval *v, uint8_t *buf, uint64_t org, uint64_t id)
{
    uint8_t key[17];
    size_t n;
    roll_key(key, org, id);
    int rc = tc__st_get(rx, buf, TC_REC_MAX, &n, key, sizeof key);
    if (rc == TC_ERR_NOT_FOUND)
        return tc_err_set(rx->err, TC_ERR_LEDGER_NOT_FOUND, "no rollout %llu of org %llu",
                          (unsigned long long)id, (unsigned long long)org);
    if (rc) return rc;
    if (tc__fields_decode(rx->err, buf, n, ROLL_F, ROLL_NF, v))
        return tc_err_set(rx->err, TC_ERR_CORRUPT, "stored rollout");
    return 0;
}

/* A release may be rolled out (or reported on) while it is neither revoked nor expired. */
static int release_usable(tc__rx *rx, const tc__fval *rel)
{
    if (rel[8].u) return tc_err_set(rx->err, TC_ERR_LEDGER_REVOKED, "the vendor revoked this release");
    if (rel[7].u <= rx->blk->time_ms) return tc_err_set(rx->err, TC_ERR_LEDGER_EXPIRED, "the release has expired");
    return 0;
}

static int rollout(tc__rx *rx)
{
    tc__fval v[6], rel[10], old[ROLL_NF];
    uint8_t buf[TC_REC_MAX], rbuf[TC_REC_MAX];
    tc_cbor_dec d;
    uint64_t nw;
    int rc = tc__fields_decode(rx->err, rx->tx->body, rx->tx->body_len, ROLL_BODY_F, 6, v);
    if (rc) return rc;
    if (rx->who.kind != TC_SIGNER_ORG)
        return tc_err_set(rx->err, TC_ERR_LEDGER_UNAUTHORIZED, "signer is not an operator's admin key set");
    if ((rc = tc__require_org_keys(rx, rx->who.org, TC_KEYS_ADMIN, TC_ROLE_OPERATOR, "rollout"))) return rc;
    tc__dec_raw(rx->err, &d, v[4].p, v[4].n);
    tc_cbor_get_array(&d, &nw);
    for (uint64_t i = 0; i < nw; i++) {
        const uint8_t *p;
        size_t n;
        if (tc_cbor_get_raw(&d, &p, &n) || (rc = tc__check_names(rx->err, p, n, "wave")))
            return rc ? rc : tc_err_set(rx->err, TC_ERR_LEDGER_MALFORMED, "wave %llu", (unsigned long long)i);
    }
    if ((rc = load_release(rx, rel, rbuf, v[1].u, v[2].p, v[2].n, v[3].u))) return rc;
    if ((rc = release_usable(rx, rel))) return rc;
    rc = load_rollout(rx, old, buf, rx->who.org, v[0].u);
    if (rc == 0) return tc_err_set(rx->err, TC_ERR_LEDGER_DUPLICATE, "rollout %llu exists", (unsigned long long)v[0].u);
    if (rc != TC_ERR_LEDGER_NOT_FOUND) return rc;
    roll_ctr c = {v[5].present, v[5].u, 0, 0, 0};
    return store_rollout(rx, rx->who.org, v, 0, RO_ACTIVE, rx->blk->height, &c);
}

static const tc__fdesc CTRL_F[] = {
    {1, TC_F_UINT, 1, 1, UINT64_MAX, "rollout id"},
    {2, TC_F_UINT, 1, ROLL_ADVANCE, ROLL_ABORT, "action"},
};

static int control(tc__rx *rx)
{
    tc__fval b[2], v[ROLL_NF];
    uint8_t buf[TC_REC_MAX];
    int rc = tc__fields_decode(rx->err, rx->tx->body, rx->tx->body_len, CTRL_F, 2, b);
    if (rc) return rc;
    if (rx->who.kind != TC_SIGNER_ORG)
        return tc_err_set(rx->err, TC_ERR_LEDGER_UNAUTHORIZED, "signer is not an operator's admin key set");
    if ((rc = tc__require_org_keys(rx, rx->who.org, TC_KEYS_ADMIN, TC_ROLE_OPERATOR, "rollout control"))) return rc;
    if ((rc = load_rollout(rx, v, buf, rx->who.org, b[0].u))) return rc;
    uint64_t wave = v[5].u, status = v[6].u;
    roll_ctr c = ctr_of(v);
    if (status == RO_ABORTED) return tc_err_set(rx->err, TC_ERR_LEDGER_STATE, "rollout was aborted");
    switch (b[1].u) {
    case ROLL_ADVANCE:
        if (status != RO_ACTIVE) return tc_err_set(rx->err, TC_ERR_LEDGER_STATE, "rollout is paused");
        if (wave + 1 >= v[4].u) return tc_err_set(rx->err, TC_ERR_LEDGER_STATE, "already at the last wave");
        wave++;
        c.total = c.failed = 0; /* the new wave is judged on its own reports */
        break;
    case ROLL_PAUSE:
        if (status != RO_ACTIVE) return tc_err_set(rx->err, TC_ERR_LEDGER_STATE, "rollout is not active");
        status = RO_PAUSED;
        break;
    case ROLL_RESUME:
        if (status != RO_PAUSED) return tc_err_set(rx->err, TC_ERR_LEDGER_STATE, "rollout is not paused");
        status = RO_ACTIVE;
        c.total = c.failed = c.autop = 0; /* the operator looked: count afresh */
        break;
    default:
        status = RO_ABORTED;
        break;
    }
    return store_rollout(rx, rx->who.org, v, wave, status, v[7].u, &c);
}

/* Failure accounting of a report (states: 1 downloading, 2 installed,
 * 3 failed): prev is the device's previous state for this rollout (0 if
 * none). A device counts once; a failed device that later installs stops
 * counting as failed. Past the threshold an active rollout pauses in this
 * very block (failed * 1000 > permille * total: deterministic integers). */
static int account(tc__rx *rx, uint64_t org, tc__fval *v, uint64_t prev, uint64_t now)
{
    roll_ctr c = ctr_of(v);
    if (!c.has) return 0;
    int pf = prev >= 2, nf = now >= 2;
    c.total = c.total + (uint64_t)(nf && !pf) - (uint64_t)(pf && !nf && c.total);
    if (now == 3 && prev != 3) c.failed++;
    else if (prev == 3 && now != 3 && c.failed) c.failed--;
    uint64_t status = v[6].u;
    if (status == RO_ACTIVE && c.failed * 1000 > c.permille * c.total) {
        status = RO_PAUSED;
        c.autop = 1;
    }
    return store_rollout(rx, org, v, v[5].u, status, v[7].u, &c);
}

static const tc__fdesc REP_F[] = {
    {1, TC_F_UINT, 1, 1, UINT64_MAX, "operator"},
    {2, TC_F_UINT, 1, 1, UINT64_MAX, "rollout id"},
    {3, TC_F_UINT, 1, 1, UINT64_MAX, "version"},
    {4, TC_F_UINT, 1, 1, 3, "state"},
};

/* The 'r' record: the report's fields, then height and time. */
static const tc__fdesc REPREC_F[] = {
    {1, TC_F_UINT, 1, 1, UINT64_MAX, "operator"},
    {2, TC_F_UINT, 1, 1, UINT64_MAX, "rollout id"},
    {3, TC_F_UINT, 1, 1, UINT64_MAX, "version"},
    {4, TC_F_UINT, 1, 1, 3, "state"},
    {5, TC_F_UINT, 1, 0, UINT64_MAX, "height"},
    {6, TC_F_UINT, 1, 0, UINT64_MAX, "time"},
};

/* Is one of the device's groups in waves[0..wave]? */
static int device_in_waves(const tc__device *dv, const tc__fval *v)
{
    tc_cbor_dec d, g;
    uint64_t nw, ng;
    if (tc_cbor_dec_init(&d, v[4].p, v[4].n, NULL) || tc_cbor_get_array(&d, &nw)) return 0;
    if (tc_cbor_dec_init(&g, dv->groups, dv->groups_len, NULL) || tc_cbor_get_array(&g, &ng)) return 0;
    for (uint64_t i = 0; i < ng; i++) {
        const char *t;
        size_t tl;
        if (tc_cbor_get_text(&g, &t, &tl)) return 0;
        tc_cbor_dec w = d;
        for (uint64_t j = 0; j < nw && j <= v[5].u; j++) {
            const uint8_t *p;
            size_t n;
            if (tc_cbor_get_raw(&w, &p, &n)) return 0;
            if (tc__names_contain(p, n, (const uint8_t *)t, tl)) return 1;
        }
    }
    return 0;
}

static int report(tc__rx *rx)
{
    tc__fval b[4], v[ROLL_NF], rel[10];
    tc__device dv;
    uint8_t dbuf[TC_REC_MAX], buf[TC_REC_MAX], rbuf[TC_REC_MAX], key[1 + TC_DEVICE_ID_LEN];
    tc_cbor_enc e;
    int rc = tc__fields_decode(rx->err, rx->tx->body, rx->tx->body_len, REP_F, 4, b);
    if (rc) return rc;
    if (rx->who.kind != TC_SIGNER_DEVICE)
        return tc_err_set(rx->err, TC_ERR_LEDGER_UNAUTHORIZED, "progress reports are signed by the device");
    if ((rc = tc__device_load_active(rx, &dv, dbuf, rx->who.dev))) return rc;
    if (dv.owner != b[0].u)
        return tc_err_set(rx->err, TC_ERR_LEDGER_NOT_APPROVED, "org %llu does not own this device",
                          (unsigned long long)b[0].u);
    rc = load_rollout(rx, v, buf, b[0].u, b[1].u);
    if (rc == TC_ERR_LEDGER_NOT_FOUND)
        return tc_err_set(rx->err, TC_ERR_LEDGER_NOT_APPROVED, "the operator has no such rollout");
    if (rc) return rc;
    if (v[3].u != b[2].u || v[6].u == RO_ABORTED)
        return tc_err_set(rx->err, TC_ERR_LEDGER_NOT_APPROVED, "version %llu is not in an active rollout",
                          (unsigned long long)b[2].u);
    if (v[2].n != dv.model_len || memcmp(v[2].p, dv.model, dv.model_len) != 0)
        return tc_err_set(rx->err, TC_ERR_LEDGER_NOT_APPROVED, "the rollout is for another model");
    if (!device_in_waves(&dv, v))
        return tc_err_set(rx->err, TC_ERR_LEDGER_NOT_APPROVED, "none of the device's groups is in a started wave");
    if ((rc = load_release(rx, rel, rbuf, v[1].u, v[2].p, v[2].n, v[3].u))) return rc;
    if (rel[8].u) return tc_err_set(rx->err, TC_ERR_LEDGER_REVOKED, "the vendor revoked this release");
    key[0] = TC_K_FWREP;
    memcpy(key + 1, rx->who.dev, TC_DEVICE_ID_LEN);
    uint64_t prev = 0;
    if (v[8].present) {
        uint8_t pbuf[128];
        size_t pn;
        tc__fval pv[6];
        rc = tc__st_get(rx, pbuf, sizeof pbuf, &pn, key, sizeof key);
        if (rc && rc != TC_ERR_NOT_FOUND) return rc;
        if (rc == 0) {
            if (tc__fields_decode(rx->err, pbuf, pn, REPREC_F, 6, pv))
                return tc_err_set(rx->err, TC_ERR_CORRUPT, "stored firmware report");
            if (pv[0].u == b[0].u && pv[1].u == b[1].u && pv[2].u == b[2].u) prev = pv[3].u;
        }
        if ((rc = account(rx, b[0].u, v, prev, b[3].u))) return rc;
    }
    tc_cbor_enc_init(&e, buf, sizeof buf);
    tc_cbor_put_map(&e, 6);
    tc_cbor_put_uint(&e, 1); tc_cbor_put_uint(&e, b[0].u);
    tc_cbor_put_uint(&e, 2); tc_cbor_put_uint(&e, b[1].u);
    tc_cbor_put_uint(&e, 3); tc_cbor_put_uint(&e, b[2].u);
    tc_cbor_put_uint(&e, 4); tc_cbor_put_uint(&e, b[3].u);
    tc_cbor_put_uint(&e, 5); tc_cbor_put_uint(&e, rx->blk->height);
    tc_cbor_put_uint(&e, 6); tc_cbor_put_uint(&e, rx->blk->time_ms);
    return tc__st_put_enc(rx, key, sizeof key, &e);
}

int tc__firmware_apply(tc__rx *rx)
{
    switch (rx->tx->type) {
    case TC_TX_FW_RELEASE: return release(rx);
    case TC_TX_FW_REVOKE: return revoke(rx);
    case TC_TX_FW_ROLLOUT: return rollout(rx);
    case TC_TX_FW_ROLLOUT_CONTROL: return control(rx);
    case TC_TX_FW_REPORT: return report(rx);
    default: return tc_err_set(rx->err, TC_ERR_LEDGER_UNKNOWN_TYPE, "type %u", rx->tx->type);
    }
}
