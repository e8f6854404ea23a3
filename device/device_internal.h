/* Internal to the device flows (device/{record,enroll,config,discovery,
 * channel,message,anchor}.c): proven-record lookup and a small table-driven
 * reader for the ledger's record maps. Not installed, not API. */
#ifndef TCDEV_DEVICE_INTERNAL_H
#define TCDEV_DEVICE_INTERNAL_H

#include "tcdev/device.h"

/* One field of a record map with small unsigned keys 1..N. */
typedef struct tcdev__field {
    const uint8_t *p;   /* bytes/text/raw item: borrows the record */
    size_t n;
    uint64_t u;         /* uint value, or 1/0 for a bool */
    uint8_t present;
} tcdev__field;

/* Reads a deterministic CBOR map into f[0..strlen(types)): key k is
 * described by types[k-1]: 'u' uint, 'b' bytes, 't' text, 'r' any item
 * (raw), 'f' bool; upper case = required. Unknown keys, wrong types or a
 * missing required key: TC_ERR_DEV_RECORD. */
int tcdev__fields(tcdev__field *f, const char *types, const uint8_t *rec, size_t len);

/* Verifies a state bundle whose key is `key` (exact, or starting with it
 * when prefix != 0) and returns the record (*rec NULL: proven absent) and
 * the full key; both borrow the bundle. TC_ERR_DEV_KEY before anything is
 * verified if the bundle is about another key or is not a state bundle. */
int tcdev__proven(tcdev_light *st, tcdev_light_work *w, const uint8_t **rec, size_t *rec_len,
                  const uint8_t **full_key, size_t *full_key_len, const uint8_t *key,
                  size_t key_len, int prefix, const uint8_t *bundle, size_t bundle_len,
                  uint64_t now_ms);

/* Decodes a D record (docs/ledger.md) of device id into out. */
int tcdev__device_decode(tcdev_device_record *out, const uint8_t id[TCDEV_ID_LEN],
                         const uint8_t *rec, size_t len);

/* The D record of id from a bundle (TC_ERR_DEV_ABSENT: proven absent),
 * whatever its status. */
int tcdev__device_proven(tcdev_light *st, tcdev_light_work *w, tcdev_device_record *out,
                         const uint8_t id[TCDEV_ID_LEN], const uint8_t *bundle, size_t bundle_len,
                         uint64_t now_ms);

/* TC_ERR_DEV_REVOKED / _SUSPENDED / 0 by status. */
int tcdev__active(const tcdev_device_record *rec);

void tcdev__be64(uint8_t out[8], uint64_t v);

/* Signs the payload that sits at the start of scratch (payload_len bytes) as
 * a tagged COSE_Sign1 with the default kid, using the rest of scratch for
 * the Sig_structure. */
int tcdev__sign1(uint8_t *out, size_t cap, size_t *out_len, uint8_t *scratch, size_t payload_len,
                 size_t scratch_cap, const uint8_t sec[64]);

#endif
