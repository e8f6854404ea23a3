/* `thingchain tx build TYPE [flags] --key FILE... --nonce N
 *  (--chain-id ID | --genesis FILE) -o OUT`: builds and signs any ledger
 * transaction (docs/ledger.md, "Types, bodies and who may sign"; docs/cli.md).
 *
 * Every body field is a flag (--device, --name, ...). The same fields can
 * come from a JSON object (--from FILE) whose keys are the flag names and
 * whose values are strings, numbers or arrays (repeated flags); flags given
 * on the command line are added to it. Each type is described by a table
 * of fields, so the body is written in ascending key order (deterministic
 * CBOR) and every unused or missing flag is reported. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_json.h"
#include "cmd_tx.h"
#include "tc/alloc.h"
#include "tc/anchor.h"
#include "tc/cbor.h"
#include "tc/hex.h"
#include "tc/keyfile.h"

static const char usage[] =
    "thingchain tx build TYPE [body flags] --key FILE [--key FILE...] --nonce N\n"
    "       (--chain-id ID | --genesis FILE) [--org ID] [--as device] [--from JSON] -o OUT\n"
    "       (thingchain tx build --help lists the types and their flags)";

/* ---- the flag store ---- */
#define ARGS_MAX 256
typedef struct arg { const char *name; char *val; int used; } arg;
typedef struct args { arg a[ARGS_MAX]; size_t n; } args;

static int args_add(args *s, const char *name, const char *val)
{
    if (s->n == ARGS_MAX) return cli_usage(usage, "too many flags");
    char *v = strdup(val);
    if (!v) return cli_fail("out of memory");
    s->a[s->n++] = (arg){name, v, 0};
    return 0;
}

/* The i-th value of flag name (NULL when there are fewer). */
static const char *args_get(args *s, const char *name, size_t i)
{
    for (size_t j = 0; j < s->n; j++)
        if (strcmp(s->a[j].name, name) == 0 && i-- == 0) { s->a[j].used = 1; return s->a[j].val; }
    return NULL;
}

static size_t args_count(args *s, const char *name)
{
    size_t c = 0;
    while (args_get(s, name, c)) c++;
    return c;
}

static int from_json(args *s, const char *path)
{
    json_error_t je;
    json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
    if (!root) return cli_fail("%s:%d: %s", path, je.line, je.text);
    if (!json_is_object(root)) { json_decref(root); return cli_fail("%s: expected a JSON object", path); }
    const char *k;
    json_t *v;
    int rc = 0;
    static char names[ARGS_MAX][64];
    static size_t nnames;
    json_object_foreach(root, k, v) {
        if (nnames == ARGS_MAX || strlen(k) >= 64) { rc = cli_fail("%s: too many or too long keys", path); break; }
        snprintf(names[nnames], 64, "%s", k);
        const char *name = names[nnames++];
        size_t n = json_is_array(v) ? json_array_size(v) : 1;
        for (size_t i = 0; i < n && !rc; i++) {
            json_t *e = json_is_array(v) ? json_array_get(v, i) : v;
            char num[32];
            if (json_is_string(e)) rc = args_add(s, name, json_string_value(e));
            else if (json_is_integer(e) && json_integer_value(e) >= 0) {
                snprintf(num, sizeof num, "%lld", (long long)json_integer_value(e));
                rc = args_add(s, name, num);
            } else if (json_is_boolean(e)) rc = args_add(s, name, json_is_true(e) ? "yes" : "no");
            else rc = cli_usage(usage, "%s: value of \"%s\" must be a string, a non-negative integer, a boolean or an array of them", path, k);
        }
        if (rc) break;
    }
    json_decref(root);
    return rc;
}

/* ---- field kinds ---- */
enum kind {
    K_UINT,    /* decimal */
    K_HEX32,   /* 32 bytes of hex (keys, digests, roots) */
    K_HEX16,   /* 16 bytes of hex (document ids) */
    K_DEVICE,  /* device id: 32 hex digits, or a 64-digit identity key (id = its key id) */
    K_TEXT,
    K_SECRET,  /* claim secret -> claim signature (tc_claim_sign) */
    K_BOOL,    /* yes/no/true/false */
    K_TEXTS,   /* repeated flag -> array of text */
    K_ATTRS,   /* repeated k=v -> map text:text */
    K_KEYSET,  /* --threshold K with --pub HEX / --pub-key FILE (repeated) */
    K_VALS,    /* repeated PUB:POWER */
    K_WAVES,   /* repeated "g1,g2" -> [[g1, g2], ...] */
    K_ROLES,   /* operator,manufacturer,validator -> bits */
    K_KEYROLE, /* admin|release|config */
    K_TARGET,  /* cfg target kind: device|group|model */
    K_TARGETB, /* cfg target bytes: device id for device, text otherwise */
    K_FILE,    /* bytes of a file */
    K_CFGSTAT, /* applied|failed */
    K_ACTION,  /* advance|pause|resume|abort */
    K_FWSTATE, /* downloading|installed|failed */
    K_MFG,     /* dev.manufacture: one device from --ed25519 --x25519 --model --serial --claim-secret */
    K_DIGESTS  /* repeated 32-byte hex -> array of bstr (anchor digests, leaf order) */
};

