/* Blocks: building a proposal from the mempool, validating a proposal
 * (the engine's valid(v)), and the two small durable files next to the
 * SQLite store: the consensus signing record and the last certificate
 * (docs/node.md, "Files"). */
#include <string.h>

#include "node.h"
#include "tc/alloc.h"
#include "tc/log.h"

static int prev_header(node *nd, tc_header *h, uint8_t id[TC_HASH_LEN], uint64_t height)
{
    if (height == 1)
        return 1; /* genesis: no header */
    return tc_store_header(nd->store, h, id, height - 1) == 0 ? 0 : -1;
}

int node_build_block(node *nd, uint8_t **out, size_t *len, uint64_t height)
{
    *out = NULL;
    tc_header h, prev;
    uint8_t prev_id[TC_HASH_LEN];
    memset(&h, 0, sizeof h);
    int p = prev_header(nd, &prev, prev_id, height);
    if (p < 0 || tc_store_height(nd->store) + 1 != height)
        return TC_ERR_STATE;
    if (height > 1 && !nd->last_cert)
        return TC_ERR_STATE; /* cannot prove the previous block: let others propose */
    h.chain_id_len = strlen(nd->cfg.chain_id);
    memcpy(h.chain_id, nd->cfg.chain_id, h.chain_id_len);
    h.height = height;
    uint64_t floor = p == 0 ? prev.time_ms : nd->genesis_time;
    uint64_t now = node_now_ms();
    h.time_ms = now > floor ? now : floor + 1;
    tc_store_last_id(nd->store, h.prev_hash);
    tc_valset_hash(&nd->vs, h.valset_hash);
    tc_valset_hash(&nd->vs_next, h.next_valset_hash);
    memcpy(h.proposer, nd->pub, TC_ED25519_PUB_LEN);
    /* Take transactions in arrival order within the block limits. */
    size_t ntx = 0, bytes = 0;
    tc_span *txs = tc_calloc(nd->mp.n ? nd->mp.n : 1, sizeof *txs);
    if (!txs)
        return TC_ERR_NOMEM;
    for (size_t i = 0; i < nd->mp.n && ntx < nd->cfg.block_max_txs; i++) {
        if (bytes + nd->mp.v[i].len + 16 > nd->cfg.block_max_bytes)
            break;
        txs[ntx].p = nd->mp.v[i].b;
        txs[ntx].len = nd->mp.v[i].len;
        bytes += nd->mp.v[i].len + 16;
        ntx++;
    }
    /* Signatures are checked again (each is a hit in the verified-signature
     * memo): the store keeps this run, and only a run that checked them
     * may stand for the validation and the commit of the block. */
    tc_err err;
    int rc = tc_store_propose(nd->store, &err, &h, txs, ntx, 0);
    if (rc) {
        TC_LOGW("proposal with %zu transactions failed (%s); proposing an empty block", ntx, err.msg);
        ntx = 0;
        rc = tc_store_propose(nd->store, &err, &h, txs, 0, 0);
    }
    tc_span lc = {nd->last_cert, height > 1 ? nd->last_cert_len : 0};
    if (!rc)
        rc = tc_block_encode(NULL, 0, len, &h, txs, ntx, lc, NULL, 0);
    if (rc == TC_ERR_BUFFER_TOO_SMALL || rc == 0) {
        *out = tc_malloc(*len);
        rc = *out ? tc_block_encode(*out, *len, len, &h, txs, ntx, lc, NULL, 0) : TC_ERR_NOMEM;
    }
    tc_free(txs);
    if (rc) {
        tc_free(*out);
        *out = NULL;
    }
    return rc;
}

static int same_exec(const tc_header *a, const tc_header *b)
{
    return a->tx_count == b->tx_count && a->history_size == b->history_size &&
           !memcmp(a->tx_root, b->tx_root, TC_HASH_LEN) && !memcmp(a->history_root, b->history_root, TC_HASH_LEN) &&
           !memcmp(a->state_root, b->state_root, TC_HASH_LEN);
}

/* valid(v) of the paper: the block follows our last block, proves it with
 * a certificate, uses the height's validator set and its header matches
 * executing its transactions on our state (a dry run). */
