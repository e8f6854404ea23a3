/* `thingchain config status --node URL --operator ORG --target T --name N`:
 * the published version of a config document and, per targeted device, the
 * version it last reported applied or failed (GET URL/v1/config/status;
 * 'g' records, docs/ledger.md). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "fw_util.h"

static const char usage[] =
    "thingchain config status --node URL --operator ORG --target device:HEX|group:NAME|model:NAME --name N [--json]";

/* Query-string escaping of a value (RFC 3986 unreserved kept). */
static void esc(char *out, size_t cap, const char *s)
{
    size_t o = 0;
    for (; *s && o + 4 < cap; s++) {
        unsigned char ch = (unsigned char)*s;
        if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || strchr("-._~:", ch))
            out[o++] = (char)ch;
        else
            o += (size_t)snprintf(out + o, cap - o, "%%%02X", ch);
    }
    out[o] = 0;
}

int cmd_config_status(int argc, char **argv)
{
    static const struct option opts[] = {{"node", 1, NULL, 'N'}, {"operator", 1, NULL, 'O'}, {"target", 1, NULL, 't'},
                                         {"name", 1, NULL, 'a'}, {"json", 0, NULL, 'j'}, {NULL, 0, NULL, 0}};
    if (cli_wants_help(argc, argv)) {
        printf("usage: %s\n\nPrints the version the operator published and, for each device the target\n"
               "covers (the device, the group's or the model's devices), the version it\n"
               "reported and whether it applied or failed, as of the node's last block.\n", usage);
        return CLI_OK;
    }
    const char *node = NULL, *op = NULL, *target = NULL, *name = NULL;
    int json = 0, c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c == 'N') node = optarg;
        else if (c == 'O') op = optarg;
        else if (c == 't') target = optarg;
        else if (c == 'a') name = optarg;
        else if (c == 'j') json = 1;
        else return cli_usage(usage, "unknown or incomplete option '%s'", argv[optind - 1]);
    }
    if (optind != argc) return cli_usage(usage, "unexpected argument '%s'", argv[optind]);
    if (!node || !op || !target || !name) return cli_usage(usage, "--node, --operator, --target and --name are required");
    char path[1024], eo[64], et[400], en[400];
    esc(eo, sizeof eo, op);
    esc(et, sizeof et, target);
    esc(en, sizeof en, name);
    snprintf(path, sizeof path, "/v1/config/status?operator=%s&target=%s&name=%s", eo, et, en);
    json_t *j = fwu_get_json(node, path);
    if (!j) return CLI_FAIL;
    if (json) {
        char *s = json_dumps(j, JSON_COMPACT);
        if (s) puts(s);
        free(s);
        json_decref(j);
        return CLI_OK;
    }
    printf("%s for %s of org %s: published version %lld (doc id %s, height %lld)\n", name, target, op,
           (long long)json_integer_value(json_object_get(j, "published_version")),
           json_string_value(json_object_get(j, "doc_id")), (long long)json_integer_value(json_object_get(j, "height")));
    printf("%-32s %8s %-10s %s\n", "device", "version", "status", "height");
    json_t *d;
    size_t i;
    json_array_foreach(json_object_get(j, "devices"), i, d) {
        json_t *v = json_object_get(d, "version");
        char vs[24] = "-", hs[24] = "-";
        if (json_is_integer(v)) snprintf(vs, sizeof vs, "%lld", (long long)json_integer_value(v));
        if (json_object_get(d, "height")) snprintf(hs, sizeof hs, "%lld", (long long)json_integer_value(json_object_get(d, "height")));
        printf("%-32s %8s %-10s %s\n", json_string_value(json_object_get(d, "device")), vs,
               json_string_value(json_object_get(d, "status")), hs);
    }
    json_decref(j);
    return CLI_OK;
}
