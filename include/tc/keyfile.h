/* Key files: an Ed25519 seed stored as 64 hex characters and a newline
 * (docs/cli.md, "Key files"). The node (node.conf `key`), the CLI (--key)
 * and operators share this one format, so a key made by `thingchain keys
 * gen` works everywhere. io/ only: this touches the file system and draws
 * randomness from the OS.
 *
 * Ownership: seeds are written into caller buffers; callers tc_wipe them. */
#ifndef TC_KEYFILE_H
#define TC_KEYFILE_H

#include <stdint.h>

#include "tc/crypto.h"
#include "tc/errors.h"

/* Fills seed from /dev/urandom: 0 or TC_ERR_IO. */
int tc_keyfile_random(tc_err *err, uint8_t seed[TC_ED25519_SEED_LEN]);

/* Creates path with mode 0600 holding hex(seed) "\n". Never overwrites:
 * TC_ERR_IO (message "exists") when path is already there. */
int tc_keyfile_write(tc_err *err, const char *path, const uint8_t seed[TC_ED25519_SEED_LEN]);

/* Reads a key file: exactly 64 hex digits, optionally followed by
 * whitespace. 0, TC_ERR_IO (cannot read) or TC_ERR_HEX (bad content). */
int tc_keyfile_read(uint8_t seed[TC_ED25519_SEED_LEN], tc_err *err, const char *path);

/* Reads a key file and derives the key pair (sec is libsodium's 64 bytes). */
int tc_keyfile_load(uint8_t pub[TC_ED25519_PUB_LEN], uint8_t sec[TC_ED25519_SEC_LEN],
                    tc_err *err, const char *path);

#endif
