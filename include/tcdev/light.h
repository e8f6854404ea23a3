/* tcdev light client (issue 7 item 2; DESIGN.md, Trust model and Device SDK).
 * Specification: docs/light-client.md.
 *
 * The device does not trust the node or gateway it talks to. It holds a trust
 * anchor (the genesis hash, the chain id and the genesis validator set) and
 * accepts a header only when validators with > 2/3 of the voting power of
 * the set in force at that height signed its block id (a commit certificate,
 * docs/consensus.md). Every proof it accepts is checked against the state
 * root or history root of such a header.
 *
 * Validator-set changes: a header names the set in force (valset_hash) and
 * the set of the next height (next_valset_hash). The device accepts a header
 * signed by its current set, or by the set its last verified header announced
 * as next — whose bytes the node supplies and whose hash must match. A header
 * signed by any other set is refused (TC_ERR_LIGHT_VALSET): the node must
 * first show the header where the set changed.
 *
 * Monotonic view: the device keeps the highest verified height, its block id
 * and time. A lower height is stale (TC_ERR_LIGHT_STALE), another header at
 * the same height is a fork (TC_ERR_LIGHT_FORK); the same header again is
 * accepted (several proofs against one header). Time must strictly increase
 * with height (TC_ERR_LIGHT_TIME_BACKWARDS) and may not run ahead of the
 * device-supplied clock by more than max_drift_ms (TC_ERR_LIGHT_TIME_FUTURE).
 *
 * No allocation, no I/O, no clock: the caller supplies every buffer and the
 * time. Nothing here keeps a pointer past the call that received it.
 * Thread safety: none; a tcdev_light belongs to one thread at a time. */
#ifndef TCDEV_LIGHT_H
#define TCDEV_LIGHT_H

#include <stddef.h>
#include <stdint.h>

#include "tc/block.h"
#include "tc/consensus.h"
#include "tc/valset.h"

/* The state a device persists between boots: a plain struct with no
 * pointers (store it as bytes; same compiler and target to read it back).
 * sizeof(tcdev_light) is about 6.6 KiB, almost all of it the validator set
 * (TC_VALSET_MAX = 128 entries of 48 bytes); docs/light-client.md lists it. */
typedef struct tcdev_light {
    uint32_t magic;                 /* TCDEV_LIGHT_MAGIC once anchored */
    uint8_t genesis_hash[TC_HASH_LEN];
    char chain_id[TC_CHAIN_ID_MAX + 1];  /* NUL-terminated */
    uint64_t max_drift_ms;          /* allowed header time ahead of `now` */
    /* The highest verified header (height 0: only the anchor; then `hdr`
     * is empty, id is the genesis hash and both set hashes name the
     * genesis set). */
    uint64_t height;
    uint8_t id[TC_HASH_LEN];
    tc_header hdr;
    uint8_t valset_hash[TC_HASH_LEN];      /* hash of `valset` */
    uint8_t next_valset_hash[TC_HASH_LEN]; /* announced by hdr */
    tc_valset valset;               /* the set in force at `height` */
} tcdev_light;

#define TCDEV_LIGHT_MAGIC 0x7463646cu /* "tcdl" */
#define TCDEV_DEFAULT_DRIFT_MS 30000u

/* Scratch space for a validator-set change (about 6 KiB): kept out of the
 * call stack so that the SDK stays within 4 KiB of stack. The caller owns
 * it (a static buffer is fine); its contents do not matter between calls. */
typedef struct tcdev_light_work {
    tc_valset vs;
} tcdev_light_work;

/* Anchors st: genesis hash, chain id (1..TC_CHAIN_ID_MAX bytes, not
 * NUL-terminated) and the genesis validator set (copied). All borrowed for
 * the call. TC_ERR_INVALID_ARG for an empty set or a bad chain id. */
int tcdev_light_anchor(tcdev_light *st, const uint8_t genesis_hash[TC_HASH_LEN],
                       const char *chain_id, size_t chain_id_len, const tc_valset *genesis_set,
                       uint64_t max_drift_ms);

/* Decodes validator-set bytes (the ledger's `[[pub, power], ...]`,
 * docs/ledger.md; SHA-256 of them is the header's set hash) into vs.
 * TC_ERR_CONS_VALSET or a CBOR error. */
int tcdev_valset_decode(tc_valset *vs, const uint8_t *in, size_t len);

