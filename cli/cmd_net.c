/* `thingchain net init`: everything a local or multi-machine network needs
 * (docs/cli.md, "net init"; issue 6 item 3):
 *   DIR/genesis.cbor, DIR/genesis.json   the genesis and a readable copy
 *   DIR/gov/gov{1..n}.key                governance key set (k-of-n)
 *   DIR/orgs/operator/admin1.key         org 1 "example-operator" (operator), admin 1-of-1
 *   DIR/orgs/vendor/admin{1,2}.key       org 2 "example-vendor" (manufacturer/vendor), admin 2-of-2
 *   DIR/node{i}/node.key, node.conf      per node i = 0..N-1 (+ full nodes after them)
 * node.conf is the fixed `key = value` format the daemon reads; paths in it
 * are relative to the conf file's directory. Node i listens on p2p
 * base+2i and api base+2i+1. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "cli_json.h"
#include "tc/genesis.h"
#include "tc/hex.h"
#include "tc/keyfile.h"
#include "tc/tx.h"
#include "tc/alloc.h"

#define NET_NODES_MAX 64
#define NET_GOV_MAX 16

static const char usage[] =
    "thingchain net init --validators N --dir DIR [--chain-id ID] [--base-port P]\n"
    "       [--full-nodes M] [--hosts H0,H1,...] [--gov N] [--gov-threshold K]\n"
    "       [--time MS] [--force] [--json]";

typedef struct key {
    uint8_t seed[TC_ED25519_SEED_LEN], pub[TC_ED25519_PUB_LEN], sec[TC_ED25519_SEC_LEN];
} key;

static int make_dir(const char *path, mode_t mode)
{
    if (mkdir(path, mode) == 0 || errno == EEXIST) return 0;
    return cli_fail("cannot create directory %s: %s", path, strerror(errno));
}

static int write_file(const char *path, const void *data, size_t len)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return cli_fail("cannot create %s: %s", path, strerror(errno));
    const char *p = data;
    while (len) {
        ssize_t w = write(fd, p, len);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) { close(fd); return cli_fail("cannot write %s", path); }
        p += w;
        len -= (size_t)w;
    }
    if (close(fd) != 0) return cli_fail("cannot write %s", path);
    return 0;
}

/* A fresh key written to path (with --force an old key file is replaced). */
static int new_key(key *k, const char *path, int force)
{
    tc_err err;
    if (force) unlink(path);
    if (tc_keyfile_random(&err, k->seed) || tc_keyfile_write(&err, path, k->seed))
        return cli_fail("%s", err.msg);
    tc_ed25519_keypair(k->pub, k->sec, k->seed);
    return 0;
}

static json_t *keyset_json(uint32_t k, const key *keys, size_t n)
{
    json_t *o = json_object(), *a = json_array();
    json_object_set_new(o, "k", json_integer(k));
    for (size_t i = 0; i < n; i++) json_array_append_new(a, cli_json_hex(keys[i].pub, TC_ED25519_PUB_LEN));
    json_object_set_new(o, "keys", a);
    return o;
}

typedef struct opts {
    uint64_t nval, nfull, base, gov_n, gov_k, time_ms;
    const char *dir, *chain_id, *hosts;
    int force, json, have_time;
} opts;

