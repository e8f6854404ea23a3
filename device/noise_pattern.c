/* The Noise handshake pattern table (revision 34): one-way patterns (§7.4),
 * fundamental interactive patterns (§7.5) and deferred patterns (§18.2).
 * Pure data: adding a pattern is adding a row. Message i is sent by the
 * initiator when i is even ("->"), by the responder when odd ("<-").
 *
 * TCDEV_NOISE_CORE_PATTERNS (a device build option, used by `make
 * device-size`) keeps only the rows thingchain's flows and the issue's
 * contract need — KK (device channels), IK and XX — about 1.2 KB less flash;
 * every other pattern then parses as unsupported (TC_ERR_NOISE_PATTERN). */
#include <string.h>

#include "noise_internal.h"
#include "tc/errors.h"

#define E  TCDEV__TOK_E
#define S  TCDEV__TOK_S
#define EE TCDEV__TOK_EE
#define ES TCDEV__TOK_ES
#define SE TCDEV__TOK_SE
#define SS TCDEV__TOK_SS
#define PS TCDEV__PRE_S

/* name, initiator pre-message, responder pre-message, messages, one-way, tokens */
const tcdev_noise_pattern tcdev__noise_patterns[] = {
#ifdef TCDEV_NOISE_CORE_PATTERNS
    {"XX", 0,  0,  3, 0, {{E}, {E, EE, S, ES}, {S, SE}}},
    {"KK", PS, PS, 2, 0, {{E, ES, SS}, {E, EE, SE}}},
    {"IK", 0,  PS, 2, 0, {{E, ES, S, SS}, {E, EE, SE}}},
#else
    /* §7.4 one-way */
    {"N",  0,  PS, 1, 1, {{E, ES}}},
    {"K",  PS, PS, 1, 1, {{E, ES, SS}}},
    {"X",  0,  PS, 1, 1, {{E, ES, S, SS}}},
    /* §7.5 interactive */
    {"NN", 0,  0,  2, 0, {{E}, {E, EE}}},
    {"NK", 0,  PS, 2, 0, {{E, ES}, {E, EE}}},
    {"NX", 0,  0,  2, 0, {{E}, {E, EE, S, ES}}},
    {"XN", 0,  0,  3, 0, {{E}, {E, EE}, {S, SE}}},
    {"XK", 0,  PS, 3, 0, {{E, ES}, {E, EE}, {S, SE}}},
    {"XX", 0,  0,  3, 0, {{E}, {E, EE, S, ES}, {S, SE}}},
    {"KN", PS, 0,  2, 0, {{E}, {E, EE, SE}}},
    {"KK", PS, PS, 2, 0, {{E, ES, SS}, {E, EE, SE}}},
    {"KX", PS, 0,  2, 0, {{E}, {E, EE, SE, S, ES}}},
    {"IN", 0,  0,  2, 0, {{E, S}, {E, EE, SE}}},
    {"IK", 0,  PS, 2, 0, {{E, ES, S, SS}, {E, EE, SE}}},
    {"IX", 0,  0,  2, 0, {{E, S}, {E, EE, SE, S, ES}}},
    /* §18.2 deferred */
    {"NK1",  0,  PS, 2, 0, {{E}, {E, EE, ES}}},
    {"NX1",  0,  0,  3, 0, {{E}, {E, EE, S}, {ES}}},
    {"X1N",  0,  0,  4, 0, {{E}, {E, EE}, {S}, {SE}}},
    {"X1K",  0,  PS, 4, 0, {{E, ES}, {E, EE}, {S}, {SE}}},
    {"XK1",  0,  PS, 3, 0, {{E}, {E, EE, ES}, {S, SE}}},
    {"X1K1", 0,  PS, 4, 0, {{E}, {E, EE, ES}, {S}, {SE}}},
    {"X1X",  0,  0,  4, 0, {{E}, {E, EE, S, ES}, {S}, {SE}}},
    {"XX1",  0,  0,  3, 0, {{E}, {E, EE, S}, {ES, S, SE}}},
    {"X1X1", 0,  0,  4, 0, {{E}, {E, EE, S}, {ES, S}, {SE}}},
    {"K1N",  PS, 0,  3, 0, {{E}, {E, EE}, {SE}}},
    {"K1K",  PS, PS, 3, 0, {{E, ES}, {E, EE}, {SE}}},
    {"KK1",  PS, PS, 2, 0, {{E}, {E, EE, SE, ES}}},
    {"K1K1", PS, PS, 3, 0, {{E}, {E, EE, ES}, {SE}}},
    {"K1X",  PS, 0,  3, 0, {{E}, {E, EE, S, ES}, {SE}}},
    {"KX1",  PS, 0,  3, 0, {{E}, {E, EE, SE, S}, {ES}}},
    {"K1X1", PS, 0,  3, 0, {{E}, {E, EE, S}, {SE, ES}}},
    {"I1N",  0,  0,  3, 0, {{E, S}, {E, EE}, {SE}}},
    {"I1K",  0,  PS, 3, 0, {{E, ES, S}, {E, EE}, {SE}}},
    {"IK1",  0,  PS, 2, 0, {{E, S}, {E, EE, SE, ES}}},
    {"I1K1", 0,  PS, 3, 0, {{E, S}, {E, EE, ES}, {SE}}},
    {"I1X",  0,  0,  3, 0, {{E, S}, {E, EE, S, ES}, {SE}}},
    {"IX1",  0,  0,  3, 0, {{E, S}, {E, EE, SE, S}, {ES}}},
    {"I1X1", 0,  0,  3, 0, {{E, S}, {E, EE, S}, {SE, ES}}},
#endif
};
const unsigned tcdev__noise_pattern_count =
    (unsigned)(sizeof tcdev__noise_patterns / sizeof tcdev__noise_patterns[0]);

const tcdev_noise_pattern *tcdev_noise_pattern_find(const char *name, size_t name_len)
{
    unsigned i;
    for (i = 0; i < tcdev__noise_pattern_count; i++) {
        const tcdev_noise_pattern *p = &tcdev__noise_patterns[i];
        if (strlen(p->name) == name_len && memcmp(p->name, name, name_len) == 0) return p;
    }
    return NULL;
}

const char *tcdev_noise_pattern_name(const tcdev_noise_pattern *pattern)
{
    return pattern->name;
}

unsigned tcdev_noise_pattern_messages(const tcdev_noise_pattern *pattern)
{
    return pattern->n_msgs;
}

int tcdev_noise_pattern_one_way(const tcdev_noise_pattern *pattern)
{
    return pattern->one_way;
}

/* §8: Noise_<pattern>_<DH>_<cipher>_<hash>; only our suite is accepted. */
int tcdev_noise_protocol_parse(const tcdev_noise_pattern **pattern, const char *name,
                               size_t name_len)
{
    static const char prefix[] = "Noise_", suffix[] = "_25519_ChaChaPoly_SHA256";
    const size_t pl = sizeof prefix - 1, sl = sizeof suffix - 1;
    const tcdev_noise_pattern *p;
    if (name_len <= pl + sl || memcmp(name, prefix, pl) != 0 ||
        memcmp(name + name_len - sl, suffix, sl) != 0)
        return TC_ERR_NOISE_PATTERN;
    p = tcdev_noise_pattern_find(name + pl, name_len - pl - sl);
    if (!p) return TC_ERR_NOISE_PATTERN;
    *pattern = p;
    return 0;
}
