/* `thingchain config publish`: the cfg.publish transaction of an operator's
 * config key set (docs/ledger.md; docs/firmware-ops.md, "Config"): FILE's
 * bytes as the document body with its digest and size, for a device, a
 * group or a model. Versions only go up: the ledger refuses a rollback
 * (LEDGER_VERSION_ROLLBACK). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "fw_util.h"

static const char usage[] =
    "thingchain config publish FILE --target device:HEX|group:NAME|model:NAME --name N --version V\n"
    "       --operator ORG [--expiry MS] " FWU_SIGN_USAGE;

int cmd_config_publish(int argc, char **argv)
{
    static const struct option opts[] = {{"target", 1, NULL, 't'}, {"name", 1, NULL, 'a'}, {"version", 1, NULL, 'v'},
                                         {"operator", 1, NULL, 'O'}, {"expiry", 1, NULL, 'e'}, FWU_SIGN_OPTS,
                                         {NULL, 0, NULL, 0}};
    if (cli_wants_help(argc, argv)) {
        printf("usage: %s\n\nPublishes FILE (at most the transaction body size) as version --version of\n"
               "config document --name for the target, signed by org --operator's config keys.\n"
               "Devices apply the newest version and report it (cfg.report); see\n"
               "`thingchain config status`.\n", usage);
        return CLI_OK;
    }
    const char *target = NULL, *name = NULL, *version = NULL, *op = NULL, *expiry = NULL;
    fwu_sign sg = {0};
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
        if (c == 't') target = optarg;
        else if (c == 'a') name = optarg;
        else if (c == 'v') version = optarg;
        else if (c == 'O') op = optarg;
        else if (c == 'e') expiry = optarg;
        else if (!fwu_sign_opt(&sg, c, optarg)) return cli_usage(usage, "unknown or incomplete option '%s'", argv[optind - 1]);
    }
    if (optind + 1 != argc) return cli_usage(usage, "expected one FILE");
    if (!target || !name || !version || !op) return cli_usage(usage, "--target, --name, --version and --operator are required");
    const char *colon = strchr(target, ':');
    size_t kl = colon ? (size_t)(colon - target) : 0;
    if (!colon || !((kl == 6 && !strncmp(target, "device", 6)) || (kl == 5 && !strncmp(target, "group", 5)) ||
                    (kl == 5 && !strncmp(target, "model", 5))) || !colon[1])
        return cli_usage(usage, "--target is device:HEX, group:NAME or model:NAME");
    fwu_argv a = {0};
    fwu_add(&a, "tx build"); fwu_add(&a, "cfg.publish");
    fwu_add(&a, "--org"); fwu_add(&a, op);
    fwu_add(&a, "--target-kind"); fwu_addf(&a, "%.*s", (int)kl, target);
    fwu_add(&a, "--target"); fwu_add(&a, colon + 1);
    fwu_add(&a, "--name"); fwu_add(&a, name);
    fwu_add(&a, "--version"); fwu_add(&a, version);
    fwu_add(&a, "--body-file"); fwu_add(&a, argv[optind]);
    if (expiry) { fwu_add(&a, "--expiry"); fwu_add(&a, expiry); }
    int rc = fwu_sign_run(&sg, &a, usage);
    fwu_argv_free(&a);
    return rc;
}
