/* Peer links over TCP + Noise XX (include/tc/net.h; docs/node.md, "Peer
 * protocol"). One libuv loop thread; every link is a small state machine:
 * handshake (3 Noise messages), then encrypted application messages. */
#include "tc/net.h"

#include <stdlib.h>
#include <string.h>

#include "net_priv.h"
#include "tc/alloc.h"
#include "tc/keyfile.h"
#include "tc/log.h"

static const char k_prologue[] = "thingchain-p2p-v1";
static const char k_ident[] = "thingchain-p2p-v1 static";

/* ---- identity payload ---- */
static size_t ident_msg(uint8_t *out, const char *chain_id, const uint8_t xpub[TC_X25519_LEN])
{
    size_t a = sizeof k_ident - 1, b = strlen(chain_id);
    memcpy(out, k_ident, a);
    memcpy(out + a, chain_id, b);
    memcpy(out + a + b, xpub, TC_X25519_LEN);
    return a + b + TC_X25519_LEN;
}

static int check_ident(tc_net_link *l, const uint8_t *p, size_t len)
{
    uint8_t rs[TC_X25519_LEN], msg[128];
    if (len != NET_IDENT_LEN || tcdev_noise_remote_static(&l->hs, rs) != 0)
        return -1;
    size_t n = ident_msg(msg, l->n->chain_id, rs);
    if (tc_ed25519_verify(p + TC_ED25519_PUB_LEN, msg, n, p) != 0)
        return -1;
    memcpy(l->pub, p, TC_ED25519_PUB_LEN);
    if (memcmp(l->pub, l->n->pub, TC_ED25519_PUB_LEN) == 0 || !l->n->cb.is_known(l->n->cb.ctx, l->pub))
        return -2;
    return 0;
}

/* ---- raw writes ---- */
typedef struct wreq {
    uv_write_t req;
    tc_net_link *l;
    size_t len;
    uint8_t *buf;         /* data below, or a link's frame buffer (owned) */
    uint8_t data[];
} wreq;

static void on_written(uv_write_t *req, int status)
{
    wreq *w = (wreq *)req;
    w->l->queued -= w->len;
    if (status < 0)
        tc__net_link_close(w->l, "write failed");
    if (w->buf != w->data) tc_free(w->buf);
    tc_free(w);
}

static int write_raw(tc_net_link *l, wreq *w)
{
    if (l->closing) {
        if (w->buf != w->data) tc_free(w->buf);
        tc_free(w);
        return TC_ERR_IO;
    }
    w->l = l;
    l->queued += w->len;
    uv_buf_t b = uv_buf_init((char *)w->buf, (unsigned)w->len);
    if (uv_write(&w->req, (uv_stream_t *)&l->tcp, &b, 1, on_written) != 0) {
        l->queued -= w->len;
        if (w->buf != w->data) tc_free(w->buf);
        tc_free(w);
        tc__net_link_close(l, "write failed");
        return TC_ERR_IO;
    }
    return 0;
}

/* Application frames wait in l->ob until the loop is about to wait for
 * events (or tc_net_flush): one write for everything a turn of the loop
 * sent to a peer, instead of one per message (gossip under load sent
 * thousands of small writes a second per link). */
static void flush_link(tc_net_link *l)
{
    if (!l->ob_len) return;
    wreq *w = tc_malloc(sizeof *w);
    if (!w) {
        tc__net_link_close(l, "out of memory");
        return;
    }
    w->buf = l->ob;
    w->len = l->ob_len;
    l->ob = NULL;
    l->ob_len = l->ob_cap = 0;
    write_raw(l, w);
}

void tc_net_flush(tc_net *n)
{
    for (tc_net_link *l = n->links, *next; l; l = next) {
        next = l->next;
        flush_link(l);
    }
    if (n->flushing) {
        uv_prepare_stop(&n->flusher);
        n->flushing = 0;
    }
}

static void on_prepare(uv_prepare_t *p) { tc_net_flush(p->data); }

void tc__net_flusher_init(tc_net *n)
{
    uv_prepare_init(n->loop, &n->flusher);
    n->flusher.data = n;
}

