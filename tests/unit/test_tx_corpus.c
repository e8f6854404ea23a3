/* Writes valid signed transactions of several kinds (seeds for the fuzz
 * corpus, tests/fuzz/corpus/tx) when TC_WRITE_TX_CORPUS names a directory,
 * and checks each one decodes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ledger_fixture.h"
#include "test.h"

static void emit(const char *dir, const char *name, const uint8_t *p, size_t n)
{
    char path[512];
    if (!dir) return;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (f) { fwrite(p, 1, n, f); fclose(f); }
}

static void test_seeds(void)
{
    static uint8_t payload[4096], tx[8192];
    uint8_t body[256], s[TC_SIGNER_DEVICE_LEN], sg[1];
    size_t bl, pl, tl;
    tc_cbor_enc e;
    tc_tx t;
    tc_err err;
    fixture_device d;
    uint8_t gpub[32], gsec[2][64];
    const char *dir = getenv("TC_WRITE_TX_CORPUS");
    tc_crypto_init();
    fixture_device_keys(&d, 1);
    fixture_key(gpub, gsec[0], 1);
    fixture_key(gpub, gsec[1], 2);
    tc_cbor_enc_init(&e, body, sizeof body);
    tc_cbor_put_map(&e, 2);
    tc_cbor_put_uint(&e, 1); tc_cbor_put_bytes(&e, d.id, 16);
    tc_cbor_put_uint(&e, 2); tc_cbor_put_map(&e, 1); tc_cbor_put_cstr(&e, "k"); tc_cbor_put_cstr(&e, "v");
    CHECK_OK(tc_cbor_enc_finish(&e, &bl));
    tc_signer_device(s, d.id);
    CHECK_OK(tc_tx_payload_encode(payload, sizeof payload, &pl, (const uint8_t *)"c1", 2, TC_TX_DEV_SET_ATTRS, s,
                                  sizeof s, 1, body, bl));
    CHECK_OK(tc_tx_sign1(tx, sizeof tx, &tl, payload, pl, d.sec));
    CHECK_OK(tc_tx_decode(&t, &err, tx, tl));
    emit(dir, "sign1_set_attrs", tx, tl);
    tc_signer_gov(sg);
    CHECK_OK(tc_tx_payload_encode(payload, sizeof payload, &pl, (const uint8_t *)"c1", 2, TC_TX_GOV_SET_KEYS, sg, 1,
                                  7, body, bl));
    CHECK_OK(tc_tx_sign_multi(tx, sizeof tx, &tl, payload, pl, (const uint8_t(*)[64])gsec, 2));
    CHECK_OK(tc_tx_decode(&t, &err, tx, tl));
    CHECK_EQ(t.nsig, 2);
    emit(dir, "sign_gov_2of3", tx, tl);
}

int main(void)
{
    RUN(test_seeds);
    return test_summary();
}
