// SPDX-License-Identifier: MIT OR Apache-2.0
//! The Python package (`bindings/python`) against pyroute2, both in one long-lived Python process
//! (`python.py`) that times each operation itself; the driver calls the sides in turn, so they
//! are interleaved and pay the same interpreter. Cases: pyroute2's `IPRoute` inside a namespace
//! (netnest's subclass) against pyroute2's over a plain socket; `netnest.Popen` against
//! `subprocess.Popen`; `create_socket`; named create + remove.

use std::cell::RefCell;
use std::rc::Rc;

use netnest::{Name, Registry};
use netnest_bench::plan::{Iter, Side};
use netnest_bench::report::{Case, Target};
use netnest_bench::spawn;

use super::pyroute2::Python;
use super::{failed, measure, skipped, Env};

const G: &str = "python";
const SOURCE: &str = include_str!("python.py");
const NS: &str = "bench-pkg";

type Shared = Rc<RefCell<Python>>;

/// A side that runs `op` in the shared process.
fn side<'a>(
    py: &Shared,
    ours: bool,
    label: &str,
    op: &'static str,
    arg: impl Fn(Iter) -> String + 'a,
) -> Side<'a> {
    let py = Rc::clone(py);
    let call = move |it| py.borrow_mut().call(op, &arg(it));
    if ours {
        Side::ours(label, call)
    } else {
        Side::peer(label, call)
    }
}

/// Runs the group.
pub fn run(env: &Env, out: &mut Vec<Case>) {
    let probe = spawn::output(&[
        env.python.as_str(),
        "-c",
        "import netnest.pyroute2, pyroute2",
    ]);
    if probe.0 != 0 {
        let why = probe.2.trim().lines().last().unwrap_or("").to_string();
        out.push(skipped(
            G,
            "all cases",
            format!("netnest (pip install ./bindings/python) or pyroute2 not importable: {why}"),
        ));
        return;
    }
    super::clear_registry();
    let reg = Registry::default();
    let name = Name::new(NS).expect("valid");
    if let Err(e) = reg.add(&name) {
        out.push(failed(G, "all cases", format!("Registry::add: {e}")));
        return;
    }
    let py: Shared = match Python::start_with(env, SOURCE, "python.log") {
        Ok(py) => Rc::new(RefCell::new(py)),
        Err(e) => {
            out.push(failed(G, "all cases", e));
            let _ = reg.delete(&name);
            return;
        }
    };
    let ns = |_: Iter| NS.to_string();
    let plan = env.size.py;

    let m = "IPRoute inside a namespace: open + get_links + close";
    const NN_IPR: &str = "netnest.pyroute2.IPRoute(netns=NAME)";
    const PR_LOCAL: &str = "pyroute2 IPRoute(), no namespace";
    out.push(measure(
        G,
        m,
        &[m],
        plan,
        &mut [
            side(&py, true, NN_IPR, "nn_iproute", ns),
            side(&py, false, PR_LOCAL, "pr_iproute_local", ns),
            side(&py, false, "pyroute2 IPRoute(netns=NAME)", "pr_iproute", ns),
        ],
        &env.settler(),
        vec![Target::at_most(m, NN_IPR, PR_LOCAL, 1.25)],
    ));

    let m = "spawn `true` inside a namespace, to exit";
    const NN_POPEN: &str = "netnest.Popen(NAME, [\"true\"])";
    const POPEN: &str = "subprocess.Popen([\"true\"]), no namespace";
    out.push(measure(
        G,
        m,
        &[m],
        plan,
        &mut [
            side(&py, true, NN_POPEN, "nn_popen", ns),
            side(&py, false, POPEN, "popen", ns),
            side(
                &py,
                false,
                "pyroute2 NSPopen(NAME, [\"true\"])",
                "pr_nspopen",
                ns,
            ),
        ],
        &env.settler(),
        vec![Target::at_most(m, NN_POPEN, POPEN, 1.25)],
    ));

    let m = "netlink socket inside a namespace";
    const NN_SOCK: &str = "netnest.netns.create_socket";
    const PR_SOCK: &str = "pyroute2 netns.create_socket";
    out.push(measure(
        G,
        m,
        &[m],
        plan,
        &mut [
            side(&py, true, NN_SOCK, "nn_socket", ns),
            side(&py, false, PR_SOCK, "pr_socket", ns),
        ],
        &env.settler(),
        vec![Target::at_most(m, NN_SOCK, PR_SOCK, 0.02)],
    ));

    let m = "named create + remove";
    const NN_CR: &str = "netnest.netns.create, remove";
    const PR_CR: &str = "pyroute2 netns.create, remove";
    out.push(measure(
        G,
        m,
        &[m],
        plan,
        &mut [
            side(&py, true, NN_CR, "nn_create_remove", |it: Iter| {
                format!("nn{}", it.tag())
            }),
            side(&py, false, PR_CR, "pr_create_remove", |it: Iter| {
                format!("pr{}", it.tag())
            }),
        ],
        &env.settler(),
        vec![Target::at_most(m, NN_CR, PR_CR, 0.5)],
    ));
    let _ = reg.delete(&name);
}