static int parse(opts *o, int argc, char **argv)
{
    static const struct option lo[] = {
        {"validators", required_argument, NULL, 'v'}, {"dir", required_argument, NULL, 'd'},
        {"chain-id", required_argument, NULL, 'c'}, {"base-port", required_argument, NULL, 'p'},
        {"full-nodes", required_argument, NULL, 'F'}, {"hosts", required_argument, NULL, 'H'},
        {"gov", required_argument, NULL, 'g'}, {"gov-threshold", required_argument, NULL, 'k'},
        {"time", required_argument, NULL, 't'}, {"force", no_argument, NULL, 'f'},
        {"json", no_argument, NULL, 'j'}, {NULL, 0, NULL, 0}};
    int c, rc;
    *o = (opts){.base = 26600, .gov_n = 3, .gov_k = 2, .chain_id = "thingchain-local"};
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
        rc = 0;
        switch (c) {
        case 'v': rc = cli_u64_opt(&o->nval, "--validators", optarg, usage); break;
        case 'F': rc = cli_u64_opt(&o->nfull, "--full-nodes", optarg, usage); break;
        case 'p': rc = cli_u64_opt(&o->base, "--base-port", optarg, usage); break;
        case 'g': rc = cli_u64_opt(&o->gov_n, "--gov", optarg, usage); break;
        case 'k': rc = cli_u64_opt(&o->gov_k, "--gov-threshold", optarg, usage); break;
        case 't': rc = cli_u64_opt(&o->time_ms, "--time", optarg, usage); o->have_time = 1; break;
        case 'd': o->dir = optarg; break;
        case 'c': o->chain_id = optarg; break;
        case 'H': o->hosts = optarg; break;
        case 'f': o->force = 1; break;
        case 'j': o->json = 1; break;
        default: return cli_usage(usage, "unknown or incomplete option '%s'", argv[optind - 1]);
        }
        if (rc) return rc;
    }
    if (optind != argc) return cli_usage(usage, "unexpected argument '%s'", argv[optind]);
    if (!o->dir) return cli_usage(usage, "--dir DIR is required");
    if (o->nval < 1 || o->nval + o->nfull > NET_NODES_MAX)
        return cli_usage(usage, "--validators must be 1..%d (with --full-nodes)", NET_NODES_MAX);
    if (o->gov_n < 1 || o->gov_n > NET_GOV_MAX || o->gov_k < 1 || o->gov_k > o->gov_n)
        return cli_usage(usage, "governance must be k-of-n with 1 <= k <= n <= %d", NET_GOV_MAX);
    size_t cl = strlen(o->chain_id);
    if (cl < 1 || cl > 64) return cli_usage(usage, "--chain-id must be 1..64 bytes");
    if (o->base < 1 || o->base + 2 * (o->nval + o->nfull) > 65535)
        return cli_usage(usage, "--base-port leaves no room for %llu nodes",
                         (unsigned long long)(o->nval + o->nfull));
    return 0;
}

/* Host of node i: from --hosts (comma-separated, one per node) or loopback. */
static int host_of(char *out, size_t cap, const opts *o, size_t i)
{
    if (!o->hosts) { snprintf(out, cap, "127.0.0.1"); return 0; }
    const char *p = o->hosts;
    for (size_t j = 0; j < i; j++) {
        p = strchr(p, ',');
        if (!p) return cli_usage(usage, "--hosts names fewer hosts than nodes");
        p++;
    }
    size_t n = strcspn(p, ",");
    if (n == 0 || n >= cap) return cli_usage(usage, "--hosts has an empty or too long entry");
    memcpy(out, p, n);
    out[n] = 0;
    return 0;
}

static int write_conf(const opts *o, size_t i, size_t nodes, const key *keys)
{
    char path[4096], host[256], peer[256], conf[16384];
    int rc = host_of(host, sizeof host, o, i);
    if (rc) return rc;
    size_t n = (size_t)snprintf(conf, sizeof conf,
        "# thingchain node %zu (written by `thingchain net init`; see docs/cli.md).\n"
        "# Paths are relative to this file's directory.\n"
        "chain_id = %s\n"
        "genesis = ../genesis.cbor\n"
        "key = node.key\n"
        "data = chain.db\n"
        "p2p_listen = %s:%llu\n"
        "api_listen = %s:%llu\n"
        "peers = ",
        i, o->chain_id, host, (unsigned long long)(o->base + 2 * i), host,
        (unsigned long long)(o->base + 2 * i + 1));
    int first = 1;
    for (size_t j = 0; j < nodes; j++) {
        if (j == i) continue;
        if ((rc = host_of(peer, sizeof peer, o, j))) return rc;
        n += (size_t)snprintf(conf + n, sizeof conf - n, "%s%s:%llu", first ? "" : ",", peer,
                              (unsigned long long)(o->base + 2 * j));
        first = 0;
        if (n >= sizeof conf) return cli_fail("node.conf too long");
    }
    n += (size_t)snprintf(conf + n, sizeof conf - n, "\nlog_level = info\nvalidator = %s\n%s",
                          i < o->nval ? "yes" : "no", i < o->nval ? "" : "mode = full\n");
    /* Every node lets the full nodes link besides the validators (docs/node.md). */
    if (o->nfull) {
        n += (size_t)snprintf(conf + n, sizeof conf - n, "full_nodes = ");
        for (size_t j = o->nval; j < nodes && n + 70 < sizeof conf; j++) {
            char hex[2 * TC_ED25519_PUB_LEN + 1];
            tc_hex_encode(hex, keys[j].pub, TC_ED25519_PUB_LEN);
            n += (size_t)snprintf(conf + n, sizeof conf - n, "%s%s", j > o->nval ? "," : "", hex);
        }
        n += (size_t)snprintf(conf + n, sizeof conf - n, "\n");
    }
    if (n >= sizeof conf) return cli_fail("node.conf too long");
    snprintf(path, sizeof path, "%s/node%zu/node.conf", o->dir, i);
    return write_file(path, conf, n);
}

