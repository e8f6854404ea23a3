/* `thingchain fleet`: many device-SDK devices driven through their life
 * against real nodes (issue 7 item 6; docs/fleet.md).
 *
 * The fleet process plays three roles at once, each with only its own keys:
 *   - the vendor (org 2 admin keys, 2-of-2) and the operator (org 1 admin
 *     key, its config key) sign transactions, as `thingchain tx build`
 *     would (the shared builders of include/tc/tx.h);
 *   - every simulated device holds its own Ed25519/X25519 keys and its own
 *     light-client state (tcdev_light) and believes only what the device
 *     SDK verified (include/tcdev/device.h): bundles, never JSON;
 *   - a gateway batches message digests into anchor transactions.
 * Devices run on a few worker threads (fleet_par); one device's state is
 * touched by one thread at a time (the SDK is single-threaded per device). */
#ifndef TC_CLI_FLEET_H
#define TC_CLI_FLEET_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "tc/errors.h"
#include "tc/tx.h"
#include "tcdev/device.h"
#include "tcdev/firmware.h"

#define FLEET_NODES_MAX  16
#define FLEET_WAVES      3
#define FLEET_MODEL      "fleet-sensor-1"
#define FLEET_SVC_TYPE   "thingchain.telemetry"
#define FLEET_OPERATOR   1u   /* net init: org 1 example-operator */
#define FLEET_VENDOR     2u   /* net init: org 2 example-vendor (2-of-2) */

/* Steps, in the order they run (docs/fleet.md). */
enum {
    ST_MANUFACTURE, ST_CLAIM, ST_BOOT, ST_DISCOVER, ST_CHANNEL, ST_MESSAGES, ST_ANCHOR,
    ST_CONFIG, ST_FIRMWARE, ST_ATTACKS, ST_COUNT
};

/* One simulated device. */
typedef struct fdev {
    uint8_t id[TCDEV_ID_LEN];
    uint8_t ed_pub[32], ed_sec[64], x_pub[32], x_sec[32];
    char secret[33];          /* claim secret: 32 hex digits printed on the box */
    char serial[32];
    int wave;                 /* 1..FLEET_WAVES */
    int node;                 /* index of the node this device talks to */
    uint64_t nonce;           /* last transaction nonce the device used */
    uint64_t counter;         /* last message counter it signed */
    uint64_t cfg_version;     /* config version it applied */
    uint8_t cfg_key[25];      /* 'G' || org || doc id of the document it applied */
    uint64_t boot_height;     /* height of the header its enrollment was proven at */
    int provider;             /* publishes a service (discovery) */
    long peer;                /* device index of the provider it discovered, or -1 */
    uint64_t peer_seen;       /* last message counter accepted from peer (responder side) */
    uint8_t sent_digest[32];  /* its first message's digest (anchoring) */
    long sent_leaf;           /* leaf index in the gateway batch, or -1 */
    int ok_steps;             /* bit per step that succeeded */
    int tx_pending;           /* a submitted transaction waits for its commit */
    uint8_t tx_id[32];        /* its id (SHA-256 of the bytes) */
    double t_op;              /* when the device's operation of this step began */
    tcdev_device_record rec;  /* its own proven record */
    tcdev_device_record peer_rec;
    tcdev_light st;           /* its light-client view (about 6.6 KiB) */
    tcdev_fw fw;              /* its firmware updater state (persisted on a real device) */
} fdev;

/* Per-step counters and latencies. */
typedef struct fstep {
    const char *name;
    int ran;
    long ok, fail, expected;  /* expected: attacks refused as they must be */
    double *lat;              /* ms per successful operation (n_lat of them) */
    size_t n_lat, cap_lat;
    double secs;              /* wall time of the step */
    char first_err[200];      /* the first failure, for the table */
    long total;               /* operations planned (progress) */
    long done;
    long sent;                /* transactions submitted, awaiting commit (progress) */
} fstep;

