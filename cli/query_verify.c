/* Verified queries (cli/query_verify.h; docs/api.md "Verified queries"). */
#include "query_verify.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "cli_json.h"
#include "tc/alloc.h"
#include "tc/genesis.h"
#include "tc/hex.h"
#include "tc/httpc.h"

int qv_anchor(qv *q, tc_err *err, const char *genesis_path)
{
    uint8_t *doc;
    size_t len;
    if (cli_read_input(&doc, &len, genesis_path)) return tc_err_set(err, TC_ERR_IO, "cannot read %s", genesis_path);
    tc_genesis g;
    static tc_valset vs;
    uint8_t gh[TC_SHA256_LEN];
    int rc = len > TC_GENESIS_MAX ? tc_err_set(err, TC_ERR_LIMIT, "genesis larger than %u bytes", TC_GENESIS_MAX)
                                  : tc_genesis_decode(&g, err, doc, len);
    if (!rc) rc = tc_genesis_valset(&vs, err, &g);
    if (!rc) {
        tc_genesis_hash(gh, doc, len);
        rc = tcdev_light_anchor(&q->st, gh, (const char *)g.chain_id, g.chain_id_len, &vs, TCDEV_DEFAULT_DRIFT_MS);
        if (rc) tc_err_set(err, rc, "cannot anchor the light client on %s", genesis_path);
    }
    tc_free(doc);
    return rc;
}

void *qv_json_head(const qv *q)
{
    json_t *o = json_object();
    char v[96];
    snprintf(v, sizeof v, "at height %llu", (unsigned long long)q->st.height);
    json_object_set_new(o, "verified", json_string(v));
    json_object_set_new(o, "height", json_integer((json_int_t)q->st.height));
    cli_json_set_hex(o, "block_id", q->st.id, TC_HASH_LEN);
    return o;
}

uint64_t qv_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

int qv_verify(qv *q, tc_err *err, tcdev_bundle *b, unsigned kind, const uint8_t *in, size_t len,
              const uint8_t *key, size_t key_len)
{
    int rc = tcdev_light_verify_bundle(&q->st, &q->w, b, in, len, qv_now_ms());
    if (rc) return tc_err_set(err, rc, "the proof bundle does not verify");
    if (b->kind != kind)
        return tc_err_set(err, TC_ERR_LIGHT_BUNDLE, "expected a bundle of kind %u, got kind %u", kind, b->kind);
    size_t cmp_len = kind == TCDEV_BUNDLE_HISTORY ? key_len : b->key_len;
    if (key && (b->key_len < key_len || cmp_len != key_len || memcmp(b->key, key, key_len))) {
        char want[2 * TC_STATE_KEY_MAX + 1], got[2 * TC_STATE_KEY_MAX + 1];
        tc_hex_encode(want, key, key_len);
        tc_hex_encode(got, b->key, b->key_len < TC_STATE_KEY_MAX ? b->key_len : TC_STATE_KEY_MAX);
        return tc_err_set(err, TC_ERR_LIGHT_RECORD, "the node proved key %s, not the one asked for (%s)", got, want);
    }
    return 0;
}

/* The node's {code, message} as text. */
static int node_error(tc_err *err, int status, const uint8_t *body, size_t len)
{
    json_error_t je;
    json_t *j = json_loadb((const char *)body, len, 0, &je);
    const char *code = json_string_value(json_object_get(j, "code"));
    const char *msg = json_string_value(json_object_get(j, "message"));
    tc_err_set(err, TC_ERR_API_ANSWER, "node answered HTTP %d %s: %s", status, code ? code : "",
               msg ? msg : "(no message)");
    json_decref(j);
    return TC_ERR_API_ANSWER;
}

int qv_fetch(qv *q, tc_err *err, uint8_t **out, size_t *len, int *found, const char *path)
{
    int status = 0;
    char ctype[64];
    int rc = tc_http_get(&status, out, len, ctype, sizeof ctype, err, "GET", q->node, path, "application/cbor",
                         NULL, NULL, 0, q->timeout_ms);
    if (rc) return rc;
    int cbor = strncmp(ctype, "application/cbor", 16) == 0;
    if (cbor && (status == 200 || status == 404)) {
        *found = status == 200;
        return 0;
    }
    rc = node_error(err, status, *out, *len);
    tc_free(*out);
    *out = NULL;
    return rc;
}

int qv_fetch_json(qv *q, tc_err *err, void **out, const char *path)
{
    int status = 0;
    uint8_t *body;
    size_t len;
    int rc = tc_http_get(&status, &body, &len, NULL, 0, err, "GET", q->node, path, NULL, NULL, NULL, 0,
                         q->timeout_ms);
    if (rc) return rc;
    if (status != 200) {
        rc = node_error(err, status, body, len);
        tc_free(body);
        return rc;
    }
    json_error_t je;
    json_t *j = json_loadb((const char *)body, len, 0, &je);
    tc_free(body);
    if (!j) return tc_err_set(err, TC_ERR_API_ANSWER, "node answered with malformed JSON: %s", je.text);
    *out = j;
    return 0;
}
