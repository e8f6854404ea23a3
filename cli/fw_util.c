/* Firmware/rollout/config command helpers (cli/fw_util.h). */
#include "fw_util.h"

#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "tc/alloc.h"
#include "tc/crypto.h"
#include "tc/fwimage.h"
#include "tc/hex.h"
#include "tc/httpc.h"

int fwu_image_load(fwu_image *im, const char *path, uint32_t chunk_size)
{
    uint8_t *data;
    size_t size;
    memset(im, 0, sizeof *im);
    int rc = cli_read_input(&data, &size, path);
    if (rc) return rc;
    if (size == 0) { tc_free(data); return cli_fail("%s is empty", path); }
    return fwu_image_init(im, data, size, chunk_size);
}

int fwu_image_init(fwu_image *im, uint8_t *data, size_t size, uint32_t chunk_size)
{
    int rc;
    memset(im, 0, sizeof *im);
    im->data = data;
    im->size = size;
    im->chunk_size = chunk_size;
    im->n = tc_fwimage_nchunks(im->size, chunk_size);
    im->leaves = tc_malloc(im->n * 32);
    if (!im->leaves) return cli_fail("out of memory");
    tc_sha256(im->digest, im->data, im->size);
    tc_fwimage_leaves(im->leaves, im->data, im->size, chunk_size);
    if ((rc = tc_fwimage_root(im->root, im->leaves, im->n))) return cli_fail("chunk tree: %s", tc_strerror(rc));
    tc_hex_encode(im->digest_hex, im->digest, 32);
    tc_hex_encode(im->root_hex, im->root, 32);
    return 0;
}

void fwu_image_free(fwu_image *im)
{
    tc_free(im->data);
    tc_free(im->leaves);
    memset(im, 0, sizeof *im);
}

int fwu_chunk_opt(uint32_t *out, const char *val, const char *usage)
{
    uint64_t v;
    int rc = cli_u64_opt(&v, "--chunk-size", val, usage);
    if (rc) return rc;
    if (v < TC_FW_CHUNK_MIN || v > TC_FW_CHUNK_MAX)
        return cli_usage(usage, "--chunk-size must be %u..%u bytes", TC_FW_CHUNK_MIN, TC_FW_CHUNK_MAX);
    *out = (uint32_t)v;
    return 0;
}

int fwu_expiry(uint64_t *ms, const char *expiry, const char *ttl, const char *usage)
{
    if (expiry && ttl) return cli_usage(usage, "give --expiry or --ttl, not both");
    uint64_t days = 365;
    if (expiry) {
        struct tm tm;
        memset(&tm, 0, sizeof tm);
        const char *e;
        if ((e = strptime(expiry, "%Y-%m-%dT%H:%M:%SZ", &tm)) && !*e) { *ms = (uint64_t)timegm(&tm) * 1000; return 0; }
        memset(&tm, 0, sizeof tm);
        if ((e = strptime(expiry, "%Y-%m-%d", &tm)) && !*e) { *ms = (uint64_t)timegm(&tm) * 1000; return 0; }
        return cli_u64_opt(ms, "--expiry (YYYY-MM-DD, YYYY-MM-DDTHH:MM:SSZ or ms since the epoch)", expiry, usage);
    }
    if (ttl) {
        int rc = cli_u64_opt(&days, "--ttl", ttl, usage);
        if (rc) return rc;
        if (days == 0 || days > 36500) return cli_usage(usage, "--ttl is 1..36500 days");
    }
    *ms = ((uint64_t)time(NULL) + days * 86400u) * 1000u;
    return 0;
}

void fwu_add(fwu_argv *a, const char *s)
{
    if (a->n < (int)(sizeof a->v / sizeof a->v[0]) - 1) {
        a->v[a->n++] = strdup(s);
        a->v[a->n] = NULL;
    }
}

void fwu_addf(fwu_argv *a, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    fwu_add(a, buf);
}

void fwu_argv_free(fwu_argv *a)
{
    for (int i = 0; i < a->n; i++) free(a->v[i]);
    a->n = 0;
}

