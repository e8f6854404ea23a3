/* Firmware and config attack suite (issue 8 item 5; DESIGN.md "Firmware
 * and config: attacks that must fail", after TUF and Uptane). One test per
 * attack, named as the attack; each shows the device (tcdev_fw_*, the light
 * client) or the ledger (tc_ledger_apply on a real SQLite store) refusing
 * with the specific error.
 *
 * Fixture: a real chain (tests/unit/store_fixture.h: genesis, SQLite store,
 * real signatures), blocks certified by the chain's validator key with real
 * precommit signatures, and proof bundles built from the store exactly as a
 * node serves them (tc_store_state_get/prove, tc_bundle_encode). The device
 * anchors its light client at the genesis and sees only bundle bytes. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "test.h"
#include "fw_fixture.h"

static uint8_t rep[TCDEV_FW_REPORT_MAX], scratch[TCDEV_FW_REPORT_SCRATCH];

/* ---- the honest path: what every attack below deviates from ---- */

ATTACK(honest_update_installs)
{
    uint8_t d[32];
    CHECK_OK(fwx_start(2, LX_FLEET, 1));
    CHECK_EQ(fwx_fw.state, TCDEV_FW_DOWNLOADING);
    CHECK_EQ(fwx_fw.count, 5);
    CHECK_OK(fwx_feed_all(fwx_img2, fwx_now()));
    CHECK_EQ(fwx_fw.received, IMG_LEN);
    CHECK_OK(tcdev_fw_finish(&fwx_fw, &fwx_err));
    CHECK_EQ(fwx_fw.state, TCDEV_FW_PENDING);
    CHECK_MEM(fwx_slot[1], fwx_img2, IMG_LEN); /* written to the inactive slot */
    tc_sha256(d, fwx_slot[1], IMG_LEN);
    CHECK_MEM(d, fwx_fw.digest, 32);
    CHECK_EQ(fwx_fw.floor, 1);              /* not raised before the new image booted */
    CHECK_OK(tcdev_fw_confirm(&fwx_fw));
    CHECK_EQ(fwx_fw.installed, 2);
    CHECK_EQ(fwx_fw.floor, 2);
    CHECK_EQ(fwx_fw.active_slot, 1);
    CHECK_EQ(fwx_fw.state, TCDEV_FW_IDLE);
}

/* A reset mid-download: the persisted struct (copied as bytes) resumes at
 * the next chunk with the running digest intact. */
ATTACK(honest_update_resumes_after_reset)
{
    static tcdev_fw saved;
    CHECK_OK(fwx_start(2, LX_FLEET, 1));
    CHECK_OK(fwx_feed(fwx_img2, 0, CHUNK, fwx_now()));
    CHECK_OK(fwx_feed(fwx_img2, 1, CHUNK, fwx_now()));
    memcpy(&saved, &fwx_fw, sizeof fwx_fw);      /* what the caller persisted */
    memset(&fwx_fw, 0xA5, sizeof fwx_fw);        /* reset */
    memcpy(&fwx_fw, &saved, sizeof fwx_fw);
    tc_chunk_cache_reset(&fwx_cache);  /* RAM is gone; the cache is not persisted */
    tcdev_fw_resume(&fwx_fw, fwx_now() + 60000);
    CHECK_EQ(fwx_fw.next, 2);
    for (uint64_t i = 2; i < 5; i++) CHECK_OK(fwx_feed(fwx_img2, i, tcdev_fw_chunk_len(&fwx_fw, i), fwx_now() + 60000));
    CHECK_OK(tcdev_fw_finish(&fwx_fw, &fwx_err));
    CHECK_MEM(fwx_slot[1], fwx_img2, IMG_LEN);
}

/* A new image that fails to boot: the bootloader falls back, the old slot
 * and version stay, the floor never rose, and the failure is reported. */
ATTACK(attack_bricking_image_rolls_back)
{
    CHECK_OK(fwx_start(2, LX_FLEET, 1));
    CHECK_OK(fwx_feed_all(fwx_img2, fwx_now()));
    CHECK_OK(tcdev_fw_finish(&fwx_fw, &fwx_err));
    CHECK_ERR(tcdev_fw_boot_failed(&fwx_fw), TC_ERR_FW_BOOT_FAILED);
    CHECK_EQ(fwx_fw.state, TCDEV_FW_IDLE);
    CHECK_EQ(fwx_fw.active_slot, 0);
    CHECK_EQ(fwx_fw.installed, 1);
    CHECK_EQ(fwx_fw.floor, 1);
    CHECK_ERR(tcdev_fw_confirm(&fwx_fw), TC_ERR_FW_STATE); /* too late to confirm */
    size_t rl;
    CHECK_OK(tcdev_fw_report(&fwx_fw, rep, sizeof rep, &rl, scratch, sizeof scratch, &fwx_dev.nonce, "lx-chain", 8,
                             fwx_dev.sec, TCDEV_FW_REPORT_FAILED));
    CHECK_OK(fwx_queue_raw(rep, rl));
    CHECK_EQ(fwx_commit_last(), 0);
}

