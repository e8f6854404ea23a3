/* Internal interface between the tcdev Noise files (not installed, not API).
 * device/noise_cipher.c: CipherState and SymmetricState (§5.1, §5.2);
 * device/noise_pattern.c: the pattern table (§7, §18);
 * device/noise_handshake.c: HandshakeState (§5.3). */
#ifndef TCDEV_NOISE_INTERNAL_H
#define TCDEV_NOISE_INTERNAL_H

#include "tcdev/noise.h"

/* Tokens of a message pattern (§7.1). 0 ends a message. */
enum { TCDEV__TOK_END = 0, TCDEV__TOK_E, TCDEV__TOK_S, TCDEV__TOK_EE, TCDEV__TOK_ES,
       TCDEV__TOK_SE, TCDEV__TOK_SS };
/* Pre-message bits (§7.1: only "e", "s", "e, s" or empty). */
enum { TCDEV__PRE_E = 1, TCDEV__PRE_S = 2 };

#define TCDEV__MAX_MSGS   4
#define TCDEV__MAX_TOKENS 5

struct tcdev_noise_pattern {
    char name[6];
    uint8_t pre_init, pre_resp;          /* pre-message bits */
    uint8_t n_msgs;                      /* message i is sent by the initiator iff i is even */
    uint8_t one_way;
    uint8_t tok[TCDEV__MAX_MSGS][TCDEV__MAX_TOKENS];
};

/* CipherState primitives: no size checks beyond the nonce (callers check). */
void tcdev__noise_cipher_init(tcdev_noise_cipher *cs, const uint8_t k[TCDEV_NOISE_KEY_LEN]);
/* Writes pt_len (+16 when keyed) bytes to out. TC_ERR_NOISE_NONCE or 0. */
int tcdev__noise_cipher_seal(tcdev_noise_cipher *cs, uint8_t *out, const uint8_t *ad, size_t ad_len,
                             const uint8_t *pt, size_t pt_len);
/* Reads ct_len bytes (>= 16 when keyed) into out. 0, TC_ERR_NOISE_NONCE or TC_ERR_NOISE_DECRYPT. */
int tcdev__noise_cipher_open(tcdev_noise_cipher *cs, uint8_t *out, const uint8_t *ad, size_t ad_len,
                             const uint8_t *ct, size_t ct_len);

/* SymmetricState (§5.2). */
void tcdev__noise_ss_init(tcdev_noise_symmetric *ss, const char *name, size_t name_len);
void tcdev__noise_ss_mix_key(tcdev_noise_symmetric *ss, const uint8_t *ikm, size_t ikm_len);
void tcdev__noise_ss_mix_hash(tcdev_noise_symmetric *ss, const uint8_t *data, size_t len);
int tcdev__noise_ss_encrypt_and_hash(tcdev_noise_symmetric *ss, uint8_t *out, const uint8_t *pt,
                                     size_t pt_len);
int tcdev__noise_ss_decrypt_and_hash(tcdev_noise_symmetric *ss, uint8_t *out, const uint8_t *ct,
                                     size_t ct_len);
void tcdev__noise_ss_split(tcdev_noise_symmetric *ss, tcdev_noise_cipher *c1, tcdev_noise_cipher *c2);

/* The pattern table. */
extern const tcdev_noise_pattern tcdev__noise_patterns[];
extern const unsigned tcdev__noise_pattern_count;

#endif
