/* Helpers shared by the `debug cbor*` commands. */
#ifndef TC_CLI_CBOR_H
#define TC_CLI_CBOR_H

#include <stddef.h>
#include <stdint.h>

#include "tc/cbor.h"

/* Parses [--max-depth N] [FILE|-], reads the input (*buf tc_malloc'd, the
 * caller frees it) and validates it as exactly one deterministic item with
 * limits *lim (strings and containers up to the input size). Returns 0, or
 * the exit code after printing why (reason, error name and byte offset). */
int cli_cbor_load(uint8_t **buf, size_t *len, tc_cbor_limits *lim, int argc, char **argv,
                  const char *usage);

#endif
