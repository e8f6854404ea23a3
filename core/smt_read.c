/* State tree, read side: roots, lookups and proof generation for any kept
 * version (include/tc/smt.h). Proofs follow docs/state-tree.md. */
#include <string.h>

#include "smt_internal.h"
#include "tc/errors.h"

void tc__smt_put_be64(uint8_t *p, uint64_t v)
{
    for (int i = 7; i >= 0; i--) { p[i] = (uint8_t)v; v >>= 8; }
}

uint64_t tc__smt_get_be64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++) v = (v << 8) | p[i];
    return v;
}

void tc__smt_ref_encode(uint8_t out[SMT_REF_LEN], const smt_ref *r)
{
    out[0] = r->type;
    memcpy(out + 1, r->id, SMT_ID_LEN);
    memcpy(out + 1 + SMT_ID_LEN, r->hash, TC_SMT_HASH_LEN);
}

void tc__smt_ref_decode(smt_ref *r, const uint8_t in[SMT_REF_LEN])
{
    r->type = in[0];
    memcpy(r->id, in + 1, SMT_ID_LEN);
    memcpy(r->hash, in + 1 + SMT_ID_LEN, TC_SMT_HASH_LEN);
}

static int ref_ok(const smt_ref *r)
{
    return r->type == SMT_EMPTY || r->type == SMT_LEAF || r->type == SMT_INTERNAL;
}

static smt_slot *slot_of(tc_smt *t, const uint8_t id[SMT_ID_LEN])
{
    /* id = version(8) || sequence(4): mix both so a batch spreads out */
    uint32_t h = (uint32_t)id[8] << 24 | (uint32_t)id[9] << 16 | (uint32_t)id[10] << 8 | id[11];
    h ^= ((uint32_t)id[6] << 8 | id[7]) * 0x9e3779b1u;
    h *= 0x85ebca6bu;
    return &t->cache[(h ^ (h >> 15)) & (SMT_CACHE_SLOTS - 1)];
}

void tc__smt_cache_put(tc_smt *t, const uint8_t id[SMT_ID_LEN], const uint8_t *raw, size_t len)
{
    if (!t->cache || len == 0 || len > SMT_NODE_MAX) return;
    smt_slot *s = slot_of(t, id);
    memcpy(s->id, id, SMT_ID_LEN);
    memcpy(s->raw, raw, len);
    s->len = (uint8_t)len;
}

static int decode_node(smt_node *n, const uint8_t *buf, size_t len)
{
    if (len == 1 + 2 * TC_SMT_HASH_LEN && buf[0] == SMT_LEAF) {
        n->type = SMT_LEAF;
        memcpy(n->key, buf + 1, TC_SMT_HASH_LEN);
        memcpy(n->value, buf + 1 + TC_SMT_HASH_LEN, TC_SMT_HASH_LEN);
        return TC_OK;
    }
    if (len == SMT_NODE_MAX && buf[0] == SMT_INTERNAL) {
        n->type = SMT_INTERNAL;
        tc__smt_ref_decode(&n->child[0], buf + 1);
        tc__smt_ref_decode(&n->child[1], buf + 1 + SMT_REF_LEN);
        return ref_ok(&n->child[0]) && ref_ok(&n->child[1]) ? TC_OK : TC_ERR_CORRUPT;
    }
    return TC_ERR_CORRUPT;
}

int tc__smt_node_load(tc_smt *t, smt_node *n, const uint8_t id[SMT_ID_LEN])
{
    if (t->cache) {
        const smt_slot *s = slot_of(t, id);
        if (s->len && memcmp(s->id, id, SMT_ID_LEN) == 0) return decode_node(n, s->raw, s->len);
    }
    uint8_t key[2 + SMT_ID_LEN], buf[SMT_NODE_MAX];
    size_t len = 0;
    key[0] = 's'; key[1] = 'n';
    memcpy(key + 2, id, SMT_ID_LEN);
    int rc = tc_kv_get(t->kv, buf, sizeof buf, &len, key, sizeof key);
    if (rc == TC_ERR_NOT_FOUND || rc == TC_ERR_BUFFER_TOO_SMALL) return TC_ERR_CORRUPT;
    if (rc) return rc;
    rc = decode_node(n, buf, len);
    if (!rc) tc__smt_cache_put(t, id, buf, len);
    return rc;
}

int tc__smt_root_ref(tc_smt *t, smt_ref *r, uint64_t version)
{
    if (version > t->latest || version < t->oldest) return TC_ERR_SMT_VERSION;
    memset(r, 0, sizeof *r);
    if (version == 0) return TC_OK; /* the empty tree */
    uint8_t key[10], buf[SMT_REF_LEN];
    size_t len = 0;
    key[0] = 's'; key[1] = 'r';
    tc__smt_put_be64(key + 2, version);
    int rc = tc_kv_get(t->kv, buf, sizeof buf, &len, key, sizeof key);
    if (rc == TC_ERR_NOT_FOUND || rc == TC_ERR_BUFFER_TOO_SMALL) return TC_ERR_CORRUPT;
    if (rc) return rc;
    if (len != SMT_REF_LEN) return TC_ERR_CORRUPT;
    tc__smt_ref_decode(r, buf);
    return ref_ok(r) ? TC_OK : TC_ERR_CORRUPT;
}

