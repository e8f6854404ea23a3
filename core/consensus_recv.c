/* Consensus message intake: checks (height, signer, proposer, block id,
 * signature), the per-round message store, vote tallies, equivocation
 * evidence, validity requests. */
#include <assert.h>
#include <string.h>
#include "consensus_priv.h"
#include "tc/alloc.h"
#include "tc/cbor.h"
#include "tc/errors.h"

static void round_free(cons_round *r)
{
    if (!r)
        return;
    tc_free(r->block);
    tc_free(r->pv);
    tc_free(r->pc);
    tc_free(r);
}

void tc__cons_rounds_free(tc_cons *c)
{
    for (size_t i = 0; i < TC_CONS_MAX_ROUND_RECS; i++) {
        round_free(c->rounds[i]);
        c->rounds[i] = NULL;
    }
}

/* The store keeps at most TC_CONS_MAX_ROUND_RECS rounds. When it is full, a
 * new round may only displace a round further in the future than itself
 * (Byzantine validators can invent future rounds; the rounds honest nodes
 * actually reach must always find room). */
cons_round *tc__cons_round(tc_cons *c, uint32_t round, int create)
{
    int free_slot = -1, victim = -1;
    for (size_t i = 0; i < TC_CONS_MAX_ROUND_RECS; i++) {
        cons_round *r = c->rounds[i];
        if (!r) {
            if (free_slot < 0)
                free_slot = (int)i;
            continue;
        }
        if (r->round == round)
            return r;
        if (r->round > round && r->round > c->round &&
            (victim < 0 || r->round > c->rounds[victim]->round))
            victim = (int)i;
    }
    if (!create)
        return NULL;
    if (free_slot < 0) {
        if (victim < 0)
            return NULL;
        round_free(c->rounds[victim]);
        c->rounds[victim] = NULL;
        free_slot = victim;
    }
    cons_round *r = tc_calloc(1, sizeof *r);
    if (r) {
        r->pv = tc_calloc(c->vs->n, sizeof *r->pv);
        r->pc = tc_calloc(c->vs->n, sizeof *r->pc);
    }
    if (!r || !r->pv || !r->pc) {
        round_free(r);
        c->err = TC_ERR_NOMEM;
        return NULL;
    }
    r->round = round;
    r->pol = -1;
    c->rounds[free_slot] = r;
    return r;
}

static int vote_is(const cons_vote *v, const uint8_t *id)
{
    return id ? v->has_id && memcmp(v->id, id, TC_BLOCK_ID_LEN) == 0 : !v->has_id;
}

uint64_t tc__cons_power(const tc_cons *c, const cons_round *r, int kind, const uint8_t *id, int any)
{
    if (!r)
        return 0;
    const cons_slot *s = kind == TC_CONS_PREVOTE ? r->pv : r->pc;
    uint64_t p = 0;
    for (size_t i = 0; i < c->vs->n; i++) {
        int match = any && s[i].present;
        for (size_t k = 0; !match && k < s[i].present; k++)
            match = vote_is(&s[i].v[k], id);
        if (match)
            p += c->vs->v[i].power;
    }
    return p;
}

int tc__cons_validity(tc_cons *c, const uint8_t id[TC_BLOCK_ID_LEN], const uint8_t *v, size_t n)
{
    for (size_t i = 0; i < c->nvcache; i++)
        if (memcmp(c->vcache[i].id, id, TC_BLOCK_ID_LEN) == 0)
            return c->vcache[i].state;
    /* Full cache: forget the oldest answer (it may be asked again). */
    if (c->nvcache == CONS_VCACHE) {
        memmove(&c->vcache[0], &c->vcache[1], (CONS_VCACHE - 1) * sizeof c->vcache[0]);
        c->nvcache--;
    }
    cons_valid *e = &c->vcache[c->nvcache++];
    memcpy(e->id, id, TC_BLOCK_ID_LEN);
    e->state = 0;
    tc_cons_action a;
    memset(&a, 0, sizeof a);
    a.kind = TC_CONS_ACT_VALIDATE;
    a.data = v;
    a.len = n;
    a.height = c->height;
    memcpy(a.block_id, id, TC_BLOCK_ID_LEN);
    tc__cons_emit(c, &a);
    return 0;
}

/* Wire bytes of a stored message, in the arena. */
static uint8_t *encode_arena(tc_cons *c, const tc_cons_msg *m, size_t *len)
{
    if (tc_cons_msg_encode(NULL, 0, len, m) != 0)
        return NULL;
    uint8_t *buf = tc__cons_arena(c, *len);
    if (buf)
        tc_cons_msg_encode(buf, *len, len, m);
    return buf;
}

