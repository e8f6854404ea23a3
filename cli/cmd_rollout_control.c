/* `thingchain rollout advance|pause|resume|abort`: fw.rollout_control
 * transactions of an operator's admin key set (docs/ledger.md). One file:
 * the four differ only in the action. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "fw_util.h"

static const char usage[] = "thingchain rollout advance|pause|resume|abort --operator ORG --id N " FWU_SIGN_USAGE;

static int control(int argc, char **argv, const char *action)
{
    static const struct option opts[] = {{"operator", 1, NULL, 'O'}, {"id", 1, NULL, 'i'}, FWU_SIGN_OPTS,
                                         {NULL, 0, NULL, 0}};
    if (cli_wants_help(argc, argv)) {
        printf("usage: %s\n\n"
               "advance starts the next wave (only while active); pause stops new installs;\n"
               "resume continues a paused rollout (also one the failure threshold paused);\n"
               "abort ends it for good. Builds (-o) and/or submits (--node) the transaction.\n", usage);
        return CLI_OK;
    }
    const char *op = NULL, *id = NULL;
    fwu_sign sg = {0};
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
        if (c == 'O') op = optarg;
        else if (c == 'i') id = optarg;
        else if (!fwu_sign_opt(&sg, c, optarg)) return cli_usage(usage, "unknown or incomplete option '%s'", argv[optind - 1]);
    }
    if (optind != argc) return cli_usage(usage, "unexpected argument '%s'", argv[optind]);
    if (!op || !id) return cli_usage(usage, "--operator and --id are required");
    fwu_argv a = {0};
    fwu_add(&a, "tx build"); fwu_add(&a, "fw.rollout_control");
    fwu_add(&a, "--org"); fwu_add(&a, op);
    fwu_add(&a, "--rollout-id"); fwu_add(&a, id);
    fwu_add(&a, "--action"); fwu_add(&a, action);
    int rc = fwu_sign_run(&sg, &a, usage);
    fwu_argv_free(&a);
    return rc;
}

int cmd_rollout_advance(int argc, char **argv) { return control(argc, argv, "advance"); }
int cmd_rollout_pause(int argc, char **argv) { return control(argc, argv, "pause"); }
int cmd_rollout_resume(int argc, char **argv) { return control(argc, argv, "resume"); }
int cmd_rollout_abort(int argc, char **argv) { return control(argc, argv, "abort"); }
