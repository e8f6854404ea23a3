/* A small record kept durable with one fdatasync per write (io/recfile.c):
 * the consensus signing record and the last commit certificate next to a
 * node's store (docs/node.md, "Files").
 *
 * The file holds two slots at fixed offsets (0 and the slot size), each
 *   "TCR1" | seq (8, BE) | length (4, BE) | SHA-256(seq | length | data) | data
 * A write goes to the slot that does not hold the newest record, then
 * fdatasync: a crash in the middle leaves that slot torn (its hash does not
 * match) and the other one whole, so a read finds the newest whole record.
 * No rename and no directory sync per write (the file exists from open).
 *
 * A file in the earlier format (the record bytes alone, replaced by
 * write-temporary-and-rename) is read as it is and rewritten in the slot
 * format, through a temporary and a rename, by tc_recfile_open. io/ only. */
#ifndef TC_RECFILE_H
#define TC_RECFILE_H

#include <stddef.h>
#include <stdint.h>

#include "tc/errors.h"

#define TC_RECFILE_HEAD 48 /* magic, seq, length, hash */

typedef struct tc_recfile {
    int is_open;        /* tc_recfile_close is a no-op otherwise (a zeroed struct) */
    int fd;
    uint64_t seq;       /* of the newest whole record (0: none) */
    int slot;           /* where it is */
    size_t max_len;     /* largest record */
} tc_recfile;

/* Opens (creating it if absent) the file at path for records of at most
 * max_len bytes, and reads the newest one: *data (tc_malloc'd, caller
 * frees; NULL when the file holds none) and *len. TC_ERR_IO (err says
 * what) or TC_ERR_CORRUPT (slots present but none whole; a record longer
 * than max_len). */
int tc_recfile_open(tc_recfile *r, tc_err *err, const char *path, size_t max_len, uint8_t **data, size_t *len);
/* Makes a || b the newest record (b may be NULL/0), durable on return.
 * TC_ERR_LIMIT if longer than max_len, TC_ERR_IO. */
int tc_recfile_write(tc_recfile *r, const uint8_t *a, size_t alen, const uint8_t *b, size_t blen);
void tc_recfile_close(tc_recfile *r);

#endif
