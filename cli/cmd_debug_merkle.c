/* `thingchain debug merkle-*`: the RFC 9162 history tree from the command
 * line (docs/history.md). Fixed contracts that other tools script:
 *
 *   merkle-root [FILE|-]                     root of the leaves
 *   merkle-inclusion --index I [FILE|-]      inclusion proof of leaf I
 *   merkle-consistency --old M [FILE|-]      consistency proof M -> all
 *   merkle-verify-inclusion --index I --size N --root HEX --leaf HEX [PROOF|-]
 *   merkle-verify-consistency --old M --new N --old-root HEX --new-root HEX [PROOF|-]
 *
 * Leaf input: one leaf per line, the hex of the leaf DATA (either case). A
 * line is text ending in '\n', the last one's '\n' optional (POSIX lines):
 * "" is no leaf, "\n" one empty leaf, "ab\n\n" two leaves (ab, then empty).
 * A '\r' before '\n' is dropped. Proof input: one 64-digit hash per line;
 * blank lines are ignored. Hashes are printed as lowercase hex, one per line.
 * Exit codes: 0 ok, 1 failed check or malformed input, 2 usage. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "tc/alloc.h"
#include "tc/errors.h"
#include "tc/hex.h"
#include "tc/history.h"
#include "tc/kv.h"

#define H TC_HIST_HASH_LEN
/* Flush this often so the tree's pending-node ceiling is never reached. */
#define FLUSH_EVERY 100000

typedef struct line_iter {
    const char *p, *end;
} line_iter;

/* Next POSIX line (without '\n' and a final '\r'); 0 at the end. */
static int next_line(line_iter *it, const char **s, size_t *n)
{
    if (it->p >= it->end) return 0;
    const char *nl = memchr(it->p, '\n', (size_t)(it->end - it->p));
    const char *e = nl ? nl : it->end;
    *s = it->p;
    *n = (size_t)(e - it->p);
    if (*n && (*s)[*n - 1] == '\r') (*n)--;
    it->p = nl ? nl + 1 : it->end;
    return 1;
}

/* Reads the leaves of path into a new tree (kv: a memory store for proofs,
 * NULL for the root alone). Returns 0 or CLI_FAIL after printing why. */
static int load_tree(tc_hist **out, tc_kv **kv_out, const char *path, int with_store)
{
    uint8_t *buf = NULL, *leaf = NULL;
    size_t len = 0;
    tc_kv *kv = NULL;
    tc_hist *h = NULL;
    int rc = cli_read_input(&buf, &len, path);
    if (rc) return rc;
    if (with_store && (rc = tc_kv_mem_open(&kv)) != 0) goto fail_code;
    if ((rc = tc_hist_open(&h, kv, NULL, 0)) != 0) goto fail_code;
    leaf = tc_malloc(len / 2 + 1);
    if (!leaf) { rc = TC_ERR_NOMEM; goto fail_code; }
    line_iter it = {(const char *)buf, (const char *)buf + len};
    const char *s;
    size_t n, lineno = 0;
    while (next_line(&it, &s, &n)) {
        size_t dlen;
        lineno++;
        if (tc_hex_decode(leaf, len / 2 + 1, &dlen, s, n) != 0) {
            rc = cli_fail("leaf line %zu is not valid hex (one leaf per line, hex of its data)", lineno);
            goto fail;
        }
        if ((rc = tc_hist_append(h, leaf, dlen)) != 0) goto fail_code;
        if (lineno % FLUSH_EVERY == 0 && (rc = tc_hist_flush(h)) != 0) goto fail_code;
    }
    if ((rc = tc_hist_flush(h)) != 0) goto fail_code;
    tc_free(leaf);
    tc_free(buf);
    *out = h;
    *kv_out = kv;
    return 0;
fail_code:
    rc = cli_fail("%s", tc_strerror(rc));
fail:
    tc_free(leaf);
    tc_free(buf);
    tc_hist_close(h);
    tc_kv_close(kv);
    return rc;
}

static void print_hashes(const uint8_t *hashes, size_t n)
{
    for (size_t i = 0; i < n; i++) cli_print_hex(stdout, hashes + i * H, H);
}

/* At most one positional argument (the input); "-" or none is stdin. */
static int input_arg(const char **path, int argc, char **argv, const char *usage)
{
    if (optind < argc - 1) return cli_usage(usage, "unexpected argument '%s'", argv[optind + 1]);
    *path = optind < argc ? argv[optind] : "-";
    return 0;
}

static int fail_code(int rc)
{
    return cli_fail("%s (%s)", tc_strerror(rc), tc_errname(rc));
}

/* Parses options shared by every merkle command; values land in vals[] in
 * the order of `opts`. Returns 0, or CLI_USAGE after printing why. */
static int parse(int argc, char **argv, const struct option *opts, const char **vals, size_t nvals,
                 const char *usage)
{
    int c, idx;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", opts, &idx)) != -1) {
        if (c == '?') return cli_usage(usage, "unknown option or missing value: '%s'", argv[optind - 1]);
        if (c >= 0 && (size_t)c < nvals) vals[c] = optarg;
    }
    return 0;
}

