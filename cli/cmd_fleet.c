/* `thingchain fleet`: runs N device-SDK devices through their life against
 * real nodes and reports counts and latencies per step (issue 7 item 6;
 * docs/fleet.md). This file: options, set-up, the order of the steps. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "fleet.h"
#include "query_verify.h"
#include "tc/alloc.h"

static const char usage[] =
    "thingchain fleet --devices N --node URL[,URL...] --net DIR [--seed S] [--steps LIST]\n"
    "                 [--threads T] [--timeout MS] [--commit-timeout S] [--json] [--quiet] [--story]\n"
    "  LIST: comma-separated, from manufacture,claim,boot,discover,channel,anchor,config,firmware,attacks\n"
    "        (default: all; channel includes the signed messages)";

static const char *const STEP_ARG[] = {"manufacture", "claim", "boot", "discover", "channel", NULL, "anchor",
                                       "config", "firmware", "attacks"};
/* A step needs the device state an earlier step of the same run built. */
static const int NEEDS[ST_COUNT] = {-1, -1, -1, ST_BOOT, ST_DISCOVER, -1, ST_CHANNEL, ST_BOOT, ST_BOOT, ST_BOOT};

static int parse_steps(fleet *f, const char *list)
{
    for (const char *p = list; *p;) {
        size_t l = strcspn(p, ",");
        int found = 0;
        for (int i = 0; i < ST_COUNT; i++)
            if (STEP_ARG[i] && strlen(STEP_ARG[i]) == l && !strncmp(p, STEP_ARG[i], l)) f->step_on[i] = found = 1;
        if (!found) return cli_usage(usage, "unknown step '%.*s'", (int)l, p);
        p += l + (p[l] == ',');
    }
    f->step_on[ST_MESSAGES] = f->step_on[ST_CHANNEL];
    for (int i = 0; i < ST_COUNT; i++)
        if (f->step_on[i] && NEEDS[i] >= 0 && !f->step_on[NEEDS[i]])
            return cli_usage(usage, "step %s needs step %s in the same run", STEP_ARG[i], STEP_ARG[NEEDS[i]]);
    return 0;
}

static int parse(fleet *f, int argc, char **argv)
{
    static char nodes[4096];
    const char *steps = "manufacture,claim,boot,discover,channel,anchor,config,firmware,attacks";
    uint64_t v;
    int rc;
    nodes[0] = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--json")) { f->json = 1; continue; }
        if (!strcmp(a, "--quiet")) { f->quiet = 1; continue; }
        if (!strcmp(a, "--story")) { f->story = 1; continue; }
        if (!val) return cli_usage(usage, "%s needs a value", a);
        i++;
        if (!strcmp(a, "--devices")) {
            if ((rc = cli_u64_opt(&v, a, val, usage))) return rc;
            if (v < 2 || v > 100000) return cli_usage(usage, "--devices must be 2..100000");
            f->n = (size_t)v;
        } else if (!strcmp(a, "--node")) {
            snprintf(nodes, sizeof nodes, "%s", val);
        } else if (!strcmp(a, "--net")) {
            f->net_dir = val;
        } else if (!strcmp(a, "--seed")) {
            if ((rc = cli_u64_opt(&f->seed, a, val, usage))) return rc;
        } else if (!strcmp(a, "--steps")) {
            steps = val;
        } else if (!strcmp(a, "--threads")) {
            if ((rc = cli_u64_opt(&v, a, val, usage))) return rc;
            if (v < 1 || v > 64) return cli_usage(usage, "--threads must be 1..64");
            f->threads = (int)v;
        } else if (!strcmp(a, "--timeout")) {
            if ((rc = cli_u64_opt(&v, a, val, usage))) return rc;
            f->timeout_ms = (int)(v < 100 ? 100 : v > 600000 ? 600000 : v);
        } else if (!strcmp(a, "--commit-timeout")) {
            if ((rc = cli_u64_opt(&v, a, val, usage))) return rc;
            f->commit_timeout_s = (int)(v < 1 ? 1 : v > 3600 ? 3600 : v);
        } else {
            return cli_usage(usage, "unknown option %s", a);
        }
    }
    if (!f->n || !nodes[0] || !f->net_dir) return cli_usage(usage, "--devices, --node and --net are required");
    for (char *p = strtok(nodes, ","); p; p = strtok(NULL, ",")) {
        if (f->n_nodes == FLEET_NODES_MAX) return cli_usage(usage, "at most %d nodes", FLEET_NODES_MAX);
        if (strncmp(p, "http://", 7)) return cli_usage(usage, "--node takes http://HOST:PORT URLs, not '%s'", p);
        f->nodes[f->n_nodes++] = p;
    }
    return parse_steps(f, steps);
}

