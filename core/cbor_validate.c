/* Deterministic CBOR validation (RFC 8949 §4.2.1, §5.3). Iterative with a
 * fixed explicit stack, never recursive, so its stack use is bounded and
 * small on devices (TC_CBOR_MAX_DEPTH frames of three size_t plus one byte:
 * 832 bytes on a 32-bit MCU). tc:device-shared (C99, no allocation, no I/O)
 *
 * Every length is compared with the bytes that remain before any pointer or
 * offset arithmetic, so a declared length of 2^64-1 is TC_ERR_CBOR_SIZE or
 * TC_ERR_CBOR_TRUNCATED, never an overflow. */
#include <string.h>

#include "tc/cbor.h"
#include "tc/errors.h"
#include "cbor_priv.h"

enum { K_ARRAY, K_MAP, K_TAG };

typedef struct {
    size_t remaining; /* items of this container not yet finished (map: 2*pairs) */
    size_t key_start; /* offset of the map key being read */
    size_t prev_key;  /* offset of the previous key of this map; SIZE_MAX: none */
} frame;

size_t tc__cbor_head(const uint8_t *p, int *major, int *ai, uint64_t *arg)
{
    *major = p[0] >> 5;
    *ai = p[0] & 31;
    size_t n = *ai < 24 ? 0 : *ai == 24 ? 1 : *ai == 25 ? 2 : *ai == 26 ? 4 : *ai == 27 ? 8 : 0;
    uint64_t v = *ai < 24 ? (uint64_t)*ai : 0;
    for (size_t i = 0; i < n; i++) v = v << 8 | p[1 + i];
    *arg = v;
    return 1 + n;
}

/* Major type 7 (§3.3): simple values and floats. */
static int check_simple_float(const uint8_t *p, int ai, uint64_t arg)
{
    if (ai == 24 && arg < 32) return TC_ERR_CBOR_SIMPLE; /* §3.3: 24..31 not in 2 bytes */
    if (ai >= 25 && ai <= 27) {
#ifdef TC_CBOR_NO_FLOAT
        (void)p;
        return TC_ERR_CBOR_FLOAT;
#else
        /* §4.2.1 preferred serialization: re-encode the value and require the
         * same bytes; this also pins NaN to f97e00 (§4.2.2). */
        uint8_t want[9];
        size_t n = tc__cbor_float_encode(want, tc__cbor_float_decode(p));
        size_t have = ai == 25 ? 3 : ai == 26 ? 5 : 9;
        if (n != have || memcmp(want, p, n) != 0) return TC_ERR_CBOR_NONCANONICAL_FLOAT;
#endif
    }
    return 0;
}

/* §4.2.1: map keys sorted by the bytewise lexicographic order of their
 * encodings, no duplicates. Both keys are complete well-formed items, and an
 * item's encoding is self-delimiting, so neither is a proper prefix of the
 * other: comparing the current key's bytes with as many bytes from the start
 * of the previous key (which lie before pos) decides order and equality. */
static int check_key_order(const uint8_t *buf, size_t prev, size_t cur, size_t end)
{
    for (size_t i = 0; i < end - cur; i++) {
        if (buf[prev + i] < buf[cur + i]) return 0;
        if (buf[prev + i] > buf[cur + i]) return TC_ERR_CBOR_MAP_ORDER;
    }
    return TC_ERR_CBOR_MAP_DUP;
}

