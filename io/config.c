/* thingchaind configuration file and values (include/tc/config.h). */
#include "tc/config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tc/log.h"

void tc_config_default(tc_config *c)
{
    memset(c, 0, sizeof *c);
    snprintf(c->p2p_listen, sizeof c->p2p_listen, "127.0.0.1:26656");
    c->log_level = TC_LOG_INFO;
    c->validator = 1;
    c->block_interval_ms = 1000;
    c->block_max_txs = 2000;
    c->block_max_bytes = 900u * 1024u; /* under the engine's 1 MiB value ceiling */
    c->mempool_max_txs = 50000;
    c->mempool_max_bytes = 64u * 1024u * 1024u;
    c->api_rate = 200;
    c->api_burst = 400;
    c->fw_store_max_bytes = (uint64_t)1 << 30;
}

static int set_str(char *dst, size_t cap, tc_err *err, const char *key, const char *v)
{
    if (strlen(v) >= cap)
        return tc_err_set(err, TC_ERR_INVALID_ARG, "%s: value too long", key);
    memcpy(dst, v, strlen(v) + 1);
    return 0;
}

static int set_path(char *dst, tc_err *err, const char *key, const char *v, const char *base)
{
    if (v[0] == '/' || !base || !base[0])
        return set_str(dst, TC_CONFIG_PATH_MAX, err, key, v);
    int n = snprintf(dst, TC_CONFIG_PATH_MAX, "%s/%s", base, v);
    if (n < 0 || n >= TC_CONFIG_PATH_MAX)
        return tc_err_set(err, TC_ERR_INVALID_ARG, "%s: path too long", key);
    return 0;
}

static int set_u64(uint64_t *dst, tc_err *err, const char *key, const char *v, uint64_t min, uint64_t max)
{
    char *end;
    errno = 0;
    unsigned long long x = strtoull(v, &end, 10);
    if (!isdigit((unsigned char)v[0]) || *end || errno || x < min || x > max)
        return tc_err_set(err, TC_ERR_INVALID_ARG, "%s: expected an integer in %llu..%llu, got '%s'", key,
                          (unsigned long long)min, (unsigned long long)max, v);
    *dst = x;
    return 0;
}

int tc_config_split_addr(char *host, size_t host_cap, int *port, const char *addr)
{
    const char *colon = strrchr(addr, ':');
    if (!colon || colon == addr || (size_t)(colon - addr) >= host_cap)
        return TC_ERR_INVALID_ARG;
    char *end;
    long p = strtol(colon + 1, &end, 10);
    if (*end || p < 1 || p > 65535 || !isdigit((unsigned char)colon[1]))
        return TC_ERR_INVALID_ARG;
    memcpy(host, addr, (size_t)(colon - addr));
    host[colon - addr] = 0;
    if (strcmp(host, "localhost") == 0)
        snprintf(host, host_cap, "127.0.0.1");
    *port = (int)p;
    return 0;
}

static int set_addr(char *dst, tc_err *err, const char *key, const char *v)
{
    char host[TC_CONFIG_ADDR_MAX];
    int port;
    if (tc_config_split_addr(host, sizeof host, &port, v) != 0)
        return tc_err_set(err, TC_ERR_INVALID_ARG, "%s: expected HOST:PORT, got '%s'", key, v);
    return set_str(dst, TC_CONFIG_ADDR_MAX, err, key, v);
}

static int set_peers(tc_config *c, tc_err *err, const char *v)
{
    c->npeers = 0;
    char buf[TC_CONFIG_PEERS_MAX * TC_CONFIG_ADDR_MAX];
    if (set_str(buf, sizeof buf, err, "peers", v))
        return err->code;
    for (char *save = NULL, *t = strtok_r(buf, ", \t", &save); t; t = strtok_r(NULL, ", \t", &save)) {
        if (c->npeers == TC_CONFIG_PEERS_MAX)
            return tc_err_set(err, TC_ERR_INVALID_ARG, "peers: more than %d", TC_CONFIG_PEERS_MAX);
        if (set_addr(c->peers[c->npeers], err, "peers", t))
            return err->code;
        c->npeers++;
    }
    return 0;
}

static int hexval(int ch)
{
    if (ch >= '0' && ch <= '9') return ch - '0';
    if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
    return -1;
}

/* Comma-separated Ed25519 public keys (64 hex digits each) of the full
 * nodes this node lets link with it besides the validators. */
static int set_full_nodes(tc_config *c, tc_err *err, const char *v)
{
    c->nfull_nodes = 0;
    while (*v) {
        size_t n = strcspn(v, ",");
        if (c->nfull_nodes == TC_CONFIG_PEERS_MAX)
            return tc_err_set(err, TC_ERR_INVALID_ARG, "full_nodes: more than %d keys", TC_CONFIG_PEERS_MAX);
        if (n != 64)
            return tc_err_set(err, TC_ERR_INVALID_ARG, "full_nodes: expected public keys of 64 hex digits, got '%.*s'",
                              (int)n, v);
        uint8_t *k = c->full_nodes[c->nfull_nodes];
        for (size_t i = 0; i < 32; i++) {
            int hi = hexval(v[2 * i]), lo = hexval(v[2 * i + 1]);
            if (hi < 0 || lo < 0)
                return tc_err_set(err, TC_ERR_INVALID_ARG, "full_nodes: '%.*s' is not hex", (int)n, v);
            k[i] = (uint8_t)(hi << 4 | lo);
        }
        c->nfull_nodes++;
        v += n;
        if (*v == ',') v++;
    }
    return 0;
}