/* ---- arbitrary software ---- */

/* No release record: a node offers version 9, which no vendor published;
 * the bundle can only be an absence proof. */
ATTACK(attack_arbitrary_software_unpublished)
{
    CHECK_ERR(fwx_start(9, LX_FLEET, 1), TC_ERR_FW_RECORD);
    CHECK_EQ(fwx_fw.state, TCDEV_FW_IDLE);
}

/* A release transaction signed by keys that are not the vendor's release
 * keys (its admin key; strangers' keys) is refused by the ledger. */
ATTACK(attack_arbitrary_software_wrong_key)
{
    uint8_t sg[TC_SIGNER_ORG_LEN], pub[2][32], sec[2][64];
    tc_signer_org(sg, LX_MAKER, TC_KEYS_RELEASE);
    CHECK_OK(fwx_release_keys_tx((const uint8_t(*)[64])fwx_chain.adm_sec[LX_MAKER], 1, 3, 1, fwx_chain.time_ms + HOUR, MODEL, fwx_img3, NULL));
    CHECK_EQ(fwx_commit_last(), TC_ERR_LEDGER_UNAUTHORIZED);
    fwx_unuse_nonce(sg, sizeof sg);
    lx_key(pub[0], sec[0], 900);
    lx_key(pub[1], sec[1], 901);
    CHECK_OK(fwx_release_keys_tx((const uint8_t(*)[64])sec, 2, 3, 1, fwx_chain.time_ms + HOUR, MODEL, fwx_img3, NULL));
    CHECK_EQ(fwx_commit_last(), TC_ERR_LEDGER_UNAUTHORIZED);
    fwx_unuse_nonce(sg, sizeof sg);
    /* and so the device never sees a release 3 */
    CHECK_ERR(fwx_start(3, LX_FLEET, 1), TC_ERR_FW_RECORD);
}

/* A real, signed release — for another model. */
ATTACK(attack_arbitrary_software_wrong_model)
{
    uint8_t k[33];
    CHECK_EQ(fwx_publish(5, 0, fwx_chain.time_ms + HOUR, "sensor-2", fwx_img3, NULL), 0);
    CHECK_OK(fwx_bundle_at(fwx_bun_rel, sizeof fwx_bun_rel, &fwx_len_rel, k, fwx_rel_key(k, LX_MAKER, "sensor-2", 5), 0));
    uint8_t rk[17];
    CHECK_OK(fwx_bundle_at(fwx_bun_roll, sizeof fwx_bun_roll, &fwx_len_roll, rk, fwx_roll_key(rk, LX_FLEET, 1), 0));
    CHECK_OK(fwx_bundle_at(fwx_bun_dev, sizeof fwx_bun_dev, &fwx_len_dev, rk, fwx_dev_key(rk, fwx_dev.id), 0));
    tcdev_fw_offer o = fwx_offer();
    CHECK_ERR(tcdev_fw_start(&fwx_fw, &fwx_err, &fwx_light, &fwx_lwork, &fwx_work, &o, fwx_now()), TC_ERR_FW_MODEL);
}

/* ---- rollback ---- */

ATTACK(attack_rollback)
{
    /* the ledger refuses a release that is not above the latest */
    CHECK_EQ(fwx_publish(1, 0, fwx_chain.time_ms + HOUR, MODEL, fwx_img3, NULL), TC_ERR_LEDGER_VERSION_ROLLBACK);
    /* a device already on version 2 is offered the (real, approved) release 2 */
    CHECK_OK(tcdev_fw_init(&fwx_fw, fwx_dev.id, MODEL, strlen(MODEL), 2, 2, 0, 4096, IMG_LEN));
    CHECK_ERR(fwx_start(2, LX_FLEET, 1), TC_ERR_FW_ROLLBACK);
    /* the running version is 1 but the floor says 2 was once confirmed */
    CHECK_OK(tcdev_fw_init(&fwx_fw, fwx_dev.id, MODEL, strlen(MODEL), 1, 2, 0, 4096, IMG_LEN));
    CHECK_ERR(fwx_start(2, LX_FLEET, 1), TC_ERR_FW_ROLLBACK);
}

