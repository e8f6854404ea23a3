/* Light-client benchmark (issue 7 item 7): proof-bundle bytes and the time a
 * device needs to verify one — header + commit certificate (4 and 7
 * validators, all signing) + a state proof for one device record — with the
 * state tree grown to TC_BENCH_LIGHT_KEYS device records (default 10^6, the
 * target scenario; the in-memory tree in batches of 10^4), beside raw
 * Ed25519 verifications/s and SHA-256/s (64-byte inputs) measured in the
 * same run. Prints figures and ratios, never passes or fails. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tc/bundle.h"
#include "tc/consensus.h"
#include "tc/crypto.h"
#include "tc/kv.h"
#include "tc/smt.h"
#include "tcdev/light.h"

#define LOAD_BATCH 10000

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static tcdev_light st, anchor_st;
static tcdev_light_work work;
static uint8_t bundle[16384], proof[TC_SMT_PROOF_MAX];

static void dev_key(char *k, size_t cap, uint64_t i) { snprintf(k, cap, "D/%016llx", (unsigned long long)i); }
static void dev_rec(char *r, size_t cap, uint64_t i) { snprintf(r, cap, "record of device %llu: model m1, owner org7", (unsigned long long)i); }

static double ed_per_s(void)
{
    uint8_t seed[32] = {7}, pub[32], sec[64], sig[64], msg[64] = {1};
    tc_ed25519_keypair(pub, sec, seed);
    tc_ed25519_sign(sig, msg, sizeof msg, sec);
    int n = 0;
    double t0 = now(), t;
    do {
        for (int i = 0; i < 100; i++) n += tc_ed25519_verify(sig, msg, sizeof msg, pub) == 0;
    } while ((t = now() - t0) < 0.5);
    return n / t;
}

static double sha_per_s(void)
{
    uint8_t buf[64] = {0}, out[32];
    long n = 0;
    double t0 = now(), t;
    do {
        for (int i = 0; i < 1000; i++) { tc_sha256(out, buf, sizeof buf); buf[0] = out[0]; }
        n += 1000;
    } while ((t = now() - t0) < 0.5);
    return n / t;
}

/* One scenario: nval validators, the tree root, a bundle for device `which`. */
static int scenario(size_t nval, tc_smt *smt, uint64_t version, uint64_t which, double ed, double sha)
{
    uint8_t pubs[8][32], secs[8][64], root[32], vh[32], genesis[32] = {9};
    tc_valset vs;
    tc_valset_init(&vs);
    for (size_t i = 0; i < nval; i++) {
        uint8_t seed[32];
        memset(seed, (int)(i + 1), sizeof seed);
        tc_ed25519_keypair(pubs[i], secs[i], seed);
        if (tc_valset_add(&vs, pubs[i], 10)) return 1;
    }
    if (tc_valset_hash(&vs, vh) || tc_smt_root(smt, root, version)) return 1;
    tc_header h;
    memset(&h, 0, sizeof h);
    memcpy(h.chain_id, "bench", 5);
    h.chain_id_len = 5;
    h.height = 1;
    h.time_ms = 1700000000000ull;
    memcpy(h.prev_hash, genesis, 32);
    memcpy(h.state_root, root, 32);
    memcpy(h.valset_hash, vh, 32);
    memcpy(h.next_valset_hash, vh, 32);
    memcpy(h.proposer, pubs[0], 32);
    uint8_t hdr[TC_HEADER_MAX], id[32], cert[2048], have[TC_VALSET_MAX] = {0};
    static uint8_t sigs[TC_VALSET_MAX][64];
    size_t hlen, clen, plen, blen;
    if (tc_header_encode(hdr, sizeof hdr, &hlen, &h)) return 1;
    tc_sha256(id, hdr, hlen);
    for (size_t i = 0; i < nval; i++) {
        tc_cons_msg m;
        memset(&m, 0, sizeof m);
        m.kind = TC_CONS_PRECOMMIT; m.height = 1; m.pol_round = -1; m.has_id = 1;
        memcpy(m.block_id, id, 32);
        if (tc_cons_msg_sign(&m, "bench", secs[i])) return 1;
        memcpy(sigs[i], m.sig, 64);
        have[i] = 1;
    }
    if (tc_cons_cert_build(cert, sizeof cert, &clen, &vs, 1, 0, id, have,
                           (const uint8_t (*)[64])sigs))
        return 1;
    char key[32], rec[96];
    uint8_t kh[32];
    dev_key(key, sizeof key, which);
    dev_rec(rec, sizeof rec, which);
    tc_sha256(kh, key, strlen(key));
    if (tc_smt_prove(smt, proof, sizeof proof, &plen, version, kh)) return 1;
    tc_bundle_parts p;
    memset(&p, 0, sizeof p);
    p.kind = TCDEV_BUNDLE_STATE;
    p.header.p = hdr; p.header.len = hlen;
    p.cert.p = cert; p.cert.len = clen;
    p.proof.p = proof; p.proof.len = plen;
    p.key.p = (const uint8_t *)key; p.key.len = strlen(key);
    p.record = (const uint8_t *)rec; p.record_len = strlen(rec);
    if (tc_bundle_encode(bundle, sizeof bundle, &blen, &p)) return 1;
    if (tcdev_light_anchor(&anchor_st, genesis, "bench", 5, &vs, 30000)) return 1;
    /* Shared machine: the references are measured again right before the
     * timed loops and the faster figure is kept, so that a loaded start of
     * the run does not flatter the ratios. */
    double ed2 = ed_per_s(), sha2 = sha_per_s();
    if (ed2 > ed) ed = ed2;
    if (sha2 > sha) sha = sha2;
    printf("  reference before %zu validators: Ed25519 verify %.0f/s, SHA-256 %.0f/s\n", nval, ed, sha);
    int n = 0;
    double t0 = now(), t;
    do {
        st = anchor_st;
        if (tcdev_light_verify_bundle(&st, &work, NULL, bundle, blen, h.time_ms)) return 1;
        n++;
    } while ((t = now() - t0) < 1.0);
    double us = t / n * 1e6;
    /* The same with the certificate check only (header verified, no proof). */
    int m = 0;
    t0 = now();
    do {
        st = anchor_st;
        if (tcdev_light_verify_header(&st, &work, hdr, hlen, cert, clen, NULL, 0, h.time_ms))
            return 1;
        m++;
    } while ((t = now() - t0) < 1.0);
    double hus = t / m * 1e6;
    printf("  %zu validators: bundle %zu bytes (header %zu, certificate %zu, proof %zu, key+record %zu)\n",
           nval, blen, hlen, clen, plen, strlen(key) + strlen(rec));
    printf("    bundle verify %.1f us (%.0f/s) = %.2f x one Ed25519 verify, %.2f x %zu Ed25519 verifies;"
           " header+cert alone %.1f us; the rest (proof, decode) %.1f us = %.0f SHA-256 calls\n",
           us, 1e6 / us, us * ed / 1e6, us * ed / 1e6 / (double)nval, nval, hus, us - hus,
           (us - hus) * sha / 1e6);
    return 0;
}

