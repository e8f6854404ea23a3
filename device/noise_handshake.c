/* Noise HandshakeState (§5.3, revision 34): Initialize, WriteMessage,
 * ReadMessage and Split, driven by the pattern table in noise_pattern.c.
 * DH is X25519 (§12.1) through the crypto port. Every message is checked for
 * size before the state changes, so size errors are recoverable; an
 * authentication or DH failure kills the handshake (§5.3 "abort"). */
#include <assert.h>
#include <string.h>

#include "noise_internal.h"
#include "tc/crypto.h"
#include "tc/errors.h"

enum { ST_DEAD = 0, ST_RUNNING, ST_DONE, ST_SPLIT };

#define KL TCDEV_NOISE_KEY_LEN
#define TL TCDEV_NOISE_TAG_LEN

static void fail(tcdev_noise_handshake *hs)
{
    tcdev_noise_wipe(hs);
}

static int is_mine(const tcdev_noise_handshake *hs, unsigned msg)
{
    return (msg % 2 == 0) == (hs->initiator != 0);
}

/* Does this role need its own static key? (pre-message, "s" token, or a DH
 * with our s: "se" for the initiator, "es" for the responder, "ss"). */
static int needs_s(const tcdev_noise_pattern *p, int initiator)
{
    unsigned m, t;
    if ((initiator ? p->pre_init : p->pre_resp) & TCDEV__PRE_S) return 1;
    for (m = 0; m < p->n_msgs; m++) {
        int mine = (m % 2 == 0) == (initiator != 0);
        for (t = 0; t < TCDEV__MAX_TOKENS && p->tok[m][t]; t++) {
            uint8_t k = p->tok[m][t];
            if (k == TCDEV__TOK_SS) return 1;
            if (k == TCDEV__TOK_S && mine) return 1;
            if (k == (initiator ? TCDEV__TOK_SE : TCDEV__TOK_ES)) return 1;
        }
    }
    return 0;
}

int tcdev_noise_init(tcdev_noise_handshake *hs, const tcdev_noise_pattern *pattern,
                     int initiator, const uint8_t *prologue, size_t prologue_len,
                     const uint8_t s[TCDEV_NOISE_KEY_LEN], const uint8_t rs[TCDEV_NOISE_KEY_LEN],
                     const uint8_t ephemeral[TCDEV_NOISE_KEY_LEN])
{
    static const char pre[] = "Noise_", suf[] = "_25519_ChaChaPoly_SHA256";
    char name[sizeof pre + sizeof suf + sizeof pattern->name];
    size_t nl = 0, l;
    uint8_t remote_pre;
    assert(hs && pattern && ephemeral && (prologue || prologue_len == 0));
    memset(hs, 0, sizeof *hs);
    remote_pre = initiator ? pattern->pre_resp : pattern->pre_init;
    if (needs_s(pattern, initiator) && !s) return TC_ERR_NOISE_KEY;
    if ((remote_pre & TCDEV__PRE_S) && !rs) return TC_ERR_NOISE_KEY;

    hs->pattern = pattern;
    hs->initiator = initiator ? 1 : 0;
    if (s) {
        memcpy(hs->s, s, KL);
        tc_x25519_public(hs->s_pub, hs->s);
        hs->has_s = 1;
    }
    if (rs && (remote_pre & TCDEV__PRE_S)) {
        memcpy(hs->rs, rs, KL);
        hs->has_rs = 1;
    }
    memcpy(hs->e, ephemeral, KL);    /* becomes "e" when the e token is written */

    /* §5.3 Initialize: InitializeSymmetric(protocol_name), MixHash(prologue),
     * then the pre-message keys, initiator's first (§7.1). */
    memcpy(name, pre, sizeof pre - 1); nl = sizeof pre - 1;
    l = strlen(pattern->name); memcpy(name + nl, pattern->name, l); nl += l;
    memcpy(name + nl, suf, sizeof suf - 1); nl += sizeof suf - 1;
    tcdev__noise_ss_init(&hs->ss, name, nl);
    tcdev__noise_ss_mix_hash(&hs->ss, prologue, prologue_len);
    if (pattern->pre_init & TCDEV__PRE_S)
        tcdev__noise_ss_mix_hash(&hs->ss, initiator ? hs->s_pub : hs->rs, KL);
    if (pattern->pre_resp & TCDEV__PRE_S)
        tcdev__noise_ss_mix_hash(&hs->ss, initiator ? hs->rs : hs->s_pub, KL);
    hs->status = ST_RUNNING;
    return 0;
}

