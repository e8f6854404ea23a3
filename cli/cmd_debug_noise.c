/* `thingchain debug noise-vectors FILE` and `thingchain debug noise-peer`:
 * the Noise implementation of the device SDK (include/tcdev/noise.h) checked
 * against published vectors (snow / cacophony JSON) and spoken live over
 * stdin/stdout so other implementations can interoperate with it. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "tc/alloc.h"
#include "tc/crypto.h"
#include "tc/errors.h"
#include "tc/hex.h"
#include "tcdev/noise.h"

#define MSG_MAX TCDEV_NOISE_MAX_MSG

/* ---- noise-vectors ------------------------------------------------------- */

static uint8_t vbuf_a[MSG_MAX + 1], vbuf_b[MSG_MAX + 1], vbuf_c[MSG_MAX + 1];

/* Decodes the optional hex field `key` of v into out (exactly want bytes when
 * want != 0). Returns 1 found, 0 absent/null, -1 malformed. */
static int jhex(const json_t *v, const char *key, uint8_t *out, size_t cap, size_t *len, size_t want)
{
    const json_t *j = json_object_get(v, key);
    size_t n = 0;
    if (!j || json_is_null(j)) return 0;
    if (!json_is_string(j)) return -1;
    if (tc_hex_decode(out, cap, &n, json_string_value(j), json_string_length(j)) != 0) return -1;
    if (want && n != want) return -1;
    if (len) *len = n;
    return 1;
}

/* Runs one vector; 0 pass, 1 fail, 2 skipped. why gets the failure reason. */
static int run_vector(const json_t *v, const char **why, char *name, size_t name_cap)
{
    static const uint8_t zero[32];
    const json_t *jn = json_object_get(v, "protocol_name");
    const json_t *msgs = json_object_get(v, "messages");
    const tcdev_noise_pattern *pat;
    tcdev_noise_handshake hi, hr;
    tcdev_noise_cipher i_send, i_recv, r_send, r_recv;
    uint8_t is[32], irs[32], ie[32], rst[32], rrs[32], re[32], hh[32], hh_i[32], hh_r[32];
    uint8_t *iprol = vbuf_a, *rprol = vbuf_b;
    size_t ipl = 0, rpl = 0, i;
    int has_is, has_irs, has_rs, has_rrs, has_hh, split = 0;

    if (!jn) jn = json_object_get(v, "name");
    if (!json_is_string(jn)) { *why = "no protocol_name"; snprintf(name, name_cap, "?"); return 1; }
    snprintf(name, name_cap, "%s", json_string_value(jn));
    if (tcdev_noise_protocol_parse(&pat, json_string_value(jn), json_string_length(jn)) != 0)
        return 2;
    if (json_is_true(json_object_get(v, "fail"))) return 2;  /* cacophony negative vectors */
    if (!json_is_array(msgs)) { *why = "no messages"; return 1; }

    has_is = jhex(v, "init_static", is, 32, NULL, 32);
    has_irs = jhex(v, "init_remote_static", irs, 32, NULL, 32);
    has_rs = jhex(v, "resp_static", rst, 32, NULL, 32);
    has_rrs = jhex(v, "resp_remote_static", rrs, 32, NULL, 32);
    has_hh = jhex(v, "handshake_hash", hh, 32, NULL, 32);
    if (has_is < 0 || has_irs < 0 || has_rs < 0 || has_rrs < 0 || has_hh < 0 ||
        jhex(v, "init_ephemeral", ie, 32, NULL, 32) != 1 ||
        jhex(v, "init_prologue", iprol, MSG_MAX, &ipl, 0) < 0 ||
        jhex(v, "resp_prologue", rprol, MSG_MAX, &rpl, 0) < 0) {
        *why = "malformed key or prologue field"; return 1;
    }
    if (jhex(v, "resp_ephemeral", re, 32, NULL, 32) != 1) memcpy(re, zero, 32); /* one-way */
    if (tcdev_noise_init(&hi, pat, 1, iprol, ipl, has_is ? is : NULL, has_irs ? irs : NULL, ie) ||
        tcdev_noise_init(&hr, pat, 0, rprol, rpl, has_rs ? rst : NULL, has_rrs ? rrs : NULL, re)) {
        *why = "handshake init failed (missing key)"; return 1;
    }

    for (i = 0; i < json_array_size(msgs); i++) {
        const json_t *m = json_array_get(msgs, i);
        uint8_t *pl = vbuf_a, *ct = vbuf_b, *out = vbuf_c;
        size_t pll, ctl, outl, back;
        int from_init = tcdev_noise_pattern_one_way(pat) || (i % 2 == 0);
        if (jhex(m, "payload", pl, MSG_MAX, &pll, 0) != 1 || jhex(m, "ciphertext", ct, MSG_MAX, &ctl, 0) != 1) {
            *why = "malformed message"; return 1;
        }
        if (!split) {
            tcdev_noise_handshake *snd = from_init ? &hi : &hr, *rcv = from_init ? &hr : &hi;
            if (tcdev_noise_write_message(snd, out, MSG_MAX, &outl, pl, pll)) { *why = "write_message failed"; return 1; }
            if (outl != ctl || memcmp(out, ct, ctl) != 0) { *why = "handshake ciphertext differs"; return 1; }
            if (tcdev_noise_read_message(rcv, out, MSG_MAX, &back, ct, ctl)) { *why = "read_message failed"; return 1; }
            if (back != pll || memcmp(out, pl, pll) != 0) { *why = "handshake payload differs"; return 1; }
            if (tcdev_noise_handshake_done(&hi) != tcdev_noise_handshake_done(&hr)) { *why = "sides disagree on completion"; return 1; }
            if (tcdev_noise_handshake_done(&hi)) {
                if (tcdev_noise_split(&hi, &i_send, &i_recv, hh_i) || tcdev_noise_split(&hr, &r_send, &r_recv, hh_r)) {
                    *why = "split failed"; return 1;
                }
                if (memcmp(hh_i, hh_r, 32) != 0 || (has_hh == 1 && memcmp(hh_i, hh, 32) != 0)) {
                    *why = "handshake hash differs"; return 1;
                }
                split = 1;
            }
        } else {
            tcdev_noise_cipher *snd = from_init ? &i_send : &r_send, *rcv = from_init ? &r_recv : &i_recv;
            if (tcdev_noise_encrypt(snd, out, MSG_MAX, &outl, NULL, 0, pl, pll)) { *why = "transport encrypt failed"; return 1; }
            if (outl != ctl || memcmp(out, ct, ctl) != 0) { *why = "transport ciphertext differs"; return 1; }
            if (tcdev_noise_decrypt(rcv, out, MSG_MAX, &back, NULL, 0, ct, ctl)) { *why = "transport decrypt failed"; return 1; }
            if (back != pll || memcmp(out, pl, pll) != 0) { *why = "transport payload differs"; return 1; }
        }
    }
    if (!split) { *why = "handshake did not complete"; return 1; }
    return 0;
}

