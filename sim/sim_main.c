/* thingchain-sim: the deterministic cluster simulator (issue 5).
 *   thingchain-sim --validators N --byzantine B --seeds K --heights H
 *                  [--faults LIST] [--seed S] [--expect-violations]
 * ends with "runs: K, safety violations: V, liveness failures: L". */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sim_world.h"
#include "tc/crypto.h"

const sim_fault_name sim_faults[] = {
    {"delay", F_DELAY, "message delays up to 300 ms before GST (40 ms after)"},
    {"loss", F_LOSS, "10% of messages lost before GST"},
    {"dup", F_DUP, "5% of messages delivered twice"},
    {"reorder", F_REORDER, "10% of messages held back (up to 800 ms before GST)"},
    {"partition", F_PARTITION, "a random two-way partition before GST, healed by GST"},
    {"crash", F_CRASH, "1-2 honest nodes crash and restart from their persisted record"},
    {"skew", F_SKEW, "per-node clock rates between 0.8x and 1.25x (timeouts fire early/late)"},
    {"equivocate", F_EQUIVOCATE, "Byzantine proposer sends different blocks to different peers"},
    {"doublevote", F_DOUBLEVOTE, "Byzantine validator sends conflicting votes to different peers"},
    {"invalid", F_INVALID, "Byzantine validator proposes invalid blocks and prevotes anything"},
    {"badsig", F_BADSIG, "Byzantine validator corrupts signatures for half its peers"},
    {"silence", F_SILENCE, "Byzantine validator sends nothing"},
    {"selective", F_SELECTIVE, "Byzantine validator sends each message to a random subset"},
    {"collude", F_COLLUDE, "all Byzantine validators split the honest ones with two blocks"},
    {NULL, 0, NULL}};

static void usage(FILE *f)
{
    fprintf(f,
            "usage: thingchain-sim --validators N --byzantine B --seeds K --heights H\n"
            "                      [--faults LIST] [--seed S] [--expect-violations] [--verbose]\n"
            "Runs K seeded simulations (seeds S, S+1, ...; S defaults to 1) of N validators,\n"
            "the last B of them Byzantine, until every honest one decided H heights.\n"
            "Checks agreement after every step, validity of every decision, and liveness\n"
            "after GST (all faults healed). A failing seed prints its trace and the command\n"
            "that reproduces it. Exit 0 when no violation (with --expect-violations: exit 0\n"
            "only when at least one safety violation was caught, i.e. the checker can fail).\n"
            "LIST: comma-separated fault names, or 'all', or 'none':\n");
    for (const sim_fault_name *s = sim_faults; s->name; s++)
        fprintf(f, "  %-11s %s\n", s->name, s->help);
}

static int parse_faults(unsigned *out, const char *list)
{
    char buf[512];
    if (strlen(list) >= sizeof buf)
        return -1;
    strcpy(buf, list);
    *out = 0;
    for (char *save = NULL, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        if (!strcmp(t, "all")) { *out |= F_ALL; continue; }
        if (!strcmp(t, "none")) continue;
        const sim_fault_name *s = sim_faults;
        while (s->name && strcmp(s->name, t))
            s++;
        if (!s->name)
            return -1;
        *out |= s->bit;
    }
    return 0;
}

static long num(const char *s, long lo, long hi)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (*s == 0 || *end != 0 || v < lo || v > hi) {
        fprintf(stderr, "thingchain-sim: bad number '%s' (expected %ld..%ld)\n", s, lo, hi);
        usage(stderr);
        exit(2);
    }
    return v;
}

int main(int argc, char **argv)
{
    sim_params p = {0, 0, 0, 0, 0};
    long seeds = -1;
    unsigned long long seed0 = 1;
    int expect = 0;
    const char *faults = "none";
    static const struct option opts[] = {
        {"validators", required_argument, 0, 'n'}, {"byzantine", required_argument, 0, 'b'},
        {"seeds", required_argument, 0, 'k'},      {"heights", required_argument, 0, 'H'},
        {"faults", required_argument, 0, 'f'},     {"seed", required_argument, 0, 's'},
        {"expect-violations", no_argument, 0, 'x'}, {"verbose", no_argument, 0, 'v'},
        {"help", no_argument, 0, 'h'},             {0, 0, 0, 0}};
    int c;
    p.n = -1; p.byz = -1; p.heights = -1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'n': p.n = (int)num(optarg, 1, SIM_MAXN); break;
        case 'b': p.byz = (int)num(optarg, 0, SIM_MAXN); break;
        case 'k': seeds = num(optarg, 1, 100000000); break;
        case 'H': p.heights = (int)num(optarg, 1, 100000); break;
        case 's': seed0 = (unsigned long long)num(optarg, 0, 0x7fffffffffffffffL); break;
        case 'f': faults = optarg; break;
        case 'x': expect = 1; break;
        case 'v': p.verbose++; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (optind != argc || p.n < 0 || p.byz < 0 || seeds < 0 || p.heights < 0 || p.byz > p.n) {
        usage(stderr);
        return 2;
    }
    if (parse_faults(&p.faults, faults) != 0) {
        fprintf(stderr, "thingchain-sim: unknown fault in '%s'\n", faults);
        usage(stderr);
        return 2;
    }
    if (p.byz > 0 && !(p.faults & F_BYZ))
        p.faults |= F_SILENCE; /* Byzantine validators need some behaviour */
    if (tc_crypto_init() != 0)
        return 1;
    long runs = 0, safety = 0, liveness = 0, printed = 0;
    unsigned long long decisions = 0, sigs = 0, evidence = 0;
    sim_trace *trace = calloc(1, sizeof *trace);
    if (!trace)
        return 1;
    for (long k = 0; k < seeds; k++) {
        unsigned long long s = seed0 + (unsigned long long)k;
        sim_result r;
        memset(trace, 0, sizeof *trace);
        sim_run(&r, &p, s, trace);
        runs++;
        decisions += r.decisions;
        sigs += r.sig_checks;
        evidence += r.evidence;
        int bad_safety = r.safety + r.validity > 0, bad_live = r.liveness > 0;
        safety += bad_safety;
        liveness += bad_live;
        if ((bad_safety || bad_live) && printed < 3) {
            printed++;
            printf("seed %llu FAILED: %s\n", s, r.what);
            sim_trace_print(trace);
            printf("  reproduce: thingchain-sim --validators %d --byzantine %d --seeds 1 --heights %d "
                   "--faults %s --seed %llu\n", p.n, p.byz, p.heights, faults, s);
        }
        if (p.verbose)
            printf("seed %llu: %llu decisions, end t=%llu ms, %s\n", s,
                   (unsigned long long)r.decisions, (unsigned long long)r.end_time,
                   bad_safety ? "SAFETY" : bad_live ? "LIVENESS" : "ok");
    }
    free(trace);
    printf("decisions: %llu, evidence reports: %llu\n", decisions, evidence);
    printf("runs: %ld, safety violations: %ld, liveness failures: %ld\n", runs, safety, liveness);
    if (expect)
        return safety > 0 ? 0 : 1;
    return safety || liveness ? 1 : 0;
}
