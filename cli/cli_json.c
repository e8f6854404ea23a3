/* Table / JSON output helpers (cli_json.h). */
#include "cli_json.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tc/alloc.h"
#include "tc/hex.h"

json_t *cli_json_hex(const uint8_t *p, size_t n)
{
    char *s = tc_malloc(2 * n + 1);
    assert(s);
    tc_hex_encode(s, p, n);
    json_t *j = json_string(s);
    tc_free(s);
    assert(j);
    return j;
}

void cli_json_set_hex(json_t *obj, const char *key, const uint8_t *p, size_t n)
{
    json_object_set_new(obj, key, cli_json_hex(p, n));
}

void cli_json_set_text(json_t *obj, const char *key, const char *p, size_t n)
{
    json_t *j = json_stringn(p, n);
    /* Text that is not UTF-8 (the ledger rejects it anyway) is shown as hex. */
    json_object_set_new(obj, key, j ? j : cli_json_hex((const uint8_t *)p, n));
}

static void print_value(json_t *v)
{
    if (json_is_string(v)) {
        fputs(json_string_value(v), stdout);
    } else {
        char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY | JSON_PRESERVE_ORDER);
        fputs(s ? s : "?", stdout);
        free(s);
    }
}

void cli_out_print(json_t *obj, int as_json)
{
    if (as_json) {
        char *s = json_dumps(obj, JSON_COMPACT | JSON_PRESERVE_ORDER);
        if (s) puts(s);
        free(s);
    } else {
        size_t w = 0;
        const char *k;
        json_t *v;
        json_object_foreach(obj, k, v) if (strlen(k) > w) w = strlen(k);
        json_object_foreach(obj, k, v) {
            printf("%-*s  ", (int)w, k);
            print_value(v);
            putchar('\n');
        }
    }
    json_decref(obj);
}
