/* Peer links: TCP, each link a Noise session between node keys (DESIGN.md,
 * Node: Peers; docs/node.md, "Peer protocol"). io/ only (sockets, libuv).
 *
 * Handshake: Noise_XX_25519_ChaChaPoly_SHA256 (include/tcdev/noise.h), the
 * prologue "thingchain-p2p-v1" || chain id, so nodes of different chains
 * never link. The X25519 static key is fresh per process; the second and
 * third handshake messages carry the sender's identity as payload:
 *     Ed25519 public key (32) || Ed25519 signature (64) over
 *     "thingchain-p2p-v1 static" || chain id || X25519 static public key
 * so each side proves that the Noise static key speaks for a node key. A
 * link whose identity does not verify, or whose node key is not accepted
 * by the node's is_known callback (validators), is closed.
 *
 * Wire: each Noise message is sent as a 2-byte big-endian length and the
 * message. After the handshake the decrypted transport messages form one
 * byte stream carrying application messages as a 4-byte big-endian length
 * and the bytes (at most TC_NET_MAX_MSG). Outbound links redial with
 * exponential backoff (100 ms .. 5 s).
 *
 * Ownership: the tc_net is owned by the caller (tc_net_new/tc_net_free);
 * links are owned by the tc_net and valid from on_up until on_down
 * returns. Message bytes passed to callbacks are borrowed for the call. */
#ifndef TC_NET_H
#define TC_NET_H

#include <stddef.h>
#include <stdint.h>

#include "tc/crypto.h"
#include "tc/errors.h"

#define TC_NET_MAX_MSG (2u * 1024u * 1024u)
#define TC_NET_MAX_QUEUED (64u * 1024u * 1024u) /* unsent bytes per link before it is dropped */
#define TC_NET_MAX_LINKS 256

struct uv_loop_s; /* libuv's loop (uv_loop_t), kept opaque so this header stays OS-free */
typedef struct tc_net tc_net;
typedef struct tc_net_link tc_net_link;

typedef struct tc_net_cb {
    void *ctx;
    /* 1 if a node key may link with us. */
    int (*is_known)(void *ctx, const uint8_t pub[TC_ED25519_PUB_LEN]);
    void (*on_up)(void *ctx, tc_net_link *l);
    void (*on_msg)(void *ctx, tc_net_link *l, const uint8_t *msg, size_t len);
    void (*on_down)(void *ctx, tc_net_link *l);
} tc_net_cb;

/* Starts listening on `listen` (HOST:PORT) and dialing each of peers.
 * sec: this node's Ed25519 key (copied). chain_id NUL-terminated. */
int tc_net_new(tc_net **out, tc_err *err, struct uv_loop_s *loop, const tc_net_cb *cb, const char *chain_id,
               const uint8_t sec[TC_ED25519_SEC_LEN], const char *listen, const char (*peers)[64],
               size_t npeers);
/* Closes every link and handle; run the loop until it returns to finish,
 * then tc_net_free. */
void tc_net_close(tc_net *n);
void tc_net_free(tc_net *n);

/* Queues one application message on a link (encrypted into the link's
 * buffer, handed to the kernel with everything else queued when the loop
 * is about to wait, or at tc_net_flush). TC_ERR_LIMIT if the link's queue
 * is over its ceiling (the link is then closed). */
int tc_net_send(tc_net_link *l, const uint8_t *msg, size_t len);
/* Hands every link's queued messages to the kernel now (before long work
 * on the loop thread, for messages others wait on: votes). */
void tc_net_flush(tc_net *n);
/* To every link that finished its handshake, except `except` (may be NULL). */
void tc_net_broadcast(tc_net *n, const tc_net_link *except, const uint8_t *msg, size_t len);
/* The node key the link proved. */
const uint8_t *tc_net_link_pub(const tc_net_link *l);
/* Links that finished their handshake. */
size_t tc_net_peer_count(const tc_net *n);
/* Calls fn(ctx, link) for every link that finished its handshake and is not
 * closing (e.g. to re-ask who may stay linked after a validator-set change).
 * fn may close the link it is given (tc_net_link_close), no other. */
void tc_net_each_link(tc_net *n, void (*fn)(void *ctx, tc_net_link *l), void *ctx);
/* Closes a link (idempotent); why is logged. on_down follows from the loop,
 * and an outbound link's dialer redials (the peer's handshake is then
 * refused by is_known while it is not accepted). */
void tc_net_link_close(tc_net_link *l, const char *why);

#endif
