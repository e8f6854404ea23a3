#!/usr/bin/env bash
# thingchain-sim in CI (issue 5): 500+ seeds across n in {1, 4, 7} with every
# fault and f Byzantine validators must show no violation; with n/3 or more
# colluding Byzantine validators the agreement checker must catch violations.
# Runs the -O2 build ($TC_REL) when present: the sim is CPU-bound crypto.
set -u
cd "$(dirname "$0")/../.."
SIM=${TC_REL:-build/rel}/thingchain-sim
[ -x "$SIM" ] || SIM=${TC_BUILD:-build/asan}/thingchain-sim
pass=0 fail=0
check() { # name, expected exit, command...
  local name=$1 want=$2; shift 2
  local out rc
  out=$("$@" 2>&1); rc=$?
  local last; last=$(echo "$out" | tail -n 1)
  if [ $rc -eq "$want" ] && [[ "$last" == runs:* ]]; then pass=$((pass + 1)); echo "ok   $name: $last"
  else fail=$((fail + 1)); echo "FAIL $name (exit $rc, want $want)"; echo "$out" | tail -n 40; fi
}
check "n=1"            0 "$SIM" --validators 1 --byzantine 0 --seeds 100 --heights 5 --faults all
check "n=4 f=1 all"    0 "$SIM" --validators 4 --byzantine 1 --seeds 250 --heights 5 --faults all
check "n=7 f=2 all"    0 "$SIM" --validators 7 --byzantine 2 --seeds 150 --heights 4 --faults all
check "n=4 f=1 collude" 0 "$SIM" --validators 4 --byzantine 1 --seeds 50 --heights 3 --faults collude,delay,loss
# The checker can fail: 2 of 4 (and 3 of 7) colluding validators split the honest ones.
check "n=4 b=2 expect" 0 "$SIM" --validators 4 --byzantine 2 --seeds 20 --heights 3 --faults collude --expect-violations
check "n=7 b=3 expect" 0 "$SIM" --validators 7 --byzantine 3 --seeds 20 --heights 3 --faults collude,delay --expect-violations
out=$("$SIM" --validators 4 --byzantine 2 --seeds 5 --heights 3 --faults collude)
if [ $? -ne 0 ] && echo "$out" | grep -q "reproduce: thingchain-sim" && echo "$out" | grep -q "agreement:"; then
  pass=$((pass + 1)); echo "ok   violations exit non-zero with trace and reproduce line"
else fail=$((fail + 1)); echo "FAIL violation run did not fail loudly"; fi
# Reproducible: the same seed gives the same output.
a=$("$SIM" --validators 4 --byzantine 1 --seeds 3 --heights 3 --faults all --seed 77 --verbose)
b=$("$SIM" --validators 4 --byzantine 1 --seeds 3 --heights 3 --faults all --seed 77 --verbose)
if [ "$a" == "$b" ]; then pass=$((pass + 1)); echo "ok   reproducible"; else fail=$((fail + 1)); echo "FAIL not reproducible"; fi
"$SIM" --help | grep -q collude && "$SIM" --help | grep -q all && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL --help"; }
"$SIM" --validators 4 >/dev/null 2>&1; [ $? -eq 2 ] && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL usage exit"; }
"$SIM" --validators 4 --byzantine 1 --seeds 1 --heights 1 --faults bogus >/dev/null 2>&1; [ $? -eq 2 ] && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL bad fault"; }
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
