/* The one table of thingchain error codes (DESIGN.md, Conventions: Errors).
 *
 * Each row: TC_ERROR(NAME, NUMBER, "message a person understands").
 * The enum (TC_ERR_<NAME>), tc_strerror() and tc_errname() are generated from
 * this table; nothing else may list error codes.
 *
 * Numbers are stable: they appear in the HTTP API and in stored transaction
 * results. Never renumber or reuse a row; add new rows at the end of their
 * block. Blocks:   1- 99 generic      100-149 cbor        150-199 crypto
 *                200-249 cose        250-299 merkle/smt  300-349 storage
 *                350-399 noise       400-499 consensus   500-699 ledger
 *                700-799 node/api    800-899 device      900-999 firmware/config
 * This header has no include guard on purpose: it is an X-macro table. */

/* generic */
TC_ERROR(INVALID_ARG,      1, "invalid argument")
TC_ERROR(NOMEM,            2, "out of memory")
TC_ERROR(BUFFER_TOO_SMALL, 3, "output buffer too small")
TC_ERROR(NOT_FOUND,        4, "not found")
TC_ERROR(LIMIT,            5, "size or count limit exceeded")
TC_ERROR(IO,               6, "input/output error")
TC_ERROR(DISK_FULL,        7, "disk full")
TC_ERROR(CORRUPT,          8, "stored data is corrupt")
TC_ERROR(HEX,              9, "invalid hex string")
TC_ERROR(STATE,           10, "operation not valid in the current state")
TC_ERROR(UNSUPPORTED,     11, "not supported")
TC_ERROR(USAGE,           12, "bad command-line usage")

/* cbor (RFC 8949 §4.2.1 deterministic encoding) */
TC_ERROR(CBOR_TRUNCATED,        100, "cbor: input ends inside an item")
TC_ERROR(CBOR_TRAILING,         101, "cbor: trailing bytes after the item")
TC_ERROR(CBOR_NONCANONICAL_INT, 102, "cbor: integer, length or tag not in shortest form")
TC_ERROR(CBOR_NONCANONICAL_FLOAT,103, "cbor: float not in shortest form")
TC_ERROR(CBOR_INDEFINITE,       104, "cbor: indefinite-length item not allowed")
TC_ERROR(CBOR_MAP_ORDER,        105, "cbor: map keys not in bytewise lexicographic order")
TC_ERROR(CBOR_MAP_DUP,          106, "cbor: duplicate map key")
TC_ERROR(CBOR_UTF8,             107, "cbor: text string is not valid UTF-8")
TC_ERROR(CBOR_DEPTH,            108, "cbor: nesting deeper than the limit")
TC_ERROR(CBOR_SIZE,             109, "cbor: string or container larger than the limit")
TC_ERROR(CBOR_RESERVED,         110, "cbor: reserved additional-information value")
TC_ERROR(CBOR_SIMPLE,           111, "cbor: invalid simple value")
TC_ERROR(CBOR_TYPE,             112, "cbor: unexpected item type")
TC_ERROR(CBOR_RANGE,            113, "cbor: integer out of range for its field")
TC_ERROR(CBOR_LENGTH,           114, "cbor: string or array has the wrong length")
TC_ERROR(CBOR_BREAK,            115, "cbor: unexpected break code")

/* crypto */
TC_ERROR(CRYPTO_INIT,       150, "crypto: library failed to initialise")
TC_ERROR(BAD_SIGNATURE,     151, "crypto: signature verification failed")
TC_ERROR(BAD_KEY,           152, "crypto: invalid or small-order public key")
TC_ERROR(DECRYPT,           153, "crypto: decryption failed (authentication tag mismatch)")
TC_ERROR(KDF_LENGTH,        154, "crypto: requested key-derivation output too long")

