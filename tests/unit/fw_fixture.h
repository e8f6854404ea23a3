/* Test fixture for the firmware tests (test_fw_attacks.c, test_firmware.c):
 * a real chain on a SQLite store (store_fixture.h) whose headers carry the
 * validator-set hashes and are certified with real precommits by the
 * chain's validator; proof bundles built from the store as a node serves
 * them; a device (light client anchored at genesis + updater) and an
 * untrusted "mirror" serving chunks and paths. Linked into every test
 * program: every symbol is prefixed fwx_.
 *
 * fwx_setup(): release keys (2 of 3) for LX_MAKER, device fwx_dev of MODEL
 * owned by LX_FLEET in group "north", release 2 (image fwx_img2, minimum
 * prior 1, expiry 100 h ahead), rollout 1 of it by LX_FLEET to "north";
 * the device runs version 1 (floor 1) from slot 0. */
#ifndef TC_FW_FIXTURE_H
#define TC_FW_FIXTURE_H

#include <stddef.h>
#include <stdint.h>

#include "store_fixture.h"
#include "tc/bundle.h"
#include "tc/chunktree.h"
#include "tc/consensus.h"
#include "tcdev/firmware.h"

#define MODEL "sensor-1"
#define CHUNK 1024u
#define IMG_LEN 5000u   /* 5 chunks, the last 904 bytes */
#define HOUR 3600000ull

extern lx_chain fwx_chain;
extern char fwx_dir[256];
extern lx_dev fwx_dev;
extern uint8_t fwx_val_pub[32], fwx_val_sec[64];
extern uint8_t fwx_rel_pub[3][32], fwx_rel_sec[3][64];
extern uint8_t fwx_img2[IMG_LEN], fwx_img3[IMG_LEN];
extern tcdev_light fwx_light;
extern tcdev_light_work fwx_lwork;
extern tcdev_fw fwx_fw;
extern tcdev_fw_work fwx_work;
extern tc_chunk_cache fwx_cache; /* the device's in-order chunk cache (reset by fwx_setup) */
extern tc_err fwx_err;
extern uint8_t fwx_slot[2][IMG_LEN];
extern uint8_t fwx_bun_rel[8192], fwx_bun_roll[8192], fwx_bun_dev[8192];
extern size_t fwx_len_rel, fwx_len_roll, fwx_len_dev;
extern uint8_t fwx_path[TC_CHUNK_PATH_CBOR_MAX];
extern size_t fwx_path_len;

size_t fwx_rel_key(uint8_t k[33], uint64_t vendor, const char *model, uint64_t version);
size_t fwx_roll_key(uint8_t k[17], uint64_t org, uint64_t id);
size_t fwx_dev_key(uint8_t k[17], const uint8_t id[16]);
void fwx_unuse_nonce(const uint8_t *signer, size_t len);
int fwx_commit(void);
int fwx_commit_last(void);
int fwx_last_leaf_has_code(const uint8_t *tx, size_t len, int code);
int fwx_queue_raw(const uint8_t *tx, size_t len);
int fwx_release_keys_tx(const uint8_t (*secs)[64], size_t n, uint64_t version, uint64_t min_prior,
                        uint64_t expiry, const char *model, const uint8_t *image, const uint8_t *digest_of);
int fwx_publish(uint64_t version, uint64_t min_prior, uint64_t expiry, const char *model,
                const uint8_t *image, const uint8_t *digest_of);
int fwx_rollout(uint64_t org, uint64_t id, uint64_t version, const char *wave0, const char *wave1);
int fwx_control(uint64_t id, unsigned action);
int fwx_certify(uint8_t *cert, size_t cap, size_t *len, uint64_t height, const uint8_t id[32],
                const uint8_t sec[64]);
int fwx_bundle_at(uint8_t *out, size_t cap, size_t *len, const uint8_t *key, size_t klen, uint64_t height);
int fwx_offer_bundles(uint64_t version, const char *model, uint64_t org, uint64_t id);
tcdev_fw_offer fwx_offer(void);
uint64_t fwx_now(void);
int fwx_start(uint64_t version, uint64_t org, uint64_t id);
void fwx_mirror_path(const uint8_t *image, uint64_t i);
int fwx_slot_write(void *ctx, unsigned s, uint64_t off, const uint8_t *data, size_t len);
int fwx_feed(const uint8_t *image, uint64_t i, size_t len, uint64_t t);
int fwx_feed_all(const uint8_t *image, uint64_t t);
int fwx_set_groups(const char *group);
int fwx_setup(void);
void fwx_teardown(void);

/* Each test runs on a fresh chain and device; the store is closed and
 * removed even when a CHECK fails in the body. */
#define FWX_TEST(name) \
    static void name##_body(void); \
    static void name(void) \
    { \
        int s_ = fwx_setup(); \
        if (s_) { fprintf(stderr, "  %s: setup failed: %d\n", #name, s_); test_cur_failed_ = 1; } \
        else name##_body(); \
        fwx_teardown(); \
    } \
    static void name##_body(void)
#define ATTACK(name) FWX_TEST(name)

#endif
