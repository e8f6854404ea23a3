/* One HTTP byte range (RFC 9110 §14.1.2) against a representation of
 * `size` bytes, as the firmware endpoints serve them (docs/firmware-ops.md):
 * "bytes=A-B", "bytes=A-" or "bytes=-N"; a list of ranges is not served.
 * Pure function; value is a NUL-terminated header value, borrowed. */
#ifndef TC_HTTP_RANGE_H
#define TC_HTTP_RANGE_H

#include <stdint.h>

/* 0: [*first, *last] (inclusive, clamped to size - 1); 1: syntactically
 * fine but unsatisfiable (answer 416); -1: bad syntax or several ranges
 * (answer 400). */
int tc_http_range_parse(uint64_t *first, uint64_t *last, const char *value, uint64_t size);

#endif
