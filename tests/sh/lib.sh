# Shared by the shell tests (sourced after they cd to the project root):
# a scratch directory removed on exit, pass/fail counters, and the
# "N passed, N failed" ending that tests/run.sh sums.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok()  { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
# expect EXIT-CODE DESCRIPTION COMMAND...: runs the command (stdout in
# $tmp/out, stderr in $tmp/err, no stdin) and counts whether it exited so.
expect() {
  local want=$1 what=$2; shift 2
  "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
  local rc=$?
  if [ "$rc" -eq "$want" ]; then ok; else bad "$what: exit $rc, wanted $want: $(head -c 400 "$tmp/err")"; fi
}
finish() {
  echo "$pass passed, $fail failed"
  [ "$fail" -eq 0 ]
}
