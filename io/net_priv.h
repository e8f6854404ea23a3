/* Internals of the peer links (io/net*.c). */
#ifndef TC_NET_PRIV_H
#define TC_NET_PRIV_H

#include <uv.h>

#include "tc/net.h"
#include "tcdev/noise.h"

#define NET_IDENT_LEN (TC_ED25519_PUB_LEN + TC_ED25519_SIG_LEN)
#define NET_MAX_DIALERS 64

typedef struct net_dialer {
    tc_net *n;
    char addr[64];
    struct sockaddr_in sa;
    uv_timer_t timer;
    uint64_t backoff;     /* ms; 0 once a link received a message from the peer */
    tc_net_link *link;    /* the current attempt or link */
    uint8_t pub[TC_ED25519_PUB_LEN]; /* the node key last seen at addr */
    int has_pub;
} net_dialer;

struct tc_net_link {
    tc_net *n;
    tc_net_link *next;
    uv_tcp_t tcp;
    uv_connect_t conn;
    net_dialer *d;        /* outbound: its dialer; inbound: NULL */
    int initiator, up, closing;
    tcdev_noise_handshake hs;
    tcdev_noise_cipher tx, rx;
    uint8_t pub[TC_ED25519_PUB_LEN];
    size_t queued;        /* bytes handed to uv_write, not yet written */
    uint8_t *ob;          /* encrypted frames not yet handed to uv_write (io/net.c) */
    size_t ob_len, ob_cap;
    uint8_t in[2 + TCDEV_NOISE_MAX_MSG];
    size_t in_len;
    uint8_t plain[TCDEV_NOISE_MAX_MSG];
    uint8_t *app;         /* reassembly of application messages */
    size_t app_len, app_cap;
};

struct tc_net {
    uv_loop_t *loop;
    tc_net_cb cb;
    char chain_id[65];
    uint8_t sec[TC_ED25519_SEC_LEN], pub[TC_ED25519_PUB_LEN];
    uint8_t xsec[TC_X25519_LEN], xpub[TC_X25519_LEN];
    uint8_t ident[NET_IDENT_LEN];
    uv_tcp_t listener;
    int listening, closing;
    net_dialer dialers[NET_MAX_DIALERS];
    size_t ndialers;
    tc_net_link *links;
    size_t nlinks;
    uv_prepare_t flusher; /* hands every link's frames to the kernel before the loop waits */
    int flushing;
};

/* Starts reading and the handshake on a connected link. */
int tc__net_link_begin(tc_net_link *l);
/* Closes a link (idempotent); why is logged at debug level. The link is
 * freed in the close callback, after on_down. */
void tc__net_link_close(tc_net_link *l, const char *why);
/* 1 if another link to l's node key is up (one link per pair of nodes). */
int tc__net_has_link(const tc_net *n, const tc_net_link *l, const uint8_t pub[TC_ED25519_PUB_LEN]);
/* Starts and stops the frame flusher (io/net.c). */
void tc__net_flusher_init(tc_net *n);
void tc__net_flusher_close(tc_net *n);
/* Fills n->ident from n->sec and n->xpub. */
int tc__net_ident(tc_net *n);

#endif