static int write_all(const opts *o, key *nodes, key *gov, key *op, key *vend)
{
    char path[4096];
    size_t nn = (size_t)(o->nval + o->nfull);
    int rc;
    struct stat stbuf;
    if (stat(o->dir, &stbuf) == 0 && !o->force)
        return cli_fail("%s exists; refusing to overwrite a network (use --force to replace it)", o->dir);
    if (strlen(o->dir) > 3000) return cli_usage(usage, "--dir is too long");
    if ((rc = make_dir(o->dir, 0755))) return rc;
    snprintf(path, sizeof path, "%s/gov", o->dir);
    if ((rc = make_dir(path, 0700))) return rc;
    for (size_t i = 0; i < o->gov_n; i++) {
        snprintf(path, sizeof path, "%s/gov/gov%zu.key", o->dir, i + 1);
        if ((rc = new_key(&gov[i], path, o->force))) return rc;
    }
    static const char *const dirs[] = {"orgs", "orgs/operator", "orgs/vendor"};
    for (size_t i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s/%s", o->dir, dirs[i]);
        if ((rc = make_dir(path, i ? 0700 : 0755))) return rc;
    }
    snprintf(path, sizeof path, "%s/orgs/operator/admin1.key", o->dir);
    if ((rc = new_key(op, path, o->force))) return rc;
    for (size_t i = 0; i < 2; i++) {
        snprintf(path, sizeof path, "%s/orgs/vendor/admin%zu.key", o->dir, i + 1);
        if ((rc = new_key(&vend[i], path, o->force))) return rc;
    }
    for (size_t i = 0; i < nn; i++) {
        snprintf(path, sizeof path, "%s/node%zu", o->dir, i);
        if ((rc = make_dir(path, 0700))) return rc;
        static const char *const stale[] = {"chain.db", "chain.db-wal", "chain.db-shm"};
        for (size_t s = 0; o->force && s < 3; s++) {
            snprintf(path, sizeof path, "%s/node%zu/%s", o->dir, i, stale[s]);
            unlink(path); /* a database of the replaced network would not match the new genesis */
        }
        snprintf(path, sizeof path, "%s/node%zu/node.key", o->dir, i);
        if ((rc = new_key(&nodes[i], path, o->force))) return rc;
    }
    for (size_t i = 0; i < nn; i++)
        if ((rc = write_conf(o, i, nn, nodes))) return rc;
    return 0;
}

static json_t *genesis_json(const opts *o, const key *nodes, const key *gov, const key *op,
                            const key *vend, const uint8_t hash[TC_SHA256_LEN])
{
    json_t *g = json_object(), *vals = json_array(), *orgs = json_array(), *org;
    json_object_set_new(g, "chain_id", json_string(o->chain_id));
    json_object_set_new(g, "time_ms", json_integer((json_int_t)o->time_ms));
    cli_json_set_hex(g, "genesis_hash", hash, TC_SHA256_LEN);
    for (size_t i = 0; i < o->nval; i++) {
        json_t *v = json_object();
        cli_json_set_hex(v, "pub", nodes[i].pub, TC_ED25519_PUB_LEN);
        json_object_set_new(v, "power", json_integer(10));
        json_array_append_new(vals, v);
    }
    json_object_set_new(g, "validators", vals);
    json_object_set_new(g, "governance", keyset_json((uint32_t)o->gov_k, gov, (size_t)o->gov_n));
    org = json_pack("{s:i,s:s,s:[s]}", "id", 1, "name", "example-operator", "roles", "operator");
    json_object_set_new(org, "admin", keyset_json(1, op, 1));
    json_array_append_new(orgs, org);
    org = json_pack("{s:i,s:s,s:[s]}", "id", 2, "name", "example-vendor", "roles", "manufacturer");
    json_object_set_new(org, "admin", keyset_json(2, vend, 2));
    json_array_append_new(orgs, org);
    json_object_set_new(g, "organizations", orgs);
    return g;
}

