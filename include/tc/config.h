/* thingchaind configuration (DESIGN.md, Node: "one file plus command-line
 * flags"; docs/node.md, Configuration).
 *
 * File: lines "key = value", '#' starts a comment, blank lines ignored,
 * unknown keys are an error (a typo must not silently fall back to a
 * default). Relative paths are resolved against the directory of the
 * config file, so a network directory can be moved as a whole.
 * io/ only (reads files). Plain value: no allocation. */
#ifndef TC_CONFIG_H
#define TC_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "tc/errors.h"

#define TC_CONFIG_PATH_MAX 1024
#define TC_CONFIG_ADDR_MAX 64
#define TC_CONFIG_PEERS_MAX 64

typedef struct tc_config {
    char chain_id[65];
    char genesis[TC_CONFIG_PATH_MAX];  /* genesis.cbor */
    char key[TC_CONFIG_PATH_MAX];      /* Ed25519 seed, 64 hex chars (tc/keyfile.h) */
    char data[TC_CONFIG_PATH_MAX];     /* SQLite file; the signing record is DATA.cons */
    char p2p_listen[TC_CONFIG_ADDR_MAX];
    char api_listen[TC_CONFIG_ADDR_MAX]; /* empty: no API */
    size_t npeers;
    char peers[TC_CONFIG_PEERS_MAX][TC_CONFIG_ADDR_MAX];
    int log_level;                     /* enum tc_log_level */
    int validator;                     /* 1: vote if the key is in the set */
    int full;                          /* mode = full: never signs, follows (docs/node.md) */
    size_t nfull_nodes;                /* node keys of full nodes allowed to link */
    uint8_t full_nodes[TC_CONFIG_PEERS_MAX][32];
    uint64_t block_interval_ms;        /* empty blocks at most this often */
    uint64_t block_max_txs;
    uint64_t block_max_bytes;
    uint64_t mempool_max_txs;
    uint64_t mempool_max_bytes;
    uint64_t api_rate;                 /* API requests per second per client IP */
    uint64_t api_burst;                /* token-bucket depth per client IP */
    uint64_t fw_store_max_bytes;       /* firmware chunk store bound (docs/firmware-ops.md) */
} tc_config;

/* Defaults (docs/node.md). */
void tc_config_default(tc_config *c);
/* Sets one key from its text value; base_dir (may be NULL) resolves
 * relative paths. TC_ERR_INVALID_ARG with err naming the key. */
int tc_config_set(tc_config *c, tc_err *err, const char *key, const char *value, const char *base_dir);
/* Reads a config file on top of c. TC_ERR_IO or TC_ERR_INVALID_ARG (err:
 * "FILE:LINE: ..."). */
int tc_config_load(tc_config *c, tc_err *err, const char *path);
/* Required keys present and values consistent. */
int tc_config_check(const tc_config *c, tc_err *err);
/* Splits "host:port" (host an IPv4 literal or "localhost"). */
int tc_config_split_addr(char *host, size_t host_cap, int *port, const char *addr);

#endif
