/* `thingchain tx show FILE`: decodes a transaction file and prints it. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cli_json.h"
#include "cmd_tx.h"
#include "tc/alloc.h"

int cmd_tx_show(int argc, char **argv)
{
    static const char usage[] = "thingchain tx show FILE|- [--json]";
    if (cli_wants_help(argc, argv)) {
        printf("usage: %s\n\nDecodes a signed transaction (as the node does: shape and limits, not the\n"
               "signatures or state) and prints type, signer, nonce, chain id, signature key\n"
               "ids, payload hash and the body in CBOR diagnostic notation. Exit 1 if it does\n"
               "not decode.\n", usage);
        return CLI_OK;
    }
    int json = 0;
    const char *file = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--json")) json = 1;
        else if (argv[i][0] == '-' && argv[i][1]) return cli_usage(usage, "unknown option '%s'", argv[i]);
        else if (file) return cli_usage(usage, "expected one FILE");
        else file = argv[i];
    }
    if (!file) return cli_usage(usage, "expected one FILE");
    uint8_t *buf;
    size_t len;
    tc_tx tx;
    int rc = cli_tx_load(&buf, &len, &tx, file);
    if (rc) return rc;
    cli_out_print(cli_tx_describe(&tx, len), json);
    tc_free(buf);
    return CLI_OK;
}
