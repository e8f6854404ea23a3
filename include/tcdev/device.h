/* tcdev device flows (issue 7 item 3; DESIGN.md, Device SDK; docs/device.md).
 *
 * What a device does with the light client (include/tcdev/light.h): every
 * fact it relies on arrives as a proof bundle that tcdev_light_verify_bundle
 * checks against a quorum-signed header, so no node or gateway can lie about
 * it. The flows:
 *   1. enrollment  its own D record: its keys, active, claimed (tcdev_enroll_verify)
 *   2. config      G record for it, newer, unexpired, body digest; apply; report
 *   3. discovery   S record + the offering device's D record (active)
 *   4. channel     Noise_KK with a proven, unrevoked peer; ledger view in the prologue
 *   5. messages    COSE_Sign1 with a monotonic counter; replay refused
 *   6. anchoring   message digest -> anchor root (RFC 9162) + the proven A record
 *
 * Common rules for every function below:
 * - C99, no allocation, no I/O, no clock, no randomness: the caller passes
 *   time (now_ms, the device clock in ms since the epoch), keys, nonces,
 *   counters and buffers. Nothing keeps a pointer past the call, EXCEPT the
 *   pointers in result structs that say "borrows": they point into the
 *   input buffer named there, which must outlive the struct.
 * - st/w: the device's light-client state and scratch (light.h). A bundle
 *   that verifies advances st to its header (a stale or forked header is
 *   refused: TC_ERR_LIGHT_STALE / TC_ERR_LIGHT_FORK); a bundle that does not
 *   verify leaves st unchanged. A bundle that proves a record other than the
 *   one asked for is TC_ERR_DEV_KEY and st is unchanged.
 * - Bundle errors are the light client's (TC_ERR_LIGHT_*, TC_ERR_SMT_PROOF,
 *   TC_ERR_BAD_SIGNATURE, TC_ERR_CONS_CERT_POWER, TC_ERR_CBOR_*); records
 *   that do not decode are TC_ERR_DEV_RECORD; flow errors are TC_ERR_DEV_*
 *   (include/tc/error_table.h, 810-849).
 * - NULL where a buffer is required asserts (API misuse).
 * Thread safety: none; state objects belong to one thread at a time. */
#ifndef TCDEV_DEVICE_H
#define TCDEV_DEVICE_H

#include <stddef.h>
#include <stdint.h>

#include "tcdev/light.h"
#include "tcdev/noise.h"

#define TCDEV_ID_LEN        16   /* device id: tc_keyid of the enrolled Ed25519 key */
#define TCDEV_MODEL_MAX     64   /* longest model name the ledger accepts */
/* Group names of a device record kept by value: the CBOR array (text
 * strings) up to this many bytes; a longer list is TC_ERR_LIMIT. */
#define TCDEV_GROUPS_MAX    160

/* Device record status (docs/ledger.md, D record key 8). */
enum { TCDEV_ACTIVE = 0, TCDEV_SUSPENDED = 1, TCDEV_REVOKED = 2 };

/* A proven D record, copied out of the bundle (no pointers: persist it;
 * 384 bytes on x86-64 and Cortex-M4). */
typedef struct tcdev_device_record {
    uint8_t id[TCDEV_ID_LEN];
    uint8_t ed25519[32];            /* current identity key */
    uint8_t x25519[32];             /* current channel key */
    uint8_t digest[32];             /* SHA-256 of the record bytes as proven */
    uint64_t manufacturer, owner;   /* org ids; owner 0 = unclaimed */
    uint64_t status;                /* TCDEV_ACTIVE / _SUSPENDED / _REVOKED */
    uint64_t height;                /* height the ledger last wrote the record */
    uint64_t epoch;                 /* key epoch (rotations) */
    uint8_t model_len;
    char model[TCDEV_MODEL_MAX];    /* not NUL-terminated */
    uint8_t groups_len;
    uint8_t groups[TCDEV_GROUPS_MAX]; /* CBOR array of text strings */
} tcdev_device_record;

/* 1 when rec lists the group name (len bytes, borrowed for the call). */
int tcdev_device_in_group(const tcdev_device_record *rec, const char *name, size_t len);

