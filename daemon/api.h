/* thingchaind HTTP API internals (docs/api.md): the server object, one
 * request's state and the reply helpers every endpoint file shares.
 * Endpoint files each export one route function:
 *     int api_X_route(api *a, struct MHD_Connection *c, const char *url,
 *                     const char *method, api_req *r, enum MHD_Result *res);
 * returning 1 when the URL is theirs (with *res set), 0 otherwise; the
 * router in daemon/api.c tries them in turn. All run on the loop thread. */
#ifndef TC_DAEMON_API_H
#define TC_DAEMON_API_H

#include <jansson.h>
#include <microhttpd.h>

#include "node.h"

struct api {
    node *nd;
    struct MHD_Daemon *d;
    uv_poll_t poll;
    uv_timer_t timer;
};

/* One request: the POST body collected so far (at most max bytes). */
typedef struct api_req {
    uint8_t *body;
    size_t len;
    size_t max;
    int too_big;
    /* POST /tx waits suspended while its signatures are verified
     * (daemon/admit.c): state 1 submitted, 2 answered (rc, msg). */
    int tx_state, tx_rc;
    char tx_msg[TC_ERR_MSG_MAX];
    struct MHD_Connection *conn;
    api *a;
} api_req;

enum MHD_Result api_reply(struct MHD_Connection *c, unsigned status, const char *ctype, const void *body,
                          size_t len);
/* Takes the reference to j. */
enum MHD_Result api_reply_json(struct MHD_Connection *c, unsigned status, json_t *j);
/* {"code": NAME, "message": msg}; code 0 gives "BAD_REQUEST". */
enum MHD_Result api_reply_err(struct MHD_Connection *c, unsigned status, int code, const char *msg);

/* Firmware chunks (daemon/api_fw.c). */
int api_fw_route(api *a, struct MHD_Connection *c, const char *url, const char *method, api_req *r,
                 enum MHD_Result *res);

#endif