int main(void)
{
    if (tc_crypto_init()) return 1;
    uint64_t keys = 1000000;
    const char *env = getenv("TC_BENCH_LIGHT_KEYS");
    if (env) keys = strtoull(env, NULL, 10);
    double ed = ed_per_s(), sha = sha_per_s();
    printf("bench_light: reference in this run: Ed25519 verify %.0f/s, SHA-256 (64 B) %.0f/s\n", ed, sha);
    printf("  sizeof(tcdev_light) %zu bytes (persisted device state), tcdev_light_work %zu bytes\n",
           sizeof(tcdev_light), sizeof(tcdev_light_work));
    tc_kv *kv;
    tc_smt *smt;
    if (tc_kv_mem_open(&kv) || tc_smt_open(&smt, kv, 2)) return 1;
    static tc_smt_update ups[LOAD_BATCH];
    double t0 = now();
    for (uint64_t i = 0; i < keys;) {
        size_t n = 0;
        for (; n < LOAD_BATCH && i < keys; n++, i++) {
            char key[32], rec[96];
            dev_key(key, sizeof key, i);
            dev_rec(rec, sizeof rec, i);
            tc_sha256(ups[n].key, key, strlen(key));
            tc_sha256(ups[n].value, rec, strlen(rec));
            ups[n].del = 0;
        }
        if (tc_smt_apply(smt, NULL, ups, n)) return 1;
    }
    printf("  state tree: %llu device records (in memory, built in %.1f s)\n",
           (unsigned long long)keys, now() - t0);
    uint64_t v = tc_smt_version(smt);
    if (scenario(4, smt, v, keys / 2, ed, sha) || scenario(7, smt, v, keys / 3, ed, sha)) {
        fprintf(stderr, "bench_light: a step failed\n");
        return 1;
    }
    tc_smt_close(smt);
    tc_kv_close(kv);
    return 0;
}