/* ---- 1. enrollment (first boot) ----------------------------------------
 * bundle: state bundle for key 'D' || id. Checks, in order: the record is
 * present (absent: TC_ERR_DEV_NOT_ENROLLED), holds ed_pub (and x_pub when
 * not NULL) (TC_ERR_DEV_WRONG_KEY), is not revoked (TC_ERR_DEV_REVOKED) or
 * suspended (TC_ERR_DEV_SUSPENDED), has an owner (TC_ERR_DEV_UNCLAIMED),
 * and the owner is expected_owner unless that is 0 (TC_ERR_DEV_OWNER).
 * out (may be NULL) receives the record also when a status check fails. */
int tcdev_enroll_verify(tcdev_light *st, tcdev_light_work *w, tcdev_device_record *out,
                        const uint8_t id[TCDEV_ID_LEN], const uint8_t ed_pub[32],
                        const uint8_t x_pub[32], uint64_t expected_owner,
                        const uint8_t *bundle, size_t bundle_len, uint64_t now_ms);

/* A peer's D record (bundle for 'D' || peer_id): present (TC_ERR_DEV_ABSENT),
 * not revoked, not suspended. Used by discovery, channel and messages. */
int tcdev_peer_verify(tcdev_light *st, tcdev_light_work *w, tcdev_device_record *out,
                      const uint8_t peer_id[TCDEV_ID_LEN], const uint8_t *bundle,
                      size_t bundle_len, uint64_t now_ms);

/* ---- 2. config (docs/ledger.md G record; cfg.report type 51) -----------
 * A config document as proven; pointers borrow the G bundle. */
typedef struct tcdev_config {
    uint64_t org;                   /* publishing operator (from the key) */
    uint8_t doc_id[16];
    uint64_t kind;                  /* 1 device, 2 group, 3 model */
    const uint8_t *target; size_t target_len;
    const char *name; size_t name_len;
    uint64_t version;
    uint8_t digest[32];
    uint64_t size;
    const uint8_t *body; size_t body_len;         /* inline body or NULL */
    const char *location; size_t location_len;    /* or where to fetch it */
    uint64_t expiry_ms;             /* 0: none */
} tcdev_config;

/* Verifies the G bundle (key 'G' || org || doc id) for the device whose
 * proven record is self: published by self's owner and targeting self (its
 * id, one of its groups, or its model) (TC_ERR_DEV_CFG_TARGET), version >
 * stored_version (TC_ERR_DEV_CFG_ROLLBACK), not expired at now_ms
 * (TC_ERR_DEV_CFG_EXPIRED), and the body — inline, or `body` (borrowed,
 * fetched by the caller from cfg->location; NULL for an inline body) —
 * has the record's size and SHA-256 (TC_ERR_DEV_CFG_DIGEST). Absent:
 * TC_ERR_DEV_ABSENT. out borrows g_bundle. */
int tcdev_config_verify(tcdev_light *st, tcdev_light_work *w, tcdev_config *out,
                        const tcdev_device_record *self, uint64_t stored_version,
                        const uint8_t *g_bundle, size_t g_len, const uint8_t *body,
                        size_t body_len, uint64_t now_ms);

/* The caller's apply step: 0 when applied. body borrows for the call. */
typedef int (*tcdev_config_apply_fn)(void *ctx, const tcdev_config *cfg, const uint8_t *body,
                                     size_t body_len);

/* tcdev_config_verify, then apply(ctx, ...) with the verified body; on
 * success *stored_version becomes the document's version (the caller
 * persists it). A refusal by apply is TC_ERR_DEV_CFG_APPLY (the version is
 * not advanced; report it as failed). */
int tcdev_config_apply(tcdev_light *st, tcdev_light_work *w, tcdev_config *out,
                       uint64_t *stored_version, const tcdev_device_record *self,
                       const uint8_t *g_bundle, size_t g_len, const uint8_t *body,
                       size_t body_len, uint64_t now_ms, tcdev_config_apply_fn apply,
                       void *ctx);

/* Status of a config report. */
enum { TCDEV_CFG_APPLIED = 0, TCDEV_CFG_FAILED = 1 };
/* Largest cfg.report transaction for a chain id of chain_id_len bytes. */
#define TCDEV_CFG_REPORT_MAX(chain_id_len) (TC_COSE_SIGN1_SIZE(16, (chain_id_len) + 120))
#define TCDEV_CFG_REPORT_SCRATCH(chain_id_len) \
    (TC_COSE_TBS_SIZE(TC_COSE_PROT_MAX, 0, 0, (chain_id_len) + 120) + (chain_id_len) + 120)

