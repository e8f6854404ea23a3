/* `thingchain rollout start`: the fw.rollout transaction of an operator's
 * admin key set (docs/ledger.md; docs/firmware-ops.md, "Rollouts"): a
 * release rolled out to groups in waves, wave 0 started at once, with an
 * optional failure threshold that pauses the rollout automatically.
 * Percent waves are groups: --percent-waves 1,10,100 means the waves
 * [wave-1pct], [wave-10pct], [wave-100pct] (the operator puts 1 % of the
 * devices in wave-1pct, the next 9 % in wave-10pct, the rest in
 * wave-100pct with dev.set_groups). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "fw_util.h"

static const char usage[] =
    "thingchain rollout start --operator ORG --id N --vendor ORG --model M --version V\n"
    "       (--wave G1,G2 [--wave ...] | --percent-waves 1,10,100 [--group-prefix wave-])\n"
    "       [--max-failure-permille P] " FWU_SIGN_USAGE;

int cmd_rollout_start(int argc, char **argv)
{
    static const struct option opts[] = {
        {"operator", 1, NULL, 'O'}, {"id", 1, NULL, 'i'}, {"vendor", 1, NULL, 'V'}, {"model", 1, NULL, 'm'},
        {"version", 1, NULL, 'v'}, {"wave", 1, NULL, 'w'}, {"percent-waves", 1, NULL, 'P'},
        {"group-prefix", 1, NULL, 'g'}, {"max-failure-permille", 1, NULL, 'f'}, FWU_SIGN_OPTS, {NULL, 0, NULL, 0}};
    if (cli_wants_help(argc, argv)) {
        printf("usage: %s\n\n"
               "Starts rollout --id of a release to the operator's devices in waves (at most 16).\n"
               "Each --wave is a comma-separated list of group names; wave 0 starts at once,\n"
               "`thingchain rollout advance` starts the next. --percent-waves 1,10,100 makes the\n"
               "waves from groups PREFIX1pct, PREFIX10pct, PREFIX100pct (prefix default wave-).\n"
               "--max-failure-permille P pauses the rollout in the block where failed reports in\n"
               "the started waves exceed P per mille of the devices that reported (docs/firmware-ops.md).\n",
               usage);
        return CLI_OK;
    }
    const char *op = NULL, *id = NULL, *vendor = NULL, *model = NULL, *version = NULL, *pct = NULL, *prefix = "wave-";
    const char *permille = NULL, *waves[16];
    int nw = 0, c, rc;
    fwu_sign sg = {0};
    opterr = 0;
    while ((c = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
        switch (c) {
        case 'O': op = optarg; break;
        case 'i': id = optarg; break;
        case 'V': vendor = optarg; break;
        case 'm': model = optarg; break;
        case 'v': version = optarg; break;
        case 'w': if (nw == 16) return cli_usage(usage, "at most 16 waves"); waves[nw++] = optarg; break;
        case 'P': pct = optarg; break;
        case 'g': prefix = optarg; break;
        case 'f': permille = optarg; break;
        default:
            if (!fwu_sign_opt(&sg, c, optarg)) return cli_usage(usage, "unknown or incomplete option '%s'", argv[optind - 1]);
        }
    }
    if (optind != argc) return cli_usage(usage, "unexpected argument '%s'", argv[optind]);
    if (!op || !id || !vendor || !model || !version) return cli_usage(usage, "--operator, --id, --vendor, --model and --version are required");
    if (!nw == !pct) return cli_usage(usage, "give --wave (repeatable) or --percent-waves, one of them");
    fwu_argv a = {0};
    fwu_add(&a, "tx build"); fwu_add(&a, "fw.rollout");
    fwu_add(&a, "--org"); fwu_add(&a, op);
    fwu_add(&a, "--rollout-id"); fwu_add(&a, id);
    fwu_add(&a, "--vendor"); fwu_add(&a, vendor);
    fwu_add(&a, "--model"); fwu_add(&a, model);
    fwu_add(&a, "--version"); fwu_add(&a, version);
    for (int i = 0; i < nw; i++) { fwu_add(&a, "--wave"); fwu_add(&a, waves[i]); }
    for (const char *p = pct; p && *p;) {
        size_t l = strcspn(p, ",");
        unsigned v;
        char num[16];
        if (l == 0 || l >= sizeof num) { fwu_argv_free(&a); return cli_usage(usage, "--percent-waves: numbers 1..100 separated by commas"); }
        memcpy(num, p, l);
        num[l] = 0;
        if (sscanf(num, "%u", &v) != 1 || v < 1 || v > 100) { fwu_argv_free(&a); return cli_usage(usage, "--percent-waves: numbers 1..100 separated by commas"); }
        fwu_add(&a, "--wave");
        fwu_addf(&a, "%s%upct", prefix, v);
        p += l + (p[l] == ',');
    }
    if (permille) { fwu_add(&a, "--max-failure-permille"); fwu_add(&a, permille); }
    rc = fwu_sign_run(&sg, &a, usage);
    fwu_argv_free(&a);
    return rc;
}
