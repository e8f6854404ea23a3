/* First boot: the device proves its own enrollment and owner from the
 * ledger (include/tcdev/device.h flow 1; DESIGN.md, "secure bootstrapping":
 * on first boot the device proves its own enrollment from the ledger).
 * The node supplies a state bundle for 'D' || id; a non-membership proof
 * is itself an answer: the device was never enrolled. */
#include <assert.h>
#include <string.h>

#include "device_internal.h"
#include "tc/errors.h"

int tcdev_enroll_verify(tcdev_light *st, tcdev_light_work *w, tcdev_device_record *out,
                        const uint8_t id[TCDEV_ID_LEN], const uint8_t ed_pub[32],
                        const uint8_t x_pub[32], uint64_t expected_owner,
                        const uint8_t *bundle, size_t bundle_len, uint64_t now_ms)
{
    assert(id && ed_pub);
    tcdev_device_record r, *d = out ? out : &r;
    int rc = tcdev__device_proven(st, w, d, id, bundle, bundle_len, now_ms);
    if (rc)
        return rc == TC_ERR_DEV_ABSENT ? TC_ERR_DEV_NOT_ENROLLED : rc;
    /* Keys first: a record with someone else's key is not this device's,
     * whatever its status says. */
    if (memcmp(d->ed25519, ed_pub, 32) != 0 || (x_pub && memcmp(d->x25519, x_pub, 32) != 0))
        return TC_ERR_DEV_WRONG_KEY;
    if ((rc = tcdev__active(d)))
        return rc;
    if (d->owner == 0)
        return TC_ERR_DEV_UNCLAIMED;
    if (expected_owner && d->owner != expected_owner)
        return TC_ERR_DEV_OWNER;
    return 0;
}
