// SPDX-License-Identifier: MIT OR Apache-2.0
//! The library against the real kernel. The whole test process runs in a private mount and network
//! namespace with a tmpfs on `/run` (netnest_testkit::main!), so `/run/netns` here is the test's own
//! and nothing reaches the host.

use netnest::ErrorKind;
use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

use netnest::rustix::net::{AddressFamily, SocketType};
use netnest::{CommandExt, CreateMode, EntryState, ExecEnv, Name, NetNs, Op, Registry};

fn name(prefix: &str) -> Name {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    Name::new(format!("{prefix}-{}", NEXT.fetch_add(1, Ordering::Relaxed))).unwrap()
}

/// A registry in its own directory under the sandbox's `/run`.
fn own_registry() -> Registry {
    let dir = PathBuf::from(format!("/run/netnest-test-{}", name("reg")));
    Registry::new(dir)
}

/// Runs `f` with the panic message printer silenced (for panics a test provokes on purpose).
fn quietly<T>(f: impl FnOnce() -> T) -> T {
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let result = f();
    std::panic::set_hook(hook);
    result
}

fn ip(args: &[&str]) -> String {
    let out = Command::new("/usr/sbin/ip").args(args).output().unwrap();
    assert!(
        out.status.success(),
        "ip {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Every thread of this process, with its network namespace's inode.
fn thread_namespaces() -> Vec<(String, u64)> {
    std::fs::read_dir("/proc/self/task")
        .unwrap()
        .flatten()
        .filter_map(|t| {
            let ino = std::fs::metadata(t.path().join("ns/net")).ok()?;
            Some((
                t.file_name().to_string_lossy().into_owned(),
                std::os::unix::fs::MetadataExt::ino(&ino),
            ))
        })
        .collect()
}

/// A `sleep` started inside `ns`, killed on drop.
struct Sleeper(std::process::Child);

impl Sleeper {
    fn start(ns: &NetNs) -> Sleeper {
        Sleeper(Command::new("sleep").arg("600").spawn_in(ns).unwrap())
    }
    fn pid(&self) -> u32 {
        self.0.id()
    }
}

impl Drop for Sleeper {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn added_namespace_is_seen_by_ip() {
    let reg = Registry::default();
    let n = name("reg-ip");
    let ns = reg.add(&n).unwrap();
    let list = ip(&["netns", "list"]);
    assert!(list.lines().any(|l| l == n.to_string()), "{list}");
    // `ip netns exec` enters the very namespace our handle holds.
    let link = ip(&[
        "netns",
        "exec",
        &n.to_string(),
        "readlink",
        "/proc/self/ns/net",
    ]);
    assert_eq!(link.trim(), ns.to_string());
    reg.delete(&n).unwrap();
    assert!(!ip(&["netns", "list"]).lines().any(|l| l == n.to_string()));
}

fn ip_added_namespace_opens_through_registry() {
    let n = name("ip-reg");
    ip(&["netns", "add", &n.to_string()]);
    let reg = Registry::default();
    let ns = reg.open(&n).unwrap();
    let link = ip(&[
        "netns",
        "exec",
        &n.to_string(),
        "readlink",
        "/proc/self/ns/net",
    ]);
    assert_eq!(link.trim(), ns.to_string());
    assert_eq!(reg.create(&n, CreateMode::CreateOrOpen).unwrap(), ns);
    reg.delete(&n).unwrap();
    assert_eq!(*reg.open(&n).unwrap_err().kind(), ErrorKind::NotFound);
}

fn create_modes() {
    let reg = own_registry();
    let n = name("modes");
    let e = reg.create(&n, CreateMode::OpenExisting).unwrap_err();
    assert_eq!((e.op(), e.kind().clone()), (Op::Open, ErrorKind::NotFound));
    assert!(reg.list().unwrap().is_empty(), "open-only must not create");
    let a = reg.create(&n, CreateMode::CreateOrOpen).unwrap();
    let b = reg.create(&n, CreateMode::CreateOrOpen).unwrap();
    assert_eq!(a, b);
    let e = reg.create(&n, CreateMode::CreateNew).unwrap_err();
    assert_eq!(
        (e.op(), e.raw_os_error()),
        (Op::CreateFile, Some(libc::EEXIST))
    );
    assert_eq!(reg.create(&n, CreateMode::OpenExisting).unwrap(), a);
    reg.delete(&n).unwrap();
    std::fs::remove_dir(reg.dir()).ok();
}

fn socket_is_made_inside_and_caller_stays() {
    let before = NetNs::current().unwrap();
    let ns = NetNs::new().unwrap();
    assert_ne!(ns, before);
    let sock = netnest::socket(&ns, AddressFamily::NETLINK, SocketType::RAW, None).unwrap();
    assert_eq!(NetNs::of_socket(&sock).unwrap(), ns);
    let udp = netnest::socket(&ns, AddressFamily::INET, SocketType::DGRAM, None).unwrap();
    // Used from another thread, it is still in `ns`.
    let there = std::thread::spawn(move || NetNs::of_socket(&udp).unwrap())
        .join()
        .unwrap();
    assert_eq!(there, ns);
    assert_eq!(NetNs::current().unwrap(), before);
    let inside = netnest::run(&ns, || NetNs::current().unwrap()).unwrap();
    assert_eq!(inside, ns);
    assert_eq!(NetNs::current().unwrap(), before);
}

fn panic_in_run_propagates_and_leaves_no_thread() {
    let ns = NetNs::new().unwrap();
    let before = NetNs::current().unwrap();
    let caught = quietly(|| {
        std::panic::catch_unwind(|| {
            netnest::run(&ns, || panic!("boom inside")).unwrap();
        })
    });
    let payload = caught.unwrap_err();
    assert_eq!(payload.downcast_ref::<&str>(), Some(&"boom inside"));
    assert_eq!(NetNs::current().unwrap(), before);
    let stray: Vec<_> = thread_namespaces()
        .into_iter()
        .filter(|(_, ino)| *ino == ns.id().ino)
        .collect();
    assert!(stray.is_empty(), "threads left in the namespace: {stray:?}");
}

fn enter_guard_restores_also_on_panic() {
    let ns = NetNs::new().unwrap();
    let before = NetNs::current().unwrap();
    {
        let _guard = ns.enter().unwrap();
        assert_eq!(NetNs::current().unwrap(), ns);
    }
    assert_eq!(NetNs::current().unwrap(), before);
    for _ in 0..100 {
        let r = quietly(|| {
            std::panic::catch_unwind(|| {
                let _guard = ns.enter().unwrap();
                assert_eq!(NetNs::current().unwrap(), ns);
                panic!("unwinding through the guard");
            })
        });
        assert!(r.is_err());
        assert_eq!(NetNs::current().unwrap(), before);
    }
}

fn delete_keeps_namespace_alive_for_open_handle() {
    let reg = Registry::default();
    let n = name("keep");
    let ns = reg.add(&n).unwrap();
    reg.delete(&n).unwrap();
    assert!(!reg.path(&n).exists());
    assert!(!ip(&["netns", "list"]).lines().any(|l| l == n.to_string()));
    // The namespace still works: a socket can be made in it and is in it.
    let sock = netnest::socket(&ns, AddressFamily::INET, SocketType::DGRAM, None).unwrap();
    assert_eq!(NetNs::of_socket(&sock).unwrap(), ns);
    let e = reg.delete(&n).unwrap_err();
    assert_eq!(
        (e.op(), e.kind().clone()),
        (Op::Remove, ErrorKind::NotFound)
    );
}

fn attach_names_a_process_namespace() {
    let reg = own_registry();
    let ns = NetNs::new().unwrap();
    let sleeper = Sleeper::start(&ns);
    assert_eq!(NetNs::from_pid(sleeper.pid()).unwrap(), ns);
    let (a, b) = (name("att-a"), name("att-b"));
    reg.attach(&a, sleeper.pid()).unwrap();
    reg.attach_ns(&b, &ns).unwrap();
    assert_eq!(reg.open(&a).unwrap(), ns);
    assert_eq!(reg.open(&b).unwrap(), ns);
    // identify: both names, in directory order; pids: the sleeper.
    let names = reg.identify(&ns).unwrap();
    let listed: Vec<OsString> = reg.names().unwrap();
    assert_eq!(names, listed, "both names, in directory order");
    assert_eq!(reg.pids(&a).unwrap(), vec![sleeper.pid()]);
    for n in [&a, &b] {
        reg.delete(n).unwrap();
    }
}

fn attach_to_missing_pid_leaves_nothing() {
    let reg = own_registry();
    let n = name("att-bad");
    // Beyond any pid_max (at most 2^22): no such process, ever.
    let e = reg.attach(&n, u32::MAX).unwrap_err();
    assert_eq!(e.op(), Op::Bind);
    assert_eq!(e.path(), Some(Path::new("/proc/4294967295/ns/net")));
    assert_eq!(*e.kind(), ErrorKind::NotFound);
    assert!(
        reg.list().unwrap().is_empty(),
        "the mount-point file must be removed"
    );
}

fn list_tells_live_from_stale() {
    let reg = own_registry();
    let live = name("live");
    let ns = reg.add(&live).unwrap();
    std::fs::write(reg.dir().join("stale"), b"").unwrap();
    std::fs::create_dir(reg.dir().join("dir")).unwrap();
    let entries = reg.list().unwrap();
    let raw: Vec<OsString> = std::fs::read_dir(reg.dir())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        entries.iter().map(|e| e.name.clone()).collect::<Vec<_>>(),
        raw,
        "directory order"
    );
    for e in &entries {
        let expect = if e.name == live.as_os_str() {
            EntryState::Namespace(ns.id())
        } else {
            EntryState::Stale
        };
        assert_eq!(e.state, expect, "{:?}", e.name);
    }
    let e = reg.open(&Name::new("stale").unwrap()).unwrap_err();
    assert_eq!(
        (e.op(), e.raw_os_error()),
        (Op::NotANamespace, Some(libc::EINVAL))
    );
    reg.delete(&live).unwrap();
    let e = reg.delete(&Name::new("dir").unwrap()).unwrap_err();
    assert_eq!((e.op(), e.raw_os_error()), (Op::Remove, Some(libc::EISDIR)));
    std::fs::remove_dir(reg.dir().join("dir")).unwrap();
    reg.delete(&Name::new("stale").unwrap()).unwrap();
    assert!(reg.list().unwrap().is_empty());
}

fn missing_run_dir_lists_empty_and_entries_says_why() {
    let reg = Registry::new("/run/netnest-test-never-made");
    assert!(reg.list().unwrap().is_empty());
    let e = reg.entries().unwrap_err();
    assert_eq!(
        (e.op(), e.kind().clone()),
        (Op::ReadDir, ErrorKind::NotFound)
    );
    assert!(reg.identify(&NetNs::current().unwrap()).unwrap().is_empty());
}

fn run_dir_that_is_a_file_fails_cleanly() {
    let path = PathBuf::from(format!("/run/netnest-test-{}", name("file")));
    std::fs::write(&path, b"not a directory").unwrap();
    let reg = Registry::new(&path);
    let e = reg.add(&name("x")).unwrap_err();
    assert_eq!(
        (e.op(), e.raw_os_error()),
        (Op::OpenRunDir, Some(libc::ENOTDIR))
    );
    assert_eq!(std::fs::read(&path).unwrap(), b"not a directory");
    std::fs::remove_file(&path).unwrap();
}

fn run_dir_is_one_shared_mount() {
    let reg = own_registry();
    let names: Vec<Name> = (0..5).map(|_| name("shared")).collect();
    for n in &names {
        reg.add(n).unwrap();
    }
    let mounts = netnest_testkit::mountinfo::mounts();
    let dir = reg.dir();
    let dir_mounts: Vec<_> = mounts.iter().filter(|m| m.point == dir).collect();
    assert_eq!(dir_mounts.len(), 1, "{dir_mounts:?}");
    assert!(dir_mounts[0].is_shared(), "{:?}", dir_mounts[0]);
    for n in &names {
        let p = reg.path(n);
        let count = mounts
            .iter()
            .filter(|m| m.point == p && m.fstype == "nsfs")
            .count();
        assert_eq!(count, 1, "{p:?}");
        reg.delete(n).unwrap();
    }
    let after = netnest_testkit::mountinfo::mounts();
    assert!(
        !after
            .iter()
            .any(|m| m.fstype == "nsfs" && m.point.starts_with(dir)),
        "nsfs mounts left"
    );
}

fn names_with_odd_bytes_round_trip() {
    let reg = Registry::default();
    for raw in [
        b"sp ace".to_vec(),
        b"q\"uo'te".to_vec(),
        b"tab\tnl\n".to_vec(),
        b"\x01\x1b\x7f\xff".to_vec(),
        vec![b'n'; 255],
    ] {
        let n = Name::new(OsString::from_vec(raw.clone())).unwrap();
        let ns = reg.add(&n).unwrap();
        assert!(reg.names().unwrap().iter().any(|x| x == n.as_os_str()));
        assert_eq!(reg.open(&n).unwrap(), ns);
        reg.delete(&n).unwrap();
    }
}

fn spawned_child_sees_only_its_namespace() {
    let ns = NetNs::new().unwrap();
    // A veth pair made inside `ns` by `ip` run in it: the child sees it, the test's namespace not.
    let st = Command::new("/usr/sbin/ip")
        .args(["link", "add", "t-a", "type", "veth", "peer", "name", "t-b"])
        .spawn_in(&ns)
        .unwrap()
        .wait()
        .unwrap();
    assert!(st.success());
    let out = Command::new("/usr/sbin/ip")
        .args(["-o", "link"])
        .stdout(Stdio::piped())
        .spawn_in(&ns)
        .unwrap()
        .wait_with_output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("t-a@t-b") && text.contains("t-b@t-a"),
        "{text}"
    );
    assert!(
        !ip(&["-o", "link"]).contains("t-a"),
        "the veth leaked into the test's namespace"
    );
    // The pre_exec form lands in the same place.
    let out = Command::new("readlink")
        .arg("/proc/self/ns/net")
        .netns(&ns)
        .unwrap()
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8(out.stdout).unwrap().trim(),
        ns.to_string()
    );
}

