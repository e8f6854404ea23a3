#!/usr/bin/env bash
# thingchaind configuration contract (docs/node.md, Configuration): --help
# exits 0 and names every key's flag; bad flags, unknown keys, bad values and
# missing required keys exit 2 with a message naming the problem.
set -u
cd "$(dirname "$0")/../.."
D=${TC_BUILD:-build/asan}/thingchaind
pass=0 fail=0
check() { if eval "$2"; then pass=$((pass + 1)); echo "ok   $1"; else fail=$((fail + 1)); echo "FAIL $1"; fi; }
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT

check "--help exits 0" '"$D" --help >"$T/h"'
for f in config chain-id genesis key data p2p-listen api-listen peers log-level validator block-interval-ms; do
  check "--help lists --$f" 'grep -q -- "--$f" "$T/h"'
done
check "unknown flag: exit 2" '"$D" --nope 2>/dev/null; [ $? -eq 2 ]'
printf 'chain_id = c\nbogus = 1\n' >"$T/a.conf"
check "unknown key: exit 2, names file:line and key" '"$D" --config "$T/a.conf" 2>"$T/e"; [ $? -eq 2 ] && grep -q "a.conf:2" "$T/e" && grep -q bogus "$T/e"'
printf 'chain_id = c\nlog_level = loud\n' >"$T/b.conf"
check "bad level: exit 2" '"$D" --config "$T/b.conf" 2>"$T/e"; [ $? -eq 2 ] && grep -q log_level "$T/e"'
printf 'chain_id = c # comment\n\ngenesis = g.cbor\nkey = k\n' >"$T/c.conf"
check "missing data: exit 2 naming it" '"$D" --config "$T/c.conf" 2>"$T/e"; [ $? -eq 2 ] && grep -q "data is required" "$T/e"'
check "a bad file value is an error even if a flag sets the key" '"$D" --config "$T/b.conf" --log-level warn 2>"$T/e"; [ $? -eq 2 ] && grep -q log_level "$T/e"'
check "bad peer address: exit 2" '"$D" --config "$T/c.conf" --data x --peers "127.0.0.1" 2>"$T/e"; [ $? -eq 2 ] && grep -q peers "$T/e"'
check "missing genesis file: exit 1 with a message" '"$D" --config "$T/c.conf" --data "$T/x.db" --p2p-listen 127.0.0.1:$((27000 + RANDOM % 1000)) 2>"$T/e"; [ $? -eq 1 ] && grep -q "genesis" "$T/e"'
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
