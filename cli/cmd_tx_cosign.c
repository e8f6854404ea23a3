/* `thingchain tx cosign FILE --key KEY [-o OUT]`: adds one signature to a
 * key-set (COSE_Sign) transaction, so k-of-n signers can sign one after the
 * other on separate machines (docs/cli.md, "Threshold signing").
 *
 * The new signature is made by the same builder as `tx build`
 * (tc_tx_sign_multi over the unchanged payload) and its COSE_Signature is
 * spliced into the file's signature list: the payload, and so what every
 * earlier signer signed, is untouched. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cli_json.h"
#include "cmd_tx.h"
#include "tc/alloc.h"
#include "tc/cbor.h"
#include "tc/keyfile.h"

/* The parts of a COSE_Sign: tag 98 [prot, unprot, payload, [sig...]]. */
typedef struct parts {
    const uint8_t *prot, *unprot, *payload;
    size_t prot_len, unprot_len, payload_len;
    uint64_t nsig;
    const uint8_t *sig[TC_TX_SIGS_MAX];
    size_t sig_len[TC_TX_SIGS_MAX];
} parts;

static int split(parts *p, const uint8_t *buf, size_t len)
{
    tc_cbor_dec d;
    uint64_t tag;
    if (tc_cbor_dec_init(&d, buf, len, NULL) || tc_cbor_get_tag(&d, &tag) || tag != 98 ||
        tc_cbor_expect_array(&d, 4) || tc_cbor_get_raw(&d, &p->prot, &p->prot_len) ||
        tc_cbor_get_raw(&d, &p->unprot, &p->unprot_len) ||
        tc_cbor_get_raw(&d, &p->payload, &p->payload_len) || tc_cbor_get_array(&d, &p->nsig) ||
        p->nsig > TC_TX_SIGS_MAX)
        return -1;
    for (size_t i = 0; i < p->nsig; i++)
        if (tc_cbor_get_raw(&d, &p->sig[i], &p->sig_len[i])) return -1;
    return tc_cbor_dec_done(&d) ? -1 : 0;
}

int cmd_tx_cosign(int argc, char **argv)
{
    static const char usage[] = "thingchain tx cosign FILE --key KEY [-o OUT] [--json]";
    static const struct option opts[] = {{"key", required_argument, NULL, 'k'}, {"out", required_argument, NULL, 'o'},
                                         {"json", no_argument, NULL, 'j'}, {NULL, 0, NULL, 0}};
    if (cli_wants_help(argc, argv)) {
        printf("usage: %s\n\nAdds a signature by KEY to a transaction signed by a key set (governance or\n"
               "an organization's keys) and writes it to OUT (default: back to FILE). Refuses a\n"
               "key that already signed and single-signer (device) transactions.\n", usage);
        return CLI_OK;
    }
    const char *key = NULL, *out = NULL;
    int json = 0, c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
        if (c == 'k') key = optarg;
        else if (c == 'o') out = optarg;
        else if (c == 'j') json = 1;
        else return cli_usage(usage, "unknown or incomplete option '%s'", argv[optind - 1]);
    }
    if (optind + 1 != argc) return cli_usage(usage, "expected one FILE");
    if (!key) return cli_usage(usage, "--key KEY is required");
    const char *file = argv[optind];
    if (!out) out = file;

    uint8_t *buf, pub[TC_ED25519_PUB_LEN], kid[TC_KEYID_LEN];
    static uint8_t sec[1][TC_ED25519_SEC_LEN], one[TC_TX_MAX + 1024], res[TC_TX_MAX + 4096];
    size_t len, ol, rl;
    tc_tx tx, ot;
    tc_err err;
    int rc = cli_tx_load(&buf, &len, &tx, file);
    if (rc) return rc;
    parts p, q;
    if (!tx.multi || split(&p, buf, len)) { rc = cli_fail("%s is not signed by a key set (COSE_Sign)", file); goto out; }
    if (tc_keyfile_load(pub, sec[0], &err, key)) { rc = cli_fail("%s", err.msg); goto out; }
    tc_keyid(kid, pub);
    for (size_t i = 0; i < tx.nsig; i++)
        if (!memcmp(tx.sigs[i].kid, kid, TC_KEYID_LEN)) { rc = cli_fail("%s already signed %s", key, file); goto out; }
    if (tx.nsig >= TC_TX_SIGS_MAX) { rc = cli_fail("%s already has %u signatures", file, TC_TX_SIGS_MAX); goto out; }
    if (tc_tx_sign_multi(one, sizeof one, &ol, tx.payload, tx.payload_len, (const uint8_t(*)[TC_ED25519_SEC_LEN])sec, 1) ||
        tc_tx_decode(&ot, &err, one, ol) || split(&q, one, ol) || q.nsig != 1 ||
        q.prot_len != p.prot_len || memcmp(q.prot, p.prot, p.prot_len)) {
        rc = cli_fail("%s uses an envelope this tool cannot add a signature to", file);
        goto out;
    }
    tc_cbor_enc e;
    tc_cbor_enc_init(&e, res, sizeof res);
    tc_cbor_put_tag(&e, 98);
    tc_cbor_put_array(&e, 4);
    tc_cbor_put_raw(&e, p.prot, p.prot_len);
    tc_cbor_put_raw(&e, p.unprot, p.unprot_len);
    tc_cbor_put_raw(&e, p.payload, p.payload_len);
    tc_cbor_put_array(&e, p.nsig + 1);
    for (size_t i = 0; i < p.nsig; i++) tc_cbor_put_raw(&e, p.sig[i], p.sig_len[i]);
    tc_cbor_put_raw(&e, q.sig[0], q.sig_len[0]);
    if (tc_cbor_enc_finish(&e, &rl) || rl > TC_TX_MAX || tc_tx_decode(&ot, &err, res, rl)) {
        rc = cli_fail("the cosigned transaction is too large or malformed");
        goto out;
    }
    if ((rc = cli_tx_write(out, res, rl))) goto out;
    if (strcmp(out, "-") != 0) {
        json_t *o = cli_tx_describe(&ot, rl);
        json_object_set_new(o, "file", json_string(out));
        cli_out_print(o, json);
    }
out:
    tc_wipe(sec, sizeof sec);
    tc_free(buf);
    return rc;
}
