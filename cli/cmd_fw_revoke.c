/* `thingchain firmware revoke`: the fw.revoke transaction of a vendor's
 * release key set (docs/ledger.md): devices stop installing the release and
 * rollouts of it stop. k of n as for publish (tx cosign, tx submit). */
#include <getopt.h>
#include <stdio.h>

#include "cli.h"
#include "fw_util.h"

static const char usage[] =
    "thingchain firmware revoke --vendor ORG --model M --version V " FWU_SIGN_USAGE;

int cmd_fw_revoke(int argc, char **argv)
{
    static const struct option opts[] = {{"vendor", 1, NULL, 'V'}, {"model", 1, NULL, 'm'}, {"version", 1, NULL, 'v'},
                                         FWU_SIGN_OPTS, {NULL, 0, NULL, 0}};
    if (cli_wants_help(argc, argv)) {
        printf("usage: %s\n\nBuilds (-o) and/or submits (--node) fw.revoke for release --version of --model,\n"
               "signed by org --vendor's release key(s). For k of n, write it with -o, let the\n"
               "other holders `thingchain tx cosign` it, then `thingchain tx submit` it.\n", usage);
        return CLI_OK;
    }
    const char *vendor = NULL, *model = NULL, *version = NULL;
    fwu_sign sg = {0};
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
        if (c == 'V') vendor = optarg;
        else if (c == 'm') model = optarg;
        else if (c == 'v') version = optarg;
        else if (!fwu_sign_opt(&sg, c, optarg)) return cli_usage(usage, "unknown or incomplete option '%s'", argv[optind - 1]);
    }
    if (optind != argc) return cli_usage(usage, "unexpected argument '%s'", argv[optind]);
    if (!vendor || !model || !version) return cli_usage(usage, "--vendor, --model and --version are required");
    fwu_argv a = {0};
    fwu_add(&a, "tx build"); fwu_add(&a, "fw.revoke");
    fwu_add(&a, "--org"); fwu_add(&a, vendor);
    fwu_add(&a, "--model"); fwu_add(&a, model);
    fwu_add(&a, "--version"); fwu_add(&a, version);
    int rc = fwu_sign_run(&sg, &a, usage);
    fwu_argv_free(&a);
    return rc;
}
