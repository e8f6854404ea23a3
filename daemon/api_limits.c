/* Per-client-IP request rate (docs/api.md, "Bounds"): a token bucket per
 * IPv4 address — api_burst tokens deep, refilled at api_rate per second;
 * a request takes one token or is answered 429 {code API_RATE}. The table
 * is fixed (API_LIMIT_SLOTS): an unknown address takes a free slot or the
 * one seen longest ago, so memory stays bounded whatever the clients do
 * (an address evicted this way starts again with a full bucket: the bound
 * is per busy client, not a ban list). Connections are bounded by MHD
 * (256 in all, 128 per IP) and bodies by the router. */
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include "api.h"

static uint32_t client_ip(struct MHD_Connection *c)
{
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (!ci || !ci->client_addr || ci->client_addr->sa_family != AF_INET)
        return 1; /* not IPv4 (the API listens on IPv4 only): one shared bucket */
    uint32_t ip = ((const struct sockaddr_in *)ci->client_addr)->sin_addr.s_addr;
    return ip ? ip : 1;
}

int api_limits_take(api *a, struct MHD_Connection *c, uint64_t now_ms)
{
    uint32_t ip = client_ip(c);
    double rate = (double)a->nd->cfg.api_rate, burst = (double)a->nd->cfg.api_burst;
    api_bucket *b = NULL, *oldest = &a->buckets[0];
    for (size_t i = 0; i < API_LIMIT_SLOTS; i++) {
        api_bucket *s = &a->buckets[i];
        if (s->ip == ip) { b = s; break; }
        if (s->ip == 0 || (oldest->ip != 0 && s->last_ms < oldest->last_ms))
            oldest = s;
    }
    if (!b) {
        b = oldest;
        b->ip = ip;
        b->tokens = burst;
        b->last_ms = now_ms;
    }
    if (now_ms > b->last_ms) {
        b->tokens += rate * (double)(now_ms - b->last_ms) / 1000.0;
        if (b->tokens > burst)
            b->tokens = burst;
    }
    b->last_ms = now_ms;
    if (b->tokens < 1.0)
        return 0;
    b->tokens -= 1.0;
    return 1;
}
