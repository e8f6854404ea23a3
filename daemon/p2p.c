/* The node's peer protocol on top of the links of include/tc/net.h
 * (docs/node.md, "Peer protocol"): one type byte, then the body.
 *   1 CONS        a wire consensus message (proposal or vote)
 *   2 TX          a signed transaction (gossip: relayed once when admitted)
 *   3 STATUS      u64 height of the sender's last committed block
 *   4 SYNC_REQ    u64 height wanted
 *   5 SYNC_BLOCK  u64 height, u32 block length, block, certificate
 * Block sync: a node that learns (STATUS, or a consensus message of a later
 * height) that a peer is ahead asks it for its next block; the answer is
 * fed to the engine as a COMMIT event, which checks the certificate against
 * the height's validator set before the store checks and applies it. */
#include <string.h>

#include "node.h"
#include "tc/alloc.h"
#include "tc/log.h"

enum { P_CONS = 1, P_TX = 2, P_STATUS = 3, P_SYNC_REQ = 4, P_SYNC_BLOCK = 5 };
#define SYNC_RETRY_MS 1000

static void put64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (56 - 8 * i));
}

static uint64_t get64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | p[i];
    return v;
}

static void send_u64(tc_net_link *l, int type, uint64_t v)
{
    uint8_t m[9];
    m[0] = (uint8_t)type;
    put64(m + 1, v);
    tc_net_send(l, m, sizeof m);
}

static uint8_t *with_type(int type, const uint8_t *msg, size_t len)
{
    uint8_t *m = tc_malloc(len + 1);
    if (m) {
        m[0] = (uint8_t)type;
        memcpy(m + 1, msg, len);
    }
    return m;
}

void p2p_broadcast_cons(node *nd, const uint8_t *msg, size_t len)
{
    uint8_t *m = with_type(P_CONS, msg, len);
    if (m && nd->net) {
        tc_net_broadcast(nd->net, NULL, m, len + 1);
        tc_net_flush(nd->net); /* others wait on it: not after our commit */
    }
    tc_free(m);
}

void p2p_broadcast_tx(node *nd, const tc_net_link *except, const uint8_t *tx, size_t len)
{
    uint8_t *m = with_type(P_TX, tx, len);
    if (m && nd->net)
        tc_net_broadcast(nd->net, except, m, len + 1);
    tc_free(m);
}

/* The certificate of block h: the last commit inside block h+1, or our
 * own for the last block. Allocated copy in *cert. */
static int cert_of(node *nd, uint8_t **cert, size_t *len, uint64_t h)
{
    uint64_t top = tc_store_height(nd->store);
    if (h == top) {
        if (!nd->last_cert)
            return TC_ERR_NOT_FOUND;
        *cert = tc_malloc(nd->last_cert_len);
        if (!*cert)
            return TC_ERR_NOMEM;
        memcpy(*cert, nd->last_cert, nd->last_cert_len);
        *len = nd->last_cert_len;
        return 0;
    }
    uint8_t *b;
    size_t blen;
    int rc = tc_store_block(nd->store, &b, &blen, h + 1);
    if (rc)
        return rc;
    tc_block blk;
    rc = tc_block_decode(&blk, b, blen);
    if (!rc) {
        *cert = tc_malloc(blk.last_commit.len ? blk.last_commit.len : 1);
        if (*cert) {
            memcpy(*cert, blk.last_commit.p, blk.last_commit.len);
            *len = blk.last_commit.len;
        } else {
            rc = TC_ERR_NOMEM;
        }
        tc_block_free(&blk);
    }
    tc_free(b);
    return rc;
}

static void serve_block(node *nd, tc_net_link *l, uint64_t h)
{
    if (h == 0 || h > tc_store_height(nd->store))
        return;
    uint8_t *b = NULL, *c = NULL;
    size_t blen, clen;
    if (tc_store_block(nd->store, &b, &blen, h) != 0 || cert_of(nd, &c, &clen, h) != 0) {
        tc_free(b);
        return;
    }
    uint8_t *m = tc_malloc(1 + 8 + 4 + blen + clen);
    if (m) {
        m[0] = P_SYNC_BLOCK;
        put64(m + 1, h);
        m[9] = (uint8_t)(blen >> 24); m[10] = (uint8_t)(blen >> 16);
        m[11] = (uint8_t)(blen >> 8); m[12] = (uint8_t)blen;
        memcpy(m + 13, b, blen);
        memcpy(m + 13 + blen, c, clen);
        tc_net_send(l, m, 13 + blen + clen);
        tc_free(m);
    }
    tc_free(b);
    tc_free(c);
}

