/* Two-slot durable records (io/recfile.c): the newest whole record is
 * read back; a torn write leaves the previous one; a file in the earlier
 * format (the bare record) is read and rewritten in the slot format. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tc/alloc.h"
#include "tc/recfile.h"
#include "test.h"

static char dir[256], path[300];

static int reopen(tc_recfile *r, char *out, size_t cap)
{
    uint8_t *d;
    size_t n;
    tc_err err;
    int rc = tc_recfile_open(r, &err, path, 64, &d, &n);
    if (rc) return rc;
    if (!d) n = 0;
    if (n >= cap) n = cap - 1;
    if (n) memcpy(out, d, n);
    out[n] = 0;
    tc_free(d);
    return 0;
}

static void put(const char *a, const char *b)
{
    tc_recfile r;
    char got[80];
    if (reopen(&r, got, sizeof got)) return;
    tc_recfile_write(&r, (const uint8_t *)a, strlen(a), (const uint8_t *)b, b ? strlen(b) : 0);
    tc_recfile_close(&r);
}

static void flip_byte(long off)
{
    FILE *f = fopen(path, "r+b");
    if (!f) return;
    fseek(f, off, SEEK_SET);
    int c = fgetc(f);
    fseek(f, off, SEEK_SET);
    fputc(c ^ 0x40, f);
    fclose(f);
}

static void test_newest_whole_record(void)
{
    tc_recfile r;
    char got[80];
    unlink(path);
    CHECK_OK(reopen(&r, got, sizeof got));
    CHECK(got[0] == 0); /* a new file holds no record */
    CHECK_OK(tc_recfile_write(&r, (const uint8_t *)"one", 3, NULL, 0));
    CHECK_OK(tc_recfile_write(&r, (const uint8_t *)"two", 3, (const uint8_t *)"+b", 2));
    CHECK_OK(tc_recfile_write(&r, (const uint8_t *)"three", 5, NULL, 0));
    uint8_t big[65] = { 0 };
    CHECK_ERR(tc_recfile_write(&r, big, 65, NULL, 0), TC_ERR_LIMIT);
    tc_recfile_close(&r);
    CHECK_OK(reopen(&r, got, sizeof got));
    CHECK(strcmp(got, "three") == 0);
    tc_recfile_close(&r);
    put("four", NULL);
    CHECK_OK(reopen(&r, got, sizeof got));
    CHECK(strcmp(got, "four") == 0);
    tc_recfile_close(&r);
}

/* seq 5 goes to the slot of seq 3: tear it (a byte of its data, then of
 * its header): the reader falls back to seq 4; both torn: refused. */
static void test_torn_write(void)
{
    tc_recfile r;
    char got[80];
    put("five", NULL); /* seq 5, slot 0 (offset 0) */
    flip_byte(TC_RECFILE_HEAD + 1);
    CHECK_OK(reopen(&r, got, sizeof got));
    CHECK(strcmp(got, "four") == 0);
    tc_recfile_close(&r);
    put("six", NULL); /* seq 5 again: into slot 0, the torn one */
    CHECK_OK(reopen(&r, got, sizeof got));
    CHECK(strcmp(got, "six") == 0);
    tc_recfile_close(&r);
    flip_byte(5);                          /* slot 0 header (seq) */
    flip_byte(TC_RECFILE_HEAD + 64 + 20);  /* slot 1 header (hash) */
    tc_err err;
    uint8_t *d = NULL;
    size_t n;
    CHECK_ERR(tc_recfile_open(&r, &err, path, 64, &d, &n), TC_ERR_CORRUPT);
    CHECK(strstr(err.msg, "neither record slot") != NULL);
}

static void test_earlier_format(void)
{
    tc_recfile r;
    char got[80];
    FILE *f = fopen(path, "wb");
    CHECK(f != NULL);
    fputs("legacy-record", f);
    fclose(f);
    CHECK_OK(reopen(&r, got, sizeof got));
    CHECK(strcmp(got, "legacy-record") == 0);
    tc_recfile_close(&r);
    f = fopen(path, "rb");
    CHECK(f != NULL);
    char magic[4] = { 0 };
    CHECK(fread(magic, 1, 4, f) == 4);
    fclose(f);
    CHECK(memcmp(magic, "TCR1", 4) == 0); /* rewritten */
    CHECK_OK(reopen(&r, got, sizeof got));
    CHECK(strcmp(got, "legacy-record") == 0);
    CHECK_OK(tc_recfile_write(&r, (const uint8_t *)"new", 3, NULL, 0));
    tc_recfile_close(&r);
    CHECK_OK(reopen(&r, got, sizeof got));
    CHECK(strcmp(got, "new") == 0);
    tc_recfile_close(&r);
    /* an earlier-format file larger than a record is refused, not cut */
    f = fopen(path, "wb");
    CHECK(f != NULL);
    for (int i = 0; i < 100; i++) fputc('x', f);
    fclose(f);
    tc_err err;
    uint8_t *d = NULL;
    size_t n;
    CHECK_ERR(tc_recfile_open(&r, &err, path, 64, &d, &n), TC_ERR_CORRUPT);
}

int main(void)
{
    const char *t = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/tc_recfile_XXXXXX", t ? t : "/tmp");
    if (!mkdtemp(dir)) { perror("mkdtemp"); return 2; }
    snprintf(path, sizeof path, "%s/rec", dir);
    RUN(test_newest_whole_record);
    RUN(test_torn_write);
    RUN(test_earlier_format);
    unlink(path);
    char tmp[320];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    unlink(tmp);
    rmdir(dir);
    return test_summary();
}
