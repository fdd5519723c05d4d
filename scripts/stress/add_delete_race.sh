#!/usr/bin/env bash
# SPDX-License-Identifier: MIT OR Apache-2.0
# Concurrent `add` and `delete` of shared names, from a fresh /run, counting errors by kind.
#
#   scripts/stress/add_delete_race.sh [BINARY [PROCS [ROUNDS [NAMES [RUNS]]]]]
#   scripts/stress/add_delete_race.sh target/release/netnest        # 8 x 60 over 12 names, 3 runs
#   scripts/stress/add_delete_race.sh /usr/sbin/ip                  # the same with `ip netns`
#
# PROCS processes (default 8) each do ROUNDS (60) random `add` or `delete` of one of NAMES (12)
# shared names, all at once, in a sandbox (`unshare --mount --net --propagation private` with a
# fresh tmpfs on /run, so /run/netns does not exist when they start). Each failure's message is
# classified: `exists` and `not found` are the answers a serialized run can give; anything else
# (`busy`, ...) is a defect. The run is repeated RUNS (3) times; the script exits 1 if any run had
# another error, or if a namespace is left mounted under no name or twice.
#
# Isolation: nothing outside the sandbox is touched; afterwards the host's `ip netns list` and
# nsfs mounts are checked to be as before.
set -euo pipefail
cd "$(dirname "$0")/../.."

bin=${1:-target/release/netnest}
procs=${2:-8}
rounds=${3:-60}
names=${4:-12}
runs=${5:-3}

if [[ $(id -u) != 0 ]]; then
    echo "run as root (the processes make namespaces and mounts, inside a sandbox)" >&2
    exit 2
fi
bin=$(realpath "$bin")
case $(basename "$bin") in
ip) cmd="$bin netns" ;;
*) cmd=$bin ;;
esac

host_state() {
    ip netns list 2>&1
    awk '{ for (i = 7; $i != "-"; i++); if ($(i + 1) == "nsfs") print "nsfs", $5, $4 }' /proc/self/mountinfo
}
before=$(host_state)

# One run, inside the sandbox: prints `run N: ops=… ok=… exists=… notfound=… other=… mounts=…`,
# then each unexpected message.
one_run() {
    unshare --mount --net --propagation private bash -s "$cmd" "$procs" "$rounds" "$names" <<'EOF'
set -u
cmd=$1 procs=$2 rounds=$3 names=$4
mount -t tmpfs tmpfs /run
log=$(mktemp -d /tmp/add-delete-race.XXXXXX)
worker() {
    local me=$1 i op n
    RANDOM=$((me * 7919 + $$))
    for ((i = 0; i < rounds; i++)); do
        n=s$((RANDOM % names))
        if ((RANDOM % 2)); then op=add; else op=delete; fi
        if out=$($cmd $op $n 2>&1); then
            echo "ok $op"
        else
            echo "fail $op ${out//$'\n'/ }"
        fi
    done >"$log/$me"
}
for ((p = 0; p < procs; p++)); do worker $p & done
wait
cat "$log"/* >"$log/all"
ops=$(wc -l <"$log/all")
ok=$(grep -c '^ok ' "$log/all")
exists=$(grep -c '^fail .*File exists' "$log/all")
notfound=$(grep -c '^fail .*No such file or directory' "$log/all")
other=$(grep '^fail ' "$log/all" | grep -v 'File exists' | grep -vc 'No such file or directory')
# Every name left must be mounted exactly once, and nothing else.
names_left=$(ls /run/netns 2>/dev/null | wc -l)
nsfs=$(awk '{ for (i = 7; $i != "-"; i++); if ($(i + 1) == "nsfs") n++ } END { print n + 0 }' /proc/self/mountinfo)
echo "ops=$ops ok=$ok exists=$exists notfound=$notfound other=$other names_left=$names_left nsfs_mounts=$nsfs"
grep '^fail ' "$log/all" | grep -v 'File exists' | grep -v 'No such file or directory' | sort | uniq -c | head -20
rm -rf "$log"
[[ $other == 0 && $names_left == "$nsfs" ]]
EOF
}

bad=0
for ((r = 1; r <= runs; r++)); do
    printf 'run %d: %d processes x %d rounds over %d names with %s: ' "$r" "$procs" "$rounds" "$names" "$cmd"
    one_run || bad=1
done

after=$(host_state)
if [[ $before != "$after" ]]; then
    echo "the host's namespaces or nsfs mounts changed during the run" >&2
    exit 3
fi
exit $bad
