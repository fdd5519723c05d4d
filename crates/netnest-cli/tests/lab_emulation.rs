// SPDX-License-Identifier: MIT OR Apache-2.0
//! `netnest lab generate|pingall|link|graph`, run as the binary inside a sandbox (private mount,
//! network and pid namespaces, tmpfs on `/run`): a generated lab passes pingall, a link taken
//! down fails it (exit 1), a rate is set and cleared, netem is refused before anything changes
//! on a kernel without it, and the graph comes out as DOT, Mermaid and SVG.

#[allow(dead_code)] // the helpers this file does not use
mod common;

use common::sh;

#[test]
fn generate_pingall_link_graph() {
    let (out, err, code) = sh(r#"
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
        "#);
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

/// `lab test`: examples/labs/expect.toml's expectations pass (a table, then JSON); one that
/// cannot hold fails with exit status 1; a file without expectations is refused.
#[test]
fn test_checks_the_files_expectations() {
    let example = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/labs/expect.toml"
    );
    let script = format!(
        r#"
        cp {example} /run/ex.toml
        $NN lab up /run/ex.toml; echo "up rc=$?"
        $NN lab test expect; echo "test rc=$?"
        $NN -j lab test /run/ex.toml | python3 -c 'import json,sys; d=json.load(sys.stdin); print(len(d), [r["passed"] for r in d], [r["port"] for r in d])'
        sed 's/^reach = false/reach = true/' /run/ex.toml > /run/wrong.toml
        $NN lab test /run/wrong.toml | tail -1; echo "wrong rc=$?"
        $NN lab test /run/wrong.toml >/dev/null; echo "wrong rc=$?"
        printf 'name = "expect"\n[nodes.h1]\n' > /run/none.toml
        $NN lab test /run/none.toml 2>&1; echo "none rc=$?"
        $NN lab test nolab 2>&1 | head -1; echo "nolab rc=$?"
        $NN lab down expect; echo "down rc=$?"
        "#
    );
    let (out, err, code) = sh(&script);
    assert_eq!(err, "", "{out}");
    assert_eq!(code, 0, "{out}");
    let mut lines = out.lines();
    assert_eq!(lines.next(), Some("up rc=0"), "{out}");
    let header = lines.next().unwrap();
    assert!(header.starts_with("FROM  TO  ADDRESS"), "{out}");
    let rows: Vec<&str> = lines.by_ref().take(3).collect();
    assert!(
        rows[0].starts_with("h1    h2  10.0.0.2") && rows[0].contains("reached"),
        "{out}"
    );
    assert!(
        rows[1].starts_with("h1    -   10.0.1.3") && rows[1].ends_with("no answer"),
        "{out}"
    );
    assert!(
        rows[2].starts_with("h1    h2  10.0.0.2 port 80") && rows[2].ends_with("no answer"),
        "{out}"
    );
    let rest: Vec<&str> = lines.collect();
    assert_eq!(
        rest,
        [
            "3 of 3 passed",
            "test rc=0",
            "3 [True, True, True] [None, None, 80]",
            "1 of 3 passed, FAILED",
            "wrong rc=0",
            "wrong rc=1",
            "lab test: the topology of \"expect\" has no [[expect]] entries",
            "none rc=1",
            rest[8],
            "nolab rc=0",
            "down rc=0",
        ],
        "{out}"
    );
    assert!(rest[8].contains("nolab"), "{out}");
}

/// `lab up` of a file asking for netem on a kernel without it: refused with the file's line and
/// column, the qdisc and the kernel option named, and nothing made. `rate` alone comes up.
#[test]
fn up_refuses_netem_from_the_file_where_the_kernel_has_none() {
    if netnest::netlink::netem_available().unwrap_or(true) {
        eprintln!("skipped: this kernel has netem (the lab tests apply it)");
        return;
    }
    let (out, err, code) = sh(r#"
        printf 'name = "nm"\n[nodes.h1]\n[nodes.h2]\n[[links]]\na = "h1"\nb = "h2"\nimpair = { rate = "1mbit", loss = "1%%" }\n' > /run/nm.toml
        $NN lab up /run/nm.toml 2>&1; echo "up rc=$?"
        ip netns list | wc -l
        ls /run/netnest* 2>/dev/null | wc -l
        sed -i 's/, loss = "1%"//' /run/nm.toml
        $NN lab up /run/nm.toml; echo "rate up rc=$?"
        ip netns exec nm-h2 tc qdisc show dev eth0 | grep -o 'tbf 1: root'
        $NN lab down nm; echo "down rc=$?"
        "#);
    assert_eq!(err, "", "{out}");
    assert_eq!(code, 0, "{out}");
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[0].starts_with("/run/nm.toml:7:28: "), "{out}");
    assert!(
        lines[0].contains("loss needs the kernel's netem qdisc")
            && lines[0].contains("CONFIG_NET_SCH_NETEM"),
        "{out}"
    );
    let rest: Vec<&str> = lines
        .iter()
        .skip_while(|l| !l.starts_with("up rc="))
        .copied()
        .collect();
    assert_eq!(
        rest,
        [
            "up rc=1",
            "0",
            "0",
            "rate up rc=0",
            "tbf 1: root",
            "down rc=0"
        ],
        "{out}"
    );
}
