/* Discovery (include/tcdev/device.h flow 3; DESIGN.md "Scalable IoT
 * discovery"): a node answers a query with service records; the device
 * believes one only with its proof, and only if it has not expired at the
 * device's time and the offering device is itself proven active (a revoked
 * or suspended device's old service records are refused even when a node
 * still serves them). S record (docs/ledger.md): key 'S' || device (16) ||
 * name, value {1 type, 2 endpoints, 3 attrs, 4 expiry, 5 height}. */
#include <assert.h>
#include <string.h>

#include "device_internal.h"
#include "tc/errors.h"

int tcdev_discovery_verify(tcdev_light *st, tcdev_light_work *w, tcdev_service *out,
                           const uint8_t *device, const char *name, size_t name_len,
                           const uint8_t *svc_bundle, size_t svc_len,
                           const uint8_t *dev_bundle, size_t dev_len, uint64_t now_ms)
{
    assert(st && out && svc_bundle && dev_bundle && (name_len == 0 || (device && name)));
    uint8_t key[1 + TCDEV_ID_LEN + 32] = {'S'};
    const uint8_t *rec, *full;
    size_t rec_len, full_len, key_len = 1;
    tcdev__field f[5];
    if (name_len > 32)
        return TC_ERR_INVALID_ARG;
    if (name_len) {
        memcpy(key + 1, device, TCDEV_ID_LEN);
        memcpy(key + 1 + TCDEV_ID_LEN, name, name_len);
        key_len += TCDEV_ID_LEN + name_len;
    }
    int rc = tcdev__proven(st, w, &rec, &rec_len, &full, &full_len, key, key_len, name_len == 0,
                           svc_bundle, svc_len, now_ms);
    if (rc)
        return rc;
    if (full_len <= 1 + TCDEV_ID_LEN)
        return TC_ERR_DEV_KEY;
    if (!rec)
        return TC_ERR_DEV_ABSENT;
    if ((rc = tcdev__fields(f, "TRRUU", rec, rec_len)))
        return rc;
    memset(out, 0, sizeof *out);
    memcpy(out->device, full + 1, TCDEV_ID_LEN);
    out->name = (const char *)full + 1 + TCDEV_ID_LEN;
    out->name_len = full_len - 1 - TCDEV_ID_LEN;
    out->type = (const char *)f[0].p; out->type_len = f[0].n;
    out->endpoints = f[1].p; out->endpoints_len = f[1].n;
    out->expiry_ms = f[3].u;
    if (now_ms >= out->expiry_ms)
        return TC_ERR_DEV_SVC_EXPIRED;
    return tcdev_peer_verify(st, w, &out->provider, out->device, dev_bundle, dev_len, now_ms);
}
