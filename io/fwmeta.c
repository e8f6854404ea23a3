/* Image declaration parser (include/tc/fwimage.h, tc_fwmeta_parse): the
 * untrusted JSON an uploader sends before its chunks. */
#include <jansson.h>
#include <string.h>

#include "tc/alloc.h"
#include "tc/errors.h"
#include "tc/fwimage.h"
#include "tc/hex.h"

int tc_fwmeta_parse(tc_fwmeta *out, tc_err *err, const uint8_t *json, size_t len)
{
    memset(out, 0, sizeof *out);
    json_error_t je;
    json_int_t size = 0, cs = 0;
    const char *rh = NULL, *lh = NULL;
    size_t rl = 0, ll = 0, got;
    json_t *j = len ? json_loadb((const char *)json, len, JSON_REJECT_DUPLICATES, &je) : NULL;
    if (!j || json_unpack(j, "{s:I,s:I,s:s%,s:s%!}", "size", &size, "chunk_size", &cs, "root", &rh, &rl, "leaves", &lh, &ll)) {
        json_decref(j);
        return tc_err_set(err, TC_ERR_FW_IMAGE_META,
                          "expected JSON {\"size\": N, \"chunk_size\": N, \"root\": 64 hex, \"leaves\": 64 hex per chunk}");
    }
    int rc = 0;
    if (size <= 0 || cs < (json_int_t)TC_FW_CHUNK_MIN || cs > (json_int_t)TC_FW_CHUNK_MAX)
        rc = tc_err_set(err, TC_ERR_FW_IMAGE_META, "size must be at least 1 and chunk_size %u..%u", TC_FW_CHUNK_MIN, TC_FW_CHUNK_MAX);
    else if (rl != 64 || tc_hex_decode(out->root, 32, &got, rh, 64) || got != 32)
        rc = tc_err_set(err, TC_ERR_FW_IMAGE_META, "root must be 64 hex digits");
    else if (ll % 64 || ll / 64 != tc_fwimage_nchunks((uint64_t)size, (uint32_t)cs))
        rc = tc_err_set(err, TC_ERR_FW_IMAGE_META, "leaves must hold 64 hex digits for each of the %llu chunks",
                        (unsigned long long)tc_fwimage_nchunks((uint64_t)size, (uint32_t)cs));
    else if (!(out->leaves = tc_malloc(ll / 2)))
        rc = tc_err_set(err, TC_ERR_NOMEM, NULL);
    else if (tc_hex_decode(out->leaves, ll / 2, &got, lh, ll) || got != ll / 2)
        rc = tc_err_set(err, TC_ERR_FW_IMAGE_META, "leaves is not hex");
    if (!rc) {
        out->size = (uint64_t)size;
        out->chunk_size = (uint32_t)cs;
        out->n = ll / 64;
    } else {
        tc_free(out->leaves);
        out->leaves = NULL;
    }
    json_decref(j);
    return rc;
}
