//! Times each phase of `up` (what `ip netns add`, `ip link add … peer … netns …`, `ip addr add`
//! and `ip route add` do in a script) for a generated lab (`phases star|chain N`, or `phases FILE`), then `down`.
//! Run as root in a sandbox:
//! `unshare --mount --net -- sh -c 'mount -t tmpfs tmpfs /run && phases star 200'`.
use std::time::Instant;
fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let n: usize = args.get(1).map_or(200, |s| s.parse().unwrap_or(0));
    let t = match args.first().map(String::as_str) {
        Some("chain") => netnest_lab::generate::chain("ph", n),
        Some("star") | None => netnest_lab::generate::star("ph", n),
        Some(file) => netnest_lab::Topology::from_file(file).unwrap(),
    };
    let start = Instant::now();
    let mut last = (None, start);
    let mut spans = Vec::new();
    let lab = t
        .up_with(&netnest_lab::Options::new(), &mut |p| {
            if last.0 != Some(p.phase) {
                let now = Instant::now();
                if let Some(ph) = last.0 {
                    spans.push((ph, now - last.1));
                }
                last = (Some(p.phase), now);
            }
        })
        .unwrap();
    let up = start.elapsed();
    let d = Instant::now();
    lab.down().unwrap();
    for (ph, dur) in spans {
        println!("{ph:?}: {dur:?}");
    }
    println!("up {up:?}, down {:?}", d.elapsed());
}
