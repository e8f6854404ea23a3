/* The device updater's behaviour outside the attack list (include/tcdev/
 * firmware.h): argument and state checks, limits, a failing slot write,
 * the report transaction's exact contents, abort and restart, and offers
 * whose bundles are real but not the records asked for. Same real chain
 * as the attack suite (fw_fixture.h). */
#include <string.h>

#include "test.h"
#include "fw_fixture.h"

FWX_TEST(init_rejects_bad_arguments)
{
    tcdev_fw f;
    const char *m65 = "01234567890123456789012345678901234567890123456789012345678901234";
    CHECK_ERR(tcdev_fw_init(&f, fwx_dev.id, MODEL, 0, 1, 1, 0, 4096, 1 << 20), TC_ERR_INVALID_ARG);
    CHECK_ERR(tcdev_fw_init(&f, fwx_dev.id, m65, 65, 1, 1, 0, 4096, 1 << 20), TC_ERR_INVALID_ARG);
    CHECK_ERR(tcdev_fw_init(&f, fwx_dev.id, MODEL, strlen(MODEL), 1, 1, 2, 4096, 1 << 20), TC_ERR_INVALID_ARG);
    CHECK_ERR(tcdev_fw_init(&f, fwx_dev.id, MODEL, strlen(MODEL), 1, 1, 0, 63, 1 << 20), TC_ERR_INVALID_ARG);
    CHECK_OK(tcdev_fw_init(&f, fwx_dev.id, m65, 64, 1, 1, 1, 64, 1 << 20));
}

FWX_TEST(calls_out_of_state_are_refused)
{
    size_t rl;
    uint64_t n = 0;
    static uint8_t rep[TCDEV_FW_REPORT_MAX], scr[TCDEV_FW_REPORT_SCRATCH];
    CHECK_ERR(fwx_feed(fwx_img2, 0, CHUNK, fwx_now()), TC_ERR_FW_STATE);
    CHECK_ERR(tcdev_fw_tick(&fwx_fw, NULL, fwx_now()), TC_ERR_FW_STATE);
    CHECK_ERR(tcdev_fw_finish(&fwx_fw, NULL), TC_ERR_FW_STATE);
    CHECK_ERR(tcdev_fw_confirm(&fwx_fw), TC_ERR_FW_STATE);
    CHECK_ERR(tcdev_fw_boot_failed(&fwx_fw), TC_ERR_FW_STATE);
    CHECK_ERR(tcdev_fw_report(&fwx_fw, rep, sizeof rep, &rl, scr, sizeof scr, &n, "lx-chain", 8, fwx_dev.sec,
                              TCDEV_FW_REPORT_DOWNLOADING), TC_ERR_FW_STATE);
    CHECK_EQ(n, 0);
    CHECK_OK(fwx_start(2, LX_FLEET, 1));
    CHECK_ERR(fwx_start(2, LX_FLEET, 1), TC_ERR_FW_STATE);     /* one update at a time */
    CHECK_ERR(tcdev_fw_confirm(&fwx_fw), TC_ERR_FW_STATE);     /* nothing to confirm yet */
    /* the detail message says what and why */
    CHECK(strstr(fwx_err.msg, "in progress") != NULL);
}

FWX_TEST(image_or_chunk_too_large_for_the_device)
{
    CHECK_OK(tcdev_fw_init(&fwx_fw, fwx_dev.id, MODEL, strlen(MODEL), 1, 1, 0, 512, IMG_LEN));
    CHECK_ERR(fwx_start(2, LX_FLEET, 1), TC_ERR_FW_TOO_LARGE);  /* 1 KiB chunks, 512 B buffer */
    CHECK_OK(tcdev_fw_init(&fwx_fw, fwx_dev.id, MODEL, strlen(MODEL), 1, 1, 0, 4096, IMG_LEN - 1));
    CHECK_ERR(fwx_start(2, LX_FLEET, 1), TC_ERR_FW_TOO_LARGE);  /* slot one byte short */
}

static int fail_next;
static int flaky_write(void *ctx, unsigned s, uint64_t off, const uint8_t *d, size_t n)
{
    if (fail_next) { fail_next = 0; return 1; }
    return fwx_slot_write(ctx, s, off, d, n);
}

