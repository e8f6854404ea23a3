/* libFuzzer target: the transaction envelope decoder (tc_tx_decode) and,
 * for inputs that decode, the signature check path (must never crash;
 * random inputs must never verify), and the anchor digest extraction the
 * store runs on accepted anchors (tc_anchor_tx_digests). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "tc/anchor.h"
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
    static uint8_t dg[TC_ANCHOR_DIGESTS_MAX * 32];
    uint8_t root[32], path[TC_ANCHOR_PATH_MAX * 32];
    size_t nd = 0, pl;
    if (tc_anchor_tx_digests(dg, &nd, root, data, size) == 0) {
        if (nd == 0 || nd > TC_ANCHOR_DIGESTS_MAX) __builtin_trap();
        tc_anchor_path(path, &pl, dg, nd, nd - 1);
    }
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
