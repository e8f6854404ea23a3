/* COSE header buckets (RFC 9052 §3, §3.1) under the thingchain profile
 * (include/tc/cose.h, docs/crypto.md). tc:device-shared (C99, no allocation,
 * no I/O)
 *
 * Why so strict: every node must accept exactly the same set of bytes, so
 * anything RFC 9052 leaves to "the application" is decided here once — alg
 * must be EdDSA and protected, crit may only name labels we process, and a
 * label may not appear twice across the buckets (§3: "MUST NOT"). */
#include <string.h>

#include "tc/cose.h"
#include "cose_internal.h"

/* Labels this implementation understands, i.e. that may be listed in crit. */
#define LABEL_ALG  1
#define LABEL_CRIT 2
#define LABEL_CTY  3
#define LABEL_KID  4

void tc__cose_limits(tc_cbor_limits *lim)
{
    tc_cbor_limits_default(lim);
    lim->max_depth = 8;
}

static int header_err(tc_err *err, const char *bucket, const char *why)
{
    return tc_err_set(err, TC_ERR_COSE_HEADER, "%s header: %s", bucket, why);
}

/* crit (§3.1): a non-empty array of labels, each one we understand. */
static int check_crit(tc_cbor_dec *d, tc_err *err)
{
    uint64_t n;
    if (tc_cbor_get_array(d, &n) || n == 0)
        return header_err(err, "protected", "crit must be a non-empty array of labels");
    for (uint64_t i = 0; i < n; i++) {
        tc_cbor_type t;
        int64_t label;
        if (tc_cbor_peek(d, &t)) return header_err(err, "protected", "crit truncated");
        if (t == TC_CBOR_TEXT) {
            return tc_err_set(err, TC_ERR_COSE_CRIT, "a text critical header label is not understood");
        }
        if (tc_cbor_get_int(d, &label))
            return header_err(err, "protected", "crit labels must be integers or text");
        if (label != LABEL_ALG && label != LABEL_CTY && label != LABEL_KID)
            return tc_err_set(err, TC_ERR_COSE_CRIT, "critical header label %lld is not understood",
                              (long long)label);
    }
    return 0;
}

/* Walks one bucket. labels[] collects each label's encoded bytes so the
 * other bucket can be checked for duplicates (deterministic encoding makes
 * equal labels equal bytes). */
typedef struct bucket {
    const char *name;
    int is_protected;
    const uint8_t *labels[TC__COSE_LABELS_MAX];
    size_t label_lens[TC__COSE_LABELS_MAX];
    size_t nlabels;
    int has_alg;
} bucket;

static int in_bucket(const bucket *b, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < b->nlabels; i++)
        if (b->label_lens[i] == n && memcmp(b->labels[i], p, n) == 0) return 1;
    return 0;
}

static int walk(bucket *b, const bucket *other, tc__cose_hdr *h, tc_cbor_dec *d, tc_err *err)
{
    uint64_t pairs;
    if (tc_cbor_get_map(d, &pairs)) return header_err(err, b->name, "not a map");
    if (pairs > TC__COSE_LABELS_MAX) return header_err(err, b->name, "too many parameters");
    for (uint64_t i = 0; i < pairs; i++) {
        const uint8_t *raw;
        size_t raw_len;
        tc_cbor_type t;
        if (tc_cbor_peek(d, &t) || (t != TC_CBOR_UINT && t != TC_CBOR_NEGINT && t != TC_CBOR_TEXT))
            return header_err(err, b->name, "labels must be integers or text");
        tc_cbor_dec at = *d;
        if (tc_cbor_get_raw(d, &raw, &raw_len)) return header_err(err, b->name, "bad label");
        if (other && in_bucket(other, raw, raw_len))
            return header_err(err, b->name, "a label appears in both buckets");
        b->labels[b->nlabels] = raw;
        b->label_lens[b->nlabels++] = raw_len;
        int64_t label = 0;
        if (t == TC_CBOR_TEXT || tc_cbor_get_int(&at, &label)) {
            if (tc_cbor_skip(d)) return header_err(err, b->name, "bad value");
            continue; /* text or out-of-range labels: not ours, ignored unless crit */
        }
        if (label == LABEL_ALG) {
            int64_t alg;
            tc_cbor_type vt;
            if (tc_cbor_peek(d, &vt)) return header_err(err, b->name, "alg truncated");
            if (vt == TC_CBOR_TEXT || tc_cbor_get_int(d, &alg)) {
                tc_cbor_skip(d);
                return tc_err_set(err, TC_ERR_COSE_ALG, "alg is not an integer");
            }
            if (alg != TC_COSE_ALG_EDDSA)
                return tc_err_set(err, TC_ERR_COSE_ALG, "alg %lld", (long long)alg);
            if (!b->is_protected)
                return header_err(err, b->name, "alg must be in the protected bucket");
            b->has_alg = 1;
        } else if (label == LABEL_CRIT) {
            if (!b->is_protected)
                return header_err(err, b->name, "crit must be in the protected bucket");
            int rc = check_crit(d, err);
            if (rc) return rc;
        } else if (label == LABEL_KID) {
            if (tc_cbor_get_bytes(d, &h->kid, &h->kid_len))
                return header_err(err, b->name, "kid must be a byte string");
            if (h->kid_len == 0 || h->kid_len > TC_COSE_KID_MAX)
                return header_err(err, b->name, "kid must be 1-64 bytes");
        } else if (label == LABEL_CTY) {
            tc_cbor_type vt;
            if (tc_cbor_peek(d, &vt) || (vt != TC_CBOR_UINT && vt != TC_CBOR_TEXT))
                return header_err(err, b->name, "content type must be an integer or text");
            tc_cbor_skip(d);
        } else if (tc_cbor_skip(d)) {
            return header_err(err, b->name, "bad value");
        }
    }
    return 0;
}

