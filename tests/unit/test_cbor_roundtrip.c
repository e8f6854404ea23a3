/* Round trips: values -> encoder -> getters give the same values, and
 * generated items -> validator -> getters -> encoder give the same bytes. */
#include <math.h>
#include <stdint.h>

#include "test.h"
#include "tc/cbor.h"
#include "tc/cbor_gen.h"

static uint8_t buf[1 << 20], out[1 << 20];
static char diag[1 << 22];

static uint64_t rnd_state = 42;
static uint64_t rnd(void)
{
    rnd_state ^= rnd_state << 13;
    rnd_state ^= rnd_state >> 7;
    rnd_state ^= rnd_state << 17;
    return rnd_state;
}

static void test_scalars(void)
{
    for (int i = 0; i < 20000; i++) {
        uint64_t u = rnd() >> (rnd() % 64);
        int64_t s = (int64_t)rnd() >> (rnd() % 64);
        uint64_t bits = rnd();
        double f;
        memcpy(&f, &bits, 8);
        tc_cbor_enc e;
        tc_cbor_enc_init(&e, buf, sizeof buf);
        tc_cbor_put_array(&e, 4);
        tc_cbor_put_uint(&e, u);
        tc_cbor_put_int(&e, s);
        tc_cbor_put_float(&e, f);
        tc_cbor_put_negint(&e, u);
        size_t n;
        CHECK_OK(tc_cbor_enc_finish(&e, &n));
        tc_cbor_dec d;
        CHECK_OK(tc_cbor_dec_init(&d, buf, n, NULL));
        uint64_t gu;
        int64_t gs;
        double gf;
        CHECK_OK(tc_cbor_expect_array(&d, 4));
        CHECK_OK(tc_cbor_get_uint(&d, &gu));
        CHECK(gu == u);
        CHECK_OK(tc_cbor_get_int(&d, &gs));
        CHECK(gs == s);
        CHECK_OK(tc_cbor_get_float(&d, &gf));
        uint64_t gbits;
        memcpy(&gbits, &gf, 8);
        if (f != f) CHECK(gf != gf);
        else CHECK_MSG(gbits == bits, "%016llx -> %016llx", (unsigned long long)bits, (unsigned long long)gbits);
        tc_cbor_type t;
        CHECK_OK(tc_cbor_peek(&d, &t));
        CHECK_EQ(t, TC_CBOR_NEGINT);
        CHECK_OK(tc_cbor_skip(&d));
        CHECK_OK(tc_cbor_dec_done(&d));
    }
}

/* Every half and single bit pattern widened to double re-encodes to the
 * same width and bits (except NaNs, which all become f97e00). */
static void test_all_halves_and_some_singles(void)
{
    uint8_t in[5], enc[9];
    for (uint32_t h = 0; h < 65536; h++) {
        in[0] = 0xf9; in[1] = (uint8_t)(h >> 8); in[2] = (uint8_t)h;
        int nan = (h & 0x7c00) == 0x7c00 && (h & 0x3ff);
        int rc = tc_cbor_validate(NULL, in, 3, NULL);
        CHECK_EQ(rc, nan && h != 0x7e00 ? TC_ERR_CBOR_NONCANONICAL_FLOAT : 0);
        if (rc) continue;
        tc_cbor_dec d;
        double f;
        CHECK_OK(tc_cbor_dec_init(&d, in, 3, NULL));
        CHECK_OK(tc_cbor_get_float(&d, &f));
        tc_cbor_enc e;
        tc_cbor_enc_init(&e, enc, sizeof enc);
        tc_cbor_put_float(&e, f);
        CHECK_EQ(e.len, 3);
        CHECK_MEM(enc, in, 3);
    }
    for (int i = 0; i < 200000; i++) {
        uint32_t x = (uint32_t)rnd();
        in[0] = 0xfa; in[1] = (uint8_t)(x >> 24); in[2] = (uint8_t)(x >> 16); in[3] = (uint8_t)(x >> 8); in[4] = (uint8_t)x;
        int rc = tc_cbor_validate(NULL, in, 5, NULL);
        /* a single is valid iff it is not a NaN and has no exact half form */
        int e8 = (x >> 23) & 0xff;
        uint32_t m = x & 0x7fffff;
        int half_ok;
        if (e8 == 0xff) half_ok = 1; /* Inf fits a half; NaN must be f97e00 */
        else if (e8 == 0) half_ok = m == 0;
        else {
            int ex = e8 - 127;
            if (ex >= -14 && ex <= 15) half_ok = (m & 0x1fff) == 0;
            else if (ex >= -24 && ex < -14) half_ok = ((m | 0x800000) & ((1u << (13 + (-14 - ex))) - 1)) == 0;
            else half_ok = 0;
        }
        CHECK_MSG(rc == (half_ok ? TC_ERR_CBOR_NONCANONICAL_FLOAT : 0), "fa%08x: %s", x, tc_errname(rc));
    }
}

static void test_generated(void)
{
    size_t total = 0;
    for (uint64_t seed = 0; seed < 3000; seed++) {
        size_t n, m, dl;
        CHECK_OK(tc_cbor_gen(buf, sizeof buf, &n, seed, 4));
        total += n;
        tc_cbor_dec d;
        int rc = tc_cbor_dec_init(&d, buf, n, NULL);
        CHECK_MSG(rc == 0, "seed %llu: %s", (unsigned long long)seed, tc_strerror(rc));
        tc_cbor_enc e;
        tc_cbor_enc_init(&e, out, sizeof out);
        CHECK_OK(tc_cbor_reencode(&e, &d));
        CHECK_OK(tc_cbor_enc_finish(&e, &m));
        CHECK_OK(tc_cbor_dec_done(&d));
        CHECK_EQ(m, n);
        CHECK_MEM(out, buf, n);
        CHECK_OK(tc_cbor_diag(diag, sizeof diag, &dl, buf, n, NULL));
        CHECK_EQ(strlen(diag), dl);
        /* measuring gives the same length, a short buffer says so */
        char small[8];
        CHECK_EQ(tc_cbor_diag(small, sizeof small, &m, buf, n, NULL), dl < sizeof small ? 0 : TC_ERR_BUFFER_TOO_SMALL);
        CHECK_EQ(m, dl);
        CHECK(strlen(small) == (dl < sizeof small ? dl : sizeof small - 1));
        /* every strict prefix is truncated */
        if (n > 1) CHECK_ERR(tc_cbor_validate(NULL, buf, n - 1 - (size_t)(seed % (n - 1)), NULL), TC_ERR_CBOR_TRUNCATED);
    }
    CHECK(total > 3000 * 20);
}

int main(void)
{
    RUN(test_scalars);
    RUN(test_all_halves_and_some_singles);
    RUN(test_generated);
    return test_summary();
}
