/* Helpers shared by the firmware, rollout and config commands
 * (cli/cmd_fw_*.c, cli/cmd_rollout*.c, cli/cmd_config_*.c). Transactions
 * are built by `thingchain tx build` itself (cli/cmd_tx_build.c) and sent
 * by `thingchain tx submit`: these helpers only prepare their arguments. */
#ifndef TC_CLI_FW_UTIL_H
#define TC_CLI_FW_UTIL_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

/* An image and its chunk tree (docs/ledger.md fw.release fields 3..6). */
typedef struct fwu_image {
    uint8_t *data;      /* owned: fwu_image_free */
    size_t size;
    uint32_t chunk_size;
    uint64_t n;         /* chunks */
    uint8_t *leaves;    /* owned: n leaf hashes */
    uint8_t digest[32], root[32];
    char digest_hex[65], root_hex[65];
} fwu_image;

/* Reads path and computes digest, leaves and root; prints why on failure
 * and returns CLI_FAIL. */
int fwu_image_load(fwu_image *im, const char *path, uint32_t chunk_size);
/* The same over bytes in memory (data tc_malloc'd, owned by im from now on). */
int fwu_image_init(fwu_image *im, uint8_t *data, size_t size, uint32_t chunk_size);
void fwu_image_free(fwu_image *im);

/* --chunk-size: 64..1 MiB. */
int fwu_chunk_opt(uint32_t *out, const char *val, const char *usage);
/* Expiry in ms since the epoch from --expiry (YYYY-MM-DD, YYYY-MM-DDTHH:MM:SSZ
 * or ms) or --ttl DAYS (from now); default 365 days. */
int fwu_expiry(uint64_t *ms, const char *expiry, const char *ttl, const char *usage);

/* A growing argument list for an inner command. */
typedef struct fwu_argv {
    char *v[128];
    int n;
} fwu_argv;
void fwu_add(fwu_argv *a, const char *s);
void fwu_addf(fwu_argv *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void fwu_argv_free(fwu_argv *a);
/* Runs `thingchain tx build` with a (a->v[0] must be "tx build"). */
int fwu_tx_build(fwu_argv *a);
/* Runs `thingchain tx submit FILE --node URL`. */
int fwu_tx_submit(const char *file, const char *node);

/* GET base + path; status and the body (*body tc_malloc'd, NUL-terminated,
 * owned by the caller) up to cap bytes. headers as tc_http_request_ex. */
int fwu_get(int *status, uint8_t **body, size_t *len, size_t cap, const char *node, const char *path,
            const char *headers);
/* GET a JSON object from a node; NULL (after printing why) unless 200. */
json_t *fwu_get_json(const char *node, const char *path);

#endif

/* Signing and sending options shared by the commands that make one
 * transaction: --key (repeatable) --nonce --chain-id|--genesis, then -o
 * FILE and/or --node URL (submit). FWU_SIGN_OPTS lists them for getopt. */
typedef struct fwu_sign {
    const char *keys[16];
    int nkeys;
    const char *nonce, *chain, *genesis, *out, *node;
} fwu_sign;
#define FWU_SIGN_OPTS                                                                                      \
    {"key", 1, NULL, 'k'}, {"nonce", 1, NULL, 'n'}, {"chain-id", 1, NULL, 'C'}, {"genesis", 1, NULL, 'G'}, \
    {"out", 1, NULL, 'o'}, {"node", 1, NULL, 'N'}
#define FWU_SIGN_USAGE "--key KEYFILE [--key...] --nonce N (--chain-id ID | --genesis FILE) (-o OUT | --node URL)"
/* 1 if c was one of those options (stored), 0 if not. */
int fwu_sign_opt(fwu_sign *s, int c, const char *arg);
/* Adds the signing flags to a, builds the transaction (quietly) into -o or
 * a temporary file, and submits it when --node was given. */
int fwu_sign_run(fwu_sign *s, fwu_argv *a, const char *usage);