fn spawn_into_missing_command_is_a_spawn_error() {
    let ns = NetNs::new().unwrap();
    let e = Command::new("/nonexistent/netnest-test")
        .spawn_in(&ns)
        .unwrap_err();
    assert_eq!((e.op(), e.kind().clone()), (Op::Spawn, ErrorKind::NotFound));
}

fn many_spawns_from_many_threads_land_right() {
    let spaces: Vec<NetNs> = (0..4).map(|_| NetNs::new().unwrap()).collect();
    std::thread::scope(|s| {
        for t in 0..8 {
            let spaces = &spaces;
            s.spawn(move || {
                for i in 0..10 {
                    let ns = &spaces[(t + i) % spaces.len()];
                    let out = Command::new("readlink")
                        .arg("/proc/self/ns/net")
                        .stdout(Stdio::piped())
                        .spawn_in(ns)
                        .unwrap()
                        .wait_with_output()
                        .unwrap();
                    assert_eq!(
                        String::from_utf8(out.stdout).unwrap().trim(),
                        ns.to_string()
                    );
                }
            });
        }
    });
}

fn exec_env_is_ip_netns_exec() {
    let reg = Registry::default();
    let n = name("exec");
    let ns = reg.add(&n).unwrap();
    let etc = PathBuf::from(format!("/run/netnest-test-etc-{}", name("etc")));
    std::fs::create_dir_all(etc.join(n.as_os_str())).unwrap();
    std::fs::write(
        etc.join(n.as_os_str()).join("hosts"),
        b"10.9.8.7 netnest-test-host\n",
    )
    .unwrap();
    std::fs::write(etc.join(n.as_os_str()).join("netnest-no-such-file"), b"").unwrap();
    let env = ExecEnv::with_ns(ns.try_clone().unwrap(), &n, &etc);
    assert_eq!(env.etc_binds().len(), 2);
    let script = "readlink /proc/self/ns/net; cat /etc/hosts; awk '$5==\"/sys\"{print $(NF-1)}' /proc/self/mountinfo; ls /sys/fs/cgroup | head -1";
    let out = Command::new("sh")
        .args(["-c", script])
        .netns_exec(env)
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], ns.to_string());
    assert_eq!(lines[1], "10.9.8.7 netnest-test-host");
    assert_eq!(
        lines[2],
        n.to_string(),
        "sysfs is mounted with the namespace's name as source"
    );
    assert!(
        lines.len() >= 4,
        "cgroups are kept under /sys/fs/cgroup: {text}"
    );
    // Our own mounts are untouched.
    assert!(!std::fs::read_to_string("/etc/hosts")
        .unwrap()
        .contains("netnest-test-host"));
    reg.delete(&n).unwrap();
    std::fs::remove_dir_all(&etc).unwrap();
}

