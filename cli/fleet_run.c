/* Running fleet work (docs/fleet.md, "How it runs"): a parallel loop over
 * devices on a few threads (each device is handled by one thread at a
 * time; the SDK is single-threaded per device), the outcome counters of
 * the running step, and ordered submission of one signer's transactions
 * (nonces are strictly sequential, so an org's transactions go to one node
 * in order; the node gossips them on in that order). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "fleet.h"
#include "tc/alloc.h"

typedef struct par {
    fleet *f;
    size_t n, next;
    fleet_fn fn;
    pthread_mutex_t mu;
} par;

static void *worker(void *arg)
{
    par *p = arg;
    tcdev_light_work *w = tc_malloc(sizeof *w);
    if (!w) return NULL;
    for (;;) {
        pthread_mutex_lock(&p->mu);
        size_t i = p->next++;
        pthread_mutex_unlock(&p->mu);
        if (i >= p->n) break;
        p->fn(p->f, i, w);
    }
    tc_free(w);
    return NULL;
}

void fleet_par(fleet *f, size_t n, fleet_fn fn)
{
    par p = {f, n, 0, fn, PTHREAD_MUTEX_INITIALIZER};
    pthread_t th[64];
    int t = f->threads < 1 ? 1 : f->threads > 64 ? 64 : f->threads, started = 0;
    for (int i = 0; i < t; i++)
        if (pthread_create(&th[i], NULL, worker, &p) == 0) started++;
    if (!started) worker(&p);
    for (int i = 0; i < started; i++) pthread_join(th[i], NULL);
}

void fleet_dev_wait(fleet *f, size_t i, int step, const char *what)
{
    fdev *d = &f->dev[i];
    if (!d->tx_pending) return;
    d->tx_pending = 0;
    tc_err err;
    tc_err_clear(&err);
    uint64_t code, h;
    int rc = fleet_wait(f, &err, &code, &h, d->node, d->tx_id);
    if (rc) { fleet_fail(f, step, rc, "%s: %s", what, err.msg); return; }
    d->ok_steps |= 1 << step;
    fleet_ok(f, step, (fleet_now() - d->t_op) * 1000.0);
}

void fleet_ok(fleet *f, int step, double lat_ms)
{
    pthread_mutex_lock(&f->mu);
    fstep *s = &f->steps[step];
    s->ok++;
    s->done++;
    if (s->n_lat == s->cap_lat) {
        size_t cap = s->cap_lat ? 2 * s->cap_lat : 1024;
        double *p = tc_realloc(s->lat, cap * sizeof *p);
        if (p) { s->lat = p; s->cap_lat = cap; }
    }
    if (s->n_lat < s->cap_lat) s->lat[s->n_lat++] = lat_ms;
    pthread_mutex_unlock(&f->mu);
}

void fleet_expected(fleet *f, int step)
{
    pthread_mutex_lock(&f->mu);
    f->steps[step].expected++;
    pthread_mutex_unlock(&f->mu);
}

void fleet_fail(fleet *f, int step, int rc, const char *fmt, ...)
{
    char msg[160];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    pthread_mutex_lock(&f->mu);
    fstep *s = &f->steps[step];
    s->fail++;
    s->done++;
    if (!s->first_err[0]) snprintf(s->first_err, sizeof s->first_err, "%s: %s", tc_errname(rc), msg);
    pthread_mutex_unlock(&f->mu);
}

size_t fleet_commit_all(fleet *f, tc_err *err, int node, uint8_t **txs, size_t *lens, size_t n,
                        uint64_t *codes, double *lat)
{
    uint8_t (*ids)[32] = tc_calloc(n ? n : 1, 32);
    double *t = tc_calloc(n ? n : 1, sizeof *t);
    size_t sent = 0, good = 0;
    if (!ids || !t) { tc_free(ids); tc_free(t); tc_err_set(err, TC_ERR_NOMEM, "fleet batch"); return 0; }
    for (size_t i = 0; i < n; i++) codes[i] = UINT64_MAX;
    for (; sent < n; sent++) {
        t[sent] = fleet_now();
        if (fleet_submit(f, err, ids[sent], node, txs[sent], lens[sent])) break;
        pthread_mutex_lock(&f->mu);
        f->steps[f->cur].sent++;
        pthread_mutex_unlock(&f->mu);
    }
    for (size_t i = 0; i < sent; i++) {
        uint64_t h;
        tc_err e2;
        tc_err_clear(&e2);
        if (fleet_wait(f, &e2, &codes[i], &h, node, ids[i])) {
            if (!err->code) *err = e2;
            if (lat) lat[i] = -1;
            if (e2.code == TC_ERR_FLEET_TIMEOUT) break;
            continue;
        }
        if (lat) lat[i] = (fleet_now() - t[i]) * 1000.0;
        good++;
    }
    tc_free(ids);
    tc_free(t);
    return good;
}
