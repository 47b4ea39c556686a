#!/usr/bin/env bash
# The fuzz campaign: every target at once, each for MINUTES (default 30), at the lowest
# CPU priority so it can share a machine. Logs go to crates/fuzz/logs/<target>.log,
# findings to crates/fuzz/artifacts/<target>/. Exit status: 0 when every target is clean.
#
#   crates/fuzz/run-campaign.sh 30            # all seven targets, 30 minutes each
#   crates/fuzz/run-campaign.sh 5 html dates  # some targets only
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
minutes="${1:-30}"
shift || true
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(html feed sitemap warc import dates query)

# Build once and take the binary's path from cargo (the target directory may be anywhere).
bin="$(cd "$here" && cargo build --release -p khronika-fuzz --message-format=json \
  | sed -n 's/.*"executable":"\([^"]*khronika-fuzz\)".*/\1/p' | tail -n 1)"
[ -x "$bin" ] || { echo "no khronika-fuzz binary built" >&2; exit 2; }

mkdir -p "$here/logs"
pids=()
for t in "${targets[@]}"; do
  extra=()
  # The extraction fixtures are real news pages: deeper seeds than our small ones.
  [ "$t" = html ] && extra=(--corpus "$here/../extract/tests/fixtures")
  nice -n 19 "$bin" "$t" --minutes "$minutes" "${extra[@]}" >"$here/logs/$t.log" 2>&1 &
  pids+=($!)
done
status=0
for i in "${!pids[@]}"; do
  if wait "${pids[$i]}"; then
    echo "${targets[$i]}: clean"
  else
    echo "${targets[$i]}: FINDINGS (exit $?), see $here/logs/${targets[$i]}.log" >&2
    status=1
  fi
  grep -h 'cases/s' "$here/logs/${targets[$i]}.log" || true
done
exit $status