/// Cgroups made for the container test, removed (deepest first) on drop, after their processes.
struct Cgroups {
    dirs: Vec<PathBuf>,
    sleepers: Vec<Sleeper>,
}

impl Cgroups {
    /// Makes `root/rel` (and its parents) and moves a new sleeper in `ns` into it.
    fn container(&mut self, root: &Path, rel: &str, ns: &NetNs) {
        let dir = root.join(rel);
        let mut made = Vec::new();
        let mut p = dir.as_path();
        while !p.exists() {
            made.push(p.to_path_buf());
            p = p.parent().unwrap();
        }
        std::fs::create_dir_all(&dir).unwrap();
        made.reverse();
        self.dirs.extend(made);
        let sleeper = Sleeper::start(ns);
        std::fs::write(dir.join("cgroup.procs"), sleeper.pid().to_string()).unwrap();
        self.sleepers.push(sleeper);
    }
}

impl Drop for Cgroups {
    fn drop(&mut self) {
        self.sleepers.clear();
        for dir in self.dirs.iter().rev() {
            let _ = std::fs::remove_dir(dir);
        }
    }
}

/// The mount point of the cgroup2 hierarchy and of one cgroup v1 hierarchy, if any.
fn cgroup_roots() -> (Option<PathBuf>, Option<PathBuf>) {
    let mounts = netnest_testkit::mountinfo::mounts();
    let v2 = mounts.iter().find(|m| m.fstype == "cgroup2");
    let v1 = mounts
        .iter()
        .find(|m| m.fstype == "cgroup" && m.super_options.split(',').any(|o| o == "pids"));
    (v2.map(|m| m.point.clone()), v1.map(|m| m.point.clone()))
}

