/* Output helpers of the CLI: the same facts as an aligned table for people
 * (default) or one JSON object for scripts (--json). Commands build a
 * jansson object; cli_out_print renders it either way, so the two forms can
 * never disagree (docs/cli.md, "Output"). */
#ifndef TC_CLI_JSON_H
#define TC_CLI_JSON_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

/* A new JSON string holding the hex of p[0..n). */
json_t *cli_json_hex(const uint8_t *p, size_t n);
/* Sets obj[key] = hex string (steals nothing; asserts on allocation failure). */
void cli_json_set_hex(json_t *obj, const char *key, const uint8_t *p, size_t n);
/* Sets obj[key] = string copy of n bytes of text (not NUL-terminated). */
void cli_json_set_text(json_t *obj, const char *key, const char *p, size_t n);

/* Prints obj to stdout: as_json -> compact JSON in insertion
 * order and a newline; otherwise "key   value" lines (arrays and objects
 * nested inside are printed as JSON). Takes ownership of obj (decref). */
void cli_out_print(json_t *obj, int as_json);

#endif
