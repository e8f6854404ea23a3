/* The BFT consensus engine (DESIGN.md, Consensus): Tendermint, Buchman, Kwon,
 * Milosevic, "The latest gossip on BFT consensus" (2018), Algorithm 1.
 *
 * The engine is a pure step function: tc_cons_step(engine, event, now)
 * consumes one event and leaves a list of actions (tc_cons_actions) that the
 * caller (the node's I/O layer, or the simulator) carries out. It never
 * touches a socket, a file, a clock or a random source.
 *
 * Blocks are opaque values: bytes with a 32-byte id computed by a
 * configurable function (default: SHA-256 of the whole value; the ledger
 * passes SHA-256 of the header bytes).
 *
 * Block validity (the paper's valid(v)): when the engine first sees a value it
 * emits TC_CONS_ACT_VALIDATE (block id + bytes); the caller checks the block
 * against its ledger state and answers with TC_CONS_EV_VALIDATED (same id,
 * ok = 1 or 0). Until then the engine treats the value as "not yet known"
 * and waits (timeouts still run). The answer may come in the same turn.
 *
 * Restart safety: before any signed message leaves, the engine emits
 * TC_CONS_ACT_PERSIST with a record (last signed height/round/step/block id,
 * lock and valid value) and a sequence number, and withholds the message
 * until TC_CONS_EV_PERSISTED with that sequence number (or a later one)
 * arrives. After a crash the caller builds a new engine, passes the last
 * completed record to tc_cons_restore, and the engine never signs a message
 * for a (height, round, step) at or below the record's unless it is the very
 * same message.
 *
 * Wire formats and sign-bytes are specified in docs/consensus.md.
 *
 * Thread safety: none; one engine is driven by one thread. */
#ifndef TC_CONSENSUS_H
#define TC_CONSENSUS_H

#include <stddef.h>
#include <stdint.h>
#include "tc/crypto.h"
#include "tc/valset.h"

#define TC_BLOCK_ID_LEN 32
#define TC_CHAIN_ID_MAX 64
/* Ceilings (DESIGN.md: every growable buffer has one). */
#define TC_CONS_MAX_BLOCK (1u << 20)   /* one value, bytes */
#define TC_CONS_MAX_ROUND_RECS 64      /* rounds of messages kept per height */
#define TC_CONS_MAX_ACTIONS 4096       /* actions produced by one step */

/* ---- messages ---- */
enum tc_cons_msg_kind {
    TC_CONS_PROPOSAL = 0,
    TC_CONS_PREVOTE = 1,
    TC_CONS_PRECOMMIT = 2
};
/* Steps, also the order used by the double-sign guard. */
enum tc_cons_step_kind {
    TC_STEP_NONE = 0,
    TC_STEP_PROPOSE = 1,
    TC_STEP_PREVOTE = 2,
    TC_STEP_PRECOMMIT = 3,
    TC_STEP_DECIDED = 4 /* engine only: waiting for tc_cons_start_height */
};

/* A decoded proposal or vote. block points into the decoded buffer
 * (borrowed) and is set for proposals only. has_id == 0 is a nil vote. */
typedef struct tc_cons_msg {
    uint8_t kind; /* enum tc_cons_msg_kind */
    uint64_t height;
    uint32_t round;
    int32_t pol_round; /* proposals: -1 or the valid round; votes: -1 */
    int has_id;
    uint8_t block_id[TC_BLOCK_ID_LEN];
    const uint8_t *block;
    size_t block_len;
    uint32_t validator; /* index in the height's validator set */
    uint8_t sig[TC_ED25519_SIG_LEN];
} tc_cons_msg;

/* The bytes a validator signs for m (docs/consensus.md, "Sign-bytes"):
 * deterministic CBOR, chain id bound in. With out == NULL, cap == 0 only
 * measures. chain_id is a NUL-terminated string of at most TC_CHAIN_ID_MAX. */
int tc_cons_sign_bytes(uint8_t *out, size_t cap, size_t *len, const char *chain_id,
                       const tc_cons_msg *m);
/* Fills m->sig. sec: the validator's secret key (borrowed). */
int tc_cons_msg_sign(tc_cons_msg *m, const char *chain_id, const uint8_t sec[TC_ED25519_SEC_LEN]);
/* Checks the signature against vs->v[m->validator]: 0, TC_ERR_CONS_VALIDATOR
 * or TC_ERR_BAD_SIGNATURE. */