/* Devices, their waves (1 % / 10 % / the rest, at least one each when the
 * fleet is big enough), providers (every tenth) and nodes (round robin). */
static int setup(fleet *f, tc_err *err)
{
    static qv q;
    char path[4096];
    snprintf(path, sizeof path, "%s/genesis.cbor", f->net_dir);
    int rc = qv_anchor(&q, err, path);
    if (rc) return rc;
    f->anchor = q.st;
    snprintf(f->chain_id, sizeof f->chain_id, "%s", q.st.chain_id);
    if ((rc = fleet_keys_orgs(f, err))) return rc;
    f->dev = tc_calloc(f->n, sizeof *f->dev);
    if (!f->dev) return tc_err_set(err, TC_ERR_NOMEM, "%zu devices", f->n);
    size_t w1 = f->n / 100 ? f->n / 100 : 1, w2 = f->n / 10 ? f->n / 10 : 1;
    for (size_t i = 0; i < f->n; i++) {
        fdev *d = &f->dev[i];
        fleet_keys_device(d, f->seed, i);
        d->wave = i < w1 ? 1 : i < w1 + w2 ? 2 : 3;
        d->node = (int)(i % f->n_nodes);
        d->provider = i % 10 == 0;
        d->peer = -1;
        d->sent_leaf = -1;
    }
    return 0;
}

typedef int (*step_fn)(fleet *);
static const step_fn RUN[ST_COUNT] = {fleet_step_manufacture, fleet_step_claim, fleet_step_boot, fleet_step_discover,
                                      fleet_step_channel, NULL, fleet_step_anchor, fleet_step_config,
                                      fleet_step_firmware, fleet_step_attacks};

int cmd_fleet(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        printf("usage: %s\n\n"
               "Simulates N devices built on the device SDK against real nodes (docs/fleet.md):\n"
               "the vendor (DIR/orgs/vendor keys) manufactures them, the operator (DIR/orgs/operator)\n"
               "claims them into waves wave-1 (1 %%), wave-2 (10 %%), wave-3; each device proves its\n"
               "enrollment, discovers a service, opens a Noise_KK channel, sends signed messages that\n"
               "get anchored, applies a config update, installs a firmware release rolled out in waves;\n"
               "a sample refuses tampered, stale and rolled-back answers. Devices are spread over the\n"
               "nodes; device keys come from --seed (default 1; use a new seed to add a new fleet to\n"
               "a network). Prints a table of steps (ok, failed,\n"
               "refused attacks, p50/p99 latency) or --json; progress on stderr. Exit 1 if any\n"
               "step failed for any device. --story prints what each step does in plain words.\n",
               usage);
        return CLI_OK;
    }
    static fleet f;
    memset(&f, 0, sizeof f);
    f.seed = 1;
    f.threads = 8;
    f.timeout_ms = 15000;
    f.commit_timeout_s = 60;
    int rc = parse(&f, argc, argv);
    if (rc) return rc;
    pthread_mutex_init(&f.mu, NULL);
    tc_err err;
    tc_err_clear(&err);
    if ((rc = setup(&f, &err))) return cli_fail("fleet: %s", err.msg);
    f.t0 = fleet_now();
    fleet_progress_start(&f);
    for (int i = 0; i < ST_COUNT; i++) {
        if (!f.step_on[i] || !RUN[i]) continue;
        long total = (long)f.n;
        if (i == ST_ATTACKS) total = f.n < 20 ? (long)f.n : 20;
        fleet_step_begin(&f, i, total);
        fleet_story(&f, i);
        if (i == ST_CHANNEL) {
            f.steps[ST_MESSAGES].ran = 1;
            f.steps[ST_MESSAGES].name = "messages";
            f.steps[ST_MESSAGES].secs = fleet_now();
        }
        RUN[i](&f);
        if (i == ST_CHANNEL) f.steps[ST_MESSAGES].secs = fleet_now() - f.steps[ST_MESSAGES].secs;
        fleet_step_end(&f);
    }
    fleet_progress_stop(&f);
    rc = fleet_report(&f);
    for (int i = 0; i < ST_COUNT; i++) tc_free(f.steps[i].lat);
    tc_free(f.digests);
    tc_free(f.dev);
    pthread_mutex_destroy(&f.mu);
    return rc;
}
