/* Firmware chunk tree and chunk store (io/fwimage.c, io/chunkstore.c;
 * docs/firmware-ops.md): roots and paths agree with the RFC 9162 verifier,
 * chunks are checked against their declared leaf hash, the digest is
 * checked when the last chunk arrives, range reads cross chunk borders,
 * the byte bound refuses with FW_STORE_FULL, everything survives reopening,
 * and deleting an image frees its unshared chunks. */
#include <stdlib.h>
#include <unistd.h>

#include "tc/alloc.h"
#include "tc/chunkstore.h"
#include "tc/crypto.h"
#include "tc/fwimage.h"
#include "test.h"

static char dir[256], db[300];

static void make_image(uint8_t *img, size_t n, uint32_t seed)
{
    for (size_t i = 0; i < n; i++) { seed = seed * 1103515245u + 12345u; img[i] = (uint8_t)(seed >> 16); }
}

static void test_tree_paths_verify(void)
{
    static uint8_t img[10000], leaves[200 * 32], proof[TC_HIST_PROOF_CBOR_MAX], path[TC_HIST_MAX_PROOF * 32];
    make_image(img, sizeof img, 7);
    for (uint32_t cs = 64; cs <= 4096; cs *= 4) {
        uint64_t n = tc_fwimage_nchunks(sizeof img, cs);
        tc_fwimage_leaves(leaves, img, sizeof img, cs);
        uint8_t root[32], root2[32];
        tc_fwtree *t;
        CHECK_OK(tc_fwtree_build(&t, leaves, n));
        tc_fwtree_root(t, root);
        CHECK_OK(tc_fwimage_root(root2, leaves, n));
        CHECK_MEM(root, root2, 32);
        for (uint64_t i = 0; i < n; i++) {
            size_t pl, np;
            uint64_t idx, size;
            CHECK_OK(tc_fwtree_path(t, proof, sizeof proof, &pl, i));
            CHECK_OK(tc_hist_inclusion_decode(&idx, &size, path, TC_HIST_MAX_PROOF, &np, proof, pl));
            CHECK_EQ(idx, i);
            CHECK_EQ(size, n);
            CHECK_OK(tc_hist_verify_inclusion(root, i, n, leaves + 32 * i, path, np));
            if (i + 1 < n) CHECK(tc_hist_verify_inclusion(root, i, n, leaves + 32 * (i + 1), path, np) != 0);
        }
        CHECK_ERR(tc_fwtree_path(t, proof, sizeof proof, NULL, n), TC_ERR_MERKLE_INDEX);
        tc_fwtree_free(t);
    }
}

