/* Peer links: listening, dialing with backoff, closing (include/tc/net.h). */
#include <stdio.h>
#include <string.h>

#include "net_priv.h"
#include "tc/alloc.h"
#include "tc/config.h"
#include "tc/keyfile.h"
#include "tc/log.h"

#define BACKOFF_MIN_MS 100
#define BACKOFF_MAX_MS 5000

static void dial(uv_timer_t *t);

static tc_net_link *link_new(tc_net *n, int initiator)
{
    if (n->nlinks >= TC_NET_MAX_LINKS)
        return NULL;
    tc_net_link *l = tc_calloc(1, sizeof *l);
    if (!l)
        return NULL;
    l->n = n;
    l->initiator = initiator;
    if (uv_tcp_init(n->loop, &l->tcp) != 0) {
        tc_free(l);
        return NULL;
    }
    l->tcp.data = l;
    l->next = n->links;
    n->links = l;
    n->nlinks++;
    return l;
}

static void redial(net_dialer *d)
{
    if (d->n->closing)
        return;
    d->backoff = d->backoff ? d->backoff * 2 : BACKOFF_MIN_MS;
    if (d->backoff > BACKOFF_MAX_MS)
        d->backoff = BACKOFF_MAX_MS;
    uv_timer_start(&d->timer, dial, d->backoff, 0);
}

static void on_closed(uv_handle_t *h)
{
    tc_net_link *l = h->data;
    tc_net *n = l->n;
    for (tc_net_link **p = &n->links; *p; p = &(*p)->next)
        if (*p == l) {
            *p = l->next;
            break;
        }
    n->nlinks--;
    if (l->up)
        n->cb.on_down(n->cb.ctx, l);
    if (l->d) {
        l->d->link = NULL;
        redial(l->d);
    }
    tcdev_noise_wipe(&l->hs);
    tcdev_noise_cipher_wipe(&l->tx);
    tcdev_noise_cipher_wipe(&l->rx);
    tc_free(l->app);
    tc_free(l->ob);
    tc_free(l);
}

void tc__net_link_close(tc_net_link *l, const char *why)
{
    if (l->closing)
        return;
    l->closing = 1;
    if (l->up)
        TC_LOGI("peer link %s closed: %s", l->d ? l->d->addr : "(inbound)", why);
    else
        TC_LOGD("peer link %s closed: %s", l->d ? l->d->addr : "(inbound)", why);
    uv_close((uv_handle_t *)&l->tcp, on_closed);
}

static void on_connected(uv_connect_t *req, int status)
{
    tc_net_link *l = req->data;
    if (status < 0) {
        tc__net_link_close(l, uv_strerror(status));
        return;
    }
    if (!l->closing)
        tc__net_link_begin(l);
}

static void dial(uv_timer_t *t)
{
    net_dialer *d = t->data;
    if (d->n->closing || d->link)
        return;
    if (d->has_pub && tc__net_has_link(d->n, NULL, d->pub)) {
        /* The peer at addr is linked already (it dialed us): look again later. */
        uv_timer_start(&d->timer, dial, BACKOFF_MAX_MS, 0);
        return;
    }
    tc_net_link *l = link_new(d->n, 1);
    if (!l) {
        redial(d);
        return;
    }
    l->d = d;
    d->link = l;
    l->conn.data = l;
    if (uv_tcp_connect(&l->conn, &l->tcp, (const struct sockaddr *)&d->sa, on_connected) != 0)
        tc__net_link_close(l, "connect failed");
}

static void on_incoming(uv_stream_t *server, int status)
{
    tc_net *n = server->data;
    if (status < 0 || n->closing)
        return;
    tc_net_link *l = link_new(n, 0);
    if (!l) {
        /* Over the link ceiling: accept and drop so the backlog drains. */
        uv_tcp_t tmp;
        uv_tcp_init(n->loop, &tmp);
        uv_accept(server, (uv_stream_t *)&tmp);
        uv_close((uv_handle_t *)&tmp, NULL);
        return;
    }
    if (uv_accept(server, (uv_stream_t *)&l->tcp) != 0) {
        tc__net_link_close(l, "accept failed");
        return;
    }
    tc__net_link_begin(l);
}

