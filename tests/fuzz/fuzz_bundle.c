/* libFuzzer target for the proof-bundle decoder and the one-call bundle
 * verifier (device/light_bundle.c, include/tcdev/light.h). Whatever decodes
 * must re-encode through the node's builder (core/bundle.c) to the very same
 * bytes (one encoding per bundle); every input then goes through the full
 * verifier against a fixed anchor (chain "fuzz", one validator whose key
 * comes from the seed 32 x 0x01; the seed corpus holds bundles it signed)
 * without a crash, and st must stay untouched unless it returned 0. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tc/bundle.h"
#include "tc/crypto.h"
#include "tc/errors.h"
#include "tcdev/light.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static tcdev_light st, saved;
static tcdev_light_work work;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int init;
    if (!init) {
        uint8_t seed[32], pub[32], sec[64], genesis[32];
        tc_valset vs;
        if (tc_crypto_init()) abort();
        memset(seed, 1, sizeof seed);
        memset(genesis, 0x11, sizeof genesis);
        tc_ed25519_keypair(pub, sec, seed);
        tc_valset_init(&vs);
        if (tc_valset_add(&vs, pub, 1)) abort();
        if (tcdev_light_anchor(&saved, genesis, "fuzz", 4, &vs, 1000)) abort();
        init = 1;
    }
    tcdev_bundle b;
    if (tcdev_bundle_decode(&b, data, size) == 0) {
        tc_bundle_parts p;
        static uint8_t enc[TCDEV_BUNDLE_MAX + 64];
        size_t len = 0;
        memset(&p, 0, sizeof p);
        p.kind = b.kind;
        p.header.p = b.header; p.header.len = b.header_len;
        p.cert.p = b.cert; p.cert.len = b.cert_len;
        p.valset.p = b.valset; p.valset.len = b.valset_len;
        p.proof.p = b.proof; p.proof.len = b.proof_len;
        p.key.p = b.key; p.key.len = b.key_len;
        p.record = b.record; p.record_len = b.record_len;
        if (tc_bundle_encode(enc, sizeof enc, &len, &p) || len != size ||
            memcmp(enc, data, size) != 0)
            abort();
    }
    st = saved;
    /* Header times in the seeds are around 1.7e12 ms. */
    int rc = tcdev_light_verify_bundle(&st, &work, NULL, data, size, 1800000000000ull);
    if (rc != 0 && memcmp(&st, &saved, sizeof st) != 0)
        abort();
    return 0;
}
