/* tcdev Noise: the Noise Protocol Framework, revision 34 (noiseprotocol.org),
 * for the device SDK (DESIGN.md, Formats: secure channels; Device SDK).
 *
 * Fixed suite: DH 25519, cipher ChaChaPoly, hash SHA256, i.e. protocol names
 * Noise_<PATTERN>_25519_ChaChaPoly_SHA256. Patterns: the one-way N, K, X, the
 * fundamental interactive NN NK NX XN XK XX KN KK KX IN IK IX and the deferred
 * patterns of §18 (NK1 ... I1X1). psk modifiers are not supported.
 *
 * C99, no allocation, no I/O, no clock, no randomness: the caller owns every
 * state object (plain structs, any storage class) and every buffer, and hands
 * in the ephemeral private key (32 random bytes) when starting a handshake.
 * All crypto goes through the crypto port, include/tc/crypto.h.
 *
 * Pointer rules, for every function below: the library never keeps a pointer
 * passed to it (inputs are copied or consumed before return); output buffers
 * must not overlap input buffers; a state object must not be used from two
 * threads at once. Passing NULL where a buffer is required, or a length with
 * a NULL pointer, is API misuse and asserts.
 *
 * Errors (include/tc/error_table.h, noise block): TC_ERR_NOISE_PATTERN,
 * TC_ERR_NOISE_STATE, TC_ERR_NOISE_DECRYPT, TC_ERR_NOISE_NONCE,
 * TC_ERR_NOISE_MSG_SIZE, TC_ERR_NOISE_KEY, and TC_ERR_BUFFER_TOO_SMALL.
 * A handshake that returned any error from a read or write (other than
 * TC_ERR_BUFFER_TOO_SMALL / TC_ERR_NOISE_MSG_SIZE detected before any state
 * change) is dead: every later call returns TC_ERR_NOISE_STATE (§5.3: a
 * failed handshake must be abandoned). Secrets are wiped when a handshake
 * fails, completes (tcdev_noise_split) or is wiped with tcdev_noise_wipe. */
#ifndef TCDEV_NOISE_H
#define TCDEV_NOISE_H

#include <stddef.h>
#include <stdint.h>

#define TCDEV_NOISE_KEY_LEN     32     /* DHLEN, cipher key, private/public keys */
#define TCDEV_NOISE_HASH_LEN    32     /* HASHLEN (SHA256) */
#define TCDEV_NOISE_TAG_LEN     16     /* ChaChaPoly authentication tag */
#define TCDEV_NOISE_MAX_MSG     65535  /* §3: every Noise message, handshake or transport */
/* Largest plaintext of one transport message. */
#define TCDEV_NOISE_MAX_PAYLOAD (TCDEV_NOISE_MAX_MSG - TCDEV_NOISE_TAG_LEN)
/* Largest handshake overhead (keys and tags) of any supported message:
 * e (32) + encrypted s (48) + payload tag (16). */
#define TCDEV_NOISE_MAX_HS_OVERHEAD 96
#define TCDEV_NOISE_MAX_NAME    64     /* longest protocol name accepted */

/* CipherState (§5.1). k is valid only when has_key. n is the next nonce;
 * 2^64-1 is reserved, so a cipher that reached it returns TC_ERR_NOISE_NONCE. */
typedef struct tcdev_noise_cipher {
    uint8_t k[TCDEV_NOISE_KEY_LEN];
    uint64_t n;
    uint8_t has_key;
} tcdev_noise_cipher;

/* SymmetricState (§5.2): chaining key, handshake hash and the CipherState. */
typedef struct tcdev_noise_symmetric {
    tcdev_noise_cipher cs;
    uint8_t ck[TCDEV_NOISE_HASH_LEN];
    uint8_t h[TCDEV_NOISE_HASH_LEN];
} tcdev_noise_symmetric;

/* Handshake pattern: an opaque entry of the library's constant pattern table. */
typedef struct tcdev_noise_pattern tcdev_noise_pattern;

/* HandshakeState (§5.3). Fields are public only so callers can allocate it;
 * read them through the functions below. */
