/* `thingchain query KIND ...`: queries a node and verifies every answer as
 * a device would (issue 6 item 3; docs/api.md "Verified queries"): the
 * node sends proof bundles (header + commit certificate + state proof +
 * record), the device light client (tcdev_light_*) anchored on the genesis
 * document checks them, and only then is the record printed with
 * "verified at height H". Any failed check is exit 1 with the check's
 * error (LIGHT_*, SMT_PROOF, BAD_SIGNATURE, ...).
 *
 * What a bundle proves: the record under that key at that height (or its
 * absence). What it does not: that a list (devices by owner, services by
 * type, config documents, the firmware release chosen) is complete — list
 * selection comes from the node's indexes; each listed record is proven. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_json.h"
#include "query_verify.h"
#include "tc/alloc.h"
#include "tc/cbor_json.h"
#include "tc/hex.h"

static const char usage[] =
    "thingchain query KIND ARGS --node URL --genesis GENESIS.cbor [--height H] [--json]\n"
    "                  [--save FILE | --from FILE] [--timeout MS]\n"
    "  KIND: device ID | devices (--owner N|--maker N|--model M|--group G|--status S|--attr K=V)\n"
    "        | services (--type T|--attr K=V) | config ID | firmware ID [--current V]\n"
    "        | rollout ORG ID | anchor ROOT | anchor --digest HEX | state KEYHEX | tx ID\n"
    "        (lists: [--limit N] [--after KEY])";

typedef struct qopts {
    const char *genesis, *save, *from, *filter_name, *filter_val, *after, *current, *digest;
    uint64_t height, limit;
    int as_json;
} qopts;

/* URL-encodes s into out (cap bytes). */
static void urlenc(char *out, size_t cap, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t o = 0;
    for (; *s && o + 4 < cap; s++) {
        unsigned char c = (unsigned char)*s;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || strchr("-_.~", c)) {
            out[o++] = (char)c;
        } else {
            out[o++] = '%';
            out[o++] = hex[c >> 4];
            out[o++] = hex[c & 15];
        }
    }
    out[o] = 0;
}

static void add_height(char *path, size_t cap, uint64_t h, const char *sep)
{
    if (h) snprintf(path + strlen(path), cap - strlen(path), "%sheight=%llu", sep, (unsigned long long)h);
}

/* The record's JSON view for output. */
static json_t *record_json(const tcdev_bundle *b, const qv *q, int found)
{
    json_t *o = qv_json_head(q);
    cli_json_set_hex(o, "key", b->key, b->key_len);
    json_object_set_new(o, "found", json_boolean(found));
    if (found) {
        json_t *r = tc_cbor_to_json(b->record, b->record_len);
        json_object_set_new(o, "record", r ? r : json_null());
        cli_json_set_hex(o, "value", b->record, b->record_len);
    }
    return o;
}

/* One record: fetch (or read --from), verify, print. */
static int one(qv *q, const qopts *o, const char *path, const uint8_t *key, size_t kl, const char *what)
{
    tc_err err;
    tc_err_clear(&err);
    uint8_t *buf = NULL;
    size_t len = 0;
    int found = 1, rc;
    if (o->from) {
        if (cli_read_input(&buf, &len, o->from)) return CLI_FAIL;
    } else if ((rc = qv_fetch(q, &err, &buf, &len, &found, path))) {
        return cli_fail("%s: %s", tc_errname(rc), err.msg);
    }
    if (o->save) {
        FILE *f = fopen(o->save, "wb");
        if (!f || fwrite(buf, 1, len, f) != len || fclose(f)) {
            tc_free(buf);
            return cli_fail("cannot write %s", o->save);
        }
    }
    tcdev_bundle b;
    rc = qv_verify(q, &err, &b, TCDEV_BUNDLE_STATE, buf, len, key, kl);
    if (rc) {
        tc_free(buf);
        return cli_fail("%s: %s", tc_errname(rc), err.msg);
    }
    found = b.record != NULL;
    json_t *j = record_json(&b, q, found);
    tc_free(buf);
    cli_out_print(j, o->as_json);
    if (!found) {
        fprintf(stderr, "thingchain: %s not found (absence verified at height %llu)\n", what,
                (unsigned long long)q->st.height);
        return CLI_FAIL;
    }
    return CLI_OK;
}

/* A list: the keys (unproven selection), then each record verified at the
 * list's height. */
