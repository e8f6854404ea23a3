/* Validator sets (DESIGN.md, Consensus and Trust model).
 *
 * A set is an ordered list of (Ed25519 public key, voting power). The order
 * is the order of the signer bitmap in commit certificates and of validator
 * indexes in votes, so it is part of the consensus: every node must build the
 * set for a height the same way (the ledger does, from genesis and validator
 * set change transactions that take effect at a later height).
 *
 * Proposer rotation is weighted by voting power with CometBFT-style
 * priorities: each step every validator gains its power, the highest
 * priority (ties: lowest index) proposes and pays the total power back. The
 * priorities are part of the set's per-height state: the set for height h+1
 * is the set for h advanced once (tc_valset_advance). They are not part of
 * the set's hash.
 *
 * No allocation: a set is a plain value (about 6 KiB) the caller owns. */
#ifndef TC_VALSET_H
#define TC_VALSET_H

#include <stddef.h>
#include <stdint.h>
#include "tc/crypto.h"

#define TC_VALSET_MAX 128
/* Ceiling on the total voting power so that 3 * power never overflows and
 * priorities stay far from the int64 limits (CometBFT uses MaxInt64/8). */
#define TC_VALSET_MAX_POWER ((uint64_t)1 << 60)

typedef struct tc_validator {
    uint8_t pub[TC_ED25519_PUB_LEN];
    uint64_t power;
    int64_t priority;
} tc_validator;

typedef struct tc_valset {
    size_t n;
    uint64_t total;
    tc_validator v[TC_VALSET_MAX];
} tc_valset;

/* An empty set. */
void tc_valset_init(tc_valset *vs);
/* Appends a validator with priority 0. TC_ERR_CONS_VALSET when the key is
 * already in the set, power is 0, the set is full or the total power would
 * exceed TC_VALSET_MAX_POWER. */
int tc_valset_add(tc_valset *vs, const uint8_t pub[TC_ED25519_PUB_LEN], uint64_t power);
/* Index of pub, or -1. */
int tc_valset_find(const tc_valset *vs, const uint8_t pub[TC_ED25519_PUB_LEN]);

/* Quorum tests on an amount of voting power: "2f+1" is strictly more than
 * two thirds of the total, "f+1" strictly more than one third. */
int tc_valset_is_quorum(const tc_valset *vs, uint64_t power);
int tc_valset_is_third(const tc_valset *vs, uint64_t power);

/* The proposer of round `round` at the height this set belongs to: the
 * priorities advanced round+1 times on a copy. */
size_t tc_valset_proposer(const tc_valset *vs, uint32_t round);
/* Advances the priorities once in place: the set of the next height. */
void tc_valset_advance(tc_valset *vs);

/* SHA-256 of the deterministic CBOR array [[pub, power], ...] in set order
 * (what headers name as the validator-set hash). */
int tc_valset_hash(const tc_valset *vs, uint8_t out[TC_SHA256_LEN]);

#endif