typedef struct field { uint8_t key; uint8_t kind; uint8_t req; const char *flag; } field;

enum who { W_GOV, W_ADMIN, W_RELEASE, W_CONFIG, W_DEVICE, W_DEV_OR_ADMIN, W_ANY };

typedef struct txdef {
    uint32_t type;
    uint8_t who;
    field f[10];
} txdef;

/* The tables follow docs/ledger.md "Types, bodies and who may sign". */
static const txdef DEFS[] = {
    {TC_TX_GOV_REGISTER_ORG, W_GOV, {{1, K_UINT, 1, "id"}, {2, K_TEXT, 1, "name"}, {3, K_ROLES, 1, "roles"}, {4, K_KEYSET, 1, "threshold"}}},
    {TC_TX_GOV_SET_VALIDATORS, W_GOV, {{1, K_UINT, 1, "height"}, {2, K_VALS, 1, "validator"}}},
    {TC_TX_GOV_SET_KEYS, W_GOV, {{1, K_KEYSET, 1, "threshold"}}},
    {TC_TX_ORG_SET_KEYS, W_ADMIN, {{1, K_KEYROLE, 1, "role"}, {2, K_KEYSET, 1, "threshold"}}},
    {TC_TX_DEV_MANUFACTURE, W_ADMIN, {{1, K_MFG, 1, "ed25519"}}},
    {TC_TX_DEV_CLAIM, W_ADMIN, {{1, K_DEVICE, 1, "device"}, {2, K_SECRET, 1, "claim-secret"}}},
    {TC_TX_DEV_TRANSFER, W_ADMIN, {{1, K_DEVICE, 1, "device"}, {2, K_UINT, 1, "to"}}},
    {TC_TX_DEV_AUTHORIZE_ROTATION, W_ADMIN, {{1, K_DEVICE, 1, "device"}, {2, K_HEX32, 1, "new-ed25519"}, {3, K_HEX32, 1, "new-x25519"}, {4, K_UINT, 1, "expiry"}}},
    {TC_TX_DEV_ROTATE, W_DEVICE, {{1, K_HEX32, 1, "new-ed25519"}, {2, K_HEX32, 1, "new-x25519"}}},
    {TC_TX_DEV_SET_ATTRS, W_DEV_OR_ADMIN, {{1, K_DEVICE, 1, "device"}, {2, K_ATTRS, 0, "attr"}}},
    {TC_TX_DEV_SET_GROUPS, W_ADMIN, {{1, K_DEVICE, 1, "device"}, {2, K_TEXTS, 0, "group"}}},
    {TC_TX_DEV_SUSPEND, W_ADMIN, {{1, K_DEVICE, 1, "device"}}},
    {TC_TX_DEV_RESUME, W_ADMIN, {{1, K_DEVICE, 1, "device"}}},
    {TC_TX_DEV_REVOKE, W_ADMIN, {{1, K_DEVICE, 1, "device"}}},
    {TC_TX_SVC_PUBLISH, W_DEV_OR_ADMIN, {{1, K_DEVICE, 1, "device"}, {2, K_TEXT, 1, "name"}, {3, K_TEXT, 1, "service-type"}, {4, K_TEXTS, 1, "endpoint"}, {5, K_ATTRS, 0, "attr"}, {6, K_UINT, 1, "expiry"}}},
    {TC_TX_SVC_WITHDRAW, W_DEV_OR_ADMIN, {{1, K_DEVICE, 1, "device"}, {2, K_TEXT, 1, "name"}}},
    {TC_TX_COMM_SET_POLICY, W_ADMIN, {{1, K_TEXT, 1, "group-a"}, {2, K_TEXT, 1, "group-b"}, {3, K_BOOL, 1, "allow"}, {4, K_UINT, 0, "expiry"}}},
    {TC_TX_COMM_DEL_POLICY, W_ADMIN, {{1, K_TEXT, 1, "group-a"}, {2, K_TEXT, 1, "group-b"}}},
    {TC_TX_ANCHOR, W_ANY, {{1, K_HEX32, 0, "root"}, {2, K_UINT, 0, "count"}, {3, K_UINT, 1, "first-time"}, {4, K_UINT, 1, "last-time"}, {5, K_DIGESTS, 0, "digest"}}},
    {TC_TX_CFG_PUBLISH, W_CONFIG, {{1, K_TARGET, 1, "target-kind"}, {2, K_TARGETB, 1, "target"}, {3, K_TEXT, 1, "name"}, {4, K_UINT, 1, "version"}, {5, K_HEX32, 0, "digest"}, {6, K_UINT, 0, "size"}, {7, K_FILE, 0, "body-file"}, {8, K_TEXT, 0, "location"}, {9, K_UINT, 0, "expiry"}}},
    {TC_TX_CFG_REPORT, W_DEVICE, {{1, K_UINT, 1, "operator"}, {2, K_HEX16, 1, "doc-id"}, {3, K_UINT, 1, "version"}, {4, K_CFGSTAT, 1, "status"}}},
    {TC_TX_FW_RELEASE, W_RELEASE, {{1, K_TEXT, 1, "model"}, {2, K_UINT, 1, "version"}, {3, K_HEX32, 1, "digest"}, {4, K_UINT, 1, "size"}, {5, K_UINT, 1, "chunk-size"}, {6, K_HEX32, 1, "chunk-root"}, {7, K_UINT, 1, "min-version"}, {8, K_UINT, 1, "expiry"}}},
    {TC_TX_FW_REVOKE, W_RELEASE, {{1, K_TEXT, 1, "model"}, {2, K_UINT, 1, "version"}}},
    {TC_TX_FW_ROLLOUT, W_ADMIN, {{1, K_UINT, 1, "rollout-id"}, {2, K_UINT, 1, "vendor"}, {3, K_TEXT, 1, "model"}, {4, K_UINT, 1, "version"}, {5, K_WAVES, 1, "wave"}, {6, K_UINT, 0, "max-failure-permille"}}},
    {TC_TX_FW_ROLLOUT_CONTROL, W_ADMIN, {{1, K_UINT, 1, "rollout-id"}, {2, K_ACTION, 1, "action"}}},
    {TC_TX_FW_REPORT, W_DEVICE, {{1, K_UINT, 1, "operator"}, {2, K_UINT, 1, "rollout-id"}, {3, K_UINT, 1, "version"}, {4, K_FWSTATE, 1, "state"}}},
};
#define NDEFS (sizeof DEFS / sizeof DEFS[0])