int cmd_debug_noise_vectors(int argc, char **argv)
{
    static const char usage[] = "thingchain debug noise-vectors FILE";
    if (cli_wants_help(argc, argv)) {
        printf("usage: %s\n\nRuns a snow- or cacophony-format Noise test-vector file (JSON) against the\n"
               "device SDK's Noise (25519, ChaChaPoly, SHA256; every pattern of the table).\n"
               "Prints one line per vector (ok/FAIL/skip) and ends with\n"
               "\"N passed, N failed, N skipped\"; exits 1 if any failed.\n", usage);
        return CLI_OK;
    }
    if (argc != 2) return cli_usage(usage, argc < 2 ? "missing FILE" : "unexpected argument '%s'", argv[argc > 2 ? 2 : 0]);
    uint8_t *buf = NULL;
    size_t len = 0;
    if (cli_read_input(&buf, &len, argv[1])) return CLI_FAIL;
    json_error_t jerr;
    json_t *root = json_loadb((const char *)buf, len, 0, &jerr);
    tc_free(buf);
    if (!root) return cli_fail("%s: not JSON: %s (line %d)", argv[1], jerr.text, jerr.line);
    json_t *vecs = json_is_array(root) ? root : json_object_get(root, "vectors");
    if (!json_is_array(vecs)) { json_decref(root); return cli_fail("%s: no \"vectors\" array", argv[1]); }
    unsigned passed = 0, failed = 0, skipped = 0;
    for (size_t i = 0; i < json_array_size(vecs); i++) {
        const char *why = "";
        char name[128];
        int r = run_vector(json_array_get(vecs, i), &why, name, sizeof name);
        if (r == 0) { passed++; printf("ok   %s\n", name); }
        else if (r == 2) { skipped++; printf("skip %s\n", name); }
        else { failed++; printf("FAIL %s (vector %zu): %s\n", name, i, why); }
    }
    json_decref(root);
    printf("%u passed, %u failed, %u skipped\n", passed, failed, skipped);
    return failed ? CLI_FAIL : CLI_OK;
}

/* ---- noise-peer ---------------------------------------------------------- */