int cmd_net_init(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        printf("usage: %s\n\n"
               "Writes a complete network into DIR (which must not exist, unless --force):\n"
               "  genesis.cbor (+ genesis.json)  chain id, N validators (power 10 each), the\n"
               "                                 governance key set and two example organizations\n"
               "  gov/gov1.key ...               governance keys, K-of-N (default 2-of-3)\n"
               "  orgs/operator/admin1.key       org 1 'example-operator' (operator), admin 1-of-1\n"
               "  orgs/vendor/admin{1,2}.key     org 2 'example-vendor' (manufacturer), admin 2-of-2\n"
               "  node<i>/node.key, node.conf    node i = 0..N-1 (then --full-nodes M non-voting)\n"
               "node.conf: chain_id, genesis, key, data (chain.db), p2p_listen, api_listen, peers,\n"
               "log_level, validator; paths relative to the conf file. Node i uses p2p port\n"
               "base+2i and API port base+2i+1 (--base-port, default 26600), on 127.0.0.1 or on\n"
               "the i-th entry of --hosts for a multi-machine network (copy each node<i>/ and\n"
               "genesis.cbor to its machine). Key files are 64 hex digits, mode 0600.\n"
               "--time MS fixes the genesis time (default: now) for reproducible genesis hashes.\n",
               usage);
        return CLI_OK;
    }
    opts o;
    int rc = parse(&o, argc, argv);
    if (rc) return rc;
    if (!o.have_time) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        o.time_ms = (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
    }
    size_t nn = (size_t)(o.nval + o.nfull);
    static key nodes[NET_NODES_MAX], gov[NET_GOV_MAX], op[1], vend[2];
    for (size_t i = 0; i < nn; i++) { char h[256]; if ((rc = host_of(h, sizeof h, &o, i))) return rc; }
    if ((rc = write_all(&o, nodes, gov, op, vend))) return rc;

    uint8_t vpub[NET_NODES_MAX][32], gpub[NET_GOV_MAX][32], opub[1][32], vepub[2][32];
    uint64_t power[NET_NODES_MAX];
    for (size_t i = 0; i < o.nval; i++) { memcpy(vpub[i], nodes[i].pub, 32); power[i] = 10; }
    for (size_t i = 0; i < o.gov_n; i++) memcpy(gpub[i], gov[i].pub, 32);
    memcpy(opub[0], op[0].pub, 32);
    memcpy(vepub[0], vend[0].pub, 32);
    memcpy(vepub[1], vend[1].pub, 32);
    tc_genesis_org orgs[2] = {
        {1, "example-operator", TC_ROLE_OPERATOR, 1, 1, (const uint8_t(*)[32])opub},
        {2, "example-vendor", TC_ROLE_MANUFACTURER, 2, 2, (const uint8_t(*)[32])vepub},
    };
    tc_genesis_spec spec = {o.chain_id, o.time_ms, (size_t)o.nval, (const uint8_t(*)[32])vpub, power,
                            (uint32_t)o.gov_k, (size_t)o.gov_n, (const uint8_t(*)[32])gpub, 2, orgs};
    static uint8_t doc[TC_GENESIS_MAX];
    size_t len;
    tc_genesis g;
    tc_err err;
    rc = tc_genesis_encode(doc, sizeof doc, &len, &spec);
    if (rc) return cli_fail("genesis encoding failed: %s", tc_strerror(rc));
    if (tc_genesis_decode(&g, &err, doc, len)) return cli_fail("genesis does not validate: %s", err.msg);
    uint8_t hash[TC_SHA256_LEN];
    tc_genesis_hash(hash, doc, len);
    char path[4096];
    snprintf(path, sizeof path, "%s/genesis.cbor", o.dir);
    if ((rc = write_file(path, doc, len))) return rc;
    json_t *gj = genesis_json(&o, nodes, gov, op, vend, hash);
    char *text = json_dumps(gj, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(gj);
    snprintf(path, sizeof path, "%s/genesis.json", o.dir);
    rc = text ? write_file(path, text, strlen(text)) : cli_fail("out of memory");
    free(text);
    for (size_t i = 0; i < nn; i++) tc_wipe(&nodes[i], sizeof nodes[i]);
    for (size_t i = 0; i < o.gov_n; i++) tc_wipe(&gov[i], sizeof gov[i]);
    tc_wipe(op, sizeof op);
    tc_wipe(vend, sizeof vend);
    if (rc) return rc;

    json_t *out = json_object(), *apis = json_array();
    json_object_set_new(out, "dir", json_string(o.dir));
    json_object_set_new(out, "chain_id", json_string(o.chain_id));
    cli_json_set_hex(out, "genesis_hash", hash, TC_SHA256_LEN);
    json_object_set_new(out, "validators", json_integer((json_int_t)o.nval));
    json_object_set_new(out, "full_nodes", json_integer((json_int_t)o.nfull));
    json_object_set_new(out, "governance", json_sprintf("%llu-of-%llu keys in %s/gov",
                        (unsigned long long)o.gov_k, (unsigned long long)o.gov_n, o.dir));
    for (size_t i = 0; i < nn; i++) {
        char h[256];
        host_of(h, sizeof h, &o, i);
        json_array_append_new(apis, json_sprintf("http://%s:%llu", h, (unsigned long long)(o.base + 2 * i + 1)));
    }
    json_object_set_new(out, "api", apis);
    cli_out_print(out, o.json);
    return CLI_OK;
}