typedef struct tcdev_noise_handshake {
    tcdev_noise_symmetric ss;
    const tcdev_noise_pattern *pattern;   /* points into the constant table */
    uint8_t s[TCDEV_NOISE_KEY_LEN], s_pub[TCDEV_NOISE_KEY_LEN];
    uint8_t e[TCDEV_NOISE_KEY_LEN], e_pub[TCDEV_NOISE_KEY_LEN];
    uint8_t rs[TCDEV_NOISE_KEY_LEN], re[TCDEV_NOISE_KEY_LEN];
    uint8_t has_s, has_e, has_rs, has_re;
    uint8_t initiator;   /* 1: initiator, 0: responder */
    uint8_t msg_index;   /* next handshake message (0-based) */
    uint8_t status;      /* internal: running, done (waiting for split), failed, split */
} tcdev_noise_handshake;

/* ---- protocol names and patterns ---------------------------------------- */

/* Looks up a pattern by its name (e.g. "KK", len 2). NULL when unsupported.
 * The result points into constant storage and is valid forever. */
const tcdev_noise_pattern *tcdev_noise_pattern_find(const char *name, size_t name_len);

/* Parses a full protocol name "Noise_KK_25519_ChaChaPoly_SHA256" (§8).
 * 0 and *pattern set, or TC_ERR_NOISE_PATTERN when the pattern, DH, cipher or
 * hash is not supported or a modifier (psk, fallback) is present. */
int tcdev_noise_protocol_parse(const tcdev_noise_pattern **pattern, const char *name,
                               size_t name_len);

/* The pattern's name (NUL-terminated constant string, e.g. "KK"). */
const char *tcdev_noise_pattern_name(const tcdev_noise_pattern *pattern);
/* Number of handshake messages of the pattern (1 to 4). */
unsigned tcdev_noise_pattern_messages(const tcdev_noise_pattern *pattern);
/* 1 when the pattern is one-way (N, K, X: only the initiator ever sends). */
int tcdev_noise_pattern_one_way(const tcdev_noise_pattern *pattern);

/* ---- handshake ---------------------------------------------------------- */

/* Initialize(handshake_pattern, initiator, prologue, s, e, rs, re) of §5.3,
 * with the suite fixed and the ephemeral key supplied by the caller:
 *   s          local static private key (32 bytes) or NULL; its public key is
 *              derived. Required when the pattern sends or uses s for this role.
 *   rs         remote static public key (32 bytes) or NULL. Required when the
 *              remote s is a pre-message (KK, IK, NK, XK, K, X, N ...: "<- s ..."
 *              for the initiator, "-> s ..." for the responder).
 *   ephemeral  32 random bytes from the caller's entropy source: the private
 *              ephemeral key, used when this side sends "e". Required (NULL
 *              asserts). Never reuse it for a second handshake.
 *   prologue   any bytes (prologue_len may be 0; prologue then may be NULL),
 *              mixed into h (§6) so both sides must agree on them.
 * All inputs are copied. Returns 0 or TC_ERR_NOISE_KEY (a required key is
 * missing). */
int tcdev_noise_init(tcdev_noise_handshake *hs, const tcdev_noise_pattern *pattern,
                     int initiator, const uint8_t *prologue, size_t prologue_len,
                     const uint8_t s[TCDEV_NOISE_KEY_LEN], const uint8_t rs[TCDEV_NOISE_KEY_LEN],
                     const uint8_t ephemeral[TCDEV_NOISE_KEY_LEN]);

/* 1 when it is this side's turn to write a handshake message, 0 when it must
 * read one or the handshake is over. */
int tcdev_noise_wants_write(const tcdev_noise_handshake *hs);
/* 1 once every handshake message was processed (call tcdev_noise_split). */
int tcdev_noise_handshake_done(const tcdev_noise_handshake *hs);

/* WriteMessage(payload, message_buffer) of §5.3: writes the next handshake
 * message into out (cap bytes) and sets *out_len. The message is at most
 * payload_len + TCDEV_NOISE_MAX_HS_OVERHEAD bytes. Errors: TC_ERR_NOISE_STATE
 * (not our turn, handshake over or dead), TC_ERR_BUFFER_TOO_SMALL (cap),
 * TC_ERR_NOISE_MSG_SIZE (message would exceed 65535): these two leave the
 * state untouched; TC_ERR_NOISE_KEY (a DH gave the all-zero value): dead. */
