/* thingchain-sim: PRNG, event heap, trace ring. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sim.h"

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

void sim_rng_seed(sim_rng *r, uint64_t seed)
{
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&seed);
}

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

uint64_t sim_rng_next(sim_rng *r)
{
    uint64_t *s = r->s, out = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
    s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3];
    s[2] ^= t; s[3] = rotl(s[3], 45);
    return out;
}

uint64_t sim_rng_below(sim_rng *r, uint64_t n)
{
    return n ? sim_rng_next(r) % n : 0; /* modulo bias is irrelevant here */
}

int sim_rng_chance(sim_rng *r, unsigned percent)
{
    return sim_rng_below(r, 100) < percent;
}

static int before(const sim_ev *a, const sim_ev *b)
{
    return a->time != b->time ? a->time < b->time : a->order < b->order;
}

int sim_heap_push(sim_heap *h, const sim_ev *e)
{
    if (h->n == h->cap) {
        size_t cap = h->cap ? h->cap * 2 : 1024;
        if (cap > ((size_t)1 << 24))
            return -1; /* the ceiling: a runaway run is a bug */
        sim_ev *p = realloc(h->ev, cap * sizeof *p);
        if (!p)
            return -1;
        h->ev = p;
        h->cap = cap;
    }
    size_t i = h->n++;
    h->ev[i] = *e;
    h->ev[i].order = h->order++;
    while (i > 0 && before(&h->ev[i], &h->ev[(i - 1) / 2])) {
        sim_ev t = h->ev[i];
        h->ev[i] = h->ev[(i - 1) / 2];
        h->ev[(i - 1) / 2] = t;
        i = (i - 1) / 2;
    }
    return 0;
}

int sim_heap_pop(sim_heap *h, sim_ev *out)
{
    if (h->n == 0)
        return -1;
    *out = h->ev[0];
    h->ev[0] = h->ev[--h->n];
    for (size_t i = 0;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < h->n && before(&h->ev[l], &h->ev[m])) m = l;
        if (r < h->n && before(&h->ev[r], &h->ev[m])) m = r;
        if (m == i) break;
        sim_ev t = h->ev[i]; h->ev[i] = h->ev[m]; h->ev[m] = t;
        i = m;
    }
    return 0;
}

void sim_heap_free(sim_heap *h)
{
    for (size_t i = 0; i < h->n; i++) {
        free(h->ev[i].data);
        free(h->ev[i].cert);
    }
    free(h->ev);
    memset(h, 0, sizeof *h);
}

void sim_trace_add(sim_trace *t, const char *fmt, ...)
{
    if (!t)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(t->line[t->next], sizeof t->line[0], fmt, ap);
    va_end(ap);
    t->next = (t->next + 1) % SIM_TRACE;
    if (t->count < SIM_TRACE)
        t->count++;
}

void sim_trace_print(const sim_trace *t)
{
    size_t start = (t->next + SIM_TRACE - t->count) % SIM_TRACE;
    printf("  trace (last %zu events):\n", t->count);
    for (size_t i = 0; i < t->count; i++)
        printf("    %s\n", t->line[(start + i) % SIM_TRACE]);
}
