/* tcdev firmware updater (issue 8 item 3; DESIGN.md, "Firmware and config:
 * attacks that must fail"). Specification: docs/firmware.md.
 *
 * A state machine the caller feeds; it never does I/O, never allocates and
 * has no clock (every call that can time out takes now_ms):
 *
 *   IDLE --start--> DOWNLOADING --feed chunk 0..n-1--> --finish--> PENDING
 *   PENDING --(caller reboots into the inactive slot)--> confirm   -> IDLE (new version)
 *                                                   \-> boot_failed -> IDLE (old version)
 *   DOWNLOADING --abort / deadline / fatal error--> IDLE
 *
 * Trust: the only manifest is the release record `F` on the ledger, shown to
 * the device with the rollout record `R` and the device's own record `D` as
 * proof bundles that tcdev_fw_start verifies itself with the light client
 * (tcdev_light_verify_bundle). Image bytes and chunk paths come from any
 * node or mirror and are untrusted: each chunk is checked against the
 * release's chunk-tree root when it arrives (a bad chunk is refused at once
 * with TC_ERR_FW_CHUNK and nothing of it is kept), the whole image against
 * the release's digest and size at finish.
 *
 * Persistence: tcdev_fw is a plain struct without pointers; the caller
 * stores it as bytes (same build to read it back) after every call that
 * returned 0 — that is what makes a download resumable after a reset (the
 * next chunk, the running SHA-256 context, the release being installed) and
 * what keeps the anti-rollback floor. sizeof(tcdev_fw) is about 400 bytes.
 * Thread safety: none; one tcdev_fw belongs to one thread at a time. */
#ifndef TCDEV_FIRMWARE_H
#define TCDEV_FIRMWARE_H

#include <stddef.h>
#include <stdint.h>

#include "tc/chunktree.h"
#include "tc/crypto.h"
#include "tc/errors.h"
#include "tc/tx.h"
#include "tcdev/light.h"

enum tcdev_fw_state {
    TCDEV_FW_IDLE = 0,        /* running `installed` from `active_slot` */
    TCDEV_FW_DOWNLOADING = 1, /* writing the release into the inactive slot */
    TCDEV_FW_PENDING = 2      /* image complete and verified: boot it, then confirm */
};

/* fw.report states (docs/ledger.md, type 64). */
enum { TCDEV_FW_REPORT_DOWNLOADING = 1, TCDEV_FW_REPORT_INSTALLED = 2, TCDEV_FW_REPORT_FAILED = 3 };

#define TCDEV_FW_MODEL_MAX 64 /* TC_TX_NAME_MAX: models on the ledger */
#define TCDEV_FW_MAGIC 0x74636677u /* "tcfw" */

/* The persisted updater state. Fields are read-only for the caller, except
 * through the functions below. */
typedef struct tcdev_fw {
    uint32_t magic;
    uint8_t state;                     /* enum tcdev_fw_state */
    uint8_t active_slot;               /* 0 or 1: the slot that boots */
    /* the device */
    uint8_t dev_id[TC_DEVICE_ID_LEN];
    uint8_t model[TCDEV_FW_MODEL_MAX];
    uint8_t model_len;
    uint64_t installed;                /* running version */
    uint64_t floor;                    /* anti-rollback floor: never install <= floor */
    uint32_t max_chunk;                /* largest chunk the caller's buffer takes */
    uint64_t max_size;                 /* slot capacity in bytes */
    /* the release in progress (valid when state != IDLE) */
    uint64_t vendor, version, size, count;
    uint32_t chunk_size;
    uint8_t digest[TC_SHA256_LEN];     /* whole-image SHA-256 from the release record */
    uint8_t root[TC_SHA256_LEN];       /* chunk-tree root from the release record */
    uint64_t operator_org, rollout_id; /* the approving rollout (for reports) */
    /* progress */
    uint64_t next;                     /* next chunk index expected (== count when complete) */
    uint64_t received;                 /* bytes accepted (never more than size) */
    tc_sha256_ctx hash;                /* running SHA-256 over chunks 0..next-1 */
    uint64_t chunk_deadline;           /* absolute ms: the next chunk must arrive by then */
    uint64_t deadline;                 /* absolute ms: the whole download must finish by then */
    uint64_t chunk_timeout_ms;         /* per-chunk allowance (from start) */
} tcdev_fw;

