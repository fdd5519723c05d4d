//! Times `Registry::add` + `delete` in a loop (a rough check; the bench script is the reference).
//!
//! ```sh
//! unshare --mount --net --propagation private -- sh -c \
//!   'mount -t tmpfs tmpfs /run && cargo run --release -p netnest --example time_add -- 200'
//! ```

use std::time::Instant;

use netnest::{Name, Registry};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let n: usize = std::env::args()
        .nth(1)
        .map(|s| s.parse())
        .transpose()?
        .unwrap_or(200);
    let reg = Registry::default();
    let names: Vec<Name> = (0..n)
        .map(|i| Name::new(format!("t{i}")).unwrap())
        .collect();
    let mut add = Vec::with_capacity(n);
    let mut del = Vec::with_capacity(n);
    for name in &names {
        let t = Instant::now();
        drop(reg.add(name)?);
        add.push(t.elapsed());
        let t = Instant::now();
        reg.delete(name)?;
        del.push(t.elapsed());
    }
    add.sort();
    del.sort();
    println!(
        "add median {:?}  delete median {:?}",
        add[n / 2],
        del[n / 2]
    );
    Ok(())
}
