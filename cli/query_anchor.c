/* `thingchain query anchor --digest HEX` (cli/query_verify.h; docs/api.md
 * "Anchors by message digest"): proves that a message digest was anchored,
 * as a device does (include/tcdev/device.h flow 6). The node's answer is
 * JSON: the RFC 9162 inclusion path of the digest (index, size, hashes, and
 * the same as CBOR in "inclusion") beside the A record's proof bundle
 * (hex). tcdev_anchor_verify checks digest -> root with the path, then the
 * bundle (state proof of 'A' || root against a header signed by > 2/3 of
 * the validators' power), then that the tree size is the recorded count.
 * The readable fields (index, size, path) must say what the verified CBOR
 * says, so a tampered answer is refused whichever part was changed. */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cli_json.h"
#include "query_verify.h"
#include "tc/alloc.h"
#include "tc/hex.h"
#include "tc/history.h"
#include "tcdev/device.h"

/* A hex string member of j into a tc_malloc'd buffer. */
static int hex_member(tc_err *err, uint8_t **out, size_t *len, json_t *j, const char *name)
{
    const char *s = json_string_value(json_object_get(j, name));
    size_t n = s ? strlen(s) : 0;
    *out = NULL;
    if (!s || n % 2 || n / 2 > TCDEV_BUNDLE_MAX)
        return tc_err_set(err, TC_ERR_API_ANSWER, "the answer's \"%s\" is missing or not hex", name);
    *out = tc_malloc(n / 2 + 1);
    if (!*out) return tc_err_set(err, TC_ERR_NOMEM, "out of memory");
    if (tc_hex_decode(*out, n / 2 + 1, len, s, n))
        return tc_err_set(err, TC_ERR_API_ANSWER, "the answer's \"%s\" is not hex", name);
    return 0;
}

/* The readable path fields against the decoded CBOR path. */
static int same_path(tc_err *err, json_t *j, const uint8_t *incl, size_t il)
{
    static uint8_t hashes[TC_HIST_MAX_PROOF * TC_HIST_HASH_LEN];
    uint64_t idx, size;
    size_t n;
    if (tc_hist_inclusion_decode(&idx, &size, hashes, TC_HIST_MAX_PROOF, &n, incl, il))
        return tc_err_set(err, TC_ERR_DEV_ANCHOR_PATH, "the inclusion path is malformed");
    json_t *path = json_object_get(j, "path"), *h;
    int ok = json_is_array(path) && json_array_size(path) == n &&
             (uint64_t)json_integer_value(json_object_get(j, "index")) == idx &&
             (uint64_t)json_integer_value(json_object_get(j, "size")) == size;
    size_t i;
    json_array_foreach(path, i, h) {
        uint8_t b[TC_HIST_HASH_LEN];
        size_t got;
        const char *s = json_string_value(h);
        if (!ok || !s || strlen(s) != 64 || tc_hex_decode(b, sizeof b, &got, s, 64) ||
            memcmp(b, hashes + i * TC_HIST_HASH_LEN, sizeof b))
            ok = 0;
    }
    return ok ? 0 : tc_err_set(err, TC_ERR_DEV_ANCHOR_PATH, "the answer's index, size or path hashes differ from "
                                                            "its inclusion proof");
}

static int verify(qv *q, tc_err *err, json_t **out, json_t *j, const uint8_t digest[32])
{
    uint8_t *incl = NULL, *b = NULL;
    size_t il = 0, bl = 0;
    tcdev_anchor an;
    int rc = hex_member(err, &incl, &il, j, "inclusion");
    if (!rc) rc = hex_member(err, &b, &bl, j, "bundle");
    if (!rc) rc = same_path(err, j, incl, il);
    if (!rc && (rc = tcdev_anchor_verify(&q->st, &q->w, &an, digest, incl, il, b, bl, qv_now_ms())))
        tc_err_set(err, rc, rc == TC_ERR_DEV_ANCHOR_PATH ? "the digest's path does not lead to the anchor root"
                                                         : "the anchor record's proof bundle does not verify");
    if (!rc && (uint64_t)json_integer_value(json_object_get(j, "anchor_height")) != an.height)
        rc = tc_err_set(err, TC_ERR_LIGHT_RECORD, "the answer names anchor height %lld, the proven record %llu",
                        (long long)json_integer_value(json_object_get(j, "anchor_height")),
                        (unsigned long long)an.height);
    tc_free(incl);
    if (rc) {
        tc_free(b);
        return rc;
    }
    json_t *o = qv_json_head(q);
    cli_json_set_hex(o, "digest", digest, 32);
    cli_json_set_hex(o, "root", an.root, 32);
    json_object_set_new(o, "index", json_integer((json_int_t)an.index));
    json_object_set_new(o, "count", json_integer((json_int_t)an.count));
    json_object_set_new(o, "anchor_height", json_integer((json_int_t)an.height));
    json_object_set_new(o, "block_time_ms", json_integer((json_int_t)an.block_time_ms));
    json_object_set_new(o, "first_ms", json_integer((json_int_t)an.first_ms));
    json_object_set_new(o, "last_ms", json_integer((json_int_t)an.last_ms));
    cli_json_set_hex(o, "submitter", an.submitter, an.submitter_len); /* borrows b */
    tc_free(b);
    *out = o;
    return 0;
}

int qv_anchor_digest(qv *q, const char *path, const uint8_t digest[32], const char *save, const char *from,
                     int as_json)
{
    tc_err err;
    tc_err_clear(&err);
    json_t *j = NULL, *o = NULL;
    int rc;
    if (from) {
        json_error_t je;
        if (!(j = json_load_file(from, 0, &je))) return cli_fail("%s:%d: %s", from, je.line, je.text);
    } else if ((rc = qv_fetch_json(q, &err, (void **)&j, path))) {
        return cli_fail("%s: %s", tc_errname(rc), err.msg);
    }
    if (save && json_dump_file(j, save, JSON_INDENT(1))) {
        json_decref(j);
        return cli_fail("cannot write %s", save);
    }
    rc = verify(q, &err, &o, j, digest);
    json_decref(j);
    if (rc) return cli_fail("%s: %s", tc_errname(rc), err.msg);
    cli_out_print(o, as_json);
    return CLI_OK;
}
