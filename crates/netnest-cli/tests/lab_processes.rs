// SPDX-License-Identifier: MIT OR Apache-2.0
//! `netnest lab up` with `run = [...]`, `lab logs` and `lab down`, run as the binary inside a
//! sandbox (private mount, network and pid namespaces, tmpfs on `/run`): the processes start in
//! their node, their output is in the node's log, `down` stops them and says so, and a command
//! that cannot start fails `up` with its place in the file and leaves nothing.

#[allow(dead_code)] // the helpers this file does not use
mod common;

use common::sh;

#[test]
fn run_logs_down() {
    let (out, err, code) = sh(r#"
        cat > /run/p.toml <<'T'
name = "p"
[nodes.a]
run = ["sh -c 'echo started in; ls /sys/class/net; exec sleep 100'"]
[nodes.b]
[[links]]
a = { node = "a", ifname = "inner", addresses = ["10.7.0.1/24"] }
b = { node = "b", addresses = ["10.7.0.2/24"] }
[[links]]
a = { node = "host", ifname = "p-up" }
b = { node = "b", ifname = "up" }
T
        $NN lab up /run/p.toml; echo "up rc=$?"
        sleep 0.3
        $NN lab logs p a; echo "logs rc=$?"
        $NN lab logs p b 2>&1; echo "logs b rc=$?"
        ip netns exec p-b sleep 101 &
        sleep 0.2
        $NN lab status p | sed -e 's/ file .*//' -e 's/ fe80::[0-9a-f:]*\/64//' -e 's/process [0-9]*/process PID/'
        $NN -j lab status p | python3 -c 'import json,sys; d=json.load(sys.stdin)[0]; a=d["nodes"][0]; print([(i["name"], i["peer"], i["addresses"][:1]) for i in a["interfaces"]], [(p["comm"], p["run"]) for p in a["processes"]], d["host"][0]["peer"])'
        $NN lab logs p zz 2>&1; echo "logs zz rc=$?"
        $NN lab logs p 2>&1; echo "logs usage rc=$?"
        $NN lab down p 2>&1 | sed 's/process [0-9]*/process PID/'; echo "down rc=$?"
        ls /run/netnest/labs
        cat > /run/bad.toml <<'T'
name = "q"
[nodes.a]
run = ["sleep 100", "no-such-program-q"]
T
        $NN lab up /run/bad.toml 2>&1; echo "bad rc=$?"
        ls /run/netns /run/netnest/labs
        pgrep -c sleep || true
        "#);
    assert_eq!(err, "", "{out}");
    assert_eq!(code, 0, "{out}");
    assert_eq!(
        out,
        "up rc=0\nstarted in\ninner\nlo\nlogs rc=0\n\
         node b of lab p runs no commands (run = [...] in its [nodes.b])\nlogs b rc=1\n\
         p up nodes 2\n\
         \x20   node a netns p-a\n\
         \x20       dev lo up UNKNOWN mtu 65536 127.0.0.1/8 ::1/128\n\
         \x20       dev inner veth up UP mtu 1500 peer b:eth0 10.7.0.1/24\n\
         \x20       process PID (sleep) run: sh -c 'echo started in; ls /sys/class/net; exec sleep 100'\n\
         \x20   node b netns p-b\n\
         \x20       dev lo up UNKNOWN mtu 65536 127.0.0.1/8 ::1/128\n\
         \x20       dev eth0 veth up UP mtu 1500 peer a:inner 10.7.0.2/24\n\
         \x20       dev up veth up UP mtu 1500 peer host:p-up\n\
         \x20       process PID (sleep)\n\
         \x20   host\n\
         \x20       dev p-up veth up UP mtu 1500 peer b:up\n\
         [('lo', None, ['127.0.0.1/8']), ('inner', 'b:eth0', ['10.7.0.1/24'])] [('sleep', \"sh -c 'echo started in; ls /sys/class/net; exec sleep 100'\")] b:up\n\
         lab p has no node \"zz\" (its nodes are: a, b)\nlogs zz rc=1\n\
         lab logs: NAME NODE expected\nlogs usage rc=255\n\
         stopped: process PID (sleep) in p-a\nstopped: process PID (sleep) in p-b\ndown rc=0\n\
         cannot start \"no-such-program-q\" in node a (/run/bad.toml:3:21): No such file or directory (os error 2) (everything made was removed)\nbad rc=1\n\
         /run/netnest/labs:\n\n/run/netns:\n0\n"
    );
}