static const txdef *find_def(const char *name)
{
    char norm[64];
    size_t n = strlen(name);
    if (n >= sizeof norm) return NULL;
    for (size_t i = 0; i <= n; i++) norm[i] = name[i] == '-' ? '_' : name[i];
    for (size_t i = 0; i < NDEFS; i++)
        if (strcmp(tc_tx_type_name(DEFS[i].type), norm) == 0) return &DEFS[i];
    return NULL;
}

/* ---- value parsers (usage errors name the flag) ---- */
static int hex_exact(uint8_t *out, size_t n, const char *flag, const char *v)
{
    char opt[80];
    snprintf(opt, sizeof opt, "--%s", flag);
    return cli_hex_opt(out, n, NULL, n, opt, v, usage);
}

static int parse_uint(uint64_t *out, const char *flag, const char *v)
{
    char opt[80];
    snprintf(opt, sizeof opt, "--%s", flag);
    return cli_u64_opt(out, opt, v, usage);
}

static int parse_device(uint8_t id[TC_DEVICE_ID_LEN], const char *flag, const char *v)
{
    if (strlen(v) == 2 * TC_ED25519_PUB_LEN) {
        uint8_t pub[TC_ED25519_PUB_LEN];
        int rc = hex_exact(pub, sizeof pub, flag, v);
        if (!rc) tc_keyid(id, pub);
        return rc;
    }
    return hex_exact(id, TC_DEVICE_ID_LEN, flag, v);
}

static int parse_enum(uint64_t *out, const char *flag, const char *v, const char *const *names, uint64_t first)
{
    for (uint64_t i = 0; names[i]; i++)
        if (strcmp(v, names[i]) == 0) { *out = first + i; return 0; }
    return cli_usage(usage, "--%s: unknown value '%s'", flag, v);
}

/* Deterministic map order for text keys: shorter encodings first, then bytewise. */
static int attr_cmp(const void *a, const void *b)
{
    const char *x = *(const char *const *)a, *y = *(const char *const *)b;
    size_t lx = strcspn(x, "="), ly = strcspn(y, "=");
    if (lx != ly) return lx < ly ? -1 : 1;
    return memcmp(x, y, lx);
}

