//! Writes a generated lab (a star around a bridge, or a chain of routers) as a topology file,
//! with the equivalent `ip` shell script and `ip -batch` script, for benchmarks:
//!
//! ```text
//! cargo run --example gen_topology -- star 200 /tmp/bench     # or: chain 200 /tmp/bench
//! ```
//!
//! writes, in the directory given, `NAME.toml` (for `netnest lab up`), `NAME-ip.sh` and
//! `NAME-ip-down.sh` (one `ip` process per step: `ip netns add`, `ip -n NS link add … type veth
//! peer name … netns …`, `ip -n NS address add`, `ip -n NS route add`, `ip netns exec NS sysctl`),
//! `NAME-batch.sh` and `NAME-batch-down.sh` (the same through `ip -batch`). NAME is `star200`
//! or `chain200`, or the fourth argument.

use std::path::PathBuf;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (shape, n, dir) = match args.as_slice() {
        [shape, n, dir, ..] => (
            shape.as_str(),
            n.parse::<usize>().expect("a number of nodes"),
            PathBuf::from(dir),
        ),
        _ => {
            eprintln!("usage: gen_topology star|chain N DIR [NAME]");
            std::process::exit(255);
        }
    };
    let name = args
        .get(3)
        .cloned()
        .unwrap_or_else(|| format!("{shape}{n}"));
    let t = match shape {
        "star" => netnest_lab::generate::star(&name, n),
        "chain" => netnest_lab::generate::chain(&name, n),
        _ => {
            eprintln!("the shape is star or chain");
            std::process::exit(255);
        }
    };
    std::fs::create_dir_all(&dir).expect("creating the directory");
    let ip = netnest_lab::script::ip_script(&t);
    let batch = netnest_lab::script::ip_batch_script(&t);
    let files = [
        (format!("{name}.toml"), t.to_toml()),
        (format!("{name}-ip.sh"), ip.up),
        (format!("{name}-ip-down.sh"), ip.down),
        (format!("{name}-batch.sh"), batch.up),
        (format!("{name}-batch-down.sh"), batch.down),
    ];
    for (file, text) in files {
        let path = dir.join(file);
        std::fs::write(&path, text).unwrap_or_else(|e| panic!("writing {}: {e}", path.display()));
        println!("{}", path.display());
    }
}