/* Writes len bytes at byte offset `offset` of slot `slot` (0/1; always the
 * inactive one). data is borrowed for the call. Returns 0 or non-zero on a
 * flash error (reported as TC_ERR_FW_WRITE). */
typedef int (*tcdev_fw_write_fn)(void *ctx, unsigned slot, uint64_t offset, const uint8_t *data,
                                 size_t len);

/* Initialises fw for a device that runs `installed` from active_slot with
 * anti-rollback floor `floor` (both from the caller's persistent storage;
 * a factory device passes its factory version for both). model (1..64
 * bytes, borrowed) is the device's model as recorded at manufacture;
 * max_chunk the caller's chunk buffer (>= 64); max_size the slot capacity.
 * TC_ERR_INVALID_ARG for a bad model, chunk buffer or slot. */
int tcdev_fw_init(tcdev_fw *fw, const uint8_t dev_id[TC_DEVICE_ID_LEN], const char *model,
                  size_t model_len, uint64_t installed, uint64_t floor, unsigned active_slot,
                  uint32_t max_chunk, uint64_t max_size);

struct tcdev_fw_work;
typedef struct tcdev_fw_work tcdev_fw_work;

/* What tcdev_fw_start needs: the three proof bundles (bytes from any node;
 * borrowed for the call) and the time limits. */
typedef struct tcdev_fw_offer {
    const uint8_t *release; size_t release_len;  /* state bundle of F + vendor + H(model) + version */
    const uint8_t *rollout; size_t rollout_len;  /* state bundle of R + operator + rollout id
                                                    (an absence proof: no rollout) */
    const uint8_t *device;  size_t device_len;   /* state bundle of D + own device id */
    uint64_t max_view_age_ms;   /* each bundle's header time must be >= now - this */
    uint64_t chunk_timeout_ms;  /* each chunk must arrive within this of the previous one */
    uint64_t total_timeout_ms;  /* the whole download must finish within this of start */
} tcdev_fw_offer;

/* Verifies the offer and, when everything holds, enters DOWNLOADING.
 * light/work: the device's light client (advances as bundles verify;
 * tcdev_light_verify_bundle). fwork: scratch owned by the caller (kept off
 * the stack so the SDK stays within 4 KiB; contents do not matter between
 * calls). now_ms: the device's trusted time.
 * Checks, in order, with the first failure returned (err, may be NULL,
 * gets a sentence):
 *   TC_ERR_FW_STATE       fw is not IDLE;
 *   light client errors   a bundle is malformed, stale, forked or unsigned;
 *   TC_ERR_FW_STALE_VIEW  a bundle's header is older than max_view_age_ms;
 *   TC_ERR_FW_RECORD      a record is absent, malformed, or its key is not
 *                         the record asked for (not this device, not the
 *                         release the rollout names);
 *   TC_ERR_FW_MODEL       release (or device record) for another model;
 *   TC_ERR_FW_REVOKED     the vendor revoked the release;
 *   TC_ERR_FW_EXPIRED     release expiry <= now or <= the header time;
 *   TC_ERR_FW_ROLLBACK    version <= installed or <= floor;
 *   TC_ERR_FW_INCOMPATIBLE installed < minimum prior version;
 *   TC_ERR_FW_NOT_APPROVED no rollout, the device is not active or not
 *                         owned by the rollout's operator, or none of its
 *                         groups is in a started wave;
 *   TC_ERR_FW_ROLLOUT_VERSION the rollout names another vendor/model/version;
 *   TC_ERR_FW_ROLLOUT_HALTED  the rollout is paused or aborted;
 *   TC_ERR_FW_TOO_LARGE   size > max_size, chunk size > max_chunk, or too
 *                         many chunks.
 * The bundles are verified in the order release, device, rollout; their
 * heights must not decrease (the light client refuses a lower one as
 * stale), so a node serves all three at one height or in that order.
 * Timeouts of UINT64_MAX mean no deadline.
 * On error fw is unchanged (light may have advanced: that is only more
 * knowledge of the chain). */
