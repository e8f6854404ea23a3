/* Server-sent events parser (include/tc/sse.h). Pure: bytes in, events
 * out, fixed buffers. Follows the standard's line interpretation (HTML
 * Living Standard §9.2.6), with bounds added: an over-long line or data
 * spoils its event instead of growing memory. */
#include "tc/sse.h"

#include <string.h>

void tc_sse_init(tc_sse *p)
{
    memset(p, 0, sizeof *p);
}

static void reset_event(tc_sse *p)
{
    p->event[0] = 0;
    p->data_len = 0;
    p->data[0] = 0;
    p->has_data = 0;
    p->bad = 0;
}

static void set_name(char *dst, const char *v, size_t n, int *bad)
{
    if (n > TC_SSE_NAME_MAX) {
        *bad = 1;
        return;
    }
    memcpy(dst, v, n);
    dst[n] = 0;
}

/* A blank line dispatches; anything else is a field or a comment. */
static int line_done(tc_sse *p, tc_sse_fn fn, void *ctx)
{
    size_t n = p->line_len;
    int spoiled = p->line_bad;
    p->line_len = 0;
    p->line_bad = 0;
    if (spoiled) {
        p->bad = 1;
        return 0;
    }
    if (n == 0) {
        int rc = 0;
        if (p->bad)
            p->dropped++;
        else if (p->has_data)
            rc = fn(ctx, p->event[0] ? p->event : "message", p->id, p->data, p->data_len);
        reset_event(p);
        return rc;
    }
    const char *l = p->line;
    if (l[0] == ':')
        return 0;
    const char *colon = memchr(l, ':', n);
    size_t fl = colon ? (size_t)(colon - l) : n;
    const char *v = colon ? colon + 1 : l + n;
    size_t vl = (size_t)(l + n - v);
    if (vl && *v == ' ') {
        v++;
        vl--;
    }
    if (fl == 5 && !memcmp(l, "event", 5)) {
        set_name(p->event, v, vl, &p->bad);
    } else if (fl == 4 && !memcmp(l, "data", 4)) {
        size_t need = vl + (p->has_data ? 1 : 0);
        if (p->data_len + need > TC_SSE_DATA_MAX) {
            p->bad = 1;
            return 0;
        }
        if (p->has_data)
            p->data[p->data_len++] = '\n';
        memcpy(p->data + p->data_len, v, vl);
        p->data_len += vl;
        p->data[p->data_len] = 0;
        p->has_data = 1;
    } else if (fl == 2 && !memcmp(l, "id", 2)) {
        if (!memchr(v, 0, vl)) /* the standard ignores ids containing NUL */
            set_name(p->id, v, vl, &p->bad);
    }
    return 0;
}

int tc_sse_feed(tc_sse *p, const char *in, size_t n, tc_sse_fn fn, void *ctx)
{
    for (size_t i = 0; i < n; i++) {
        char c = in[i];
        if (c == '\n' && p->last_cr) {
            p->last_cr = 0;
            continue;
        }
        p->last_cr = c == '\r';
        if (c == '\n' || c == '\r') {
            int rc = line_done(p, fn, ctx);
            if (rc)
                return rc;
            continue;
        }
        if (p->line_len < TC_SSE_LINE_MAX)
            p->line[p->line_len++] = c;
        else
            p->line_bad = 1;
    }
    return 0;
}