/* ---- generators ---------------------------------------------------------- */

int cmd_debug_merkle_root(int argc, char **argv)
{
    static const char usage[] = "thingchain debug merkle-root [FILE|-]";
    if (cli_wants_help(argc, argv)) {
        printf("usage: %s\n\nPrints the RFC 9162 Merkle tree root of the leaves, given one per line as\n"
               "hex of the leaf data (an empty line is an empty leaf; no input is the empty tree).\n", usage);
        return CLI_OK;
    }
    static const struct option opts[] = {{0, 0, 0, 0}};
    const char *path = "-";
    int rc = parse(argc, argv, opts, NULL, 0, usage);
    if (rc || (rc = input_arg(&path, argc, argv, usage)) != 0) return rc;
    tc_hist *h;
    tc_kv *kv;
    if ((rc = load_tree(&h, &kv, path, 0)) != 0) return rc;
    uint8_t root[H];
    tc_hist_root(h, root);
    cli_print_hex(stdout, root, H);
    tc_hist_close(h);
    return CLI_OK;
}

static int prove(int argc, char **argv, int consistency)
{
    const char *usage = consistency ? "thingchain debug merkle-consistency --old M [FILE|-]"
                                    : "thingchain debug merkle-inclusion --index I [FILE|-]";
    if (cli_wants_help(argc, argv)) {
        printf("usage: %s\n\n", usage);
        if (consistency)
            printf("Prints the RFC 9162 consistency proof from the tree of the first M leaves to\n"
                   "the tree of all of them, one hash per line (none when M is 0 or all leaves).\n");
        else
            printf("Prints the RFC 9162 inclusion proof (audit path) of leaf I (from 0) in the\n"
                   "tree of all the leaves, one hash per line, leaf end first.\n");
        printf("Leaves: one per line, hex of the leaf data. Exit 1 if the number is out of range.\n");
        return CLI_OK;
    }
    static const struct option opts[] = {{"index", required_argument, 0, 0},
                                         {"old", required_argument, 0, 1}, {0, 0, 0, 0}};
    const char *vals[2] = {NULL, NULL}, *path = "-";
    int rc = parse(argc, argv, opts, vals, 2, usage);
    if (rc || (rc = input_arg(&path, argc, argv, usage)) != 0) return rc;
    const char *opt = consistency ? "--old" : "--index";
    const char *val = vals[consistency ? 1 : 0];
    if (vals[consistency ? 0 : 1]) return cli_usage(usage, "%s does not apply here", consistency ? "--index" : "--old");
    if (!val) return cli_usage(usage, "%s is required", opt);
    uint64_t num;
    if ((rc = cli_u64_opt(&num, opt, val, usage)) != 0) return rc;

    tc_hist *h;
    tc_kv *kv;
    if ((rc = load_tree(&h, &kv, path, 1)) != 0) return rc;
    uint8_t proof[TC_HIST_MAX_PROOF * H];
    size_t n = 0;
    uint64_t size = tc_hist_size(h);
    if (consistency)
        rc = tc_hist_prove_consistency(h, proof, TC_HIST_MAX_PROOF, &n, num, size);
    else
        rc = tc_hist_prove_inclusion(h, proof, TC_HIST_MAX_PROOF, &n, num, size);
    tc_hist_close(h);
    tc_kv_close(kv);
    if (rc == TC_ERR_MERKLE_INDEX)
        return cli_fail("%s %llu is out of range for %llu leaves", opt, (unsigned long long)num,
                        (unsigned long long)size);
    if (rc) return fail_code(rc);
    print_hashes(proof, n);
    return CLI_OK;
}

int cmd_debug_merkle_inclusion(int argc, char **argv) { return prove(argc, argv, 0); }
int cmd_debug_merkle_consistency(int argc, char **argv) { return prove(argc, argv, 1); }

/* ---- verifiers ----------------------------------------------------------- */

/* Reads a proof: one 64-digit hash per line, blank lines ignored. Up to
 * TC_HIST_MAX_PROOF + 1 hashes are kept (more is too long for any tree:
 * *n then exceeds every valid length). */
static int load_proof(uint8_t *out, size_t *n, const char *path)
{
    uint8_t *buf;
    size_t len, count = 0, lineno = 0;
    int rc = cli_read_input(&buf, &len, path);
    if (rc) return rc;
    line_iter it = {(const char *)buf, (const char *)buf + len};
    const char *s;
    size_t sl;
    while (next_line(&it, &s, &sl)) {
        lineno++;
        while (sl && (s[sl - 1] == ' ' || s[sl - 1] == '\t')) sl--;
        while (sl && (s[0] == ' ' || s[0] == '\t')) { s++; sl--; }
        if (sl == 0) continue;
        uint8_t hbuf[H];
        size_t got;
        if (sl != 2 * H || tc_hex_decode(hbuf, H, &got, s, sl) != 0) {
            tc_free(buf);
            return cli_fail("proof line %zu is not a 64-digit hex hash", lineno);
        }
        if (count <= TC_HIST_MAX_PROOF) memcpy(out + count * H, hbuf, H);
        count++;
    }
    tc_free(buf);
    *n = count > TC_HIST_MAX_PROOF + 1 ? TC_HIST_MAX_PROOF + 1 : count;
    return 0;
}