int tc_config_set(tc_config *c, tc_err *err, const char *key, const char *v, const char *base)
{
    if (!strcmp(key, "chain_id")) {
        if (!v[0])
            return tc_err_set(err, TC_ERR_INVALID_ARG, "chain_id: empty");
        return set_str(c->chain_id, sizeof c->chain_id, err, key, v);
    }
    if (!strcmp(key, "genesis")) return set_path(c->genesis, err, key, v, base);
    if (!strcmp(key, "key")) return set_path(c->key, err, key, v, base);
    if (!strcmp(key, "data")) return set_path(c->data, err, key, v, base);
    if (!strcmp(key, "p2p_listen")) return set_addr(c->p2p_listen, err, key, v);
    if (!strcmp(key, "api_listen")) {
        if (!v[0]) { c->api_listen[0] = 0; return 0; }
        return set_addr(c->api_listen, err, key, v);
    }
    if (!strcmp(key, "peers")) return set_peers(c, err, v);
    if (!strcmp(key, "log_level")) {
        int l = tc_log_parse_level(v);
        if (l < 0)
            return tc_err_set(err, TC_ERR_INVALID_ARG, "log_level: expected error|warn|info|debug, got '%s'", v);
        c->log_level = l;
        return 0;
    }
    if (!strcmp(key, "validator")) {
        if (!strcmp(v, "yes")) c->validator = 1;
        else if (!strcmp(v, "no")) c->validator = 0;
        else return tc_err_set(err, TC_ERR_INVALID_ARG, "validator: expected yes|no, got '%s'", v);
        return 0;
    }
    if (!strcmp(key, "mode")) {
        /* full: a non-voting node (gateways, cloud API nodes) that follows
         * committed blocks and never signs, whatever its key. */
        if (!strcmp(v, "validator")) { c->full = 0; c->validator = 1; }
        else if (!strcmp(v, "full")) { c->full = 1; c->validator = 0; }
        else return tc_err_set(err, TC_ERR_INVALID_ARG, "mode: expected validator|full, got '%s'", v);
        return 0;
    }
    if (!strcmp(key, "full_nodes")) return set_full_nodes(c, err, v);
    if (!strcmp(key, "block_interval_ms")) return set_u64(&c->block_interval_ms, err, key, v, 10, 600000);
    if (!strcmp(key, "block_max_txs")) return set_u64(&c->block_max_txs, err, key, v, 1, 65536);
    if (!strcmp(key, "block_max_bytes")) return set_u64(&c->block_max_bytes, err, key, v, 1024, 1000000);
    if (!strcmp(key, "mempool_max_txs")) return set_u64(&c->mempool_max_txs, err, key, v, 1, 10000000);
    if (!strcmp(key, "mempool_max_bytes"))
        return set_u64(&c->mempool_max_bytes, err, key, v, 65536, (uint64_t)1 << 34);
    if (!strcmp(key, "api_rate")) return set_u64(&c->api_rate, err, key, v, 1, 1000000);
    if (!strcmp(key, "api_burst")) return set_u64(&c->api_burst, err, key, v, 1, 1000000);
    if (!strcmp(key, "fw_store_max_bytes"))
        return set_u64(&c->fw_store_max_bytes, err, key, v, 0, (uint64_t)1 << 40);
    return tc_err_set(err, TC_ERR_INVALID_ARG, "unknown key '%s'", key);
}

static char *trim(char *s)
{
    while (isspace((unsigned char)*s)) s++;
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1])) s[--n] = 0;
    return s;
}

int tc_config_load(tc_config *c, tc_err *err, const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return tc_err_set(err, TC_ERR_IO, "%s: %s", path, strerror(errno));
    char base[TC_CONFIG_PATH_MAX];
    snprintf(base, sizeof base, "%s", path);
    char *slash = strrchr(base, '/');
    if (slash) *slash = 0; else snprintf(base, sizeof base, ".");
    char line[8192];
    int ln = 0, rc = 0;
    while (!rc && fgets(line, sizeof line, f)) {
        ln++;
        char *hash = strchr(line, '#');
        if (hash) *hash = 0;
        char *s = trim(line);
        if (!*s) continue;
        char *eq = strchr(s, '=');
        if (!eq) {
            rc = tc_err_set(err, TC_ERR_INVALID_ARG, "%s:%d: expected 'key = value'", path, ln);
            break;
        }
        *eq = 0;
        if ((rc = tc_config_set(c, err, trim(s), trim(eq + 1), base)))
            tc_err_wrap(err, "%s:%d", path, ln);
    }
    fclose(f);
    return rc;
}

int tc_config_check(const tc_config *c, tc_err *err)
{
    if (!c->chain_id[0]) return tc_err_set(err, TC_ERR_INVALID_ARG, "chain_id is required");
    if (!c->genesis[0]) return tc_err_set(err, TC_ERR_INVALID_ARG, "genesis is required");
    if (!c->key[0]) return tc_err_set(err, TC_ERR_INVALID_ARG, "key is required (the node key)");
    if (!c->data[0]) return tc_err_set(err, TC_ERR_INVALID_ARG, "data is required (the SQLite file)");
    if (c->block_max_txs > c->mempool_max_txs)
        return tc_err_set(err, TC_ERR_INVALID_ARG, "block_max_txs exceeds mempool_max_txs");
    return 0;
}