/* cose (RFC 9052 COSE_Sign1, EdDSA) */
TC_ERROR(COSE_STRUCTURE,    200, "cose: not a COSE_Sign1 structure")
TC_ERROR(COSE_ALG,          201, "cose: unsupported algorithm (only EdDSA, -8)")
TC_ERROR(COSE_CRIT,         202, "cose: unknown critical header parameter")
TC_ERROR(COSE_HEADER,       203, "cose: malformed header parameters")
TC_ERROR(COSE_TAG,          204, "cose: wrong CBOR tag (COSE_Sign1 is tag 18)")
TC_ERROR(COSE_DETACHED,     205, "cose: detached payload not supported")
TC_ERROR(COSE_KID,          206, "cose: key id does not match the verifying key")
TC_ERROR(COSE_THRESHOLD,    207, "cose: fewer distinct allowed keys signed than the threshold requires")

/* merkle: history tree (RFC 9162) and state tree */
TC_ERROR(MERKLE_INDEX,      250, "merkle: leaf index or tree size out of range")
TC_ERROR(MERKLE_PROOF,      251, "merkle: proof does not lead to the expected root")
TC_ERROR(MERKLE_PROOF_LEN,  252, "merkle: proof has the wrong number of hashes")
TC_ERROR(SMT_PROOF,         253, "state proof does not lead to the expected root")
TC_ERROR(SMT_VERSION,       254, "state tree: version pruned or unknown")
TC_ERROR(SMT_PROOF_FORMAT,  255, "state proof is malformed")

/* storage */
TC_ERROR(STORE_OPEN,        300, "store: cannot open database")
TC_ERROR(STORE_SQL,         301, "store: database error")
TC_ERROR(STORE_BUSY,        302, "store: database is locked by another process")
TC_ERROR(STORE_VERSION,     303, "store: database schema version not supported")

/* noise */
TC_ERROR(NOISE_PATTERN,     350, "noise: unsupported protocol name or pattern")
TC_ERROR(NOISE_STATE,       351, "noise: message out of order for the handshake state")
TC_ERROR(NOISE_DECRYPT,     352, "noise: message failed authentication")
TC_ERROR(NOISE_NONCE,       353, "noise: nonce exhausted, rekey required")
TC_ERROR(NOISE_MSG_SIZE,    354, "noise: message too short or longer than 65535 bytes")
TC_ERROR(NOISE_KEY,         355, "noise: missing or invalid static key")

/* consensus (Tendermint engine, validator sets, commit certificates) */
TC_ERROR(CONS_MESSAGE,      400, "consensus: malformed proposal or vote")
TC_ERROR(CONS_VALIDATOR,    401, "consensus: signer is not in the validator set")
TC_ERROR(CONS_VALSET,       402, "consensus: invalid validator set (duplicate key, zero power, too many, power overflow)")
TC_ERROR(CONS_CERT_FORMAT,  403, "consensus: malformed commit certificate")
TC_ERROR(CONS_CERT_POWER,   404, "consensus: commit certificate signers hold too little voting power")
TC_ERROR(CONS_DOUBLE_SIGN,  405, "consensus: refusing to sign a message that could conflict with one signed before")
TC_ERROR(CONS_HEIGHT,       406, "consensus: message or certificate for another height")
TC_ERROR(CONS_RECORD,       407, "consensus: persisted signing record is malformed")
TC_ERROR(CONS_BLOCK_ID,     408, "consensus: block id does not match the block")
TC_ERROR(CONS_PROPOSER,     409, "consensus: proposal not signed by the round's proposer")
TC_ERROR(CONS_EVIDENCE,     410, "consensus: evidence does not show two conflicting votes")