static void slot_msg(tc_cons_msg *m, const tc_cons *c, const cons_round *r, int kind, size_t i,
                     size_t k)
{
    const cons_vote *v = &(kind == TC_CONS_PREVOTE ? r->pv : r->pc)[i].v[k];
    memset(m, 0, sizeof *m);
    m->kind = (uint8_t)kind;
    m->height = c->height;
    m->round = r->round;
    m->pol_round = -1;
    m->has_id = v->has_id;
    memcpy(m->block_id, v->id, TC_BLOCK_ID_LEN);
    m->validator = (uint32_t)i;
    memcpy(m->sig, v->sig, TC_ED25519_SIG_LEN);
}

static void prop_msg(tc_cons_msg *m, const tc_cons *c, const cons_round *r)
{
    memset(m, 0, sizeof *m);
    m->kind = TC_CONS_PROPOSAL;
    m->height = c->height;
    m->round = r->round;
    m->pol_round = r->pol;
    m->has_id = 1;
    memcpy(m->block_id, r->prop_id, TC_BLOCK_ID_LEN);
    m->block = r->block;
    m->block_len = r->block_len;
    m->validator = r->prop_from;
    memcpy(m->sig, r->prop_sig, TC_ED25519_SIG_LEN);
}

static void broadcast(tc_cons *c, const tc_cons_msg *m)
{
    tc_cons_action a;
    memset(&a, 0, sizeof a);
    a.kind = TC_CONS_ACT_BROADCAST;
    a.data = encode_arena(c, m, &a.len);
    a.height = c->height;
    a.round = m->round;
    if (a.data)
        tc__cons_emit(c, &a);
}

void tc__cons_encode_round(tc_cons *c, const cons_round *r)
{
    tc_cons_msg m;
    if (r->has_prop) {
        prop_msg(&m, c, r);
        broadcast(c, &m);
    }
    for (int kind = TC_CONS_PREVOTE; kind <= TC_CONS_PRECOMMIT; kind++)
        for (size_t i = 0; i < c->vs->n; i++)
            for (size_t k = 0; k < (kind == TC_CONS_PREVOTE ? r->pv : r->pc)[i].present; k++) {
                slot_msg(&m, c, r, kind, i, k);
                broadcast(c, &m);
            }
}

/* The prevotes of round r for the valid value, as CBOR byte strings after an
 * array header of cnt. Run once measuring (e without a buffer), once
 * writing: the same code, so the two passes cannot disagree. Returns -1 if
 * a vote does not fit the scratch buffer (never for a well-formed vote). */
static int put_pol(tc_cons *c, tc_cbor_enc *e, const cons_round *r, size_t cnt)
{
    tc_cons_msg m;
    uint8_t tmp[256];
    size_t n;
    tc_cbor_put_array(e, cnt);
    for (size_t i = 0; i < c->vs->n; i++)
        for (size_t k = 0; k < r->pv[i].present; k++)
            if (vote_is(&r->pv[i].v[k], c->valid.id)) {
                slot_msg(&m, c, r, TC_CONS_PREVOTE, i, k);
                if (tc_cons_msg_encode(tmp, sizeof tmp, &n, &m) != 0)
                    return -1;
                tc_cbor_put_bytes(e, tmp, n);
            }
    return 0;
}

uint8_t *tc__cons_pol(tc_cons *c, size_t *len)
{
    cons_round *r = c->valid.round >= 0 ? tc__cons_round(c, (uint32_t)c->valid.round, 0) : NULL;
    if (!r)
        return NULL;
    size_t cnt = 0, total;
    for (size_t i = 0; i < c->vs->n; i++)
        for (size_t k = 0; k < r->pv[i].present; k++)
            cnt += vote_is(&r->pv[i].v[k], c->valid.id);
    tc_cbor_enc e;
    tc_cbor_enc_init(&e, NULL, 0);
    if (put_pol(c, &e, r, cnt) != 0 || tc_cbor_enc_finish(&e, &total) != 0)
        return NULL;
    uint8_t *buf = tc__cons_arena(c, total);
    if (!buf)
        return NULL;
    tc_cbor_enc_init(&e, buf, total);
    if (put_pol(c, &e, r, cnt) != 0 || tc_cbor_enc_finish(&e, len) != 0)
        return NULL;
    return buf;
}

