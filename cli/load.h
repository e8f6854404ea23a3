/* The load generator's shared pieces (cli/cmd_debug_load.c, cli/load_tx.c;
 * docs/node.md, "Load generator"). */
#ifndef TC_CLI_LOAD_H
#define TC_CLI_LOAD_H

#include <stddef.h>
#include <stdint.h>

#include "tc/crypto.h"

#define LOAD_GOV_MAX 16

typedef struct load_ctx {
    char chain_id[65];
    uint64_t seed;
    size_t gov_k;                                       /* governance threshold */
    uint8_t gov_sec[LOAD_GOV_MAX][TC_ED25519_SEC_LEN];  /* the first gov_k keys */
} load_ctx;

typedef struct load_signer {
    uint8_t pub[TC_ED25519_PUB_LEN], sec[TC_ED25519_SEC_LEN];
} load_signer;

/* The key of load signer `index` for a run seed. */
void load_signer_key(load_signer *s, uint64_t seed, uint64_t index);
/* gov.register_org of org (operator, admin key set {1 of [admin]}). */
int load_tx_register(uint8_t *out, size_t cap, size_t *len, const load_ctx *c, uint64_t nonce, uint64_t org,
                     const load_signer *admin);
/* An anchor signed by org's admin key set (its only key s). */
int load_tx_anchor(uint8_t *out, size_t cap, size_t *len, const load_ctx *c, const load_signer *s, uint64_t org,
                   uint64_t nonce, uint64_t now_ms);

#endif