int tc_cons_msg_verify(const tc_cons_msg *m, const char *chain_id, const tc_valset *vs);
/* Wire encoding (out == NULL, cap == 0 measures). */
int tc_cons_msg_encode(uint8_t *out, size_t cap, size_t *len, const tc_cons_msg *m);
/* Decodes; m->block borrows from in. TC_ERR_CONS_MESSAGE or a CBOR error. */
int tc_cons_msg_decode(tc_cons_msg *m, const uint8_t *in, size_t len);

/* ---- commit certificates ---- */
/* A certificate: height, round, block id, signer bitmap over the set order
 * (bit i = byte i/8, mask 1 << (i%8)), and the precommit signatures of the
 * set bits in index order. Verifying needs only the chain id and the set. */
typedef struct tc_cons_cert_info {
    uint64_t height;
    uint32_t round;
    uint8_t block_id[TC_BLOCK_ID_LEN];
    uint64_t power;  /* signing power */
    size_t signers;
} tc_cons_cert_info;
/* Verifies cert for `height`: TC_ERR_CONS_CERT_FORMAT (structure, bitmap
 * length, stray bits, count of signatures != count of bits),
 * TC_ERR_CONS_HEIGHT, TC_ERR_BAD_SIGNATURE, TC_ERR_CONS_CERT_POWER.
 * info may be NULL. */
int tc_cons_cert_verify(tc_cons_cert_info *info, const uint8_t *cert, size_t cert_len,
                        const char *chain_id, const tc_valset *vs, uint64_t height);
/* Builds a certificate from precommits: sigs[i] is validator i's signature
 * when have[i] != 0 (arrays of vs->n). out NULL / cap 0 measures. */
int tc_cons_cert_build(uint8_t *out, size_t cap, size_t *len, const tc_valset *vs, uint64_t height,
                       uint32_t round, const uint8_t block_id[TC_BLOCK_ID_LEN],
                       const uint8_t *have, const uint8_t (*sigs)[TC_ED25519_SIG_LEN]);

/* ---- evidence of equivocation ---- */
/* Evidence: CBOR [msg_a, msg_b] of two wire-encoded signed votes (or two
 * proposals) by one validator for one height, round and kind with different
 * block ids. Verification needs only the chain id and that height's set.
 * *validator receives the culprit's index. */
int tc_cons_evidence_verify(uint32_t *validator, const uint8_t *ev, size_t ev_len,
                            const char *chain_id, const tc_valset *vs);

/* ---- the persisted signing record ---- */
typedef struct tc_cons_record {
    uint64_t height;     /* last signed message: 0 = never signed */
    uint32_t round;
    uint8_t step;        /* enum tc_cons_step_kind */
    int has_id;
    uint8_t block_id[TC_BLOCK_ID_LEN];
    int32_t locked_round; /* -1 = none */
    const uint8_t *locked_value; size_t locked_len; /* borrowed */
    int32_t valid_round;
    const uint8_t *valid_value; size_t valid_len;
    /* The proof of lock (POL) of the valid value: a CBOR array of wire
     * prevotes for it in valid_round (borrowed raw item, NULL = empty). After
     * a restart the node can justify re-proposing it (Algorithm 1 line 28). */
    const uint8_t *pol; size_t pol_len;
    /* This validator's signed messages of the height, oldest first (CBOR
     * array of wire messages, raw item, NULL = empty; at most 48): after a
     * restart they are gossiped again, since peers may have lost them
     * before GST. */
    const uint8_t *own; size_t own_len;
} tc_cons_record;
int tc_cons_record_encode(uint8_t *out, size_t cap, size_t *len, const tc_cons_record *r);
/* Values borrow from in. TC_ERR_CONS_RECORD when malformed. */
int tc_cons_record_decode(tc_cons_record *r, const uint8_t *in, size_t len);

/* ---- the engine ---- */
typedef void (*tc_cons_block_id_fn)(uint8_t id[TC_BLOCK_ID_LEN], const uint8_t *block, size_t len);

typedef struct tc_cons_config {
    char chain_id[TC_CHAIN_ID_MAX + 1];
    /* Round timeouts in ms: base + round * delta (the paper's timeouts grow
     * with the round so that after GST they exceed the message delay). */
    uint64_t propose_base, propose_delta;
    uint64_t prevote_base, prevote_delta;
    uint64_t precommit_base, precommit_delta;
    size_t max_block; /* <= TC_CONS_MAX_BLOCK */
    tc_cons_block_id_fn block_id; /* NULL = SHA-256 of the value */
} tc_cons_config;
/* Defaults: 3000+500r propose, 1000+500r prevote and precommit, 1 MiB. */
void tc_cons_config_default(tc_cons_config *cfg, const char *chain_id);