/* Builds the signed cfg.report transaction (docs/ledger.md, type 51):
 * COSE_Sign1 tag 18, kid = tc_keyid(pub), over the deterministic CBOR
 *   {1 chain id, 2 51, 3 0x01 || id, 4 *nonce + 1, 5 {1 org, 2 doc id,
 *    3 version, 4 status}}.
 * nonce: the device's last used transaction nonce (it keeps it: the ledger
 * wants last + 1); advanced only on success. sec: the device's Ed25519
 * secret key (64 bytes, read only). out: TCDEV_CFG_REPORT_MAX bytes;
 * scratch: TCDEV_CFG_REPORT_SCRATCH bytes. TC_ERR_BUFFER_TOO_SMALL. */
int tcdev_config_report(uint8_t *out, size_t cap, size_t *out_len, uint8_t *scratch,
                        size_t scratch_cap, uint64_t *nonce, const char *chain_id,
                        size_t chain_id_len, const uint8_t id[TCDEV_ID_LEN],
                        const uint8_t sec[64], const tcdev_config *cfg, unsigned status);

/* ---- 3. discovery (S record + the provider's D record) ----------------- */
typedef struct tcdev_service {
    uint8_t device[TCDEV_ID_LEN];   /* the offering device (from the S key) */
    const char *name; size_t name_len;        /* borrows svc_bundle */
    const char *type; size_t type_len;        /* borrows svc_bundle */
    const uint8_t *endpoints; size_t endpoints_len; /* CBOR array of text; borrows */
    uint64_t expiry_ms;
    tcdev_device_record provider;   /* its proven, active D record */
} tcdev_service;

/* Verifies one discovery result: svc_bundle proves 'S' || device || name
 * (name_len 0: any name of any device; otherwise exactly that name offered
 * by `device` (16 bytes), e.g. a peer the device looks up again), not
 * expired at now_ms (TC_ERR_DEV_SVC_EXPIRED); dev_bundle proves that
 * device's D record active (tcdev_peer_verify). device may be NULL when
 * name_len is 0. Absent service: TC_ERR_DEV_ABSENT. */
int tcdev_discovery_verify(tcdev_light *st, tcdev_light_work *w, tcdev_service *out,
                           const uint8_t *device, const char *name, size_t name_len,
                           const uint8_t *svc_bundle, size_t svc_len,
                           const uint8_t *dev_bundle, size_t dev_len, uint64_t now_ms);

/* The i-th text of a CBOR array of text strings (endpoints, groups).
 * *p borrows list. TC_ERR_NOT_FOUND past the end, TC_ERR_DEV_RECORD. */
int tcdev_text_at(const char **p, size_t *n, const uint8_t *list, size_t list_len, size_t i);

/* ---- 4. channel (Noise_KK between two proven devices) ------------------
 * Prologue (docs/device.md): "thingchain-kk-v1" || len(chain id) (1 byte) ||
 * chain id || height (8, BE) || SHA-256(D record) of the device with the
 * smaller id || SHA-256(D record) of the other; height = the larger of the
 * two records' own write heights. Two devices that proved the same two
 * records agree on it at any verified header; any difference in what they
 * saw (a rotated key, a suspension, another chain) fails the handshake. */
#define TCDEV_PROLOGUE_MAX (16 + 1 + TC_CHAIN_ID_MAX + 8 + 64)
int tcdev_channel_prologue(uint8_t out[TCDEV_PROLOGUE_MAX], size_t *out_len,
                           const tcdev_light *st, const tcdev_device_record *self,
                           const tcdev_device_record *peer);

/* Optional policy check: pol_bundle proves the C record of org (8-byte key
 * part) for groups a and b (any order) with allow = true, not expired at
 * now_ms; a must be one of self's groups and b one of peer's. Absent,
 * denied or expired: TC_ERR_DEV_POLICY. */
int tcdev_channel_policy(tcdev_light *st, tcdev_light_work *w, const tcdev_device_record *self,
                         const tcdev_device_record *peer, uint64_t org, const char *a,
                         size_t a_len, const char *b, size_t b_len, const uint8_t *pol_bundle,
                         size_t pol_len, uint64_t now_ms);

