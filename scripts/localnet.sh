#!/usr/bin/env bash
# A fresh local network for `make demo` and the fleet benchmark (docs/fleet.md):
#   scripts/localnet.sh start DIR BASE_PORT [N]   net init into DIR (replaced), start N (4)
#                                                 validators, wait for a block; prints the
#                                                 API URLs comma-separated on the last line
#   scripts/localnet.sh stop DIR                  SIGTERM every node started in DIR
# One client (the fleet) speaks for many devices from 127.0.0.1, so each node's
# per-IP request rate limit is raised (api_rate/api_burst, docs/api.md "Bounds").
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=${TC_REL:-build/rel}
cmd=${1:-}; DIR=${2:-}
[ -n "$cmd" ] && [ -n "$DIR" ] || { echo "usage: $0 start DIR BASE_PORT [N] | stop DIR" >&2; exit 2; }

stop() {
  for f in "$DIR"/node*/pid; do
    [ -f "$f" ] || continue
    p=$(cat "$f")
    if kill -0 "$p" 2>/dev/null && grep -q thingchaind "/proc/$p/cmdline" 2>/dev/null; then
      kill -TERM "$p"
      for _ in $(seq 1 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
      kill -0 "$p" 2>/dev/null && kill -9 "$p"
    fi
    rm -f "$f"
  done
}

if [ "$cmd" = stop ]; then stop; exit 0; fi
[ "$cmd" = start ] || { echo "usage: $0 start DIR BASE_PORT [N] | stop DIR" >&2; exit 2; }
BASE=${3:?base port}; N=${4:-4}
stop
rm -rf "$DIR"
"$BIN/thingchain" net init --validators "$N" --dir "$DIR" --base-port "$BASE" >/dev/null || exit 1
urls=()
for i in $(seq 0 $((N - 1))); do
  printf 'api_rate = 50000\napi_burst = 100000\n' >>"$DIR/node$i/node.conf"
  "$BIN/thingchaind" --config "$DIR/node$i/node.conf" --block-interval-ms 300 </dev/null >/dev/null 2>>"$DIR/node$i/node.log" &
  echo $! >"$DIR/node$i/pid"
  urls+=("http://127.0.0.1:$((BASE + 2 * i + 1))")
done
for _ in $(seq 1 150); do
  h=$(curl -s --max-time 1 "${urls[$((N - 1))]}/status" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["height"])' 2>/dev/null || echo 0)
  [ "${h:-0}" -ge 1 ] && { (IFS=,; echo "${urls[*]}"); exit 0; }
  sleep 0.2
done
echo "localnet: no block committed; logs in $DIR/node*/node.log" >&2
stop
exit 1
