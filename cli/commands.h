/* Every `thingchain` command: TC_CMD(name words, function, one-line help).
 * X-macro table (no include guard). Add a row next to its group and write
 * the function in its own file under cli/. Keep each group together. */
TC_CMD("selftest", cmd_selftest, "check that crypto and encoding work on this machine")
TC_CMD("debug error", cmd_debug_error, "explain an error code, or list them all")
TC_CMD("debug cbor", cmd_debug_cbor, "print binary CBOR as diagnostic notation; exit 1 if not deterministic CBOR")
TC_CMD("debug cbor-reencode", cmd_debug_cbor_reencode, "decode CBOR with the getters and re-encode it (identical bytes if valid)")
TC_CMD("debug cbor-gen", cmd_debug_cbor_gen, "write random deterministic CBOR items from a seed")
TC_CMD("debug cbor-check", cmd_debug_cbor_check, "check hex CBOR items line by line: ok <re-encoding> or err <NAME> <offset>")
TC_CMD("debug cose-sign", cmd_debug_cose_sign, "write a tagged COSE_Sign1 (EdDSA) over the input bytes to stdout")
TC_CMD("debug cose-verify", cmd_debug_cose_verify, "verify a binary COSE_Sign1 with --pub: exit 0 if valid, 1 with the reason")
TC_CMD("debug ed25519-verify", cmd_debug_ed25519_verify, "check an Ed25519 signature under the pinned strict rule: exit 0 valid, 1 invalid")
TC_CMD("debug keygen", cmd_debug_keygen, "print an Ed25519 seed, public key and key id as hex (--seed for a fixed one)")
TC_CMD("debug noise-vectors", cmd_debug_noise_vectors, "run a snow/cacophony Noise test-vector file against the device SDK's Noise")
TC_CMD("debug noise-peer", cmd_debug_noise_peer, "speak Noise (KK/IK/XX, 25519/ChaChaPoly/SHA256) over stdin/stdout, length-prefixed")
TC_CMD("debug smt", cmd_debug_smt, "state tree on a SQLite file: put, delete, root, get, prove, verify")