static int list(qv *q, const qopts *o, const char *path)
{
    tc_err err;
    tc_err_clear(&err);
    json_t *l;
    int rc = qv_fetch_json(q, &err, (void **)&l, path);
    if (rc) return cli_fail("%s: %s", tc_errname(rc), err.msg);
    uint64_t h = (uint64_t)json_integer_value(json_object_get(l, "height"));
    json_t *keys = json_object_get(l, "keys"), *items = json_array(), *k;
    size_t i;
    json_array_foreach(keys, i, k) {
        const char *hex = json_string_value(k);
        uint8_t key[TC_STATE_KEY_MAX], *buf;
        size_t kl, len;
        int found;
        char p[512];
        if (!hex || strlen(hex) > 2 * TC_STATE_KEY_MAX || tc_hex_decode(key, sizeof key, &kl, hex, strlen(hex))) {
            rc = tc_err_set(&err, TC_ERR_API_ANSWER, "node listed a malformed key");
            break;
        }
        snprintf(p, sizeof p, "/v1/state/%s?format=bundle&height=%llu", hex, (unsigned long long)h);
        if ((rc = qv_fetch(q, &err, &buf, &len, &found, p))) break;
        tcdev_bundle b;
        rc = qv_verify(q, &err, &b, TCDEV_BUNDLE_STATE, buf, len, key, kl);
        if (!rc && (!b.record || q->st.height != h))
            rc = tc_err_set(&err, TC_ERR_LIGHT_RECORD, "listed key %s is not in state at height %llu", hex,
                            (unsigned long long)h);
        if (!rc) {
            json_t *it = json_object();
            json_object_set_new(it, "key", json_string(hex));
            json_t *r = tc_cbor_to_json(b.record, b.record_len);
            json_object_set_new(it, "record", r ? r : json_null());
            json_array_append_new(items, it);
        }
        tc_free(buf);
        if (rc) break;
    }
    if (rc) {
        json_decref(l);
        json_decref(items);
        return cli_fail("%s: %s", tc_errname(rc), err.msg);
    }
    json_t *out = json_object();
    char v[96];
    snprintf(v, sizeof v, "%zu records at height %llu", json_array_size(items), (unsigned long long)h);
    json_object_set_new(out, "verified", json_string(v));
    json_object_set_new(out, "height", json_integer((json_int_t)h));
    json_object_set_new(out, "more", json_incref(json_object_get(l, "more") ? json_object_get(l, "more") : json_false()));
    if (json_object_get(l, "next_after"))
        json_object_set_new(out, "next_after", json_incref(json_object_get(l, "next_after")));
    json_object_set_new(out, "items", items);
    json_decref(l);
    cli_out_print(out, o->as_json);
    return CLI_OK;
}

/* A committed transaction: the history bundle proves SHA-256(tx) || result
 * code is a leaf of the history tree of a certified header. */
static int one_tx(qv *q, const qopts *o, const char *path, const uint8_t id[TC_SHA256_LEN])
{
    tc_err err;
    tc_err_clear(&err);
    uint8_t *buf = NULL;
    size_t len = 0;
    int found, rc;
    if (o->from) {
        if (cli_read_input(&buf, &len, o->from)) return CLI_FAIL;
    } else if ((rc = qv_fetch(q, &err, &buf, &len, &found, path))) {
        return cli_fail("%s: %s", tc_errname(rc), err.msg);
    }
    tcdev_bundle b;
    rc = qv_verify(q, &err, &b, TCDEV_BUNDLE_HISTORY, buf, len, id, TC_SHA256_LEN);
    if (!rc && b.key_len != TC_HIST_LEAF_LEN)
        rc = tc_err_set(&err, TC_ERR_LIGHT_BUNDLE, "history leaf of %zu bytes", b.key_len);
    if (!rc && o->save) {
        FILE *f = fopen(o->save, "wb");
        if (!f || fwrite(buf, 1, len, f) != len || fclose(f)) rc = tc_err_set(&err, TC_ERR_IO, "cannot write %s", o->save);
    }
    if (rc) {
        tc_free(buf);
        return cli_fail("%s: %s", tc_errname(rc), err.msg);
    }
    int code = (int)((uint32_t)b.key[32] << 24 | (uint32_t)b.key[33] << 16 | (uint32_t)b.key[34] << 8 | b.key[35]);
    json_t *j = json_object();
    char v[96];
    snprintf(v, sizeof v, "at height %llu", (unsigned long long)q->st.height);
    json_object_set_new(j, "verified", json_string(v));
    json_object_set_new(j, "height", json_integer((json_int_t)q->st.height));
    cli_json_set_hex(j, "tx", id, TC_SHA256_LEN);
    json_object_set_new(j, "code", json_integer(code));
    json_object_set_new(j, "result", json_string(code ? tc_errname(code) : "accepted"));
    tc_free(buf);
    cli_out_print(j, o->as_json);
    return CLI_OK;
}

static int hex_arg(uint8_t *out, size_t n, const char *s, const char *what)
{
    size_t got;
    if (strlen(s) != 2 * n || tc_hex_decode(out, n, &got, s, 2 * n))
        return cli_usage(usage, "%s must be %zu hex digits", what, 2 * n);
    return 0;
}

