/* The consensus engine: lifecycle, the action list, signing with the
 * persist-before-send rule, restore, gossip. The rules of Algorithm 1 are in
 * consensus_rules.c, message intake in consensus_recv.c. */
#include <assert.h>
#include <string.h>
#include "consensus_priv.h"
#include "tc/alloc.h"
#include "tc/cbor.h"
#include "tc/errors.h"

void tc_cons_config_default(tc_cons_config *cfg, const char *chain_id)
{
    assert(cfg && chain_id && strlen(chain_id) <= TC_CHAIN_ID_MAX);
    memset(cfg, 0, sizeof *cfg);
    memcpy(cfg->chain_id, chain_id, strlen(chain_id));
    cfg->propose_base = 3000;
    cfg->propose_delta = 500;
    cfg->prevote_base = 1000;
    cfg->prevote_delta = 500;
    cfg->precommit_base = 1000;
    cfg->precommit_delta = 500;
    cfg->max_block = TC_CONS_MAX_BLOCK;
    cfg->block_id = NULL;
}

int tc_cons_new(tc_cons **out, const tc_cons_config *cfg, const uint8_t sec[TC_ED25519_SEC_LEN])
{
    assert(out && cfg && cfg->max_block <= TC_CONS_MAX_BLOCK);
    *out = NULL;
    tc_cons *c = tc_calloc(1, sizeof *c);
    if (!c)
        return TC_ERR_NOMEM;
    c->acts = tc_calloc(TC_CONS_MAX_ACTIONS, sizeof *c->acts);
    c->arena = tc_calloc(TC_CONS_MAX_ACTIONS, sizeof *c->arena);
    if (!c->acts || !c->arena) {
        tc_free(c->acts);
        tc_free(c->arena);
        tc_free(c);
        return TC_ERR_NOMEM;
    }
    c->cfg = *cfg;
    if (sec) {
        c->has_key = 1;
        memcpy(c->sec, sec, TC_ED25519_SEC_LEN);
        memcpy(c->pub, sec + TC_ED25519_SEED_LEN, TC_ED25519_PUB_LEN);
    }
    c->self = -1;
    c->locked.round = c->valid.round = -1;
    c->rec_locked.round = c->rec_valid.round = -1;
    *out = c;
    return 0;
}

static void arena_reset(tc_cons *c)
{
    for (size_t i = 0; i < c->narena; i++)
        tc_free(c->arena[i]);
    c->narena = 0;
    c->nacts = 0;
    c->err = 0;
}

void tc_cons_free(tc_cons *c)
{
    if (!c)
        return;
    arena_reset(c);
    tc__cons_rounds_free(c);
    tc__cons_value_clear(&c->locked);
    tc__cons_value_clear(&c->valid);
    tc__cons_value_clear(&c->rec_locked);
    tc__cons_value_clear(&c->rec_valid);
    tc_free(c->rec_pol);
    tc_free(c->rec_own);
    for (size_t k = 0; k < c->nown; k++)
        tc_free(c->own[k].msg);
    for (size_t i = 0; i < c->npending; i++)
        tc_free(c->pending[i].msg);
    tc_wipe(c->sec, sizeof c->sec);
    tc_free(c->acts);
    tc_free(c->arena);
    tc_free(c);
}

void tc__cons_emit(tc_cons *c, const tc_cons_action *a)
{
    if (c->nacts >= TC_CONS_MAX_ACTIONS) {
        c->err = TC_ERR_LIMIT;
        return;
    }
    c->acts[c->nacts++] = *a;
}

uint8_t *tc__cons_arena(tc_cons *c, size_t n)
{
    if (c->narena >= TC_CONS_MAX_ACTIONS) {
        c->err = TC_ERR_LIMIT;
        return NULL;
    }
    uint8_t *p = tc_malloc(n ? n : 1);
    if (!p) {
        c->err = TC_ERR_NOMEM;
        return NULL;
    }
    c->arena[c->narena++] = p;
    return p;
}

size_t tc_cons_actions(const tc_cons *c, const tc_cons_action **out)
{
    *out = c->acts;
    return c->nacts;
}

void tc__cons_id(const tc_cons *c, uint8_t id[TC_BLOCK_ID_LEN], const uint8_t *v, size_t n)
{
    if (c->cfg.block_id)
        c->cfg.block_id(id, v, n);
    else
        tc_sha256(id, v, n);
}

void tc__cons_value_clear(cons_value *v)
{
    tc_free(v->bytes);
    memset(v, 0, sizeof *v);
    v->round = -1;
}

