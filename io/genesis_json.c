/* Genesis JSON <-> CBOR (include/tc/genesis_json.h; docs/ledger.md,
 * "Genesis JSON"). The JSON is only a view: the CBOR bytes are the
 * document and their SHA-256 the trust anchor, so input JSON is turned into
 * a tc_genesis_spec, encoded by the core and validated by tc_genesis_decode
 * exactly as a node would. */
#include "tc/genesis_json.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "tc/alloc.h"
#include "tc/cbor.h"
#include "tc/genesis.h"
#include "tc/hex.h"
#include "tc/tx.h"

#define BAD(err, ...) tc_err_set((err), TC_ERR_LEDGER_GENESIS, __VA_ARGS__)

static const char *const ROLE_NAMES[3] = {"operator", "manufacturer", "validator"};

/* ---------------- JSON -> CBOR ---------------- */

/* Everything the spec points to, freed in one place. */
typedef struct parsed {
    tc_genesis_spec spec;
    uint8_t (*val_pubs)[32];
    uint64_t *val_power;
    uint8_t (*gov_pubs)[32];
    tc_genesis_org *orgs;
    uint8_t (*org_pubs)[TC_TX_SIGS_MAX][32];
} parsed;

static int only_members(tc_err *err, json_t *obj, const char *what, const char *const *allowed, size_t n)
{
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v) {
        size_t i;
        for (i = 0; i < n && strcmp(key, allowed[i]) != 0; i++) {}
        if (i == n) return BAD(err, "%s: unknown member \"%s\"", what, key);
    }
    return 0;
}

static int get_u64(tc_err *err, uint64_t *out, json_t *obj, const char *name, const char *what)
{
    json_t *v = json_object_get(obj, name);
    if (!json_is_integer(v) || json_integer_value(v) < 0)
        return BAD(err, "%s: \"%s\" must be a non-negative integer", what, name);
    *out = (uint64_t)json_integer_value(v);
    return 0;
}

static int get_text(tc_err *err, const char **out, json_t *obj, const char *name, const char *what)
{
    json_t *v = json_object_get(obj, name);
    if (!json_is_string(v)) return BAD(err, "%s: \"%s\" must be a string", what, name);
    *out = json_string_value(v);
    if (strlen(*out) != json_string_length(v)) return BAD(err, "%s: \"%s\" contains NUL", what, name);
    return 0;
}

static int get_key(tc_err *err, uint8_t out[32], json_t *v, const char *what)
{
    size_t n;
    if (!json_is_string(v) || tc_hex_decode(out, 32, &n, json_string_value(v), json_string_length(v)) ||
        n != 32)
        return BAD(err, "%s: a key must be 64 hex digits", what);
    return 0;
}

/* {"k": N, "keys": [hex, ...]} */
static int get_keyset(tc_err *err, uint32_t *k, size_t *n, uint8_t (*pubs)[32], json_t *v, const char *what)
{
    static const char *const m[] = {"k", "keys"};
    uint64_t kk;
    if (!json_is_object(v)) return BAD(err, "%s must be an object {\"k\", \"keys\"}", what);
    int rc = only_members(err, v, what, m, 2);
    if (!rc) rc = get_u64(err, &kk, v, "k", what);
    if (rc) return rc;
    json_t *keys = json_object_get(v, "keys");
    if (!json_is_array(keys) || json_array_size(keys) == 0 || json_array_size(keys) > TC_TX_SIGS_MAX)
        return BAD(err, "%s: \"keys\" must be an array of 1-%u keys", what, TC_TX_SIGS_MAX);
    if (kk > UINT32_MAX) return BAD(err, "%s: k is too large", what);
    *k = (uint32_t)kk;
    *n = json_array_size(keys);
    for (size_t i = 0; i < *n; i++)
        if ((rc = get_key(err, pubs[i], json_array_get(keys, i), what))) return rc;
    return 0;
}