int tc__cose_headers(tc__cose_hdr *h, const uint8_t *prot, size_t prot_len,
                     const uint8_t *unprot, size_t unprot_len, int need_alg, tc_err *err)
{
    tc_cbor_limits lim;
    tc__cose_limits(&lim);
    bucket pb, ub;
    memset(&pb, 0, sizeof pb);
    memset(&ub, 0, sizeof ub);
    pb.name = "protected";
    pb.is_protected = 1;
    ub.name = "unprotected";
    h->kid = NULL;
    h->kid_len = 0;
    tc_cbor_dec d;
    int rc;
    /* §3: a zero-length byte string stands for the empty protected map. */
    if (prot_len) {
        if ((rc = tc_cbor_dec_init(&d, prot, prot_len, &lim)))
            return tc_err_set(err, rc, "protected header");
        if ((rc = walk(&pb, NULL, h, &d, err))) return rc;
    }
    if ((rc = tc_cbor_dec_init(&d, unprot, unprot_len, &lim)))
        return tc_err_set(err, rc, "unprotected header");
    if ((rc = walk(&ub, &pb, h, &d, err))) return rc;
    if (need_alg && !pb.has_alg)
        return tc_err_set(err, TC_ERR_COSE_ALG, "no alg in the protected header (EdDSA, -8 required)");
    return 0;
}

int tc__cose_protected(uint8_t *out, size_t cap, size_t *len, const uint8_t *kid, size_t kid_len)
{
    tc_cbor_enc e;
    tc_cbor_enc_init(&e, out, cap);
    tc_cbor_put_map(&e, 2);
    tc_cbor_put_uint(&e, LABEL_ALG);
    tc_cbor_put_int(&e, TC_COSE_ALG_EDDSA);
    tc_cbor_put_uint(&e, LABEL_KID);
    tc_cbor_put_bytes(&e, kid, kid_len);
    return tc_cbor_enc_finish(&e, len);
}

int tc__cose_tag(tc_cbor_dec *d, int *tagged, uint64_t want, const char *what, tc_err *err)
{
    tc_cbor_type t;
    uint64_t tag;
    *tagged = 0;
    if (tc_cbor_peek(d, &t)) return tc_err_set(err, TC_ERR_COSE_STRUCTURE, "empty input");
    if (t != TC_CBOR_TAG) return 0;
    tc_cbor_get_tag(d, &tag);
    if (tag != want)
        return tc_err_set(err, TC_ERR_COSE_TAG, "tag %llu where %s (tag %llu) was expected",
                          (unsigned long long)tag, what, (unsigned long long)want);
    *tagged = 1;
    return 0;
}

int tc__cose_payload(tc_cbor_dec *d, const uint8_t **p, size_t *n, tc_err *err)
{
    tc_cbor_type t;
    if (tc_cbor_peek(d, &t)) return tc_err_set(err, TC_ERR_COSE_STRUCTURE, "payload missing");
    if (t == TC_CBOR_SIMPLE && tc_cbor_get_null(d) == 0)
        return tc_err_set(err, TC_ERR_COSE_DETACHED, NULL);
    if (tc_cbor_get_bytes(d, p, n))
        return tc_err_set(err, TC_ERR_COSE_STRUCTURE, "payload must be a byte string");
    return 0;
}

int tc__cose_prot_bstr(tc_cbor_dec *d, const uint8_t **p, size_t *n, tc_err *err)
{
    if (tc_cbor_get_bytes(d, p, n))
        return tc_err_set(err, TC_ERR_COSE_HEADER, "protected header must be a byte string");
    return 0;
}

int tc__cose_sig(tc_cbor_dec *d, const uint8_t **sig, tc_err *err)
{
    size_t n;
    if (tc_cbor_get_bytes(d, sig, &n))
        return tc_err_set(err, TC_ERR_COSE_STRUCTURE, "signature must be a byte string");
    if (n != TC_ED25519_SIG_LEN)
        return tc_err_set(err, TC_ERR_COSE_STRUCTURE,
                          "signature is %zu bytes; Ed25519 signatures are 64", n);
    return 0;
}

int tc__cose_envelope(tc_cbor_dec *d, tc__cose_env *env, const uint8_t *in, size_t in_len,
                      uint64_t tag, const char *what, tc_err *err)
{
    tc_cbor_limits lim;
    tc__cose_limits(&lim);
    int rc = tc_cbor_dec_init(d, in, in_len, &lim);
    if (rc) return tc_err_set(err, rc, "cose");
    if ((rc = tc__cose_tag(d, &env->tagged, tag, what, err))) return rc;
    uint64_t n;
    if (tc_cbor_get_array(d, &n) || n != 4)
        return tc_err_set(err, TC_ERR_COSE_STRUCTURE, "%s must be an array of 4", what);
    if ((rc = tc__cose_prot_bstr(d, &env->prot, &env->prot_len, err))) return rc;
    if (tc_cbor_get_raw(d, &env->unprot, &env->unprot_len))
        return tc_err_set(err, TC_ERR_COSE_STRUCTURE, "%s truncated", what);
    return tc__cose_payload(d, &env->payload, &env->payload_len, err);
}
