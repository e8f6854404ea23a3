/* Firmware updater state machine (include/tcdev/firmware.h, docs/firmware.md).
 * The checks follow the attacks of DESIGN.md ("Firmware and config: attacks
 * that must fail", from TUF and Uptane): the ledger's release record is the
 * only manifest, the rollout record the owner's approval, and every byte
 * from the network is checked against them before it counts. C99, no
 * allocation, no I/O, no clock. */
#include <string.h>

#include "tc/cbor.h"
#include "tc/chunktree.h"
#include "tc/cose.h"
#include "tcdev/firmware.h"

/* Detail messages say what was refused and why; a TC_ERRORS_MINIMAL build
 * (make device-size) keeps only the codes, as core/errors.c does. */
#ifdef TC_ERRORS_MINIMAL
#define FAIL(err, code, ...) tc_err_set(err, code, NULL)
#else
#define FAIL(err, code, ...) tc_err_set(err, code, __VA_ARGS__)
#endif

int tcdev_fw_init(tcdev_fw *fw, const uint8_t dev_id[TC_DEVICE_ID_LEN], const char *model,
                  size_t model_len, uint64_t installed, uint64_t floor, unsigned active_slot,
                  uint32_t max_chunk, uint64_t max_size)
{
    if (model_len < 1 || model_len > TCDEV_FW_MODEL_MAX || active_slot > 1 || max_chunk < TC_CHUNK_MIN)
        return TC_ERR_INVALID_ARG;
    memset(fw, 0, sizeof *fw);
    fw->magic = TCDEV_FW_MAGIC;
    memcpy(fw->dev_id, dev_id, TC_DEVICE_ID_LEN);
    memcpy(fw->model, model, model_len);
    fw->model_len = (uint8_t)model_len;
    fw->installed = installed;
    fw->floor = floor;
    fw->active_slot = (uint8_t)active_slot;
    fw->max_chunk = max_chunk;
    fw->max_size = max_size;
    return 0;
}

/* Verifies one state bundle with the light client and its freshness: a
 * header older than max_view_age_ms is a frozen view (TUF "indefinite
 * freeze": a node can replay an old, validly signed state forever). */
static int proven(tcdev_bundle *b, tc_err *err, tcdev_light *light, tcdev_light_work *work,
                  const uint8_t *in, size_t len, const tcdev_fw_offer *o, uint64_t now, const char *what)
{
    int rc = tcdev_light_verify_bundle(light, work, b, in, len, now);
    (void)what; /* unused in a TC_ERRORS_MINIMAL build */
    if (rc) return FAIL(err, rc, "%s bundle", what);
    if (b->kind != TCDEV_BUNDLE_STATE)
        return FAIL(err, TC_ERR_FW_RECORD, "%s bundle is not a state proof", what);
    /* On success the bundle's header is light->hdr (a lower one is stale). */
    if (now > light->hdr.time_ms && now - light->hdr.time_ms > o->max_view_age_ms)
        return FAIL(err, TC_ERR_FW_STALE_VIEW, "%s proven at a header older than allowed", what);
    return 0;
}

/* now + ms without wrapping: a huge allowance means "no deadline". */
static uint64_t later(uint64_t now, uint64_t ms)
{
    return ms > UINT64_MAX - now ? UINT64_MAX : now + ms;
}

static int same(const uint8_t *a, size_t an, const uint8_t *b, size_t bn)
{
    return an == bn && memcmp(a, b, an) == 0;
}

/* The owner's approval (docs/ledger.md, the fw.report rule, as the device
 * sees it): rollout for exactly this release, active, device owned by the
 * rollout's operator, active, and in a started wave. */