/* The vendor revoked release 2 after the rollout started. */
ATTACK(attack_revoked_release)
{
    uint8_t body[64], sg[TC_SIGNER_ORG_LEN];
    tc_cbor_enc e;
    size_t bl;
    tc_cbor_enc_init(&e, body, sizeof body);
    tc_cbor_put_map(&e, 2);
    tc_cbor_put_uint(&e, 1); tc_cbor_put_cstr(&e, MODEL);
    tc_cbor_put_uint(&e, 2); tc_cbor_put_uint(&e, 2);
    CHECK_OK(tc_cbor_enc_finish(&e, &bl));
    tc_signer_org(sg, LX_MAKER, TC_KEYS_RELEASE);
    CHECK_OK(lx_tx(&fwx_chain, TC_TX_FW_REVOKE, sg, sizeof sg, body, bl, (const uint8_t(*)[64])fwx_rel_sec, 2));
    CHECK_EQ(fwx_commit_last(), 0);
    CHECK_ERR(fwx_start(2, LX_FLEET, 1), TC_ERR_FW_REVOKED);
}

/* ---- indefinite freeze ---- */

ATTACK(attack_indefinite_freeze_expired_release)
{
    CHECK_OK(fwx_offer_bundles(2, MODEL, LX_FLEET, 1));
    tcdev_fw_offer o = fwx_offer();
    o.max_view_age_ms = 1000 * HOUR;
    /* the device clock is past the release expiry (setup: 100 h) */
    CHECK_ERR(tcdev_fw_start(&fwx_fw, &fwx_err, &fwx_light, &fwx_lwork, &fwx_work, &o, fwx_now() + 101 * HOUR), TC_ERR_FW_EXPIRED);
}

ATTACK(attack_indefinite_freeze_stale_header)
{
    /* a node keeps showing an old, validly signed state: two days later */
    CHECK_OK(fwx_offer_bundles(2, MODEL, LX_FLEET, 1));
    tcdev_fw_offer o = fwx_offer();
    CHECK_ERR(tcdev_fw_start(&fwx_fw, &fwx_err, &fwx_light, &fwx_lwork, &fwx_work, &o, fwx_now() + 48 * HOUR), TC_ERR_FW_STALE_VIEW);
}

/* ---- fast-forward ---- */

/* The vendor published 3, the owner approved only 2: a node offers 3 with
 * the rollout of 2. */
ATTACK(attack_fast_forward)
{
    CHECK_EQ(fwx_publish(3, 1, fwx_chain.time_ms + HOUR, MODEL, fwx_img3, NULL), 0);
    CHECK_ERR(fwx_start(3, LX_FLEET, 1), TC_ERR_FW_ROLLOUT_VERSION);
}

/* ---- mix and match ---- */

/* Approved release 2, image bytes of release 3 (a real, signed image). */
ATTACK(attack_mix_and_match_image)
{
    CHECK_EQ(fwx_publish(3, 1, fwx_chain.time_ms + HOUR, MODEL, fwx_img3, NULL), 0);
    CHECK_OK(fwx_start(2, LX_FLEET, 1));
    CHECK_ERR(fwx_feed(fwx_img3, 0, CHUNK, fwx_now()), TC_ERR_FW_CHUNK);
    CHECK_EQ(fwx_fw.next, 0);
    CHECK_EQ(fwx_fw.received, 0);
}

/* A release whose digest is another image's than its chunk tree: every
 * chunk verifies, the whole image does not (finish). */
ATTACK(attack_mix_and_match_digest)
{
    CHECK_EQ(fwx_publish(3, 1, fwx_chain.time_ms + HOUR, MODEL, fwx_img2, fwx_img3), 0);
    CHECK_EQ(fwx_rollout(LX_FLEET, 2, 3, "north", NULL), 0);
    CHECK_OK(fwx_start(3, LX_FLEET, 2));
    CHECK_OK(fwx_feed_all(fwx_img2, fwx_now()));
    CHECK_ERR(tcdev_fw_finish(&fwx_fw, &fwx_err), TC_ERR_FW_DIGEST);
    CHECK_EQ(fwx_fw.state, TCDEV_FW_IDLE);
    CHECK_EQ(fwx_fw.installed, 1);
}

/* ---- endless data, slow retrieval ---- */

ATTACK(attack_endless_data)
{
    static uint8_t big[IMG_LEN + 4096];
    CHECK_OK(fwx_start(2, LX_FLEET, 1));
    memcpy(big, fwx_img2, IMG_LEN);
    fwx_mirror_path(fwx_img2, 0);
    /* chunk 0 with a megabyte-style tail: refused before hashing */
    CHECK_ERR(tcdev_fw_feed(&fwx_fw, &fwx_cache, &fwx_err, fwx_slot_write, NULL, 0, big, CHUNK + 1, fwx_path, fwx_path_len, fwx_now()), TC_ERR_FW_CHUNK_LEN);
    for (uint64_t i = 0; i < 4; i++) CHECK_OK(fwx_feed(fwx_img2, i, CHUNK, fwx_now()));
    /* the last chunk padded to a full chunk: refused */
    fwx_mirror_path(fwx_img2, 4);
    CHECK_ERR(tcdev_fw_feed(&fwx_fw, &fwx_cache, &fwx_err, fwx_slot_write, NULL, 4, big + 4 * CHUNK, CHUNK, fwx_path, fwx_path_len, fwx_now()), TC_ERR_FW_CHUNK_LEN);
    CHECK_OK(fwx_feed(fwx_img2, 4, IMG_LEN - 4 * CHUNK, fwx_now()));
    /* a chunk past the end: nothing to accept */
    CHECK_ERR(tcdev_fw_feed(&fwx_fw, &fwx_cache, &fwx_err, fwx_slot_write, NULL, 5, big, 100, fwx_path, fwx_path_len, fwx_now()), TC_ERR_FW_CHUNK_LEN);
    CHECK_EQ(tcdev_fw_chunk_len(&fwx_fw, 5), 0);
    CHECK_EQ(fwx_fw.received, IMG_LEN);
    CHECK_OK(tcdev_fw_finish(&fwx_fw, &fwx_err));
}

