#!/usr/bin/env bash
# SPDX-License-Identifier: MIT OR Apache-2.0
# SIGKILL at every system call of a netnest command, each followed by a consistency check.
#
#   scripts/stress/kill_every_syscall.sh [BINARY]
#   scripts/stress/kill_every_syscall.sh target/release/netnest
#   NETNEST_STRESS_CMDS="add attach" NETNEST_STRESS_RUNS=shared scripts/stress/kill_every_syscall.sh
#
# For each command (NETNEST_STRESS_CMDS, default all of: add delete all-delete attach lab-up
# lab-down) and each kind of /run (NETNEST_STRESS_RUNS, default "private shared": a tmpfs on /run
# that is a private mount, or a shared one as systemd makes it):
#
# 1. the command runs once under `strace -f` to list its system calls, in order; each call is
#    named by its system call and its rank among that process's calls of the same name (the
#    `when=` of strace's injection counts per process);
# 2. for each of those calls, a fresh sandbox prepares the state the command needs and runs it
#    under `strace -f -e inject=SYSCALL:signal=SIGKILL:when=RANK`: the command dies at that call
#    (if a run takes another path and never gets there, it completes: counted as such);
# 3. the check, in the same sandbox: no name is mounted twice; every entry of /run/netns that has
#    no namespace mounted on it is one that `netnest prune` reports stale (and removes); then the
#    next command repairs or cleans: the command again (or `lab down`), then `-all delete`, leave
#    no entry, no nsfs mount, no link but lo, no lab record.
#
# NETNEST_STRESS_SCALE=S (default 1) runs every call S times (thread timing differs from run to
# run); NETNEST_STRESS_STRIDE=K (default 1) takes every K-th call only. Prints one line of figures
# per command and kind of /run, and exits 1 if a check failed; every failure's details go to
# NETNEST_STRESS_LOG (default /tmp/netnest-kill-DATE.log).
#
# Isolation: each run is its own `unshare --mount --net --pid` sandbox with a tmpfs on /run, so
# nothing outside it is touched; the host's `ip netns list` and nsfs mounts are compared before
# and after.
set -euo pipefail
cd "$(dirname "$0")/../.."

bin=$(realpath "${1:-target/release/netnest}")
cmds=${NETNEST_STRESS_CMDS:-add delete all-delete attach lab-up lab-down}
runs=${NETNEST_STRESS_RUNS:-private shared}
scale=${NETNEST_STRESS_SCALE:-1}
stride=${NETNEST_STRESS_STRIDE:-1}
log=${NETNEST_STRESS_LOG:-/tmp/netnest-kill-$(date +%Y%m%d-%H%M%S).log}
lab=$(realpath examples/labs/two-hosts-router.toml)

if [[ $(id -u) != 0 ]]; then
    echo "run as root (the commands make namespaces and mounts, inside sandboxes)" >&2
    exit 2
fi
command -v strace >/dev/null || { echo "needs strace" >&2; exit 2; }
[[ -x $bin ]] || { echo "no binary $bin (cargo build --release -p netnest-cli)" >&2; exit 2; }
case $bin in
/tmp/* | /run/*)
    echo "$bin would be hidden by the sandbox's tmpfs on /tmp and /run: use a binary elsewhere" >&2
    exit 2
    ;;
esac
: >"$log"

host_state() {
    ip netns list 2>&1
    awk '{ for (i = 7; $i != "-"; i++); if ($(i + 1) == "nsfs") print "nsfs", $5, $4 }' /proc/self/mountinfo
}
before=$(host_state)

# The body of one sandbox: $1 binary, $2 command, $3 kind of /run, $4 "trace" or SYSCALL:RANK,
# $5 lab file. Prints "trace" lines (pid syscall) in trace mode; otherwise one result line:
# "killed" or "completed", then "violation: …" lines.
inner='
set -u
bin=$1 cmd=$2 run=$3 spec=$4 lab=$5
nn() { "$bin" "$@"; }
mount -n -t tmpfs netnest-stress-run /run
[ "$run" = shared ] && mount -n --make-shared /run
mount -n -t tmpfs netnest-stress-tmp /tmp
cd /tmp
sleeper=
case $cmd in
add) argv="add x" ;;
delete) nn add x && nn add y; argv="delete x" ;;
all-delete) nn add x && nn add y && nn add z; argv="-all delete" ;;
attach)
    unshare --net sleep 600 &
    sleeper=$!
    while [ "/proc/$sleeper/ns/net" -ef /proc/self/ns/net ]; do :; done
    argv="attach x $sleeper" ;;
lab-up) argv="lab up $lab" ;;
lab-down) nn lab up "$lab" >/dev/null; argv="lab down trio" ;;
esac
if [ "$spec" = trace ]; then
    strace -f -qq -o /tmp/trace "$bin" $argv >/dev/null 2>&1
    # "PID syscall" for every call, in order (resumed halves of interrupted calls skipped).
    awk '"'"'$2 !~ /^</ { sub(/\(.*/, "", $2); if ($2 ~ /^[a-z_0-9]+$/) print $1, $2 }'"'"' /tmp/trace
    exit 0
