/* Helpers shared by the `thingchain tx ...` commands (cli/cmd_tx*.c). */
#ifndef TC_CLI_CMD_TX_H
#define TC_CLI_CMD_TX_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "tc/tx.h"

/* The chain id from --chain-id or from the genesis file (exactly one of
 * them non-NULL, else a usage error). out holds up to 64 bytes + NUL. */
int cli_tx_chain_id(char out[65], const char *chain_id, const char *genesis, const char *usage);

/* A JSON description of a decoded transaction: type, signer, nonce, chain
 * id, payload hash, signature key ids, body in CBOR diagnostic notation. */
json_t *cli_tx_describe(const tc_tx *tx, size_t tx_len);

/* Reads a whole transaction file and decodes it; *buf is tc_malloc'd. */
int cli_tx_load(uint8_t **buf, size_t *len, tc_tx *tx, const char *path);

/* Writes bytes to path ("-" = stdout). */
int cli_tx_write(const char *path, const uint8_t *p, size_t n);

#endif
