#!/usr/bin/env bash
# SPDX-License-Identifier: MIT OR Apache-2.0
# Stress versions of the reliability tests, run by hand.
#
#   scripts/stress/run.sh [SCALE [NAME...]]
#   scripts/stress/run.sh 10                      # all of them, every count x10
#   scripts/stress/run.sh 20 crash concurrency    # reliability_crash and reliability_concurrency
#
# They are the CI test binaries (crates/netnest/tests/reliability_*.rs) built in release mode and
# run with NETNEST_STRESS_SCALE=SCALE, which multiplies every count (operations, rounds, kills,
# inputs, cycles); NETNEST_STRESS_SEED, if set, replaces the fixed seeds. Each test prints a
# `figures:` line; docs/reliability.md quotes them.
#
# Isolation: the whole run happens inside `unshare --mount --net --propagation private` with a
# tmpfs on /run (and each test binary then makes its own private mount and network namespace, as
# in CI), so the host's /run/netns, links and mounts are never touched. Afterwards the script
# checks that `ip netns list` and the host's nsfs mounts are as they were before.
#
# Environment: CARGO_TARGET_DIR as usual; NETNEST_STRESS_LOG (default /tmp/netnest-stress-DATE.log)
# receives the whole output.
set -euo pipefail
cd "$(dirname "$0")/../.."

scale=${1:-10}
shift || true
names=("$@")
if ((${#names[@]} == 0)); then
    names=(concurrency hostile rundir crash privileges leaks)
fi
log=${NETNEST_STRESS_LOG:-/tmp/netnest-stress-$(date +%Y%m%d-%H%M%S).log}

if [[ $(id -u) != 0 ]]; then
    echo "run as root (the tests make namespaces and mounts, inside a sandbox)" >&2
    exit 2
fi

# Build (no namespaces needed) and find the test executables.
args=()
for n in "${names[@]}"; do args+=(--test "reliability_$n"); done
build_out=$(cargo test -p netnest --release --no-run "${args[@]}" 2>&1) || {
    echo "$build_out" >&2
    exit 1
}
mapfile -t bins < <(sed -n 's/^ *Executable tests\/reliability_.*(\(.*\))$/\1/p' <<<"$build_out")
if ((${#bins[@]} != ${#names[@]})); then
    echo "expected ${#names[@]} test executables, found: ${bins[*]}" >&2
    exit 1
fi

host_state() {
    ip netns list 2>&1
    awk '{ for (i = 7; $i != "-"; i++); if ($(i + 1) == "nsfs") print "nsfs", $5, $4 }' /proc/self/mountinfo
}
before=$(host_state)

echo "stress: scale $scale, seed ${NETNEST_STRESS_SEED:-fixed}, log $log"
status=0
NETNEST_STRESS_SCALE=$scale unshare --mount --net --propagation private -- bash -c '
    set -euo pipefail
    mount -t tmpfs -o mode=0755 netnest-stress-run /run
    status=0
    for bin in "$@"; do
        echo "== $(basename "$bin")"
        start=$EPOCHREALTIME
        "$bin" --nocapture || status=1
        awk -v s="$start" -v e="$EPOCHREALTIME" "BEGIN { printf \"wall: %.1f s\\n\", e - s }"
    done
    exit $status
' stress "${bins[@]}" 2>&1 | tee "$log" || status=1

after=$(host_state)
if [[ $before != "$after" ]]; then
    echo "stress: the host changed (ip netns list / nsfs mounts):" >&2
    diff <(echo "$before") <(echo "$after") >&2 || true
    status=1
fi
echo
echo "figures (scale $scale):"
grep '^figures:' "$log" || true
grep -E '^test result:' "$log" | sort | uniq -c
exit $status
