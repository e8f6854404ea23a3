/* Shared helpers of the tx commands (cmd_tx.h). */
#include "cmd_tx.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_json.h"
#include "tc/alloc.h"
#include "tc/cbor.h"
#include "tc/genesis.h"

int cli_tx_chain_id(char out[65], const char *chain_id, const char *genesis, const char *usage)
{
    if ((chain_id != NULL) == (genesis != NULL))
        return cli_usage(usage, "give exactly one of --chain-id ID and --genesis FILE");
    if (chain_id) {
        size_t n = strlen(chain_id);
        if (n < 1 || n > 64) return cli_usage(usage, "--chain-id must be 1..64 bytes");
        memcpy(out, chain_id, n + 1);
        return 0;
    }
    uint8_t *doc;
    size_t len;
    int rc = cli_read_input(&doc, &len, genesis);
    if (rc) return rc;
    tc_genesis g;
    tc_err err;
    if (len > TC_GENESIS_MAX || tc_genesis_decode(&g, &err, doc, len)) {
        tc_free(doc);
        return cli_fail("%s is not a valid genesis document", genesis);
    }
    memcpy(out, g.chain_id, g.chain_id_len);
    out[g.chain_id_len] = 0;
    tc_free(doc);
    return 0;
}

static json_t *signer_json(const uint8_t *s, size_t n)
{
    char buf[96];
    if (n == TC_SIGNER_GOV_LEN && s[0] == TC_SIGNER_GOV) return json_string("governance");
    if (n == TC_SIGNER_DEVICE_LEN && s[0] == TC_SIGNER_DEVICE) {
        char hex[2 * TC_DEVICE_ID_LEN + 1];
        for (size_t i = 0; i < TC_DEVICE_ID_LEN; i++) snprintf(hex + 2 * i, 3, "%02x", s[1 + i]);
        snprintf(buf, sizeof buf, "device %s", hex);
        return json_string(buf);
    }
    if (n == TC_SIGNER_ORG_LEN && s[0] == TC_SIGNER_ORG) {
        uint64_t org = 0;
        for (size_t i = 0; i < 8; i++) org = org << 8 | s[1 + i];
        static const char *const roles[] = {"?", "admin", "release", "config"};
        snprintf(buf, sizeof buf, "org %llu %s keys", (unsigned long long)org, roles[s[9] <= 3 ? s[9] : 0]);
        return json_string(buf);
    }
    return cli_json_hex(s, n);
}

json_t *cli_tx_describe(const tc_tx *tx, size_t tx_len)
{
    json_t *o = json_object(), *kids = json_array();
    const char *name = tc_tx_type_name(tx->type);
    uint8_t h[TC_SHA256_LEN];
    json_object_set_new(o, "type", json_string(name ? name : "unknown"));
    json_object_set_new(o, "type_id", json_integer(tx->type));
    cli_json_set_text(o, "chain_id", (const char *)tx->chain_id, tx->chain_id_len);
    json_object_set_new(o, "signer", signer_json(tx->signer, tx->signer_len));
    cli_json_set_hex(o, "signer_bytes", tx->signer, tx->signer_len);
    json_object_set_new(o, "nonce", json_integer((json_int_t)tx->nonce));
    json_object_set_new(o, "envelope", json_string(tx->multi ? "COSE_Sign" : "COSE_Sign1"));
    for (size_t i = 0; i < tx->nsig; i++) json_array_append_new(kids, cli_json_hex(tx->sigs[i].kid, TC_KEYID_LEN));
    json_object_set_new(o, "signatures", kids);
    tc_tx_payload_hash(h, tx);
    cli_json_set_hex(o, "payload_hash", h, sizeof h);
    json_object_set_new(o, "size", json_integer((json_int_t)tx_len));
    size_t dl = 0;
    char *diag = NULL;
    tc_cbor_diag(NULL, 0, &dl, tx->body, tx->body_len, NULL);
    if (dl && (diag = tc_malloc(dl + 1)) != NULL &&
        tc_cbor_diag(diag, dl + 1, &dl, tx->body, tx->body_len, NULL) == 0)
        json_object_set_new(o, "body", json_string(diag));
    else
        cli_json_set_hex(o, "body_cbor", tx->body, tx->body_len);
    tc_free(diag);
    return o;
}

int cli_tx_load(uint8_t **buf, size_t *len, tc_tx *tx, const char *path)
{
    int rc = cli_read_input(buf, len, path);
    if (rc) return rc;
    tc_err err;
    tc_err_clear(&err);
    if (tc_tx_decode(tx, &err, *buf, *len)) {
        tc_free(*buf);
        *buf = NULL;
        return cli_fail("%s is not a transaction: %s", path ? path : "input", err.msg);
    }
    return 0;
}

int cli_tx_write(const char *path, const uint8_t *p, size_t n)
{
    FILE *f = strcmp(path, "-") == 0 ? stdout : fopen(path, "wb");
    if (!f) return cli_fail("cannot create %s: %s", path, strerror(errno));
    size_t w = fwrite(p, 1, n, f);
    int bad = w != n || fflush(f) != 0;
    if (f != stdout) bad |= fclose(f) != 0;
    return bad ? cli_fail("cannot write %s", path) : 0;
}
