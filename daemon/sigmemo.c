/* The verified-signature memo the node installs in tc_ed25519_verify
 * (include/tc/crypto.h; docs/node.md, "Mempool"). Mempool workers verify a
 * transaction's signatures once, on all cores; block validation, commit
 * and certificate checks on the loop thread then find the answers here.
 *
 * A direct-mapped table of 2^18 keys (8 MiB): a key is a SHA-256, so its
 * first bytes spread evenly; a collision only evicts (the next check then
 * verifies again). Striped mutexes: workers and the loop thread rarely
 * touch the same stripe. */
#include <pthread.h>
#include <string.h>

#include "node.h"
#include "tc/alloc.h"

#define MEMO_BITS 18
#define MEMO_STRIPES 64

typedef struct memo {
    uint8_t (*keys)[TC_SHA256_LEN];
    pthread_mutex_t mu[MEMO_STRIPES];
    uint64_t hits, misses;
} memo;

static memo g;

static size_t slot(const uint8_t key[TC_SHA256_LEN])
{
    uint32_t v = (uint32_t)key[0] | (uint32_t)key[1] << 8 | (uint32_t)key[2] << 16 | (uint32_t)key[3] << 24;
    return v & ((1u << MEMO_BITS) - 1);
}

static int has(void *ctx, const uint8_t key[TC_SHA256_LEN])
{
    memo *m = ctx;
    size_t s = slot(key);
    pthread_mutex_lock(&m->mu[s % MEMO_STRIPES]);
    int hit = memcmp(m->keys[s], key, TC_SHA256_LEN) == 0;
    pthread_mutex_unlock(&m->mu[s % MEMO_STRIPES]);
    __atomic_add_fetch(hit ? &m->hits : &m->misses, 1, __ATOMIC_RELAXED);
    return hit;
}

static void add(void *ctx, const uint8_t key[TC_SHA256_LEN])
{
    memo *m = ctx;
    size_t s = slot(key);
    pthread_mutex_lock(&m->mu[s % MEMO_STRIPES]);
    memcpy(m->keys[s], key, TC_SHA256_LEN);
    pthread_mutex_unlock(&m->mu[s % MEMO_STRIPES]);
}

static const tc_sigmemo_ops k_ops = {&g, has, add};

int sigmemo_start(void)
{
    g.keys = tc_calloc((size_t)1 << MEMO_BITS, TC_SHA256_LEN);
    if (!g.keys)
        return TC_ERR_NOMEM;
    for (int i = 0; i < MEMO_STRIPES; i++)
        pthread_mutex_init(&g.mu[i], NULL);
    tc_ed25519_set_memo(&k_ops);
    return 0;
}

/* After the worker threads stopped. */
void sigmemo_stop(void)
{
    tc_ed25519_set_memo(NULL);
    if (!g.keys)
        return;
    for (int i = 0; i < MEMO_STRIPES; i++)
        pthread_mutex_destroy(&g.mu[i]);
    tc_free(g.keys);
    g.keys = NULL;
}

void sigmemo_stats(uint64_t *hits, uint64_t *misses)
{
    *hits = __atomic_load_n(&g.hits, __ATOMIC_RELAXED);
    *misses = __atomic_load_n(&g.misses, __ATOMIC_RELAXED);
}
