/* Firmware chunk endpoints (issue 8; docs/api.md). Not served yet: the
 * route claims no URL, so the router answers 404. */
#include "api.h"

int api_fw_route(api *a, struct MHD_Connection *c, const char *url, const char *method, api_req *r,
                 enum MHD_Result *res)
{
    (void)a; (void)c; (void)url; (void)method; (void)r; (void)res;
    return 0;
}
