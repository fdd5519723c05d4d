#!/bin/sh
# The 200-node labs (star, chain) up and down: `netnest lab` against the equivalent shell
# script of `ip` commands and the `ip -batch` script, interleaved (lab, ip, batch, lab, …),
# medians printed. Everything runs in a private mount + network namespace with a tmpfs on /run.
#
#   cargo build --release -p netnest-lab --examples
#   sh crates/netnest-lab/benches/lab200.sh [ROUNDS] [NODES]
#
# Reads target/release/examples/{lab,gen_topology} (or $LAB_BIN and $GEN_BIN).
set -e
ROUNDS=${1:-5}
NODES=${2:-200}
if [ -z "$NETNEST_BENCH_INSIDE" ]; then
    export NETNEST_BENCH_INSIDE=1
    exec unshare --mount --net --propagation private -- sh -c 'mount -t tmpfs tmpfs /run && exec sh "$0" "$@"' "$0" "$ROUNDS" "$NODES"
fi
T=${CARGO_TARGET_DIR:-target}
LAB=${LAB_BIN:-$T/release/examples/lab}
GEN=${GEN_BIN:-$T/release/examples/gen_topology}
DIR=/run/lab-bench
mkdir -p $DIR
ns() { date +%s%N; }
settle() { sleep 1.5; }  # namespaces die asynchronously; let the kernel finish between rounds
median() { sort -n | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.0f", m/1e6}'; }
for shape in star chain; do
    name=$shape$NODES
    $GEN $shape $NODES $DIR >/dev/null
    : >$DIR/$name.lab.up; : >$DIR/$name.lab.down; : >$DIR/$name.ip.up; : >$DIR/$name.ip.down; : >$DIR/$name.batch.up; : >$DIR/$name.batch.down
    r=0
    while [ $r -lt "$ROUNDS" ]; do
        r=$((r + 1))
        a=$(ns); $LAB up $DIR/$name.toml; b=$(ns); $LAB down $name; c=$(ns)
        echo $((b - a)) >>$DIR/$name.lab.up; echo $((c - b)) >>$DIR/$name.lab.down
        [ -z "$(ip netns list)" ] || { echo "lab left namespaces behind" >&2; exit 1; }
        settle
        a=$(ns); sh $DIR/$name-ip.sh; b=$(ns); sh $DIR/$name-ip-down.sh; c=$(ns)
        echo $((b - a)) >>$DIR/$name.ip.up; echo $((c - b)) >>$DIR/$name.ip.down
        settle
        a=$(ns); sh $DIR/$name-batch.sh >/dev/null; b=$(ns); sh $DIR/$name-batch-down.sh; c=$(ns)
        echo $((b - a)) >>$DIR/$name.batch.up; echo $((c - b)) >>$DIR/$name.batch.down
        settle
    done
    for v in lab ip batch; do
        up=$(median <$DIR/$name.$v.up); down=$(median <$DIR/$name.$v.down)
        echo "$name $v: up ${up} ms, down ${down} ms, total $((up + down)) ms (median of $ROUNDS)"
    done
done
