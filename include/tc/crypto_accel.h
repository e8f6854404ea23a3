/* Hardware acceleration in the libsodium crypto port (core/crypto_sodium.c).
 * Not part of the device crypto port interface (include/tc/crypto.h): only
 * nodes, tools and benchmarks use it. docs/crypto.md "SHA-256". */
#ifndef TC_CRYPTO_ACCEL_H
#define TC_CRYPTO_ACCEL_H

/* 1 when tc_sha256* run on the x86 SHA extensions (chosen from CPUID at the
 * first call), 0 when they run on libsodium's portable code. */
int tc_sha256_accel(void);
/* on = 0 forces libsodium (benchmarks and the cross-check test compare the
 * two); on = 1 returns to the CPUID choice. Returns tc_sha256_accel().
 * Contexts already started keep their implementation. */
int tc_sha256_accel_set(int on);

#endif