/* Reads exactly n bytes from fd 0. 1 ok, 0 clean EOF before any byte, -1 error/short. */
static int read_full(uint8_t *p, size_t n)
{
    size_t got = 0;
    while (got < n) {
        ssize_t r = read(0, p + got, n - got);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return got == 0 && r == 0 ? 0 : -1;
        got += (size_t)r;
    }
    return 1;
}

static int write_full(const uint8_t *p, size_t n)
{
    while (n) {
        ssize_t w = write(1, p, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Frames: 2-byte big-endian length, then the Noise message. */
static int send_frame(const uint8_t *msg, size_t len)
{
    uint8_t hdr[2] = {(uint8_t)(len >> 8), (uint8_t)len};
    return write_full(hdr, 2) || write_full(msg, len) ? -1 : 0;
}

/* 1 frame read, 0 clean EOF, -1 error. */
static int recv_frame(uint8_t *msg, size_t *len)
{
    uint8_t hdr[2];
    int r = read_full(hdr, 2);
    if (r <= 0) return r;
    *len = (size_t)hdr[0] << 8 | hdr[1];
    return read_full(msg, *len) == 1 || *len == 0 ? 1 : -1;
}

static int random_bytes(uint8_t *out, size_t n)
{
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    size_t got = 0;
    while (got < n) {
        ssize_t r = read(fd, out + got, n - got);
        if (r <= 0) { close(fd); return -1; }
        got += (size_t)r;
    }
    close(fd);
    return 0;
}

static uint8_t pbuf_msg[MSG_MAX + 1], pbuf_out[MSG_MAX + 1];

/* Runs the handshake to completion over the pipes. 0 ok, else CLI_FAIL. */
static int peer_handshake(tcdev_noise_handshake *hs)
{
    size_t n, m;
    int rc;
    while (!tcdev_noise_handshake_done(hs)) {
        if (tcdev_noise_wants_write(hs)) {
            if ((rc = tcdev_noise_write_message(hs, pbuf_out, MSG_MAX, &n, NULL, 0)) != 0)
                return cli_fail("noise-peer: handshake write: %s", tc_strerror(rc));
            if (send_frame(pbuf_out, n)) return cli_fail("noise-peer: cannot write to stdout");
        } else {
            rc = recv_frame(pbuf_msg, &n);
            if (rc <= 0) return cli_fail("noise-peer: peer closed during the handshake");
            if ((rc = tcdev_noise_read_message(hs, pbuf_out, MSG_MAX, &m, pbuf_msg, n)) != 0)
                return cli_fail("noise-peer: handshake failed: %s", tc_strerror(rc));
        }
    }
    return 0;
}

int cmd_debug_noise_peer(int argc, char **argv)
{
    static const char usage[] =
        "thingchain debug noise-peer --pattern KK|IK|XX --role initiator|responder --static HEX\n"
        "       [--remote-static HEX] [--prologue HEX] [--message TEXT ...]";
    static const struct option opts[] = {
        {"pattern", required_argument, NULL, 'p'}, {"role", required_argument, NULL, 'r'},
        {"static", required_argument, NULL, 's'}, {"remote-static", required_argument, NULL, 'R'},
        {"prologue", required_argument, NULL, 'P'}, {"message", required_argument, NULL, 'm'},
        {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    if (cli_wants_help(argc, argv)) {
        printf("usage: %s\n\nSpeaks Noise_<PATTERN>_25519_ChaChaPoly_SHA256 over stdin/stdout, each message\n"
               "prefixed by its length (2 bytes, big-endian); handshake payloads are empty.\n"
               "The responder echoes every transport message back, encrypted, until its input\n"
               "ends. The initiator sends each --message in turn, checks the echo, and exits 0\n"
               "only if every echo matched. Ephemeral keys come from /dev/urandom.\n", usage);
        return CLI_OK;
    }
    const char *pattern = NULL, *role = NULL, *s_hex = NULL, *rs_hex = NULL, *pro_hex = NULL;
    const char **msgs = tc_calloc((size_t)argc, sizeof *msgs);
    size_t nmsgs = 0;
    int c, ret = CLI_USAGE;
    if (!msgs) return cli_fail("out of memory");
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'p': pattern = optarg; break;
        case 'r': role = optarg; break;
        case 's': s_hex = optarg; break;
        case 'R': rs_hex = optarg; break;
        case 'P': pro_hex = optarg; break;
        case 'm': msgs[nmsgs++] = optarg; break;
        default:
            cli_usage(usage, "unknown option or missing value: '%s'", argv[optind - 1]);
            goto out;
        }
    }
    if (optind < argc) { cli_usage(usage, "unexpected argument '%s'", argv[optind]); goto out; }
    if (!pattern || !role || !s_hex) { cli_usage(usage, "--pattern, --role and --static are required"); goto out; }
    const tcdev_noise_pattern *pat = tcdev_noise_pattern_find(pattern, strlen(pattern));
    if (!pat || tcdev_noise_pattern_one_way(pat)) { cli_usage(usage, "unsupported pattern '%s'", pattern); goto out; }
    int initiator = strcmp(role, "initiator") == 0;
    if (!initiator && strcmp(role, "responder") != 0) { cli_usage(usage, "--role must be initiator or responder"); goto out; }
    if (!initiator && nmsgs) { cli_usage(usage, "--message is for the initiator"); goto out; }
    uint8_t s[32], rs[32], e[32], prologue[1024];
    size_t pl = 0;
    if (cli_hex_opt(s, 32, NULL, 32, "--static", s_hex, usage)) goto out;
    if (rs_hex && cli_hex_opt(rs, 32, NULL, 32, "--remote-static", rs_hex, usage)) goto out;
    if (pro_hex && cli_hex_opt(prologue, sizeof prologue, &pl, 0, "--prologue", pro_hex, usage)) goto out;
    ret = CLI_FAIL;
    if (random_bytes(e, sizeof e)) { cli_fail("noise-peer: cannot read /dev/urandom"); goto out; }
    signal(SIGPIPE, SIG_IGN);   /* a peer that hangs up gives EPIPE, reported below */

    tcdev_noise_handshake hs;
    tcdev_noise_cipher tx, rx;
    int rc = tcdev_noise_init(&hs, pat, initiator, prologue, pl, s, rs_hex ? rs : NULL, e);
    tc_wipe(e, sizeof e);
    tc_wipe(s, sizeof s);
    if (rc) { ret = cli_usage(usage, "pattern %s as %s needs --remote-static", pattern, role); goto out; }
    if (peer_handshake(&hs)) { tcdev_noise_wipe(&hs); goto out; }
    tcdev_noise_split(&hs, &tx, &rx, NULL);

    size_t n, m;
    if (initiator) {
        unsigned matched = 0;
        for (size_t i = 0; i < nmsgs; i++) {
            size_t tl = strlen(msgs[i]);
            if ((rc = tcdev_noise_encrypt(&tx, pbuf_out, MSG_MAX, &n, NULL, 0, (const uint8_t *)msgs[i], tl)) ||
                send_frame(pbuf_out, n)) {
                cli_fail("noise-peer: cannot send message %zu: %s", i + 1, rc ? tc_strerror(rc) : "write error");
                break;
            }
            if (recv_frame(pbuf_msg, &n) != 1) { cli_fail("noise-peer: no echo for message %zu", i + 1); break; }
            if ((rc = tcdev_noise_decrypt(&rx, pbuf_out, MSG_MAX, &m, NULL, 0, pbuf_msg, n)) != 0) {
                cli_fail("noise-peer: echo %zu: %s", i + 1, tc_strerror(rc));
                break;
            }
            if (m != tl || memcmp(pbuf_out, msgs[i], tl) != 0) { cli_fail("noise-peer: echo %zu differs", i + 1); break; }
            matched++;
        }
        close(1);   /* tells the responder we are done */
        fprintf(stderr, "noise-peer: %u of %zu echoes matched\n", matched, nmsgs);
        if (matched == nmsgs) ret = CLI_OK;
    } else {
        for (;;) {
            int r = recv_frame(pbuf_msg, &n);
            if (r == 0) { ret = CLI_OK; break; }
            if (r < 0) { cli_fail("noise-peer: truncated frame"); break; }
            if ((rc = tcdev_noise_decrypt(&rx, pbuf_out, MSG_MAX, &m, NULL, 0, pbuf_msg, n)) != 0) {
                cli_fail("noise-peer: transport message: %s", tc_strerror(rc));
                break;
            }
            memcpy(pbuf_msg, pbuf_out, m);
            if ((rc = tcdev_noise_encrypt(&tx, pbuf_out, MSG_MAX, &n, NULL, 0, pbuf_msg, m)) != 0 ||
                send_frame(pbuf_out, n)) {
                cli_fail("noise-peer: cannot echo: %s", rc ? tc_strerror(rc) : "write error");
                break;
            }
        }
    }
    tcdev_noise_cipher_wipe(&tx);
    tcdev_noise_cipher_wipe(&rx);
out:
    tc_free(msgs);
    return ret;
}
