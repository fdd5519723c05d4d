// SPDX-License-Identifier: MIT OR Apache-2.0
//! `netnest lab pingall NAME`: every node pings every other node on each address family both
//! have, with netnest's own probes from inside the nodes (`netnest_lab::reach`). A table, or
//! JSON with `-j`; exit status 1 when a pair does not answer.

use netnest_lab::reach::{self, ProbeResult};
use netnest_lab::Options;

use crate::cmd::{Ctx, Status};
use crate::output::json::{Escape, Writer};
use crate::output::{Format, Stdout};

/// Pings every pair of the lab `lab`'s nodes.
pub fn run(ctx: &mut Ctx, lab: &str, options: &Options) -> Result<Status, String> {
    let nodes = reach::nodes_of(lab, options).map_err(|e| crate::hints::lab(&e))?;
    let results =
        reach::pingall(&nodes, reach::DEFAULT_TIMEOUT).map_err(|e| crate::hints::lab(&e))?;
    print(ctx, &results);
    Ok(verdict(&results))
}

/// 1 if any probe did not come out as expected.
pub(super) fn verdict(results: &[ProbeResult]) -> Status {
    if results.iter().all(ProbeResult::passed) {
        Status::Ok
    } else {
        Status::FAILED
    }
}

/// The results as a table (`FROM TO ADDRESS RESULT`, then a count) or as JSON.
pub(super) fn print(ctx: &mut Ctx, results: &[ProbeResult]) {
    match ctx.format() {
        Format::Json { pretty } => json(&mut ctx.out, results, pretty),
        Format::Plain => table(&mut ctx.out, results),
    }
}

fn outcome(r: &ProbeResult) -> String {
    let what = match (r.reached, r.rtt) {
        (true, Some(rtt)) => format!("reached {:.3} ms", rtt.as_secs_f64() * 1000.0),
        (true, None) => "reached".to_owned(),
        (false, _) => "no answer".to_owned(),
    };
    match (r.passed(), r.expected) {
        (true, _) => what,
        (false, true) => format!("{what} FAILED"),
        (false, false) => format!("{what} FAILED (expected no answer)"),
    }
}

fn table(out: &mut Stdout, results: &[ProbeResult]) {
    let target = |r: &ProbeResult| {
        let mut t = r.address.to_string();
        if let Some(port) = r.port {
            t = format!("{t} port {port}");
        }
        t
    };
    let rows: Vec<[String; 4]> = results
        .iter()
        .map(|r| {
            [
                r.from.clone(),
                r.to.clone().unwrap_or_else(|| "-".into()),
                target(r),
                outcome(r),
            ]
        })
        .collect();
    let header = ["FROM", "TO", "ADDRESS", "RESULT"].map(String::from);
    let mut width = [0usize; 3];
    for row in std::iter::once(&header).chain(&rows) {
        for (w, cell) in width.iter_mut().zip(row) {
            *w = (*w).max(cell.len());
        }
    }
    let mut text = String::new();
    for row in std::iter::once(&header).chain(&rows) {
        text.push_str(&format!(
            "{:w0$}  {:w1$}  {:w2$}  {}\n",
            row[0],
            row[1],
            row[2],
            row[3],
            w0 = width[0],
            w1 = width[1],
            w2 = width[2]
        ));
    }
    let failed = results.iter().filter(|r| !r.passed()).count();
    text.push_str(&format!(
        "{} of {} passed{}\n",
        results.len() - failed,
        results.len(),
        if failed == 0 { "" } else { ", FAILED" }
    ));
    out.write(text.as_bytes());
}

/// `[{"from":…,"to":…,"address":…,"port":…,"expected":…,"reached":…,"rtt_ms":…,"passed":…}]`.
fn json(out: &mut Stdout, results: &[ProbeResult], pretty: bool) {
    let mut w = Writer::new(out, pretty, Escape::Json);
    w.start_array();
    for r in results {
        w.start_object();
        w.string_field("from", r.from.as_bytes());
        w.key("to");
        match &r.to {
            Some(to) => w.string(to.as_bytes()),
            None => w.null(),
        }
        w.string_field("address", r.address.to_string().as_bytes());
        w.key("port");
        match r.port {
            Some(p) => w.uint(u64::from(p)),
            None => w.null(),
        }
        w.bool_field("expected", r.expected);
        w.bool_field("reached", r.reached);
        w.key("rtt_us");
        match r.rtt {
            Some(rtt) => w.uint(rtt.as_micros() as u64),
            None => w.null(),
        }
        w.bool_field("passed", r.passed());
        w.end_object();
    }
    w.end_array();
    let out = w.stdout();
    out.write(b"\n");
    out.flush();
}
