/* The node's one allocation hook (DESIGN.md, Conventions: Memory).
 * Everything on the node side allocates through tc_malloc/tc_calloc/
 * tc_realloc/tc_free so tests can fail each allocation in turn.
 * The device SDK never allocates and never includes this header. */
#ifndef TC_ALLOC_H
#define TC_ALLOC_H

#include <stddef.h>

void *tc_malloc(size_t n);
void *tc_calloc(size_t count, size_t size); /* overflow-checked */
void *tc_realloc(void *p, size_t n);
void tc_free(void *p);

/* Test hook: after `countdown` more successful allocations, the next one
 * fails (returns NULL); -1 disables failure injection (the default).
 * Returns how many allocations have happened since the last call. */
long tc_alloc_fail_after(long countdown);

#endif