static int approved(tc_err *err, const tcdev_fw_release *r, const tcdev_fw_rollout *ro,
                    const tcdev_fw_device *dv)
{
    if (ro->vendor != r->vendor || ro->version != r->version || !same(ro->model, ro->model_len, r->model, r->model_len))
        return FAIL(err, TC_ERR_FW_ROLLOUT_VERSION, "rollout approves version %llu, offered %llu",
                    (unsigned long long)ro->version, (unsigned long long)r->version);
    if (ro->status != 0)
        return FAIL(err, TC_ERR_FW_ROLLOUT_HALTED, ro->status == 1 ? "rollout paused" : "rollout aborted");
    if (dv->owner != ro->operator_org || dv->status != 0)
        return FAIL(err, TC_ERR_FW_NOT_APPROVED, "rollout is not by the device's owner, or the device is not active");
    if (!tcdev_fw_in_waves(ro, dv))
        return FAIL(err, TC_ERR_FW_NOT_APPROVED, "none of the device's groups is in a started wave");
    return 0;
}

static int check_release(const tcdev_fw *fw, tc_err *err, const tcdev_fw_release *r, uint64_t now,
                         uint64_t ledger_now)
{
    uint64_t count;
    if (!same(r->model, r->model_len, fw->model, fw->model_len))
        return FAIL(err, TC_ERR_FW_MODEL, "release model differs from the device's");
    if (r->revoked) return FAIL(err, TC_ERR_FW_REVOKED, "release %llu", (unsigned long long)r->version);
    if (r->expiry <= now || r->expiry <= ledger_now)
        return FAIL(err, TC_ERR_FW_EXPIRED, "release %llu expired", (unsigned long long)r->version);
    if (r->version <= fw->installed || r->version <= fw->floor)
        return FAIL(err, TC_ERR_FW_ROLLBACK, "version %llu, installed %llu, floor %llu",
                    (unsigned long long)r->version, (unsigned long long)fw->installed,
                    (unsigned long long)fw->floor);
    if (fw->installed < r->min_prior)
        return FAIL(err, TC_ERR_FW_INCOMPATIBLE, "needs version %llu or later installed",
                    (unsigned long long)r->min_prior);
    if (r->size > fw->max_size || r->chunk_size > fw->max_chunk ||
        tc_chunk_count(&count, r->size, (uint32_t)r->chunk_size))
        return FAIL(err, TC_ERR_FW_TOO_LARGE, "image %llu bytes in chunks of %llu",
                    (unsigned long long)r->size, (unsigned long long)r->chunk_size);
    return 0;
}

int tcdev_fw_start(tcdev_fw *fw, tc_err *err, tcdev_light *light, tcdev_light_work *work,
                   tcdev_fw_work *fwork, const tcdev_fw_offer *o, uint64_t now)
{
    tcdev_bundle *b = &fwork->b;
    tcdev_fw_release *r = &fwork->r;
    tcdev_fw_rollout *ro = &fwork->ro;
    tcdev_fw_device *dv = &fwork->dv;
    int rc, have_ro;
    if (fw->magic != TCDEV_FW_MAGIC || fw->state != TCDEV_FW_IDLE)
        return FAIL(err, TC_ERR_FW_STATE, "an update is already in progress");
    if ((rc = proven(b, err, light, work, o->release, o->release_len, o, now, "release"))) return rc;
    if (!b->record || tcdev_fw_decode_release(r, b->key, b->key_len, b->record, b->record_len))
        return FAIL(err, TC_ERR_FW_RECORD, "no such release on the ledger");
    if ((rc = proven(b, err, light, work, o->device, o->device_len, o, now, "device"))) return rc;
    if (!b->record || b->key_len != 1 + TC_DEVICE_ID_LEN || memcmp(b->key + 1, fw->dev_id, TC_DEVICE_ID_LEN) ||
        tcdev_fw_decode_device(dv, b->key, b->key_len, b->record, b->record_len))
        return FAIL(err, TC_ERR_FW_RECORD, "device record is not this device's");
    if (!same(dv->model, dv->model_len, fw->model, fw->model_len))
        return FAIL(err, TC_ERR_FW_MODEL, "the ledger records another model for this device");
    if ((rc = proven(b, err, light, work, o->rollout, o->rollout_len, o, now, "rollout"))) return rc;
    have_ro = b->record != NULL;
    if (have_ro && tcdev_fw_decode_rollout(ro, b->key, b->key_len, b->record, b->record_len))
        return FAIL(err, TC_ERR_FW_RECORD, "rollout record");
    if ((rc = check_release(fw, err, r, now, light->hdr.time_ms))) return rc;
    if (!have_ro) return FAIL(err, TC_ERR_FW_NOT_APPROVED, "the operator has no such rollout");
    if ((rc = approved(err, r, ro, dv))) return rc;

    fw->vendor = r->vendor;
    fw->version = r->version;
    fw->size = r->size;
    fw->chunk_size = (uint32_t)r->chunk_size;
    (void)tc_chunk_count(&fw->count, r->size, fw->chunk_size);
    memcpy(fw->digest, r->digest, TC_SHA256_LEN);
    memcpy(fw->root, r->root, TC_SHA256_LEN);
    fw->operator_org = ro->operator_org;
    fw->rollout_id = ro->id;
    fw->next = 0;
    fw->received = 0;
    tc_sha256_init(&fw->hash);
    fw->chunk_timeout_ms = o->chunk_timeout_ms;
    fw->chunk_deadline = later(now, o->chunk_timeout_ms);
    fw->deadline = later(now, o->total_timeout_ms);
    fw->state = TCDEV_FW_DOWNLOADING;
    return 0;
}

