/* thingchaind internals (docs/node.md): the node object shared by the
 * daemon's modules. One libuv loop thread owns everything here. */
#ifndef TC_DAEMON_NODE_H
#define TC_DAEMON_NODE_H

#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#include "tc/block.h"
#include "tc/config.h"
#include "tc/consensus.h"
#include "tc/net.h"
#include "tc/overlay.h"
#include "tc/recfile.h"
#include "tc/store.h"
#include "tc/valset.h"

/* ---- a set of 32-byte ids (daemon/idset.c) ---- */
typedef struct idset {
    uint8_t (*ids)[32];
    uint8_t *st;
    size_t cap, n, gone;
} idset;
int idset_add(idset *s, const uint8_t id[32]);
int idset_has(const idset *s, const uint8_t id[32]);
void idset_del(idset *s, const uint8_t id[32]);
void idset_free(idset *s);

/* ---- mempool (daemon/mempool.c) ---- */
typedef struct mp_tx {
    uint8_t *b;            /* owned */
    size_t len;
    uint8_t id[TC_SHA256_LEN]; /* payload hash: the duplicate key */
} mp_tx;

typedef struct mempool {
    mp_tx *v;
    size_t n, cap, bytes;
    uint64_t max_txs, max_bytes;
    idset idx;             /* ids of v[] */
    idset inflight;        /* ids being verified (daemon/admit.c) */
    tc_overlay *ov;        /* committed state + every admitted tx: nonces chain */
    tc_store *store;       /* borrowed */
    const char *chain_id;  /* borrowed */
} mempool;

int mempool_init(mempool *mp, tc_store *store, const char *chain_id, uint64_t max_txs,
                 uint64_t max_bytes);
void mempool_free(mempool *mp);
/* Admission: decode, chain id, signature and nonce (the ledger rules on the
 * pending state). 0 added, 1 already pending, else TC_ERR_* with err. */
int mempool_add(mempool *mp, tc_err *err, const uint8_t *tx, size_t len, uint64_t now_ms);
/* After a commit: drops the block's transactions and re-checks the rest. */
void mempool_after_commit(mempool *mp, const tc_span *txs, size_t ntx, uint64_t now_ms);

/* ---- admission pipeline (daemon/admit.c) ---- */
typedef struct admit_item admit_item;
/* Called on the loop thread with the admission result: 0 admitted, 1
 * duplicate, else TC_ERR_* and msg. */
typedef void (*admit_done_fn)(void *ctx, int rc, const char *msg);

/* ---- the node ---- */
typedef struct cons_timer cons_timer;
typedef struct evq_item evq_item;
typedef struct api api;

typedef struct node {
    tc_config cfg;
    uv_loop_t *loop;
    tc_store *store;
    uint8_t *genesis;
    size_t genesis_len;
    uint64_t genesis_time;
    uint8_t genesis_hash[TC_HASH_LEN];
    tc_valset vs0;            /* the genesis set (height 1) */
    tc_valset vs;             /* the set of the engine's height */
    tc_valset vs_prev;        /* the set of the height before */
    tc_valset vs_next;        /* the set of the height after (block h names its hash) */
    tc_valset vs_cache;       /* daemon/valsets.c: the set of height vs_cache_h */
    uint64_t vs_cache_h, vs_cache_eff;
    uint8_t pub[TC_ED25519_PUB_LEN], sec[TC_ED25519_SEC_LEN];
    tc_cons_config ccfg;
    tc_cons *eng;
    char rec_path[TC_CONFIG_PATH_MAX + 8];
    char cert_path[TC_CONFIG_PATH_MAX + 8];
    tc_recfile rec_file;      /* the signing record (opened by node_start_engine) */
    tc_recfile cert_file;     /* the last certificate (opened by node_load_cert) */
    uint8_t *last_cert;       /* certificate of the block at the store height */
    size_t last_cert_len;
    mempool mp;
    tc_net *net;
    api *api;
    evq_item *q_head, *q_tail;
    uv_timer_t tick, propose_timer;
    uv_signal_t sig_term, sig_int;
    int propose_pending;
    uint64_t propose_height;
    uint32_t propose_round;
    uint64_t last_commit_ms;
    uint64_t gossip_mark;
    uint64_t best_peer_height;
    uint64_t sync_asked_ms;
    int stopping, failed;
    uint64_t committed_txs;
    admit_item *adm_head, *adm_tail; /* verifying, in arrival order */
    size_t adm_n;
    uint64_t adm_verified, adm_failed;
} node;

