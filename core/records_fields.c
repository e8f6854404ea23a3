/* Strict decoding of transaction bodies: maps with small-int keys described
 * by a field table (docs/ledger.md, "Bodies"). A body that carries an
 * unknown field is rejected rather than ignored: what was signed is exactly
 * what the rules act on. */
#include <string.h>

#include "ledger_internal.h"

static int bad(tc_err *err, const tc__fdesc *f, const char *why)
{
    return tc_err_set(err, TC_ERR_LEDGER_MALFORMED, "field %s (%u) %s", f->name, (unsigned)f->key, why);
}

static int too_big(tc_err *err, const tc__fdesc *f, uint64_t n)
{
    return tc_err_set(err, TC_ERR_LEDGER_OVERSIZE, "field %s has %llu bytes or entries (limit %llu)",
                      f->name, (unsigned long long)n, (unsigned long long)f->max);
}

static int get_one(tc_err *err, tc_cbor_dec *d, const tc__fdesc *f, tc__fval *v)
{
    const char *t;
    uint64_t cnt;
    v->present = 1;
    switch (f->type) {
    case TC_F_UINT:
        if (tc_cbor_get_uint(d, &v->u)) return bad(err, f, "must be an unsigned integer");
        if (v->u < f->min || v->u > f->max) return bad(err, f, "is out of range");
        return 0;
    case TC_F_BOOL: {
        int b;
        if (tc_cbor_get_bool(d, &b)) return bad(err, f, "must be true or false");
        v->u = (uint64_t)b;
        return 0;
    }
    case TC_F_BYTES:
    case TC_F_TEXT:
        if (f->type == TC_F_BYTES ? tc_cbor_get_bytes(d, &v->p, &v->n)
                                  : tc_cbor_get_text(d, &t, &v->n))
            return bad(err, f, f->type == TC_F_BYTES ? "must be a byte string" : "must be text");
        if (f->type == TC_F_TEXT) v->p = (const uint8_t *)t;
        if (v->n > f->max) {
            if (f->min == f->max) return bad(err, f, "has the wrong length");
            return too_big(err, f, v->n);
        }
        if (v->n < f->min) return bad(err, f, f->min == f->max ? "has the wrong length" : "is too short");
        return 0;
    case TC_F_ARRAY:
    case TC_F_MAP: {
        tc_cbor_dec probe = *d;
        int rc = f->type == TC_F_ARRAY ? tc_cbor_get_array(&probe, &cnt) : tc_cbor_get_map(&probe, &cnt);
        if (rc) return bad(err, f, f->type == TC_F_ARRAY ? "must be an array" : "must be a map");
        if (cnt > f->max) return too_big(err, f, cnt);
        if (cnt < f->min) return bad(err, f, "has too few entries");
        v->u = cnt;
        if (tc_cbor_get_raw(d, &v->p, &v->n)) return bad(err, f, "is truncated");
        return 0;
    }
    default:
        return bad(err, f, "has an unknown field type");
    }
}

int tc__fields_get(tc_err *err, tc_cbor_dec *d, const tc__fdesc *desc, size_t nd, tc__fval *out)
{
    uint64_t pairs;
    memset(out, 0, nd * sizeof *out);
    if (tc_cbor_get_map(d, &pairs))
        return tc_err_set(err, TC_ERR_LEDGER_MALFORMED, "body must be a map");
    size_t di = 0;
    for (uint64_t i = 0; i < pairs; i++) {
        uint64_t key;
        if (tc_cbor_get_uint(d, &key))
            return tc_err_set(err, TC_ERR_LEDGER_MALFORMED, "map keys must be small unsigned integers");
        /* Keys arrive ascending (the decoder enforces canonical order). */
        while (di < nd && desc[di].key < key) di++;
        if (di == nd || desc[di].key != key)
            return tc_err_set(err, TC_ERR_LEDGER_MALFORMED, "unknown field %llu", (unsigned long long)key);
        int rc = get_one(err, d, &desc[di], &out[di]);
        if (rc) return rc;
    }
    for (size_t j = 0; j < nd; j++)
        if (desc[j].required && !out[j].present)
            return tc_err_set(err, TC_ERR_LEDGER_MALFORMED, "missing field %s (%u)", desc[j].name,
                              (unsigned)desc[j].key);
    return 0;
}

