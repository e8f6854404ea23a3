/* Shared helpers of the `thingchain` command-line tool. */
#ifndef TC_CLI_H
#define TC_CLI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define TC_CMD(words, fn, help) int fn(int argc, char **argv);
#include "commands.h"
#undef TC_CMD

/* Exit codes shared by every command: 0 ok, 1 the check failed (invalid
 * signature, bad proof, non-canonical input...), 2 usage error. */
enum { CLI_OK = 0, CLI_FAIL = 1, CLI_USAGE = 2 };

/* Largest input any command reads from a file or stdin. */
#define CLI_MAX_INPUT (64u << 20)

/* Prints "thingchain: <cmd>: <message>" and the usage text to stderr;
 * returns CLI_USAGE so commands can `return cli_usage(...)`. */
int cli_usage(const char *usage, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prints "thingchain: <message>" to stderr and returns CLI_FAIL. */
int cli_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Reads all of path ("-" or NULL: stdin) into *buf (tc_malloc'd; the caller
 * tc_free()s it). At most CLI_MAX_INPUT bytes. Returns 0 or prints why and
 * returns CLI_FAIL. */
int cli_read_input(uint8_t **buf, size_t *len, const char *path);

/* Decodes the hex value of option `opt` into out. With exact != 0 the value
 * must decode to exactly `exact` bytes; otherwise up to cap. Returns 0, or
 * prints a usage message and returns CLI_USAGE. */
int cli_hex_opt(uint8_t *out, size_t cap, size_t *out_len, size_t exact, const char *opt,
                const char *val, const char *usage);

/* Parses a decimal unsigned integer option; CLI_USAGE with a message if not. */
int cli_u64_opt(uint64_t *out, const char *opt, const char *val, const char *usage);

/* True when argv holds -h or --help (commands print their usage and exit 0). */
int cli_wants_help(int argc, char **argv);

/* Writes n bytes of hex and a newline to f. */
void cli_print_hex(FILE *f, const uint8_t *p, size_t n);

/* The command's words as the user typed them (for messages), set by main. */
extern const char *cli_command_name;

#endif
