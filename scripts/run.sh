#!/usr/bin/env bash
# The main job of `make run`. Until the node daemon exists (issue 6), this
# runs the CLI's self-check, and says so.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = stop ]; then echo "run: no local network to stop yet (the node daemon is not built yet)"; exit 0; fi
echo "run: the node daemon (thingchaind) does not exist yet; running the CLI self-check instead."
build/rel/thingchain selftest