enum tc_cons_event_kind {
    TC_CONS_EV_MESSAGE = 1,   /* data: a wire message from a peer */
    TC_CONS_EV_TIMEOUT,       /* step (PROPOSE/PREVOTE/PRECOMMIT), height, round */
    TC_CONS_EV_PROPOSAL_READY,/* data: the value to propose at height, round */
    TC_CONS_EV_VALIDATED,     /* block_id, ok */
    TC_CONS_EV_PERSISTED,     /* seq: every PERSIST action up to seq is durable */
    TC_CONS_EV_COMMIT         /* data: a value, cert: its certificate (catch-up) */
};
typedef struct tc_cons_event {
    int kind;
    const uint8_t *data; size_t len;       /* borrowed for the call */
    const uint8_t *cert; size_t cert_len;  /* borrowed for the call */
    uint64_t height;
    uint32_t round;
    uint8_t step;
    uint8_t block_id[TC_BLOCK_ID_LEN];
    int ok;
    uint64_t seq;
} tc_cons_event;

enum tc_cons_action_kind {
    TC_CONS_ACT_BROADCAST = 1, /* data: wire message for every peer */
    TC_CONS_ACT_SCHEDULE,      /* step, height, round, delay_ms: answer with EV_TIMEOUT */
    TC_CONS_ACT_PERSIST,       /* data: record, seq: make durable, then EV_PERSISTED */
    TC_CONS_ACT_VALIDATE,      /* data: value, block_id: answer with EV_VALIDATED */
    TC_CONS_ACT_NEED_PROPOSAL, /* height, round: answer with EV_PROPOSAL_READY */
    TC_CONS_ACT_COMMIT,        /* data: value, block_id, cert, height, round: decided */
    TC_CONS_ACT_EVIDENCE       /* data: evidence (tc_cons_evidence_verify) for a block */
};
typedef struct tc_cons_action {
    int kind;
    const uint8_t *data; size_t len;       /* owned by the engine until the next call */
    const uint8_t *cert; size_t cert_len;
    uint64_t height;
    uint32_t round;
    uint8_t step;
    uint8_t block_id[TC_BLOCK_ID_LEN];
    uint64_t delay_ms;
    uint64_t seq;
} tc_cons_action;

typedef struct tc_cons tc_cons;

/* Creates an engine. sec: this node's validator key (copied, wiped on free),
 * or NULL for a non-voting node. cfg is copied. TC_ERR_NOMEM. */
int tc_cons_new(tc_cons **out, const tc_cons_config *cfg, const uint8_t sec[TC_ED25519_SEC_LEN]);
void tc_cons_free(tc_cons *c);
/* Loads the last durable record (after a restart), before start_height. */
int tc_cons_restore(tc_cons *c, const uint8_t *rec, size_t len);
/* Enters `height` with its validator set (borrowed: must stay valid and
 * unchanged until the next start_height or free). Starts round 0, or the
 * restored round and lock when the record is for this height. Actions. */
int tc_cons_start_height(tc_cons *c, uint64_t height, const tc_valset *vs, uint64_t now);
/* One event. Invalid input from peers (bad signatures, wrong height, ...) is
 * dropped and its error returned for statistics; the engine state is never
 * harmed by it. Actions are replaced by this call's. */
int tc_cons_step(tc_cons *c, const tc_cons_event *ev, uint64_t now);
/* The actions of the last call (valid until the next call). */
size_t tc_cons_actions(const tc_cons *c, const tc_cons_action **out);
/* Emits BROADCAST actions re-sending every message this engine holds for its
 * current height (its own and relayed ones): the gossip that Tendermint's
 * liveness assumes. The caller decides when (e.g. when no progress for a while). */
int tc_cons_gossip(tc_cons *c);

/* Introspection for tests, the simulator and metrics. */
typedef struct tc_cons_status {
    uint64_t height;
    uint32_t round;
    uint8_t step;
    int32_t locked_round, valid_round;
    int has_locked;
    uint8_t locked_id[TC_BLOCK_ID_LEN];
    int self; /* validator index at this height, -1 if none */
    uint64_t sigs_verified, sign_refused, dropped;
} tc_cons_status;
void tc_cons_get_status(const tc_cons *c, tc_cons_status *st);

#endif
