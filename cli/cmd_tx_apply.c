/* `thingchain debug tx-apply --genesis FILE TX...`: applies transactions in
 * order to the genesis state in memory with the node's rules
 * (tc_ledger_apply) and prints each result code. Lets an operator check a
 * transaction before submitting it, and tests check that what `tx build`
 * writes is what the ledger accepts. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "tc/alloc.h"
#include "tc/genesis.h"
#include "tc/ledger.h"
#include "tc/overlay.h"

int cmd_debug_tx_apply(int argc, char **argv)
{
    static const char usage[] = "thingchain debug tx-apply --genesis FILE [--height H] [--time MS] TX...";
    static const struct option opts[] = {{"genesis", required_argument, NULL, 'g'},
                                         {"height", required_argument, NULL, 'h'},
                                         {"time", required_argument, NULL, 't'}, {NULL, 0, NULL, 0}};
    if (cli_wants_help(argc, argv)) {
        printf("usage: %s\n\nApplies each transaction file, in order, to the state written by the genesis\n"
               "(in memory; nothing is stored) as block HEIGHT (default 2) at time MS (default\n"
               "genesis time + 1 s). Prints one line per transaction: 'ok' or the rejection\n"
               "code, its name and the ledger's message. Exit 0 when all were accepted, 1 if not.\n",
               usage);
        return CLI_OK;
    }
    const char *gpath = NULL;
    uint64_t height = 2, time_ms = 0;
    int have_time = 0, c, rc;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        rc = 0;
        if (c == 'g') gpath = optarg;
        else if (c == 'h') rc = cli_u64_opt(&height, "--height", optarg, usage);
        else if (c == 't') { rc = cli_u64_opt(&time_ms, "--time", optarg, usage); have_time = 1; }
        else return cli_usage(usage, "unknown or incomplete option '%s'", argv[optind - 1]);
        if (rc) return rc;
    }
    if (!gpath) return cli_usage(usage, "--genesis FILE is required");
    if (optind >= argc) return cli_usage(usage, "expected at least one transaction file");
    uint8_t *doc;
    size_t dl;
    if ((rc = cli_read_input(&doc, &dl, gpath))) return rc;
    tc_genesis g;
    tc_err err;
    tc_overlay *ov = NULL;
    if (dl > TC_GENESIS_MAX || tc_genesis_decode(&g, &err, doc, dl)) {
        tc_free(doc);
        return cli_fail("%s is not a valid genesis document", gpath);
    }
    if (tc_overlay_new(&ov, NULL)) { tc_free(doc); return cli_fail("out of memory"); }
    tc_state *st = tc_overlay_state(ov);
    tc_state_tx_begin(st);
    if (tc_genesis_apply(st, &err, doc, dl)) {
        tc_state_tx_rollback(st);
        rc = cli_fail("genesis: %s", err.msg);
        goto out;
    }
    tc_state_tx_commit(st);
    tc_block_ctx ctx = {g.chain_id, g.chain_id_len, height, have_time ? time_ms : g.time_ms + 1000};
    rc = CLI_OK;
    for (int i = optind; i < argc; i++) {
        uint8_t *tx;
        size_t tl;
        if (cli_read_input(&tx, &tl, argv[i])) { rc = CLI_FAIL; continue; }
        tc_err_clear(&err);
        tc_state_tx_begin(st);
        int r = tc_ledger_apply(st, &err, tx, tl, &ctx, 0);
        if (r) tc_state_tx_rollback(st);
        else tc_state_tx_commit(st);
        if (r) {
            printf("%s: %d %s: %s\n", argv[i], r, tc_errname(r), err.msg);
            rc = CLI_FAIL;
        } else {
            printf("%s: ok\n", argv[i]);
        }
        tc_free(tx);
    }
out:
    tc_overlay_free(ov);
    tc_free(doc);
    return rc;
}