int tc__cons_value_set(cons_value *dst, int32_t round, const uint8_t *v, size_t n,
                       const uint8_t id[TC_BLOCK_ID_LEN])
{
    if (dst->bytes && dst->bytes == v) { /* same buffer: only the round moves */
        dst->round = round;
        return 0;
    }
    uint8_t *copy = tc_malloc(n ? n : 1);
    if (!copy)
        return TC_ERR_NOMEM;
    memcpy(copy, v, n);
    tc__cons_value_clear(dst);
    dst->bytes = copy;
    dst->len = n;
    dst->round = round;
    memcpy(dst->id, id, TC_BLOCK_ID_LEN);
    return 0;
}

/* Keeps a copy of one of this validator's signed messages (wire bytes) of
 * `height`: messages of other heights are dropped, and the oldest when full. */
static int own_add(tc_cons *c, uint64_t height, const uint8_t *msg, size_t len)
{
    size_t keep = 0;
    for (size_t k = 0; k < c->nown; k++) {
        if (c->own[k].height == height &&
            !(c->own[k].len == len && memcmp(c->own[k].msg, msg, len) == 0))
            c->own[keep++] = c->own[k];
        else
            tc_free(c->own[k].msg);
    }
    c->nown = keep;
    if (c->nown == CONS_OWN_MAX) {
        tc_free(c->own[0].msg);
        memmove(&c->own[0], &c->own[1], (CONS_OWN_MAX - 1) * sizeof c->own[0]);
        c->nown--;
    }
    uint8_t *cp = tc_malloc(len ? len : 1);
    if (!cp)
        return TC_ERR_NOMEM;
    memcpy(cp, msg, len);
    c->own[c->nown].msg = cp;
    c->own[c->nown].len = len;
    c->own[c->nown].height = height;
    c->nown++;
    return 0;
}

/* The double-sign guard (DESIGN.md: never sign a vote that could conflict
 * with one signed before): (height, round, step) must grow strictly, or be
 * the same with the same block id (re-signing the identical message after a
 * restart is harmless: Ed25519 signatures are deterministic). */
static int may_sign(const tc_cons *c, const tc_cons_msg *m, uint8_t step)
{
    if (c->ls_height == 0 || m->height != c->ls_height)
        return m->height > c->ls_height;
    if (m->round != c->ls_round)
        return m->round > c->ls_round;
    if (step != c->ls_step)
        return step > c->ls_step;
    return m->has_id == c->ls_has_id &&
           (!m->has_id || memcmp(m->block_id, c->ls_id, TC_BLOCK_ID_LEN) == 0);
}

static void emit_persist(tc_cons *c)
{
    tc_cons_record r;
    memset(&r, 0, sizeof r);
    r.height = c->ls_height;
    r.round = c->ls_round;
    r.step = c->ls_step;
    r.has_id = c->ls_has_id;
    memcpy(r.block_id, c->ls_id, TC_BLOCK_ID_LEN);
    r.locked_round = c->locked.round;
    r.locked_value = c->locked.round >= 0 ? c->locked.bytes : NULL;
    r.locked_len = c->locked.len;
    r.valid_round = c->valid.round;
    r.valid_value = c->valid.round >= 0 ? c->valid.bytes : NULL;
    r.valid_len = c->valid.len;
    r.pol = tc__cons_pol(c, &r.pol_len);
    tc_cbor_enc oe;
    size_t olen = 0;
    for (int pass = 0; pass < 2; pass++) {
        uint8_t *ob = pass ? tc__cons_arena(c, olen) : NULL;
        if (pass && !ob)
            return;
        tc_cbor_enc_init(&oe, ob, pass ? olen : 0);
        tc_cbor_put_array(&oe, c->nown);
        for (size_t k = 0; k < c->nown; k++)
            tc_cbor_put_bytes(&oe, c->own[k].msg, c->own[k].len);
        if (tc_cbor_enc_finish(&oe, &olen) != 0)
            return;
        r.own = ob;
        r.own_len = olen;
    }
    size_t n;
    if (tc_cons_record_encode(NULL, 0, &n, &r) != 0)
        return;
    uint8_t *buf = tc__cons_arena(c, n);
    if (!buf)
        return;
    tc_cons_record_encode(buf, n, &n, &r);
    tc_cons_action a;
    memset(&a, 0, sizeof a);
    a.kind = TC_CONS_ACT_PERSIST;
    a.data = buf;
    a.len = n;
    a.seq = c->seq;
    a.height = c->ls_height;
    a.round = c->ls_round;
    a.step = c->ls_step;
    tc__cons_emit(c, &a);
}

