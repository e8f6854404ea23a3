/* Error strings, names and detail messages, generated from error_table.h.
 * tc:device-shared (C99, no allocation, no I/O) */
#include "tc/errors.h"

#include <stdint.h>
#include <string.h>

/* TC_ERRORS_MINIMAL (a device build option, used by `make device-size`)
 * drops the message and name tables — about 11 KB of flash — leaving the
 * numeric codes, which a device reports and a node or operator can look up
 * with `thingchain debug error CODE`. */
#ifdef TC_ERRORS_MINIMAL
const char *tc_strerror(int code)
{
    return code == TC_OK ? "success" : "error (see code)";
}

const char *tc_errname(int code)
{
    return code == TC_OK ? "OK" : "UNKNOWN";
}
#else
const char *tc_strerror(int code)
{
    switch (code) {
    case TC_OK: return "success";
#define TC_ERROR(name, num, msg) case num: return msg;
#include "tc/error_table.h"
#undef TC_ERROR
    default: return "unknown error";
    }
}

const char *tc_errname(int code)
{
    switch (code) {
    case TC_OK: return "OK";
#define TC_ERROR(name, num, msg) case num: return #name;
#include "tc/error_table.h"
#undef TC_ERROR
    default: return "UNKNOWN";
    }
}
#endif

#ifdef TC_ERRORS_MINIMAL
/* Minimal devices keep the code only: no formatter, no message text (the
 * caller reports the number). tc_fmt/tc_vfmt do not exist in this build. */
int tc_err_set(tc_err *e, int code, const char *fmt, ...)
{
    (void)fmt;
    if (!e) return code;
    e->code = code;
    e->msg[0] = '\0';
    return code;
}

int tc_err_wrap(tc_err *e, const char *fmt, ...)
{
    (void)fmt;
    return e ? e->code : 0;
}
#else
typedef struct {
    char *out;
    size_t cap;
    size_t n; /* length the full output would have */
} sink;

static void put_c(sink *s, char c)
{
    if (s->n + 1 < s->cap) s->out[s->n] = c;
    s->n++;
}

static void put_s(sink *s, const char *str, size_t len)
{
    for (size_t i = 0; i < len; i++) put_c(s, str[i]);
}

static void put_u(sink *s, uint64_t v, unsigned base)
{
    char tmp[24];
    size_t i = 0;
    do {
        tmp[i++] = "0123456789abcdef"[v % base];
        v /= base;
    } while (v);
    while (i) put_c(s, tmp[--i]);
}

size_t tc_vfmt(char *out, size_t cap, const char *fmt, va_list ap)
{
    sink s = {out, cap, 0};
    for (const char *p = fmt; *p; p++) {
        if (*p != '%') { put_c(&s, *p); continue; }
        p++;
        int lng = 0, sz = 0;
        while (*p == 'l') { lng++; p++; }
        if (*p == 'z') { sz = 1; p++; }
        switch (*p) {
        case 's': { const char *a = va_arg(ap, const char *);
                    if (!a) a = "(null)";
                    put_s(&s, a, strlen(a)); break; }
        case 'c': put_c(&s, (char)va_arg(ap, int)); break;
        case 'd': case 'i': {
            int64_t v = sz ? (int64_t)va_arg(ap, ptrdiff_t)
                      : lng >= 2 ? (int64_t)va_arg(ap, long long)
                      : lng == 1 ? (int64_t)va_arg(ap, long) : (int64_t)va_arg(ap, int);
            if (v < 0) { put_c(&s, '-'); put_u(&s, (uint64_t)0 - (uint64_t)v, 10); }
            else put_u(&s, (uint64_t)v, 10);
            break; }
        case 'u': case 'x': {
            uint64_t v = sz ? (uint64_t)va_arg(ap, size_t)
                       : lng >= 2 ? (uint64_t)va_arg(ap, unsigned long long)
                       : lng == 1 ? (uint64_t)va_arg(ap, unsigned long) : (uint64_t)va_arg(ap, unsigned);
            put_u(&s, v, *p == 'x' ? 16 : 10);
            break; }
        case '%': put_c(&s, '%'); break;
        case '\0': p--; break; /* lone '%' at the end: print nothing more */
        default: put_c(&s, '%'); put_c(&s, *p); break;
        }
    }
    if (cap) out[s.n < cap ? s.n : cap - 1] = '\0';
    return s.n;
}

size_t tc_fmt(char *out, size_t cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    size_t n = tc_vfmt(out, cap, fmt, ap);
    va_end(ap);
    return n;
}

int tc_err_set(tc_err *e, int code, const char *fmt, ...)
{
    if (!e) return code;
    e->code = code;
    size_t n = 0;
    if (fmt) {
        va_list ap;
        va_start(ap, fmt);
        n = tc_vfmt(e->msg, sizeof e->msg, fmt, ap);
        va_end(ap);
        if (n > sizeof e->msg - 1) n = sizeof e->msg - 1;
        n += tc_fmt(e->msg + n, sizeof e->msg - n, ": ");
        if (n > sizeof e->msg - 1) n = sizeof e->msg - 1;
    }
    tc_fmt(e->msg + n, sizeof e->msg - n, "%s", tc_strerror(code));
    return code;
}

int tc_err_wrap(tc_err *e, const char *fmt, ...)
{
    if (!e) return 0;
    char prefix[TC_ERR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    tc_vfmt(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    char old[TC_ERR_MSG_MAX];
    memcpy(old, e->msg, sizeof old);
    tc_fmt(e->msg, sizeof e->msg, "%s: %s", prefix, old);
    return e->code;
}

#endif

void tc_err_clear(tc_err *e)
{
    if (!e) return;
    e->code = TC_OK;
    e->msg[0] = '\0';
}