ATTACK(attack_slow_retrieval)
{
    uint64_t t = fwx_now();
    CHECK_OK(fwx_start(2, LX_FLEET, 1));
    CHECK_OK(fwx_feed(fwx_img2, 0, CHUNK, t + 9000));
    CHECK_OK(tcdev_fw_tick(&fwx_fw, &fwx_err, t + 18000));
    /* chunk 1 trickles in: 10 s after chunk 0 the per-chunk deadline passed */
    CHECK_ERR(tcdev_fw_tick(&fwx_fw, &fwx_err, t + 19001), TC_ERR_FW_CHUNK_TIMEOUT);
    CHECK_EQ(fwx_fw.state, TCDEV_FW_IDLE);
    /* every chunk just in time, but the whole download past 10 minutes */
    CHECK_OK(fwx_start(2, LX_FLEET, 1));
    t = fwx_now();
    for (uint64_t i = 0; i < 4; i++) CHECK_OK(fwx_feed(fwx_img2, i, CHUNK, t + (i + 1) * 9999));
    CHECK_ERR(fwx_feed(fwx_img2, 4, IMG_LEN - 4 * CHUNK, t + 600001), TC_ERR_FW_DEADLINE);
    CHECK_EQ(fwx_fw.state, TCDEV_FW_IDLE);
}

/* ---- key compromise below threshold ---- */

ATTACK(attack_key_compromise_below_threshold)
{
    uint8_t sg[TC_SIGNER_ORG_LEN];
    tc_signer_org(sg, LX_MAKER, TC_KEYS_RELEASE);
    /* one stolen release key of the 2-of-3 set */
    CHECK_OK(fwx_release_keys_tx((const uint8_t(*)[64])fwx_rel_sec[2], 1, 3, 1, fwx_chain.time_ms + HOUR, MODEL, fwx_img3, NULL));
    CHECK_EQ(fwx_commit_last(), TC_ERR_LEDGER_THRESHOLD);
    fwx_unuse_nonce(sg, sizeof sg);
    /* the same key twice still counts once */
    uint8_t two[2][64];
    memcpy(two[0], fwx_rel_sec[2], 64);
    memcpy(two[1], fwx_rel_sec[2], 64);
    CHECK_OK(fwx_release_keys_tx((const uint8_t(*)[64])two, 2, 3, 1, fwx_chain.time_ms + HOUR, MODEL, fwx_img3, NULL));
    CHECK(fwx_commit_last() != 0);
    fwx_unuse_nonce(sg, sizeof sg);
    CHECK_ERR(fwx_start(3, LX_FLEET, 1), TC_ERR_FW_RECORD);
}

/* ---- incompatible image ---- */

ATTACK(attack_incompatible_image)
{
    /* release 2 needs version 1 installed first; this device runs 0 */
    CHECK_OK(tcdev_fw_init(&fwx_fw, fwx_dev.id, MODEL, strlen(MODEL), 0, 0, 0, 4096, IMG_LEN));
    CHECK_ERR(fwx_start(2, LX_FLEET, 1), TC_ERR_FW_INCOMPATIBLE);
}

/* ---- malicious mirror / on-path attacker ---- */

