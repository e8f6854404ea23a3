/* thingchain error codes and detail messages.
 * 0 is success; every other value is a TC_ERR_* from error_table.h. */
#ifndef TC_ERRORS_H
#define TC_ERRORS_H

#include <stdarg.h>
#include <stddef.h>

#define TC_OK 0
enum tc_error {
#define TC_ERROR(name, num, msg) TC_ERR_##name = num,
#include "tc/error_table.h"
#undef TC_ERROR
    TC_ERR__END
};

/* The message for a code: a static string, never NULL ("unknown error N"
 * is not possible: unknown codes return "unknown error"). */
const char *tc_strerror(int code);
/* The stable name of a code, the table identifier without the prefix, e.g.
 * "CBOR_TRAILING"; "OK" for 0, "UNKNOWN" for codes not in the table. */
const char *tc_errname(int code);

/* A detail message that travels up with a code and gains context on the way:
 *   tc_err_set(e, TC_ERR_CBOR_TYPE, "field %s", "nonce")
 *   tc_err_wrap(e, "transaction %u", i)  ->  "transaction 3: field nonce: cbor: unexpected item type"
 * Formats support %s %c %d %i %u %x (with l, ll, z modifiers) and %%.
 * Pure: no allocation, no I/O (core/ and device/ may use it). */
#define TC_ERR_MSG_MAX 256
typedef struct tc_err {
    int code;
    char msg[TC_ERR_MSG_MAX];
} tc_err;

/* Sets e to code with message "<formatted>: <tc_strerror(code)>" (or just the
 * strerror text when fmt is NULL). Returns code, so `return tc_err_set(...)`. */
int tc_err_set(tc_err *e, int code, const char *fmt, ...);
/* Prepends "<formatted>: " to e->msg. Returns e->code. */
int tc_err_wrap(tc_err *e, const char *fmt, ...);
/* Clears e to success. e may be NULL in all three (then they only return code). */
void tc_err_clear(tc_err *e);

/* Bounded formatter used above; always NUL-terminates when cap > 0.
 * Returns the length the full output would have had. */
size_t tc_fmt(char *out, size_t cap, const char *fmt, ...);
size_t tc_vfmt(char *out, size_t cap, const char *fmt, va_list ap);

#endif
