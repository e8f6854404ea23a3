/* Transactions of the load generator (cli/cmd_debug_load.c): governance
 * registers one organization per load signer, then each signer anchors
 * Merkle roots (docs/ledger.md: gov.register_org, anchor). Signer keys
 * are derived from a seed, so a run needs no key files but the net
 * directory's governance keys. */
#include <stdio.h>
#include <string.h>

#include "load.h"
#include "tc/cbor.h"
#include "tc/tx.h"

void load_signer_key(load_signer *s, uint64_t seed, uint64_t index)
{
    uint8_t in[24], d[TC_SHA256_LEN];
    memcpy(in, "tc-load-", 8);
    for (int i = 0; i < 8; i++) {
        in[8 + i] = (uint8_t)(seed >> (56 - 8 * i));
        in[16 + i] = (uint8_t)(index >> (56 - 8 * i));
    }
    tc_sha256(d, in, sizeof in);
    tc_ed25519_keypair(s->pub, s->sec, d);
}

static int finish(uint8_t *out, size_t cap, size_t *len, const load_ctx *c, uint32_t type, const uint8_t *signer,
                  size_t signer_len, uint64_t nonce, const uint8_t *body, size_t body_len,
                  const uint8_t (*secs)[TC_ED25519_SEC_LEN], size_t nsec)
{
    uint8_t payload[1024];
    size_t plen;
    int rc = tc_tx_payload_encode(payload, sizeof payload, &plen, (const uint8_t *)c->chain_id, strlen(c->chain_id),
                                  type, signer, signer_len, nonce, body, body_len);
    if (rc)
        return rc;
    return tc_tx_sign_multi(out, cap, len, payload, plen, secs, nsec);
}

int load_tx_register(uint8_t *out, size_t cap, size_t *len, const load_ctx *c, uint64_t nonce, uint64_t org,
                     const load_signer *admin)
{
    uint8_t body[256], signer[TC_SIGNER_GOV_LEN];
    char name[32];
    size_t blen;
    tc_cbor_enc e;
    int n = snprintf(name, sizeof name, "load-%llu", (unsigned long long)org);
    tc_cbor_enc_init(&e, body, sizeof body);
    tc_cbor_put_map(&e, 4);
    tc_cbor_put_uint(&e, 1); tc_cbor_put_uint(&e, org);
    tc_cbor_put_uint(&e, 2); tc_cbor_put_text(&e, name, (size_t)n);
    tc_cbor_put_uint(&e, 3); tc_cbor_put_uint(&e, TC_ROLE_OPERATOR);
    tc_cbor_put_uint(&e, 4);
    tc_cbor_put_map(&e, 2);
    tc_cbor_put_uint(&e, 1); tc_cbor_put_uint(&e, 1);
    tc_cbor_put_uint(&e, 2); tc_cbor_put_array(&e, 1); tc_cbor_put_bytes(&e, admin->pub, TC_ED25519_PUB_LEN);
    int rc = tc_cbor_enc_finish(&e, &blen);
    if (rc)
        return rc;
    tc_signer_gov(signer);
    return finish(out, cap, len, c, TC_TX_GOV_REGISTER_ORG, signer, sizeof signer, nonce, body, blen,
                  (const uint8_t(*)[TC_ED25519_SEC_LEN])c->gov_sec, c->gov_k);
}

int load_tx_anchor(uint8_t *out, size_t cap, size_t *len, const load_ctx *c, const load_signer *s, uint64_t org,
                   uint64_t nonce, uint64_t now_ms)
{
    uint8_t body[128], signer[TC_SIGNER_ORG_LEN], root[TC_SHA256_LEN], seedb[24];
    size_t blen;
    tc_cbor_enc e;
    /* A root unique per (run seed, org, nonce): anchors are refused twice. */
    for (int i = 0; i < 8; i++) {
        seedb[i] = (uint8_t)(c->seed >> (56 - 8 * i));
        seedb[8 + i] = (uint8_t)(org >> (56 - 8 * i));
        seedb[16 + i] = (uint8_t)(nonce >> (56 - 8 * i));
    }
    tc_sha256(root, seedb, sizeof seedb);
    tc_cbor_enc_init(&e, body, sizeof body);
    tc_cbor_put_map(&e, 4);
    tc_cbor_put_uint(&e, 1); tc_cbor_put_bytes(&e, root, sizeof root);
    tc_cbor_put_uint(&e, 2); tc_cbor_put_uint(&e, 1 + nonce % 1000);
    tc_cbor_put_uint(&e, 3); tc_cbor_put_uint(&e, now_ms - 60000);
    tc_cbor_put_uint(&e, 4); tc_cbor_put_uint(&e, now_ms);
    int rc = tc_cbor_enc_finish(&e, &blen);
    if (rc)
        return rc;
    tc_signer_org(signer, org, TC_KEYS_ADMIN);
    return finish(out, cap, len, c, TC_TX_ANCHOR, signer, sizeof signer, nonce, body, blen,
                  (const uint8_t(*)[TC_ED25519_SEC_LEN])s->sec, 1);
}
