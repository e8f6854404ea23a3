/* `thingchain tx submit FILE --node URL`: POSTs the raw transaction bytes
 * to URL/tx (docs/api.md) and prints the node's answer. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cmd_tx.h"
#include "tc/alloc.h"
#include "tc/httpc.h"

int cmd_tx_submit(int argc, char **argv)
{
    static const char usage[] = "thingchain tx submit FILE --node URL [--timeout MS]";
    static const struct option opts[] = {{"node", required_argument, NULL, 'n'},
                                         {"timeout", required_argument, NULL, 't'}, {NULL, 0, NULL, 0}};
    if (cli_wants_help(argc, argv)) {
        printf("usage: %s\n\nSends a signed transaction to a node: POST URL/tx with the raw bytes\n"
               "(application/cbor), e.g. --node http://127.0.0.1:26601. Prints the node's JSON\n"
               "answer; exit 0 on a 2xx status, 1 otherwise (the answer says why).\n", usage);
        return CLI_OK;
    }
    const char *node = NULL;
    uint64_t timeout = 10000;
    int c, rc;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c == 'n') node = optarg;
        else if (c == 't') { if ((rc = cli_u64_opt(&timeout, "--timeout", optarg, usage))) return rc; }
        else return cli_usage(usage, "unknown or incomplete option '%s'", argv[optind - 1]);
    }
    if (optind + 1 != argc) return cli_usage(usage, "expected one FILE");
    if (!node) return cli_usage(usage, "--node URL is required");
    if (strncmp(node, "http://", 7) != 0) return cli_usage(usage, "--node must be an http:// URL");
    if (timeout == 0 || timeout > 600000) return cli_usage(usage, "--timeout must be 1..600000 ms");
    uint8_t *buf;
    size_t len;
    tc_tx tx;
    if ((rc = cli_tx_load(&buf, &len, &tx, argv[optind]))) return rc;
    static char resp[64 * 1024];
    int status = 0;
    tc_err err;
    rc = tc_http_request(&status, resp, sizeof resp, &err, "POST", node, "/tx", "application/cbor", buf, len,
                         (int)timeout);
    tc_free(buf);
    if (rc) return cli_fail("%s", err.msg);
    fputs(resp, stdout);
    if (resp[0] && resp[strlen(resp) - 1] != '\n') putchar('\n');
    if (status < 200 || status > 299) return cli_fail("node answered HTTP %d", status);
    return CLI_OK;
}
