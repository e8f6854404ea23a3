/* Two-slot durable records (include/tc/recfile.h). */
#include "tc/recfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "tc/alloc.h"
#include "tc/crypto.h"

static const uint8_t k_magic[4] = { 'T', 'C', 'R', '1' };

static off_t slot_off(const tc_recfile *r, int slot)
{
    return slot ? (off_t)(TC_RECFILE_HEAD + r->max_len) : 0;
}

static void put_be(uint8_t *p, uint64_t v, int n)
{
    for (int i = n - 1; i >= 0; i--, v >>= 8) p[i] = (uint8_t)v;
}

static uint64_t get_be(const uint8_t *p, int n)
{
    uint64_t v = 0;
    for (int i = 0; i < n; i++) v = v << 8 | p[i];
    return v;
}

static void digest(uint8_t out[32], const uint8_t *seq_len, const uint8_t *a, size_t alen, const uint8_t *b,
                   size_t blen)
{
    tc_sha256_ctx c;
    tc_sha256_init(&c);
    tc_sha256_update(&c, seq_len, 12);
    if (alen) tc_sha256_update(&c, a, alen);
    if (blen) tc_sha256_update(&c, b, blen);
    tc_sha256_final(&c, out);
}

static int read_at(int fd, uint8_t *p, size_t n, off_t off, size_t *got)
{
    *got = 0;
    while (*got < n) {
        ssize_t k = pread(fd, p + *got, n - *got, off + (off_t)*got);
        if (k < 0 && errno == EINTR) continue;
        if (k < 0) return -1;
        if (k == 0) break;
        *got += (size_t)k;
    }
    return 0;
}

static int write_at(int fd, const uint8_t *p, size_t n, off_t off)
{
    while (n) {
        ssize_t k = pwrite(fd, p, n, off);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) return -1;
        p += k;
        n -= (size_t)k;
        off += k;
    }
    return 0;
}

/* Slot `slot`: 1 whole (seq, data in *out tc_malloc'd), 0 empty or torn,
 * -1 I/O error. */
static int read_slot(tc_recfile *r, int slot, uint64_t *seq, uint8_t **out, size_t *len)
{
    uint8_t h[TC_RECFILE_HEAD], d[32];
    size_t got;
    if (read_at(r->fd, h, sizeof h, slot_off(r, slot), &got)) return -1;
    if (got < sizeof h || memcmp(h, k_magic, 4)) return 0;
    uint64_t n = get_be(h + 12, 4);
    if (n > r->max_len) return 0;
    uint8_t *p = tc_malloc(n ? n : 1);
    if (!p) return -1;
    if (read_at(r->fd, p, n, slot_off(r, slot) + TC_RECFILE_HEAD, &got)) { tc_free(p); return -1; }
    digest(d, h + 4, p, got, NULL, 0);
    if (got < n || memcmp(d, h + 16, 32)) { tc_free(p); return 0; }
    *seq = get_be(h + 4, 8);
    *out = p;
    *len = n;
    return 1;
}

/* Writes record (a, b) as seq into slot, then fdatasync. */
static int put_slot(int fd, off_t off, uint64_t seq, const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
    uint8_t h[TC_RECFILE_HEAD];
    memcpy(h, k_magic, 4);
    put_be(h + 4, seq, 8);
    put_be(h + 12, alen + blen, 4);
    digest(h + 16, h + 4, a, alen, b, blen);
    if (write_at(fd, h, sizeof h, off) || (alen && write_at(fd, a, alen, off + TC_RECFILE_HEAD)) ||
        (blen && write_at(fd, b, blen, off + TC_RECFILE_HEAD + (off_t)alen)))
        return -1;
    return fdatasync(fd);
}

/* The earlier format: the whole file is the record. Rewritten as slot 0 of
 * a new file, renamed over it (directory synced), so the record is never
 * absent. */
