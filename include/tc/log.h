/* Node logs (DESIGN.md, Node: "logs with levels"; docs/node.md, Logs).
 *
 * One line per event on stderr: "2024-05-01T12:00:00.123Z LEVEL message".
 * UTC timestamps with milliseconds so the logs of several nodes sort
 * together. io/ only (clock, stderr). Not thread-safe by design: the node
 * logs from its one event-loop thread. */
#ifndef TC_LOG_H
#define TC_LOG_H

enum tc_log_level { TC_LOG_ERROR = 0, TC_LOG_WARN = 1, TC_LOG_INFO = 2, TC_LOG_DEBUG = 3 };

/* Sets the most verbose level that is printed (default TC_LOG_INFO). */
void tc_log_set_level(int level);
int tc_log_level(void);
/* Parses "error" | "warn" | "info" | "debug": the level or -1. */
int tc_log_parse_level(const char *s);
/* Prefix added after the level (e.g. "node2"); s is copied (max 31 chars). */
void tc_log_set_name(const char *s);

void tc_log(int level, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

#define TC_LOGE(...) tc_log(TC_LOG_ERROR, __VA_ARGS__)
#define TC_LOGW(...) tc_log(TC_LOG_WARN, __VA_ARGS__)
#define TC_LOGI(...) tc_log(TC_LOG_INFO, __VA_ARGS__)
#define TC_LOGD(...) do { if (tc_log_level() >= TC_LOG_DEBUG) tc_log(TC_LOG_DEBUG, __VA_ARGS__); } while (0)

#endif
