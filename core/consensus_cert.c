/* Commit certificates: the precommits of > 2/3 of the voting power for one
 * block, checkable by a light client with only the validator set.
 * Format: docs/consensus.md ("Commit certificate"):
 *   [height, round, block_id, signer_bitmap, [sig, ...]]
 * Every signature is over the precommit sign-bytes of (height, round, block_id).
 * Allocation-free so that the device light client can follow the same code:
 * tc:device-shared (C99, no allocation, no I/O; include/tcdev/light.h).
 * The builder (nodes only) is in core/consensus_cert_build.c. */
#include <assert.h>
#include <string.h>
#include "tc/consensus.h"
#include "tc/cbor.h"
#include "tc/errors.h"

static int bit(const uint8_t *map, size_t i)
{
    return (map[i / 8] >> (i % 8)) & 1;
}

static int fmt(int rc)
{
    /* Structural CBOR problems inside a well-formed item are format errors;
     * non-canonical encodings keep their precise CBOR code. */
    return rc == TC_ERR_CBOR_TYPE || rc == TC_ERR_CBOR_LENGTH || rc == TC_ERR_CBOR_RANGE
               ? TC_ERR_CONS_CERT_FORMAT
               : rc;
}

int tc_cons_cert_verify(tc_cons_cert_info *info, const uint8_t *cert, size_t cert_len,
                        const char *chain_id, const tc_valset *vs, uint64_t height)
{
    assert(cert && chain_id && vs);
    tc_cbor_dec d;
    tc_cons_msg m;
    const uint8_t *map;
    size_t maplen;
    uint64_t round, nsig;
    int rc;
    memset(&m, 0, sizeof m);
    m.kind = TC_CONS_PRECOMMIT;
    m.has_id = 1;
    m.pol_round = -1;
    if ((rc = tc_cbor_dec_init(&d, cert, cert_len, NULL)) || (rc = tc_cbor_expect_array(&d, 5)) ||
        (rc = tc_cbor_get_uint(&d, &m.height)) || (rc = tc_cbor_get_uint(&d, &round)) ||
        (rc = tc_cbor_get_bytes_fixed(&d, m.block_id, TC_BLOCK_ID_LEN)) ||
        (rc = tc_cbor_get_bytes(&d, &map, &maplen)) || (rc = tc_cbor_get_array(&d, &nsig)))
        return fmt(rc);
    if (round > 0x7fffffffu || maplen != (vs->n + 7) / 8)
        return TC_ERR_CONS_CERT_FORMAT;
    m.round = (uint32_t)round;
    size_t count = 0;
    for (size_t i = 0; i < maplen * 8; i++)
        if (bit(map, i)) {
            if (i >= vs->n)
                return TC_ERR_CONS_CERT_FORMAT; /* stray bit past the set */
            count++;
        }
    /* One signature per set bit: a signer can never be counted twice. */
    if (count != nsig)
        return TC_ERR_CONS_CERT_FORMAT;
    if (m.height != height)
        return TC_ERR_CONS_HEIGHT;
    /* The sign-bytes are the same for every signer: build them once. */
    uint8_t sb[64 + TC_CHAIN_ID_MAX + TC_BLOCK_ID_LEN + 32];
    size_t sblen;
    if ((rc = tc_cons_sign_bytes(sb, sizeof sb, &sblen, chain_id, &m)))
        return rc;
    uint64_t power = 0;
    for (size_t i = 0; i < vs->n; i++) {
        if (!bit(map, i))
            continue;
        uint8_t sig[TC_ED25519_SIG_LEN];
        if ((rc = tc_cbor_get_bytes_fixed(&d, sig, sizeof sig)))
            return fmt(rc);
        if ((rc = tc_ed25519_verify(sig, sb, sblen, vs->v[i].pub)))
            return rc;
        power += vs->v[i].power;
    }
    if ((rc = tc_cbor_dec_done(&d)))
        return fmt(rc);
    if (!tc_valset_is_quorum(vs, power))
        return TC_ERR_CONS_CERT_POWER;
    if (info) {
        info->height = m.height;
        info->round = m.round;
        memcpy(info->block_id, m.block_id, TC_BLOCK_ID_LEN);
        info->power = power;
        info->signers = count;
    }
    return 0;
}