int tcdev_noise_write_message(tcdev_noise_handshake *hs, uint8_t *out, size_t cap,
                              size_t *out_len, const uint8_t *payload, size_t payload_len);

/* ReadMessage(message, payload_buffer) of §5.3: reads the next handshake
 * message msg (msg_len bytes) and writes its payload into payload (cap
 * bytes), setting *payload_len. Errors: TC_ERR_NOISE_STATE (not our turn, over
 * or dead), TC_ERR_NOISE_MSG_SIZE (message too short for its tokens or longer
 * than 65535) and TC_ERR_BUFFER_TOO_SMALL (cap): state untouched;
 * TC_ERR_NOISE_DECRYPT (authentication failed) and TC_ERR_NOISE_KEY (bad
 * remote key): the handshake is dead. payload may be NULL when cap is 0. */
int tcdev_noise_read_message(tcdev_noise_handshake *hs, uint8_t *payload, size_t cap,
                             size_t *payload_len, const uint8_t *msg, size_t msg_len);

/* Split() of §5.2, after the last handshake message: fills the transport
 * ciphers for this side (send: the initiator's c1 / responder's c2; recv: the
 * other). For one-way patterns the responder's send cipher is unusable
 * (TC_ERR_NOISE_STATE on use). Copies the handshake hash into h (may be NULL)
 * for channel binding, then wipes every secret of hs. TC_ERR_NOISE_STATE if
 * the handshake is not done. */
int tcdev_noise_split(tcdev_noise_handshake *hs, tcdev_noise_cipher *send, tcdev_noise_cipher *recv,
                      uint8_t h[TCDEV_NOISE_HASH_LEN]);

/* The remote static public key learned or given (for XX/IK responders: the key
 * the peer proved). Returns 0 and copies it, TC_ERR_NOISE_KEY if none yet. */
int tcdev_noise_remote_static(const tcdev_noise_handshake *hs, uint8_t rs[TCDEV_NOISE_KEY_LEN]);

/* Wipes all secrets of a handshake and leaves it dead. */
void tcdev_noise_wipe(tcdev_noise_handshake *hs);

/* ---- transport (CipherState, §5.1) -------------------------------------- */

/* EncryptWithAd(ad, plaintext): out (cap bytes) receives pt_len + 16 bytes when
 * the cipher has a key (pt_len when not), *out_len is set. Errors:
 * TC_ERR_NOISE_MSG_SIZE (result > 65535), TC_ERR_BUFFER_TOO_SMALL,
 * TC_ERR_NOISE_NONCE (nonce 2^64-1 reached: rekey does not help, start a new
 * handshake), TC_ERR_NOISE_STATE (cipher has no key: for transport use).
 * ad may be NULL when ad_len is 0 (Noise transport messages use empty ad). */
int tcdev_noise_encrypt(tcdev_noise_cipher *cs, uint8_t *out, size_t cap, size_t *out_len,
                        const uint8_t *ad, size_t ad_len, const uint8_t *pt, size_t pt_len);

/* DecryptWithAd(ad, ciphertext): pt (cap >= ct_len - 16 bytes) receives the
 * plaintext. Errors: TC_ERR_NOISE_DECRYPT (bad tag; the nonce is not advanced,
 * §5.1, pt is zeroed), TC_ERR_NOISE_MSG_SIZE (ct_len < 16 or > 65535),
 * TC_ERR_BUFFER_TOO_SMALL, TC_ERR_NOISE_NONCE, TC_ERR_NOISE_STATE (no key). */
int tcdev_noise_decrypt(tcdev_noise_cipher *cs, uint8_t *pt, size_t cap, size_t *pt_len,
                        const uint8_t *ad, size_t ad_len, const uint8_t *ct, size_t ct_len);

/* Rekey() of §4.2/§11.3: k = first 32 bytes of ENCRYPT(k, 2^64-1, "", 32 zeros).
 * The nonce is unchanged. TC_ERR_NOISE_STATE when there is no key. */
int tcdev_noise_rekey(tcdev_noise_cipher *cs);

/* Wipes a cipher state (key and nonce). */
void tcdev_noise_cipher_wipe(tcdev_noise_cipher *cs);

#endif
