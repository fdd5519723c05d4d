#!/usr/bin/env bash
# SPDX-License-Identifier: MIT OR Apache-2.0
# netnest and `ip netns` 6.1 at once on the same names: what each sees, error by error.
#
#   scripts/stress/with_ip.sh [BINARY]
#   NETNEST_STRESS_SCALE=5 scripts/stress/with_ip.sh target/release/netnest
#
# Per run, from a fresh /run in a sandbox (`unshare --mount --net --pid` with a tmpfs on /run, so
# /run/netns does not exist when they start): NN netnest processes and IP `ip netns` processes
# (default 4 and 4) each do ROUNDS random operations (default 40 times NETNEST_STRESS_SCALE) on
# NAMES shared names (default 8): `add` 45 %, `delete` 45 %, `-all delete` 5 %, `list` 5 % (a
# list that shows a name between its file's creation and its bind prints "Error: Peer netns
# reference is invalid." for it, as `ip` does: counted as list-saw-half-made, not as a failure).
# NETNEST_STRESS_SHARED_RUN=1 makes /run a shared mount (the systemd default). RUNS runs
# (default 3). The environment sets the counts: NETNEST_STRESS_{NN,IP,ROUNDS,NAMES,RUNS}.
#
# Each failure is classified by who failed and its message. Between netnest processes only
# "exists" and "not found" are answers a serialized run could give; `ip` does not take netnest's
# lock, so a netnest failure of another kind is counted as caused by `ip` (there is no way to tell
# the two causes apart from the message alone, so run the netnest-only race,
# scripts/stress/add_delete_race.sh, to see netnest's own). After each run the state must hold:
# every entry left is mounted exactly once or is stale (what `netnest prune` reports), no name is
# mounted twice, and `netnest -all delete` then leaves nothing.
#
# Exits 1 if a state check failed (an error that `ip` causes is recorded, not a failure).
set -euo pipefail
cd "$(dirname "$0")/../.."

bin=$(realpath "${1:-target/release/netnest}")
scale=${NETNEST_STRESS_SCALE:-1}
nn_procs=${NETNEST_STRESS_NN:-4}
ip_procs=${NETNEST_STRESS_IP:-4}
rounds=${NETNEST_STRESS_ROUNDS:-$((40 * scale))}
names=${NETNEST_STRESS_NAMES:-8}
runs=${NETNEST_STRESS_RUNS:-3}
shared=${NETNEST_STRESS_SHARED_RUN:-}

if [[ $(id -u) != 0 ]]; then
    echo "run as root (the processes make namespaces and mounts, inside a sandbox)" >&2
    exit 2
