/* Shared helpers of the command-line tool: input, options, messages. */
#include "cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "tc/alloc.h"
#include "tc/errors.h"
#include "tc/hex.h"

const char *cli_command_name = "thingchain";

int cli_usage(const char *usage, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "thingchain %s: ", cli_command_name);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nusage: %s\n", usage);
    return CLI_USAGE;
}

int cli_fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "thingchain %s: ", cli_command_name);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return CLI_FAIL;
}

int cli_read_input(uint8_t **buf, size_t *len, const char *path)
{
    FILE *f = stdin;
    const char *name = "standard input";
    if (path && strcmp(path, "-") != 0) {
        f = fopen(path, "rb");
        name = path;
        if (!f) return cli_fail("cannot open %s: %s", path, strerror(errno));
    }
    size_t cap = 4096, n = 0;
    uint8_t *b = tc_malloc(cap);
    if (!b) { if (f != stdin) fclose(f); return cli_fail("out of memory"); }
    for (;;) {
        if (n == cap) {
            if (cap >= CLI_MAX_INPUT) {
                tc_free(b);
                if (f != stdin) fclose(f);
                return cli_fail("%s is larger than %u bytes", name, CLI_MAX_INPUT);
            }
            cap *= 2;
            uint8_t *nb = tc_realloc(b, cap);
            if (!nb) { tc_free(b); if (f != stdin) fclose(f); return cli_fail("out of memory"); }
            b = nb;
        }
        size_t r = fread(b + n, 1, cap - n, f);
        n += r;
        if (r == 0) break;
    }
    int err = ferror(f);
    if (f != stdin) fclose(f);
    if (err) { tc_free(b); return cli_fail("error reading %s", name); }
    *buf = b;
    *len = n;
    return 0;
}

int cli_hex_opt(uint8_t *out, size_t cap, size_t *out_len, size_t exact, const char *opt,
                const char *val, const char *usage)
{
    size_t n = strlen(val), got = 0;
    if (exact && n != 2 * exact)
        return cli_usage(usage, "%s must be %zu bytes of hex (%zu digits), got %zu digits", opt,
                         exact, 2 * exact, n);
    int rc = tc_hex_decode(out, cap, &got, val, n);
    if (rc == TC_ERR_BUFFER_TOO_SMALL)
        return cli_usage(usage, "%s is longer than %zu bytes", opt, cap);
    if (rc) return cli_usage(usage, "%s is not valid hex", opt);
    if (out_len) *out_len = got;
    return 0;
}

int cli_u64_opt(uint64_t *out, const char *opt, const char *val, const char *usage)
{
    char *end = NULL;
    errno = 0;
    if (!val[0] || val[0] == '-') return cli_usage(usage, "%s must be a non-negative integer", opt);
    unsigned long long v = strtoull(val, &end, 10);
    if (errno || *end) return cli_usage(usage, "%s must be a non-negative integer, got '%s'", opt, val);
    *out = v;
    return 0;
}

int cli_wants_help(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0) return 0;
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) return 1;
    }
    return 0;
}

void cli_print_hex(FILE *f, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) fprintf(f, "%02x", p[i]);
    fputc('\n', f);
}