void tc__net_flusher_close(tc_net *n)
{
    uv_close((uv_handle_t *)&n->flusher, NULL);
}

static int send_hs(tc_net_link *l, const uint8_t *payload, size_t plen)
{
    wreq *w = tc_malloc(sizeof *w + 2 + plen + TCDEV_NOISE_MAX_HS_OVERHEAD);
    size_t n;
    if (!w)
        return TC_ERR_NOMEM;
    w->buf = w->data;
    if (tcdev_noise_write_message(&l->hs, w->data + 2, plen + TCDEV_NOISE_MAX_HS_OVERHEAD, &n, payload,
                                  plen) != 0) {
        tc_free(w);
        return TC_ERR_IO;
    }
    w->data[0] = (uint8_t)(n >> 8);
    w->data[1] = (uint8_t)n;
    w->len = n + 2;
    return write_raw(l, w);
}

int tc_net_send(tc_net_link *l, const uint8_t *msg, size_t len)
{
    if (!l->up || l->closing)
        return TC_ERR_IO;
    if (len > TC_NET_MAX_MSG)
        return TC_ERR_LIMIT;
    if (l->queued + l->ob_len > TC_NET_MAX_QUEUED) {
        tc__net_link_close(l, "peer too slow (send queue over its ceiling)");
        return TC_ERR_LIMIT;
    }
    size_t total = 4 + len, chunk = TCDEV_NOISE_MAX_PAYLOAD;
    size_t nchunks = (total + chunk - 1) / chunk;
    size_t need = l->ob_len + total + nchunks * (2 + TCDEV_NOISE_TAG_LEN);
    if (need > l->ob_cap) {
        size_t cap = l->ob_cap ? l->ob_cap : 4096;
        while (cap < need) cap *= 2;
        uint8_t *b = tc_realloc(l->ob, cap);
        if (!b)
            return TC_ERR_NOMEM;
        l->ob = b;
        l->ob_cap = cap;
    }
    uint8_t *plain = tc_malloc(total);
    if (!plain)
        return TC_ERR_NOMEM;
    plain[0] = (uint8_t)(len >> 24); plain[1] = (uint8_t)(len >> 16);
    plain[2] = (uint8_t)(len >> 8); plain[3] = (uint8_t)len;
    memcpy(plain + 4, msg, len);
    size_t off = 0, pos = l->ob_len;
    while (off < total) {
        size_t take = total - off < chunk ? total - off : chunk, n;
        if (tcdev_noise_encrypt(&l->tx, l->ob + pos + 2, take + TCDEV_NOISE_TAG_LEN, &n, NULL, 0,
                                plain + off, take) != 0) {
            tc_free(plain);
            tc__net_link_close(l, "encrypt failed");
            return TC_ERR_IO;
        }
        l->ob[pos] = (uint8_t)(n >> 8);
        l->ob[pos + 1] = (uint8_t)n;
        pos += 2 + n;
        off += take;
    }
    tc_free(plain);
    l->ob_len = pos;
    if (!l->n->flushing && !l->n->closing) {
        uv_prepare_start(&l->n->flusher, on_prepare);
        l->n->flushing = 1;
    }
    return 0;
}

void tc_net_broadcast(tc_net *n, const tc_net_link *except, const uint8_t *msg, size_t len)
{
    for (tc_net_link *l = n->links, *next; l; l = next) {
        next = l->next;
        if (l != except && l->up && !l->closing)
            tc_net_send(l, msg, len);
    }
}

const uint8_t *tc_net_link_pub(const tc_net_link *l) { return l->pub; }

size_t tc_net_peer_count(const tc_net *n)
{
    size_t c = 0;
    for (const tc_net_link *l = n->links; l; l = l->next)
        c += l->up && !l->closing;
    return c;
}

void tc_net_each_link(tc_net *n, void (*fn)(void *ctx, tc_net_link *l), void *ctx)
{
    /* next is read first: fn may close l (freed later, in the loop). */
    for (tc_net_link *l = n->links, *next; l; l = next) {
        next = l->next;
        if (l->up && !l->closing)
            fn(ctx, l);
    }
}

