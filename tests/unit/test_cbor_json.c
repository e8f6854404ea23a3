/* CBOR as JSON for people (io/cbor_json.c): the ledger's record shapes
 * (integer-keyed maps, byte strings, text, arrays, nested maps), and
 * refusal of what is not one CBOR item. */
#include <stdlib.h>

#include "tc/cbor.h"
#include "tc/cbor_json.h"
#include "test.h"

static char *dump(json_t *j)
{
    char *s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(j);
    return s;
}

static void test_record(void)
{
    uint8_t buf[256];
    size_t n;
    tc_cbor_enc e;
    tc_cbor_enc_init(&e, buf, sizeof buf);
    tc_cbor_put_map(&e, 5);
    tc_cbor_put_uint(&e, 1);
    tc_cbor_put_bytes(&e, (const uint8_t *)"\x01\xab", 2);
    tc_cbor_put_uint(&e, 3);
    tc_cbor_put_cstr(&e, "m1");
    tc_cbor_put_uint(&e, 9);
    tc_cbor_put_map(&e, 1);
    tc_cbor_put_cstr(&e, "color");
    tc_cbor_put_cstr(&e, "red");
    tc_cbor_put_uint(&e, 10);
    tc_cbor_put_array(&e, 2);
    tc_cbor_put_int(&e, -5);
    tc_cbor_put_bool(&e, 1);
    tc_cbor_put_uint(&e, 11);
    tc_cbor_put_uint(&e, 18446744073709551615u);
    CHECK_OK(tc_cbor_enc_finish(&e, &n));
    char *s = dump(tc_cbor_to_json(buf, n));
    CHECK(s != NULL);
    /* uint64 above INT64_MAX: JSON has no such integer, shown as a number */
    static char got[256];
    snprintf(got, sizeof got, "%s", s);
    free(s);
    CHECK_MSG(!strcmp(got, "{\"1\":\"01ab\",\"10\":[-5,true],\"11\":1.8446744073709552e19,\"3\":\"m1\",\"9\":{\"color\":\"red\"}}"),
              "%s", got);
}

static void test_refuse(void)
{
    static const uint8_t trailing[] = {0x01, 0x02}, truncated[] = {0x62, 'a'}, noncanon[] = {0x18, 0x01};
    CHECK(tc_cbor_to_json(trailing, sizeof trailing) == NULL);
    CHECK(tc_cbor_to_json(truncated, sizeof truncated) == NULL);
    CHECK(tc_cbor_to_json(noncanon, sizeof noncanon) == NULL);
    CHECK(tc_cbor_to_json(NULL, 0) == NULL);
}

int main(void)
{
    RUN(test_record);
    RUN(test_refuse);
    return test_summary();
}
