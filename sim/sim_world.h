/* thingchain-sim: the world of one run (shared by the sim sources). */
#ifndef TC_SIM_WORLD_H
#define TC_SIM_WORLD_H

#include "sim.h"

#define SIM_MAXN 64
#define SIM_MAX_WQ 128
#define SIM_GOSSIP_MS 1000
/* Virtual time within which every honest node must decide its next height
 * once GST has passed (timeouts at the rounds reached before GST included). */
#define LIVENESS_BOUND 120000
#define SIM_MAX_GST 15000

typedef struct node {
    int byz;
    unsigned strat; /* the Byzantine strategy bit */
    int up;
    uint32_t inc;
    tc_cons *eng;
    uint8_t sec[TC_ED25519_SEC_LEN];
    uint8_t *disk; size_t disk_len; /* the durable signing record */
    struct { uint64_t seq; uint8_t *rec; size_t len; } wq[SIM_MAX_WQ];
    int nwq;
    uint64_t height; /* last committed */
    uint8_t **blocks, **certs; /* block store, per height (durable) */
    size_t *blen, *clen;
    double skew;
    uint64_t last_progress, gossip_mark, last_ask;
    uint64_t last_reply[SIM_MAXN];
} node;

typedef struct world {
    sim_params p;
    sim_rng rng;
    sim_heap heap;
    sim_trace *tr;
    sim_result *res;
    uint64_t now, gst;
    int stop;
    node nodes[SIM_MAXN];
    tc_valset *vs; /* vs[h], h = 1..heights+1 */
    tc_cons_config cfg;
    int part[SIM_MAXN], partitioned;
    int *decided_by;
    uint8_t (*decided_id)[TC_BLOCK_ID_LEN];
    uint8_t (*proposed)[TC_BLOCK_ID_LEN];
    size_t nproposed, capproposed;
    uint64_t nonce;
    uint64_t attack_h;
    uint32_t attack_r;
} world;

void w_push(world *w, sim_ev *e);
uint8_t *w_dup(const uint8_t *p, size_t n);
void w_send(world *w, int from, int to, const uint8_t *d, size_t n);
void w_send_kind(world *w, int kind, int from, int to, const uint8_t *d, size_t n,
                 const uint8_t *cert, size_t cert_len, uint64_t height);
size_t w_make_block(world *w, char *out, size_t cap, uint64_t h, uint32_t r, int by, int valid);
int w_block_valid(const uint8_t *b, size_t n, uint64_t height);
void w_boot(world *w, int i);
void w_crash(world *w, int i);
void w_dispatch(world *w, sim_ev *e);

/* sim_byz.c */
void byz_broadcast(world *w, int i, const uint8_t *msg, size_t len);
void byz_attack(world *w, int i, uint64_t h, uint32_t r);

#endif