int tc__dec_raw(tc_err *err, tc_cbor_dec *d, const uint8_t *p, size_t n)
{
    int rc = tc_cbor_dec_init(d, p, n, NULL);
    if (rc) return tc_err_set(err, TC_ERR_LEDGER_MALFORMED, "%s", tc_strerror(rc));
    return 0;
}

int tc__fields_decode(tc_err *err, const uint8_t *buf, size_t len, const tc__fdesc *desc,
                      size_t nd, tc__fval *out)
{
    tc_cbor_dec d;
    int rc = tc__dec_raw(err, &d, buf, len);
    if (rc) return rc;
    if ((rc = tc__fields_get(err, &d, desc, nd, out))) return rc;
    if (tc_cbor_dec_done(&d)) return tc_err_set(err, TC_ERR_LEDGER_MALFORMED, "trailing data");
    return 0;
}

int tc__check_names(tc_err *err, const uint8_t *p, size_t n, const char *what)
{
    return tc__check_texts(err, p, n, what, TC_TX_NAME_MAX);
}

int tc__check_texts(tc_err *err, const uint8_t *p, size_t n, const char *what, size_t max_len)
{
    tc_cbor_dec d;
    uint64_t cnt;
    const char *names[TC_TX_LIST_MAX];
    size_t lens[TC_TX_LIST_MAX];
    if (tc__dec_raw(err, &d, p, n) || tc_cbor_get_array(&d, &cnt))
        return tc_err_set(err, TC_ERR_LEDGER_MALFORMED, "%s must be an array of names", what);
    if (cnt > TC_TX_LIST_MAX)
        return tc_err_set(err, TC_ERR_LEDGER_OVERSIZE, "%s has %llu entries", what, (unsigned long long)cnt);
    for (uint64_t i = 0; i < cnt; i++) {
        if (tc_cbor_get_text(&d, &names[i], &lens[i]) || lens[i] == 0)
            return tc_err_set(err, TC_ERR_LEDGER_MALFORMED, "%s entry %llu must be non-empty text", what,
                              (unsigned long long)i);
        if (lens[i] > max_len)
            return tc_err_set(err, TC_ERR_LEDGER_OVERSIZE, "%s entry %llu is longer than %zu bytes",
                              what, (unsigned long long)i, max_len);
        for (uint64_t j = 0; j < i; j++)
            if (lens[j] == lens[i] && memcmp(names[j], names[i], lens[i]) == 0)
                return tc_err_set(err, TC_ERR_LEDGER_MALFORMED, "%s lists a name twice", what);
    }
    return 0;
}

int tc__check_attrs(tc_err *err, const uint8_t *p, size_t n, const char *what)
{
    tc_cbor_dec d;
    uint64_t cnt;
    if (tc__dec_raw(err, &d, p, n) || tc_cbor_get_map(&d, &cnt))
        return tc_err_set(err, TC_ERR_LEDGER_MALFORMED, "%s must be a map of text to text", what);
    for (uint64_t i = 0; i < cnt; i++) {
        const char *k, *v;
        size_t kl, vl;
        if (tc_cbor_get_text(&d, &k, &kl) || tc_cbor_get_text(&d, &v, &vl) || kl == 0)
            return tc_err_set(err, TC_ERR_LEDGER_MALFORMED, "%s must map non-empty text to text", what);
        if (kl > TC_TX_NAME_MAX || vl > TC_TX_STR_MAX)
            return tc_err_set(err, TC_ERR_LEDGER_OVERSIZE, "%s: attribute too long", what);
    }
    return 0;
}

int tc__names_contain(const uint8_t *arr, size_t arr_len, const uint8_t *name, size_t name_len)
{
    tc_cbor_dec d;
    uint64_t cnt;
    if (!arr || tc_cbor_dec_init(&d, arr, arr_len, NULL) || tc_cbor_get_array(&d, &cnt)) return 0;
    for (uint64_t i = 0; i < cnt; i++) {
        const char *t;
        size_t tl;
        if (tc_cbor_get_text(&d, &t, &tl)) return 0;
        if (tl == name_len && memcmp(t, name, tl) == 0) return 1;
    }
    return 0;
}
