# SPDX-License-Identifier: MIT OR Apache-2.0
# netnest-testkit sandbox prelude (POSIX sh; see sandbox.rs).
#
# Runs as pid 1 of a fresh pid namespace, inside a fresh mount namespace (with `/` made rprivate by
# unshare(1)) and a fresh network namespace. $0 is "netnest-test-sandbox"; $1.. are the words of
# the command under test, which the line appended after this text runs. Inputs, all from the
# environment: NN_SETUP and NN_AFTER (shell text), NN_ETC_NETNS (1 or empty), NN_KEEP (directories
# under /tmp or /run to bind back, one a line), NN_NFILES and, for each i below it,
# NN_FILE_PATH_<i> and NN_FILE_DATA_<i> (the bytes as printf %b octal escapes).

nn_stage=prelude
nn_dir=/tmp/.netnest-testkit
nn_fail() {
    # A NUL byte and a fixed text: the Rust side recognises a failed setup by this prefix.
    printf '\000netnest-testkit: setup failed (stage %s, status %s)\n' "$nn_stage" "$1" >&2
    if [ -r "$nn_dir/setup.log" ]; then cat "$nn_dir/setup.log" >&2; fi
    exit 125
}
trap 'nn_rc=$?; [ "$nn_stage" = done ] || nn_fail "$nn_rc"' EXIT
set -e

# Handles on the host's /tmp and /run, so directories of the test's own under them (NN_KEEP, one
# a line: a checkout in /tmp/x) can be bound back once the tmpfs filesystems hide them.
exec 7</tmp 8</run
# -n: util-linux mount must not create /run/mount/utab in the fresh, empty /run.
mount -n -t tmpfs -o mode=0755 netnest-test-run /run
mount -n -t tmpfs -o mode=1777 netnest-test-tmp /tmp
if [ -n "${NN_KEEP:-}" ]; then
    nn_ifs=$IFS
    IFS='
'
    for nn_keep in $NN_KEEP; do
        case $nn_keep in
        /tmp/*) nn_from=/proc/self/fd/7/${nn_keep#/tmp/} ;;
        /run/*) nn_from=/proc/self/fd/8/${nn_keep#/run/} ;;
        *) false ;;
        esac
        mkdir -p "$nn_keep"
        # -c: the source must not be canonicalised (to the path the tmpfs now hides).
        mount -n -c --bind "$nn_from" "$nn_keep"
    done
    IFS=$nn_ifs
fi
exec 7<&- 8<&-
unset NN_KEEP nn_keep nn_from nn_ifs
# The sandbox holds: /run is this tmpfs. The Rust side checks the mount namespace in this line
# (not its own) and removes the line from stderr.
grep -q ' /run .*- tmpfs netnest-test-run ' /proc/self/mountinfo
printf '\000netnest-testkit: sandbox %s\n' "$(readlink /proc/self/ns/mnt)" >&2
mkdir "$nn_dir"
if [ -n "${NN_ETC_NETNS:-}" ]; then
    if [ -d /etc/netns ]; then
        mount -n -t tmpfs -o mode=0755 netnest-test-etc-netns /etc/netns
    else
        # /etc/netns does not exist on the host and must not be created there: lay a private
        # overlay on /etc whose upper layer lives in this sandbox's /tmp.
        mkdir "$nn_dir/etc-upper" "$nn_dir/etc-work"
        mount -n -t overlay -o "lowerdir=/etc,upperdir=$nn_dir/etc-upper,workdir=$nn_dir/etc-work" \
            netnest-test-etc /etc
        mkdir -m 0755 /etc/netns
    fi
fi

nn_i=0
while [ "$nn_i" -lt "${NN_NFILES:-0}" ]; do
    eval "nn_path=\$NN_FILE_PATH_$nn_i nn_data=\$NN_FILE_DATA_$nn_i"
    mkdir -p "$(dirname "$nn_path")"
    printf '%b' "$nn_data" >"$nn_path"
    unset "NN_FILE_PATH_$nn_i" "NN_FILE_DATA_$nn_i"
    nn_i=$((nn_i + 1))
done

# Helpers that setup and after scripts may call.

# nn_wait_netns PID: wait until PID is in another network namespace than this shell. It polls
# with builtins only, so it starts no process: pids stay the same from one sandbox to the next.
nn_wait_netns() {
    nn_w=0
    while [ "/proc/$1/ns/net" -ef /proc/self/ns/net ]; do
        nn_w=$((nn_w + 1))
        [ "$nn_w" -lt 10000000 ] || { echo "nn_wait_netns: $1 never left" >&2; return 1; }
    done
}
# nn_sleeper VAR: start `sleep` in a new network namespace and store its pid in VAR.
nn_sleeper() {
    unshare --net sleep 3600 &
    eval "$1=\$!"
    nn_wait_netns "$!"
}
# nn_state: the facts of /run/netns that do not depend on mount ids, sorted by name: each
# entry's type and mode (a mode-444 regular file is a bound nsfs inode, mode 0 an unbound one),
# the number of nsfs mounts, and whether /run/netns is a shared mount point.
nn_state() {
    if [ -e /run/netns ]; then
        find /run/netns -mindepth 1 -maxdepth 1 -printf '%f %y %m\n' | LC_ALL=C sort
        if grep -q ' /run/netns .* shared:' /proc/self/mountinfo; then
            echo "/run/netns: shared mount"
        elif grep -q ' /run/netns ' /proc/self/mountinfo; then
            echo "/run/netns: mount"
        fi
    else
        echo "/run/netns: absent"
    fi
    echo "nsfs mounts: $(grep -c ' - nsfs ' /proc/self/mountinfo)"
}

cd /
nn_stage=setup
nn_setup() { eval "$NN_SETUP"; }
nn_setup </dev/null >"$nn_dir/setup.log" 2>&1
nn_stage=done
set +e
trap - EXIT
nn_after=${NN_AFTER:-}
unset NN_SETUP NN_AFTER NN_ETC_NETNS NN_NFILES nn_i nn_path nn_data
# Called after the command under test when there is an after script: its output goes to stderr
# behind a marker (a NUL byte and a fixed text) that the Rust side splits off.
nn_run_after() {
    printf '\000netnest-testkit: after\n' >&2
    eval "$nn_after" </dev/null >&2
}