ATTACK(attack_malicious_mirror)
{
    static uint8_t evil[IMG_LEN];
    CHECK_OK(fwx_start(2, LX_FLEET, 1));
    memcpy(evil, fwx_img2, IMG_LEN);
    evil[2 * CHUNK + 17] ^= 0x40;               /* mirror A flips one bit of chunk 2 */
    CHECK_OK(fwx_feed(fwx_img2, 0, CHUNK, fwx_now()));
    CHECK_OK(fwx_feed(fwx_img2, 1, CHUNK, fwx_now()));
    fwx_mirror_path(fwx_img2, 2);                       /* with the genuine path */
    CHECK_ERR(tcdev_fw_feed(&fwx_fw, &fwx_cache, &fwx_err, fwx_slot_write, NULL, 2, evil + 2 * CHUNK, CHUNK, fwx_path, fwx_path_len, fwx_now()),
              TC_ERR_FW_CHUNK);
    CHECK_EQ(fwx_fw.next, 2);                        /* dropped: nothing counted */
    /* mirror A's own path for its chunk (a tree over the evil image) */
    CHECK_ERR(fwx_feed(evil, 2, CHUNK, fwx_now()), TC_ERR_FW_CHUNK);
    /* mirror B serves the good chunk: accepted, download completes */
    CHECK_OK(fwx_feed(fwx_img2, 2, CHUNK, fwx_now()));
    CHECK_OK(fwx_feed(fwx_img2, 3, CHUNK, fwx_now()));
    CHECK_OK(fwx_feed(fwx_img2, 4, IMG_LEN - 4 * CHUNK, fwx_now()));
    CHECK_OK(tcdev_fw_finish(&fwx_fw, &fwx_err));
    CHECK_OK(tcdev_fw_confirm(&fwx_fw));
    CHECK_EQ(fwx_fw.installed, 2);
}

/* ---- extra or truncated data ---- */

ATTACK(attack_extra_or_truncated_data)
{
    CHECK_OK(fwx_start(2, LX_FLEET, 1));
    CHECK_ERR(fwx_feed(fwx_img2, 0, CHUNK - 1, fwx_now()), TC_ERR_FW_CHUNK_LEN); /* truncated */
    CHECK_OK(fwx_feed(fwx_img2, 0, CHUNK, fwx_now()));
    CHECK_ERR(fwx_feed(fwx_img2, 2, CHUNK, fwx_now()), TC_ERR_FW_CHUNK_ORDER);   /* a chunk skipped */
    CHECK_OK(fwx_feed(fwx_img2, 1, CHUNK, fwx_now()));
    CHECK_ERR(tcdev_fw_finish(&fwx_fw, &fwx_err), TC_ERR_FW_STATE);             /* image cut short */
    CHECK_EQ(fwx_fw.state, TCDEV_FW_DOWNLOADING);
}

/* ---- a vendor release the operator did not approve ---- */

ATTACK(attack_unapproved_release_no_rollout)
{
    CHECK_EQ(fwx_publish(3, 1, fwx_chain.time_ms + HOUR, MODEL, fwx_img3, NULL), 0);
    CHECK_ERR(fwx_start(3, LX_FLEET, 7), TC_ERR_FW_NOT_APPROVED);       /* absence proof of rollout 7 */
}

ATTACK(attack_unapproved_release_wave_not_started)
{
    CHECK_EQ(fwx_publish(3, 1, fwx_chain.time_ms + HOUR, MODEL, fwx_img3, NULL), 0);
    CHECK_EQ(fwx_rollout(LX_FLEET, 2, 3, "south", "north"), 0);         /* north is wave 1 */
    CHECK_ERR(fwx_start(3, LX_FLEET, 2), TC_ERR_FW_NOT_APPROVED);
    CHECK_EQ(fwx_control(2, 1), 0);                                      /* advance */
    CHECK_OK(fwx_start(3, LX_FLEET, 2));
}

ATTACK(attack_unapproved_release_paused)
{
    CHECK_EQ(fwx_control(1, 2), 0);
    CHECK_ERR(fwx_start(2, LX_FLEET, 1), TC_ERR_FW_ROLLOUT_HALTED);
}

ATTACK(attack_unapproved_release_aborted)
{
    CHECK_EQ(fwx_control(1, 4), 0);
    CHECK_ERR(fwx_start(2, LX_FLEET, 1), TC_ERR_FW_ROLLOUT_HALTED);
}

/* Another operator (not the device's owner) rolls the release out to a
 * group of the same name. */
ATTACK(attack_unapproved_release_other_operator)
{
    CHECK_EQ(fwx_rollout(LX_RIVAL, 5, 2, "north", NULL), 0);
    CHECK_ERR(fwx_start(2, LX_RIVAL, 5), TC_ERR_FW_NOT_APPROVED);
}