static void be64(uint8_t *o, uint64_t v)
{
    for (int i = 0; i < 8; i++) o[i] = (uint8_t)(v >> (56 - 8 * i));
}

int cmd_query(int argc, char **argv)
{
    static const struct option opts[] = {
        {"node", 1, NULL, 'n'}, {"genesis", 1, NULL, 'g'}, {"height", 1, NULL, 'H'}, {"json", 0, NULL, 'j'},
        {"save", 1, NULL, 's'}, {"from", 1, NULL, 'f'}, {"timeout", 1, NULL, 't'}, {"current", 1, NULL, 'c'},
        {"limit", 1, NULL, 'l'}, {"after", 1, NULL, 'a'}, {"owner", 1, NULL, 1}, {"maker", 1, NULL, 2},
        {"model", 1, NULL, 3}, {"group", 1, NULL, 4}, {"status", 1, NULL, 5}, {"attr", 1, NULL, 6},
        {"type", 1, NULL, 7}, {"digest", 1, NULL, 'd'}, {NULL, 0, NULL, 0}};
    if (cli_wants_help(argc, argv)) {
        printf("usage: %s\n\nFetches proof bundles from a node and verifies them with the device light\n"
               "client anchored on GENESIS.cbor (genesis hash, chain id, validators): a header\n"
               "signed by > 2/3 of the validators' power and a state proof against its root.\n"
               "Prints the record and \"verified at height H\" (table, or --json).\n"
               "Lists (devices, services, config) print every listed record, each verified;\n"
               "which records a list holds is the node's word (see docs/api.md).\n"
               "--save FILE keeps the bundle; --from FILE verifies a saved bundle offline\n"
               "(no --node). anchor --digest HEX proves a message digest was anchored: the\n"
               "RFC 9162 path digest -> anchor root, then the anchor record's bundle;\n"
               "--save/--from keep the node's JSON answer.\nExit 0 verified; 1 a check failed, the record is absent (absence\n"
               "verified) or the node refused; 2 usage.\n", usage);
        return CLI_OK;
    }
    static qv q;
    qopts o = {0};
    const char *node = NULL;
    uint64_t timeout = 10000;
    int c, rc;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'n': node = optarg; break;
        case 'g': o.genesis = optarg; break;
        case 'H': if ((rc = cli_u64_opt(&o.height, "--height", optarg, usage))) return rc; break;
        case 'j': o.as_json = 1; break;
        case 's': o.save = optarg; break;
        case 'f': o.from = optarg; break;
        case 't': if ((rc = cli_u64_opt(&timeout, "--timeout", optarg, usage))) return rc; break;
        case 'c': o.current = optarg; break;
        case 'l': if ((rc = cli_u64_opt(&o.limit, "--limit", optarg, usage))) return rc; break;
        case 'a': o.after = optarg; break;
        case 'd': o.digest = optarg; break;
        case 1: case 2: case 3: case 4: case 5: case 6: case 7:
            if (o.filter_name) return cli_usage(usage, "give one filter only");
            o.filter_name = opts[c + 9].name;
            o.filter_val = optarg;
            break;
        default: return cli_usage(usage, "unknown or incomplete option '%s'", argv[optind - 1]);
        }
    }
    if (optind >= argc) return cli_usage(usage, "expected a KIND");
    const char *kind = argv[optind++];
    int nargs = argc - optind;
    char **args = argv + optind;
    if (!o.genesis) return cli_usage(usage, "--genesis GENESIS.cbor is required (the trust anchor)");
    if (!node && !o.from) return cli_usage(usage, "--node URL is required (or --from FILE)");
    if (node && strncmp(node, "http://", 7) != 0) return cli_usage(usage, "--node must be an http:// URL");
    if (o.save && o.from) return cli_usage(usage, "--save and --from exclude each other");
    if (timeout == 0 || timeout > 600000) return cli_usage(usage, "--timeout must be 1..600000 ms");
    if (o.limit > 256) return cli_usage(usage, "--limit must be 1..256");
    q.node = node;
    q.timeout_ms = (int)timeout;
    char path[1024], enc[600];
    uint8_t key[TC_STATE_KEY_MAX];
    size_t kl = 0;
    int is_list = !strcmp(kind, "devices") || !strcmp(kind, "services") || !strcmp(kind, "config");
    if (is_list && (o.from || o.save)) return cli_usage(usage, "--from/--save take one record, not a list");
    if (o.digest && strcmp(kind, "anchor")) return cli_usage(usage, "--digest goes with anchor only");
    if (o.filter_name && strcmp(kind, "devices") && strcmp(kind, "services"))
        return cli_usage(usage, "--%s filters devices or services lists only", o.filter_name);
    if (!strcmp(kind, "device") || !strcmp(kind, "config") || !strcmp(kind, "firmware")) {
        if (nargs != 1) return cli_usage(usage, "%s takes one device ID (32 hex digits)", kind);
        if ((rc = hex_arg(key + 1, 16, args[0], "the device ID"))) return rc;
        key[0] = 'D';
        kl = 17;
        if (!strcmp(kind, "device")) snprintf(path, sizeof path, "/v1/devices/%s?format=bundle", args[0]);
        else if (!strcmp(kind, "config")) snprintf(path, sizeof path, "/v1/config/%s", args[0]);
        else snprintf(path, sizeof path, "/v1/firmware/%s?format=bundle&current=%s", args[0],
                      o.current ? o.current : "0");
    } else if (!strcmp(kind, "devices") || !strcmp(kind, "services")) {
        if (nargs) return cli_usage(usage, "%s takes filters, not arguments", kind);
        if (!o.filter_name) return cli_usage(usage, "%s needs a filter (e.g. --%s)", kind,
                                             kind[0] == 'd' ? "model M" : "type T");
        if ((kind[0] == 'd') == !strcmp(o.filter_name, "type"))
            return cli_usage(usage, "--%s does not filter %s", o.filter_name, kind);
        urlenc(enc, sizeof enc, o.filter_val);
        snprintf(path, sizeof path, "/v1/%s?%s=%s", kind, o.filter_name, enc);
        if (o.limit) snprintf(path + strlen(path), sizeof path - strlen(path), "&limit=%llu", (unsigned long long)o.limit);
        if (o.after) {
            urlenc(enc, sizeof enc, o.after);
            snprintf(path + strlen(path), sizeof path - strlen(path), "&after=%s", enc);
        }
    } else if (!strcmp(kind, "rollout")) {
        uint64_t org, id;
        if (nargs != 2) return cli_usage(usage, "rollout takes ORG and ID");
        if ((rc = cli_u64_opt(&org, "ORG", args[0], usage)) || (rc = cli_u64_opt(&id, "ID", args[1], usage))) return rc;
        key[0] = 'R';
        be64(key + 1, org);
        be64(key + 9, id);
        kl = 17;
        snprintf(path, sizeof path, "/v1/rollouts/%llu/%llu?format=bundle", (unsigned long long)org,
                 (unsigned long long)id);
    } else if (!strcmp(kind, "anchor") && o.digest) {
        if (nargs) return cli_usage(usage, "anchor --digest HEX takes no ROOT");
        if ((rc = hex_arg(key, 32, o.digest, "--digest"))) return rc;
        snprintf(path, sizeof path, "/v1/anchors/by-digest/%s?format=bundle", o.digest);
    } else if (!strcmp(kind, "anchor")) {
        if (nargs != 1) return cli_usage(usage, "anchor takes one ROOT (64 hex digits)");
        if ((rc = hex_arg(key + 1, 32, args[0], "the anchor root"))) return rc;
        key[0] = 'A';
        kl = 33;
        snprintf(path, sizeof path, "/v1/anchors/%s?format=bundle", args[0]);
    } else if (!strcmp(kind, "tx")) {
        if (nargs != 1) return cli_usage(usage, "tx takes one ID (SHA-256 of the transaction, 64 hex digits)");
        if ((rc = hex_arg(key, 32, args[0], "the transaction ID"))) return rc;
        kl = 32;
        snprintf(path, sizeof path, "/v1/tx/%s?format=bundle", args[0]);
    } else if (!strcmp(kind, "state")) {
        size_t n = nargs == 1 ? strlen(args[0]) : 0;
        if (n == 0 || n > 2 * TC_STATE_KEY_MAX || tc_hex_decode(key, sizeof key, &kl, args[0], n))
            return cli_usage(usage, "state takes one KEYHEX (a state key in hex, at most 128 bytes)");
        snprintf(path, sizeof path, "/v1/state/%s?format=bundle", args[0]);
    } else {
        return cli_usage(usage, "unknown KIND '%s'", kind);
    }
    add_height(path, sizeof path, o.height, strchr(path, '?') ? "&" : "?");
    tc_err err;
    tc_err_clear(&err);
    if ((rc = qv_anchor(&q, &err, o.genesis))) return cli_fail("%s: %s", tc_errname(rc), err.msg);
    if (is_list) return list(&q, &o, path);
    if (!strcmp(kind, "tx")) return one_tx(&q, &o, path, key);
    if (o.digest) return qv_anchor_digest(&q, path, key, o.save, o.from, o.as_json);
    /* firmware: the node picks the release; the bundle proves its record. */
    return one(&q, &o, path, !strcmp(kind, "firmware") ? NULL : key, kl, kind);
}
