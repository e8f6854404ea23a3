/* `thingchain debug smt`: put/delete/root/prove/verify on a state-tree file
 * (SQLite, tc_kv_sqlite) for debugging the state tree (docs/state-tree.md).
 * Keys are 32-byte key hashes (SHA-256 of the state key) in hex. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "tc/alloc.h"
#include "tc/errors.h"
#include "tc/hex.h"
#include "tc/kv.h"
#include "tc/smt.h"

static const char usage[] =
    "thingchain debug smt put    --db FILE [--keep N] KEYHEX VALUEHEX [KEYHEX VALUEHEX ...]\n"
    "       thingchain debug smt delete --db FILE [--keep N] KEYHEX [KEYHEX ...]\n"
    "       thingchain debug smt root   --db FILE [--version V]\n"
    "       thingchain debug smt get    --db FILE [--version V] KEYHEX\n"
    "       thingchain debug smt prove  --db FILE [--version V] KEYHEX\n"
    "       thingchain debug smt verify --root HEX --key HEX [--value HEX] PROOFHEX";

static const char help[] =
    "\nThe state tree: a sparse Merkle tree from 32-byte key hashes to 32-byte value\n"
    "hashes (docs/state-tree.md), stored in a SQLite file.\n"
    "  put     apply the pairs as one new version; prints the new root\n"
    "  delete  remove the keys as one new version; prints the new root\n"
    "  root    prints the root of the latest (or the given) version\n"
    "  get     prints the value hash of KEY (exit 1 if absent)\n"
    "  prove   prints the proof (CBOR, hex) that KEY is present or absent\n"
    "  verify  exit 0 if PROOFHEX proves KEY -> VALUE under ROOT (without\n"
    "          --value: proves KEY absent), 1 with the reason otherwise\n"
    "Options: --keep N  versions kept provable (default 16); --version V\n"
    "Exit: 0 ok, 1 failure, 2 usage.\n";

typedef struct opts {
    const char *db;
    uint64_t version, keep;
    int has_version, has_root, has_key, has_value;
    uint8_t root[32], key[32], value[32];
} opts;

static int parse(opts *o, int argc, char **argv)
{
    static const struct option lo[] = {
        { "db", required_argument, NULL, 'd' }, { "keep", required_argument, NULL, 'k' },
        { "version", required_argument, NULL, 'v' }, { "root", required_argument, NULL, 'r' },
        { "key", required_argument, NULL, 'K' }, { "value", required_argument, NULL, 'V' },
        { NULL, 0, NULL, 0 },
    };
    int c, rc;
    memset(o, 0, sizeof *o);
    o->keep = 16;
    while ((c = getopt_long(argc, argv, ":", lo, NULL)) != -1) {
        switch (c) {
        case 'd': o->db = optarg; break;
        case 'k':
            if ((rc = cli_u64_opt(&o->keep, "--keep", optarg, usage))) return rc;
            if (o->keep < 1 || o->keep > UINT32_MAX) return cli_usage(usage, "--keep must be 1..2^32-1");
            break;
        case 'v':
            if ((rc = cli_u64_opt(&o->version, "--version", optarg, usage))) return rc;
            o->has_version = 1;
            break;
        case 'r': if ((rc = cli_hex_opt(o->root, 32, NULL, 32, "--root", optarg, usage))) return rc; o->has_root = 1; break;
        case 'K': if ((rc = cli_hex_opt(o->key, 32, NULL, 32, "--key", optarg, usage))) return rc; o->has_key = 1; break;
        case 'V': if ((rc = cli_hex_opt(o->value, 32, NULL, 32, "--value", optarg, usage))) return rc; o->has_value = 1; break;
        case ':': return cli_usage(usage, "option %s needs a value", argv[optind - 1]);
        default: return cli_usage(usage, "unknown option '%s'", argv[optind - 1]);
        }
    }
    return 0;
}

static int open_tree(tc_kv **kv, tc_smt **t, const opts *o)
{
    int rc = tc_kv_sqlite_open(kv, o->db);
    if (rc) return cli_fail("%s: %s", o->db, tc_strerror(rc));
    rc = tc_smt_open(t, *kv, (uint32_t)o->keep);
    if (rc) { tc_kv_close(*kv); return cli_fail("%s: %s", o->db, tc_strerror(rc)); }
    return 0;
}

static int do_update(const opts *o, int is_put, int n, char **args)
{
    int per = is_put ? 2 : 1;
    if (n == 0 || n % per) return cli_usage(usage, is_put ? "expected KEYHEX VALUEHEX pairs" : "expected KEYHEX...");
    size_t count = (size_t)(n / per);
    tc_smt_update *ups = tc_calloc(count, sizeof *ups);
    if (!ups) return cli_fail("out of memory");
    int rc = 0;
    for (size_t i = 0; i < count && !rc; i++) {
        rc = cli_hex_opt(ups[i].key, 32, NULL, 32, "KEYHEX", args[i * per], usage);
        if (!rc && is_put) rc = cli_hex_opt(ups[i].value, 32, NULL, 32, "VALUEHEX", args[i * per + 1], usage);
        ups[i].del = !is_put;
    }
    tc_kv *kv = NULL; tc_smt *t = NULL;
    if (!rc) rc = open_tree(&kv, &t, o);
    if (rc) { tc_free(ups); return rc; }
    uint8_t root[32];
    int e = tc_kv_begin(kv);
    if (!e) e = tc_smt_apply(t, root, ups, count);
    if (!e) e = tc_kv_commit(kv);
    else tc_kv_rollback(kv);
    tc_free(ups);
    if (!e) { printf("version %llu\n", (unsigned long long)tc_smt_version(t)); cli_print_hex(stdout, root, 32); }
    tc_smt_close(t); tc_kv_close(kv);
    return e ? cli_fail("%s", tc_strerror(e)) : CLI_OK;
}

static int do_read(const opts *o, const char *sub, int n, char **args)
{
    int is_root = strcmp(sub, "root") == 0;
    if (is_root ? n != 0 : n != 1) return cli_usage(usage, is_root ? "root takes no arguments" : "expected one KEYHEX");
    uint8_t key[32];
    int rc = is_root ? 0 : cli_hex_opt(key, 32, NULL, 32, "KEYHEX", args[0], usage);
    tc_kv *kv = NULL; tc_smt *t = NULL;
    if (!rc) rc = open_tree(&kv, &t, o);
    if (rc) return rc;
    uint64_t v = o->has_version ? o->version : tc_smt_version(t);
    uint8_t buf[TC_SMT_PROOF_MAX];
    size_t len = 0;
    int e;
    if (is_root) {
        e = tc_smt_root(t, buf, v);
        if (!e) cli_print_hex(stdout, buf, 32);
    } else if (strcmp(sub, "get") == 0) {
        e = tc_smt_get(t, buf, v, key);
        if (!e) cli_print_hex(stdout, buf, 32);
    } else {
        e = tc_smt_prove(t, buf, sizeof buf, &len, v, key);
        if (!e) cli_print_hex(stdout, buf, len);
    }
    tc_smt_close(t); tc_kv_close(kv);
    return e ? cli_fail("%s", tc_strerror(e)) : CLI_OK;
}

static int do_verify(const opts *o, int n, char **args)
{
    if (!o->has_root || !o->has_key) return cli_usage(usage, "verify needs --root and --key");
    if (n != 1) return cli_usage(usage, "expected one PROOFHEX");
    size_t hl = strlen(args[0]);
    uint8_t *proof = tc_malloc(hl / 2 + 1);
    if (!proof) return cli_fail("out of memory");
    size_t pl = 0;
    if (tc_hex_decode(proof, hl / 2 + 1, &pl, args[0], hl)) {
        tc_free(proof);
        return cli_usage(usage, "PROOFHEX is not hex");
    }
    int e = tc_smt_verify(o->root, o->key, o->has_value ? o->value : NULL, proof, pl);
    tc_free(proof);
    if (e) return cli_fail("proof rejected: %s", tc_strerror(e));
    printf("ok: key %s\n", o->has_value ? "present with that value" : "absent");
    return CLI_OK;
}

int cmd_debug_smt(int argc, char **argv)
{
    if (argc < 2 || cli_wants_help(2, argv)) {
        if (argc >= 2) { printf("usage: %s\n%s", usage, help); return CLI_OK; }
        return cli_usage(usage, "missing subcommand");
    }
    const char *sub = argv[1];
    if (cli_wants_help(argc, argv)) { printf("usage: %s\n%s", usage, help); return CLI_OK; }
    opts o;
    int rc = parse(&o, argc - 1, argv + 1);
    if (rc) return rc;
    int n = argc - 1 - optind;
    char **args = argv + 1 + optind;
    if (strcmp(sub, "verify") == 0) return do_verify(&o, n, args);
    int known = !strcmp(sub, "put") || !strcmp(sub, "delete") || !strcmp(sub, "root")
                || !strcmp(sub, "get") || !strcmp(sub, "prove");
    if (!known) return cli_usage(usage, "unknown subcommand '%s'", sub);
    if (!o.db) return cli_usage(usage, "%s needs --db FILE", sub);
    if (!strcmp(sub, "put") || !strcmp(sub, "delete")) return do_update(&o, !strcmp(sub, "put"), n, args);
    return do_read(&o, sub, n, args);
}