int tcdev_fw_start(tcdev_fw *fw, tc_err *err, tcdev_light *light, tcdev_light_work *work,
                   tcdev_fw_work *fwork, const tcdev_fw_offer *offer, uint64_t now_ms);

/* Bytes chunk `index` must have (0 if index >= the chunk count): fetch
 * exactly `Range: bytes=index*chunk_size-(that-1)` and no more. */
uint32_t tcdev_fw_chunk_len(const tcdev_fw *fw, uint64_t index);

/* Feeds chunk `index` (chunk: chunk_len bytes; path: its encoded inclusion
 * path; both borrowed for the call). cache (may be NULL; caller-owned,
 * ~1 KiB, not persisted: zero it before the first feed and after a reset)
 * lets in-order chunks be checked against the previous chunk's
 * authenticated path instead of up to the root (include/tc/chunktree.h):
 * about 2 node hashes per chunk instead of log2(count).
 * Deadlines are checked first. Then:
 *   TC_ERR_FW_CHUNK_ORDER  index is not fw->next (nothing changes);
 *   TC_ERR_FW_CHUNK_LEN    chunk_len is not tcdev_fw_chunk_len (nothing
 *                          changes: refetch it);
 *   TC_ERR_FW_CHUNK        chunk or path does not verify against the
 *                          release root (dropped; fetch it elsewhere);
 *   TC_ERR_FW_WRITE        write() failed (nothing counted; retry);
 * These four keep the download going. Fatal (back to IDLE, report failed):
 *   TC_ERR_FW_CHUNK_TIMEOUT now_ms is past the chunk deadline;
 *   TC_ERR_FW_DEADLINE     now_ms is past the download deadline;
 *   TC_ERR_FW_STATE        not DOWNLOADING.
 * A verified chunk is written to the inactive slot, hashed into the running
 * digest, and the chunk deadline restarts. */
int tcdev_fw_feed(tcdev_fw *fw, tc_chunk_cache *cache, tc_err *err, tcdev_fw_write_fn write, void *wctx,
                  uint64_t index, const uint8_t *chunk, size_t chunk_len, const uint8_t *path, size_t path_len,
                  uint64_t now_ms);

/* Called while waiting for bytes (slow retrieval): 0, or the fatal
 * TC_ERR_FW_CHUNK_TIMEOUT / TC_ERR_FW_DEADLINE (fw back to IDLE). Also
 * after a reset, before resuming: tcdev_fw_resume first. */
int tcdev_fw_tick(tcdev_fw *fw, tc_err *err, uint64_t now_ms);

/* After a reset during DOWNLOADING: restarts the chunk deadline from now_ms
 * (the overall deadline stays). Downloading resumes at fw->next. */
void tcdev_fw_resume(tcdev_fw *fw, uint64_t now_ms);

/* Gives up the download (back to IDLE; the inactive slot is garbage). */
void tcdev_fw_abort(tcdev_fw *fw);

/* All chunks in: the image's SHA-256 and size must equal the release's
 * (TC_ERR_FW_DIGEST, fatal: back to IDLE). TC_ERR_FW_STATE unless every
 * chunk arrived. On success state PENDING: the caller makes the bootloader
 * try the inactive slot (1 - active_slot) once and reboots. */
int tcdev_fw_finish(tcdev_fw *fw, tc_err *err);

