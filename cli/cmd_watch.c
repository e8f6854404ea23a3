/* `thingchain watch --node URL [--json] [--count N]`: follows a node's
 * event stream (GET URL/v1/events, server-sent events; docs/api.md
 * "Events") and prints one line per committed block and per transaction
 * result until Ctrl-C (or N block events with --count):
 *   block 57  id 40d81a3f…  txs 2  state 3d97f69a…
 *   tx    bfe20184…  height 57  accepted
 * --json prints each event's JSON with an "event" member instead. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "tc/httpc.h"
#include "tc/sse.h"
#include <jansson.h>

typedef struct watch {
    tc_sse p;
    int as_json;
    uint64_t count, blocks;
} watch;

static const char *short_hex(json_t *j, const char *key, char *buf)
{
    const char *s = json_string_value(json_object_get(j, key));
    snprintf(buf, 20, "%.16s", s ? s : "?");
    return buf;
}

static int on_event(void *ctx, const char *event, const char *id, const char *data, size_t len)
{
    watch *w = ctx;
    (void)id;
    json_error_t je;
    json_t *j = json_loadb(data, len, 0, &je);
    if (!j || !json_is_object(j)) {
        json_decref(j);
        fprintf(stderr, "thingchain: watch: skipping an event that is not a JSON object\n");
        return 0;
    }
    char a[20], b[20];
    if (w->as_json) {
        json_object_set_new(j, "event", json_string(event));
        char *s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
        if (s) puts(s);
        free(s);
    } else if (!strcmp(event, "block")) {
        printf("block %-8lld id %s  txs %-5lld state %s\n",
               (long long)json_integer_value(json_object_get(j, "height")), short_hex(j, "id", a),
               (long long)json_integer_value(json_object_get(j, "txs")), short_hex(j, "state_root", b));
    } else if (!strcmp(event, "tx")) {
        const char *res = json_string_value(json_object_get(j, "result"));
        const char *msg = json_string_value(json_object_get(j, "message"));
        printf("tx    %s  height %-8lld %s%s%s\n", short_hex(j, "tx", a),
               (long long)json_integer_value(json_object_get(j, "height")), res ? res : "?",
               msg && *msg ? ": " : "", msg && *msg ? msg : "");
    } else if (!strcmp(event, "hello")) {
        fprintf(stderr, "watching from height %lld (Ctrl-C to stop)\n",
                (long long)json_integer_value(json_object_get(j, "height")));
    }
    fflush(stdout);
    json_decref(j);
    if (!strcmp(event, "block") && w->count && ++w->blocks >= w->count)
        return 1; /* done */
    return 0;
}

static int on_bytes(void *ctx, const char *p, size_t n)
{
    watch *w = ctx;
    return tc_sse_feed(&w->p, p, n, on_event, w);
}

int cmd_watch(int argc, char **argv)
{
    static const char usage[] = "thingchain watch --node URL [--json] [--count N] [--idle-timeout MS]";
    static const struct option opts[] = {{"node", required_argument, NULL, 'n'},
                                         {"json", no_argument, NULL, 'j'},
                                         {"count", required_argument, NULL, 'c'},
                                         {"idle-timeout", required_argument, NULL, 't'},
                                         {NULL, 0, NULL, 0}};
    if (cli_wants_help(argc, argv)) {
        printf("usage: %s\n\nFollows a node's event stream (GET URL/v1/events) and prints a line per\n"
               "committed block and per transaction result, until Ctrl-C or until --count N\n"
               "blocks were shown. --json: one JSON object per event (member \"event\" names it).\n"
               "--idle-timeout MS: give up when nothing arrives for MS (default 30000; blocks\n"
               "arrive at least every block interval). Exit 0 when the stream ends or the count\n"
               "is reached; 1 if the node cannot be reached, refuses or goes silent; 2 usage.\n", usage);
        return CLI_OK;
    }
    static watch w;
    const char *node = NULL;
    uint64_t idle = 30000;
    int c, rc;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c == 'n') node = optarg;
        else if (c == 'j') w.as_json = 1;
        else if (c == 'c') { if ((rc = cli_u64_opt(&w.count, "--count", optarg, usage))) return rc; }
        else if (c == 't') { if ((rc = cli_u64_opt(&idle, "--idle-timeout", optarg, usage))) return rc; }
        else return cli_usage(usage, "unknown or incomplete option '%s'", argv[optind - 1]);
    }
    if (optind != argc) return cli_usage(usage, "unexpected argument '%s'", argv[optind]);
    if (!node) return cli_usage(usage, "--node URL is required");
    if (strncmp(node, "http://", 7) != 0) return cli_usage(usage, "--node must be an http:// URL");
    if (idle > 3600000) return cli_usage(usage, "--idle-timeout must be at most 3600000 ms");
    tc_sse_init(&w.p);
    int status = 0;
    tc_err err;
    rc = tc_http_stream(&status, &err, node, "/v1/events", "text/event-stream", (int)idle, on_bytes, &w);
    if (rc) return cli_fail("%s", err.msg);
    if (status != 200) return cli_fail("node answered HTTP %d to /v1/events", status);
    if (w.p.dropped) fprintf(stderr, "thingchain: watch: %llu over-long events dropped\n", (unsigned long long)w.p.dropped);
    return CLI_OK;
}
