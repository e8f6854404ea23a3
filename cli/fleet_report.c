/* Progress line and final report of `thingchain fleet` (docs/fleet.md,
 * "Output"). The progress goes to stderr (rewritten in place on a
 * terminal, one line every 3 s otherwise), so stdout holds only the
 * result: a table, or with --json one object, both rendered from the same
 * JSON object (docs/cli.md, "Output"). Latencies: p50/p99 of the per-
 * device (or per-operation) times of a step, nearest-rank. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "cli_json.h"
#include "fleet.h"
#include "tc/hex.h"

static const char *const NAMES[ST_COUNT] = {"manufacture", "claim", "boot", "discover", "channel",
                                            "messages", "anchor", "config", "firmware", "attacks"};

static pthread_t g_thr;
static volatile int g_stop;
static int g_started;

static void line(fleet *f, int final)
{
    pthread_mutex_lock(&f->mu);
    fstep *s = &f->steps[f->cur];
    long done = s->ok + s->fail, fail = s->fail;
    long total = s->total, sent = s->sent;
    char extra[64] = "";
    if (!final && sent > done) snprintf(extra, sizeof extra, "  %ld tx sent", sent);
    if (!final && f->note[0]) snprintf(extra + strlen(extra), sizeof extra - strlen(extra), "  %s", f->note);
    pthread_mutex_unlock(&f->mu);
    fprintf(stderr, "%sfleet: %-11s %6ld/%-6ld failed %-5ld %7.1f s%s%s", f->tty ? "\r\033[K" : "", NAMES[f->cur],
            done, total, fail, fleet_now() - f->t0, extra, f->tty && !final ? "" : "\n");
    fflush(stderr);
}

static void *progress(void *arg)
{
    fleet *f = arg;
    double every = f->tty ? 0.25 : 3.0, next = fleet_now() + every;
    while (!g_stop) {
        struct timespec ts = {0, 50 * 1000000L};
        nanosleep(&ts, NULL);
        if (fleet_now() >= next) {
            line(f, 0);
            next = fleet_now() + every;
        }
    }
    return NULL;
}

void fleet_progress_start(fleet *f)
{
    f->tty = isatty(2);
    g_stop = 0;
    if (!f->quiet && pthread_create(&g_thr, NULL, progress, f) == 0) g_started = 1;
}

void fleet_progress_stop(fleet *f)
{
    (void)f;
    g_stop = 1;
    if (g_started) pthread_join(g_thr, NULL);
    g_started = 0;
}

void fleet_step_begin(fleet *f, int step, long total)
{
    pthread_mutex_lock(&f->mu);
    f->cur = step;
    f->steps[step].name = NAMES[step];
    f->steps[step].ran = 1;
    f->steps[step].total = total;
    f->steps[step].secs = fleet_now();
    pthread_mutex_unlock(&f->mu);
}

void fleet_step_end(fleet *f)
{
    fstep *s = &f->steps[f->cur];
    s->secs = fleet_now() - s->secs;
    f->note[0] = 0;
    if (!f->quiet) line(f, 1);
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double pct(const fstep *s, double p)
{
    if (!s->n_lat) return 0;
    size_t r = (size_t)(p / 100.0 * (double)s->n_lat + 0.999999);
    if (r < 1) r = 1;
    if (r > s->n_lat) r = s->n_lat;
    return s->lat[r - 1];
}

static json_t *build(fleet *f, int *clean)
{
    json_t *o = json_object(), *steps = json_array(), *nodes = json_array();
    *clean = 1;
    for (size_t i = 0; i < f->n_nodes; i++) json_array_append_new(nodes, json_string(f->nodes[i]));
    json_object_set_new(o, "devices", json_integer((json_int_t)f->n));
    json_object_set_new(o, "seed", json_integer((json_int_t)f->seed));
    json_object_set_new(o, "chain_id", json_string(f->chain_id));
    json_object_set_new(o, "nodes", nodes);
    for (int i = 0; i < ST_COUNT; i++) {
        fstep *s = &f->steps[i];
        if (!s->ran) continue;
        if (s->n_lat) qsort(s->lat, s->n_lat, sizeof *s->lat, cmp);
        json_t *j = json_object();
        json_object_set_new(j, "step", json_string(s->name));
        long devs = 0;
        for (size_t k = 0; k < f->n; k++) devs += (f->dev[k].ok_steps >> i) & 1;
        json_object_set_new(j, "devices", json_integer(devs));
        json_object_set_new(j, "ok", json_integer(s->ok));
        json_object_set_new(j, "failed", json_integer(s->fail));
        json_object_set_new(j, "refused", json_integer(s->expected));
        json_object_set_new(j, "p50_ms", json_real((double)(long)(pct(s, 50) * 10) / 10));
        json_object_set_new(j, "p99_ms", json_real((double)(long)(pct(s, 99) * 10) / 10));
        json_object_set_new(j, "seconds", json_real((double)(long)(s->secs * 100) / 100));
        if (s->first_err[0]) json_object_set_new(j, "first_error", json_string(s->first_err));
        json_array_append_new(steps, j);
        if (s->fail) *clean = 0;
    }
    json_object_set_new(o, "steps", steps);
    if (f->n_digests) {
        json_t *a = json_object();
        json_object_set_new(a, "messages", json_integer((json_int_t)f->n_digests));
        json_object_set_new(a, "anchors", json_integer((json_int_t)f->n_anchors));
        cli_json_set_hex(a, "root", f->anchor_root, 32);
        json_object_set_new(a, "commit_ms", json_real((double)(long)(f->anchor_commit_ms * 10) / 10));
        json_object_set_new(o, "anchor", a);
    }
    if (f->fw_version) {
        json_t *w = json_object();
        json_object_set_new(w, "version", json_integer((json_int_t)f->fw_version));
        json_object_set_new(w, "rollout", json_integer((json_int_t)f->fw_rollout));
        json_object_set_new(w, "operator", json_integer(FLEET_OPERATOR));
        json_object_set_new(w, "digest", json_string(f->fw_digest));
        json_object_set_new(o, "firmware", w);
    }
    json_object_set_new(o, "seconds", json_real((double)(long)((fleet_now() - f->t0) * 100) / 100));
    json_object_set_new(o, "ok", json_boolean(*clean));
    return o;
}

int fleet_report(fleet *f)
{
    int clean;
    json_t *o = build(f, &clean);
    if (f->json) {
        char *s = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        if (s) { puts(s); free(s); }
    } else {
        printf("%-12s %7s %7s %7s %8s %10s %10s %9s\n", "step", "devices", "ok", "failed", "refused", "p50 ms", "p99 ms",
               "seconds");
        json_t *s;
        size_t i;
        json_array_foreach(json_object_get(o, "steps"), i, s) {
            printf("%-12s %7lld %7lld %7lld %8lld %10.1f %10.1f %9.2f\n", json_string_value(json_object_get(s, "step")),
                   json_integer_value(json_object_get(s, "devices")), json_integer_value(json_object_get(s, "ok")), json_integer_value(json_object_get(s, "failed")),
                   json_integer_value(json_object_get(s, "refused")), json_real_value(json_object_get(s, "p50_ms")),
                   json_real_value(json_object_get(s, "p99_ms")), json_real_value(json_object_get(s, "seconds")));
        }
        json_array_foreach(json_object_get(o, "steps"), i, s) {
            const char *e = json_string_value(json_object_get(s, "first_error"));
            if (e) printf("  %s, first failure: %s\n", json_string_value(json_object_get(s, "step")), e);
        }
        json_t *a = json_object_get(o, "anchor");
        if (a) printf("anchored %lld message digests under root %.16s... (commit %.0f ms)\n",
                      json_integer_value(json_object_get(a, "messages")), json_string_value(json_object_get(a, "root")),
                      json_real_value(json_object_get(a, "commit_ms")));
        json_t *w = json_object_get(o, "firmware");
        if (w) printf("firmware version %lld rolled out as rollout %lld of operator %d (image %.16s...)\n",
                      json_integer_value(json_object_get(w, "version")), json_integer_value(json_object_get(w, "rollout")),
                      FLEET_OPERATOR, json_string_value(json_object_get(w, "digest")));
        printf("%zu devices, %zu node(s), %.1f s: %s\n", f->n, f->n_nodes, json_real_value(json_object_get(o, "seconds")),
               clean ? "every step ok" : "FAILURES (see above)");
    }
    json_decref(o);
    return clean ? CLI_OK : CLI_FAIL;
}