/* After the reboot, the new image says it runs (its self-test passed):
 * installed = version, active slot switches, and ONLY NOW the anti-rollback
 * floor rises to version. The caller persists fw (and the floor in its
 * rollback-protected storage). TC_ERR_FW_STATE unless PENDING. */
int tcdev_fw_confirm(tcdev_fw *fw);

/* The new image did not boot (the bootloader fell back): stays on the old
 * slot and version, floor unchanged, back to IDLE. Returns
 * TC_ERR_FW_BOOT_FAILED (so the caller reports state 3), or TC_ERR_FW_STATE
 * unless PENDING. */
int tcdev_fw_boot_failed(tcdev_fw *fw);

/* Builds the signed fw.report transaction (type 64, body {1 operator,
 * 2 rollout id, 3 version, 4 state}) for the release in progress or just
 * finished, as a COSE_Sign1 transaction envelope (docs/ledger.md) signed
 * with the device's identity key sec (borrowed, TC_ED25519_SEC_LEN).
 * *nonce: the device's last transaction nonce (all its transactions share
 * one sequence); the report uses *nonce + 1 and *nonce is advanced on
 * success (persist it). out: cap bytes, TCDEV_FW_REPORT_MAX suffices;
 * scratch: scratch_cap bytes, TCDEV_FW_REPORT_SCRATCH suffices.
 * TC_ERR_FW_STATE when no release is known (never started), or a COSE/CBOR
 * code. */
#define TCDEV_FW_REPORT_MAX 320
#define TCDEV_FW_REPORT_SCRATCH 384
int tcdev_fw_report(const tcdev_fw *fw, uint8_t *out, size_t cap, size_t *out_len, uint8_t *scratch,
                    size_t scratch_cap, uint64_t *nonce, const char *chain_id, size_t chain_id_len,
                    const uint8_t sec[TC_ED25519_SEC_LEN], unsigned state);

/* ---- record decoders (device/firmware_records.c; fuzzed) ----
 * Decode the ledger's records (docs/ledger.md, State keys and records) from
 * their state key and value bytes (both borrowed; text/byte fields point
 * into them). Only what the updater needs; other fields are skipped.
 * TC_ERR_FW_RECORD for a wrong key or shape. */
typedef struct tcdev_fw_release {
    uint64_t vendor;                  /* from the key */
    const uint8_t *model; size_t model_len;
    uint64_t version, size, chunk_size, min_prior, expiry;
    const uint8_t *digest, *root;     /* 32 bytes each */
    int revoked;
} tcdev_fw_release;

typedef struct tcdev_fw_rollout {
    uint64_t operator_org, id, vendor, version, wave, status;
    const uint8_t *model; size_t model_len;
    const uint8_t *waves; size_t waves_len;   /* CBOR [[group, ...], ...] */
} tcdev_fw_rollout;

typedef struct tcdev_fw_device {
    const uint8_t *model; size_t model_len;
    uint64_t owner, status;
    const uint8_t *groups; size_t groups_len; /* CBOR [group, ...] */
} tcdev_fw_device;

int tcdev_fw_decode_release(tcdev_fw_release *r, const uint8_t *key, size_t key_len,
                            const uint8_t *rec, size_t rec_len);
int tcdev_fw_decode_rollout(tcdev_fw_rollout *r, const uint8_t *key, size_t key_len,
                            const uint8_t *rec, size_t rec_len);
int tcdev_fw_decode_device(tcdev_fw_device *d, const uint8_t *key, size_t key_len,
                           const uint8_t *rec, size_t rec_len);
/* Scratch for tcdev_fw_start (about 200 bytes). */
struct tcdev_fw_work {
    tcdev_bundle b;
    tcdev_fw_release r;
    tcdev_fw_rollout ro;
    tcdev_fw_device dv;
};

/* 1 when one of the device's groups is in waves[0..wave]. */
int tcdev_fw_in_waves(const tcdev_fw_rollout *r, const tcdev_fw_device *d);

#endif