fn container_found_through_cgroups() {
    let (v2, v1) = cgroup_roots();
    let v2 = v2.expect("a cgroup2 hierarchy");
    let top = format!("netnest-test-{}-{}", std::process::id(), name("cg"));
    let id = |n: u8| format!("{:02x}", n).repeat(32);
    let mut cg = Cgroups {
        dirs: Vec::new(),
        sleepers: Vec::new(),
    };
    let layouts = [
        (
            format!("{top}/system.slice/docker-{}.scope", id(0xd1)),
            id(0xd1),
        ),
        (
            format!("{top}/machine.slice/libpod-{}.scope", id(0xa2)),
            id(0xa2),
        ),
        (
            format!(
                "{top}/kubepods.slice/kubepods-pod1.slice/crio-{}.scope",
                id(0xc3)
            ),
            id(0xc3),
        ),
        (
            format!(
                "{top}/kubepods.slice/kubepods-besteffort.slice/p2.slice/cri-containerd-{}.scope",
                id(0xe4)
            ),
            id(0xe4),
        ),
        (
            format!("{top}/kubepods/burstable/pod5/{}", id(0xb5)),
            id(0xb5),
        ),
    ];
    let mut spaces = Vec::new();
    for (rel, full) in &layouts {
        let ns = NetNs::new().unwrap();
        cg.container(&v2, rel, &ns);
        spaces.push((full.clone(), ns));
    }
    // Podman's monitor runs in the host namespace, in a cgroup named after the container.
    cg.container(
        &v2,
        &format!("{top}/machine.slice/libpod-conmon-{}.scope", id(0xa2)),
        &NetNs::current().unwrap(),
    );
    // Docker's cgroupfs driver on cgroup v1.
    if let Some(v1) = &v1 {
        let ns = NetNs::new().unwrap();
        let full = id(0x61);
        cg.container(v1, &format!("{top}/docker/{full}"), &ns);
        spaces.push((full, ns));
    }
    for (full, ns) in &spaces {
        assert_eq!(&NetNs::from_container(full).unwrap(), ns, "{full}");
        let (found, by_prefix) = NetNs::find_container(&full[..12].to_uppercase()).unwrap();
        assert_eq!((&found, &by_prefix), (full, ns));
    }
    // Two containers sharing a prefix.
    let (x, y) = (
        format!("fa{}", "0".repeat(62)),
        format!("fa{}", "1".repeat(62)),
    );
    for full in [&x, &y] {
        cg.container(
            &v2,
            &format!("{top}/system.slice/docker-{full}.scope"),
            &NetNs::new().unwrap(),
        );
    }
    let e = NetNs::from_container("fa").unwrap_err();
    assert_eq!(e.op(), Op::FindContainer);
    assert_eq!(
        e.kind(),
        &ErrorKind::Container(netnest::ContainerError::Ambiguous(
            "fa".into(),
            vec![x.clone(), y.clone()]
        ))
    );
    let e = NetNs::from_container("0123456789ab").unwrap_err();
    assert_eq!(
        e.kind(),
        &ErrorKind::Container(netnest::ContainerError::NotFound("0123456789ab".into()))
    );
    assert_eq!(e.io_error().kind(), std::io::ErrorKind::NotFound);
    drop(cg);
    assert!(!v2.join(&top).exists(), "cgroups left behind");
}

