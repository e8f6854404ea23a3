/* Signed device messages (include/tcdev/device.h flow 5; DESIGN.md
 * "Message authentication / signing"): COSE_Sign1 over
 *   {1 sender device id (16), 2 counter, 3 body}
 * signed by the device key. The counter makes each message unique: a
 * receiver keeps, per peer, the last counter it accepted and refuses any
 * other that is not above it (replay). */
#include <assert.h>
#include <string.h>

#include "device_internal.h"
#include "tc/cbor.h"
#include "tc/cose.h"
#include "tc/errors.h"

int tcdev__sign1(uint8_t *out, size_t cap, size_t *out_len, uint8_t *scratch, size_t payload_len,
                 size_t scratch_cap, const uint8_t sec[64])
{
    return tc_cose_sign1_create(out, cap, out_len, scratch + payload_len,
                                scratch_cap - payload_len, sec, NULL, 0, NULL, 0, scratch,
                                payload_len, 1, NULL);
}

int tcdev_msg_sign(uint8_t *out, size_t cap, size_t *out_len, uint8_t *scratch,
                   size_t scratch_cap, uint64_t *counter, const uint8_t id[TCDEV_ID_LEN],
                   const uint8_t sec[64], const uint8_t *body, size_t body_len)
{
    assert(out && out_len && scratch && counter && id && sec && (body || body_len == 0));
    tc_cbor_enc e;
    size_t plen;
    if (*counter == UINT64_MAX)
        return TC_ERR_LIMIT;
    tc_cbor_enc_init(&e, scratch, scratch_cap);
    tc_cbor_put_map(&e, 3);
    tc_cbor_put_uint(&e, 1); tc_cbor_put_bytes(&e, id, TCDEV_ID_LEN);
    tc_cbor_put_uint(&e, 2); tc_cbor_put_uint(&e, *counter + 1);
    tc_cbor_put_uint(&e, 3); tc_cbor_put_bytes(&e, body, body_len);
    int rc = tc_cbor_enc_finish(&e, &plen);
    if (!rc)
        rc = tcdev__sign1(out, cap, out_len, scratch, plen, scratch_cap, sec);
    if (!rc)
        ++*counter;
    return rc;
}

int tcdev_msg_verify(const uint8_t **body, size_t *body_len, uint64_t *counter,
                     uint64_t *last_seen, uint8_t *scratch, size_t scratch_cap,
                     const tcdev_device_record *peer, const uint8_t *msg, size_t msg_len)
{
    assert(body && body_len && last_seen && scratch && peer && msg);
    tc_cose_sign1 m;
    tcdev__field f[3];
    int rc = tcdev__active(peer);
    if (rc)
        return rc;
    if ((rc = tc_cose_sign1_verify(&m, scratch, scratch_cap, peer->ed25519, NULL, 0, msg, msg_len,
                                   NULL)))
        return rc;
    if (tcdev__fields(f, "BUB", m.payload, m.payload_len))
        return TC_ERR_DEV_MSG_FORMAT;
    if (f[0].n != TCDEV_ID_LEN || memcmp(f[0].p, peer->id, TCDEV_ID_LEN) != 0)
        return TC_ERR_DEV_MSG_SENDER;
    if (f[1].u <= *last_seen)
        return TC_ERR_DEV_MSG_REPLAY;
    *last_seen = f[1].u;
    if (counter)
        *counter = f[1].u;
    *body = f[2].p;
    *body_len = f[2].n;
    return 0;
}