FWX_TEST(slot_write_failure_is_retried)
{
    CHECK_OK(fwx_start(2, LX_FLEET, 1));
    fwx_mirror_path(fwx_img2, 0);
    fail_next = 1;
    CHECK_ERR(tcdev_fw_feed(&fwx_fw, &fwx_cache, &fwx_err, flaky_write, NULL, 0, fwx_img2, CHUNK, fwx_path, fwx_path_len,
                            fwx_now()), TC_ERR_FW_WRITE);
    CHECK_EQ(fwx_fw.next, 0);
    CHECK_EQ(fwx_fw.received, 0);
    CHECK_OK(tcdev_fw_feed(&fwx_fw, &fwx_cache, &fwx_err, flaky_write, NULL, 0, fwx_img2, CHUNK, fwx_path, fwx_path_len,
                           fwx_now()));
    for (uint64_t i = 1; i < 5; i++) CHECK_OK(fwx_feed(fwx_img2, i, tcdev_fw_chunk_len(&fwx_fw, i), fwx_now()));
    CHECK_OK(tcdev_fw_finish(&fwx_fw, &fwx_err));
    CHECK_MEM(fwx_slot[1], fwx_img2, IMG_LEN);
}

FWX_TEST(abort_then_start_again)
{
    CHECK_OK(fwx_start(2, LX_FLEET, 1));
    CHECK_OK(fwx_feed(fwx_img2, 0, CHUNK, fwx_now()));
    tcdev_fw_abort(&fwx_fw);
    CHECK_EQ(fwx_fw.state, TCDEV_FW_IDLE);
    CHECK_OK(fwx_start(2, LX_FLEET, 1));
    CHECK_EQ(fwx_fw.next, 0);                 /* from the first chunk, fresh digest */
    CHECK_OK(fwx_feed_all(fwx_img2, fwx_now()));
    CHECK_OK(tcdev_fw_finish(&fwx_fw, &fwx_err));
}

/* The report is exactly the fw.report of docs/ledger.md, signed by the
 * device, with the next nonce. */
FWX_TEST(report_transaction_contents)
{
    static uint8_t rep[TCDEV_FW_REPORT_MAX], scr[TCDEV_FW_REPORT_SCRATCH];
    size_t rl;
    uint64_t n = 41, v;
    tc_tx tx;
    tc_cbor_dec d;
    uint8_t signer[TC_SIGNER_DEVICE_LEN];
    CHECK_OK(fwx_start(2, LX_FLEET, 1));
    CHECK_OK(tcdev_fw_report(&fwx_fw, rep, sizeof rep, &rl, scr, sizeof scr, &n, "lx-chain", 8, fwx_dev.sec,
                             TCDEV_FW_REPORT_FAILED));
    CHECK_EQ(n, 42);
    CHECK_OK(tc_tx_decode(&tx, &fwx_err, rep, rl));
    CHECK_EQ(tx.multi, 0);
    CHECK_EQ(tx.type, TC_TX_FW_REPORT);
    CHECK_EQ(tx.nonce, 42);
    tc_signer_device(signer, fwx_dev.id);
    CHECK_EQ(tx.signer_len, sizeof signer);
    CHECK_MEM(tx.signer, signer, sizeof signer);
    CHECK_OK(tc_tx_verify_sig(&tx, 0, fwx_dev.pub));
    CHECK_OK(tc_cbor_dec_init(&d, tx.body, tx.body_len, NULL));
    CHECK_OK(tc_cbor_get_map(&d, &v));
    CHECK_EQ(v, 4);
    uint64_t want[4] = {LX_FLEET, 1, 2, TCDEV_FW_REPORT_FAILED};
    for (uint64_t k = 1; k <= 4; k++) {
        CHECK_OK(tc_cbor_get_uint(&d, &v));
        CHECK_EQ(v, k);
        CHECK_OK(tc_cbor_get_uint(&d, &v));
        CHECK_EQ(v, want[k - 1]);
    }
    /* too small an output buffer: an error, the nonce not used */
    CHECK(tcdev_fw_report(&fwx_fw, rep, 40, &rl, scr, sizeof scr, &n, "lx-chain", 8, fwx_dev.sec, 1) != 0);
    CHECK_EQ(n, 42);
}

