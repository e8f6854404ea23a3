/* The kept-alive HTTP client (io/httpc.c, tc_http_conn) against a small
 * server on loopback: requests share one connection; a connection the
 * server closed between requests (idle timeout) is reopened without an
 * error; "Connection: close" is honoured; answers without Content-Length
 * end at close. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tc/httpc.h"
#include "test.h"

/* Server behaviour per accepted connection: answer up to `per_conn`
 * requests, then close. mode 1: say "Connection: close"; mode 2: no
 * Content-Length (body until close). */
static int lfd, port, per_conn, mode, accepted, served;

static int read_request(int fd)
{
    char buf[4096];
    size_t got = 0;
    for (;;) {
        ssize_t r = recv(fd, buf + got, sizeof buf - 1 - got, 0);
        if (r <= 0) return -1;
        got += (size_t)r;
        buf[got] = 0;
        char *sep = strstr(buf, "\r\n\r\n");
        if (!sep) continue;
        const char *cl = strstr(buf, "Content-Length: ");
        size_t want = cl ? (size_t)atoi(cl + 16) : 0, have = got - (size_t)(sep + 4 - buf);
        while (have < want) {
            r = recv(fd, buf, sizeof buf, 0);
            if (r <= 0) return -1;
            have += (size_t)r;
        }
        return 0;
    }
}

static void *serve(void *arg)
{
    (void)arg;
    for (;;) {
        int fd = accept(lfd, NULL, NULL);
        if (fd < 0) return NULL;
        accepted++;
        for (int i = 0; i < per_conn && read_request(fd) == 0; i++) {
            char out[256], body[64];
            int bl = snprintf(body, sizeof body, "{\"n\":%d}", ++served);
            int n = mode == 2 ? snprintf(out, sizeof out, "HTTP/1.1 200 OK\r\n\r\n%s", body)
                              : snprintf(out, sizeof out, "HTTP/1.1 200 OK\r\nContent-Length: %d\r\n%s\r\n%s", bl,
                                         mode == 1 ? "Connection: close\r\n" : "", body);
            if (send(fd, out, (size_t)n, MSG_NOSIGNAL) != n) break;
            if (mode) break;
        }
        close(fd);
    }
}

static void start_server(void)
{
    struct sockaddr_in sa;
    socklen_t sl = sizeof sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    lfd = socket(AF_INET, SOCK_STREAM, 0);
    if (lfd < 0 || bind(lfd, (struct sockaddr *)&sa, sizeof sa) || listen(lfd, 8) ||
        getsockname(lfd, (struct sockaddr *)&sa, &sl)) {
        perror("server");
        exit(2);
    }
    port = ntohs(sa.sin_port);
    pthread_t t;
    pthread_create(&t, NULL, serve, NULL);
    pthread_detach(t);
}

static void run_requests(int n, int expect_conns)
{
    char url[64], resp[64], want[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d", port);
    tc_http_conn *c;
    CHECK_OK(tc_http_conn_new(&c, url, 2000));
    int a0 = accepted, s0 = served;
    for (int i = 0; i < n; i++) {
        int status = 0;
        tc_err err;
        const uint8_t body[] = "hello";
        CHECK_OK(tc_http_conn_request(c, &status, resp, sizeof resp, &err, i % 2 ? "GET" : "POST", "/x", NULL,
                                      i % 2 ? NULL : body, i % 2 ? 0 : sizeof body - 1));
        CHECK_EQ(status, 200);
        snprintf(want, sizeof want, "{\"n\":%d}", s0 + i + 1);
        CHECK_MSG(strcmp(resp, want) == 0, "got %s, expected %s", resp, want);
    }
    tc_http_conn_close(c);
    CHECK_EQ(accepted - a0, expect_conns);
}

static void test_one_connection(void) { per_conn = 1000; mode = 0; run_requests(20, 1); }
static void test_reopened_after_server_close(void) { per_conn = 3; mode = 0; run_requests(9, 3); }
static void test_connection_close_honoured(void) { per_conn = 1000; mode = 1; run_requests(4, 4); }
static void test_body_until_close(void) { per_conn = 1000; mode = 2; run_requests(3, 3); }

static void test_refused(void)
{
    tc_http_conn *c;
    char resp[16];
    int status;
    tc_err err;
    CHECK_OK(tc_http_conn_new(&c, "http://127.0.0.1:1", 500));
    CHECK_ERR(tc_http_conn_request(c, &status, resp, sizeof resp, &err, "GET", "/", NULL, NULL, 0), TC_ERR_IO);
    CHECK(strstr(err.msg, "cannot connect") != NULL);
    tc_http_conn_close(c);
    CHECK_OK(tc_http_conn_new(&c, "ftp://x", 500));
    CHECK_ERR(tc_http_conn_request(c, &status, resp, sizeof resp, &err, "GET", "/", NULL, NULL, 0),
              TC_ERR_INVALID_ARG);
    tc_http_conn_close(c);
}

int main(void)
{
    start_server();
    RUN(test_one_connection);
    RUN(test_reopened_after_server_close);
    RUN(test_connection_close_honoured);
    RUN(test_body_until_close);
    RUN(test_refused);
    return test_summary();
}
