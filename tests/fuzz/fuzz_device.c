/* libFuzzer target for the device flows' decoders (device/record.c,
 * device/message.c, include/tcdev/device.h). The first byte picks the
 * decoder, the rest is its input:
 *   0  a D record (tcdev__device_decode)
 *   1  a G record through the table reader with the config field types
 *   2  a list of names (tcdev_text_at, every index until the end)
 *   3  a signed message (tcdev_msg_verify against a fixed peer record)
 * None may crash or read outside the input; a decoded record must satisfy
 * the limits the decoders promise, and a message accepted must advance the
 * peer's counter. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../device/device_internal.h"
#include "tc/crypto.h"
#include "tc/errors.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int init;
    static tcdev_device_record peer;
    if (!init) {
        uint8_t seed[32], sec[64];
        if (tc_crypto_init()) abort();
        memset(seed, 3, sizeof seed);
        memset(&peer, 0, sizeof peer);
        tc_ed25519_keypair(peer.ed25519, sec, seed);
        memset(peer.id, 0x22, sizeof peer.id);
        init = 1;
    }
    if (size == 0)
        return 0;
    const uint8_t *in = data + 1;
    size_t n = size - 1;
    switch (data[0] & 3) {
    case 0: {
        tcdev_device_record r;
        uint8_t id[16] = {0};
        if (tcdev__device_decode(&r, id, in, n) == 0 &&
            (r.model_len > TCDEV_MODEL_MAX || r.groups_len > TCDEV_GROUPS_MAX || r.status > TCDEV_REVOKED))
            abort();
        break;
    }
    case 1: {
        tcdev__field f[10];
        if (tcdev__fields(f, "UBTUBUbtuU", in, n) == 0)
            for (int i = 0; i < 10; i++)
                if (f[i].present && f[i].p && (f[i].p < in || f[i].p + f[i].n > in + n)) abort();
        break;
    }
    case 2: {
        const char *p;
        size_t l;
        for (size_t i = 0; tcdev_text_at(&p, &l, in, n, i) == 0; i++)
            if ((const uint8_t *)p < in || (const uint8_t *)p + l > in + n) abort();
        break;
    }
    default: {
        static uint8_t scratch[70000];
        const uint8_t *body;
        size_t bl;
        uint64_t seen = 5, ctr = 0;
        if (tcdev_msg_verify(&body, &bl, &ctr, &seen, scratch, sizeof scratch, &peer, in, n) == 0 &&
            (seen != ctr || ctr <= 5 || body < in || body + bl > in + n))
            abort();
        break;
    }
    }
    return 0;
}