uint64_t node_now_ms(void);
/* Engine driving (daemon/drive.c). */
int node_start_engine(node *nd);
void node_feed(node *nd, const tc_cons_event *ev);
/* Carries out pending actions and queued answers (after tc_cons_gossip). */
void node_drain(node *nd);
void node_stop_engine(node *nd);
void node_propose_now(node *nd);
/* Blocks (daemon/blocks.c). */
int node_build_block(node *nd, uint8_t **out, size_t *len, uint64_t height);
int node_validate_block(node *nd, const uint8_t *b, size_t len, uint64_t height);
int node_save_cert(node *nd, uint64_t height, const uint8_t *cert, size_t len);
int node_load_cert(node *nd);
/* Largest signing record and certificate file record. */
#define NODE_REC_MAX (3u * TC_CONS_MAX_BLOCK + 65536u)
#define NODE_CERT_MAX (8u + 65536u)
int node_persist_record(node *nd, const uint8_t *rec, size_t len);
/* Validator sets (daemon/valsets.c). */
int node_set_for(node *nd, tc_valset *vs, uint64_t height);
/* Fills vs_prev, vs and vs_next for height h from the committed state. */
int node_sets_at(node *nd, uint64_t h);
/* 1 if a node key may link with us (validators around the current height,
 * scheduled validators, configured full nodes). */
int node_admits(node *nd, const uint8_t pub[TC_ED25519_PUB_LEN]);
/* Closes, with an INFO line naming the key, every link node_admits no
 * longer accepts (node_sets_at calls it when a set change can drop one). */
void node_recheck_links(node *nd);
/* Admission (daemon/admit.c): a transaction from the API (done, ctx) or
 * a peer (from) is decoded and checked for duplicates at once; its
 * signatures are verified on the worker threads, then it is admitted on
 * the loop thread in arrival order. Returns 2 when queued (done is called
 * later), else the result at once (done is not called): 1 duplicate or
 * TC_ERR_* with err. */
int admit_submit(node *nd, tc_err *err, const uint8_t *tx, size_t len, tc_net_link *from, admit_done_fn done,
                 void *ctx);
void admit_link_down(node *nd, tc_net_link *l);
/* Verified-signature memo (daemon/sigmemo.c). */
int sigmemo_start(void);
void sigmemo_stop(void);
void sigmemo_stats(uint64_t *hits, uint64_t *misses);
/* Peers (daemon/p2p.c). */
int p2p_start(node *nd);
void p2p_broadcast_cons(node *nd, const uint8_t *msg, size_t len);
void p2p_broadcast_tx(node *nd, const tc_net_link *except, const uint8_t *tx, size_t len);
void p2p_tick(node *nd);
void p2p_after_commit(node *nd);
/* HTTP API (daemon/api.c). */
int api_start(node *nd);
void api_stop(node *nd);
/* After the loop closed the handles. */
void api_free(node *nd);
/* Called once per committed block (daemon/drive.c): metrics and the event
 * stream. block: the encoded block (borrowed for the call). */
void api_after_commit(node *nd, uint64_t height, const uint8_t id[TC_HASH_LEN], const uint8_t *block,
                      size_t len);
/* Runs the API's event processing now (a suspended request was resumed). */
void api_wake(node *nd);

#endif
