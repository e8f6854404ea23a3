/* libFuzzer target for the history-proof decoders (core/history_codec.c).
 * Each input is tried as an inclusion and as a consistency proof. Whatever
 * decodes must re-encode to the very same bytes (deterministic CBOR has one
 * encoding per value) and must go through the verifier without a crash;
 * a decoded proof verified against roots it cannot match must fail. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tc/crypto.h"
#include "tc/errors.h"
#include "tc/history.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_reencode(int rc, const uint8_t *enc, size_t enc_len, const uint8_t *data, size_t size)
{
    if (rc != 0 || enc_len != size || memcmp(enc, data, size) != 0) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int init;
    if (!init) {
        if (tc_crypto_init()) abort();
        init = 1;
    }
    uint8_t hashes[TC_HIST_MAX_PROOF * TC_HIST_HASH_LEN];
    uint8_t enc[TC_HIST_PROOF_CBOR_MAX];
    uint8_t zero[TC_HIST_HASH_LEN] = {0}, empty[TC_HIST_HASH_LEN];
    tc_hist_empty_root(empty);
    uint64_t a, b;
    size_t n, len;

    if (tc_hist_inclusion_decode(&a, &b, hashes, TC_HIST_MAX_PROOF, &n, data, size) == 0) {
        check_reencode(tc_hist_inclusion_encode(enc, sizeof enc, &len, a, b, hashes, n), enc, len, data, size);
        /* The all-zero root is no SHA-256 output anyone can reach. */
        if (tc_hist_verify_inclusion(zero, a, b, hashes, hashes, n) != TC_ERR_MERKLE_PROOF) abort();
    }
    if (tc_hist_consistency_decode(&a, &b, hashes, TC_HIST_MAX_PROOF, &n, data, size) == 0) {
        check_reencode(tc_hist_consistency_encode(enc, sizeof enc, &len, a, b, hashes, n), enc, len, data, size);
        int rc = tc_hist_verify_consistency(a, b, empty, zero, hashes, n);
        /* Only 0 -> new > 0 accepts (the empty tree is a prefix of any
         * tree); 0 -> 0 needs equal roots, and empty != zero. */
        if ((rc == 0) != (a == 0 && b != 0)) abort();
    }
    return 0;
}
