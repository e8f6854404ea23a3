/* Test-only fixtures for the ledger: an in-memory tc_state with one level
 * of savepoint, and a small chain (genesis with governance, four orgs) with
 * helpers to sign and apply transactions. Linked into every test program:
 * every symbol is prefixed fixture_. */
#ifndef TC_LEDGER_FIXTURE_H
#define TC_LEDGER_FIXTURE_H

#include <stddef.h>
#include <stdint.h>

#include "tc/cbor.h"
#include "tc/crypto.h"
#include "tc/errors.h"
#include "tc/ledger.h"
#include "tc/state.h"
#include "tc/tx.h"

tc_state *fixture_state_new(void);
void fixture_state_free(tc_state *st);
size_t fixture_state_count(tc_state *st);

/* Deterministic key pair from a small seed number. */
void fixture_key(uint8_t pub[32], uint8_t sec[64], unsigned seed);

/* Orgs in the fixture genesis. */
#define FX_MAKER 1u    /* manufacturer + vendor, admin 2-of-2 (seeds 10, 11) */
#define FX_FLEET 2u    /* operator, admin 1-of-1 (seed 20) */
#define FX_RIVAL 3u    /* operator, admin 1-of-1 (seed 30) */
#define FX_VENDOR2 4u  /* manufacturer, admin 1-of-1 (seed 40) */

typedef struct fixture_chain {
    tc_state *st;
    tc_block_ctx ctx;
    char chain_id[16];
    uint8_t genesis[2048];
    size_t genesis_len;
    uint8_t gov_pub[3][32], gov_sec[3][64];     /* 2-of-3 */
    uint8_t maker_sec[2][64];
    uint8_t fleet_sec[1][64];
    uint8_t rival_sec[1][64];
    uint8_t vendor2_sec[1][64];
} fixture_chain;

/* Builds and applies the genesis; ctx at height 5, time 1,000,000 ms. */
int fixture_chain_init(fixture_chain *c);
void fixture_chain_free(fixture_chain *c);

/* Next nonce for a signer as state sees it. */
uint64_t fixture_next_nonce(fixture_chain *c, const uint8_t *signer, size_t signer_len);

/* Builds a transaction (nonce 0 = the signer's next nonce), signs it with n
 * keys (COSE_Sign when the signer is a key set, COSE_Sign1 for a device),
 * applies it inside a savepoint (rolled back on rejection). Returns the
 * ledger's code; err has the message. */
int fixture_apply(fixture_chain *c, tc_err *err, uint32_t type, const uint8_t *signer,
                  size_t signer_len, uint64_t nonce, const uint8_t *body, size_t body_len,
                  const uint8_t (*secs)[64], size_t n);
/* Shorthands: as governance (keys 0 and 1), as an org key set, as a device. */
int fixture_gov(fixture_chain *c, tc_err *err, uint32_t type, const uint8_t *body, size_t len);
int fixture_org(fixture_chain *c, tc_err *err, uint32_t type, uint64_t org, uint8_t role,
                const uint8_t *body, size_t len, const uint8_t (*secs)[64], size_t n);
int fixture_dev(fixture_chain *c, tc_err *err, uint32_t type, const uint8_t id[16],
                const uint8_t sec[64], const uint8_t *body, size_t len);
/* Applies raw transaction bytes inside a savepoint. */
int fixture_apply_raw(fixture_chain *c, tc_err *err, const uint8_t *tx, size_t len);

/* A device made by FX_MAKER from seed s: keys, id, claim secret "claim-<s>"
 * (its claim key, tc_claim_key, is what the manufacturer records). */
typedef struct fixture_device {
    uint8_t id[16];
    uint8_t pub[32], sec[64], x[32];
    char secret[32];
} fixture_device;
void fixture_device_keys(fixture_device *d, unsigned seed);
/* Manufactures (by FX_MAKER) and, if owner != 0, claims it for owner (an
 * operator org of the fixture). 0 or the failing code. */
int fixture_device_new(fixture_chain *c, fixture_device *d, unsigned seed, uint64_t owner);
/* The admin secret keys of an org of the fixture (count in *n). */
const uint8_t (*fixture_admin(fixture_chain *c, uint64_t org, size_t *n))[64];
/* Installs a key set of role for org (1-of-1 from seed). */
int fixture_org_keys(fixture_chain *c, uint64_t org, uint8_t role, unsigned seed);
/* The same, k-of-nkeys from seeds[]; the secret keys into secs (may be NULL). */
int fixture_org_keyset(fixture_chain *c, uint64_t org, uint8_t role, uint32_t k, size_t nkeys,
                       const unsigned *seeds, uint8_t (*secs)[64]);

#endif