/* Starts a Noise_KK handshake (tcdev_noise_init) with peer's proven X25519
 * key as rs and the prologue above. peer must be active (TC_ERR_DEV_REVOKED,
 * TC_ERR_DEV_SUSPENDED); x_sec (32 bytes) must be the key of self's record
 * (TC_ERR_DEV_WRONG_KEY); ephemeral: 32 fresh random bytes. Continue with
 * tcdev_noise_write_message / read_message / split (noise.h). */
int tcdev_channel_init(tcdev_noise_handshake *hs, const tcdev_light *st,
                       const tcdev_device_record *self, const tcdev_device_record *peer,
                       int initiator, const uint8_t x_sec[32], const uint8_t ephemeral[32]);

/* ---- 5. signed messages ------------------------------------------------
 * COSE_Sign1 (tag 18, protected {1: -8, 4: kid}) whose payload is
 *   {1 sender device id (16), 2 counter (uint), 3 body (bstr)}.
 * The counter is in the payload, not a header: it is signed either way, and
 * our COSE profile (docs/crypto.md) refuses header labels it does not know,
 * so any COSE library can verify the message and read the counter. */
#define TCDEV_MSG_OVERHEAD 48  /* payload CBOR around the body */
#define TCDEV_MSG_MAX(body_len) TC_COSE_SIGN1_SIZE(16, (body_len) + TCDEV_MSG_OVERHEAD)
#define TCDEV_MSG_SCRATCH(body_len) \
    (TC_COSE_TBS_SIZE(TC_COSE_PROT_MAX, 0, 0, (body_len) + TCDEV_MSG_OVERHEAD) + \
     (body_len) + TCDEV_MSG_OVERHEAD)

/* Signs body with counter *counter + 1 (advanced on success; the caller
 * persists it before sending). out: TCDEV_MSG_MAX(body_len), scratch:
 * TCDEV_MSG_SCRATCH(body_len). */
int tcdev_msg_sign(uint8_t *out, size_t cap, size_t *out_len, uint8_t *scratch,
                   size_t scratch_cap, uint64_t *counter, const uint8_t id[TCDEV_ID_LEN],
                   const uint8_t sec[64], const uint8_t *body, size_t body_len);

/* Verifies a peer's message: signature by peer's proven Ed25519 key
 * (TC_ERR_BAD_SIGNATURE), payload sender = peer's id (TC_ERR_DEV_MSG_SENDER),
 * counter > *last_seen (TC_ERR_DEV_MSG_REPLAY; *last_seen is the caller's
 * per-peer state and advances on success). peer must be active. *body,
 * *counter (may be NULL) out; body borrows msg. scratch: msg_len + 64. */
int tcdev_msg_verify(const uint8_t **body, size_t *body_len, uint64_t *counter,
                     uint64_t *last_seen, uint8_t *scratch, size_t scratch_cap,
                     const tcdev_device_record *peer, const uint8_t *msg, size_t msg_len);

/* ---- 6. anchoring proof -------------------------------------------------
 * An anchor batch is an RFC 9162 Merkle tree whose leaves are the 32-byte
 * message digests (leaf hash SHA-256(0x00 || digest)); a message's digest is
 * SHA-256 of its COSE_Sign1 bytes. The A record ('A' || root) holds
 * {1 count, 2 first ms, 3 last ms, 4 submitter, 5 height, 6 block time}. */
#define TCDEV_ANCHOR_PATH_MAX 32   /* count < 2^32: at most 32 hashes */
typedef struct tcdev_anchor {
    uint8_t root[32];
    uint64_t index, count, first_ms, last_ms, height, block_time_ms;
    const uint8_t *submitter; size_t submitter_len;  /* signer bytes; borrows a_bundle */
} tcdev_anchor;

/* path: the inclusion proof CBOR [index, size, [hash...]] (as
 * tc_hist_inclusion_encode writes it). Checks that digest is leaf `index`
 * of a tree of `count` leaves whose root is the proven A record's
 * (TC_ERR_DEV_ANCHOR_PATH), then the A bundle (absent: TC_ERR_DEV_ABSENT),
 * then that the tree size is the recorded count (TC_ERR_DEV_ANCHOR_PATH).
 * A wrong path leaves st unchanged (checked before the bundle). */
int tcdev_anchor_verify(tcdev_light *st, tcdev_light_work *w, tcdev_anchor *out,
                        const uint8_t digest[32], const uint8_t *path, size_t path_len,
                        const uint8_t *a_bundle, size_t a_len, uint64_t now_ms);

#endif