void tc_net_link_close(tc_net_link *l, const char *why)
{
    tc__net_link_close(l, why);
}

/* ---- handshake ---- */
static int start_hs(tc_net_link *l)
{
    uint8_t eph[32], pro[sizeof k_prologue + 64];
    tc_err err;
    size_t a = sizeof k_prologue - 1, b = strlen(l->n->chain_id);
    memcpy(pro, k_prologue, a);
    memcpy(pro + a, l->n->chain_id, b);
    if (tc_keyfile_random(&err, eph) != 0)
        return TC_ERR_IO;
    int rc = tcdev_noise_init(&l->hs, tcdev_noise_pattern_find("XX", 2), l->initiator, pro, a + b,
                              l->n->xsec, NULL, eph);
    tc_wipe(eph, sizeof eph);
    if (rc == 0 && l->initiator)
        rc = send_hs(l, NULL, 0);
    return rc;
}

int tc__net_has_link(const tc_net *n, const tc_net_link *l, const uint8_t pub[TC_ED25519_PUB_LEN])
{
    for (const tc_net_link *o = n->links; o; o = o->next)
        if (o != l && o->up && !o->closing && memcmp(o->pub, pub, TC_ED25519_PUB_LEN) == 0)
            return 1;
    return 0;
}

/* The node key that dialed link l. */
static const uint8_t *dialer_key(const tc_net_link *l) { return l->initiator ? l->n->pub : l->pub; }

/* One link per pair of nodes (docs/node.md, "Peer protocol"): two nodes
 * that list each other dial each other, so a pair may get two links. Both
 * ends apply the same rule to the same two links: keep the one dialed by
 * the smaller node key (bytewise); if both were dialed by the same key (a
 * restarted peer redialed before its old link timed out) keep the newer.
 * Returns 1 when l itself must go. */
static int dedup(tc_net_link *l)
{
    for (tc_net_link *o = l->n->links; o; o = o->next) {
        if (o == l || !o->up || o->closing || memcmp(o->pub, l->pub, TC_ED25519_PUB_LEN))
            continue;
        int c = memcmp(dialer_key(l), dialer_key(o), TC_ED25519_PUB_LEN);
        if (c > 0) {
            tc__net_link_close(l, "duplicate link (the pair keeps the one the smaller key dialed)");
            return 1;
        }
        tc__net_link_close(o, c < 0 ? "duplicate link (the pair keeps the one the smaller key dialed)"
                                    : "replaced by a newer link from the same peer");
    }
    return 0;
}

static void link_up(tc_net_link *l)
{
    if (tcdev_noise_split(&l->hs, &l->tx, &l->rx, NULL) != 0) {
        tc__net_link_close(l, "split failed");
        return;
    }
    if (l->d) {
        memcpy(l->d->pub, l->pub, TC_ED25519_PUB_LEN);
        l->d->has_pub = 1;
    }
    if (dedup(l))
        return;
    l->up = 1;
    char hex[17];
    static const char digits[] = "0123456789abcdef";
    for (int i = 0; i < 8; i++) {
        hex[2 * i] = digits[l->pub[i] >> 4];
        hex[2 * i + 1] = digits[l->pub[i] & 15];
    }
    hex[16] = 0;
    TC_LOGI("peer %s… linked (%s)", hex, l->initiator ? "outbound" : "inbound");
    l->n->cb.on_up(l->n->cb.ctx, l);
}

static void on_hs_msg(tc_net_link *l, const uint8_t *m, size_t len)
{
    uint8_t payload[NET_IDENT_LEN + 16];
    size_t plen;
    if (tcdev_noise_read_message(&l->hs, payload, sizeof payload, &plen, m, len) != 0) {
        tc__net_link_close(l, "handshake failed (different chain or bad message)");
        return;
    }
    if (l->hs.msg_index == 1) { /* responder read msg 1: answer with our identity */
        if (send_hs(l, l->n->ident, NET_IDENT_LEN) != 0)
            tc__net_link_close(l, "handshake write failed");
        return;
    }
    int c = check_ident(l, payload, plen);
    if (c != 0) {
        tc__net_link_close(l, c == -1 ? "peer identity does not verify" : "peer key is not a known node");
        return;
    }
    if (l->initiator && send_hs(l, l->n->ident, NET_IDENT_LEN) != 0) {
        tc__net_link_close(l, "handshake write failed");
        return;
    }
    link_up(l);
}

