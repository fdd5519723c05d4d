// SPDX-License-Identifier: MIT OR Apache-2.0
//! `netnest lab generate|pingall|link|graph`, run as the binary inside a sandbox (private mount,
//! network and pid namespaces, tmpfs on `/run`): a generated lab passes pingall, a link taken
//! down fails it (exit 1), a rate is set and cleared, netem is refused before anything changes
//! on a kernel without it, and the graph comes out as DOT, Mermaid and SVG.

use netnest_testkit::Sandbox;

const NETNEST: &str = env!("CARGO_BIN_EXE_netnest");

fn sandbox(script: &str) -> (String, String, i32) {
    let out =
        Sandbox::new()
            .env("NN", NETNEST)
            .run(&["/bin/sh".into(), "-c".into(), script.into()]);
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.code,
    )
}

#[test]
fn generate_pingall_link_graph() {
    let (out, err, code) = sandbox(
        r#"
        $NN lab generate ring rg 4 > /run/rg.toml; echo "generate rc=$?"
        $NN lab up /run/rg.toml; echo "up rc=$?"
        $NN lab pingall rg | tail -1; echo "pingall rc=$?"
        $NN -j lab pingall rg | python3 -c 'import json,sys; d=json.load(sys.stdin); print(len(d), all(r["passed"] for r in d))'
        $NN lab link rg r1:eth0 set rate 10mbit; echo "rate rc=$?"
        tc qdisc show dev eth0 -n rg-r1 2>/dev/null || ip netns exec rg-r1 tc qdisc show dev eth0 | grep -o 'tbf 1: root'
        $NN lab link rg r1:eth0 clear; echo "clear rc=$?"
        ip netns exec rg-r1 tc qdisc show dev eth0 | grep -c tbf
        $NN lab link rg r1:eth0 set delay 20ms loss 1% 2>/run/netem; echo "netem rc=$?"
        $NN lab link rg r1:eth0 set delay 2>&1; echo "bad rc=$?"
        $NN lab link rg r1:eth0 down; echo "down rc=$?"
        $NN lab pingall rg > /run/table; echo "pingall down rc=$?"
        tail -1 /run/table | grep -o FAILED
        $NN lab link rg r1:eth0 up; echo "up rc=$?"
        $NN lab pingall rg | tail -1
        $NN lab graph rg | head -1
        $NN lab graph /run/rg.toml --format mermaid | head -1
        $NN lab graph rg --format svg | grep -c '<g id="node'
        $NN lab graph rg --format png 2>&1; echo "png rc=$?"
        $NN lab generate hexagon x 3 2>&1 | cut -c1-40; echo "shape rc=$?"
        $NN lab down rg; echo "down rc=$?"
        cat /run/netem
        "#,
    );
    assert_eq!(err, "", "{out}");
    assert_eq!(code, 0, "{out}");
    let netem = netnest::netlink::netem_available().unwrap_or(false);
    let netem_lines = if netem {
        "netem rc=0\n".to_owned()
    } else {
        eprintln!("skipped: no netem in this kernel (checked that it is refused)");
        "netem rc=1\n".to_owned()
    };
    let expected_tail = if netem {
        String::new()
    } else {
        "cannot set delay 20ms loss 1% on r1:eth0: this kernel has no netem qdisc (CONFIG_NET_SCH_NETEM is not set), which delay, jitter, loss, duplicate, corrupt and reorder need; only rate (tbf) works here\n".to_owned()
    };
    let expected = format!(
        "generate rc=0\nup rc=0\n12 of 12 passed\npingall rc=0\n12 True\nrate rc=0\ntbf 1: root\n\
         clear rc=0\n0\n{netem_lines}\
         lab link: \"delay\" needs a value\nbad rc=255\n\
         down rc=0\npingall down rc=1\nFAILED\nup rc=0\n12 of 12 passed\n\
         graph \"rg\" {{\ngraph LR\n4\n\
         lab graph: unknown format \"png\" (dot, mermaid or svg)\npng rc=255\n\
         lab generate: expected one of: linear NA\nshape rc=0\n\
         down rc=0\n{expected_tail}"
    );
    assert_eq!(out, expected);
}
