//! `netnest lab …` before the `netnest` command has it: the same logic
//! ([`netnest_lab::cli::run`]), standalone.
//!
//! Replaces a shell script of `ip netns add`, `ip link add … type veth peer … netns …`,
//! `ip addr add`, `ip route add` (and the script that undoes it). As root:
//!
//! ```text
//! cargo run --example lab -- up examples/labs/two-hosts-router.toml
//! cargo run --example lab -- status trio
//! cargo run --example lab -- exec trio h1 ip route
//! cargo run --example lab -- down trio
//! ```
//!
//! `-n DIR` (first) uses the run directory DIR instead of `/run/netns`.

use std::ffi::OsString;

fn main() {
    let mut args: Vec<OsString> = std::env::args_os().skip(1).collect();
    let mut registry = netnest::Registry::default();
    if args.first().is_some_and(|a| a == "-n") && args.len() >= 2 {
        registry = netnest::Registry::new(args[1].clone());
        args.drain(..2);
    }
    let opts = netnest_lab::cli::CliOptions::new(registry);
    std::process::exit(netnest_lab::cli::run(&args, &opts));
}
