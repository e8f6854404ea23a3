/* Firmware-operations endpoints (docs/firmware-ops.md, "Node API"):
 * daemon/api_fw.c serves /v1/firmware/..., daemon/api_fwstatus.c serves
 * /v1/rollouts/ORG/ID and /v1/config/status. Loop thread only. */
#ifndef TC_DAEMON_API_FW_H
#define TC_DAEMON_API_FW_H

#include "api.h"

/* Largest request body under /v1/firmware/: a 1 MiB chunk, or image
 * metadata whose leaf list (hex) fits (about 16,000 chunks). */
#define API_FW_BODY_MAX ((1u << 20) + 4096u)

int api_fwstatus_route(api *a, struct MHD_Connection *c, const char *url, const char *method,
                       enum MHD_Result *res);
/* Releases the chunk store and cached tree (from api_free). */
void api_fw_free(api *a);

#endif