uint64_t tc_smt_version(const tc_smt *t) { return t->latest; }
uint64_t tc_smt_oldest(const tc_smt *t) { return t->oldest; }

int tc_smt_root(tc_smt *t, uint8_t root[TC_SMT_HASH_LEN], uint64_t version)
{
    smt_ref r;
    int rc = tc__smt_root_ref(t, &r, version);
    if (rc) return rc;
    memcpy(root, r.hash, TC_SMT_HASH_LEN);
    return TC_OK;
}

/* Walks key's path in `version`, recording the siblings into p (whose
 * `siblings` then points at sib, 256 * 32 bytes). On return *leaf holds the
 * terminal leaf when p->kind is MEMBER or ABSENT_OTHER. */
static int walk(tc_smt *t, tc_smt_proof *p, uint8_t *sib, smt_node *leaf, uint64_t version,
                const uint8_t key[TC_SMT_HASH_LEN])
{
    smt_ref r;
    int rc = tc__smt_root_ref(t, &r, version);
    if (rc) return rc;
    memset(p, 0, sizeof *p);
    p->siblings = sib;
    for (unsigned d = 0;; d++) {
        if (r.type == SMT_EMPTY) { p->kind = TC_SMT_ABSENT_EMPTY; return TC_OK; }
        smt_node n;
        rc = tc__smt_node_load(t, &n, r.id);
        if (rc) return rc;
        if (n.type != r.type) return TC_ERR_CORRUPT;
        if (n.type == SMT_LEAF) {
            *leaf = n;
            p->kind = memcmp(n.key, key, TC_SMT_HASH_LEN) == 0 ? TC_SMT_MEMBER : TC_SMT_ABSENT_OTHER;
            if (p->kind == TC_SMT_ABSENT_OTHER) {
                memcpy(p->other_key, n.key, TC_SMT_HASH_LEN);
                memcpy(p->other_value, n.value, TC_SMT_HASH_LEN);
            }
            return TC_OK;
        }
        if (d >= TC_SMT_MAX_DEPTH) return TC_ERR_CORRUPT;
        int b = tc_smt_key_bit(key, d);
        const smt_ref *s = &n.child[!b];
        if (s->type != SMT_EMPTY) {
            p->bitmap[d >> 3] |= (uint8_t)(0x80u >> (d & 7));
            memcpy(sib + p->sibling_count * TC_SMT_HASH_LEN, s->hash, TC_SMT_HASH_LEN);
            p->sibling_count++;
        }
        p->depth = (uint16_t)(d + 1);
        r = n.child[b];
    }
}

int tc_smt_get(tc_smt *t, uint8_t value[TC_SMT_HASH_LEN], uint64_t version,
               const uint8_t key[TC_SMT_HASH_LEN])
{
    smt_ref r;
    int rc = tc__smt_root_ref(t, &r, version);
    if (rc) return rc;
    for (unsigned d = 0; r.type != SMT_EMPTY; d++) {
        smt_node n;
        rc = tc__smt_node_load(t, &n, r.id);
        if (rc) return rc;
        if (n.type == SMT_LEAF) {
            if (memcmp(n.key, key, TC_SMT_HASH_LEN) != 0) return TC_ERR_NOT_FOUND;
            memcpy(value, n.value, TC_SMT_HASH_LEN);
            return TC_OK;
        }
        if (d >= TC_SMT_MAX_DEPTH) return TC_ERR_CORRUPT;
        r = n.child[tc_smt_key_bit(key, d)];
    }
    return TC_ERR_NOT_FOUND;
}

int tc_smt_prove(tc_smt *t, uint8_t *out, size_t cap, size_t *out_len, uint64_t version,
                 const uint8_t key[TC_SMT_HASH_LEN])
{
    uint8_t sib[TC_SMT_MAX_DEPTH * TC_SMT_HASH_LEN];
    tc_smt_proof p;
    smt_node leaf;
    int rc = walk(t, &p, sib, &leaf, version, key);
    if (rc) return rc;
    size_t need = 0;
    rc = tc_smt_proof_encode(NULL, 0, &need, &p);
    if (rc == TC_ERR_INVALID_ARG) return TC_ERR_CORRUPT; /* stored tree breaks the shape rules */
    if (rc) return rc;
    *out_len = need;
    if (out == NULL && cap == 0) return TC_OK;
    if (cap < need) return TC_ERR_BUFFER_TOO_SMALL;
    return tc_smt_proof_encode(out, cap, out_len, &p);
}