static int report(int rc)
{
    if (rc) return fail_code(rc);
    printf("ok\n");
    return CLI_OK;
}

int cmd_debug_merkle_verify_inclusion(int argc, char **argv)
{
    static const char usage[] =
        "thingchain debug merkle-verify-inclusion --index I --size N --root HEX (--leaf HEX | --leaf-hash HEX) [PROOF|-]";
    if (cli_wants_help(argc, argv)) {
        printf("usage: %s\n\nChecks an RFC 9162 inclusion proof (one hash per line) of leaf I in the tree\n"
               "of N leaves with the given root. --leaf is the hex of the leaf data, --leaf-hash\n"
               "its leaf hash. Prints ok and exits 0 if the proof holds; exits 1 with the reason\n"
               "if not.\n", usage);
        return CLI_OK;
    }
    static const struct option opts[] = {{"index", required_argument, 0, 0}, {"size", required_argument, 0, 1},
                                         {"root", required_argument, 0, 2}, {"leaf", required_argument, 0, 3},
                                         {"leaf-hash", required_argument, 0, 4}, {0, 0, 0, 0}};
    const char *v[5] = {0}, *path = "-";
    int rc = parse(argc, argv, opts, v, 5, usage);
    if (rc || (rc = input_arg(&path, argc, argv, usage)) != 0) return rc;
    if (!v[0] || !v[1] || !v[2]) return cli_usage(usage, "--index, --size and --root are required");
    if (!v[3] == !v[4]) return cli_usage(usage, "give exactly one of --leaf and --leaf-hash");
    uint64_t index, size;
    uint8_t root[H], lh[H];
    if ((rc = cli_u64_opt(&index, "--index", v[0], usage)) != 0) return rc;
    if ((rc = cli_u64_opt(&size, "--size", v[1], usage)) != 0) return rc;
    if ((rc = cli_hex_opt(root, H, NULL, H, "--root", v[2], usage)) != 0) return rc;
    if (v[4]) {
        if ((rc = cli_hex_opt(lh, H, NULL, H, "--leaf-hash", v[4], usage)) != 0) return rc;
    } else {
        size_t cap = strlen(v[3]) / 2 + 1, dlen = 0;
        uint8_t *data = tc_malloc(cap);
        if (!data) return cli_fail("out of memory");
        rc = cli_hex_opt(data, cap, &dlen, 0, "--leaf", v[3], usage);
        if (!rc) tc_hist_leaf_hash(lh, data, dlen);
        tc_free(data);
        if (rc) return rc;
    }
    uint8_t proof[(TC_HIST_MAX_PROOF + 1) * H];
    size_t n;
    if ((rc = load_proof(proof, &n, path)) != 0) return rc;
    return report(tc_hist_verify_inclusion(root, index, size, lh, proof, n));
}

int cmd_debug_merkle_verify_consistency(int argc, char **argv)
{
    static const char usage[] =
        "thingchain debug merkle-verify-consistency --old M --new N --old-root HEX --new-root HEX [PROOF|-]";
    if (cli_wants_help(argc, argv)) {
        printf("usage: %s\n\nChecks an RFC 9162 consistency proof (one hash per line) that the tree of M\n"
               "leaves with --old-root is a prefix of the tree of N leaves with --new-root.\n"
               "M == N needs an empty proof and equal roots; M == 0 an empty proof and the\n"
               "empty-tree root. Prints ok and exits 0 if the proof holds; exits 1 with the\n"
               "reason if not.\n", usage);
        return CLI_OK;
    }
    static const struct option opts[] = {{"old", required_argument, 0, 0}, {"new", required_argument, 0, 1},
                                         {"old-root", required_argument, 0, 2},
                                         {"new-root", required_argument, 0, 3}, {0, 0, 0, 0}};
    const char *v[4] = {0}, *path = "-";
    int rc = parse(argc, argv, opts, v, 4, usage);
    if (rc || (rc = input_arg(&path, argc, argv, usage)) != 0) return rc;
    if (!v[0] || !v[1] || !v[2] || !v[3])
        return cli_usage(usage, "--old, --new, --old-root and --new-root are required");
    uint64_t old, size;
    uint8_t old_root[H], new_root[H];
    if ((rc = cli_u64_opt(&old, "--old", v[0], usage)) != 0) return rc;
    if ((rc = cli_u64_opt(&size, "--new", v[1], usage)) != 0) return rc;
    if ((rc = cli_hex_opt(old_root, H, NULL, H, "--old-root", v[2], usage)) != 0) return rc;
    if ((rc = cli_hex_opt(new_root, H, NULL, H, "--new-root", v[3], usage)) != 0) return rc;
    uint8_t proof[(TC_HIST_MAX_PROOF + 1) * H];
    size_t n;
    if ((rc = load_proof(proof, &n, path)) != 0) return rc;
    return report(tc_hist_verify_consistency(old, size, old_root, new_root, proof, n));
}
