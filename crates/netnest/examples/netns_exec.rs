// SPDX-License-Identifier: MIT OR Apache-2.0
//! `ip netns exec NAME CMD…` with the library: the command runs in the namespace's full `ip netns
//! exec` environment (network namespace, private mounts, `/sys`, `/etc/netns/NAME` binds), as an
//! ordinary child whose output we read. Then the same with a bare handle and `spawn_in`.
//!
//! ```sh
//! unshare --mount --net --propagation private -- sh -c 'mount -t tmpfs tmpfs /run &&
//!   ip netns add blue && cargo run -p netnest --example netns_exec -- blue ip -o link'
//! ```

use std::process::Command;

use netnest::{CommandExt, ExecEnv, Name, Registry};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args_os().skip(1);
    let name = Name::new(args.next().ok_or("usage: netns_exec NAME CMD…")?)?;
    let cmd: Vec<_> = args.collect();
    let (program, rest) = cmd.split_first().ok_or("no command")?;
    let reg = Registry::default();

    // ip netns exec NAME CMD…
    let env = ExecEnv::new(&reg, &name)?;
    let out = Command::new(program).args(rest).netns_exec(env).output();
    match out {
        Ok(out) => print!("{}", String::from_utf8_lossy(&out.stdout)),
        Err(e) => match netnest::failed_step(&e) {
            Some((step, errno)) => return Err(format!("{step:?} failed: {errno}").into()),
            None => return Err(e.into()),
        },
    }

    // The same command with only the network namespace changed.
    let ns = reg.open(&name)?;
    let child = Command::new(program)
        .args(rest)
        .stdout(std::process::Stdio::piped())
        .spawn_in(&ns)?;
    println!("child {} in {ns}", child.id());
    let out = child.wait_with_output()?;
    print!("{}", String::from_utf8_lossy(&out.stdout));
    Ok(())
}
