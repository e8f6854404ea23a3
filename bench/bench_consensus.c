/* Consensus benchmark (issue 5 item 6): simulated decisions per second of
 * CPU for n = 4 and 7 validators, without faults and with the standard fault
 * mix (--faults all with f Byzantine), and Ed25519 signature verifications
 * per decided block, beside the raw Ed25519 verify rate measured in the same
 * run (at the start and at the end: the machine is shared).
 *
 * The simulator (sim/) is compiled into this program, so the figures are
 * those of `thingchain-sim` itself: every engine, the virtual network, the
 * checker. A "decided block" is one height decided by the cluster; each
 * honest node's decision of it is a "node decision". Prints figures and
 * ratios, never passes or fails. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../sim/sim_byz.c"
#include "../sim/sim_run.c"
#include "../sim/sim_setup.c"
#include "../sim/sim_util.c"

static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static volatile int sink;

/* Raw Ed25519 verifications per CPU second (a vote-sized message). */
static double verify_rate(void)
{
    uint8_t seed[32] = {42}, pub[32], sec[64], sig[64], msg[96];
    memset(msg, 7, sizeof msg);
    tc_ed25519_keypair(pub, sec, seed);
    tc_ed25519_sign(sig, msg, sizeof msg, sec);
    const int n = 40000;
    double t0 = cpu_now();
    for (int i = 0; i < n; i++)
        sink += tc_ed25519_verify(sig, msg, sizeof msg, pub);
    return n / (cpu_now() - t0);
}

typedef struct row {
    const char *name;
    int n, byz;
    unsigned faults;
    long seeds;
} row;

int main(void)
{
    if (tc_crypto_init() != 0)
        return 1;
    const int heights = 5;
    const row rows[] = {
        {"n=4 no faults", 4, 0, 0, 100},
        {"n=4 all, B=1", 4, 1, F_ALL, 100},
        {"n=7 no faults", 7, 0, 0, 40},
        {"n=7 all, B=2", 7, 2, F_ALL, 40},
    };
    verify_rate(); /* warm-up: caches, clock frequency */
    double v0 = verify_rate();
    printf("reference: raw Ed25519 verify %.0f /s of CPU\n", v0);
    printf("%-14s %6s %9s %12s %12s %10s %9s %9s\n", "run", "seeds", "blocks", "blocks/s",
           "node-dec/s", "sigs/block", "verify%", "fail");
    double rates[4] = {0}, spb[4] = {0};
    sim_trace *trace = calloc(1, sizeof *trace);
    if (!trace)
        return 1;
    for (size_t k = 0; k < sizeof rows / sizeof rows[0]; k++) {
        const row *r = &rows[k];
        sim_params p = {r->n, r->byz, heights, r->faults, 0};
        if (p.byz > 0 && !(p.faults & F_BYZ))
            p.faults |= F_SILENCE;
        uint64_t decisions = 0, sigs = 0;
        long fails = 0;
        double t0 = cpu_now();
        for (long s = 1; s <= r->seeds; s++) {
            sim_result res;
            memset(trace, 0, sizeof *trace);
            sim_run(&res, &p, (uint64_t)s, trace);
            decisions += res.decisions;
            sigs += res.sig_checks;
            fails += res.safety + res.validity + res.liveness > 0;
        }
        double cpu = cpu_now() - t0;
        double blocks = (double)r->seeds * heights;
        rates[k] = blocks / cpu;
        spb[k] = (double)sigs / blocks;
        /* share of the CPU the verifications alone would take at the raw rate */
        double vshare = 100.0 * ((double)sigs / v0) / cpu;
        printf("%-14s %6ld %9.0f %12.1f %12.1f %10.1f %8.1f%% %9ld\n", r->name, r->seeds, blocks,
               rates[k], (double)decisions / cpu, spb[k], vshare, fails);
    }
    free(trace);
    double v1 = verify_rate();
    printf("reference again: raw Ed25519 verify %.0f /s of CPU (drift %+.1f%%)\n", v1,
           100.0 * (v1 - v0) / v0);
    double v = (v0 + v1) / 2;
    printf("ratios (blocks/s per raw verify/s, i.e. raw verifies the same CPU would do per block):\n");
    for (size_t k = 0; k < 4; k++)
        printf("  %-14s %.5f  (%.0f raw verifies of CPU per block, %.0f of them are the engines' own)\n",
               rows[k].name, rates[k] / v, v / rates[k], spb[k]);
    printf("fault mix vs none: n=4 %.2fx slower, n=7 %.2fx slower\n", rates[0] / rates[1],
           rates[2] / rates[3]);
    return 0;
}