static int parse_sa(struct sockaddr_in *sa, const char *addr)
{
    char host[64];
    int port;
    if (tc_config_split_addr(host, sizeof host, &port, addr) != 0)
        return TC_ERR_INVALID_ARG;
    return uv_ip4_addr(host, port, sa) == 0 ? 0 : TC_ERR_INVALID_ARG;
}

int tc_net_new(tc_net **out, tc_err *err, struct uv_loop_s *loop, const tc_net_cb *cb, const char *chain_id,
               const uint8_t sec[TC_ED25519_SEC_LEN], const char *listen, const char (*peers)[64],
               size_t npeers)
{
    *out = NULL;
    if (npeers > NET_MAX_DIALERS || strlen(chain_id) > 64)
        return tc_err_set(err, TC_ERR_INVALID_ARG, "too many peers or chain id too long");
    tc_net *n = tc_calloc(1, sizeof *n);
    if (!n)
        return tc_err_set(err, TC_ERR_NOMEM, "net");
    n->loop = loop;
    n->cb = *cb;
    tc__net_flusher_init(n);
    snprintf(n->chain_id, sizeof n->chain_id, "%s", chain_id);
    memcpy(n->sec, sec, TC_ED25519_SEC_LEN);
    memcpy(n->pub, sec + TC_ED25519_SEED_LEN, TC_ED25519_PUB_LEN);
    int rc = tc_keyfile_random(err, n->xsec);
    if (rc) {
        tc_free(n);
        return rc;
    }
    tc_x25519_public(n->xpub, n->xsec);
    tc__net_ident(n);
    struct sockaddr_in sa;
    if (parse_sa(&sa, listen) != 0) {
        tc_free(n);
        return tc_err_set(err, TC_ERR_INVALID_ARG, "p2p_listen: bad address %s", listen);
    }
    uv_tcp_init(loop, &n->listener);
    n->listener.data = n;
    n->listening = 1;
    int e = uv_tcp_bind(&n->listener, (const struct sockaddr *)&sa, 0);
    if (!e)
        e = uv_listen((uv_stream_t *)&n->listener, 128, on_incoming);
    if (e) {
        tc_err_set(err, TC_ERR_IO, "listen on %s: %s", listen, uv_strerror(e));
        tc_net_close(n);
        uv_run(loop, UV_RUN_NOWAIT);
        tc_net_free(n);
        return TC_ERR_IO;
    }
    for (size_t i = 0; i < npeers; i++) {
        net_dialer *d = &n->dialers[n->ndialers];
        if (parse_sa(&d->sa, peers[i]) != 0)
            continue;
        if (strcmp(peers[i], listen) == 0)
            continue; /* ourselves */
        d->n = n;
        snprintf(d->addr, sizeof d->addr, "%s", peers[i]);
        uv_timer_init(loop, &d->timer);
        d->timer.data = d;
        n->ndialers++;
        uv_timer_start(&d->timer, dial, 10 + 10 * i, 0);
    }
    *out = n;
    return 0;
}

void tc_net_close(tc_net *n)
{
    if (n->closing)
        return;
    tc_net_flush(n); /* what was sent before closing still goes out */
    n->closing = 1;
    tc__net_flusher_close(n);
    if (n->listening)
        uv_close((uv_handle_t *)&n->listener, NULL);
    for (size_t i = 0; i < n->ndialers; i++)
        uv_close((uv_handle_t *)&n->dialers[i].timer, NULL);
    for (tc_net_link *l = n->links; l; l = l->next)
        tc__net_link_close(l, "shutting down");
}

void tc_net_free(tc_net *n)
{
    if (!n)
        return;
    tc_wipe(n->sec, sizeof n->sec);
    tc_wipe(n->xsec, sizeof n->xsec);
    tc_free(n);
}