/// Guards dropped out of order: the thread is always where the live guards put it, and back
/// where it started at the end. Before, `vec![a.enter(), b.enter()]` dropped front to back left
/// the thread in `a`, silently.
fn enter_guards_dropped_out_of_order_end_where_they_started() {
    let start = NetNs::current().unwrap();
    let [a, b, c] = [(); 3].map(|()| NetNs::new().unwrap());
    let here = || NetNs::current().unwrap();

    let guards = vec![a.enter().unwrap(), b.enter().unwrap()];
    assert_eq!(here(), b);
    drop(guards);
    assert_eq!(here(), start, "a Vec of guards drops front to back");

    let ga = a.enter().unwrap();
    let gb = b.enter().unwrap();
    let gc = c.enter().unwrap();
    drop(gb);
    assert_eq!(here(), c, "the newest live guard decides");
    drop(ga);
    assert_eq!(here(), c);
    drop(gc);
    assert_eq!(here(), start);

    let ga = a.enter().unwrap();
    let gb = b.enter().unwrap();
    drop(ga);
    assert_eq!(here(), b);
    let gc = c.enter().unwrap();
    drop(gb);
    assert_eq!(here(), c);
    drop(gc);
    assert_eq!(here(), start);
    // A socket made now lands where the thread started.
    let sock = netnest::rustix::net::socket(
        netnest::rustix::net::AddressFamily::INET,
        netnest::rustix::net::SocketType::DGRAM,
        None,
    )
    .unwrap();
    assert_eq!(NetNs::of_socket(&sock).unwrap(), start);
}

