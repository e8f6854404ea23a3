/* `thingchain firmware export DIR`: writes the mirror layout of an image
 * (docs/firmware-ops.md, "Mirrors"): DIR/v1/firmware/DIGEST/image and
 * DIR/v1/firmware/DIGEST/path/I, the node's own URLs, so any static web
 * server is a mirror (Range on the image file works with any of them).
 * The image comes from a node (--node URL --digest HEX, fetched in Range
 * pieces) or a local file (--image FILE); either way its SHA-256 and chunk
 * root are checked before anything is written. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "cli_json.h"
#include "fw_util.h"
#include "tc/alloc.h"
#include "tc/crypto.h"
#include "tc/fwimage.h"
#include "tc/hex.h"

static const char usage[] =
    "thingchain firmware export (--node URL --digest HEX | --image FILE [--chunk-size N]) DIR [--json]";

#define PIECE (512u * 1024u)

static int mkdirs(const char *path)
{
    char p[1400];
    snprintf(p, sizeof p, "%s", path);
    for (char *s = p + 1; *s; s++) {
        if (*s != '/') continue;
        *s = 0;
        if (mkdir(p, 0755) && errno != EEXIST) return -1;
        *s = '/';
    }
    return mkdir(p, 0755) && errno != EEXIST ? -1 : 0;
}

static int write_file(const char *path, const uint8_t *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f) return cli_fail("cannot create %s: %s", path, strerror(errno));
    int bad = fwrite(p, 1, n, f) != n;
    bad |= fclose(f) != 0;
    return bad ? cli_fail("cannot write %s", path) : 0;
}

/* Downloads the image from a node into *img (tc_malloc'd). */
static int fetch(uint8_t **img, size_t *size, uint32_t *cs, const char *node, const char *hex)
{
    char path[160], range[64];
    snprintf(path, sizeof path, "/v1/firmware/%s", hex);
    json_t *info = fwu_get_json(node, path);
    if (!info) return CLI_FAIL;
    json_int_t sz = json_integer_value(json_object_get(info, "size"));
    *cs = (uint32_t)json_integer_value(json_object_get(info, "chunk_size"));
    int present = json_is_true(json_object_get(info, "present"));
    json_decref(info);
    if (!present) return cli_fail("the node does not have every chunk of %s yet", hex);
    if (sz <= 0 || (uint64_t)sz > CLI_MAX_INPUT) return cli_fail("image size %lld not supported", (long long)sz);
    *size = (size_t)sz;
    if (!(*img = tc_malloc(*size))) return cli_fail("out of memory");
    snprintf(path, sizeof path, "/v1/firmware/%s/image", hex);
    for (size_t off = 0; off < *size;) {
        size_t want = *size - off < PIECE ? *size - off : PIECE, got;
        uint8_t *b;
        int st;
        snprintf(range, sizeof range, "Range: bytes=%zu-%zu\r\n", off, off + want - 1);
        if (fwu_get(&st, &b, &got, PIECE, node, path, range)) return CLI_FAIL;
        int ok = st == 206 && got == want;
        if (ok) memcpy(*img + off, b, want);
        tc_free(b);
        if (!ok) return cli_fail("range %zu-%zu: HTTP %d with %zu bytes (expected 206 with %zu)", off, off + want - 1, st, got, want);
        off += want;
    }
    return 0;
}

