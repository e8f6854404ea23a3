/* libFuzzer target for the device's firmware record decoders
 * (device/firmware_records.c): release F, rollout R and device D records,
 * and the wave-membership walk over their group lists. Input: one byte
 * selecting the record kind, one byte giving the key length, the key, then
 * the record bytes. Every decoder must return 0 or TC_ERR_FW_RECORD, never
 * crash, and whatever it returns must point inside the input. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tc/crypto.h"
#include "tc/errors.h"
#include "tcdev/firmware.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int inside(const uint8_t *p, size_t n, const uint8_t *data, size_t size)
{
    return p >= data && p + n <= data + size;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int init;
    if (!init) {
        if (tc_crypto_init()) abort();
        init = 1;
    }
    if (size < 2 || (size_t)data[1] + 2 > size) return 0;
    const uint8_t *key = data + 2, *rec = key + data[1];
    size_t kl = data[1], rl = size - 2 - kl;
    int rc;
    switch (data[0] % 3) {
    case 0: {
        tcdev_fw_release r;
        rc = tcdev_fw_decode_release(&r, key, kl, rec, rl);
        if (rc == 0 && (!inside(r.model, r.model_len, data, size) || !inside(r.digest, 32, data, size) ||
                        !inside(r.root, 32, data, size) || r.size == 0))
            abort();
        break;
    }
    case 1: {
        tcdev_fw_rollout r;
        tcdev_fw_device d;
        rc = tcdev_fw_decode_rollout(&r, key, kl, rec, rl);
        if (rc == 0) {
            if (!inside(r.waves, r.waves_len, data, size)) abort();
            /* the device's groups: the rollout's own bytes, any shape */
            d.groups = r.waves;
            d.groups_len = r.waves_len;
            (void)tcdev_fw_in_waves(&r, &d);
        }
        break;
    }
    default: {
        tcdev_fw_device d;
        rc = tcdev_fw_decode_device(&d, key, kl, rec, rl);
        if (rc == 0 && !inside(d.groups, d.groups_len, data, size)) abort();
        break;
    }
    }
    if (rc != 0 && rc != TC_ERR_FW_RECORD) abort();
    return 0;
}