int tc_cbor_validate_at(size_t *item_len, size_t *err_off, const uint8_t *buf, size_t len,
                        const tc_cbor_limits *lim)
{
    tc_cbor_limits def;
    if (!lim) { tc_cbor_limits_default(&def); lim = &def; }
    size_t max_depth = lim->max_depth < TC_CBOR_MAX_DEPTH ? lim->max_depth : TC_CBOR_MAX_DEPTH;
    frame st[TC_CBOR_MAX_DEPTH];
    uint8_t kind[TC_CBOR_MAX_DEPTH];
    size_t depth = 0, pos = 0, at = 0;
    int rc = 0;

    for (;;) {
        /* ---- start an item at pos ---- */
        at = pos;
        if (depth && kind[depth - 1] == K_MAP && st[depth - 1].remaining % 2 == 0)
            st[depth - 1].key_start = pos;
        if (pos >= len) { rc = TC_ERR_CBOR_TRUNCATED; goto out; }
        int major = buf[pos] >> 5, ai = buf[pos] & 31;
        if (ai >= 28 && ai <= 30) { rc = TC_ERR_CBOR_RESERVED; goto out; }
        if (ai == 31) {
            /* §3.2.1-3.2.2: indefinite lengths are not deterministic; a break
             * outside one is not well-formed; AI 31 on 0, 1, 6 is reserved. */
            rc = major == 7 ? TC_ERR_CBOR_BREAK
               : (major >= 2 && major <= 5) ? TC_ERR_CBOR_INDEFINITE : TC_ERR_CBOR_RESERVED;
            goto out;
        }
        size_t extra = ai < 24 ? 0 : (size_t)1 << (ai - 24);
        if (len - pos - 1 < extra) { rc = TC_ERR_CBOR_TRUNCATED; goto out; }
        uint64_t arg;
        size_t hl = tc__cbor_head(buf + pos, &major, &ai, &arg);
        if (major != 7 && ((ai == 24 && arg < 24) || (ai == 25 && arg <= 0xff) ||
                           (ai == 26 && arg <= 0xffff) || (ai == 27 && arg <= 0xffffffffu))) {
            rc = TC_ERR_CBOR_NONCANONICAL_INT; /* §4.2.1: shortest argument */
            goto out;
        }
        if (major == 7 && (rc = check_simple_float(buf + pos, ai, arg))) goto out;
        pos += hl;
        size_t left = len - pos;

        if (major == 2 || major == 3) {
            if (arg > lim->max_str) { rc = TC_ERR_CBOR_SIZE; goto out; }
            if (arg > left) { rc = TC_ERR_CBOR_TRUNCATED; goto out; }
            if (major == 3 && !tc__cbor_utf8_valid(buf + pos, (size_t)arg)) {
                rc = TC_ERR_CBOR_UTF8;
                goto out;
            }
            pos += (size_t)arg;
        } else if (major >= 4 && major <= 6) {
            if (depth >= max_depth) { rc = TC_ERR_CBOR_DEPTH; goto out; }
            size_t items;
            if (major == 6) items = 1;
            else {
                if (arg > lim->max_items) { rc = TC_ERR_CBOR_SIZE; goto out; }
                /* every item takes at least one byte */
                if (arg > (major == 5 ? left / 2 : left)) { rc = TC_ERR_CBOR_TRUNCATED; goto out; }
                items = major == 5 ? 2 * (size_t)arg : (size_t)arg;
            }
            if (items) {
                kind[depth] = (uint8_t)(major == 4 ? K_ARRAY : major == 5 ? K_MAP : K_TAG);
                st[depth].remaining = items;
                st[depth].prev_key = SIZE_MAX;
                depth++;
                continue;
            }
        }
        /* ---- the item ending at pos is finished; close what it completes ---- */
        while (depth) {
            frame *f = &st[depth - 1];
            if (kind[depth - 1] == K_MAP && f->remaining % 2 == 0) {
                if (f->prev_key != SIZE_MAX &&
                    (rc = check_key_order(buf, f->prev_key, f->key_start, pos))) {
                    at = f->key_start;
                    goto out;
                }
                f->prev_key = f->key_start;
            }
            if (--f->remaining) break;
            depth--;
        }
        if (!depth) break;
    }
    if (item_len) *item_len = pos;
out:
    if (rc && err_off) *err_off = at;
    return rc;
}

int tc_cbor_validate(size_t *item_len, const uint8_t *buf, size_t len, const tc_cbor_limits *lim)
{
    return tc_cbor_validate_at(item_len, NULL, buf, len, lim);
}
