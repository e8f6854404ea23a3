/* SHA-256 on the x86 SHA extensions (core/sha256_ni.c): internal to the
 * libsodium crypto port, which selects it at run time. */
#ifndef TC_SHA256_NI_H
#define TC_SHA256_NI_H

#include <stddef.h>
#include <stdint.h>

typedef struct tc__sha256_ni_ctx {
    uint32_t h[8];
    uint64_t bytes;      /* message length so far */
    uint8_t buf[64];     /* a partial block */
    uint32_t fill;       /* bytes in buf, < 64 */
} tc__sha256_ni_ctx;

/* 1 when this CPU has SHA-NI, SSSE3 and SSE4.1 (CPUID leaves 1 and 7). */
int tc__sha256_ni_available(void);
/* Compresses nblocks 64-byte blocks into h. Only when available. */
void tc__sha256_ni_blocks(uint32_t h[8], const uint8_t *p, size_t nblocks);
void tc__sha256_ni_init(tc__sha256_ni_ctx *c);
void tc__sha256_ni_update(tc__sha256_ni_ctx *c, const uint8_t *in, size_t len);
void tc__sha256_ni_final(tc__sha256_ni_ctx *c, uint8_t out[32]);
void tc__sha256_ni(uint8_t out[32], const uint8_t *in, size_t len);

#endif
