# Shared by tests/sh/test_node_*.sh (sourced after lib.sh, from the project
# root): a loopback network from `thingchain net init` in $tmp/net, node
# processes started and killed by index, /status fields, bounded waits.
# Every node is killed when the test exits.
BUILD=${TC_BUILD:-build/asan}
D=$BUILD/thingchaind
CLI=${THINGCHAIN:-$BUILD/thingchain}
PY=/usr/bin/python3
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
PIDS=()
net_cleanup() {
  for p in "${PIDS[@]}"; do [ -n "$p" ] && kill -9 "$p" 2>/dev/null; done
  [ -n "${KEEP:-}" ] && { echo "kept $tmp"; return; }
  wait 2>/dev/null
  rm -rf "$tmp"
}
trap net_cleanup EXIT
BASE=$((20000 + (RANDOM % 2000) * 3))
net_init() { # validators full-nodes
  "$CLI" net init --validators "$1" --full-nodes "$2" --dir "$tmp/net" --base-port $BASE >/dev/null
}
api() { echo "127.0.0.1:$((BASE + 2 * $1 + 1))"; }
urls() { local u="" i; for i in "$@"; do u="$u${u:+,}http://$(api "$i")"; done; echo "$u"; }
start() { # node index, extra flags...
  local i=$1; shift
  # Clients here are the tests themselves on one address: lift the per-IP API rate.
  "$D" --config "$tmp/net/node$i/node.conf" --block-interval-ms 300 --api-rate 1000000 --api-burst 1000000 "$@" 2>>"$tmp/node$i.log" &
  PIDS[$i]=$!
}
kill9() { kill -9 "${PIDS[$1]}" 2>/dev/null; wait "${PIDS[$1]}" 2>/dev/null; PIDS[$1]=; }
status() { curl -s --max-time 2 "http://$(api "$1")/status"; }
field() { status "$1" | $PY -c "import json,sys; print(json.load(sys.stdin)['$2'])" 2>/dev/null || echo -1; }
height() { field "$1" height; }
wait_height() { # node, height, seconds
  local end=$((SECONDS + $3))
  while [ $SECONDS -lt $end ]; do [ "$(height "$1")" -ge "$2" ] 2>/dev/null && return 0; sleep 0.3; done
  return 1
}
# Nodes report the same height and state root: statuses fetched in
# parallel (blocks keep coming every 300 ms), retried until the deadline.
same_root() { # seconds, nodes...
  local end=$((SECONDS + $1)); shift
  while [ $SECONDS -lt $end ]; do
    local i
    (for i in "$@"; do curl -s --max-time 2 "http://$(api "$i")/status" >"$tmp/st$i" & done; wait)
    if $PY - "$tmp" "$@" <<'PYEOF'
import json, sys
t = sys.argv[1]
try:
    s = {(d["height"], d["state_root"]) for d in (json.load(open("%s/st%s" % (t, i))) for i in sys.argv[2:])}
except Exception:
    sys.exit(1)
sys.exit(0 if len(s) == 1 and list(s)[0][1] else 1)
PYEOF
    then return 0; fi
    sleep 0.2
  done
  return 1
}
check() { if eval "$2"; then ok; else bad "$1"; fi; }
no_sanitizer() { ! grep -q "Sanitizer" "$tmp"/node*.log; }
show_logs() { [ "$fail" -eq 0 ] && return; for f in "$tmp"/node*.log; do echo "--- $f"; grep -E "WARN|ERROR|Sanitizer" "$f" | tail -n 8; done; }