uint32_t tcdev_fw_chunk_len(const tcdev_fw *fw, uint64_t index)
{
    return index < fw->count ? tc_chunk_len(fw->size, fw->chunk_size, index) : 0;
}

void tcdev_fw_abort(tcdev_fw *fw)
{
    if (fw->state == TCDEV_FW_DOWNLOADING) fw->state = TCDEV_FW_IDLE;
}

void tcdev_fw_resume(tcdev_fw *fw, uint64_t now)
{
    fw->chunk_deadline = later(now, fw->chunk_timeout_ms);
}

/* Slow retrieval (TUF): a mirror that trickles bytes holds the device on an
 * old image forever unless time bounds each chunk and the whole download. */
int tcdev_fw_tick(tcdev_fw *fw, tc_err *err, uint64_t now)
{
    if (fw->state != TCDEV_FW_DOWNLOADING) return FAIL(err, TC_ERR_FW_STATE, "not downloading");
    if (now > fw->deadline) {
        tcdev_fw_abort(fw);
        return FAIL(err, TC_ERR_FW_DEADLINE, "download took too long");
    }
    if (now > fw->chunk_deadline) {
        tcdev_fw_abort(fw);
        return FAIL(err, TC_ERR_FW_CHUNK_TIMEOUT, "chunk %llu", (unsigned long long)fw->next);
    }
    return 0;
}

int tcdev_fw_feed(tcdev_fw *fw, tc_chunk_cache *cache, tc_err *err, tcdev_fw_write_fn write, void *wctx,
                  uint64_t index, const uint8_t *chunk, size_t chunk_len, const uint8_t *path, size_t path_len,
                  uint64_t now)
{
    int rc = tcdev_fw_tick(fw, err, now);
    if (rc) return rc;
    if (index != fw->next)
        return FAIL(err, TC_ERR_FW_CHUNK_ORDER, "chunk %llu, expected %llu", (unsigned long long)index,
                    (unsigned long long)fw->next);
    /* Exact length first: no byte beyond the release's size is ever hashed
     * or written (endless data, extra or truncated data). */
    if (chunk_len != tcdev_fw_chunk_len(fw, index))
        return FAIL(err, TC_ERR_FW_CHUNK_LEN, "chunk %llu has %llu bytes, the release says %lu",
                    (unsigned long long)index, (unsigned long long)chunk_len,
                    (unsigned long)tcdev_fw_chunk_len(fw, index));
    if (tc_chunk_verify_cached(cache, fw->root, index, fw->count, chunk, chunk_len, path, path_len))
        return FAIL(err, TC_ERR_FW_CHUNK, "chunk %llu", (unsigned long long)index);
    if (write(wctx, 1u - fw->active_slot, index * fw->chunk_size, chunk, chunk_len))
        return FAIL(err, TC_ERR_FW_WRITE, "chunk %llu", (unsigned long long)index);
    tc_sha256_update(&fw->hash, chunk, chunk_len);
    fw->next++;
    fw->received += chunk_len;
    fw->chunk_deadline = later(now, fw->chunk_timeout_ms);
    return 0;
}