static void maybe_sync(node *nd, tc_net_link *l, uint64_t peer_height)
{
    if (peer_height > nd->best_peer_height)
        nd->best_peer_height = peer_height;
    uint64_t mine = tc_store_height(nd->store), now = node_now_ms();
    if (peer_height <= mine || now < nd->sync_asked_ms + SYNC_RETRY_MS)
        return;
    nd->sync_asked_ms = now;
    TC_LOGD("behind (%llu < %llu): asking for block %llu", (unsigned long long)mine,
            (unsigned long long)peer_height, (unsigned long long)mine + 1);
    send_u64(l, P_SYNC_REQ, mine + 1);
}

static void on_sync_block(node *nd, tc_net_link *l, const uint8_t *p, size_t n)
{
    if (n < 12)
        return;
    uint64_t h = get64(p);
    size_t blen = (size_t)p[8] << 24 | (size_t)p[9] << 16 | (size_t)p[10] << 8 | p[11];
    if (blen > n - 12 || h != tc_store_height(nd->store) + 1)
        return;
    tc_cons_event ev;
    memset(&ev, 0, sizeof ev);
    ev.kind = TC_CONS_EV_COMMIT;
    ev.data = p + 12;
    ev.len = blen;
    ev.cert = p + 12 + blen;
    ev.cert_len = n - 12 - blen;
    ev.height = h;
    nd->sync_asked_ms = 0; /* an answer came: the next request may go at once */
    node_feed(nd, &ev);
    if (tc_store_height(nd->store) == h && nd->best_peer_height > h)
        maybe_sync(nd, l, nd->best_peer_height);
}

static void on_cons(node *nd, tc_net_link *l, const uint8_t *p, size_t n)
{
    tc_cons_msg m;
    if (tc_cons_msg_decode(&m, p, n) != 0)
        return;
    uint64_t mine = tc_store_height(nd->store);
    if (m.height > mine + 1)
        maybe_sync(nd, l, m.height - 1);
    tc_cons_event ev;
    memset(&ev, 0, sizeof ev);
    ev.kind = TC_CONS_EV_MESSAGE;
    ev.data = p;
    ev.len = n;
    node_feed(nd, &ev);
}

static void on_tx(node *nd, tc_net_link *l, const uint8_t *p, size_t n)
{
    tc_err err;
    tc_err_clear(&err);
    int rc = admit_submit(nd, &err, p, n, l, NULL, NULL); /* relayed once admitted (daemon/admit.c) */
    if (rc != 2 && rc != 1)
        TC_LOGD("gossiped transaction refused: %s", err.msg);
}

static void on_msg(void *ctx, tc_net_link *l, const uint8_t *m, size_t len)
{
    node *nd = ctx;
    if (len < 1 || nd->stopping)
        return;
    const uint8_t *p = m + 1;
    size_t n = len - 1;
    switch (m[0]) {
    case P_CONS: on_cons(nd, l, p, n); break;
    case P_TX: on_tx(nd, l, p, n); break;
    case P_STATUS: if (n == 8) maybe_sync(nd, l, get64(p)); break;
    case P_SYNC_REQ: if (n == 8) serve_block(nd, l, get64(p)); break;
    case P_SYNC_BLOCK: on_sync_block(nd, l, p, n); break;
    default: break;
    }
}

static int is_known(void *ctx, const uint8_t pub[TC_ED25519_PUB_LEN])
{
    return node_admits(ctx, pub);
}

static void on_up(void *ctx, tc_net_link *l)
{
    node *nd = ctx;
    send_u64(l, P_STATUS, tc_store_height(nd->store));
}

static void on_down(void *ctx, tc_net_link *l)
{
    admit_link_down(ctx, l);
}

void p2p_tick(node *nd)
{
    if (!nd->net || nd->stopping)
        return;
    uint8_t m[9];
    m[0] = P_STATUS;
    put64(m + 1, tc_store_height(nd->store));
    tc_net_broadcast(nd->net, NULL, m, sizeof m);
    /* Gossip: with no progress since the last tick, re-send what the engine
     * holds for its height (Tendermint's liveness assumes it). */
    tc_cons_status st;
    tc_cons_get_status(nd->eng, &st);
    uint64_t mark = st.height * 1000003u + st.round * 7u + st.step;
    if (mark != nd->gossip_mark) {
        nd->gossip_mark = mark;
        return;
    }
    tc_cons_gossip(nd->eng);
    node_drain(nd);
}

void p2p_after_commit(node *nd)
{
    nd->sync_asked_ms = 0;
}

int p2p_start(node *nd)
{
    tc_net_cb cb = {nd, is_known, on_up, on_msg, on_down};
    tc_err err;
    tc_err_clear(&err);
    int rc = tc_net_new(&nd->net, &err, nd->loop, &cb, nd->cfg.chain_id, nd->sec, nd->cfg.p2p_listen,
                        (const char(*)[64])nd->cfg.peers, nd->cfg.npeers);
    if (rc)
        TC_LOGE("%s", err.msg);
    else
        TC_LOGI("p2p listening on %s, %zu peers configured", nd->cfg.p2p_listen, nd->cfg.npeers);
    return rc;
}