int node_validate_block(node *nd, const uint8_t *buf, size_t len, uint64_t height)
{
    tc_block b;
    tc_err err;
    tc_err_clear(&err);
    int rc = tc_block_decode(&b, buf, len);
    if (rc)
        return rc;
    tc_header prev;
    uint8_t prev_id[TC_HASH_LEN], vh[TC_HASH_LEN], nh[TC_HASH_LEN];
    int p = prev_header(nd, &prev, prev_id, height);
    if (p < 0 || b.header.height != height || tc_store_height(nd->store) + 1 != height)
        rc = TC_ERR_BLOCK_SEQUENCE;
    if (!rc)
        rc = tc_header_check_next(&err, p == 0 ? &prev : NULL, p == 0 ? prev_id : nd->genesis_hash, &b.header);
    tc_valset_hash(&nd->vs, vh);
    tc_valset_hash(&nd->vs_next, nh);
    if (!rc && memcmp(vh, b.header.valset_hash, TC_HASH_LEN))
        rc = tc_err_set(&err, TC_ERR_BLOCK_SEQUENCE, "validator-set hash is not the set of this height");
    if (!rc && memcmp(nh, b.header.next_valset_hash, TC_HASH_LEN))
        rc = tc_err_set(&err, TC_ERR_BLOCK_SEQUENCE, "next validator-set hash is not the set the state schedules");
    if (!rc && tc_valset_find(&nd->vs, b.header.proposer) < 0)
        rc = tc_err_set(&err, TC_ERR_BLOCK_FORMAT, "proposer is not a validator");
    if (!rc && b.header.time_ms > node_now_ms() + 15000)
        rc = tc_err_set(&err, TC_ERR_BLOCK_SEQUENCE, "block time is in the future");
    if (!rc && height > 1) {
        tc_cons_cert_info ci;
        rc = tc_cons_cert_verify(&ci, b.last_commit.p, b.last_commit.len, nd->cfg.chain_id, &nd->vs_prev,
                                 height - 1);
        if (!rc && memcmp(ci.block_id, prev_id, TC_HASH_LEN))
            rc = tc_err_set(&err, TC_ERR_BLOCK_SEQUENCE, "last commit certifies another block");
    }
    if (!rc) {
        tc_header h = b.header;
        rc = tc_store_propose(nd->store, &err, &h, b.txs, b.ntx, 0);
        if (!rc && !same_exec(&h, &b.header))
            rc = tc_err_set(&err, TC_ERR_BLOCK_MISMATCH, "execution result");
    }
    if (rc)
        TC_LOGW("rejected proposal at height %llu: %s (%s)", (unsigned long long)height, tc_errname(rc), err.msg);
    tc_block_free(&b);
    return rc;
}

/* Both files: two slots, one fdatasync per write (io/recfile.c). */
int node_persist_record(node *nd, const uint8_t *rec, size_t len)
{
    return tc_recfile_write(&nd->rec_file, rec, len, NULL, 0);
}

int node_save_cert(node *nd, uint64_t height, const uint8_t *cert, size_t len)
{
    uint8_t hb[8];
    for (int i = 0; i < 8; i++)
        hb[i] = (uint8_t)(height >> (56 - 8 * i));
    int rc = tc_recfile_write(&nd->cert_file, hb, 8, cert, len);
    if (rc)
        return rc;
    uint8_t *c = tc_malloc(len ? len : 1);
    if (!c)
        return TC_ERR_NOMEM;
    memcpy(c, cert, len);
    tc_free(nd->last_cert);
    nd->last_cert = c;
    nd->last_cert_len = len;
    return 0;
}

/* Opens the certificate file and loads the certificate of the store's last
 * block, if the file has it. */
int node_load_cert(node *nd)
{
    uint8_t *buf;
    size_t n;
    tc_err err;
    int rc = tc_recfile_open(&nd->cert_file, &err, nd->cert_path, NODE_CERT_MAX, &buf, &n);
    if (rc) {
        TC_LOGE("certificate file: %s", err.msg);
        return rc;
    }
    uint64_t h = 0;
    for (size_t i = 0; i < 8 && n >= 8; i++)
        h = h << 8 | buf[i];
    if (n < 8 || h != tc_store_height(nd->store)) {
        tc_free(buf);
        return 0;
    }
    memmove(buf, buf + 8, n - 8);
    nd->last_cert = buf;
    nd->last_cert_len = n - 8;
    return 0;
}