int tcdev_noise_wants_write(const tcdev_noise_handshake *hs)
{
    assert(hs);
    return hs->status == ST_RUNNING && is_mine(hs, hs->msg_index);
}

int tcdev_noise_handshake_done(const tcdev_noise_handshake *hs)
{
    assert(hs);
    return hs->status == ST_DONE;
}

/* Bytes the tokens of the current message add around the payload,
 * simulating when the cipher gets its key (§5.3: "s" is encrypted once a DH
 * happened; the payload gets a tag then too). */
static size_t overhead(const tcdev_noise_handshake *hs)
{
    const uint8_t *tok = hs->pattern->tok[hs->msg_index];
    int keyed = hs->ss.cs.has_key;
    size_t n = 0;
    unsigned t;
    for (t = 0; t < TCDEV__MAX_TOKENS && tok[t]; t++) {
        if (tok[t] == TCDEV__TOK_E) n += KL;
        else if (tok[t] == TCDEV__TOK_S) n += KL + (keyed ? TL : 0);
        else keyed = 1;
    }
    return n + (keyed ? TL : 0);
}

/* MixKey(DH(...)) for ee/es/se/ss, picking keys by role (§5.3). */
static int mix_dh(tcdev_noise_handshake *hs, uint8_t tok)
{
    const uint8_t *mine, *theirs;
    uint8_t shared[KL];
    int init = hs->initiator, rc;
    switch (tok) {
    case TCDEV__TOK_EE: mine = hs->e; theirs = hs->re; break;
    case TCDEV__TOK_ES: mine = init ? hs->e : hs->s; theirs = init ? hs->rs : hs->re; break;
    case TCDEV__TOK_SE: mine = init ? hs->s : hs->e; theirs = init ? hs->re : hs->rs; break;
    default:            mine = hs->s; theirs = hs->rs; break;
    }
    rc = tc_x25519(shared, mine, theirs);
    if (rc == 0) tcdev__noise_ss_mix_key(&hs->ss, shared, KL);
    tc_wipe(shared, sizeof shared);
    return rc ? TC_ERR_NOISE_KEY : 0;
}

static void advance(tcdev_noise_handshake *hs)
{
    hs->msg_index++;
    if (hs->msg_index >= hs->pattern->n_msgs) hs->status = ST_DONE;
}

int tcdev_noise_write_message(tcdev_noise_handshake *hs, uint8_t *out, size_t cap,
                              size_t *out_len, const uint8_t *payload, size_t payload_len)
{
    const uint8_t *tok;
    size_t need, pos = 0;
    unsigned t;
    int rc = 0;
    assert(hs && out_len && (out || cap == 0) && (payload || payload_len == 0));
    if (!tcdev_noise_wants_write(hs)) return TC_ERR_NOISE_STATE;
    need = overhead(hs);
    if (payload_len > TCDEV_NOISE_MAX_MSG - need) return TC_ERR_NOISE_MSG_SIZE;
    need += payload_len;
    if (cap < need) return TC_ERR_BUFFER_TOO_SMALL;

    tok = hs->pattern->tok[hs->msg_index];
    for (t = 0; rc == 0 && t < TCDEV__MAX_TOKENS && tok[t]; t++) {
        switch (tok[t]) {
        case TCDEV__TOK_E:
            tc_x25519_public(hs->e_pub, hs->e);
            hs->has_e = 1;
            memcpy(out + pos, hs->e_pub, KL);
            tcdev__noise_ss_mix_hash(&hs->ss, hs->e_pub, KL);
            pos += KL;
            break;
        case TCDEV__TOK_S:
            rc = tcdev__noise_ss_encrypt_and_hash(&hs->ss, out + pos, hs->s_pub, KL);
            pos += KL + (hs->ss.cs.has_key ? TL : 0);
            break;
        default:
            rc = mix_dh(hs, tok[t]);
            break;
        }
    }
    if (rc == 0) rc = tcdev__noise_ss_encrypt_and_hash(&hs->ss, out + pos, payload, payload_len);
    if (rc) {
        fail(hs);
        return rc;
    }
    pos += payload_len + (hs->ss.cs.has_key ? TL : 0);
    assert(pos == need);
    *out_len = pos;
    advance(hs);
    return 0;
}