static int get_roles(tc_err *err, uint32_t *roles, json_t *v, const char *what)
{
    *roles = 0;
    if (!json_is_array(v) || json_array_size(v) == 0)
        return BAD(err, "%s: \"roles\" must be a non-empty array of role names", what);
    for (size_t i = 0; i < json_array_size(v); i++) {
        const char *r = json_string_value(json_array_get(v, i));
        size_t b;
        for (b = 0; b < 3 && (!r || strcmp(r, ROLE_NAMES[b]) != 0); b++) {}
        if (b == 3) return BAD(err, "%s: roles are \"operator\", \"manufacturer\", \"validator\"", what);
        *roles |= 1u << b;
    }
    return 0;
}

static void parsed_free(parsed *p)
{
    tc_free(p->val_pubs);
    tc_free(p->val_power);
    tc_free(p->gov_pubs);
    tc_free(p->orgs);
    tc_free(p->org_pubs);
}

static int get_validators(tc_err *err, parsed *p, json_t *v)
{
    static const char *const m[] = {"pub", "power"};
    if (!json_is_array(v) || json_array_size(v) == 0 || json_array_size(v) > TC_VALSET_MAX)
        return BAD(err, "\"validators\" must be an array of 1-%d {\"pub\", \"power\"}", TC_VALSET_MAX);
    size_t n = json_array_size(v);
    p->val_pubs = tc_malloc(n * 32);
    p->val_power = tc_malloc(n * sizeof *p->val_power);
    if (!p->val_pubs || !p->val_power) return tc_err_set(err, TC_ERR_NOMEM, "genesis json");
    for (size_t i = 0; i < n; i++) {
        json_t *e = json_array_get(v, i);
        int rc = json_is_object(e) ? only_members(err, e, "validator", m, 2)
                                   : BAD(err, "validator %zu must be an object", i);
        if (!rc) rc = get_key(err, p->val_pubs[i], json_object_get(e, "pub"), "validator");
        if (!rc) rc = get_u64(err, &p->val_power[i], e, "power", "validator");
        if (rc) return tc_err_wrap(err, "validator %zu", i);
    }
    p->spec.nval = n;
    p->spec.val_pubs = (const uint8_t(*)[32])p->val_pubs;
    p->spec.val_power = p->val_power;
    return 0;
}

static int get_orgs(tc_err *err, parsed *p, json_t *v)
{
    static const char *const m[] = {"id", "name", "roles", "admin"};
    if (!json_is_array(v) || json_array_size(v) > TC_GENESIS_ORGS_MAX)
        return BAD(err, "\"organizations\" must be an array of at most %u", TC_GENESIS_ORGS_MAX);
    size_t n = json_array_size(v);
    p->orgs = tc_malloc(n ? n * sizeof *p->orgs : 1);
    p->org_pubs = tc_malloc(n ? n * sizeof *p->org_pubs : 1);
    if (!p->orgs || !p->org_pubs) return tc_err_set(err, TC_ERR_NOMEM, "genesis json");
    for (size_t i = 0; i < n; i++) {
        json_t *e = json_array_get(v, i);
        tc_genesis_org *o = &p->orgs[i];
        int rc = json_is_object(e) ? only_members(err, e, "organization", m, 4)
                                   : BAD(err, "must be an object");
        if (!rc) rc = get_u64(err, &o->id, e, "id", "organization");
        if (!rc) rc = get_text(err, &o->name, e, "name", "organization");
        if (!rc) rc = get_roles(err, &o->roles, json_object_get(e, "roles"), "organization");
        if (!rc) rc = get_keyset(err, &o->k, &o->n, p->org_pubs[i], json_object_get(e, "admin"), "admin");
        if (rc) return tc_err_wrap(err, "organization %zu", i);
        o->pubs = (const uint8_t(*)[32])p->org_pubs[i];
    }
    p->spec.norgs = n;
    p->spec.orgs = p->orgs;
    return 0;
}