void tc__cons_sign_send(tc_cons *c, tc_cons_msg *m)
{
    if (c->self < 0 || !c->has_key)
        return;
    uint8_t step = m->kind == TC_CONS_PROPOSAL ? TC_STEP_PROPOSE
                   : m->kind == TC_CONS_PREVOTE ? TC_STEP_PREVOTE : TC_STEP_PRECOMMIT;
    if (!may_sign(c, m, step)) {
        c->sign_refused++;
        return;
    }
    if (c->npending >= CONS_MAX_PENDING) {
        c->err = TC_ERR_LIMIT;
        return;
    }
    m->validator = (uint32_t)c->self;
    if (tc_cons_msg_sign(m, c->cfg.chain_id, c->sec) != 0)
        return;
    size_t n;
    if (tc_cons_msg_encode(NULL, 0, &n, m) != 0)
        return;
    uint8_t *buf = tc_malloc(n);
    if (!buf) {
        c->err = TC_ERR_NOMEM;
        return;
    }
    tc_cons_msg_encode(buf, n, &n, m);
    if (own_add(c, m->height, buf, n) != 0) {
        tc_free(buf);
        c->err = TC_ERR_NOMEM;
        return;
    }
    c->ls_height = m->height;
    c->ls_round = m->round;
    c->ls_step = step;
    c->ls_has_id = m->has_id;
    memcpy(c->ls_id, m->block_id, TC_BLOCK_ID_LEN);
    c->seq++;
    c->pending[c->npending].seq = c->seq;
    c->pending[c->npending].msg = buf;
    c->pending[c->npending].len = n;
    c->npending++;
    emit_persist(c);
}

/* PERSISTED(seq): the records up to seq are durable, so the messages signed
 * with them may leave; each is also delivered to this engine itself (the
 * paper's broadcast includes the sender). */
static void on_persisted(tc_cons *c, uint64_t seq)
{
    if (seq > c->seq)
        seq = c->seq; /* a confused caller cannot release the future */
    if (seq > c->acked)
        c->acked = seq;
    while (c->npending > 0 && c->pending[0].seq <= c->acked) {
        cons_pending p = c->pending[0];
        memmove(&c->pending[0], &c->pending[1], (c->npending - 1) * sizeof p);
        c->npending--;
        uint8_t *buf = tc__cons_arena(c, p.len);
        if (buf) {
            memcpy(buf, p.msg, p.len);
            tc_cons_action a;
            memset(&a, 0, sizeof a);
            a.kind = TC_CONS_ACT_BROADCAST;
            a.data = buf;
            a.len = p.len;
            a.height = c->height;
            tc__cons_emit(c, &a);
        }
        tc__cons_receive(c, p.msg, p.len, 1);
        tc_free(p.msg);
    }
}

int tc_cons_restore(tc_cons *c, const uint8_t *rec, size_t len)
{
    tc_cons_record r;
    int rc = tc_cons_record_decode(&r, rec, len);
    if (rc)
        return rc;
    c->ls_height = r.height;
    c->ls_round = r.round;
    c->ls_step = r.step;
    c->ls_has_id = r.has_id;
    memcpy(c->ls_id, r.block_id, TC_BLOCK_ID_LEN);
    c->rec_height = r.height;
    c->rec_round = r.round;
    tc_free(c->rec_pol);
    c->rec_pol = tc_malloc(r.pol_len);
    if (!c->rec_pol)
        return TC_ERR_NOMEM;
    memcpy(c->rec_pol, r.pol, r.pol_len);
    c->rec_pol_len = r.pol_len;
    tc_free(c->rec_own);
    c->rec_own = tc_malloc(r.own_len);
    if (!c->rec_own)
        return TC_ERR_NOMEM;
    memcpy(c->rec_own, r.own, r.own_len);
    c->rec_own_len = r.own_len;
    /* Keep them as this engine's last messages, so the next record has them. */
    tc_cbor_dec od;
    uint64_t ocnt;
    const uint8_t *op;
    size_t on;
    if (tc_cbor_dec_init(&od, r.own, r.own_len, NULL) == 0 && tc_cbor_get_array(&od, &ocnt) == 0)
        for (uint64_t i = 0; i < ocnt && tc_cbor_get_bytes(&od, &op, &on) == 0; i++) {
            tc_cons_msg m;
            if (tc_cons_msg_decode(&m, op, on) != 0)
                continue;
            if (own_add(c, m.height, op, on) != 0)
                return TC_ERR_NOMEM;
        }
    uint8_t id[TC_BLOCK_ID_LEN];
    tc__cons_value_clear(&c->rec_locked);
    tc__cons_value_clear(&c->rec_valid);
    if (r.locked_value) {
        tc__cons_id(c, id, r.locked_value, r.locked_len);
        if ((rc = tc__cons_value_set(&c->rec_locked, r.locked_round, r.locked_value, r.locked_len, id)))
            return rc;
    }
    if (r.valid_value) {
        tc__cons_id(c, id, r.valid_value, r.valid_len);
        if ((rc = tc__cons_value_set(&c->rec_valid, r.valid_round, r.valid_value, r.valid_len, id)))
            return rc;
    }
    return 0;
}