fi
[[ -x $bin ]] || { echo "no binary $bin (cargo build --release -p netnest-cli)" >&2; exit 2; }
case $bin in
/tmp/* | /run/*)
    echo "$bin would be hidden by the sandbox's tmpfs on /tmp and /run: use a binary elsewhere" >&2
    exit 2
    ;;
esac

host_state() {
    ip netns list 2>&1
    awk '{ for (i = 7; $i != "-"; i++); if ($(i + 1) == "nsfs") print "nsfs", $5, $4 }' /proc/self/mountinfo
}
before=$(host_state)

one_run() {
    unshare --mount --net --pid --fork --kill-child --mount-proc --propagation private \
        bash -s "$bin" "$nn_procs" "$ip_procs" "$rounds" "$names" "$shared" <<'EOF'
set -u
bin=$1 nn_procs=$2 ip_procs=$3 rounds=$4 names=$5 shared=$6
mount -n -t tmpfs netnest-stress-run /run
[ -n "$shared" ] && mount -n --make-shared /run
mount -n -t tmpfs netnest-stress-tmp /tmp
log=/tmp/log
mkdir "$log"
worker() {
    local who=$1 me=$2 i r n op
    local cmd
    if [[ $who == netnest ]]; then cmd=("$bin"); else cmd=(/usr/sbin/ip netns); fi
    RANDOM=$((me * 7919 + $$))
    for ((i = 0; i < rounds; i++)); do
        n=s$((RANDOM % names)) r=$((RANDOM % 100))
        if ((r < 45)); then op=(add "$n")
        elif ((r < 90)); then op=(delete "$n")
        elif ((r < 95)); then op=(-all delete)
        else op=(list)
        fi
        if [[ ${op[0]} == -all ]]; then
            if [[ $who == netnest ]]; then out=$("$bin" -all delete 2>&1)
            else out=$(/usr/sbin/ip -all netns delete 2>&1); fi
        else
            out=$("${cmd[@]}" "${op[@]}" 2>&1)
        fi
        rc=$?
        if ((rc == 0)) && [[ ${op[0]} == list && $out == *Error* ]]; then
            # A name listed between its file's creation and its bind (or a delete's unmount
            # and unlink): `ip netns list` prints the same for it.
            echo "$who half-made list"
        elif ((rc == 0)); then
            echo "$who ok ${op[0]}"
        else
            # Names and paths out of the message, so equal causes count together.
            msg=$(printf '%s' "$out" | tr '\n' ' ' | sed -E 's/"[^"]*"/"N"/g; s/s[0-9]+/N/g')
            echo "$who fail ${op[0]} $msg"
        fi
    done >"$log/$who.$me"
}
for ((p = 0; p < nn_procs; p++)); do worker netnest "$p" & done
for ((p = 0; p < ip_procs; p++)); do worker ip "$p" & done
wait
cat "$log"/netnest.* "$log"/ip.* >"$log/all"
count() { grep -c "$@" "$log/all" || true; }
allowed='File exists|No such file or directory'
echo "ops=$(wc -l <"$log/all") netnest: ok=$(count '^netnest ok') list-saw-half-made=$(count '^netnest half-made') exists/not-found=$(grep '^netnest fail' "$log/all" | grep -Ec "$allowed" || true) other=$(grep '^netnest fail' "$log/all" | grep -Evc "$allowed" || true); ip: ok=$(count '^ip ok') list-saw-half-made=$(count '^ip half-made') exists/not-found=$(grep '^ip fail' "$log/all" | grep -Ec "$allowed" || true) other=$(grep '^ip fail' "$log/all" | grep -Evc "$allowed" || true)"
grep ' fail ' "$log/all" | grep -Ev "$allowed" | sort | uniq -c | sort -rn | head -12 | sed 's/^/  other: /'
# The state: no name mounted twice; an entry without a mount is stale (prune reports it).
nsfs_points() { awk '{ for (i = 7; $i != "-"; i++); if ($(i + 1) == "nsfs") print $5 }' /proc/self/mountinfo; }
ok=1
dups=$(nsfs_points | sort | uniq -d)
[ -z "$dups" ] || { echo "  violation: mounted twice: $dups"; ok=0; }
stale=
for f in /run/netns/*; do
    [ -e "$f" ] || continue
    nsfs_points | grep -qx "$f" || stale="$stale ${f##*/}"
done
pruned=$("$bin" prune 2>&1)
for s in $stale; do
    printf '%s\n' "$pruned" | grep -qx "$s" || { echo "  violation: $s unmounted and not stale"; ok=0; }
done
[ -z "$stale" ] || echo "  stale entries left (pruned):$stale"
out=$("$bin" -all delete 2>&1) || { echo "  violation: -all delete: $out"; ok=0; }
if [ -n "$(ls -A /run/netns 2>/dev/null)" ] || [ -n "$(nsfs_points)" ]; then
    echo "  violation: left after -all delete: $(ls -A /run/netns) $(nsfs_points)"
    ok=0
fi
[ "$ok" = 1 ]
EOF
}

status=0
for ((r = 1; r <= runs; r++)); do
    printf 'run %d (%s /run): %d netnest + %d ip processes x %d rounds over %d names: ' "$r" \
        "$([[ -n $shared ]] && echo shared || echo private)" "$nn_procs" "$ip_procs" "$rounds" "$names"
    one_run || status=1
done
after=$(host_state)
if [[ $before != "$after" ]]; then
    echo "the host's namespaces or nsfs mounts changed during the run" >&2
    status=1
fi
exit "$status"