static int build(tc_err *err, parsed *p, json_t *root)
{
    static const char *const m[] = {"genesis_hash", "chain_id", "genesis_time_ms", "validators",
                                    "governance", "organizations"};
    if (!json_is_object(root)) return BAD(err, "the document must be a JSON object");
    int rc = only_members(err, root, "genesis", m, 6);
    if (!rc) rc = get_text(err, &p->spec.chain_id, root, "chain_id", "genesis");
    if (!rc) rc = get_u64(err, &p->spec.time_ms, root, "genesis_time_ms", "genesis");
    if (!rc) rc = get_validators(err, p, json_object_get(root, "validators"));
    if (rc) return rc;
    p->gov_pubs = tc_malloc(TC_TX_SIGS_MAX * 32);
    if (!p->gov_pubs) return tc_err_set(err, TC_ERR_NOMEM, "genesis json");
    rc = get_keyset(err, &p->spec.gov_k, &p->spec.gov_n, p->gov_pubs, json_object_get(root, "governance"),
                    "\"governance\"");
    if (rc) return rc;
    p->spec.gov_pubs = (const uint8_t(*)[32])p->gov_pubs;
    return get_orgs(err, p, json_object_get(root, "organizations"));
}

/* A "genesis_hash" member (as `genesis show` prints it) must name the
 * document built: a reader comparing hashes out of band is not misled. */
static int check_hash(tc_err *err, json_t *root, const uint8_t *doc, size_t len)
{
    json_t *h = json_object_get(root, "genesis_hash");
    if (!h) return 0;
    uint8_t want[32], got[32];
    size_t n;
    if (!json_is_string(h) || tc_hex_decode(want, 32, &n, json_string_value(h), json_string_length(h)) || n != 32)
        return BAD(err, "\"genesis_hash\" must be 64 hex digits");
    tc_genesis_hash(got, doc, len);
    if (memcmp(want, got, 32) != 0) {
        char hex[65];
        tc_hex_encode(hex, got, 32);
        return BAD(err, "\"genesis_hash\" does not match the document built (%s); after editing, remove it", hex);
    }
    return 0;
}

int tc_genesis_from_json(uint8_t **out, size_t *out_len, tc_err *err, const char *json, size_t json_len)
{
    json_error_t je;
    parsed p;
    memset(&p, 0, sizeof p);
    *out = NULL;
    json_t *root = json_loadb(json, json_len, JSON_REJECT_DUPLICATES, &je);
    if (!root) return BAD(err, "JSON line %d column %d: %s", je.line, je.column, je.text);
    uint8_t *doc = NULL;
    size_t len = 0;
    int rc = build(err, &p, root);
    if (!rc && !(doc = tc_malloc(TC_GENESIS_MAX))) rc = tc_err_set(err, TC_ERR_NOMEM, "genesis json");
    if (!rc && tc_genesis_encode(doc, TC_GENESIS_MAX, &len, &p.spec))
        rc = BAD(err, "document larger than %u bytes", TC_GENESIS_MAX);
    tc_genesis g;
    if (!rc) rc = tc_genesis_decode(&g, err, doc, len); /* exactly a node's checks */
    if (!rc) rc = check_hash(err, root, doc, len);
    parsed_free(&p);
    json_decref(root);
    if (rc) {
        tc_free(doc);
        return rc;
    }
    *out = doc;
    *out_len = len;
    return 0;
}

/* ---------------- CBOR -> JSON ---------------- */

static json_t *hex_json(const uint8_t *p, size_t n)
{
    char hex[2 * 64 + 1];
    tc_hex_encode(hex, p, n);
    return json_string(hex);
}

/* Key set {1: k, 2: [pub, ...]} (already validated by tc_genesis_decode). */
static json_t *keyset_json(const uint8_t *p, size_t n)
{
    tc_cbor_dec d;
    uint64_t pairs, key, k = 0, cnt = 0;
    json_t *o = json_object(), *keys = json_array();
    if (tc_cbor_dec_init(&d, p, n, NULL) || tc_cbor_get_map(&d, &pairs) || tc_cbor_get_uint(&d, &key) ||
        tc_cbor_get_uint(&d, &k) || tc_cbor_get_uint(&d, &key) || tc_cbor_get_array(&d, &cnt))
        cnt = 0;
    for (uint64_t i = 0; i < cnt; i++) {
        const uint8_t *pub;
        size_t pl;
        if (tc_cbor_get_bytes(&d, &pub, &pl)) break;
        json_array_append_new(keys, hex_json(pub, pl));
    }
    json_object_set_new(o, "k", json_integer((json_int_t)k));
    json_object_set_new(o, "keys", keys);
    return o;
}