/* A node answers with real, proven records — but not the ones asked for. */
FWX_TEST(offer_with_the_wrong_records)
{
    uint8_t k[33];
    lx_dev other;
    tcdev_fw_offer o;
    /* another device's record (manufactured, same model, same owner) */
    lx_dev_keys(&other, 7);
    CHECK_OK(lx_manufacture(&fwx_chain, &other, 1, MODEL));
    CHECK_EQ(fwx_commit_last(), 0);
    CHECK_OK(fwx_offer_bundles(2, MODEL, LX_FLEET, 1));
    CHECK_OK(fwx_bundle_at(fwx_bun_dev, sizeof fwx_bun_dev, &fwx_len_dev, k, fwx_dev_key(k, other.id), 0));
    o = fwx_offer();
    CHECK_ERR(tcdev_fw_start(&fwx_fw, &fwx_err, &fwx_light, &fwx_lwork, &fwx_work, &o, fwx_now()), TC_ERR_FW_RECORD);
    /* the rollout's bundle in the release's place */
    CHECK_OK(fwx_offer_bundles(2, MODEL, LX_FLEET, 1));
    o = fwx_offer();
    o.release = fwx_bun_roll;
    o.release_len = fwx_len_roll;
    CHECK_ERR(tcdev_fw_start(&fwx_fw, &fwx_err, &fwx_light, &fwx_lwork, &fwx_work, &o, fwx_now()), TC_ERR_FW_RECORD);
    /* the release's bundle in the device's place */
    o = fwx_offer();
    o.device = fwx_bun_rel;
    o.device_len = fwx_len_rel;
    CHECK_ERR(tcdev_fw_start(&fwx_fw, &fwx_err, &fwx_light, &fwx_lwork, &fwx_work, &o, fwx_now()), TC_ERR_FW_RECORD);
    CHECK_EQ(fwx_fw.state, TCDEV_FW_IDLE);
    o = fwx_offer();
    CHECK_OK(tcdev_fw_start(&fwx_fw, &fwx_err, &fwx_light, &fwx_lwork, &fwx_work, &o, fwx_now()));
}

/* UINT64_MAX allowances mean "no limit" and must not wrap into "already late". */
FWX_TEST(unlimited_allowances_do_not_wrap)
{
    CHECK_OK(fwx_offer_bundles(2, MODEL, LX_FLEET, 1));
    tcdev_fw_offer o = fwx_offer();
    o.max_view_age_ms = UINT64_MAX;
    o.chunk_timeout_ms = UINT64_MAX;
    o.total_timeout_ms = UINT64_MAX;
    CHECK_OK(tcdev_fw_start(&fwx_fw, &fwx_err, &fwx_light, &fwx_lwork, &fwx_work, &o, fwx_now()));
    CHECK_OK(fwx_feed(fwx_img2, 0, CHUNK, fwx_now() + 50 * HOUR));
    CHECK_OK(tcdev_fw_tick(&fwx_fw, &fwx_err, UINT64_MAX - 1));
}

/* The owner suspended the device: no update is approved for it. */
FWX_TEST(suspended_device_is_not_approved)
{
    uint8_t body[32];
    tc_cbor_enc e;
    tc_cbor_enc_init(&e, body, sizeof body);
    tc_cbor_put_map(&e, 1);
    tc_cbor_put_uint(&e, 1); tc_cbor_put_bytes(&e, fwx_dev.id, 16);
    CHECK_OK(lx_admin_tx(&fwx_chain, TC_TX_DEV_SUSPEND, LX_FLEET, &e));
    CHECK_EQ(fwx_commit_last(), 0);
    CHECK_ERR(fwx_start(2, LX_FLEET, 1), TC_ERR_FW_NOT_APPROVED);
}

int main(void)
{
    if (tc_crypto_init()) return 2;
    RUN(init_rejects_bad_arguments);
    RUN(calls_out_of_state_are_refused);
    RUN(image_or_chunk_too_large_for_the_device);
    RUN(slot_write_failure_is_retried);
    RUN(abort_then_start_again);
    RUN(report_transaction_contents);
    RUN(offer_with_the_wrong_records);
    RUN(unlimited_allowances_do_not_wrap);
    RUN(suspended_device_is_not_approved);
    return test_summary();
}
