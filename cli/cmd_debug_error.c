/* `thingchain debug error [CODE|NAME]`: explains an error code — what a
 * device built with TC_ERRORS_MINIMAL reports only by number. Without an
 * argument it lists the whole table. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "tc/errors.h"

static const int all_codes[] = {
#define TC_ERROR(name, num, msg) num,
#include "tc/error_table.h"
#undef TC_ERROR
};

int cmd_debug_error(int argc, char **argv)
{
    static const char usage[] = "thingchain debug error [CODE|NAME]";
    if (cli_wants_help(argc, argv)) {
        printf("usage: %s\n\nPrints the name and message of an error code (a number such as 105, or a\n"
               "name such as CBOR_MAP_ORDER); with no argument, lists every code.\n", usage);
        return CLI_OK;
    }
    if (argc > 2) return cli_usage(usage, "expected at most one argument");
    size_t n = sizeof all_codes / sizeof all_codes[0];
    if (argc == 1) {
        for (size_t i = 0; i < n; i++)
            printf("%4d  %-28s %s\n", all_codes[i], tc_errname(all_codes[i]), tc_strerror(all_codes[i]));
        return CLI_OK;
    }
    char *end = NULL;
    long v = strtol(argv[1], &end, 10);
    for (size_t i = 0; i < n; i++) {
        int c = all_codes[i];
        if ((*end == '\0' && v == c) || strcasecmp(argv[1], tc_errname(c)) == 0) {
            printf("%d  %s  %s\n", c, tc_errname(c), tc_strerror(c));
            return CLI_OK;
        }
    }
    return cli_fail("no error code '%s' (run `thingchain debug error` for the list)", argv[1]);
}