/// A worker stays in its namespace across calls, makes its sockets there, survives a panic in a
/// closure, and its thread is gone once it is dropped.
fn worker_stays_inside_and_is_joined_on_drop() {
    let ns = NetNs::new().unwrap();
    let here = NetNs::current().unwrap();
    let worker = netnest::Worker::new(&ns).unwrap();
    let tid = worker
        .run(|| netnest::rustix::thread::gettid().as_raw_nonzero().get())
        .unwrap();
    for _ in 0..100 {
        assert_eq!(worker.try_run(NetNs::current).unwrap(), ns);
    }
    let sock = worker
        .socket(
            netnest::rustix::net::AddressFamily::INET,
            netnest::rustix::net::SocketType::DGRAM,
            None,
        )
        .unwrap();
    assert_eq!(NetNs::of_socket(&sock).unwrap(), ns);
    let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        worker.run(|| panic!("inside the worker")).unwrap()
    }));
    assert!(panicked.is_err(), "the panic reaches the caller");
    assert_eq!(
        worker.try_run(NetNs::current).unwrap(),
        ns,
        "the worker lives on"
    );
    assert_eq!(NetNs::current().unwrap(), here, "the caller never moved");
    let task = format!("/proc/self/task/{tid}");
    assert!(std::path::Path::new(&task).exists());
    drop(worker);
    assert!(
        !std::path::Path::new(&task).exists(),
        "the thread was joined"
    );
    // try_run: one `?` for a closure that returns a Result of any error type that takes ours.
    let inside: std::io::Result<NetNs> = netnest::try_run(&ns, || Ok(NetNs::current()?));
    assert_eq!(inside.unwrap(), ns);
    let opened = netnest::try_run(&ns, || std::fs::File::open("/nonexistent/file"));
    assert_eq!(opened.unwrap_err().kind(), std::io::ErrorKind::NotFound);
}

