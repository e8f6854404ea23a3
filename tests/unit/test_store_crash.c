/* Crash safety (issue 4 item 5; docs/store.md "Crash safety"): a child
 * process commits blocks in a loop and reports each committed height on a
 * pipe; the parent kills it with SIGKILL at a random moment, reopens the
 * store and checks it is exactly at a committed block: the height is the
 * last one reported (or the one whose commit returned just before the
 * kill), the block id equals the reference chain's, and the state and
 * history trees match that block's header (tc_store_check). Repeated many
 * times; each child resumes where the last one stopped. */
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "store_fixture.h"
#include "test.h"

#define CHAIN 400         /* blocks in the reference chain */
#define TXS 12
#define MAX_SECONDS 20

static uint8_t *blocks[CHAIN];
static size_t lens[CHAIN];
static uint8_t ids[CHAIN + 1][32];

/* Reference chain: built once in its own store. */
static int build_reference(const char *path)
{
    tc_store *s;
    int rc = fx_open_genesis(&s, path);
    if (rc) return rc;
    tc_store_last_id(s, ids[0]);
    uint8_t txb[TXS][600];
    tc_span txs[TXS];
    for (int b = 0; b < CHAIN && !rc; b++) {
        for (int i = 0; i < TXS; i++) {
            size_t n = fx_dev_tx(txb[i], sizeof txb[i], (uint32_t)(b * 5 + i) % 300, (uint64_t)(b % 4),
                                 "model", i % 2 ? "red" : "blue", (uint64_t)b);
            txs[i] = (tc_span){ txb[i], n };
        }
        rc = fx_make_block(s, &blocks[b], &lens[b], txs, TXS, 1);
        if (!rc) tc_store_last_id(s, ids[b + 1]);
    }
    tc_store_close(s);
    return rc;
}

static void child(const char *path, int fd)
{
    tc_store *s;
    tc_err err;
    if (fx_open_genesis(&s, path)) _exit(3);
    for (;;) {
        uint64_t h = tc_store_height(s);
        if (h >= CHAIN) { pause(); }
        if (tc_store_commit_block(s, &err, blocks[h], lens[h], 1)) {
            fprintf(stderr, "child commit %llu: %s\n", (unsigned long long)h + 1, err.msg);
            _exit(4);
        }
        uint64_t now = h + 1;
        if (write(fd, &now, sizeof now) != sizeof now) _exit(5);
    }
}

static void test_sigkill_during_commits(void)
{
    char dir[400], ref[450], path[450];
    fx_tmpdir(dir, sizeof dir, "crash");
    snprintf(ref, sizeof ref, "%s/ref.db", dir);
    snprintf(path, sizeof path, "%s/node.db", dir);
    CHECK_OK(build_reference(ref));
    srand((unsigned)time(NULL));
    time_t start = time(NULL);
    int kills = 0, mid_commit = 0;
    uint64_t height = 0;
    while (height < CHAIN && time(NULL) - start < MAX_SECONDS) {
        int p[2];
        CHECK(pipe(p) == 0);
        pid_t pid = fork();
        CHECK(pid >= 0);
        if (pid == 0) {
            close(p[0]);
            child(path, p[1]);
        }
        close(p[1]);
        usleep((useconds_t)(rand() % 40000));
        kill(pid, SIGKILL);
        int status;
        waitpid(pid, &status, 0);
        CHECK(WIFSIGNALED(status) || (WIFEXITED(status) && WEXITSTATUS(status) == 0));
        uint64_t reported = height, v;
        while (read(p[0], &v, sizeof v) == sizeof v) reported = v;
        close(p[0]);
        kills++;

        tc_store *s;
        tc_err err;
        CHECK_OK(tc_store_open(&s, &err, path, fx_apply));
        uint64_t h = tc_store_height(s);
        /* committed blocks are never lost; at most the one whose commit
         * returned but whose report did not leave is extra */
        CHECK_MSG(h == reported || h == reported + 1, "height %llu reported %llu",
                  (unsigned long long)h, (unsigned long long)reported);
        if (h == reported + 1) mid_commit++;
        CHECK_OK(tc_store_check(s, &err));
        uint8_t id[32];
        tc_store_last_id(s, id);
        if (tc_store_has_genesis(s)) CHECK_MEM(id, ids[h], 32);
        else CHECK_EQ(h, 0); /* killed before the genesis commit: empty store */
        tc_store_close(s);
        height = h;
    }
    CHECK(kills >= 20);
    fprintf(stderr, "crash: %d kills, reached height %llu, %d killed after commit before report\n",
            kills, (unsigned long long)height, mid_commit);
    for (int i = 0; i < CHAIN; i++) tc_free(blocks[i]);
    fx_rm(dir);
}

int main(void)
{
    tc_crypto_init();
    RUN(test_sigkill_during_commits);
    return test_summary();
}
