/* Internals of the consensus engine, shared by core/consensus*.c only. */
#ifndef TC_CONSENSUS_PRIV_H
#define TC_CONSENSUS_PRIV_H

#include "tc/consensus.h"

/* One validator's votes of one kind in one round. An equivocator's votes
 * all count, each for its own value (Algorithm 1 counts messages received:
 * quorum intersection still holds since honest validators never vote
 * twice); keeping only the first would let a double voter hide a POL from
 * some honest nodes forever. Up to CONS_VOTES distinct votes are kept. */
#define CONS_VOTES 4
typedef struct cons_vote {
    uint8_t has_id;
    uint8_t id[TC_BLOCK_ID_LEN];
    uint8_t sig[TC_ED25519_SIG_LEN];
} cons_vote;
typedef struct cons_slot {
    uint8_t present, evidence_sent;
    cons_vote v[CONS_VOTES]; /* present of them */
} cons_slot;

/* Everything received for one round of the current height. */
typedef struct cons_round {
    uint32_t round;
    int has_prop, prop_evidence_sent;
    uint32_t prop_from;
    int32_t pol;
    uint8_t prop_id[TC_BLOCK_ID_LEN];
    uint8_t prop_sig[TC_ED25519_SIG_LEN];
    uint8_t *block; /* owned */
    size_t block_len;
    /* "for the first time" flags of Algorithm 1 (lines 34, 36, 47). */
    int did_prevote_timeout, did_l36, did_precommit_timeout;
    cons_slot *pv, *pc; /* vs->n each, owned */
} cons_round;

/* What the caller said about a value's validity. */
typedef struct cons_valid {
    uint8_t id[TC_BLOCK_ID_LEN];
    int8_t state; /* 0 asked, 1 valid, -1 invalid */
} cons_valid;
#define CONS_VCACHE 64

typedef struct cons_pending {
    uint64_t seq;
    uint8_t *msg; /* owned, wire bytes */
    size_t len;
} cons_pending;
#define CONS_MAX_PENDING 64
/* Own messages kept (oldest dropped first): 3 per round, so the last 16
 * rounds of the height, about 2 KiB of votes in the record. */
#define CONS_OWN_MAX 48

/* A value the engine keeps (lock, valid value): owned copy plus id. */
typedef struct cons_value {
    int32_t round; /* -1 = none */
    uint8_t *bytes;
    size_t len;
    uint8_t id[TC_BLOCK_ID_LEN];
} cons_value;

struct tc_cons {
    tc_cons_config cfg;
    int has_key;
    uint8_t sec[TC_ED25519_SEC_LEN];
    uint8_t pub[TC_ED25519_PUB_LEN];
    const tc_valset *vs; /* borrowed, for `height` */
    int self;            /* index in vs or -1 */
    uint64_t height;
    uint32_t round;
    uint8_t step;
    uint64_t now;
    cons_value locked, valid;
    /* The double-sign guard: the last message signed (or restored). */
    uint64_t ls_height;
    uint32_t ls_round;
    uint8_t ls_step;
    int ls_has_id;
    uint8_t ls_id[TC_BLOCK_ID_LEN];
    /* Lock and valid value of a restored record, applied by start_height. */
    uint64_t rec_height;
    uint32_t rec_round;
    cons_value rec_locked, rec_valid;
    uint8_t *rec_pol; /* owned raw CBOR array of prevotes */
    size_t rec_pol_len;
    uint8_t *rec_own; /* owned raw CBOR array of own messages */
    size_t rec_own_len;
    /* This validator's signed messages of its current height (owned wire
     * bytes), in signing order, all persisted in the record: after a crash
     * gossip must still re-send the votes of earlier rounds, or a vote the
     * network lost before GST is gone for good and the nodes still in that
     * round may never see 2f+1 of its votes (thingchain-sim seed 2944). */
    struct {
        uint8_t *msg;
        size_t len;
        uint64_t height;
    } own[CONS_OWN_MAX];
    size_t nown;
    cons_round *rounds[TC_CONS_MAX_ROUND_RECS];
    cons_valid vcache[CONS_VCACHE];
    size_t nvcache;
    cons_pending pending[CONS_MAX_PENDING];
    size_t npending;
    uint64_t seq, acked;
    /* The actions of the current call and the buffers they point to. */
    tc_cons_action *acts;
    size_t nacts;
    void **arena;
    size_t narena;
    int err; /* sticky within one call: NOMEM or LIMIT */
    uint64_t sigs_verified, sign_refused, dropped;
};

/* consensus.c */
void tc__cons_emit(tc_cons *c, const tc_cons_action *a);
/* A buffer owned by the arena until the next call (NULL and c->err on failure). */
uint8_t *tc__cons_arena(tc_cons *c, size_t n);
void tc__cons_id(const tc_cons *c, uint8_t id[TC_BLOCK_ID_LEN], const uint8_t *v, size_t n);
int tc__cons_value_set(cons_value *dst, int32_t round, const uint8_t *v, size_t n,
                       const uint8_t id[TC_BLOCK_ID_LEN]);
void tc__cons_value_clear(cons_value *v);
/* Signs (if the guard allows), persists and queues m; self-delivered on PERSISTED. */
void tc__cons_sign_send(tc_cons *c, tc_cons_msg *m);

/* consensus_recv.c */
cons_round *tc__cons_round(tc_cons *c, uint32_t round, int create);
void tc__cons_rounds_free(tc_cons *c);
int tc__cons_receive(tc_cons *c, const uint8_t *msg, size_t len, int trusted);
/* Voting power of kind (PREVOTE/PRECOMMIT) votes in r: for id (NULL = nil),
 * or for anything when any != 0. */
uint64_t tc__cons_power(const tc_cons *c, const cons_round *r, int kind, const uint8_t *id, int any);
/* Validity of a value: 1, -1, or 0 (unknown: a VALIDATE action is emitted once). */
int tc__cons_validity(tc_cons *c, const uint8_t id[TC_BLOCK_ID_LEN], const uint8_t *v, size_t n);
void tc__cons_encode_round(tc_cons *c, const cons_round *r);
/* The valid value's proof of lock as a CBOR array of wire prevotes (arena). */
uint8_t *tc__cons_pol(tc_cons *c, size_t *len);

/* consensus_rules.c */
void tc__cons_start_round(tc_cons *c, uint32_t round);
void tc__cons_evaluate(tc_cons *c);
void tc__cons_on_timeout(tc_cons *c, const tc_cons_event *ev);
void tc__cons_on_proposal_ready(tc_cons *c, const tc_cons_event *ev);
int tc__cons_on_commit(tc_cons *c, const tc_cons_event *ev);

#endif
