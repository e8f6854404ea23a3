/* libFuzzer target: the transaction envelope decoder (tc_tx_decode) and,
 * for inputs that decode, the signature check path (must never crash;
 * random inputs must never verify). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "tc/tx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int inited;
    if (!inited) {
        tc_crypto_init();
        inited = 1;
    }
    tc_tx tx;
    tc_err err;
    if (tc_tx_decode(&tx, &err, data, size) != 0) return 0;
    /* Invariants of an accepted envelope. */
    if (tx.nsig == 0 || tx.nsig > TC_TX_SIGS_MAX || tx.chain_id_len == 0 || tx.chain_id_len > 64) __builtin_trap();
    if (tx.body_len > TC_TX_BODY_MAX || tx.signer_len == 0) __builtin_trap();
    uint8_t pub[32];
    memset(pub, 0x5a, sizeof pub);
    (void)tc_tx_verify_sig(&tx, 0, pub);
    uint8_t h[32];
    tc_tx_payload_hash(h, &tx);
    return 0;
}
