/* Key files (include/tc/keyfile.h; docs/cli.md, "Key files"). */
#include "tc/keyfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "tc/hex.h"

int tc_keyfile_random(tc_err *err, uint8_t seed[TC_ED25519_SEED_LEN])
{
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return tc_err_set(err, TC_ERR_IO, "open /dev/urandom: %s", strerror(errno));
    size_t got = 0;
    while (got < TC_ED25519_SEED_LEN) {
        ssize_t r = read(fd, seed + got, TC_ED25519_SEED_LEN - got);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) {
            close(fd);
            return tc_err_set(err, TC_ERR_IO, "read /dev/urandom");
        }
        got += (size_t)r;
    }
    close(fd);
    return 0;
}

int tc_keyfile_write(tc_err *err, const char *path, const uint8_t seed[TC_ED25519_SEED_LEN])
{
    char text[2 * TC_ED25519_SEED_LEN + 2];
    /* O_EXCL: a key file is never silently replaced (losing a key loses an
     * identity); 0600: only the owner may read a secret. */
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        if (errno == EEXIST) return tc_err_set(err, TC_ERR_IO, "%s exists (refusing to overwrite a key)", path);
        return tc_err_set(err, TC_ERR_IO, "create %s: %s", path, strerror(errno));
    }
    tc_hex_encode(text, seed, TC_ED25519_SEED_LEN);
    text[2 * TC_ED25519_SEED_LEN] = '\n';
    size_t n = 2 * TC_ED25519_SEED_LEN + 1, off = 0;
    while (off < n) {
        ssize_t w = write(fd, text + off, n - off);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) {
            tc_wipe(text, sizeof text);
            close(fd);
            unlink(path);
            return tc_err_set(err, TC_ERR_IO, "write %s", path);
        }
        off += (size_t)w;
    }
    tc_wipe(text, sizeof text);
    if (fsync(fd) != 0 || close(fd) != 0) return tc_err_set(err, TC_ERR_IO, "sync %s", path);
    return 0;
}

int tc_keyfile_read(uint8_t seed[TC_ED25519_SEED_LEN], tc_err *err, const char *path)
{
    char text[2 * TC_ED25519_SEED_LEN + 64];
    FILE *f = fopen(path, "rb");
    if (!f) return tc_err_set(err, TC_ERR_IO, "open key file %s: %s", path, strerror(errno));
    size_t n = fread(text, 1, sizeof text, f);
    fclose(f);
    size_t digits = 0;
    while (digits < n && digits < 2 * TC_ED25519_SEED_LEN) digits++;
    size_t rest = digits;
    while (rest < n && (text[rest] == '\n' || text[rest] == '\r' || text[rest] == ' ' || text[rest] == '\t'))
        rest++;
    size_t got = 0;
    int rc = digits == 2 * TC_ED25519_SEED_LEN && rest == n
                 ? tc_hex_decode(seed, TC_ED25519_SEED_LEN, &got, text, digits)
                 : TC_ERR_HEX;
    tc_wipe(text, sizeof text);
    if (rc || got != TC_ED25519_SEED_LEN)
        return tc_err_set(err, TC_ERR_HEX, "key file %s must hold 64 hex digits (an Ed25519 seed)", path);
    return 0;
}

int tc_keyfile_load(uint8_t pub[TC_ED25519_PUB_LEN], uint8_t sec[TC_ED25519_SEC_LEN],
                    tc_err *err, const char *path)
{
    uint8_t seed[TC_ED25519_SEED_LEN];
    int rc = tc_keyfile_read(seed, err, path);
    if (rc) return rc;
    tc_ed25519_keypair(pub, sec, seed);
    tc_wipe(seed, sizeof seed);
    return 0;
}
