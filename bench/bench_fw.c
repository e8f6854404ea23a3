/* Firmware chunk-verification benchmark (issue 8 item 7): the device's
 * per-chunk work in tcdev_fw_feed — exact length, inclusion path decoded
 * and verified against the chunk-tree root, running SHA-256 of the image,
 * slot write (a no-op callback here) — in MB/s, beside raw SHA-256 over the
 * same bytes measured in the same run, right before each timed loop.
 * Chunk sizes 1 KiB, 4 KiB, 64 KiB over an 8 MiB image. Target ratio >= 0.9.
 *
 * What bounds it: every image byte is hashed twice (the leaf hash
 * SHA-256(0x00 || chunk) and the whole-image digest the release names), so
 * the ceiling is ~0.5 of one SHA-256 pass; the path adds log2(n) node
 * hashes (two compression blocks each) per chunk, which matters at 1 KiB.
 * The device uses the in-order chunk cache (tc_chunk_verify_cached: about
 * 2 node hashes per chunk); "no-cache ratio" verifies every path to the
 * root. "verify-only" (cache, no running digest) is the chunk tree alone.
 * Rates are per CPU second of this thread (the machine is shared).
 * Prints figures, never passes or fails. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tc/chunktree.h"
#include "tc/crypto.h"
#include "tcdev/firmware.h"

#define IMG (8u << 20)

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts); /* CPU time: the machine is shared */
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static volatile uint8_t sink;

static int nop_write(void *ctx, unsigned slot, uint64_t off, const uint8_t *d, size_t n)
{
    (void)ctx; (void)slot; (void)off; (void)n;
    sink ^= d[0];
    return 0;
}

/* Raw SHA-256 MB/s over the image, streamed in chunk-size updates. */
static double sha_mbs(const uint8_t *img, uint32_t cs, int reps)
{
    uint8_t out[32];
    double t0 = now();
    for (int r = 0; r < reps; r++) {
        tc_sha256_ctx c;
        tc_sha256_init(&c);
        for (uint32_t off = 0; off < IMG; off += cs) tc_sha256_update(&c, img + off, cs);
        tc_sha256_final(&c, out);
        sink ^= out[0];
    }
    return (double)IMG * reps / (now() - t0) / 1e6;
}

int main(void)
{
    static const uint32_t sizes[] = {1024, 4096, 65536};
    uint8_t *img = malloc(IMG);
    if (!img || tc_crypto_init()) return 1;
    for (uint32_t i = 0; i < IMG; i++) img[i] = (uint8_t)(i * 2654435761u >> 13);
    printf("%-8s %12s %14s %8s %14s %16s %8s\n", "chunk", "feed MB/s", "SHA-256 MB/s", "ratio",
           "no-cache ratio", "verify-only MB/s", "ratio");
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        uint32_t cs = sizes[s];
        uint64_t n = IMG / cs;
        uint8_t *leaves = malloc(n * 32), *paths = malloc(n * TC_CHUNK_PATH_CBOR_MAX);
        size_t *plen = malloc(n * sizeof *plen);
        static tcdev_fw fw;
        uint8_t root[32];
        if (!leaves || !paths || !plen) return 1;
        for (uint64_t i = 0; i < n; i++) tc_hist_leaf_hash(leaves + i * 32, img + i * cs, cs);
        tc_chunktree_image_root(root, img, IMG, cs);
        for (uint64_t i = 0; i < n; i++)
            if (tc_chunk_path(paths + i * TC_CHUNK_PATH_CBOR_MAX, TC_CHUNK_PATH_CBOR_MAX, &plen[i], leaves, n, i))
                return 1;
        int reps = 3;
        double feed[2], ref[2];
        /* the device's feed, as tcdev_fw_start would leave fw; [0] with the
         * in-order cache (what a device uses), [1] without */
        for (int use = 0; use < 2; use++) {
            static tc_chunk_cache cache;
            ref[use] = sha_mbs(img, cs, reps);
            double t0 = now();
            for (int r = 0; r < reps; r++) {
                memset(&fw, 0, sizeof fw);
                fw.magic = TCDEV_FW_MAGIC;
                fw.state = TCDEV_FW_DOWNLOADING;
                fw.size = IMG;
                fw.chunk_size = cs;
                fw.count = n;
                memcpy(fw.root, root, 32);
                fw.deadline = fw.chunk_deadline = UINT64_MAX / 2;
                fw.chunk_timeout_ms = 1000;
                tc_sha256_init(&fw.hash);
                tc_chunk_cache_reset(&cache);
                for (uint64_t i = 0; i < n; i++)
                    if (tcdev_fw_feed(&fw, use == 0 ? &cache : NULL, NULL, nop_write, NULL, i, img + i * cs, cs,
                                      paths + i * TC_CHUNK_PATH_CBOR_MAX, plen[i], 1))
                        return 1;
            }
            feed[use] = (double)IMG * reps / (now() - t0) / 1e6;
        }
        /* the chunk tree alone (no running digest), with the cache */
        static tc_chunk_cache vc;
        double ref2 = sha_mbs(img, cs, reps);
        double t0 = now();
        for (int r = 0; r < reps; r++) {
            tc_chunk_cache_reset(&vc);
            for (uint64_t i = 0; i < n; i++)
                if (tc_chunk_verify_cached(&vc, root, i, n, img + i * cs, cs, paths + i * TC_CHUNK_PATH_CBOR_MAX, plen[i]))
                    return 1;
        }
        double ver = (double)IMG * reps / (now() - t0) / 1e6;
        printf("%-8u %12.1f %14.1f %8.2f %14.2f %16.1f %8.2f\n", cs, feed[0], ref[0], feed[0] / ref[0],
               feed[1] / ref[1], ver, ver / ref2);
        free(leaves);
        free(paths);
        free(plen);
    }
    printf("target: feed/SHA-256 >= 0.9 (ceiling ~0.5: each byte is hashed for its leaf and for the image digest)\n");
    free(img);
    return 0;
}