static int put_keyset(tc_cbor_enc *e, args *s)
{
    uint8_t pubs[TC_TX_SIGS_MAX][TC_ED25519_PUB_LEN], sec[TC_ED25519_SEC_LEN];
    size_t n = 0;
    uint64_t k;
    const char *v = args_get(s, "threshold", 0);
    int rc = parse_uint(&k, "threshold", v);
    if (rc) return rc;
    for (size_t i = 0; (v = args_get(s, "pub", i)) != NULL; i++) {
        if (n == TC_TX_SIGS_MAX) return cli_usage(usage, "at most %u keys in a key set", TC_TX_SIGS_MAX);
        if ((rc = hex_exact(pubs[n++], TC_ED25519_PUB_LEN, "pub", v))) return rc;
    }
    for (size_t i = 0; (v = args_get(s, "pub-key", i)) != NULL; i++) {
        tc_err err;
        if (n == TC_TX_SIGS_MAX) return cli_usage(usage, "at most %u keys in a key set", TC_TX_SIGS_MAX);
        if (tc_keyfile_load(pubs[n++], sec, &err, v)) return cli_fail("%s", err.msg);
        tc_wipe(sec, sizeof sec);
    }
    if (n == 0) return cli_usage(usage, "a key set needs --pub HEX or --pub-key FILE (repeatable)");
    tc_cbor_put_map(e, 2);
    tc_cbor_put_uint(e, 1);
    tc_cbor_put_uint(e, k);
    tc_cbor_put_uint(e, 2);
    tc_cbor_put_array(e, n);
    for (size_t i = 0; i < n; i++) tc_cbor_put_bytes(e, pubs[i], TC_ED25519_PUB_LEN);
    return 0;
}

static int put_texts(tc_cbor_enc *e, args *s, const char *flag)
{
    size_t n = args_count(s, flag);
    tc_cbor_put_array(e, n);
    for (size_t i = 0; i < n; i++) tc_cbor_put_cstr(e, args_get(s, flag, i));
    return 0;
}

static int put_attrs(tc_cbor_enc *e, args *s, const char *flag)
{
    const char *v[64];
    size_t n = args_count(s, flag);
    if (n > 64) return cli_usage(usage, "too many --%s", flag);
    for (size_t i = 0; i < n; i++) {
        v[i] = args_get(s, flag, i);
        if (!strchr(v[i], '=')) return cli_usage(usage, "--%s must be NAME=VALUE, got '%s'", flag, v[i]);
    }
    qsort(v, n, sizeof v[0], attr_cmp);
    for (size_t i = 1; i < n; i++)
        if (attr_cmp(&v[i - 1], &v[i]) == 0) return cli_usage(usage, "--%s names one attribute twice", flag);
    tc_cbor_put_map(e, n);
    for (size_t i = 0; i < n; i++) {
        size_t kl = strcspn(v[i], "=");
        tc_cbor_put_text(e, v[i], kl);
        tc_cbor_put_cstr(e, v[i] + kl + 1);
    }
    return 0;
}

static int put_vals(tc_cbor_enc *e, args *s, const char *flag)
{
    size_t n = args_count(s, flag);
    tc_cbor_put_array(e, n);
    for (size_t i = 0; i < n; i++) {
        const char *v = args_get(s, flag, i), *colon = strchr(v, ':');
        uint8_t pub[TC_ED25519_PUB_LEN];
        uint64_t power;
        char hex[2 * TC_ED25519_PUB_LEN + 1];
        if (!colon || colon - v != 2 * TC_ED25519_PUB_LEN)
            return cli_usage(usage, "--%s must be PUB:POWER (64 hex digits, a colon, a number)", flag);
        memcpy(hex, v, 2 * TC_ED25519_PUB_LEN);
        hex[2 * TC_ED25519_PUB_LEN] = 0;
        int rc = hex_exact(pub, sizeof pub, flag, hex);
        if (!rc) rc = parse_uint(&power, flag, colon + 1);
        if (rc) return rc;
        tc_cbor_put_array(e, 2);
        tc_cbor_put_bytes(e, pub, sizeof pub);
        tc_cbor_put_uint(e, power);
    }
    return 0;
}

static int put_waves(tc_cbor_enc *e, args *s, const char *flag)
{
    size_t n = args_count(s, flag);
    tc_cbor_put_array(e, n);
    for (size_t i = 0; i < n; i++) {
        const char *v = args_get(s, flag, i);
        size_t ng = 1;
        for (const char *p = v; *p; p++) ng += *p == ',';
        tc_cbor_put_array(e, ng);
        for (const char *p = v;;) {
            size_t l = strcspn(p, ",");
            tc_cbor_put_text(e, p, l);
            if (!p[l]) break;
            p += l + 1;
        }
    }
    return 0;
}

