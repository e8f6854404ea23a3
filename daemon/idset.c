/* A set of 32-byte ids (transaction payload hashes) for the mempool's
 * duplicate checks: open addressing, linear probing, tombstones; grows at
 * half load. Ids are SHA-256 values, so their first bytes are the hash. */
#include <string.h>

#include "node.h"
#include "tc/alloc.h"

enum { E_FREE = 0, E_USED = 1, E_GONE = 2 };

static size_t start(const idset *s, const uint8_t id[TC_SHA256_LEN])
{
    uint64_t v = 0;
    memcpy(&v, id, sizeof v);
    return (size_t)v & (s->cap - 1);
}

void idset_free(idset *s)
{
    tc_free(s->ids);
    tc_free(s->st);
    memset(s, 0, sizeof *s);
}

static int find(const idset *s, const uint8_t id[TC_SHA256_LEN], size_t *at)
{
    if (!s->cap)
        return 0;
    for (size_t i = start(s, id), k = 0; k < s->cap; i = (i + 1) & (s->cap - 1), k++) {
        if (s->st[i] == E_FREE)
            return 0;
        if (s->st[i] == E_USED && memcmp(s->ids[i], id, TC_SHA256_LEN) == 0) {
            *at = i;
            return 1;
        }
    }
    return 0;
}

int idset_has(const idset *s, const uint8_t id[TC_SHA256_LEN])
{
    size_t at;
    return find(s, id, &at);
}

static int grow(idset *s, size_t cap)
{
    idset n = {0};
    n.cap = cap;
    n.ids = tc_malloc(cap * TC_SHA256_LEN);
    n.st = tc_calloc(cap, 1);
    if (!n.ids || !n.st) {
        idset_free(&n);
        return TC_ERR_NOMEM;
    }
    for (size_t i = 0; i < s->cap; i++)
        if (s->st[i] == E_USED) {
            size_t j = start(&n, s->ids[i]);
            while (n.st[j] == E_USED)
                j = (j + 1) & (cap - 1);
            memcpy(n.ids[j], s->ids[i], TC_SHA256_LEN);
            n.st[j] = E_USED;
            n.n++;
        }
    idset_free(s);
    *s = n;
    return 0;
}

int idset_add(idset *s, const uint8_t id[TC_SHA256_LEN])
{
    if (idset_has(s, id))
        return 0;
    if ((s->n + s->gone + 1) * 2 > s->cap) {
        size_t cap = s->cap ? s->cap : 1024;
        while ((s->n + 1) * 4 > cap)
            cap *= 2;
        int rc = grow(s, cap);
        if (rc)
            return rc;
        s->gone = 0;
    }
    size_t i = start(s, id);
    while (s->st[i] == E_USED)
        i = (i + 1) & (s->cap - 1);
    if (s->st[i] == E_GONE)
        s->gone--;
    memcpy(s->ids[i], id, TC_SHA256_LEN);
    s->st[i] = E_USED;
    s->n++;
    return 0;
}

void idset_del(idset *s, const uint8_t id[TC_SHA256_LEN])
{
    size_t at;
    if (!find(s, id, &at))
        return;
    s->st[at] = E_GONE;
    s->n--;
    s->gone++;
}