int tcdev_noise_read_message(tcdev_noise_handshake *hs, uint8_t *payload, size_t cap,
                             size_t *payload_len, const uint8_t *msg, size_t msg_len)
{
    const uint8_t *tok;
    size_t over, pos = 0, n;
    unsigned t;
    int rc = 0;
    assert(hs && payload_len && (payload || cap == 0) && (msg || msg_len == 0));
    if (hs->status != ST_RUNNING || is_mine(hs, hs->msg_index)) return TC_ERR_NOISE_STATE;
    over = overhead(hs);
    if (msg_len > TCDEV_NOISE_MAX_MSG || msg_len < over) return TC_ERR_NOISE_MSG_SIZE;
    if (cap < msg_len - over) return TC_ERR_BUFFER_TOO_SMALL;

    tok = hs->pattern->tok[hs->msg_index];
    for (t = 0; rc == 0 && t < TCDEV__MAX_TOKENS && tok[t]; t++) {
        switch (tok[t]) {
        case TCDEV__TOK_E:
            memcpy(hs->re, msg + pos, KL);
            hs->has_re = 1;
            tcdev__noise_ss_mix_hash(&hs->ss, hs->re, KL);
            pos += KL;
            break;
        case TCDEV__TOK_S:
            n = KL + (hs->ss.cs.has_key ? TL : 0);
            rc = tcdev__noise_ss_decrypt_and_hash(&hs->ss, hs->rs, msg + pos, n);
            hs->has_rs = rc == 0;
            pos += n;
            break;
        default:
            rc = mix_dh(hs, tok[t]);
            break;
        }
    }
    if (rc == 0) {
        n = msg_len - pos;
        rc = tcdev__noise_ss_decrypt_and_hash(&hs->ss, payload, msg + pos, n);
    }
    if (rc) {
        if (payload && cap) memset(payload, 0, cap < msg_len - over ? cap : msg_len - over);
        fail(hs);
        return rc;
    }
    *payload_len = msg_len - over;
    advance(hs);
    return 0;
}

int tcdev_noise_split(tcdev_noise_handshake *hs, tcdev_noise_cipher *send, tcdev_noise_cipher *recv,
                      uint8_t h[TCDEV_NOISE_HASH_LEN])
{
    tcdev_noise_cipher c1, c2;
    assert(hs && send && recv);
    if (hs->status != ST_DONE) return TC_ERR_NOISE_STATE;
    tcdev__noise_ss_split(&hs->ss, &c1, &c2);
    /* One-way patterns (§7.4): only the initiator -> responder cipher exists. */
    if (hs->pattern->one_way) c2.has_key = 0;
    *send = hs->initiator ? c1 : c2;
    *recv = hs->initiator ? c2 : c1;
    if (h) memcpy(h, hs->ss.h, TCDEV_NOISE_HASH_LEN);
    tc_wipe(&c1, sizeof c1);
    tc_wipe(&c2, sizeof c2);
    /* Keep only the public remote static key: callers may ask for it. */
    tc_wipe(&hs->ss, sizeof hs->ss);
    tc_wipe(hs->s, KL);
    tc_wipe(hs->e, KL);
    hs->status = ST_SPLIT;
    return 0;
}

int tcdev_noise_remote_static(const tcdev_noise_handshake *hs, uint8_t rs[TCDEV_NOISE_KEY_LEN])
{
    assert(hs && rs);
    if (!hs->has_rs || hs->status == ST_DEAD) return TC_ERR_NOISE_KEY;
    memcpy(rs, hs->rs, KL);
    return 0;
}

void tcdev_noise_wipe(tcdev_noise_handshake *hs)
{
    assert(hs);
    tc_wipe(hs, sizeof *hs);   /* status 0 == ST_DEAD */
}
