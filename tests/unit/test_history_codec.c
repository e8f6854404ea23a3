/* CBOR encodings of history proofs: round trips for proofs the tree makes,
 * and every malformed or tampered encoding rejected with its specific code. */
#include <stdint.h>
#include <string.h>

#include "tc/crypto.h"
#include "tc/history.h"
#include "tc/kv.h"
#include "test.h"

#define H 32

static tc_kv *kv;
static tc_hist *hist;
#define N 1500

static void test_roundtrip(void)
{
    uint8_t p[TC_HIST_MAX_PROOF * H], q[TC_HIST_MAX_PROOF * H], root[H], old_root[H];
    uint8_t enc[TC_HIST_PROOF_CBOR_MAX], lh[H];
    tc_hist_root(hist, root);
    for (uint64_t i = 0; i < N; i += 37) {
        size_t cnt, len, mlen, qn;
        uint64_t a, b;
        /* inclusion of leaf i in the whole tree */
        CHECK_OK(tc_hist_prove_inclusion(hist, p, TC_HIST_MAX_PROOF, &cnt, i, N));
        CHECK_OK(tc_hist_inclusion_encode(NULL, 0, &mlen, i, N, p, cnt));
        CHECK_OK(tc_hist_inclusion_encode(enc, sizeof enc, &len, i, N, p, cnt));
        CHECK_EQ(len, mlen);
        CHECK_ERR(tc_hist_inclusion_encode(enc, len - 1, &mlen, i, N, p, cnt), TC_ERR_BUFFER_TOO_SMALL);
        CHECK_EQ(mlen, len);
        CHECK_OK(tc_hist_inclusion_decode(&a, &b, q, TC_HIST_MAX_PROOF, &qn, enc, len));
        CHECK_EQ(a, i);
        CHECK_EQ(b, N);
        CHECK_EQ(qn, cnt);
        CHECK_MEM(p, q, cnt * H);
        CHECK_OK(tc_hist_leaf_at(hist, lh, i));
        CHECK_OK(tc_hist_verify_inclusion(root, a, b, lh, q, qn));
        /* a short hash buffer */
        if (cnt > 0)
            CHECK_ERR(tc_hist_inclusion_decode(&a, &b, q, cnt - 1, &qn, enc, len), TC_ERR_BUFFER_TOO_SMALL);
        /* consistency from i to the whole tree */
        CHECK_OK(tc_hist_prove_consistency(hist, p, TC_HIST_MAX_PROOF, &cnt, i, N));
        CHECK_OK(tc_hist_consistency_encode(enc, sizeof enc, &len, i, N, p, cnt));
        CHECK_OK(tc_hist_consistency_decode(&a, &b, q, TC_HIST_MAX_PROOF, &qn, enc, len));
        CHECK_EQ(a, i);
        CHECK_EQ(b, N);
        CHECK_EQ(qn, cnt);
        CHECK_MEM(p, q, cnt * H);
        CHECK_OK(tc_hist_root_at(hist, old_root, i));
        CHECK_OK(tc_hist_verify_consistency(a, b, old_root, root, q, qn));
    }
}

/* Builds [a, b, [n hashes of hlen bytes]] by hand (canonical heads). */
static size_t build(uint8_t *out, uint64_t a, uint64_t b, size_t n, size_t hlen)
{
    size_t k = 0;
    out[k++] = 0x83;
    out[k++] = (uint8_t)a; /* callers keep a, b < 24 */
    out[k++] = (uint8_t)b;
    out[k++] = (uint8_t)(0x80 | n); /* n < 24 */
    for (size_t i = 0; i < n; i++) {
        out[k++] = 0x58;
        out[k++] = (uint8_t)hlen;
        memset(out + k, (int)(0x40 + i), hlen);
        k += hlen;
    }
    return k;
}

