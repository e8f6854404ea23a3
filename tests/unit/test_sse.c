/* Server-sent events parser (core/sse.c, include/tc/sse.h): the standard's
 * line rules, events split at every byte boundary, bounds. */
#include <stdlib.h>

#include "tc/sse.h"
#include "test.h"

typedef struct got {
    int n;
    char event[8][TC_SSE_NAME_MAX + 1], id[8][TC_SSE_NAME_MAX + 1];
    char data[8][256];
} got;

static int collect(void *ctx, const char *event, const char *id, const char *data, size_t len)
{
    got *g = ctx;
    if (g->n < 8 && len < 256) {
        snprintf(g->event[g->n], sizeof g->event[0], "%s", event);
        snprintf(g->id[g->n], sizeof g->id[0], "%s", id);
        memcpy(g->data[g->n], data, len);
        g->data[g->n][len] = 0;
    }
    g->n++;
    return 0;
}

static tc_sse p;

static const char stream[] =
    ": comment\r\n"
    "event: block\nid: 7\ndata: {\"height\":7}\n\n"
    "data:a\r\ndata: b\r\rdata\n\n"          /* CR alone ends a line; "data" with no colon = empty */
    "event: tx\nunknown: x\ndata: z\n";      /* no blank line yet: not dispatched */

static void test_events(void)
{
    got g = {0};
    tc_sse_init(&p);
    CHECK_OK(tc_sse_feed(&p, stream, strlen(stream), collect, &g));
    CHECK_EQ(g.n, 3);
    CHECK(!strcmp(g.event[0], "block") && !strcmp(g.id[0], "7") && !strcmp(g.data[0], "{\"height\":7}"));
    CHECK(!strcmp(g.event[1], "message") && !strcmp(g.data[1], "a\nb"));
    CHECK(!strcmp(g.data[2], "") && !strcmp(g.id[2], "7")); /* the id persists across events */
    CHECK_OK(tc_sse_feed(&p, "\n", 1, collect, &g));
    CHECK_EQ(g.n, 4);
    CHECK(!strcmp(g.event[3], "tx") && !strcmp(g.data[3], "z"));
}

/* Every split of the stream into two feeds gives the same events. */
static void test_splits(void)
{
    size_t n = strlen(stream);
    for (size_t cut = 0; cut <= n; cut++) {
        got g = {0};
        tc_sse_init(&p);
        CHECK_OK(tc_sse_feed(&p, stream, cut, collect, &g));
        CHECK_OK(tc_sse_feed(&p, stream + cut, n - cut, collect, &g));
        CHECK_EQ(g.n, 3);
        CHECK(!strcmp(g.data[1], "a\nb"));
    }
}

static void test_bounds(void)
{
    got g = {0};
    tc_sse_init(&p);
    static char big[TC_SSE_LINE_MAX + 64];
    memset(big, 'x', sizeof big);
    memcpy(big, "data: ", 6);
    CHECK_OK(tc_sse_feed(&p, big, sizeof big, collect, &g));
    CHECK_OK(tc_sse_feed(&p, "\n\ndata: ok\n\n", 12, collect, &g));
    CHECK_EQ(g.n, 1); /* the over-long event is dropped, never truncated */
    CHECK(!strcmp(g.data[0], "ok"));
    CHECK_EQ(p.dropped, 1);
    /* data over TC_SSE_DATA_MAX in many short lines */
    static char line[4096 + 8];
    memset(line, 'y', sizeof line);
    memcpy(line, "data: ", 6);
    line[sizeof line - 1] = '\n';
    for (int i = 0; i < 20; i++)
        CHECK_OK(tc_sse_feed(&p, line, sizeof line, collect, &g));
    CHECK_OK(tc_sse_feed(&p, "\n", 1, collect, &g));
    CHECK_EQ(g.n, 1);
    CHECK_EQ(p.dropped, 2);
}

static int stop_first(void *ctx, const char *e, const char *id, const char *d, size_t n)
{
    (void)e; (void)id; (void)d; (void)n;
    ++*(int *)ctx;
    return 42;
}

static void test_stop(void)
{
    int calls = 0;
    tc_sse_init(&p);
    CHECK_EQ(tc_sse_feed(&p, "data: 1\n\ndata: 2\n\n", 18, stop_first, &calls), 42);
    CHECK_EQ(calls, 1);
}

int main(void)
{
    RUN(test_events);
    RUN(test_splits);
    RUN(test_bounds);
    RUN(test_stop);
    return test_summary();
}