int tc_cons_start_height(tc_cons *c, uint64_t height, const tc_valset *vs, uint64_t now)
{
    assert(c && vs && vs->n > 0 && height > 0);
    arena_reset(c);
    tc__cons_rounds_free(c);
    c->nvcache = 0;
    c->vs = vs;
    c->now = now;
    c->height = height;
    c->self = c->has_key ? tc_valset_find(vs, c->pub) : -1;
    tc__cons_value_clear(&c->locked);
    tc__cons_value_clear(&c->valid);
    uint32_t round = 0;
    if (c->rec_height == height) {
        /* Resume where the record says: same round, same lock (a lock must
         * survive a crash or the node could precommit two values). */
        round = c->rec_round;
        if (c->rec_locked.round >= 0 &&
            tc__cons_value_set(&c->locked, c->rec_locked.round, c->rec_locked.bytes,
                               c->rec_locked.len, c->rec_locked.id))
            return TC_ERR_NOMEM;
        if (c->rec_valid.round >= 0 &&
            tc__cons_value_set(&c->valid, c->rec_valid.round, c->rec_valid.bytes,
                               c->rec_valid.len, c->rec_valid.id))
            return TC_ERR_NOMEM;
        /* The proof of lock comes back too: re-checked like any message. */
        tc_cbor_dec d;
        uint64_t cnt;
        const uint8_t *p;
        size_t n;
        if (c->rec_pol && tc_cbor_dec_init(&d, c->rec_pol, c->rec_pol_len, NULL) == 0 &&
            tc_cbor_get_array(&d, &cnt) == 0)
            for (uint64_t i = 0; i < cnt && tc_cbor_get_bytes(&d, &p, &n) == 0; i++)
                tc__cons_receive(c, p, n, 0);
        /* Own messages of this height: held again, so gossip re-sends them. */
        if (c->rec_own && tc_cbor_dec_init(&d, c->rec_own, c->rec_own_len, NULL) == 0 &&
            tc_cbor_get_array(&d, &cnt) == 0)
            for (uint64_t i = 0; i < cnt && tc_cbor_get_bytes(&d, &p, &n) == 0; i++)
                tc__cons_receive(c, p, n, 0);
    }
    tc__cons_start_round(c, round);
    tc__cons_evaluate(c);
    return c->err;
}

int tc_cons_step(tc_cons *c, const tc_cons_event *ev, uint64_t now)
{
    assert(c && ev && c->vs);
    arena_reset(c);
    c->now = now;
    int rc = 0;
    switch (ev->kind) {
    case TC_CONS_EV_MESSAGE:
        rc = tc__cons_receive(c, ev->data, ev->len, 0);
        if (rc)
            c->dropped++;
        break;
    case TC_CONS_EV_TIMEOUT:
        tc__cons_on_timeout(c, ev);
        break;
    case TC_CONS_EV_PROPOSAL_READY:
        tc__cons_on_proposal_ready(c, ev);
        break;
    case TC_CONS_EV_VALIDATED:
        for (size_t i = 0; i < c->nvcache; i++)
            if (memcmp(c->vcache[i].id, ev->block_id, TC_BLOCK_ID_LEN) == 0)
                c->vcache[i].state = ev->ok ? 1 : -1;
        break;
    case TC_CONS_EV_PERSISTED:
        on_persisted(c, ev->seq);
        break;
    case TC_CONS_EV_COMMIT:
        rc = tc__cons_on_commit(c, ev);
        break;
    default:
        assert(!"unknown consensus event");
    }
    tc__cons_evaluate(c);
    return c->err ? c->err : rc;
}

int tc_cons_gossip(tc_cons *c)
{
    assert(c && c->vs);
    arena_reset(c);
    int32_t pol = -1;
    cons_round *cur = tc__cons_round(c, c->round, 0);
    if (cur && cur->has_prop)
        pol = cur->pol;
    for (size_t i = 0; i < TC_CONS_MAX_ROUND_RECS; i++) {
        cons_round *r = c->rounds[i];
        if (!r)
            continue;
        /* The recent rounds, and the older ones a lock or POL refers to. */
        if (r->round + 2 >= c->round || (int64_t)r->round == c->locked.round ||
            (int64_t)r->round == c->valid.round || (int64_t)r->round == pol)
            tc__cons_encode_round(c, r);
    }
    return c->err;
}

void tc_cons_get_status(const tc_cons *c, tc_cons_status *st)
{
    memset(st, 0, sizeof *st);
    st->height = c->height;
    st->round = c->round;
    st->step = c->step;
    st->locked_round = c->locked.round;
    st->valid_round = c->valid.round;
    st->has_locked = c->locked.round >= 0;
    if (st->has_locked)
        memcpy(st->locked_id, c->locked.id, TC_BLOCK_ID_LEN);
    st->self = c->self;
    st->sigs_verified = c->sigs_verified;
    st->sign_refused = c->sign_refused;
    st->dropped = c->dropped;
}