fi
sys=${spec%%:*} rank=${spec#*:}
strace -f -qq -o /dev/null -e trace="$sys" -e inject="$sys:signal=SIGKILL:when=$rank" \
    "$bin" $argv >/dev/null 2>/tmp/err
rc=$?
if [ $rc = 137 ]; then echo killed; else echo "completed rc=$rc"; fi
bad() { echo "violation: $*"; }
nsfs_points() { awk '"'"'{ for (i = 7; $i != "-"; i++); if ($(i + 1) == "nsfs") print $5 }'"'"' /proc/self/mountinfo; }
dups=$(nsfs_points | sort | uniq -d)
[ -z "$dups" ] || bad "mounted twice after the kill: $dups"
stale=
for f in /run/netns/* ; do
    [ -e "$f" ] || continue
    nsfs_points | grep -qx "$f" || stale="$stale ${f##*/}"
done
pruned=$(nn prune 2>&1) || bad "prune failed: $pruned"
for s in $stale; do
    printf "%s\n" "$pruned" | grep -qx "$s" || bad "$s has no namespace and prune does not report it stale ($pruned)"
done
# The next command repairs or cleans.
case $cmd in
add) out=$(nn add x 2>&1) || case $out in *"File exists"*) ;; *) bad "add again: $out" ;; esac ;;
delete) out=$(nn delete x 2>&1) || case $out in *"No such file"*) ;; *) bad "delete again: $out" ;; esac ;;
attach) out=$(nn attach x "$sleeper" 2>&1) || case $out in *"File exists"*) ;; *) bad "attach again: $out" ;; esac
    [ "$(nn identify "$sleeper")" = x ] || bad "identify after attach again: $(nn identify "$sleeper" 2>&1)" ;;
lab-up|lab-down) out=$(nn lab down trio 2>&1) || case $out in *"not up"*|*"no lab"*|*"No lab"*) ;; *) bad "lab down: $out" ;; esac ;;
esac
dups=$(nsfs_points | sort | uniq -d)
[ -z "$dups" ] || bad "mounted twice after the next command: $dups"
out=$(nn -all delete 2>&1) || bad "-all delete: $out"
left=$(ls -A /run/netns 2>/dev/null)
[ -z "$left" ] || bad "entries left: $left"
[ -z "$(nsfs_points)" ] || bad "nsfs mounts left: $(nsfs_points | tr "\n" " ")"
links=$(ip -o link show | awk -F": " "{ print \$2 }" | grep -vx lo)
[ -z "$links" ] || bad "links left: $links"
if [ -d /run/netnest ]; then
    rec=$(find /run/netnest -type f 2>/dev/null)
    [ -z "$rec" ] || bad "lab records left: $rec"
fi
[ -z "$sleeper" ] || kill "$sleeper"
exit 0
'

sandbox() {
    unshare --mount --net --pid --fork --kill-child --mount-proc --propagation private \
        bash -c "$inner" stress "$bin" "$@" "$lab"
}

status=0
for cmd in $cmds; do
    for run in $runs; do
        # The plan: SYSCALL:RANK for each call, in order, ranks counted per process.
        mapfile -t plan < <(sandbox "$cmd" "$run" trace |
            awk '{ n = ++seen[$1 " " $2]; print $2 ":" n }' | awk '!dup[$0]++')
        calls=${#plan[@]} killed=0 completed=0 failed=0 started=$SECONDS
        if ((calls == 0)); then
            echo "$cmd under a $run /run: the command could not be traced" >&2
            status=1
            continue
        fi
        for ((i = 0; i < calls; i += stride)); do
            for ((s = 0; s < scale; s++)); do
                out=$(sandbox "$cmd" "$run" "${plan[i]}" 2>&1) || true
                if grep -q '^killed' <<<"$out"; then
                    killed=$((killed + 1))
                else
                    completed=$((completed + 1))
                fi
                if grep -q '^violation' <<<"$out"; then
                    failed=$((failed + 1))
                    printf '== %s, %s /run, kill at %s (call %d)\n%s\n' "$cmd" "$run" "${plan[i]}" "$i" "$out" >>"$log"
                fi
            done
        done
        printf 'figures: kill %-10s %-7s /run: calls=%d runs=%d killed=%d completed=%d failed-checks=%d (%ds)\n' \
            "$cmd" "$run" "$calls" $((killed + completed)) "$killed" "$completed" "$failed" $((SECONDS - started))
        ((failed == 0)) || status=1
    done
done

after=$(host_state)
if [[ $before != "$after" ]]; then
    echo "the host's namespaces or nsfs mounts changed:" >&2
    diff <(echo "$before") <(echo "$after") >&2 || true
    status=1
fi
((status == 0)) || echo "failures: see $log" >&2
exit "$status"