ATTACK(attack_replayed_device_report)
{
    size_t rl;
    CHECK_OK(fwx_start(2, LX_FLEET, 1));
    CHECK_OK(tcdev_fw_report(&fwx_fw, rep, sizeof rep, &rl, scratch, sizeof scratch, &fwx_dev.nonce, "lx-chain", 8,
                             fwx_dev.sec, TCDEV_FW_REPORT_DOWNLOADING));
    CHECK_EQ(fwx_dev.nonce, 1);
    CHECK_OK(fwx_queue_raw(rep, rl));
    CHECK_EQ(fwx_commit_last(), 0);                 /* the genuine report is accepted */
    CHECK_OK(fwx_queue_raw(rep, rl));
    CHECK_OK(fwx_commit());                         /* the same bytes again, in a later block */
    CHECK(fwx_last_leaf_has_code(rep, rl, TC_ERR_LEDGER_NONCE));
    CHECK(!fwx_last_leaf_has_code(rep, rl, 0));
    CHECK_OK(fwx_feed_all(fwx_img2, fwx_now()));
    CHECK_OK(tcdev_fw_finish(&fwx_fw, &fwx_err));
    CHECK_OK(tcdev_fw_confirm(&fwx_fw));
    CHECK_OK(tcdev_fw_report(&fwx_fw, rep, sizeof rep, &rl, scratch, sizeof scratch, &fwx_dev.nonce, "lx-chain", 8,
                             fwx_dev.sec, TCDEV_FW_REPORT_INSTALLED));
    CHECK_OK(fwx_queue_raw(rep, rl));
    CHECK_EQ(fwx_commit_last(), 0);
}

ATTACK(attack_forged_device_report)
{
    lx_dev other;
    size_t rl;
    uint64_t n = 0;
    lx_dev_keys(&other, 2);
    CHECK_OK(fwx_start(2, LX_FLEET, 1));
    /* "installed", claimed for our device, signed with another key */
    CHECK_OK(tcdev_fw_report(&fwx_fw, rep, sizeof rep, &rl, scratch, sizeof scratch, &n, "lx-chain", 8,
                             other.sec, TCDEV_FW_REPORT_INSTALLED));
    CHECK_OK(fwx_queue_raw(rep, rl));
    CHECK_EQ(fwx_commit_last(), TC_ERR_LEDGER_UNAUTHORIZED);   /* not the device's key */
    /* our device's key id, a signature by another key */
    uint8_t forged[64];
    memcpy(forged, other.sec, 32);
    memcpy(forged + 32, fwx_dev.pub, 32);
    n = 0;
    CHECK_OK(tcdev_fw_report(&fwx_fw, rep, sizeof rep, &rl, scratch, sizeof scratch, &n, "lx-chain", 8,
                             forged, TCDEV_FW_REPORT_INSTALLED));
    CHECK_OK(fwx_queue_raw(rep, rl));
    CHECK_EQ(fwx_commit_last(), TC_ERR_LEDGER_SIGNATURE);
    /* a genuine report, body altered after signing */
    n = 0;
    CHECK_OK(tcdev_fw_report(&fwx_fw, rep, sizeof rep, &rl, scratch, sizeof scratch, &n, "lx-chain", 8,
                             fwx_dev.sec, TCDEV_FW_REPORT_DOWNLOADING));
    for (size_t i = 0; i + 1 < rl; i++)
        if (rep[i] == 0x04 && rep[i + 1] == TCDEV_FW_REPORT_DOWNLOADING) { rep[i + 1] = TCDEV_FW_REPORT_INSTALLED; break; }
    CHECK_OK(fwx_queue_raw(rep, rl));
    CHECK_EQ(fwx_commit_last(), TC_ERR_LEDGER_SIGNATURE);
}

/* ---- a lying node: stale or forked view, validators below quorum ---- */

ATTACK(attack_stale_view_from_lying_node)
{
    uint8_t k[17];
    uint64_t old = tc_store_height(fwx_chain.s) - 1;
    CHECK_OK(fwx_start(2, LX_FLEET, 1));   /* the device saw the latest header */
    tcdev_fw_abort(&fwx_fw);
    /* the node now answers from an older block (before the pause below) */
    CHECK_EQ(fwx_control(1, 2), 0);
    CHECK_OK(fwx_bundle_at(fwx_bun_roll, sizeof fwx_bun_roll, &fwx_len_roll, k, fwx_roll_key(k, LX_FLEET, 1), old));
    tcdev_bundle b;
    CHECK_ERR(tcdev_light_verify_bundle(&fwx_light, &fwx_lwork, &b, fwx_bun_roll, fwx_len_roll, fwx_now()), TC_ERR_LIGHT_STALE);
    tcdev_fw_offer o = fwx_offer();
    CHECK_ERR(tcdev_fw_start(&fwx_fw, &fwx_err, &fwx_light, &fwx_lwork, &fwx_work, &o, fwx_now()), TC_ERR_LIGHT_STALE);
}

/* A header at the verified height with other contents (another state
 * root), certified: the device refuses the fork. */
