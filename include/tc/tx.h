/* Transactions: the signed envelope, its payload, signer names and the
 * builders the CLI and tests use (DESIGN.md, Ledger; docs/ledger.md).
 *
 * Envelope. Every transaction is a COSE signature object (RFC 9052, EdDSA
 * -8) over the payload, a deterministic CBOR map with small-int keys:
 *     {1: chain id (tstr), 2: type (uint), 3: signer (bstr), 4: nonce (uint),
 *      5: body (map)}
 * built, parsed and verified by the shared COSE code (tc/cose.h, profile:
 * protected {1: -8, 4: kid}, external aad empty):
 * - single signer (a device): COSE_Sign1, tag 18, kid = tc_keyid of the key;
 * - key set (governance, an organization's admin/release/config keys):
 *   COSE_Sign, tag 98, one signature per key, k of n distinct keys needed.
 * The envelope adds to the COSE profile: the tag is required, every kid is
 * a 16-byte key id, at most TC_TX_SIGS_MAX signatures, no key signs twice.
 * The signer names who acts (and whose nonce advances):
 *     device     0x01 || device id (16 bytes)            COSE_Sign1
 *     governance 0x02                                    COSE_Sign
 *     org keys   0x03 || org id (8 bytes BE) || role     COSE_Sign
 * Nonces are per signer and strictly sequential: the first is 1, each next
 * one is last + 1.
 *
 * Ownership: tc_tx points into the caller's buffer (borrowed for the life of
 * the tc_tx). Node-side only (allocates through tc_malloc to verify). */
#ifndef TC_TX_H
#define TC_TX_H

#include <stddef.h>
#include <stdint.h>

#include "tc/cose.h"
#include "tc/crypto.h"
#include "tc/errors.h"

/* Size limits (docs/ledger.md, "Limits"). */
#define TC_TX_MAX          (64u * 1024u) /* whole signed transaction */
#define TC_TX_BODY_MAX     (48u * 1024u) /* body map */
#define TC_TX_STR_MAX      256u          /* any text field */
#define TC_TX_NAME_MAX     64u           /* names, models, serials, group names */
#define TC_TX_LIST_MAX     256u          /* entries in any list (devices in a batch, ...) */
#define TC_TX_SIGS_MAX     16u           /* signatures on a COSE_Sign; also keys in a key set */
#define TC_TX_SIGNER_MAX   16u + 1u

/* Signer kinds (first byte of the signer). */
#define TC_SIGNER_DEVICE 0x01
#define TC_SIGNER_GOV    0x02
#define TC_SIGNER_ORG    0x03
#define TC_DEVICE_ID_LEN 16
#define TC_SIGNER_DEVICE_LEN (1 + TC_DEVICE_ID_LEN)
#define TC_SIGNER_GOV_LEN 1
#define TC_SIGNER_ORG_LEN 10

/* Organization key-set roles (last byte of an org signer). */
#define TC_KEYS_ADMIN   1
#define TC_KEYS_RELEASE 2 /* vendor firmware release keys */
#define TC_KEYS_CONFIG  3 /* operator configuration keys */

/* Organization roles (bitmask). */
#define TC_ROLE_OPERATOR     1u /* owns devices, rolls out firmware, publishes config */
#define TC_ROLE_MANUFACTURER 2u /* makes devices, publishes firmware (vendor) */
#define TC_ROLE_VALIDATOR    4u /* runs validators */

/* Transaction types: stable numbers (docs/ledger.md lists bodies). */
enum tc_tx_type {
    TC_TX_GOV_REGISTER_ORG = 1,
    TC_TX_GOV_SET_VALIDATORS = 2,
    TC_TX_GOV_SET_KEYS = 3,
    TC_TX_ORG_SET_KEYS = 4,
    TC_TX_DEV_MANUFACTURE = 10,
    TC_TX_DEV_CLAIM = 11,
    TC_TX_DEV_TRANSFER = 12,
    TC_TX_DEV_AUTHORIZE_ROTATION = 13,
    TC_TX_DEV_ROTATE = 14,
    TC_TX_DEV_SET_ATTRS = 15,
    TC_TX_DEV_SET_GROUPS = 16,
    TC_TX_DEV_SUSPEND = 17,
    TC_TX_DEV_RESUME = 18,
    TC_TX_DEV_REVOKE = 19,
    TC_TX_SVC_PUBLISH = 20,
    TC_TX_SVC_WITHDRAW = 21,
    TC_TX_COMM_SET_POLICY = 30,
    TC_TX_COMM_DEL_POLICY = 31,
    TC_TX_ANCHOR = 40,
    TC_TX_CFG_PUBLISH = 50,
    TC_TX_CFG_REPORT = 51,
    TC_TX_FW_RELEASE = 60,
    TC_TX_FW_REVOKE = 61,
    TC_TX_FW_ROLLOUT = 62,
    TC_TX_FW_ROLLOUT_CONTROL = 63,
    TC_TX_FW_REPORT = 64
};

/* Name of a type ("dev.claim"), or NULL if unknown. */
const char *tc_tx_type_name(uint32_t type);

typedef struct tc_tx_sig {
    uint8_t kid[TC_KEYID_LEN];     /* who signed (copied from the COSE header) */
} tc_tx_sig;

typedef struct tc_tx {
    int multi;                     /* 0: COSE_Sign1, 1: COSE_Sign */
    const uint8_t *env;            /* the whole signed envelope (what verification parses) */
    size_t env_len;
    const uint8_t *payload;
    size_t payload_len;
    size_t nsig;
    tc_tx_sig sigs[TC_TX_SIGS_MAX];
    /* payload fields */
    const uint8_t *chain_id;
    size_t chain_id_len;
    uint32_t type;
    const uint8_t *signer;
    size_t signer_len;
    uint64_t nonce;
    const uint8_t *body;           /* the body map, one CBOR item */
    size_t body_len;
} tc_tx;

