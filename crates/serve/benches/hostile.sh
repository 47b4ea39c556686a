#!/bin/sh
# Issue #17's acceptance load on 127.0.0.1: a 14 MB article hammered by 64 connections, then
# 20,000 idle connections, with /healthz probed every 100 ms and the server's RSS sampled.
# Usage: crates/serve/benches/hostile.sh [SECONDS] [IDLE]   (defaults 20 and 20000)
set -eu
cd "$(dirname "$0")/../../.."
# Each process needs a descriptor per socket: the server up to its connection cap, each of
# the two flooding processes half the idle connections.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
ulimit -n 65536 2>/dev/null || true
echo "open-file limit: $(ulimit -n)"
cargo build --release -p khronika
cargo bench -p khronika-serve --bench hostile -- "$@"
