/* Server-sent events parser (HTML Living Standard, "Server-sent events",
 * §9.2.6 Interpreting an event stream): bytes in, whole events out, in
 * caller-owned fixed buffers (no allocation, no I/O; core/sse.c). Used by
 * `thingchain watch` on GET /v1/events (docs/api.md, "Events").
 *
 * Lines end with CR LF, LF or CR (a CR LF split across two feeds counts
 * once). "field: value" lines (one space after the colon dropped), lines
 * starting with ':' are comments, a blank line dispatches the event:
 * `event` names it (default "message"), `data` lines are joined with LF,
 * `id` is kept; other fields are ignored. Bounds: a line longer than
 * TC_SSE_LINE_MAX or data longer than TC_SSE_DATA_MAX spoils the event,
 * which is then dropped (counted in `dropped`), never truncated. */
#ifndef TC_SSE_H
#define TC_SSE_H

#include <stddef.h>
#include <stdint.h>

#define TC_SSE_LINE_MAX 8192
#define TC_SSE_DATA_MAX 65536
#define TC_SSE_NAME_MAX 64

typedef struct tc_sse {
    char line[TC_SSE_LINE_MAX];
    size_t line_len;
    int line_bad;          /* the current line overflowed */
    int last_cr;           /* previous byte was CR (swallow a following LF) */
    char event[TC_SSE_NAME_MAX + 1];
    char id[TC_SSE_NAME_MAX + 1];
    char data[TC_SSE_DATA_MAX + 1];
    size_t data_len;
    int has_data;
    int bad;               /* the current event is spoiled */
    uint64_t dropped;      /* events dropped for exceeding a bound */
} tc_sse;

/* One dispatched event: strings NUL-terminated, borrowed for the call.
 * A non-zero return stops tc_sse_feed and is returned by it. */
typedef int (*tc_sse_fn)(void *ctx, const char *event, const char *id, const char *data, size_t data_len);

void tc_sse_init(tc_sse *p);
/* Consumes n bytes (borrowed); calls fn for every complete event. */
int tc_sse_feed(tc_sse *p, const char *in, size_t n, tc_sse_fn fn, void *ctx);

#endif