typedef struct fleet {
    const char *nodes[FLEET_NODES_MAX];
    size_t n_nodes;
    const char *net_dir;
    uint64_t seed;
    size_t n;                 /* devices */
    fdev *dev;
    char chain_id[65];
    tcdev_light anchor;       /* the trust anchor every device is provisioned with */
    int threads;
    int timeout_ms;           /* per HTTP operation */
    int commit_timeout_s;     /* wait for a commit */
    int tty;
    int json;
    int quiet;
    int story;                /* --story: plain words before each step */
    int step_on[ST_COUNT];
    fstep steps[ST_COUNT];
    int cur;                  /* running step (progress line) */
    char note[32];            /* what the step is doing now, e.g. "wave 2/3" (progress line) */
    pthread_mutex_t mu;
    /* signer secrets (64-byte libsodium form) */
    uint8_t vendor_sec[2][64];
    uint8_t op_sec[64];
    uint8_t cfg_pub[32], cfg_sec[64];
    uint8_t rel_pub[2][32], rel_sec[2][64]; /* the vendor's release key set (2-of-2) */
    uint64_t op_nonce, vendor_nonce, cfg_nonce;
    /* gateway batch (messages step -> anchor step) */
    uint8_t (*digests)[32];
    size_t n_digests;
    uint64_t first_ms, last_ms;
    uint8_t anchor_root[32];  /* of the first anchor */
    size_t n_anchors;         /* anchor transactions (TC_ANCHOR_DIGESTS_MAX messages each) */
    double anchor_commit_ms;  /* the anchor transaction, submit to commit */
    uint64_t fw_version, fw_rollout; /* the firmware step's release and rollout (report) */
    char fw_digest[65];
    double t0;
} fleet;

/* ---- fleet_keys.c: reproducible keys from --seed ---- */
void fleet_keys_device(fdev *d, uint64_t seed, size_t i);
/* The operator's config key (role 3), also derived from the seed. */
void fleet_keys_config(uint8_t pub[32], uint8_t sec[64], uint64_t seed);
/* The vendor's release keys r (0, 1), derived the same way. */
void fleet_keys_release(uint8_t pub[32], uint8_t sec[64], uint64_t seed, unsigned r);
int fleet_keys_orgs(fleet *f, tc_err *err);

/* ---- fleet_net.c: HTTP with retries (429/503 back off, I/O retried) ---- */
double fleet_now(void);       /* seconds, monotonic */
uint64_t fleet_wall_ms(void); /* ms since the epoch (device clocks) */
/* GET node `node` + path. accept NULL: JSON. *body tc_malloc'd. */
int fleet_get(fleet *f, tc_err *err, int *status, uint8_t **body, size_t *len, int node, const char *path,
              const char *accept);
/* A proof bundle: 200 or 404 with application/cbor, else an error. */
int fleet_bundle(fleet *f, tc_err *err, uint8_t **body, size_t *len, int node, const char *path);
/* POSTs a signed transaction; id = SHA-256 of the bytes. 0 when admitted
 * (pending or duplicate); a ledger refusal is TC_ERR_FLEET_REJECTED. */
int fleet_submit(fleet *f, tc_err *err, uint8_t id[32], int node, const uint8_t *tx, size_t len);
/* Waits until tx id is committed (GET /tx/ID with backoff); *code is the
 * ledger result (0 accepted), *height its block. TC_ERR_FLEET_TIMEOUT. */
int fleet_wait(fleet *f, tc_err *err, uint64_t *code, uint64_t *height, int node, const uint8_t id[32]);
/* A state record holding one unsigned integer ('N', 'f'); 0 when absent. */
int fleet_state_uint(fleet *f, tc_err *err, uint64_t *v, int node, const uint8_t *key, size_t len);
/* The signer's last committed nonce from the node ('N' key). */
int fleet_nonce(fleet *f, tc_err *err, uint64_t *nonce, int node, const uint8_t *signer, size_t len);

/* GET path with "Range: bytes=first-last" into buf (206 expected). */
int fleet_range(fleet *f, tc_err *err, uint8_t *buf, size_t cap, size_t *len, int node, const char *path,
                uint64_t first, uint64_t last);
/* POST body (content type ctype); non-2xx is TC_ERR_API_ANSWER with the node's message. */
int fleet_post(fleet *f, tc_err *err, int *status, int node, const char *path, const char *ctype,
               const uint8_t *body, size_t len);

/* ---- fleet_tx.c: bodies + signatures through include/tc/tx.h ---- */
/* Signs payload(type, signer, nonce, body) with 1 key (device: COSE_Sign1)
 * or a key set (COSE_Sign). out: TC_TX_MAX + 4096 bytes. */