/// One worker shared by several threads: every call gets its own closure's value, from inside
/// the namespace, whether the calls come back to back or after pauses (the worker asleep).
fn worker_shared_by_threads_answers_each_call() {
    let ns = NetNs::new().unwrap();
    let worker = std::sync::Arc::new(netnest::Worker::new(&ns).unwrap());
    let threads: Vec<_> = (0..4u64)
        .map(|t| {
            let worker = worker.clone();
            let ns = ns.try_clone().unwrap();
            std::thread::spawn(move || {
                for i in 0..2000u64 {
                    let id = t * 1_000_000 + i;
                    assert_eq!(worker.run(move || id).unwrap(), id);
                    if i % 500 == 0 {
                        std::thread::sleep(std::time::Duration::from_millis(2));
                        assert_eq!(worker.try_run(NetNs::current).unwrap(), ns);
                    }
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
}

netnest_testkit::main!(
    worker_shared_by_threads_answers_each_call,
    worker_stays_inside_and_is_joined_on_drop,
    enter_guards_dropped_out_of_order_end_where_they_started,
    added_namespace_is_seen_by_ip,
    ip_added_namespace_opens_through_registry,
    create_modes,
    socket_is_made_inside_and_caller_stays,
    panic_in_run_propagates_and_leaves_no_thread,
    enter_guard_restores_also_on_panic,
    delete_keeps_namespace_alive_for_open_handle,
    attach_names_a_process_namespace,
    attach_to_missing_pid_leaves_nothing,
    list_tells_live_from_stale,
    missing_run_dir_lists_empty_and_entries_says_why,
    run_dir_that_is_a_file_fails_cleanly,
    run_dir_is_one_shared_mount,
    names_with_odd_bytes_round_trip,
    spawned_child_sees_only_its_namespace,
    spawn_into_missing_command_is_a_spawn_error,
    many_spawns_from_many_threads_land_right,
    exec_env_is_ip_netns_exec,
    container_found_through_cgroups,
);
