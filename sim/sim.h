/* thingchain-sim internals: a seeded virtual network and clock driving many
 * consensus engines in one process (DESIGN.md, Consensus; docs/consensus.md). */
#ifndef TC_SIM_H
#define TC_SIM_H

#include <stddef.h>
#include <stdint.h>
#include "tc/consensus.h"

/* Fault kinds (--faults): bits. */
enum {
    F_DELAY = 1 << 0, F_LOSS = 1 << 1, F_DUP = 1 << 2, F_REORDER = 1 << 3,
    F_PARTITION = 1 << 4, F_CRASH = 1 << 5, F_SKEW = 1 << 6,
    F_EQUIVOCATE = 1 << 7, F_DOUBLEVOTE = 1 << 8, F_INVALID = 1 << 9,
    F_BADSIG = 1 << 10, F_SILENCE = 1 << 11, F_SELECTIVE = 1 << 12, F_COLLUDE = 1 << 13
};
#define F_BYZ (F_EQUIVOCATE | F_DOUBLEVOTE | F_INVALID | F_BADSIG | F_SILENCE | F_SELECTIVE | F_COLLUDE)
#define F_ALL 0x3fff

typedef struct sim_fault_name {
    const char *name;
    unsigned bit;
    const char *help;
} sim_fault_name;
extern const sim_fault_name sim_faults[];

typedef struct sim_params {
    int n, byz, heights;
    unsigned faults;
    int verbose;
} sim_params;

typedef struct sim_result {
    int safety, liveness, validity;
    uint64_t decisions, messages, sig_checks, evidence, end_time;
    char what[256];
} sim_result;

/* PRNG: xoshiro256** seeded through splitmix64. */
typedef struct sim_rng { uint64_t s[4]; } sim_rng;
void sim_rng_seed(sim_rng *r, uint64_t seed);
uint64_t sim_rng_next(sim_rng *r);
uint64_t sim_rng_below(sim_rng *r, uint64_t n); /* [0, n) */
int sim_rng_chance(sim_rng *r, unsigned percent);

/* Event queue: a binary heap ordered by (time, insertion sequence). */
enum { EV_DELIVER = 1, EV_TIMEOUT, EV_PERSISTED, EV_VALIDATED, EV_PROPOSAL, EV_CRASH,
       EV_RESTART, EV_PARTITION, EV_HEAL, EV_GOSSIP, EV_COMMIT, EV_SYNCREQ };
typedef struct sim_ev {
    uint64_t time, order;
    int kind, node, from;
    uint32_t inc; /* the node incarnation the event belongs to */
    uint64_t height, seq;
    uint32_t round;
    uint8_t step;
    int ok;
    uint8_t id[TC_BLOCK_ID_LEN];
    uint8_t *data; size_t len;   /* owned by the event */
    uint8_t *cert; size_t cert_len;
} sim_ev;
typedef struct sim_heap {
    sim_ev *ev;
    size_t n, cap;
    uint64_t order;
} sim_heap;
int sim_heap_push(sim_heap *h, const sim_ev *e);
int sim_heap_pop(sim_heap *h, sim_ev *out);
void sim_heap_free(sim_heap *h);

/* Trace ring: the last SIM_TRACE lines of a run. */
#define SIM_TRACE 48
typedef struct sim_trace {
    char line[SIM_TRACE][160];
    size_t next, count;
} sim_trace;
void sim_trace_add(sim_trace *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sim_trace_print(const sim_trace *t);

/* One run of one seed. */
int sim_run(sim_result *res, const sim_params *p, uint64_t seed, sim_trace *trace);

#endif