/* Evidence [msg_a, msg_b] of two conflicting signed messages by one signer. */
static void emit_evidence(tc_cons *c, const tc_cons_msg *first, const uint8_t *second, size_t len)
{
    size_t alen, n;
    uint8_t *a = encode_arena(c, first, &alen);
    if (!a)
        return;
    tc_cbor_enc e;
    for (int pass = 0; pass < 2; pass++) {
        uint8_t *buf = pass ? tc__cons_arena(c, n) : NULL;
        if (pass && !buf)
            return;
        tc_cbor_enc_init(&e, buf, pass ? n : 0);
        tc_cbor_put_array(&e, 2);
        tc_cbor_put_bytes(&e, a, alen);
        tc_cbor_put_bytes(&e, second, len);
        if (tc_cbor_enc_finish(&e, &n) != 0)
            return;
        if (pass) {
            tc_cons_action act;
            memset(&act, 0, sizeof act);
            act.kind = TC_CONS_ACT_EVIDENCE;
            act.data = buf;
            act.len = n;
            act.height = c->height;
            act.round = first->round;
            act.step = first->kind;
            tc__cons_emit(c, &act);
        }
    }
}

static int check_sig(tc_cons *c, const tc_cons_msg *m, int trusted)
{
    if (trusted)
        return 0;
    c->sigs_verified++;
    return tc_cons_msg_verify(m, c->cfg.chain_id, c->vs);
}

static int receive_proposal(tc_cons *c, cons_round *r, const tc_cons_msg *m, const uint8_t *raw,
                            size_t rawlen, int trusted)
{
    if (m->validator != tc_valset_proposer(c->vs, m->round))
        return TC_ERR_CONS_PROPOSER;
    if (m->block_len > c->cfg.max_block)
        return TC_ERR_LIMIT;
    if (r->has_prop) {
        if (memcmp(r->prop_id, m->block_id, TC_BLOCK_ID_LEN) == 0)
            return 0; /* a copy (gossip) */
        int rc = check_sig(c, m, trusted);
        if (rc)
            return rc;
        if (!r->prop_evidence_sent) { /* an equivocating proposer */
            r->prop_evidence_sent = 1;
            tc_cons_msg first;
            prop_msg(&first, c, r);
            emit_evidence(c, &first, raw, rawlen);
        }
        return 0;
    }
    uint8_t id[TC_BLOCK_ID_LEN];
    tc__cons_id(c, id, m->block, m->block_len);
    if (memcmp(id, m->block_id, TC_BLOCK_ID_LEN) != 0)
        return TC_ERR_CONS_BLOCK_ID;
    int rc = check_sig(c, m, trusted);
    if (rc)
        return rc;
    r->block = tc_malloc(m->block_len ? m->block_len : 1);
    if (!r->block)
        return c->err = TC_ERR_NOMEM;
    memcpy(r->block, m->block, m->block_len);
    r->block_len = m->block_len;
    r->has_prop = 1;
    r->prop_from = m->validator;
    r->pol = m->pol_round;
    memcpy(r->prop_id, m->block_id, TC_BLOCK_ID_LEN);
    memcpy(r->prop_sig, m->sig, TC_ED25519_SIG_LEN);
    tc__cons_validity(c, r->prop_id, r->block, r->block_len);
    return 0;
}

static int receive_vote(tc_cons *c, cons_round *r, const tc_cons_msg *m, const uint8_t *raw,
                        size_t rawlen, int trusted)
{
    cons_slot *s = (m->kind == TC_CONS_PREVOTE ? r->pv : r->pc) + m->validator;
    for (size_t k = 0; k < s->present; k++)
        if (vote_is(&s->v[k], m->has_id ? m->block_id : NULL))
            return 0; /* a copy */
    if (s->present == CONS_VOTES)
        return TC_ERR_LIMIT;
    int rc = check_sig(c, m, trusted);
    if (rc)
        return rc;
    if (s->present > 0 && !s->evidence_sent) { /* double voting: report the first two */
        s->evidence_sent = 1;
        tc_cons_msg first;
        slot_msg(&first, c, r, m->kind, m->validator, 0);
        emit_evidence(c, &first, raw, rawlen);
    }
    cons_vote *v = &s->v[s->present++];
    v->has_id = (uint8_t)m->has_id;
    memcpy(v->id, m->block_id, TC_BLOCK_ID_LEN);
    memcpy(v->sig, m->sig, TC_ED25519_SIG_LEN);
    return 0;
}

int tc__cons_receive(tc_cons *c, const uint8_t *msg, size_t len, int trusted)
{
    tc_cons_msg m;
    int rc = tc_cons_msg_decode(&m, msg, len);
    if (rc)
        return rc;
    if (m.height != c->height)
        return TC_ERR_CONS_HEIGHT;
    if (m.validator >= c->vs->n)
        return TC_ERR_CONS_VALIDATOR;
    if (c->step == TC_STEP_DECIDED)
        return 0; /* nothing more to learn at this height */
    cons_round *r = tc__cons_round(c, m.round, 1);
    if (!r)
        return c->err ? c->err : TC_ERR_LIMIT;
    if (m.kind == TC_CONS_PROPOSAL)
        return receive_proposal(c, r, &m, msg, len, trusted);
    return receive_vote(c, r, &m, msg, len, trusted);
}
