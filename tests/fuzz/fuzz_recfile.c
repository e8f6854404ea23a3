/* libFuzzer target for the two-slot record file reader (io/recfile.c):
 * any file contents open to a record no longer than the limit, or to
 * TC_ERR_CORRUPT; a record read back is then written and read again
 * unchanged; nothing crashes or leaks. The input becomes a file in a
 * memory-backed descriptor's path (/proc/self/fd). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "tc/alloc.h"
#include "tc/recfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_LEN 512u

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int fd = memfd_create("rec", 0);
    if (fd < 0) return 0;
    if (size && write(fd, data, size) != (ssize_t)size) { close(fd); return 0; }
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    tc_recfile r;
    tc_err err;
    uint8_t *rec = NULL;
    size_t len = 0;
    int rc = tc_recfile_open(&r, &err, path, MAX_LEN, &rec, &len);
    if (rc == 0) {
        if (rec && len > MAX_LEN) abort();
        uint8_t copy[MAX_LEN];
        size_t n = rec ? len : 0;
        if (n) memcpy(copy, rec, n);
        tc_free(rec);
        if (tc_recfile_write(&r, copy, n, NULL, 0) == 0) {
            tc_recfile_close(&r);
            uint8_t *again = NULL;
            size_t alen = 0;
            if (tc_recfile_open(&r, &err, path, MAX_LEN, &again, &alen) != 0) abort();
            if (alen != n || (n && memcmp(again, copy, n))) abort();
            tc_free(again);
        }
        tc_recfile_close(&r);
    } else if (rc != TC_ERR_CORRUPT && rc != TC_ERR_IO) {
        abort();
    }
    close(fd);
    return 0;
}