/* ledger: transaction envelope and rules (docs/ledger.md) */
TC_ERROR(LEDGER_MALFORMED,      500, "ledger: malformed transaction")
TC_ERROR(LEDGER_OVERSIZE,       501, "ledger: transaction or one of its fields is larger than allowed")
TC_ERROR(LEDGER_CHAIN_ID,       502, "ledger: transaction is bound to another chain")
TC_ERROR(LEDGER_NONCE,          503, "ledger: nonce is not the signer's next nonce (replayed or skipped)")
TC_ERROR(LEDGER_UNKNOWN_TYPE,   504, "ledger: unknown transaction type")
TC_ERROR(LEDGER_UNKNOWN_SIGNER, 505, "ledger: signer is not known in state")
TC_ERROR(LEDGER_SIGNATURE,      506, "ledger: a transaction signature does not verify")
TC_ERROR(LEDGER_THRESHOLD,      507, "ledger: not enough valid signatures from the key set")
TC_ERROR(LEDGER_UNAUTHORIZED,   508, "ledger: signer is not allowed to do this")
TC_ERROR(LEDGER_UNKNOWN_DEVICE, 509, "ledger: unknown device")
TC_ERROR(LEDGER_REVOKED,        510, "ledger: device or release is revoked")
TC_ERROR(LEDGER_SUSPENDED,      511, "ledger: device is suspended")
TC_ERROR(LEDGER_EXPIRED,        512, "ledger: record or authorization has expired")
TC_ERROR(LEDGER_VERSION_ROLLBACK,513, "ledger: version is not newer than the current one")
TC_ERROR(LEDGER_NOT_APPROVED,   514, "ledger: not approved by the owner or operator")
TC_ERROR(LEDGER_DUPLICATE,      515, "ledger: record already exists")
TC_ERROR(LEDGER_UNKNOWN_ORG,    516, "ledger: unknown organization")
TC_ERROR(LEDGER_NOT_FOUND,      517, "ledger: referenced record does not exist")
TC_ERROR(LEDGER_ROLE,           518, "ledger: organization does not have the required role")
TC_ERROR(LEDGER_CLAIM,          519, "ledger: claim secret does not match or device already claimed")
TC_ERROR(LEDGER_BAD_KEY,        520, "ledger: invalid public key")
TC_ERROR(LEDGER_HEIGHT,         521, "ledger: effective height is not in the future")
TC_ERROR(LEDGER_STATE,          522, "ledger: not valid in the record's current state")
TC_ERROR(LEDGER_KEYSET,         523, "ledger: invalid key set (threshold or keys)")
TC_ERROR(LEDGER_GENESIS,        524, "ledger: invalid genesis document")
TC_ERROR(LEDGER_TIME,           525, "ledger: time or time range is invalid")
TC_ERROR(LEDGER_ANCHOR_DIGESTS, 526, "ledger: anchored digests do not match the anchor's root or count, or repeat")
/* ledger 650-699: blocks (include/tc/block.h, docs/store.md) */
TC_ERROR(BLOCK_FORMAT,          650, "block: malformed header or block")
TC_ERROR(BLOCK_MISMATCH,        651, "block: header does not match the result of executing its transactions")
TC_ERROR(BLOCK_SEQUENCE,        652, "block: height, chain id, time or previous hash does not follow the last block")
/* device 800-899: light client (include/tcdev/light.h, docs/light-client.md) */
TC_ERROR(LIGHT_CHAIN,           800, "light: header is not from the trusted chain (chain id or genesis link)")
TC_ERROR(LIGHT_STALE,           801, "light: header is below the highest verified height (stale view)")
TC_ERROR(LIGHT_FORK,            802, "light: a different header at an already verified height (fork)")
TC_ERROR(LIGHT_TIME_BACKWARDS,  803, "light: header time is not after the last verified header's")
TC_ERROR(LIGHT_TIME_FUTURE,     804, "light: header time is too far ahead of the device clock")
TC_ERROR(LIGHT_VALSET,          805, "light: header's validator set is neither the trusted set nor its announced successor")
TC_ERROR(LIGHT_CERT_BLOCK,      806, "light: commit certificate is for another block")
TC_ERROR(LIGHT_BUNDLE,          807, "light: malformed proof bundle")
TC_ERROR(LIGHT_LINK,            808, "light: header does not link to the previous verified header")
TC_ERROR(LIGHT_RECORD,          809, "light: record or transaction does not match what the proof proves")