static int put_mfg(tc_cbor_enc *e, args *s)
{
    uint8_t ed[32], x[32], h[TC_SHA256_LEN];
    const char *model = args_get(s, "model", 0), *serial = args_get(s, "serial", 0);
    const char *secret = args_get(s, "claim-secret", 0);
    int rc = hex_exact(ed, 32, "ed25519", args_get(s, "ed25519", 0));
    if (!rc) rc = args_get(s, "x25519", 0) ? hex_exact(x, 32, "x25519", args_get(s, "x25519", 0))
                                           : cli_usage(usage, "--x25519 HEX is required");
    if (rc) return rc;
    if (!model || !serial || !secret == !args_get(s, "claim-pub", 0))
        return cli_usage(usage, "dev.manufacture needs --model, --serial and one of --claim-secret, --claim-pub");
    if (secret) {
        /* The claim key (tc_claim_key): the secret itself never goes on chain. */
        uint8_t csec[TC_ED25519_SEC_LEN];
        tc_claim_key(h, csec, (const uint8_t *)secret, strlen(secret));
        tc_wipe(csec, sizeof csec);
    } else if ((rc = hex_exact(h, 32, "claim-pub", args_get(s, "claim-pub", 0)))) {
        return rc;
    }
    tc_cbor_put_array(e, 1);
    tc_cbor_put_map(e, 5);
    tc_cbor_put_uint(e, 1); tc_cbor_put_bytes(e, ed, 32);
    tc_cbor_put_uint(e, 2); tc_cbor_put_bytes(e, x, 32);
    tc_cbor_put_uint(e, 3); tc_cbor_put_cstr(e, model);
    tc_cbor_put_uint(e, 4); tc_cbor_put_cstr(e, serial);
    tc_cbor_put_uint(e, 5); tc_cbor_put_bytes(e, h, 32);
    return 0;
}

/* The chain and signing org of the transaction being built (claims sign them). */
static const char *g_chain;
static uint64_t g_org;

static const char *const ROLE_NAMES[] = {"admin", "release", "config", NULL};

static int put_field(tc_cbor_enc *e, args *s, const field *f, uint64_t target_kind)
{
    const char *v = args_get(s, f->flag, 0);
    uint8_t b[32];
    uint64_t u;
    int rc = 0;
    switch (f->kind) {
    case K_UINT: if (!(rc = parse_uint(&u, f->flag, v))) tc_cbor_put_uint(e, u); break;
    case K_HEX32: if (!(rc = hex_exact(b, 32, f->flag, v))) tc_cbor_put_bytes(e, b, 32); break;
    case K_HEX16: if (!(rc = hex_exact(b, 16, f->flag, v))) tc_cbor_put_bytes(e, b, 16); break;
    case K_DEVICE: if (!(rc = parse_device(b, f->flag, v))) tc_cbor_put_bytes(e, b, TC_DEVICE_ID_LEN); break;
    case K_TEXT: tc_cbor_put_cstr(e, v); break;
    case K_SECRET: {
        /* dev.claim: the claim key's signature naming this chain, device and
         * the claiming org (tc_claim_sign), not the secret. */
        uint8_t sig[TC_ED25519_SIG_LEN], id[TC_DEVICE_ID_LEN];
        if ((rc = parse_device(id, "device", args_get(s, "device", 0)))) break;
        if ((rc = tc_claim_sign(sig, (const uint8_t *)v, strlen(v), (const uint8_t *)g_chain, strlen(g_chain), id, g_org))) {
            rc = cli_fail("cannot sign the claim: %s", tc_strerror(rc));
            break;
        }
        tc_cbor_put_bytes(e, sig, sizeof sig);
        break;
    }
    case K_BOOL:
        if (!strcmp(v, "yes") || !strcmp(v, "true")) tc_cbor_put_bool(e, 1);
        else if (!strcmp(v, "no") || !strcmp(v, "false")) tc_cbor_put_bool(e, 0);
        else rc = cli_usage(usage, "--%s must be yes or no", f->flag);
        break;
    case K_TEXTS: rc = put_texts(e, s, f->flag); break;
    case K_ATTRS: rc = put_attrs(e, s, f->flag); break;
    case K_KEYSET: rc = put_keyset(e, s); break;
    case K_VALS: rc = put_vals(e, s, f->flag); break;
    case K_WAVES: rc = put_waves(e, s, f->flag); break;
    case K_MFG: rc = put_mfg(e, s); break;
    case K_DIGESTS: {
        size_t n = args_count(s, f->flag);
        tc_cbor_put_array(e, n);
        for (size_t i = 0; i < n && !rc; i++)
            if (!(rc = hex_exact(b, 32, f->flag, args_get(s, f->flag, i)))) tc_cbor_put_bytes(e, b, 32);
        break;
    }
    case K_ROLES: {
        uint64_t bits = 0;
        for (const char *p = v;;) {
            size_t l = strcspn(p, ",");
            if (l == 8 && !strncmp(p, "operator", l)) bits |= TC_ROLE_OPERATOR;
            else if ((l == 12 && !strncmp(p, "manufacturer", l)) || (l == 6 && !strncmp(p, "vendor", l))) bits |= TC_ROLE_MANUFACTURER;
            else if (l == 9 && !strncmp(p, "validator", l)) bits |= TC_ROLE_VALIDATOR;
            else return cli_usage(usage, "--roles: a comma-separated list of operator, manufacturer (vendor), validator");
            if (!p[l]) break;
            p += l + 1;
        }
        tc_cbor_put_uint(e, bits);
        break;
    }
    case K_KEYROLE: if (!(rc = parse_enum(&u, f->flag, v, ROLE_NAMES, 1))) tc_cbor_put_uint(e, u); break;
    case K_TARGET: {
        static const char *const n[] = {"device", "group", "model", NULL};
        if (!(rc = parse_enum(&u, f->flag, v, n, 1))) tc_cbor_put_uint(e, u);
        break;
    }
    case K_TARGETB:
        if (target_kind == 1) { if (!(rc = parse_device(b, f->flag, v))) tc_cbor_put_bytes(e, b, TC_DEVICE_ID_LEN); }
        else tc_cbor_put_bytes(e, (const uint8_t *)v, strlen(v));
        break;
    case K_FILE: {
        uint8_t *data;
        size_t n;
        if ((rc = cli_read_input(&data, &n, v))) break;
        tc_cbor_put_bytes(e, data, n);
        tc_free(data);
        break;
    }
    case K_CFGSTAT: {
        static const char *const n[] = {"applied", "failed", NULL};
        if (!(rc = parse_enum(&u, f->flag, v, n, 0))) tc_cbor_put_uint(e, u);
        break;
    }
    case K_ACTION: {
        static const char *const n[] = {"advance", "pause", "resume", "abort", NULL};
        if (!(rc = parse_enum(&u, f->flag, v, n, 1))) tc_cbor_put_uint(e, u);
        break;
    }
    case K_FWSTATE: {
        static const char *const n[] = {"downloading", "installed", "failed", NULL};
        if (!(rc = parse_enum(&u, f->flag, v, n, 1))) tc_cbor_put_uint(e, u);
        break;
    }
    default: rc = cli_fail("internal: unknown field kind");
    }
    return rc;
}