static void test_store_upload_read(void)
{
    static uint8_t img[5000], leaves[100 * 32], out[5000];
    const uint32_t cs = 256;
    uint64_t n = tc_fwimage_nchunks(sizeof img, cs);
    uint8_t digest[32], root[32];
    tc_err err;
    tc_chunkstore *s;
    int stored;
    make_image(img, sizeof img, 1);
    tc_sha256(digest, img, sizeof img);
    tc_fwimage_leaves(leaves, img, sizeof img, cs);
    CHECK_OK(tc_fwimage_root(root, leaves, n));
    CHECK_OK(tc_chunkstore_open(&s, &err, db, 1 << 20));
    CHECK_ERR(tc_chunkstore_put_chunk(s, &err, NULL, digest, 0, img, cs), TC_ERR_FW_IMAGE_UNKNOWN);
    uint8_t bad[32];
    memcpy(bad, root, 32);
    bad[0] ^= 1;
    CHECK_ERR(tc_chunkstore_put_image(s, &err, digest, sizeof img, cs, bad, leaves, n), TC_ERR_FW_IMAGE_META);
    CHECK_ERR(tc_chunkstore_put_image(s, &err, digest, sizeof img, cs, root, leaves, n - 1), TC_ERR_FW_IMAGE_META);
    CHECK_OK(tc_chunkstore_put_image(s, &err, digest, sizeof img, cs, root, leaves, n));
    CHECK_OK(tc_chunkstore_put_image(s, &err, digest, sizeof img, cs, root, leaves, n));
    CHECK_ERR(tc_chunkstore_put_image(s, &err, digest, sizeof img + 1, cs, root, leaves, n), TC_ERR_FW_IMAGE_META);
    /* a flipped byte, a short chunk, a chunk at the wrong index */
    img[3] ^= 1;
    CHECK_ERR(tc_chunkstore_put_chunk(s, &err, NULL, digest, 0, img, cs), TC_ERR_FW_CHUNK_MISMATCH);
    img[3] ^= 1;
    CHECK_ERR(tc_chunkstore_put_chunk(s, &err, NULL, digest, 0, img, cs - 1), TC_ERR_FW_CHUNK_MISMATCH);
    CHECK_ERR(tc_chunkstore_put_chunk(s, &err, NULL, digest, 1, img, cs), TC_ERR_FW_CHUNK_MISMATCH);
    CHECK_ERR(tc_chunkstore_put_chunk(s, &err, NULL, digest, n, img, cs), TC_ERR_FW_CHUNK_MISMATCH);
    tc_fwinfo in;
    for (uint64_t i = 0; i < n; i += 2) {
        size_t len = i + 1 == n ? sizeof img - i * cs : cs;
        CHECK_OK(tc_chunkstore_put_chunk(s, &err, &stored, digest, i, img + i * cs, len));
        CHECK_EQ(stored, 1);
    }
    CHECK_OK(tc_chunkstore_image(s, &in, NULL, digest));
    CHECK_EQ(in.nchunks, n);
    CHECK_EQ(in.have, (n + 1) / 2);
    CHECK_EQ(in.present, 0);
    CHECK(tc_chunkstore_has_chunk(s, digest, 0));
    CHECK(!tc_chunkstore_has_chunk(s, digest, 1));
    CHECK_ERR(tc_chunkstore_read(s, out, digest, 200, 100), TC_ERR_FW_INCOMPLETE);
    CHECK_OK(tc_chunkstore_read(s, out, digest, 10, 200));
    CHECK_MEM(out, img + 10, 200);
    tc_chunkstore_close(s);

    /* resume after reopening */
    CHECK_OK(tc_chunkstore_open(&s, &err, db, 1 << 20));
    CHECK_EQ(tc_chunkstore_bytes(s), (n + 1) / 2 * cs); /* n = 20: chunks 0, 2, ..., 18 */
    for (uint64_t i = 1; i < n; i += 2) {
        size_t len = i + 1 == n ? sizeof img - i * cs : cs;
        CHECK_OK(tc_chunkstore_put_chunk(s, &err, &stored, digest, i, img + i * cs, len));
    }
    CHECK_OK(tc_chunkstore_put_chunk(s, &err, &stored, digest, 0, img, cs));
    CHECK_EQ(stored, 0);
    CHECK_OK(tc_chunkstore_info(s, &in, digest));   /* the cached count, kept current by put_chunk */
    CHECK_EQ(in.have, n);
    CHECK_EQ(in.present, 1);
    CHECK_OK(tc_chunkstore_image(s, &in, NULL, digest));
    CHECK_EQ(in.present, 1);
    CHECK_EQ(in.have, n);
    CHECK_OK(tc_chunkstore_read(s, out, digest, 0, sizeof img));
    CHECK_MEM(out, img, sizeof img);
    CHECK_OK(tc_chunkstore_read(s, out, digest, sizeof img - 1, 1));
    CHECK_EQ(out[0], img[sizeof img - 1]);
    CHECK_ERR(tc_chunkstore_read(s, out, digest, sizeof img - 1, 2), TC_ERR_FW_RANGE);
    CHECK_OK(tc_chunkstore_delete_image(s, digest));
    CHECK_EQ(tc_chunkstore_bytes(s), 0);
    CHECK_ERR(tc_chunkstore_image(s, &in, NULL, digest), TC_ERR_FW_IMAGE_UNKNOWN);
    tc_chunkstore_close(s);
}