int fwu_tx_build(fwu_argv *a)
{
    optind = 0; /* the inner command parses with getopt from scratch */
    return cmd_tx_build(a->n, a->v);
}

int fwu_tx_submit(const char *file, const char *node)
{
    char *v[] = {"tx submit", (char *)file, "--node", (char *)node, NULL};
    optind = 0;
    return cmd_tx_submit(4, v);
}

int fwu_get(int *status, uint8_t **body, size_t *len, size_t cap, const char *node, const char *path,
            const char *headers)
{
    tc_err err;
    *body = tc_malloc(cap + 1);
    if (!*body) return cli_fail("out of memory");
    int rc = tc_http_request_ex(status, (char *)*body, cap + 1, len, &err, "GET", node, path, NULL, headers, NULL, 0,
                                30000);
    if (rc) {
        tc_free(*body);
        *body = NULL;
        return cli_fail("%s", err.msg);
    }
    return 0;
}

json_t *fwu_get_json(const char *node, const char *path)
{
    uint8_t *b;
    size_t n;
    int st;
    if (fwu_get(&st, &b, &n, TC_HTTPC_RESP_MAX - 1, node, path, NULL)) return NULL;
    json_error_t je;
    json_t *j = json_loadb((const char *)b, n, 0, &je);
    if (st != 200 || !json_is_object(j)) {
        json_t *m = j ? json_object_get(j, "message") : NULL;
        json_t *c = j ? json_object_get(j, "code") : NULL;
        cli_fail("%s%s: HTTP %d: %s%s%s", node, path, st, c ? json_string_value(c) : "",
                 c ? ": " : "", m ? json_string_value(m) : (const char *)b);
        json_decref(j);
        j = NULL;
    }
    tc_free(b);
    return j;
}

int fwu_sign_opt(fwu_sign *s, int c, const char *arg)
{
    switch (c) {
    case 'k': if (s->nkeys < 16) s->keys[s->nkeys++] = arg; return 1;
    case 'n': s->nonce = arg; return 1;
    case 'C': s->chain = arg; return 1;
    case 'G': s->genesis = arg; return 1;
    case 'o': s->out = arg; return 1;
    case 'N': s->node = arg; return 1;
    default: return 0;
    }
}

int fwu_sign_run(fwu_sign *s, fwu_argv *a, const char *usage)
{
    char tmp[512];
    const char *td = getenv("TMPDIR"); /* the transaction file when only --node is given */
    snprintf(tmp, sizeof tmp, "%s/tc_tx_XXXXXX", td && *td ? td : "/tmp");
    if (!s->nkeys || !s->nonce) return cli_usage(usage, "--key KEYFILE and --nonce N are required");
    if (!s->out && !s->node) return cli_usage(usage, "give -o OUT (write the transaction) and/or --node URL (submit it)");
    if (s->node && strncmp(s->node, "http://", 7)) return cli_usage(usage, "--node must be an http:// URL");
    const char *out = s->out;
    if (!out) {
        int fd = mkstemp(tmp);
        if (fd < 0) return cli_fail("cannot create a temporary file");
        close(fd);
        out = tmp;
    }
    for (int i = 0; i < s->nkeys; i++) { fwu_add(a, "--key"); fwu_add(a, s->keys[i]); }
    fwu_add(a, "--nonce"); fwu_add(a, s->nonce);
    if (s->chain) { fwu_add(a, "--chain-id"); fwu_add(a, s->chain); }
    if (s->genesis) { fwu_add(a, "--genesis"); fwu_add(a, s->genesis); }
    fwu_add(a, "-o"); fwu_add(a, out);
    fflush(stdout);
    int saved = dup(1), null = open("/dev/null", O_WRONLY);
    if (saved >= 0 && null >= 0) dup2(null, 1);
    int rc = fwu_tx_build(a);
    fflush(stdout);
    if (saved >= 0) { dup2(saved, 1); close(saved); }
    if (null >= 0) close(null);
    if (!rc && s->out) fprintf(stderr, "wrote %s\n", s->out);
    if (!rc && s->node) rc = fwu_tx_submit(out, s->node);
    if (!s->out) unlink(tmp);
    return rc;
}