int fleet_tx_sign(fleet *f, uint8_t *out, size_t cap, size_t *len, uint32_t type, const uint8_t *signer,
                  size_t signer_len, uint64_t nonce, const uint8_t *body, size_t body_len,
                  const uint8_t (*secs)[64], size_t nsec, int device);
int fleet_body_manufacture(fleet *f, uint8_t *out, size_t cap, size_t *len, size_t first, size_t count);
int fleet_body_claim(fleet *f, uint8_t *out, size_t cap, size_t *len, const fdev *d);
int fleet_body_groups(uint8_t *out, size_t cap, size_t *len, const fdev *d);
int fleet_body_service(uint8_t *out, size_t cap, size_t *len, const fdev *d, const char *type,
                       uint64_t expiry_ms);
int fleet_body_anchor(uint8_t *out, size_t cap, size_t *len, const uint8_t root[32], uint64_t count,
                      uint64_t first_ms, uint64_t last_ms, const uint8_t (*digests)[32]);
int fleet_body_setkeys(uint8_t *out, size_t cap, size_t *len, unsigned role, unsigned k, const uint8_t (*pubs)[32],
                       size_t n);
int fleet_body_release(uint8_t *out, size_t cap, size_t *len, uint64_t version, const uint8_t digest[32],
                       uint64_t size, uint32_t chunk_size, const uint8_t root[32], uint64_t min_prior,
                       uint64_t expiry_ms);
int fleet_body_rollout(uint8_t *out, size_t cap, size_t *len, uint64_t id, uint64_t version);
int fleet_body_control(uint8_t *out, size_t cap, size_t *len, uint64_t id, unsigned action);
int fleet_body_config(uint8_t *out, size_t cap, size_t *len, const char *group, const char *name,
                      uint64_t version, const uint8_t *doc, size_t doc_len, uint64_t expiry_ms);

/* ---- fleet_run.c: parallel work, submit-and-commit ---- */
/* Calls fn(f, i, w) for i in [0, n) on f->threads workers; w is the
 * worker's light-client scratch. */
typedef void (*fleet_fn)(fleet *f, size_t i, tcdev_light_work *w);
void fleet_par(fleet *f, size_t n, fleet_fn fn);
/* Record the outcome of one operation of the running step. rc 0: ok (lat
 * in ms); expected: an attack refused as it must be. */
void fleet_ok(fleet *f, int step, double lat_ms);
void fleet_expected(fleet *f, int step);
void fleet_fail(fleet *f, int step, int rc, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Second pass of a step whose devices each submitted one transaction
 * (d->tx_id, d->tx_pending, d->t_op): waits for device i's commit and
 * records the step ok (latency from d->t_op) or failed ("what: why"). */
void fleet_dev_wait(fleet *f, size_t i, int step, const char *what);
/* Submits txs (in order, to one node) and waits for all commits; per tx
 * the latency (submit to commit seen) goes to lat[i] (may be NULL), and
 * its result code to codes[i]. Returns the number committed accepted. */
size_t fleet_commit_all(fleet *f, tc_err *err, int node, uint8_t **txs, size_t *lens, size_t n,
                        uint64_t *codes, double *lat);

/* ---- fleet_report.c: progress line, final table, JSON ---- */
void fleet_progress_start(fleet *f);
void fleet_progress_stop(fleet *f);
void fleet_step_begin(fleet *f, int step, long total);
void fleet_step_end(fleet *f);
/* Prints the table or JSON; returns CLI_OK when every step ran clean. */
int fleet_report(fleet *f);

/* ---- fleet_story.c: --story ---- */
void fleet_story(fleet *f, int step);
void fleet_story_refusal(fleet *f, const char *what, int rc);

/* ---- steps (fleet_step_*.c) ---- */
int fleet_step_manufacture(fleet *f);
int fleet_step_claim(fleet *f);
int fleet_step_boot(fleet *f);
int fleet_step_discover(fleet *f);
int fleet_step_channel(fleet *f);   /* channel + messages */
int fleet_step_anchor(fleet *f);
int fleet_step_config(fleet *f);
int fleet_step_firmware(fleet *f);
int fleet_step_attacks(fleet *f);

#endif