int cmd_fw_export(int argc, char **argv)
{
    static const struct option opts[] = {{"node", 1, NULL, 'n'}, {"digest", 1, NULL, 'd'}, {"image", 1, NULL, 'i'},
                                         {"chunk-size", 1, NULL, 'c'}, {"json", 0, NULL, 'j'}, {NULL, 0, NULL, 0}};
    if (cli_wants_help(argc, argv)) {
        printf("usage: %s\n\n"
               "Writes DIR/v1/firmware/DIGEST/image and DIR/v1/firmware/DIGEST/path/I (the CBOR\n"
               "inclusion proof of chunk I) for every chunk: serve DIR with any static web server\n"
               "and devices fetch the same URLs as from a node. The image is checked against its\n"
               "digest (and, from a node, its chunk-tree root) first. --chunk-size (default %u)\n"
               "applies to --image; a node says its own.\n", usage, TC_FW_CHUNK_DEFAULT);
        return CLI_OK;
    }
    const char *node = NULL, *dhex = NULL, *image = NULL;
    uint32_t cs = TC_FW_CHUNK_DEFAULT;
    int json = 0, c, rc;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c == 'n') node = optarg;
        else if (c == 'd') dhex = optarg;
        else if (c == 'i') image = optarg;
        else if (c == 'c') { if ((rc = fwu_chunk_opt(&cs, optarg, usage))) return rc; }
        else if (c == 'j') json = 1;
        else return cli_usage(usage, "unknown or incomplete option '%s'", argv[optind - 1]);
    }
    if (optind + 1 != argc) return cli_usage(usage, "expected one output DIR");
    if (!image == !(node && dhex)) return cli_usage(usage, "give --node URL with --digest HEX, or --image FILE");
    uint8_t want[32];
    if (dhex && (rc = cli_hex_opt(want, 32, NULL, 32, "--digest", dhex, usage))) return rc;
    fwu_image im;
    memset(&im, 0, sizeof im);
    if (image) {
        if ((rc = fwu_image_load(&im, image, cs))) { fwu_image_free(&im); return rc; }
    } else {
        uint8_t *img = NULL;
        size_t size = 0;
        char root_node[65] = "";
        if ((rc = fetch(&img, &size, &cs, node, dhex))) { tc_free(img); return rc; }
        json_t *info = NULL;
        char p[160];
        snprintf(p, sizeof p, "/v1/firmware/%s", dhex);
        if ((info = fwu_get_json(node, p))) snprintf(root_node, sizeof root_node, "%s", json_string_value(json_object_get(info, "root")));
        json_decref(info);
        if ((rc = fwu_image_init(&im, img, size, cs))) { fwu_image_free(&im); return rc; }
        if (memcmp(im.digest, want, 32) != 0) { fwu_image_free(&im); return cli_fail("the node's bytes do not hash to %s", dhex); }
        if (strcmp(root_node, im.root_hex) != 0) { fwu_image_free(&im); return cli_fail("the node's chunk root is not the root of its bytes"); }
    }
    char dir[1200], path[1400];
    snprintf(dir, sizeof dir, "%s/v1/firmware/%s/path", argv[optind], im.digest_hex);
    if (mkdirs(dir)) { fwu_image_free(&im); return cli_fail("cannot create %s: %s", dir, strerror(errno)); }
    snprintf(path, sizeof path, "%s/v1/firmware/%s/image", argv[optind], im.digest_hex);
    rc = write_file(path, im.data, im.size);
    tc_fwtree *t = NULL;
    if (!rc && tc_fwtree_build(&t, im.leaves, im.n)) rc = cli_fail("cannot build the chunk tree");
    static uint8_t proof[TC_HIST_PROOF_CBOR_MAX];
    for (uint64_t i = 0; !rc && i < im.n; i++) {
        size_t pl;
        if (tc_fwtree_path(t, proof, sizeof proof, &pl, i)) { rc = cli_fail("path %llu", (unsigned long long)i); break; }
        snprintf(path, sizeof path, "%s/%llu", dir, (unsigned long long)i);
        rc = write_file(path, proof, pl);
    }
    tc_fwtree_free(t);
    if (!rc)
        cli_out_print(json_pack("{s:s,s:s,s:I,s:I,s:I,s:s}", "dir", argv[optind], "digest", im.digest_hex, "size",
                                (json_int_t)im.size, "chunk_size", (json_int_t)cs, "chunks", (json_int_t)im.n, "root",
                                im.root_hex),
                      json);
    fwu_image_free(&im);
    return rc;
}