/* cfg.publish: digest and size default to those of --body-file. */
static int cfg_defaults(args *s)
{
    const char *body = args_get(s, "body-file", 0);
    if (!body == !args_get(s, "location", 0))
        return cli_usage(usage, "cfg.publish needs exactly one of --body-file FILE and --location URL");
    if (body && (!args_get(s, "digest", 0) || !args_get(s, "size", 0))) {
        uint8_t *data, h[TC_SHA256_LEN];
        size_t n;
        char hex[2 * TC_SHA256_LEN + 1], num[32];
        int rc = cli_read_input(&data, &n, body);
        if (rc) return rc;
        tc_sha256(h, data, n);
        tc_free(data);
        tc_hex_encode(hex, h, sizeof h);
        snprintf(num, sizeof num, "%zu", n);
        if (!args_get(s, "digest", 0) && (rc = args_add(s, "digest", hex))) return rc;
        if (!args_get(s, "size", 0) && (rc = args_add(s, "size", num))) return rc;
    }
    if (!args_get(s, "digest", 0) || !args_get(s, "size", 0))
        return cli_usage(usage, "cfg.publish with --location needs --digest and --size");
    return 0;
}

/* anchor with --digest (body key 5, docs/ledger.md "Anchors"): root and
 * count default to the RFC 9162 root over the digests and their number. */
static int anchor_defaults(args *s)
{
    size_t n = args_count(s, "digest");
    if (n == 0 && (!args_get(s, "root", 0) || !args_get(s, "count", 0)))
        return cli_usage(usage, "anchor needs --root and --count, or the digests (--digest, repeated) to compute them");
    if (n == 0) return 0;
    if (n > TC_ANCHOR_DIGESTS_MAX) return cli_usage(usage, "at most %u --digest", TC_ANCHOR_DIGESTS_MAX);
    static uint8_t dg[TC_ANCHOR_DIGESTS_MAX * 32];
    for (size_t i = 0; i < n; i++) {
        int rc = hex_exact(dg + 32 * i, 32, "digest", args_get(s, "digest", i));
        if (rc) return rc;
    }
    uint8_t root[32];
    char hex[65], num[32];
    tc_anchor_root(root, dg, n);
    tc_hex_encode(hex, root, 32);
    snprintf(num, sizeof num, "%zu", n);
    int rc = 0;
    if (!args_get(s, "root", 0)) rc = args_add(s, "root", hex);
    if (!rc && !args_get(s, "count", 0)) rc = args_add(s, "count", num);
    return rc;
}

