#!/usr/bin/env bash
# SPDX-License-Identifier: MIT OR Apache-2.0
# Stress versions of the CLI-level reliability tests, run by hand.
#
#   scripts/stress/cli_run.sh [SCALE [NAME...]]
#   scripts/stress/cli_run.sh 10                  # all of them, every count x10
#   scripts/stress/cli_run.sh 25 crash            # 1 000 SIGKILLs of netnest add/attach/delete
#   NETNEST_STRESS_SHARED_RUN=1 scripts/stress/cli_run.sh 50 crash   # the same under a shared /run
#
# NAME is one of:
#   crash       crates/netnest-cli/tests/reliability_crash.rs    SIGKILLs, state checks, add/list vs ip
#   hostile     crates/netnest-cli/tests/reliability_hostile.rs  names as argv bytes, batch files, -all
#   rundir      crates/netnest-cli/tests/reliability_rundir.rs   run directory states vs ip
#   privileges  crates/netnest-cli/tests/reliability_privileges.rs  as uid 65534 vs ip
#   prune       crates/netnest-cli/tests/reliability_prune.rs    netnest prune; abbreviations vs ip
#   parsers     crates/netnest-cli/src/proptests.rs              grammar, strtol oracle, JSON writer
#   netlink     crates/netnest/tests/fuzz_netlink.rs             reply parser fuzzing, kernel requests
#
# They are the CI tests, built in release mode and run with NETNEST_STRESS_SCALE=SCALE, which
# multiplies every count (kills, names, files, inputs, requests); NETNEST_STRESS_SEED, if set,
# replaces the fixed seeds (so a different run explores different inputs);
# NETNEST_STRESS_SHARED_RUN=1 makes the crash test's /run a shared mount (the systemd default).
# Each test prints `figures:` lines; docs/reliability.md quotes them.
#
# Isolation: every test already works in sandboxes of its own (private mount, network and pid
# namespaces with tmpfs on /run and /tmp); the whole run also happens inside
# `unshare --mount --net --propagation private` with a tmpfs on /run, and afterwards the script
# checks that the host's `ip netns list` and nsfs mounts are as they were before.
#
# Environment: CARGO_TARGET_DIR as usual (under /tmp or /run too: the sandboxes bind it back);
# NETNEST_STRESS_LOG (default /tmp/netnest-cli-stress-DATE.log) receives the whole output.
set -euo pipefail
cd "$(dirname "$0")/../.."

scale=${1:-10}
shift || true
names=("$@")
if ((${#names[@]} == 0)); then
    names=(crash hostile rundir privileges prune parsers netlink)
fi
log=${NETNEST_STRESS_LOG:-/tmp/netnest-cli-stress-$(date +%Y%m%d-%H%M%S).log}

if [[ $(id -u) != 0 ]]; then
    echo "run as root (the tests make namespaces and mounts, inside sandboxes)" >&2
    exit 2
fi
case "${CARGO_TARGET_DIR:-}" in
/tmp/* | /run/*)
    echo "CARGO_TARGET_DIR=$CARGO_TARGET_DIR would be hidden by the sandboxes' tmpfs" >&2
    exit 2
    ;;
esac

# The cargo arguments for each name.
declare -A what=(
    [crash]="-p netnest-cli --test reliability_crash"
    [hostile]="-p netnest-cli --test reliability_hostile"
    [rundir]="-p netnest-cli --test reliability_rundir"
    [privileges]="-p netnest-cli --test reliability_privileges"
    [prune]="-p netnest-cli --test reliability_prune"
    [parsers]="-p netnest-cli --bin netnest proptests"
    [netlink]="-p netnest --test fuzz_netlink"
)
for n in "${names[@]}"; do
    [[ -n ${what[$n]:-} ]] || { echo "unknown test: $n (one of: ${!what[*]})" >&2; exit 2; }
done

# Build first (no namespaces needed), so the timed runs below only run.
for n in "${names[@]}"; do
    read -ra args <<<"${what[$n]}"
    # `proptests` is a filter, not a cargo option.
    cargo_args=()
    for a in "${args[@]}"; do [[ $a == proptests ]] || cargo_args+=("$a"); done
    cargo test --release --no-run --quiet "${cargo_args[@]}"
done

host_state() {
    ip netns list 2>&1
    awk '{ for (i = 7; $i != "-"; i++); if ($(i + 1) == "nsfs") print "nsfs", $5, $4 }' /proc/self/mountinfo
}
before=$(host_state)

echo "cli stress: scale $scale, seed ${NETNEST_STRESS_SEED:-fixed}, shared /run ${NETNEST_STRESS_SHARED_RUN:-0}, log $log"
status=0
specs=()
for n in "${names[@]}"; do specs+=("$n=${what[$n]}"); done
NETNEST_STRESS_SCALE=$scale unshare --mount --net --propagation private -- bash -c '
    set -uo pipefail
    mount -t tmpfs -o mode=0755 netnest-cli-stress-run /run
    status=0
    for spec in "$@"; do
        name=${spec%%=*}
        read -ra args <<<"${spec#*=}"
        filter=()
        cargo_args=()
        for a in "${args[@]}"; do
            if [[ $a == proptests ]]; then filter=(proptests); else cargo_args+=("$a"); fi
        done
        echo "== $name"
        start=$EPOCHREALTIME
        cargo test --release --quiet "${cargo_args[@]}" -- --nocapture "${filter[@]}" || status=1
        awk -v s="$start" -v e="$EPOCHREALTIME" "BEGIN { printf \"wall: %.1f s\\n\", e - s }"
    done
    exit $status
' cli-stress "${specs[@]}" 2>&1 | tee "$log" || status=1

after=$(host_state)
if [[ $before != "$after" ]]; then
    echo "cli stress: the host changed (ip netns list / nsfs mounts):" >&2
    diff <(echo "$before") <(echo "$after") >&2 || true
    status=1
fi
echo
echo "figures (scale $scale):"
grep -o 'figures:.*' "$log" || true
grep -E '^test result:' "$log" | sort | uniq -c
exit $status
