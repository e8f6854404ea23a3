/* Map keys of the block header (docs/store.md "Header"), shared by the
 * decoder (core/block_header.c, device-shared) and the node-only encoder
 * (core/block_header_enc.c). */
#ifndef TC_BLOCK_HEADER_KEYS_H
#define TC_BLOCK_HEADER_KEYS_H

enum {
    H_CHAIN = 1, H_HEIGHT, H_TIME, H_PREV, H_TXROOT, H_TXCOUNT, H_HISTROOT, H_HISTSIZE,
    H_STATEROOT, H_VALSET, H_NEXTVALSET, H_PROPOSER, H_NKEYS = H_PROPOSER
};

#endif