/* Decrypted transport bytes: reassemble application messages. */
static void on_plain(tc_net_link *l, const uint8_t *p, size_t n)
{
    /* The backoff restarts only once the peer has sent something: a peer
     * that refuses our key closes right after the handshake (a removed
     * validator), and redialing it at once would spin. */
    if (l->d)
        l->d->backoff = 0;
    if (l->app_len + n > l->app_cap) {
        size_t want = l->app_cap ? l->app_cap : 65536;
        while (want < l->app_len + n) want *= 2;
        if (want > 4 + TC_NET_MAX_MSG + TCDEV_NOISE_MAX_PAYLOAD) {
            tc__net_link_close(l, "message over the ceiling");
            return;
        }
        uint8_t *q = tc_realloc(l->app, want);
        if (!q) {
            tc__net_link_close(l, "out of memory");
            return;
        }
        l->app = q;
        l->app_cap = want;
    }
    memcpy(l->app + l->app_len, p, n);
    l->app_len += n;
    size_t off = 0;
    while (!l->closing && l->app_len - off >= 4) {
        const uint8_t *h = l->app + off;
        size_t mlen = (size_t)h[0] << 24 | (size_t)h[1] << 16 | (size_t)h[2] << 8 | h[3];
        if (mlen > TC_NET_MAX_MSG) {
            tc__net_link_close(l, "message over the ceiling");
            return;
        }
        if (l->app_len - off - 4 < mlen)
            break;
        l->n->cb.on_msg(l->n->cb.ctx, l, h + 4, mlen);
        off += 4 + mlen;
    }
    if (l->closing)
        return;
    memmove(l->app, l->app + off, l->app_len - off);
    l->app_len -= off;
}

static void on_frame(tc_net_link *l, const uint8_t *m, size_t len)
{
    if (!l->up) {
        on_hs_msg(l, m, len);
        return;
    }
    size_t n;
    if (tcdev_noise_decrypt(&l->rx, l->plain, sizeof l->plain, &n, NULL, 0, m, len) != 0) {
        tc__net_link_close(l, "decrypt failed");
        return;
    }
    on_plain(l, l->plain, n);
}

static void on_alloc(uv_handle_t *h, size_t hint, uv_buf_t *buf)
{
    tc_net_link *l = h->data;
    (void)hint;
    *buf = uv_buf_init((char *)l->in + l->in_len, (unsigned)(sizeof l->in - l->in_len));
}

static void on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf)
{
    tc_net_link *l = s->data;
    (void)buf;
    if (nread < 0) {
        tc__net_link_close(l, nread == UV_EOF ? "closed by peer" : uv_strerror((int)nread));
        return;
    }
    l->in_len += (size_t)nread;
    size_t off = 0;
    while (!l->closing && l->in_len - off >= 2) {
        size_t flen = (size_t)l->in[off] << 8 | l->in[off + 1];
        if (l->in_len - off - 2 < flen)
            break;
        on_frame(l, l->in + off + 2, flen);
        off += 2 + flen;
    }
    if (l->closing)
        return;
    memmove(l->in, l->in + off, l->in_len - off);
    l->in_len -= off;
}

int tc__net_link_begin(tc_net_link *l)
{
    l->tcp.data = l;
    uv_tcp_nodelay(&l->tcp, 1);
    if (uv_read_start((uv_stream_t *)&l->tcp, on_alloc, on_read) != 0 || start_hs(l) != 0) {
        tc__net_link_close(l, "cannot start handshake");
        return TC_ERR_IO;
    }
    return 0;
}

int tc__net_ident(tc_net *n)
{
    uint8_t msg[128];
    size_t len = ident_msg(msg, n->chain_id, n->xpub);
    memcpy(n->ident, n->pub, TC_ED25519_PUB_LEN);
    tc_ed25519_sign(n->ident + TC_ED25519_PUB_LEN, msg, len, n->sec);
    return 0;
}