static void test_malformed(void)
{
    uint8_t buf[2048], q[TC_HIST_MAX_PROOF * H];
    uint64_t a, b;
    size_t n, len;
    /* leaf 0 of 2 needs exactly one hash; old 1 -> new 3 needs two */
    len = build(buf, 0, 2, 1, 32);
    CHECK_OK(tc_hist_inclusion_decode(&a, &b, q, TC_HIST_MAX_PROOF, &n, buf, len));
    CHECK_EQ(n, 1);
    len = build(buf, 0, 2, 2, 32);
    CHECK_ERR(tc_hist_inclusion_decode(&a, &b, q, TC_HIST_MAX_PROOF, &n, buf, len), TC_ERR_MERKLE_PROOF_LEN);
    len = build(buf, 0, 2, 0, 32);
    CHECK_ERR(tc_hist_inclusion_decode(&a, &b, q, TC_HIST_MAX_PROOF, &n, buf, len), TC_ERR_MERKLE_PROOF_LEN);
    len = build(buf, 2, 2, 1, 32);
    CHECK_ERR(tc_hist_inclusion_decode(&a, &b, q, TC_HIST_MAX_PROOF, &n, buf, len), TC_ERR_MERKLE_INDEX);
    len = build(buf, 0, 0, 0, 32);
    CHECK_ERR(tc_hist_inclusion_decode(&a, &b, q, TC_HIST_MAX_PROOF, &n, buf, len), TC_ERR_MERKLE_INDEX);
    len = build(buf, 0, 2, 1, 31);
    CHECK_ERR(tc_hist_inclusion_decode(&a, &b, q, TC_HIST_MAX_PROOF, &n, buf, len), TC_ERR_CBOR_LENGTH);
    len = build(buf, 0, 2, 1, 33); /* over the decoder's string limit */
    CHECK_ERR(tc_hist_inclusion_decode(&a, &b, q, TC_HIST_MAX_PROOF, &n, buf, len), TC_ERR_CBOR_SIZE);
    len = build(buf, 1, 3, 2, 32);
    CHECK_OK(tc_hist_consistency_decode(&a, &b, q, TC_HIST_MAX_PROOF, &n, buf, len));
    CHECK_EQ(n, 2);
    len = build(buf, 1, 3, 3, 32);
    CHECK_ERR(tc_hist_consistency_decode(&a, &b, q, TC_HIST_MAX_PROOF, &n, buf, len), TC_ERR_MERKLE_PROOF_LEN);
    len = build(buf, 3, 3, 1, 32); /* old == new: the proof is empty */
    CHECK_ERR(tc_hist_consistency_decode(&a, &b, q, TC_HIST_MAX_PROOF, &n, buf, len), TC_ERR_MERKLE_PROOF_LEN);
    len = build(buf, 0, 5, 0, 32);
    CHECK_OK(tc_hist_consistency_decode(&a, &b, q, TC_HIST_MAX_PROOF, &n, buf, len));
    CHECK_EQ(n, 0);
    len = build(buf, 4, 3, 0, 32);
    CHECK_ERR(tc_hist_consistency_decode(&a, &b, q, TC_HIST_MAX_PROOF, &n, buf, len), TC_ERR_MERKLE_INDEX);

    /* CBOR-level faults */
    len = build(buf, 0, 2, 1, 32);
    buf[len] = 0x00;
    CHECK_ERR(tc_hist_inclusion_decode(&a, &b, q, TC_HIST_MAX_PROOF, &n, buf, len + 1), TC_ERR_CBOR_TRAILING);
    CHECK_ERR(tc_hist_inclusion_decode(&a, &b, q, TC_HIST_MAX_PROOF, &n, buf, len - 1), TC_ERR_CBOR_TRUNCATED);
    CHECK_ERR(tc_hist_inclusion_decode(&a, &b, q, TC_HIST_MAX_PROOF, &n, buf, 0), TC_ERR_CBOR_TRUNCATED);
    buf[3] = 0x61; /* the hash list replaced by a text string "X" ... */
    buf[4] = 'X';
    CHECK_ERR(tc_hist_inclusion_decode(&a, &b, q, TC_HIST_MAX_PROOF, &n, buf, 5), TC_ERR_CBOR_TYPE);
    len = build(buf, 0, 2, 1, 32);
    buf[0] = 0x84; /* four items */
    buf[len] = 0x00;
    CHECK_ERR(tc_hist_inclusion_decode(&a, &b, q, TC_HIST_MAX_PROOF, &n, buf, len + 1), TC_ERR_CBOR_LENGTH);
    len = build(buf, 0, 2, 1, 32);
    buf[1] = 0x20; /* index -1 */
    CHECK_ERR(tc_hist_inclusion_decode(&a, &b, q, TC_HIST_MAX_PROOF, &n, buf, len), TC_ERR_CBOR_TYPE);
    /* a non-shortest index: 0x18 0x00 for 0 */
    uint8_t nc[] = {0x83, 0x18, 0x00, 0x01, 0x80};
    CHECK_ERR(tc_hist_inclusion_decode(&a, &b, q, TC_HIST_MAX_PROOF, &n, nc, sizeof nc),
              TC_ERR_CBOR_NONCANONICAL_INT);
    uint8_t ok1[] = {0x83, 0x00, 0x01, 0x80}; /* leaf 0 of 1: empty proof */
    CHECK_OK(tc_hist_inclusion_decode(&a, &b, q, TC_HIST_MAX_PROOF, &n, ok1, sizeof ok1));
    CHECK_EQ(n, 0);
    /* an indefinite-length hash list */
    uint8_t ind[] = {0x83, 0x00, 0x01, 0x9f, 0xff};
    CHECK_ERR(tc_hist_inclusion_decode(&a, &b, q, TC_HIST_MAX_PROOF, &n, ind, sizeof ind),
              TC_ERR_CBOR_INDEFINITE);
    /* a list longer than any proof */
    uint8_t big[8] = {0x83, 0x00, 0x01, 0x98, 0x80};
    CHECK_ERR(tc_hist_inclusion_decode(&a, &b, q, TC_HIST_MAX_PROOF, &n, big, 5), TC_ERR_CBOR_SIZE);
}

int main(void)
{
    if (tc_crypto_init()) return 1;
    if (tc_kv_mem_open(&kv) || tc_hist_open(&hist, kv, (const uint8_t *)"h", 1)) return 1;
    uint8_t d[4];
    for (uint32_t i = 0; i < N; i++) {
        memcpy(d, &i, 4);
        if (tc_hist_append(hist, d, 4)) return 1;
    }
    if (tc_hist_flush(hist)) return 1;
    RUN(test_roundtrip);
    RUN(test_malformed);
    tc_hist_close(hist);
    tc_kv_close(kv);
    return test_summary();
}