ATTACK(attack_forked_view_from_lying_node)
{
    uint8_t hdr[TC_HEADER_MAX], id[32], cert[512], k[17], proof[8], bun[2048];
    size_t hl, cl, bl;
    tc_header h;
    CHECK_OK(fwx_start(2, LX_FLEET, 1));
    CHECK_OK(tc_store_header(fwx_chain.s, &h, id, tc_store_height(fwx_chain.s)));
    h.state_root[0] ^= 1;
    CHECK_OK(tc_header_encode(hdr, sizeof hdr, &hl, &h));
    tc_sha256(id, hdr, hl);
    CHECK_OK(fwx_certify(cert, sizeof cert, &cl, h.height, id, fwx_val_sec));
    memset(proof, 0, sizeof proof);
    tc_bundle_parts p = {TCDEV_BUNDLE_STATE, {hdr, hl}, {cert, cl}, {NULL, 0}, {proof, 1}, {k, fwx_dev_key(k, fwx_dev.id)}, NULL, 0};
    CHECK_OK(tc_bundle_encode(bun, sizeof bun, &bl, &p));
    tcdev_bundle b;
    CHECK_ERR(tcdev_light_verify_bundle(&fwx_light, &fwx_lwork, &b, bun, bl, fwx_now()), TC_ERR_LIGHT_FORK);
}

/* A node (or validators without the power) signs a newer header that
 * says the rollout of version 3 exists: the certificate lacks the power. */
ATTACK(attack_validators_below_quorum)
{
    uint8_t hdr[TC_HEADER_MAX], id[32], cert[512], k[17], bun[2048], fake_pub[32], fake_sec[64];
    size_t hl, cl, bl;
    tc_header h;
    CHECK_OK(tc_store_header(fwx_chain.s, &h, id, tc_store_height(fwx_chain.s)));
    h.height++;
    h.time_ms += 1000;
    memcpy(h.prev_hash, id, 32);
    CHECK_OK(tc_header_encode(hdr, sizeof hdr, &hl, &h));
    tc_sha256(id, hdr, hl);
    lx_key(fake_pub, fake_sec, 77);
    CHECK_OK(fwx_certify(cert, sizeof cert, &cl, h.height, id, fake_sec)); /* a non-validator's precommit */
    tc_bundle_parts p = {TCDEV_BUNDLE_STATE, {hdr, hl}, {cert, cl}, {NULL, 0}, {id, 1}, {k, fwx_dev_key(k, fwx_dev.id)}, NULL, 0};
    CHECK_OK(tc_bundle_encode(bun, sizeof bun, &bl, &p));
    tcdev_bundle b;
    CHECK_ERR(tcdev_light_verify_bundle(&fwx_light, &fwx_lwork, &b, bun, bl, fwx_now()), TC_ERR_BAD_SIGNATURE);
    /* no precommit at all: zero of 10 power */
    uint8_t have[1] = {0}, sigs[1][64];
    tc_valset vs;
    tc_valset_init(&vs);
    tc_valset_add(&vs, fwx_val_pub, 10);
    CHECK_OK(tc_cons_cert_build(cert, sizeof cert, &cl, &vs, h.height, 0, id, have, (const uint8_t(*)[64])sigs));
    p.cert.len = cl;
    CHECK_OK(tc_bundle_encode(bun, sizeof bun, &bl, &p));
    CHECK_ERR(tcdev_light_verify_bundle(&fwx_light, &fwx_lwork, &b, bun, bl, fwx_now()), TC_ERR_CONS_CERT_POWER);
}

/* ---- configuration (ledger side; the device side is device/config.c) ---- */

static int cfg_publish(uint8_t role, const uint8_t (*secs)[64], uint64_t version)
{
    uint8_t body[256], dg[32], sg[TC_SIGNER_ORG_LEN];
    const char *doc = "{\"rate\": 5}";
    tc_cbor_enc e;
    size_t bl;
    tc_sha256(dg, doc, strlen(doc));
    tc_cbor_enc_init(&e, body, sizeof body);
    tc_cbor_put_map(&e, 7);
    tc_cbor_put_uint(&e, 1); tc_cbor_put_uint(&e, 1);
    tc_cbor_put_uint(&e, 2); tc_cbor_put_bytes(&e, fwx_dev.id, 16);
    tc_cbor_put_uint(&e, 3); tc_cbor_put_cstr(&e, "main");
    tc_cbor_put_uint(&e, 4); tc_cbor_put_uint(&e, version);
    tc_cbor_put_uint(&e, 5); tc_cbor_put_bytes(&e, dg, 32);
    tc_cbor_put_uint(&e, 6); tc_cbor_put_uint(&e, strlen(doc));
    tc_cbor_put_uint(&e, 7); tc_cbor_put_bytes(&e, (const uint8_t *)doc, strlen(doc));
    if (tc_cbor_enc_finish(&e, &bl)) return -1;
    tc_signer_org(sg, LX_FLEET, role);
    if (lx_tx(&fwx_chain, TC_TX_CFG_PUBLISH, sg, sizeof sg, body, bl, secs, 1)) return -1;
    int rc = fwx_commit_last();
    if (rc) fwx_unuse_nonce(sg, sizeof sg);
    return rc;
}

