/* thingchain: the command-line tool for operators, vendors and developers.
 * Dispatches the first words of argv to the command table in commands.h. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "tc/crypto.h"

typedef struct {
    const char *words;
    int (*fn)(int, char **);
    const char *help;
} command;

static const command commands[] = {
#define TC_CMD(words, fn, help) {words, fn, help},
#include "commands.h"
#undef TC_CMD
};
#define NCOMMANDS (sizeof commands / sizeof commands[0])

/* How many argv words (from argv[1]) the command's words match; 0 if not all. */
static int match(const char *words, int argc, char **argv)
{
    int used = 0;
    const char *w = words;
    while (*w) {
        size_t len = strcspn(w, " ");
        if (1 + used >= argc) return 0;
        const char *a = argv[1 + used];
        if (strlen(a) != len || strncmp(a, w, len) != 0) return 0;
        used++;
        w += len;
        if (*w == ' ') w++;
    }
    return used;
}

static void list(FILE *f, const char *prefix)
{
    size_t plen = prefix ? strlen(prefix) : 0;
    fprintf(f, "usage: thingchain <command> [options]   (thingchain <command> --help for details)\n\ncommands:\n");
    for (size_t i = 0; i < NCOMMANDS; i++) {
        if (plen && strncmp(commands[i].words, prefix, plen) != 0) continue;
        fprintf(f, "  %-34s %s\n", commands[i].words, commands[i].help);
    }
}

int main(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        list(stdout, NULL);
        return argc < 2 ? CLI_USAGE : CLI_OK;
    }
    if (tc_crypto_init() != 0) {
        fprintf(stderr, "thingchain: the crypto library failed to initialise\n");
        return CLI_FAIL;
    }
    int best = -1, best_used = 0;
    for (size_t i = 0; i < NCOMMANDS; i++) {
        int used = match(commands[i].words, argc, argv);
        if (used > best_used) { best = (int)i; best_used = used; }
    }
    if (best < 0) {
        /* A group name alone (e.g. `thingchain debug`) lists its commands. */
        for (size_t i = 0; i < NCOMMANDS; i++) {
            size_t l = strlen(argv[1]);
            if (strncmp(commands[i].words, argv[1], l) == 0 && commands[i].words[l] == ' ') {
                char prefix[64];
                snprintf(prefix, sizeof prefix, "%s ", argv[1]);
                int help = argc > 2 && (!strcmp(argv[2], "--help") || !strcmp(argv[2], "-h"));
                if (argc > 2 && !help) fprintf(stderr, "thingchain: unknown command '%s %s'\n\n", argv[1], argv[2]);
                list(help ? stdout : stderr, prefix);
                return help ? CLI_OK : CLI_USAGE;
            }
        }
        fprintf(stderr, "thingchain: unknown command '%s'\n\n", argv[1]);
        list(stderr, NULL);
        return CLI_USAGE;
    }
    cli_command_name = commands[best].words;
    /* The command sees argv[0] = its own words, then its arguments. */
    argv[best_used] = (char *)commands[best].words;
    return commands[best].fn(argc - best_used, argv + best_used);
}
