/* State-tree hashing and proof verification (DESIGN.md, Formats: State;
 * the format is specified in docs/state-tree.md and include/tc/smt.h).
 * tc:device-shared (C99, no allocation, no I/O): the device SDK checks
 * state proofs with exactly this code. Stack use: a few hundred bytes. */
#include <string.h>

#include "tc/crypto.h"
#include "tc/errors.h"
#include "tc/smt.h"

/* Leaf: SHA-256(0x02 || key || value_hash). */
void tc_smt_leaf_hash(uint8_t out[TC_SMT_HASH_LEN], const uint8_t key[TC_SMT_HASH_LEN],
                      const uint8_t value[TC_SMT_HASH_LEN])
{
    uint8_t buf[1 + 2 * TC_SMT_HASH_LEN];
    buf[0] = 0x02;
    memcpy(buf + 1, key, TC_SMT_HASH_LEN);
    memcpy(buf + 1 + TC_SMT_HASH_LEN, value, TC_SMT_HASH_LEN);
    tc_sha256(out, buf, sizeof buf);
}

/* Internal node: SHA-256(0x03 || left || right). */
void tc_smt_node_hash(uint8_t out[TC_SMT_HASH_LEN], const uint8_t left[TC_SMT_HASH_LEN],
                      const uint8_t right[TC_SMT_HASH_LEN])
{
    uint8_t buf[1 + 2 * TC_SMT_HASH_LEN];
    buf[0] = 0x03;
    memcpy(buf + 1, left, TC_SMT_HASH_LEN);
    memcpy(buf + 1 + TC_SMT_HASH_LEN, right, TC_SMT_HASH_LEN);
    tc_sha256(out, buf, sizeof buf);
}

int tc_smt_key_bit(const uint8_t key[TC_SMT_HASH_LEN], unsigned i)
{
    return (key[i >> 3] >> (7 - (i & 7))) & 1;
}

/* True when a and b agree on their first n bits. */
static int same_prefix(const uint8_t *a, const uint8_t *b, unsigned n)
{
    unsigned full = n >> 3;
    if (memcmp(a, b, full) != 0) return 0;
    if (n & 7) {
        uint8_t mask = (uint8_t)(0xff << (8 - (n & 7)));
        if ((a[full] ^ b[full]) & mask) return 0;
    }
    return 1;
}

int tc_smt_proof_check(const uint8_t root[TC_SMT_HASH_LEN], const uint8_t key[TC_SMT_HASH_LEN],
                       const uint8_t *value, const tc_smt_proof *p)
{
    uint8_t h[TC_SMT_HASH_LEN];
    static const uint8_t empty[TC_SMT_HASH_LEN] = { 0 };
    if (p->depth > TC_SMT_MAX_DEPTH) return TC_ERR_SMT_PROOF_FORMAT;
    /* The terminal: what the proof claims sits at the end of key's path. */
    switch (p->kind) {
    case TC_SMT_MEMBER:
        if (!value) return TC_ERR_SMT_PROOF; /* shows presence, absence expected */
        tc_smt_leaf_hash(h, key, value);
        break;
    case TC_SMT_ABSENT_EMPTY:
        if (value) return TC_ERR_SMT_PROOF;
        memset(h, 0, sizeof h);
        break;
    case TC_SMT_ABSENT_OTHER:
        if (value) return TC_ERR_SMT_PROOF;
        /* Another leaf can only occupy key's path if it shares the path. */
        if (memcmp(p->other_key, key, TC_SMT_HASH_LEN) == 0) return TC_ERR_SMT_PROOF;
        if (!same_prefix(p->other_key, key, p->depth)) return TC_ERR_SMT_PROOF;
        tc_smt_leaf_hash(h, p->other_key, p->other_value);
        break;
    default:
        return TC_ERR_SMT_PROOF_FORMAT;
    }
    /* Fold up from the terminal: siblings are stored root end first. */
    size_t used = p->sibling_count;
    for (unsigned i = p->depth; i-- > 0;) {
        const uint8_t *s = empty;
        if ((p->bitmap[i >> 3] >> (7 - (i & 7))) & 1) {
            if (used == 0) return TC_ERR_SMT_PROOF_FORMAT;
            used--;
            s = p->siblings + used * TC_SMT_HASH_LEN;
        }
        if (tc_smt_key_bit(key, i)) tc_smt_node_hash(h, s, h);
        else tc_smt_node_hash(h, h, s);
    }
    if (used != 0) return TC_ERR_SMT_PROOF_FORMAT;
    return memcmp(h, root, TC_SMT_HASH_LEN) == 0 ? TC_OK : TC_ERR_SMT_PROOF;
}

int tc_smt_verify(const uint8_t root[TC_SMT_HASH_LEN], const uint8_t key[TC_SMT_HASH_LEN],
                  const uint8_t *value, const uint8_t *proof, size_t proof_len)
{
    tc_smt_proof p;
    int rc = tc_smt_proof_decode(&p, proof, proof_len);
    if (rc) return rc;
    return tc_smt_proof_check(root, key, value, &p);
}