ATTACK(attack_forged_config)
{
    uint8_t cpub[32], csec[64], xpub[32], xsec[64];
    lx_key(cpub, csec, 600);
    lx_key(xpub, xsec, 601);
    /* the operator's admin key is not its config key set */
    CHECK_EQ(cfg_publish(TC_KEYS_ADMIN, (const uint8_t(*)[64])fwx_chain.adm_sec[LX_FLEET], 1), TC_ERR_LEDGER_UNAUTHORIZED);
    /* no config key set registered yet: nobody can sign as it */
    CHECK_EQ(cfg_publish(TC_KEYS_CONFIG, (const uint8_t(*)[64])csec, 7), TC_ERR_LEDGER_UNKNOWN_SIGNER);
    /* register one; a stranger's key is still refused */
    uint8_t body[128];
    tc_cbor_enc e;
    tc_cbor_enc_init(&e, body, sizeof body);
    tc_cbor_put_map(&e, 2);
    tc_cbor_put_uint(&e, 1); tc_cbor_put_uint(&e, TC_KEYS_CONFIG);
    tc_cbor_put_uint(&e, 2); tc_cbor_put_map(&e, 2);
    tc_cbor_put_uint(&e, 1); tc_cbor_put_uint(&e, 1);
    tc_cbor_put_uint(&e, 2); tc_cbor_put_array(&e, 1); tc_cbor_put_bytes(&e, cpub, 32);
    CHECK_OK(lx_admin_tx(&fwx_chain, TC_TX_ORG_SET_KEYS, LX_FLEET, &e));
    CHECK_EQ(fwx_commit_last(), 0);
    CHECK_EQ(cfg_publish(TC_KEYS_CONFIG, (const uint8_t(*)[64])xsec, 1), TC_ERR_LEDGER_UNAUTHORIZED);
    CHECK_EQ(cfg_publish(TC_KEYS_CONFIG, (const uint8_t(*)[64])csec, 1), 0);
}

ATTACK(attack_config_rollback)
{
    uint8_t cpub[32], csec[64], body[128];
    tc_cbor_enc e;
    lx_key(cpub, csec, 600);
    tc_cbor_enc_init(&e, body, sizeof body);
    tc_cbor_put_map(&e, 2);
    tc_cbor_put_uint(&e, 1); tc_cbor_put_uint(&e, TC_KEYS_CONFIG);
    tc_cbor_put_uint(&e, 2); tc_cbor_put_map(&e, 2);
    tc_cbor_put_uint(&e, 1); tc_cbor_put_uint(&e, 1);
    tc_cbor_put_uint(&e, 2); tc_cbor_put_array(&e, 1); tc_cbor_put_bytes(&e, cpub, 32);
    CHECK_OK(lx_admin_tx(&fwx_chain, TC_TX_ORG_SET_KEYS, LX_FLEET, &e));
    CHECK_EQ(fwx_commit_last(), 0);
    CHECK_EQ(cfg_publish(TC_KEYS_CONFIG, (const uint8_t(*)[64])csec, 5), 0);
    CHECK_EQ(cfg_publish(TC_KEYS_CONFIG, (const uint8_t(*)[64])csec, 5), TC_ERR_LEDGER_VERSION_ROLLBACK);
    CHECK_EQ(cfg_publish(TC_KEYS_CONFIG, (const uint8_t(*)[64])csec, 4), TC_ERR_LEDGER_VERSION_ROLLBACK);
}

int main(void)
{
    if (tc_crypto_init()) return 2;
    RUN(honest_update_installs);
    RUN(honest_update_resumes_after_reset);
    RUN(attack_bricking_image_rolls_back);
    RUN(attack_arbitrary_software_unpublished);
    RUN(attack_arbitrary_software_wrong_key);
    RUN(attack_arbitrary_software_wrong_model);
    RUN(attack_rollback);
    RUN(attack_revoked_release);
    RUN(attack_indefinite_freeze_expired_release);
    RUN(attack_indefinite_freeze_stale_header);
    RUN(attack_fast_forward);
    RUN(attack_mix_and_match_image);
    RUN(attack_mix_and_match_digest);
    RUN(attack_endless_data);
    RUN(attack_slow_retrieval);
    RUN(attack_key_compromise_below_threshold);
    RUN(attack_incompatible_image);
    RUN(attack_malicious_mirror);
    RUN(attack_extra_or_truncated_data);
    RUN(attack_unapproved_release_no_rollout);
    RUN(attack_unapproved_release_wave_not_started);
    RUN(attack_unapproved_release_paused);
    RUN(attack_unapproved_release_aborted);
    RUN(attack_unapproved_release_other_operator);
    RUN(attack_replayed_device_report);
    RUN(attack_forged_device_report);
    RUN(attack_stale_view_from_lying_node);
    RUN(attack_forked_view_from_lying_node);
    RUN(attack_validators_below_quorum);
    RUN(attack_forged_config);
    RUN(attack_config_rollback);
    return test_summary();
}

