/* Internal to device/light*.c: the checks behind include/tcdev/light.h,
 * split so that a bundle is verified completely before st changes. */
#ifndef TCDEV_LIGHT_INTERNAL_H
#define TCDEV_LIGHT_INTERNAL_H

#include "tcdev/light.h"

/* The outcome of checking a header without touching st. */
typedef struct tcdev__checked {
    tc_header hdr;
    uint8_t id[TC_HASH_LEN];
    int same;       /* the header st already holds: nothing to commit */
    int new_set;    /* signed by the announced next set, decoded into w->vs */
} tcdev__checked;

int tcdev__light_check(tcdev__checked *c, const tcdev_light *st, tcdev_light_work *w,
                       const uint8_t *header, size_t header_len, const uint8_t *cert,
                       size_t cert_len, const uint8_t *valset, size_t valset_len,
                       uint64_t now_ms);
void tcdev__light_commit(tcdev_light *st, const tcdev_light_work *w, const tcdev__checked *c);

int tcdev__state_check(const tc_header *h, const uint8_t *key, size_t key_len,
                       const uint8_t *record, size_t record_len, const uint8_t *proof,
                       size_t proof_len);
int tcdev__history_check(const tc_header *h, uint64_t *index, const uint8_t leaf[TC_HIST_LEAF_LEN],
                         const uint8_t *proof, size_t proof_len);

#endif