static json_t *validators_json(const uint8_t *p, size_t n)
{
    tc_cbor_dec d;
    uint64_t cnt = 0, two, power;
    json_t *a = json_array();
    if (tc_cbor_dec_init(&d, p, n, NULL) || tc_cbor_get_array(&d, &cnt)) cnt = 0;
    for (uint64_t i = 0; i < cnt; i++) {
        const uint8_t *pub;
        size_t pl;
        if (tc_cbor_get_array(&d, &two) || tc_cbor_get_bytes(&d, &pub, &pl) || tc_cbor_get_uint(&d, &power))
            break;
        json_t *v = json_object();
        json_object_set_new(v, "pub", hex_json(pub, pl));
        json_object_set_new(v, "power", json_integer((json_int_t)power));
        json_array_append_new(a, v);
    }
    return a;
}

static json_t *orgs_json(const uint8_t *p, size_t n, int *too_big)
{
    tc_cbor_dec d;
    uint64_t cnt = 0, pairs, key, id, roles;
    json_t *a = json_array();
    if (tc_cbor_dec_init(&d, p, n, NULL) || tc_cbor_get_array(&d, &cnt)) cnt = 0;
    for (uint64_t i = 0; i < cnt; i++) {
        const char *name;
        size_t nl, kl;
        const uint8_t *ks;
        if (tc_cbor_get_map(&d, &pairs) || tc_cbor_get_uint(&d, &key) || tc_cbor_get_uint(&d, &id) ||
            tc_cbor_get_uint(&d, &key) || tc_cbor_get_text(&d, &name, &nl) || tc_cbor_get_uint(&d, &key) ||
            tc_cbor_get_uint(&d, &roles) || tc_cbor_get_uint(&d, &key) || tc_cbor_get_raw(&d, &ks, &kl))
            break;
        if (id > (uint64_t)INT64_MAX) *too_big = 1; /* JSON integers here are int64 */
        json_t *o = json_object(), *r = json_array();
        for (unsigned b = 0; b < 3; b++)
            if (roles & (1u << b)) json_array_append_new(r, json_string(ROLE_NAMES[b]));
        json_object_set_new(o, "id", json_integer((json_int_t)id));
        json_object_set_new(o, "name", json_stringn(name, nl));
        json_object_set_new(o, "roles", r);
        json_object_set_new(o, "admin", keyset_json(ks, kl));
        json_array_append_new(a, o);
    }
    return a;
}

int tc_genesis_to_json(char **out, tc_err *err, const uint8_t *doc, size_t len)
{
    tc_genesis g;
    uint8_t h[32];
    *out = NULL;
    int rc = tc_genesis_decode(&g, err, doc, len);
    if (rc) return rc;
    if (g.time_ms > (uint64_t)INT64_MAX) /* JSON integers here are int64 */
        return BAD(err, "genesis time %llu is beyond JSON's integer range", (unsigned long long)g.time_ms);
    tc_genesis_hash(h, doc, len);
    json_t *root = json_object();
    json_object_set_new(root, "genesis_hash", hex_json(h, sizeof h));
    json_object_set_new(root, "chain_id", json_stringn((const char *)g.chain_id, g.chain_id_len));
    json_object_set_new(root, "genesis_time_ms", json_integer((json_int_t)g.time_ms));
    json_object_set_new(root, "validators", validators_json(g.validators, g.validators_len));
    json_object_set_new(root, "governance", keyset_json(g.gov_keys, g.gov_keys_len));
    int too_big = 0;
    json_object_set_new(root, "organizations", orgs_json(g.orgs, g.orgs_len, &too_big));
    if (too_big) {
        json_decref(root);
        return BAD(err, "an organization id is beyond JSON's integer range (2^63 - 1)");
    }
    *out = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(root);
    return *out ? 0 : tc_err_set(err, TC_ERR_NOMEM, "genesis json");
}