/* Chunks that all hash right but whose concatenation is not the digest. */
static void test_store_wrong_digest(void)
{
    static uint8_t img[1000], leaves[16 * 32];
    uint8_t digest[32], root[32];
    tc_err err;
    tc_chunkstore *s;
    make_image(img, sizeof img, 3);
    tc_sha256(digest, "something else", 14);
    tc_fwimage_leaves(leaves, img, sizeof img, 128);
    uint64_t n = tc_fwimage_nchunks(sizeof img, 128);
    CHECK_OK(tc_fwimage_root(root, leaves, n));
    CHECK_OK(tc_chunkstore_open(&s, &err, db, 1 << 20));
    CHECK_OK(tc_chunkstore_put_image(s, &err, digest, sizeof img, 128, root, leaves, n));
    int rc = 0;
    for (uint64_t i = 0; i < n && !rc; i++)
        rc = tc_chunkstore_put_chunk(s, &err, NULL, digest, i, img + i * 128, i + 1 == n ? sizeof img - i * 128 : 128);
    CHECK_EQ(rc, TC_ERR_FW_DIGEST);
    tc_fwinfo in;
    CHECK_OK(tc_chunkstore_image(s, &in, NULL, digest));
    CHECK_EQ(in.present, 0);
    tc_chunkstore_close(s);
}

static void test_store_full(void)
{
    static uint8_t img[4096], leaves[16 * 32];
    uint8_t digest[32], root[32];
    tc_err err;
    tc_chunkstore *s;
    make_image(img, sizeof img, 9);
    tc_sha256(digest, img, sizeof img);
    tc_fwimage_leaves(leaves, img, sizeof img, 1024);
    CHECK_OK(tc_fwimage_root(root, leaves, 4));
    char path[320];
    snprintf(path, sizeof path, "%s/full.db", dir);
    CHECK_OK(tc_chunkstore_open(&s, &err, path, 2500));
    CHECK_OK(tc_chunkstore_put_image(s, &err, digest, sizeof img, 1024, root, leaves, 4));
    CHECK_OK(tc_chunkstore_put_chunk(s, &err, NULL, digest, 0, img, 1024));
    CHECK_OK(tc_chunkstore_put_chunk(s, &err, NULL, digest, 1, img + 1024, 1024));
    CHECK_ERR(tc_chunkstore_put_chunk(s, &err, NULL, digest, 2, img + 2048, 1024), TC_ERR_FW_STORE_FULL);
    CHECK(strstr(err.msg, "2500") != NULL);
    CHECK_EQ(tc_chunkstore_bytes(s), 2048);
    tc_chunkstore_close(s);
}

static void test_meta_parse(void)
{
    char js[512], z[65];
    tc_fwmeta m;
    tc_err err;
    memset(z, '0', 64);
    z[64] = 0;
    snprintf(js, sizeof js, "{\"size\":100,\"chunk_size\":64,\"root\":\"%s\",\"leaves\":\"%s%s\"}", z, z, z);
    CHECK_OK(tc_fwmeta_parse(&m, &err, (const uint8_t *)js, strlen(js)));
    CHECK_EQ(m.n, 2);
    CHECK_EQ(m.size, 100);
    tc_free(m.leaves);
    snprintf(js, sizeof js, "{\"size\":100,\"chunk_size\":64,\"root\":\"%s\",\"leaves\":\"%s\"}", z, z);
    CHECK_ERR(tc_fwmeta_parse(&m, &err, (const uint8_t *)js, strlen(js)), TC_ERR_FW_IMAGE_META);
    CHECK(strstr(err.msg, "2 chunks") != NULL);
    CHECK(m.leaves == NULL);
    snprintf(js, sizeof js, "{\"size\":100,\"chunk_size\":64,\"root\":\"%s\",\"leaves\":\"%s%s\",\"x\":1}", z, z, z);
    CHECK_ERR(tc_fwmeta_parse(&m, &err, (const uint8_t *)js, strlen(js)), TC_ERR_FW_IMAGE_META); /* unknown key */
    CHECK_ERR(tc_fwmeta_parse(&m, &err, (const uint8_t *)"[1", 2), TC_ERR_FW_IMAGE_META);
}

int main(void)
{
    const char *td = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/tc_chunkstore_XXXXXX", td && *td ? td : "/tmp");
    if (!mkdtemp(dir)) return 1;
    snprintf(db, sizeof db, "%s/node.db", dir);
    RUN(test_tree_paths_verify);
    RUN(test_store_upload_read);
    RUN(test_store_wrong_digest);
    RUN(test_store_full);
    RUN(test_meta_parse);
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0) fprintf(stderr, "cannot remove %s\n", dir);
    return test_summary();
}
