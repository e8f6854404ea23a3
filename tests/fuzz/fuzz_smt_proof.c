/* libFuzzer target for the state-proof decoder (core/smt_codec.c) and the
 * verifier (core/smt_verify.c). Whatever decodes must re-encode to the very
 * same bytes (one encoding per proof) and must go through the verifier
 * without a crash; against a root no hash can produce it must fail. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tc/crypto.h"
#include "tc/errors.h"
#include "tc/smt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int init;
    if (!init) {
        if (tc_crypto_init()) abort();
        init = 1;
    }
    tc_smt_proof p;
    int rc = tc_smt_proof_decode(&p, data, size);
    if (rc != 0) {
        if (rc != TC_ERR_SMT_PROOF_FORMAT) abort();
        return 0;
    }
    uint8_t enc[TC_SMT_PROOF_MAX];
    size_t len = 0;
    if (tc_smt_proof_encode(enc, sizeof enc, &len, &p) != 0 || len != size || memcmp(enc, data, size) != 0)
        abort();
    uint8_t root[TC_SMT_HASH_LEN], key[TC_SMT_HASH_LEN], val[TC_SMT_HASH_LEN];
    memset(root, 0xff, sizeof root);
    memcpy(key, p.other_key, sizeof key);
    key[31] ^= 1;
    memset(val, 0x5a, sizeof val);
    if (tc_smt_proof_check(root, key, NULL, &p) != TC_ERR_SMT_PROOF) abort();
    if (tc_smt_proof_check(root, key, val, &p) != TC_ERR_SMT_PROOF) abort();
    return 0;
}
