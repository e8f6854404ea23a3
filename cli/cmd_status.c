/* `thingchain status --node URL [--json]`: a node's view in one screen
 * (GET URL/status, docs/api.md): chain, height, last block id, peers,
 * mempool, consensus round, whether it votes. Table for people, --json for
 * scripts (the node's own JSON). Exit 1 if the node cannot be reached or
 * answers an error. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cli_json.h"
#include "tc/alloc.h"
#include "tc/httpc.h"

int cmd_status(int argc, char **argv)
{
    static const char usage[] = "thingchain status --node URL [--json] [--timeout MS]";
    static const struct option opts[] = {{"node", required_argument, NULL, 'n'},
                                         {"json", no_argument, NULL, 'j'},
                                         {"timeout", required_argument, NULL, 't'},
                                         {NULL, 0, NULL, 0}};
    if (cli_wants_help(argc, argv)) {
        printf("usage: %s\n\nShows a node's status (GET URL/status): chain id, height, last block id,\n"
               "peer links, mempool size, consensus height and round, whether it votes, and\n"
               "transactions committed since it started. --node e.g. http://127.0.0.1:26601.\n"
               "Exit 0; 1 if the node cannot be reached or answers an error; 2 usage.\n", usage);
        return CLI_OK;
    }
    const char *node = NULL;
    int as_json = 0, c, rc;
    uint64_t timeout = 5000;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c == 'n') node = optarg;
        else if (c == 'j') as_json = 1;
        else if (c == 't') { if ((rc = cli_u64_opt(&timeout, "--timeout", optarg, usage))) return rc; }
        else return cli_usage(usage, "unknown or incomplete option '%s'", argv[optind - 1]);
    }
    if (optind != argc) return cli_usage(usage, "unexpected argument '%s'", argv[optind]);
    if (!node) return cli_usage(usage, "--node URL is required");
    if (strncmp(node, "http://", 7) != 0) return cli_usage(usage, "--node must be an http:// URL");
    if (timeout == 0 || timeout > 600000) return cli_usage(usage, "--timeout must be 1..600000 ms");
    static char resp[64 * 1024];
    int status = 0;
    tc_err err;
    if (tc_http_request(&status, resp, sizeof resp, &err, "GET", node, "/status", NULL, NULL, 0, (int)timeout))
        return cli_fail("%s", err.msg);
    json_error_t je;
    json_t *j = json_loads(resp, 0, &je);
    if (!j || !json_is_object(j)) {
        json_decref(j);
        return cli_fail("node answered HTTP %d without a JSON object", status);
    }
    if (status != 200) {
        const char *m = json_string_value(json_object_get(j, "message"));
        int r = cli_fail("node answered HTTP %d: %s", status, m ? m : "?");
        json_decref(j);
        return r;
    }
    cli_out_print(j, as_json);
    return CLI_OK;
}