static int encode_body(uint8_t *out, size_t cap, size_t *len, const txdef *d, args *s)
{
    size_t nf = 0, present = 0;
    uint64_t target_kind = 0;
    int rc;
    if (d->type == TC_TX_CFG_PUBLISH && (rc = cfg_defaults(s))) return rc;
    if (d->type == TC_TX_ANCHOR && (rc = anchor_defaults(s))) return rc;
    for (; nf < 10 && d->f[nf].flag; nf++) {
        const field *f = &d->f[nf];
        int has = f->kind == K_ATTRS || f->kind == K_TEXTS || args_get(s, f->flag, 0) != NULL;
        if (f->kind == K_ATTRS || f->kind == K_TEXTS) has = f->req ? args_get(s, f->flag, 0) != NULL : 1;
        if (!has && f->req) return cli_usage(usage, "%s needs --%s", tc_tx_type_name(d->type), f->flag);
        present += has;
    }
    if (d->type == TC_TX_CFG_PUBLISH) {
        static const char *const n[] = {"device", "group", "model", NULL};
        if ((rc = parse_enum(&target_kind, "target-kind", args_get(s, "target-kind", 0), n, 1))) return rc;
    }
    tc_cbor_enc e;
    tc_cbor_enc_init(&e, out, cap);
    tc_cbor_put_map(&e, present);
    for (size_t i = 0; i < nf; i++) {
        const field *f = &d->f[i];
        int has = (f->kind == K_ATTRS || f->kind == K_TEXTS) ? (f->req ? args_get(s, f->flag, 0) != NULL : 1)
                                                             : args_get(s, f->flag, 0) != NULL;
        if (!has) continue;
        tc_cbor_put_uint(&e, f->key);
        if ((rc = put_field(&e, s, f, target_kind))) return rc;
    }
    rc = tc_cbor_enc_finish(&e, len);
    if (rc) return cli_fail("cannot encode the body: %s", tc_strerror(rc));
    return 0;
}

static void print_types(void)
{
    static const char *const who[] = {"governance", "org admin (--org)", "org release keys (--org)",
                                      "org config keys (--org)", "the device (--device)",
                                      "org admin (--org) or the device (--as device)",
                                      "org key set (--org [--role R]) or a device (--as device)"};
    printf("\ntypes, their flags (* required) and who signs:\n");
    for (size_t i = 0; i < NDEFS; i++) {
        printf("  %-22s", tc_tx_type_name(DEFS[i].type));
        for (size_t j = 0; j < 10 && DEFS[i].f[j].flag; j++) {
            const field *f = &DEFS[i].f[j];
            if (f->kind == K_MFG) printf(" --ed25519* --x25519* --model* --serial* --claim-secret|--claim-pub*");
            else if (f->kind == K_KEYSET) printf(" --threshold* --pub HEX|--pub-key FILE...");
            else printf(" --%s%s%s", f->flag, f->req ? "*" : "",
                        (f->kind == K_TEXTS || f->kind == K_ATTRS || f->kind == K_VALS || f->kind == K_WAVES ||
                         f->kind == K_DIGESTS) ? "..." : "");
        }
        printf("\n  %-22s signed by %s\n", "", who[DEFS[i].who]);
    }
}