/* `thingchain net genesis FILE`: decodes and validates a genesis document
 * exactly as a node does at start, and prints its identity. */
int cmd_net_genesis(int argc, char **argv)
{
    static const char gusage[] = "thingchain net genesis FILE [--json]";
    if (cli_wants_help(argc, argv)) {
        printf("usage: %s\n\nValidates a genesis document (genesis.cbor) as a node does and prints its\n"
               "chain id, genesis hash (the devices' trust anchor), time and validator set hash.\n"
               "Exit 1 if the document is invalid.\n", gusage);
        return CLI_OK;
    }
    int json = 0;
    const char *file = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--json")) json = 1;
        else if (argv[i][0] == '-' && argv[i][1]) return cli_usage(gusage, "unknown option '%s'", argv[i]);
        else if (file) return cli_usage(gusage, "expected one FILE");
        else file = argv[i];
    }
    if (!file) return cli_usage(gusage, "expected one FILE");
    uint8_t *doc;
    size_t len;
    int rc = cli_read_input(&doc, &len, file);
    if (rc) return rc;
    tc_genesis g;
    tc_valset vs;
    tc_err err;
    if (len > TC_GENESIS_MAX || tc_genesis_decode(&g, &err, doc, len) || tc_genesis_valset(&vs, &err, &g)) {
        tc_free(doc);
        return cli_fail("%s: %s", file, len > TC_GENESIS_MAX ? "larger than the genesis limit" : err.msg);
    }
    uint8_t hash[TC_SHA256_LEN], vh[TC_SHA256_LEN];
    tc_genesis_hash(hash, doc, len);
    tc_valset_hash(&vs, vh);
    json_t *o = json_object();
    cli_json_set_text(o, "chain_id", (const char *)g.chain_id, g.chain_id_len);
    cli_json_set_hex(o, "genesis_hash", hash, TC_SHA256_LEN);
    json_object_set_new(o, "time_ms", json_integer((json_int_t)g.time_ms));
    json_object_set_new(o, "validators", json_integer((json_int_t)vs.n));
    cli_json_set_hex(o, "validator_set_hash", vh, TC_SHA256_LEN);
    tc_free(doc);
    cli_out_print(o, json);
    return CLI_OK;
}
