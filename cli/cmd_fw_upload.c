/* `thingchain firmware upload --node URL IMAGE`: declares the image on a
 * node (size, chunk size, root and the leaf hashes, so the node checks
 * every chunk as it arrives) and posts the chunks the node does not have
 * yet: an interrupted upload resumes where it stopped (docs/firmware-ops.md).
 * Progress: a bar on a terminal, plain lines otherwise. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cli_json.h"
#include "fw_util.h"
#include "tc/alloc.h"
#include "tc/fwimage.h"
#include "tc/hex.h"
#include "tc/httpc.h"

static const char usage[] = "thingchain firmware upload --node URL IMAGE [--chunk-size N] [--json]";

static void progress(int tty, uint64_t done, uint64_t total, uint64_t sent, size_t bytes)
{
    if (tty) {
        int w = 40, f = total ? (int)(done * (uint64_t)w / total) : w;
        fprintf(stderr, "\r[%.*s%*s] %llu/%llu chunks, %zu bytes sent", f, "########################################",
                w - f, "", (unsigned long long)done, (unsigned long long)total, bytes);
        if (done == total) fputc('\n', stderr);
    } else if (done == total || sent % 64 == 0) {
        fprintf(stderr, "uploaded %llu/%llu chunks (%zu bytes sent)\n", (unsigned long long)done,
                (unsigned long long)total, bytes);
    }
}

/* POST over the kept-alive connection. A node over its per-client request
 * rate answers 429 (docs/api.md, Bounds): wait and send the same request
 * again, 20 ms doubling to 1 s, for up to two minutes in all. */
static int post(tc_http_conn *c, int *st, char *resp, size_t cap, const char *path, const char *ctype,
                const uint8_t *b, size_t n)
{
    static int told;
    unsigned wait_ms = 20, waited_ms = 0;
    for (;;) {
        tc_err err;
        if (tc_http_conn_request(c, st, resp, cap, &err, "POST", path, ctype, b, n)) return cli_fail("%s", err.msg);
        if (*st != 429 || waited_ms >= 120000) return 0;
        if (!told++)
            fprintf(stderr, "the node limits this client's request rate (HTTP 429): slowing down\n");
        usleep(wait_ms * 1000u);
        waited_ms += wait_ms;
        wait_ms = wait_ms * 2 > 1000 ? 1000 : wait_ms * 2;
    }
}

int cmd_fw_upload(int argc, char **argv)
{
    static const struct option opts[] = {{"node", 1, NULL, 'n'}, {"chunk-size", 1, NULL, 'c'},
                                         {"json", 0, NULL, 'j'}, {NULL, 0, NULL, 0}};
    if (cli_wants_help(argc, argv)) {
        printf("usage: %s\n\n"
               "Uploads IMAGE to a node's firmware chunk store: POST URL/v1/firmware/DIGEST with\n"
               "the chunk tree, then POST URL/v1/firmware/DIGEST/chunk/I for each chunk the node\n"
               "lacks (run it again to resume), over one kept-alive connection; a node that\n"
               "limits the request rate (HTTP 429) is waited for. --chunk-size must be the one\n"
               "of the release (default %u). Exit 0 when the node reports the image present.\n",
               usage, TC_FW_CHUNK_DEFAULT);
        return CLI_OK;
    }
    const char *node = NULL;
    uint32_t cs = TC_FW_CHUNK_DEFAULT;
    int json = 0, c, rc;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c == 'n') node = optarg;
        else if (c == 'c') { if ((rc = fwu_chunk_opt(&cs, optarg, usage))) return rc; }
        else if (c == 'j') json = 1;
        else return cli_usage(usage, "unknown or incomplete option '%s'", argv[optind - 1]);
    }
    if (optind + 1 != argc) return cli_usage(usage, "expected one IMAGE file");
    if (!node || strncmp(node, "http://", 7)) return cli_usage(usage, "--node http://HOST:PORT is required");
    fwu_image im;
    if ((rc = fwu_image_load(&im, argv[optind], cs))) { fwu_image_free(&im); return rc; }
    if (im.n * 64 + 256 > (1u << 20) + 4096u) {
        fwu_image_free(&im);
        return cli_fail("%llu chunks: too many for one declaration; use a larger --chunk-size", (unsigned long long)im.n);
    }
    /* declare */
    size_t ml = im.n * 64 + 256;
    char *meta = tc_malloc(ml), path[160], resp[4096];
    if (!meta) { fwu_image_free(&im); return cli_fail("out of memory"); }
    int off = snprintf(meta, ml, "{\"size\":%zu,\"chunk_size\":%u,\"root\":\"%s\",\"leaves\":\"", im.size, cs, im.root_hex);
    tc_hex_encode(meta + off, im.leaves, im.n * 32);
    strcat(meta + off, "\"}");
    snprintf(path, sizeof path, "/v1/firmware/%s", im.digest_hex);
    int st = 0;
    tc_http_conn *conn;
    if (tc_http_conn_new(&conn, node, 30000)) {
        tc_free(meta);
        fwu_image_free(&im);
        return cli_fail("out of memory");
    }
    rc = post(conn, &st, resp, sizeof resp, path, "application/json", (const uint8_t *)meta, strlen(meta));
    tc_free(meta);
    if (!rc && st != 200) rc = cli_fail("the node refused the image declaration (HTTP %d): %s", st, resp);
    json_t *info = rc ? NULL : fwu_get_json(node, path);
    if (!info) { tc_http_conn_close(conn); fwu_image_free(&im); return rc ? rc : CLI_FAIL; }
    json_t *missing = json_object_get(info, "missing");
    size_t nm = json_array_size(missing), bytes = 0;
    uint64_t done = im.n - nm, sent = 0;
    int tty = isatty(2);
    progress(tty, done, im.n, sent, bytes);
    for (size_t k = 0; k < nm && !rc; k++) {
        uint64_t i = (uint64_t)json_integer_value(json_array_get(missing, k));
        if (i >= im.n) { rc = cli_fail("the node lists chunk %llu, past the end", (unsigned long long)i); break; }
        size_t o = (size_t)i * cs, n = im.size - o < cs ? im.size - o : cs;
        snprintf(path, sizeof path, "/v1/firmware/%s/chunk/%llu", im.digest_hex, (unsigned long long)i);
        if ((rc = post(conn, &st, resp, sizeof resp, path, "application/octet-stream", im.data + o, n))) break;
        if (st != 200) { rc = cli_fail("chunk %llu refused (HTTP %d): %s", (unsigned long long)i, st, resp); break; }
        done++, sent++, bytes += n;
        progress(tty, done, im.n, sent, bytes);
    }
    json_decref(info);
    tc_http_conn_close(conn);
    if (!rc) {
        snprintf(path, sizeof path, "/v1/firmware/%s", im.digest_hex);
        info = fwu_get_json(node, path);
        if (!info) rc = CLI_FAIL;
        else if (!json_is_true(json_object_get(info, "present"))) { json_decref(info); rc = cli_fail("the node does not report the image present"); }
        else {
            json_object_set_new(info, "uploaded_chunks", json_integer((json_int_t)sent));
            json_object_del(info, "missing");
            cli_out_print(info, json);
        }
    }
    fwu_image_free(&im);
    return rc;
}