int tcdev_fw_finish(tcdev_fw *fw, tc_err *err)
{
    uint8_t d[TC_SHA256_LEN];
    tc_sha256_ctx c;
    if (fw->state != TCDEV_FW_DOWNLOADING || fw->next != fw->count)
        return FAIL(err, TC_ERR_FW_STATE, "image incomplete");
    c = fw->hash;
    tc_sha256_final(&c, d);
    if (fw->received != fw->size || memcmp(d, fw->digest, sizeof d) != 0) {
        tcdev_fw_abort(fw);
        return FAIL(err, TC_ERR_FW_DIGEST, "image of version %llu", (unsigned long long)fw->version);
    }
    fw->state = TCDEV_FW_PENDING;
    return 0;
}

int tcdev_fw_confirm(tcdev_fw *fw)
{
    if (fw->state != TCDEV_FW_PENDING) return TC_ERR_FW_STATE;
    fw->installed = fw->version;
    if (fw->floor < fw->version) fw->floor = fw->version;
    fw->active_slot ^= 1u;
    fw->state = TCDEV_FW_IDLE;
    return 0;
}

int tcdev_fw_boot_failed(tcdev_fw *fw)
{
    if (fw->state != TCDEV_FW_PENDING) return TC_ERR_FW_STATE;
    fw->state = TCDEV_FW_IDLE;
    return TC_ERR_FW_BOOT_FAILED;
}

int tcdev_fw_report(const tcdev_fw *fw, uint8_t *out, size_t cap, size_t *out_len, uint8_t *scratch,
                    size_t scratch_cap, uint64_t *nonce, const char *chain_id, size_t chain_id_len,
                    const uint8_t sec[TC_ED25519_SEC_LEN], unsigned state)
{
    uint8_t p[200], signer[TC_SIGNER_DEVICE_LEN];
    size_t pl;
    tc_cbor_enc e;
    int rc;
    if (fw->rollout_id == 0 || chain_id_len > 64) return TC_ERR_FW_STATE;
    signer[0] = TC_SIGNER_DEVICE;
    memcpy(signer + 1, fw->dev_id, TC_DEVICE_ID_LEN);
    tc_cbor_enc_init(&e, p, sizeof p);
    tc_cbor_put_map(&e, 5);
    tc_cbor_put_uint(&e, 1); tc_cbor_put_text(&e, chain_id, chain_id_len);
    tc_cbor_put_uint(&e, 2); tc_cbor_put_uint(&e, TC_TX_FW_REPORT);
    tc_cbor_put_uint(&e, 3); tc_cbor_put_bytes(&e, signer, sizeof signer);
    tc_cbor_put_uint(&e, 4); tc_cbor_put_uint(&e, *nonce + 1);
    tc_cbor_put_uint(&e, 5); tc_cbor_put_map(&e, 4);
    tc_cbor_put_uint(&e, 1); tc_cbor_put_uint(&e, fw->operator_org);
    tc_cbor_put_uint(&e, 2); tc_cbor_put_uint(&e, fw->rollout_id);
    tc_cbor_put_uint(&e, 3); tc_cbor_put_uint(&e, fw->version);
    tc_cbor_put_uint(&e, 4); tc_cbor_put_uint(&e, state);
    if ((rc = tc_cbor_enc_finish(&e, &pl))) return rc;
    rc = tc_cose_sign1_create(out, cap, out_len, scratch, scratch_cap, sec, NULL, 0, NULL, 0, p, pl, 1, NULL);
    if (!rc) ++*nonce;
    return rc;
}