/* Verifies an encoded header and its commit certificate (both borrowed for
 * the call) and, when valid and newer, makes it the highest verified header.
 * valset/valset_len: the bytes of the header's validator set when it is not
 * st's current set (NULL, 0 otherwise). now_ms: the device's clock.
 * w: scratch (may be NULL when valset is NULL).
 * Errors: TC_ERR_BLOCK_FORMAT / TC_ERR_CBOR_* (header), TC_ERR_LIGHT_* (see
 * above), TC_ERR_CONS_CERT_FORMAT, TC_ERR_CONS_HEIGHT, TC_ERR_BAD_SIGNATURE,
 * TC_ERR_CONS_CERT_POWER (<= 2/3 of the power signed). On error st is
 * unchanged. */
int tcdev_light_verify_header(tcdev_light *st, tcdev_light_work *w, const uint8_t *header,
                              size_t header_len, const uint8_t *cert, size_t cert_len,
                              const uint8_t *valset, size_t valset_len, uint64_t now_ms);

/* ---- proofs against the highest verified header (st->hdr) ----
 * TC_ERR_STATE if no header was verified yet. */

/* State proof (docs/state-tree.md): key (the state key bytes) maps to
 * record (the value bytes) when record is non-NULL, or is absent when record
 * is NULL. The tree is keyed by SHA-256(key) and holds SHA-256(record).
 * TC_ERR_SMT_PROOF_FORMAT or TC_ERR_SMT_PROOF. */
int tcdev_light_verify_state(const tcdev_light *st, const uint8_t *key, size_t key_len,
                             const uint8_t *record, size_t record_len, const uint8_t *proof,
                             size_t proof_len);

/* History inclusion (RFC 9162; docs/history.md): leaf data (TC_HIST_LEAF_LEN
 * bytes: SHA-256(tx) || result code) is in the history tree of st->hdr.
 * proof: the CBOR inclusion proof; its tree size must be the header's
 * history size. *index receives the leaf index (may be NULL).
 * TC_ERR_MERKLE_* or a CBOR error. */
int tcdev_light_verify_history(const tcdev_light *st, uint64_t *index,
                               const uint8_t leaf[TC_HIST_LEAF_LEN], const uint8_t *proof,
                               size_t proof_len);

/* History consistency: the tree the device saw earlier (old_size leaves,
 * old_root) is a prefix of st->hdr's history. proof: the CBOR consistency
 * proof from old_size to the header's history size. */
int tcdev_light_verify_consistency(const tcdev_light *st, uint64_t old_size,
                                   const uint8_t old_root[TC_HASH_LEN], const uint8_t *proof,
                                   size_t proof_len);

/* ---- proof bundles (docs/light-client.md "Proof bundle") ----
 * A deterministic CBOR map:
 *   {1 header bstr, 2 certificate bstr, ?3 validator set bstr,
 *    4 kind uint (1 state, 2 history), 5 proof bstr, 6 key bstr,
 *    ?7 record bstr}
 * kind 1: 6 = state key, 7 = record (absent: a non-membership proof).
 * kind 2: 6 = history leaf data (TC_HIST_LEAF_LEN bytes), 7 = the
 *         transaction bytes (optional; their SHA-256 must open the leaf). */
enum { TCDEV_BUNDLE_STATE = 1, TCDEV_BUNDLE_HISTORY = 2 };
#define TCDEV_BUNDLE_MAX (64u * 1024u)

/* A decoded bundle: every pointer borrows the input buffer. */
typedef struct tcdev_bundle {
    const uint8_t *header; size_t header_len;
    const uint8_t *cert; size_t cert_len;
    const uint8_t *valset; size_t valset_len;   /* NULL if absent */
    unsigned kind;
    const uint8_t *proof; size_t proof_len;
    const uint8_t *key; size_t key_len;
    const uint8_t *record; size_t record_len;   /* NULL if absent */
} tcdev_bundle;

/* Structure only (nothing verified): TC_ERR_LIGHT_BUNDLE, TC_ERR_LIMIT
 * (longer than TCDEV_BUNDLE_MAX) or a CBOR error. */
int tcdev_bundle_decode(tcdev_bundle *b, const uint8_t *in, size_t len);

/* Decodes and verifies a bundle in one call: the header and certificate
 * (tcdev_light_verify_header; st advances), then the proof against that
 * header. On success *out (may be NULL) describes the proven fact; its
 * pointers borrow `in`. All or nothing: st advances only when the header,
 * the certificate AND the proof verify. Errors as above, plus
 * TC_ERR_LIGHT_RECORD when the transaction bytes do not open the leaf. */
int tcdev_light_verify_bundle(tcdev_light *st, tcdev_light_work *w, tcdev_bundle *out,
                              const uint8_t *in, size_t len, uint64_t now_ms);

#endif