static int convert_legacy(tc_recfile *r, tc_err *err, const char *path, const uint8_t *rec, size_t len)
{
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    int fd = open(tmp, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return tc_err_set(err, TC_ERR_IO, "%s: %s", tmp, strerror(errno));
    if (put_slot(fd, 0, 1, rec, len, NULL, 0) || fsync(fd) || rename(tmp, path)) {
        close(fd);
        return tc_err_set(err, TC_ERR_IO, "%s: rewriting in the slot format: %s", path, strerror(errno));
    }
    char dir[4200];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash) *slash = 0; else snprintf(dir, sizeof dir, ".");
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) { fsync(dfd); close(dfd); }
    close(r->fd);
    r->fd = fd;
    r->seq = 1;
    r->slot = 0;
    return 0;
}

int tc_recfile_open(tc_recfile *r, tc_err *err, const char *path, size_t max_len, uint8_t **data, size_t *len)
{
    memset(r, 0, sizeof *r);
    r->max_len = max_len;
    *data = NULL;
    *len = 0;
    r->fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (r->fd < 0) return tc_err_set(err, TC_ERR_IO, "%s: %s", path, strerror(errno));
    r->is_open = 1;
    off_t size = lseek(r->fd, 0, SEEK_END);
    if (size < 0) { tc_recfile_close(r); return tc_err_set(err, TC_ERR_IO, "%s: %s", path, strerror(errno)); }
    if (size == 0) return 0; /* new: no record yet */
    uint8_t magic[4];
    size_t got;
    if (read_at(r->fd, magic, 4, 0, &got)) { tc_recfile_close(r); return tc_err_set(err, TC_ERR_IO, "%s: read", path); }
    if (got < 4 || memcmp(magic, k_magic, 4)) {
        /* earlier format */
        if ((uint64_t)size > max_len) {
            tc_recfile_close(r);
            return tc_err_set(err, TC_ERR_CORRUPT, "%s: %lld bytes, larger than a record", path, (long long)size);
        }
        uint8_t *p = tc_malloc((size_t)size);
        if (!p || read_at(r->fd, p, (size_t)size, 0, &got) || got != (size_t)size) {
            tc_free(p);
            tc_recfile_close(r);
            return tc_err_set(err, TC_ERR_IO, "%s: read", path);
        }
        int rc = convert_legacy(r, err, path, p, got);
        if (rc) { tc_free(p); tc_recfile_close(r); return rc; }
        *data = p;
        *len = got;
        return 0;
    }
    uint64_t seq[2] = { 0, 0 };
    uint8_t *d[2] = { NULL, NULL };
    size_t n[2] = { 0, 0 };
    int ok[2];
    for (int s = 0; s < 2; s++) ok[s] = read_slot(r, s, &seq[s], &d[s], &n[s]);
    if (ok[0] < 0 || ok[1] < 0) {
        tc_free(d[0]); tc_free(d[1]);
        tc_recfile_close(r);
        return tc_err_set(err, TC_ERR_IO, "%s: read", path);
    }
    if (!ok[0] && !ok[1]) {
        tc_recfile_close(r);
        return tc_err_set(err, TC_ERR_CORRUPT, "%s: neither record slot is whole", path);
    }
    int best = ok[0] && (!ok[1] || seq[0] > seq[1]) ? 0 : 1;
    tc_free(d[1 - best]);
    r->seq = seq[best];
    r->slot = best;
    *data = d[best];
    *len = n[best];
    return 0;
}

int tc_recfile_write(tc_recfile *r, const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
    if (alen + blen > r->max_len) return TC_ERR_LIMIT;
    int slot = r->seq ? 1 - r->slot : 0;
    if (put_slot(r->fd, slot_off(r, slot), r->seq + 1, a, alen, b, blen)) return TC_ERR_IO;
    r->seq++;
    r->slot = slot;
    return 0;
}

void tc_recfile_close(tc_recfile *r)
{
    if (r->is_open) close(r->fd);
    r->is_open = 0;
    r->fd = -1;
}
