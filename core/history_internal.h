/* Internals shared by the history-tree files (core/history*.c).
 * Included by device-shared code: C99, no allocation. */
#ifndef TC_HISTORY_INTERNAL_H
#define TC_HISTORY_INTERNAL_H

#include <stdint.h>

#include "tc/history.h"

/* RFC 9162 §2.1.1: "k is the largest power of two smaller than n", n >= 2. */
static inline uint64_t tc__hist_split(uint64_t n)
{
#if defined(__GNUC__) || defined(__clang__)
    return (uint64_t)1 << (63 - __builtin_clzll(n - 1));
#else
    uint64_t k = 1;
    while (k < n - k) k <<= 1;
    return k;
#endif
}

/* Node-side (core/history.c): MTH(D[a : a+n]) for a subtree of the RFC's recursion (a is a
 * multiple of the smallest power of two >= n), from stored nodes (at most
 * popcount(n) reads). n >= 1 and a + n <= the stored size. */
int tc__hist_range_hash(tc_hist *h, uint8_t out[TC_HIST_HASH_LEN], uint64_t a, uint64_t n);
/* Stored node of `level` (2^level leaves) number `index`. */
int tc__hist_node_read(tc_hist *h, uint8_t out[TC_HIST_HASH_LEN], unsigned level, uint64_t index);

#endif
