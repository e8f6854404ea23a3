/* `thingchain rollout status --node URL --operator ORG --id N`: the per-wave
 * table of a rollout (GET URL/v1/rollouts/ORG/ID/status, tc_query_rollout_status
 * on the node; docs/firmware-ops.md). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "fw_util.h"

static const char usage[] = "thingchain rollout status --node URL --operator ORG --id N [--json]";

int cmd_rollout_status(int argc, char **argv)
{
    static const struct option opts[] = {{"node", 1, NULL, 'N'}, {"operator", 1, NULL, 'O'}, {"id", 1, NULL, 'i'},
                                         {"json", 0, NULL, 'j'}, {NULL, 0, NULL, 0}};
    if (cli_wants_help(argc, argv)) {
        printf("usage: %s\n\nPrints the rollout's version, status (active, paused, paused (auto), aborted),\n"
               "current wave and, per wave, the devices whose latest report is downloading,\n"
               "installed or failed, as of the node's last committed block. --json prints the\n"
               "node's answer.\n", usage);
        return CLI_OK;
    }
    const char *node = NULL;
    uint64_t op = 0, id = 0;
    int json = 0, c, rc, have_op = 0, have_id = 0;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c == 'N') node = optarg;
        else if (c == 'O') { if ((rc = cli_u64_opt(&op, "--operator", optarg, usage))) return rc; have_op = 1; }
        else if (c == 'i') { if ((rc = cli_u64_opt(&id, "--id", optarg, usage))) return rc; have_id = 1; }
        else if (c == 'j') json = 1;
        else return cli_usage(usage, "unknown or incomplete option '%s'", argv[optind - 1]);
    }
    if (optind != argc) return cli_usage(usage, "unexpected argument '%s'", argv[optind]);
    if (!node || !have_op || !have_id) return cli_usage(usage, "--node, --operator and --id are required");
    char path[96];
    snprintf(path, sizeof path, "/v1/rollouts/%llu/%llu/status", (unsigned long long)op, (unsigned long long)id);
    json_t *j = fwu_get_json(node, path);
    if (!j) return CLI_FAIL;
    if (json) {
        char *s = json_dumps(j, JSON_COMPACT);
        if (s) puts(s);
        free(s);
        json_decref(j);
        return CLI_OK;
    }
#define U(o, k) ((long long)json_integer_value(json_object_get((o), (k))))
    printf("rollout %lld of org %lld: version %lld, %s, current wave %lld, %lld reports (height %lld)\n", U(j, "id"),
           U(j, "operator"), U(j, "version"), json_string_value(json_object_get(j, "status")), U(j, "current_wave"),
           U(j, "reports"), U(j, "height"));
    if (json_object_get(j, "max_failure_permille"))
        printf("automatic pause past %lld per mille failed; since this wave started: %lld of %lld final reports failed\n",
               U(j, "max_failure_permille"), U(j, "wave_failures"), U(j, "wave_final_reports"));
    printf("%-6s %-8s %12s %10s %7s\n", "wave", "started", "downloading", "installed", "failed");
    json_t *w;
    size_t i;
    json_array_foreach(json_object_get(j, "waves"), i, w)
        printf("%-6lld %-8s %12lld %10lld %7lld\n", U(w, "wave"), json_is_true(json_object_get(w, "started")) ? "yes" : "no",
               U(w, "downloading"), U(w, "installed"), U(w, "failed"));
    json_t *u = json_object_get(j, "unassigned");
    printf("%-15s %12lld %10lld %7lld\n", "unassigned", U(u, "downloading"), U(u, "installed"), U(u, "failed"));
#undef U
    json_decref(j);
    return CLI_OK;
}