/* Decodes and checks the shape of a signed transaction (not the signatures,
 * not the state): TC_ERR_LEDGER_OVERSIZE, TC_ERR_LEDGER_MALFORMED. */
int tc_tx_decode(tc_tx *tx, tc_err *err, const uint8_t *buf, size_t len);

/* Verifies signature i of tx against pub (the kid must be tc_keyid(pub)):
 * 0 or TC_ERR_LEDGER_SIGNATURE (TC_ERR_NOMEM if the Sig_structure cannot be
 * allocated). */
int tc_tx_verify_sig(const tc_tx *tx, size_t i, const uint8_t pub[TC_ED25519_PUB_LEN]);

/* Threshold check of a COSE_Sign envelope (tc_cose_sign_verify): pubs are
 * npubs contiguous 32-byte keys (1..TC_TX_SIGS_MAX), k in 1..npubs.
 * 0, TC_ERR_LEDGER_SIGNATURE (a signature by an allowed key is bad),
 * TC_ERR_LEDGER_THRESHOLD (fewer than k distinct allowed keys signed) or
 * TC_ERR_NOMEM; err (may be NULL) gets the detail. */
int tc_tx_verify_keyset(const tc_tx *tx, tc_err *err, const uint8_t *pubs, size_t npubs, size_t k);

/* SHA-256 of the payload: the transaction's identity for duplicate checks
 * (signatures can be added or dropped without changing what was signed). */
void tc_tx_payload_hash(uint8_t out[TC_SHA256_LEN], const tc_tx *tx);

/* ---- signer names ---- */
void tc_signer_device(uint8_t out[TC_SIGNER_DEVICE_LEN], const uint8_t dev_id[TC_DEVICE_ID_LEN]);
void tc_signer_gov(uint8_t out[TC_SIGNER_GOV_LEN]);
void tc_signer_org(uint8_t out[TC_SIGNER_ORG_LEN], uint64_t org, uint8_t role);

/* ---- builders ---- */
/* Encodes the payload map. body is one encoded CBOR map (copied verbatim).
 * TC_ERR_BUFFER_TOO_SMALL with *len = size needed when cap is too small. */
int tc_tx_payload_encode(uint8_t *out, size_t cap, size_t *len, const uint8_t *chain_id,
                         size_t chain_id_len, uint32_t type, const uint8_t *signer,
                         size_t signer_len, uint64_t nonce, const uint8_t *body, size_t body_len);
/* COSE_Sign1 over payload with one key (sec: libsodium 64-byte secret key). */
int tc_tx_sign1(uint8_t *out, size_t cap, size_t *len, const uint8_t *payload,
                size_t payload_len, const uint8_t sec[TC_ED25519_SEC_LEN]);
/* COSE_Sign over payload with n keys (1 <= n <= TC_TX_SIGS_MAX). */
int tc_tx_sign_multi(uint8_t *out, size_t cap, size_t *len, const uint8_t *payload,
                     size_t payload_len, const uint8_t (*secs)[TC_ED25519_SEC_LEN], size_t n);

/* ---- device claims (docs/ledger.md, "Claiming a device") ----
 * A one-time claim KEY, not a revealed secret: the manufacturer records
 * claim_pub in dev.manufacture; the claiming operator proves knowledge of
 * the secret by a signature over (chain id, device id, its own org id), so
 * the secret never appears on chain and a signature copied from the
 * mempool names the original org. The secret should carry >= 128 bits of
 * entropy (it is printed on the device or its packaging). */
#define TC_CLAIM_INFO "thingchain/claim/v1"
/* ["thingchain/claim/v1", chain id, device id, org]: array + text(19) +
 * text(<= 64) + bstr(16) + uint64 heads. */
#define TC_CLAIM_MSG_MAX (1 + 20 + 2 + 64 + 1 + TC_DEVICE_ID_LEN + 9)

/* The claim key pair: seed = HKDF-SHA256(ikm = secret, salt = none,
 * info = "thingchain/claim/v1"), then Ed25519 from the seed. */
void tc_claim_key(uint8_t pub[TC_ED25519_PUB_LEN], uint8_t sec[TC_ED25519_SEC_LEN],
                  const uint8_t *secret, size_t secret_len);
/* The signed claim message (deterministic CBOR, written into out):
 * ["thingchain/claim/v1", chain id (text, 1-64 bytes), device id (bstr 16), org id (uint)]. */
int tc_claim_message(uint8_t *out, size_t cap, size_t *len, const uint8_t *chain_id,
                     size_t chain_id_len, const uint8_t dev_id[TC_DEVICE_ID_LEN], uint64_t org);
/* sig = Ed25519 by the claim key derived from secret over the claim message. */
int tc_claim_sign(uint8_t sig[TC_ED25519_SIG_LEN], const uint8_t *secret, size_t secret_len,
                  const uint8_t *chain_id, size_t chain_id_len,
                  const uint8_t dev_id[TC_DEVICE_ID_LEN], uint64_t org);
/* 0 when sig is claim_pub's signature over the claim message for exactly
 * this chain, device and org; TC_ERR_LEDGER_CLAIM otherwise. */
int tc_claim_verify(const uint8_t sig[TC_ED25519_SIG_LEN], const uint8_t claim_pub[TC_ED25519_PUB_LEN],
                    const uint8_t *chain_id, size_t chain_id_len,
                    const uint8_t dev_id[TC_DEVICE_ID_LEN], uint64_t org);

#endif