static int build(args *s, const txdef *d, int json)
{
    char chain[65];
    const char *out = args_get(s, "o", 0);
    uint64_t nonce, org = 0;
    int rc;
    if (!out) return cli_usage(usage, "-o OUT is required (- for standard output)");
    if (!args_get(s, "nonce", 0)) return cli_usage(usage, "--nonce N is required (the signer's last nonce + 1)");
    if ((rc = parse_uint(&nonce, "nonce", args_get(s, "nonce", 0)))) return rc;
    if ((rc = cli_tx_chain_id(chain, args_get(s, "chain-id", 0), args_get(s, "genesis", 0), usage))) return rc;

    /* who signs */
    uint8_t signer[TC_TX_SIGNER_MAX], id[TC_DEVICE_ID_LEN];
    size_t signer_len;
    const char *as = args_get(s, "as", 0);
    int as_device = d->who == W_DEVICE || (as && !strcmp(as, "device"));
    if (as && strcmp(as, "device") && strcmp(as, "org"))
        return cli_usage(usage, "--as must be device or org");
    if (as_device && d->who != W_DEVICE && d->who != W_DEV_OR_ADMIN && d->who != W_ANY)
        return cli_usage(usage, "%s cannot be signed by a device", tc_tx_type_name(d->type));
    if (d->who == W_GOV) {
        tc_signer_gov(signer);
        signer_len = TC_SIGNER_GOV_LEN;
    } else if (as_device) {
        const char *dev = args_get(s, "device", 0);
        if (!dev) return cli_usage(usage, "a device signer needs --device ID");
        if ((rc = parse_device(id, "device", dev))) return rc;
        tc_signer_device(signer, id);
        signer_len = TC_SIGNER_DEVICE_LEN;
    } else {
        uint64_t role = d->who == W_RELEASE ? TC_KEYS_RELEASE : d->who == W_CONFIG ? TC_KEYS_CONFIG : TC_KEYS_ADMIN;
        if (!args_get(s, "org", 0)) return cli_usage(usage, "%s is signed by an organization: --org ID", tc_tx_type_name(d->type));
        if ((rc = parse_uint(&org, "org", args_get(s, "org", 0)))) return rc;
        if (d->who == W_ANY && args_get(s, "signer-role", 0) &&
            (rc = parse_enum(&role, "signer-role", args_get(s, "signer-role", 0), ROLE_NAMES, 1))) return rc;
        tc_signer_org(signer, org, (uint8_t)role);
        signer_len = TC_SIGNER_ORG_LEN;
    }

    /* signing keys */
    size_t nkeys = args_count(s, "key");
    if (nkeys == 0) return cli_usage(usage, "--key FILE is required (repeat it for several keys of a key set)");
    if (nkeys > TC_TX_SIGS_MAX) return cli_usage(usage, "at most %u --key", TC_TX_SIGS_MAX);
    if (as_device && nkeys != 1) return cli_usage(usage, "a device signs with exactly one --key");
    static uint8_t secs[TC_TX_SIGS_MAX][TC_ED25519_SEC_LEN];
    for (size_t i = 0; i < nkeys; i++) {
        uint8_t pub[TC_ED25519_PUB_LEN];
        tc_err err;
        if (tc_keyfile_load(pub, secs[i], &err, args_get(s, "key", i))) return cli_fail("%s", err.msg);
    }

    static uint8_t body[TC_TX_BODY_MAX + 1024], payload[TC_TX_MAX], tx[TC_TX_MAX + 4096];
    size_t bl, pl, tl;
    g_chain = chain;
    g_org = org;
    if ((rc = encode_body(body, sizeof body, &bl, d, s))) goto out;
    for (size_t i = 0; i < s->n; i++)
        if (!s->a[i].used) { rc = cli_usage(usage, "%s does not use --%s", tc_tx_type_name(d->type), s->a[i].name); goto out; }
    rc = tc_tx_payload_encode(payload, sizeof payload, &pl, (const uint8_t *)chain, strlen(chain), d->type,
                              signer, signer_len, nonce, body, bl);
    if (!rc) rc = as_device ? tc_tx_sign1(tx, sizeof tx, &tl, payload, pl, secs[0])
                            : tc_tx_sign_multi(tx, sizeof tx, &tl, payload, pl, (const uint8_t(*)[TC_ED25519_SEC_LEN])secs, nkeys);
    if (rc) { rc = cli_fail("cannot build the transaction: %s", tc_strerror(rc)); goto out; }
    tc_tx dec;
    tc_err err;
    if (tc_tx_decode(&dec, &err, tx, tl)) { rc = cli_fail("built transaction does not decode: %s", err.msg); goto out; }
    if ((rc = cli_tx_write(out, tx, tl))) goto out;
    if (strcmp(out, "-") != 0) {
        json_t *o = cli_tx_describe(&dec, tl);
        json_object_set_new(o, "file", json_string(out));
        cli_out_print(o, json);
    }
out:
    tc_wipe(secs, sizeof secs);
    return rc;
}

int cmd_tx_build(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        printf("usage: %s\n\n"
               "Builds a signed transaction (docs/ledger.md) into OUT. TYPE is a ledger type name\n"
               "(gov.register_org or gov.register-org). --key FILE signs (key files from\n"
               "`thingchain keys gen`); repeat it for k-of-n key sets, or sign with one key and\n"
               "let the others add theirs with `thingchain tx cosign`. --nonce is the signer's\n"
               "next nonce (1 for a new signer). --from FILE reads the flags from a JSON object\n"
               "({\"device\": \"..\", \"attr\": [\"a=b\"]}). --device takes a device id (32 hex\n"
               "digits) or its identity key (64). Times are ms since the epoch. Prints the\n"
               "transaction (table, or --json) unless OUT is -.\n",
               usage);
        print_types();
        return CLI_OK;
    }
    if (argc < 2 || argv[1][0] == '-') return cli_usage(usage, "expected a transaction TYPE first");
    const txdef *d = find_def(argv[1]);
    if (!d) return cli_usage(usage, "unknown transaction type '%s' (see --help)", argv[1]);
    static args s;
    int json = 0, rc = 0;
    for (int i = 2; i < argc && !rc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--json")) { json = 1; continue; }
        if (a[0] != '-' || !a[1]) { rc = cli_usage(usage, "unexpected argument '%s'", a); break; }
        const char *name = a + (a[1] == '-' ? 2 : 1), *eq = strchr(name, '=');
        if (eq) {
            static char nbuf[ARGS_MAX][64];
            size_t l = (size_t)(eq - name);
            if (l >= 64) { rc = cli_usage(usage, "option too long"); break; }
            memcpy(nbuf[s.n], name, l);
            nbuf[s.n][l] = 0;
            if (!strcmp(nbuf[s.n], "out")) strcpy(nbuf[s.n], "o");
            rc = args_add(&s, nbuf[s.n], eq + 1);
            continue;
        }
        if (i + 1 >= argc) { rc = cli_usage(usage, "%s needs a value", a); break; }
        if (!strcmp(name, "out")) name = "o";
        if (!strcmp(name, "from")) rc = from_json(&s, argv[++i]);
        else rc = args_add(&s, name, argv[++i]);
    }
    if (!rc) rc = build(&s, d, json);
    for (size_t i = 0; i < s.n; i++) free(s.a[i].val);
    return rc;
}
