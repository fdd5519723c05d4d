// SPDX-License-Identifier: MIT OR Apache-2.0
//! [`Lab`]: a lab that is up; the test fixture. Dropping it takes it down.

use std::process::{Child, Command};

use netnest::{CommandExt, NetNs};

use crate::build::down::{down_with, teardown, DownReport, Made};
use crate::error::{LabError, SpecError};
use crate::options::{Options, Progress};
use crate::topology::Topology;

/// A lab that is up: its topology, and a handle on every node's namespace.
///
/// Made by [`Topology::up`] (from a file, a string or a [`Builder`](crate::Builder)). Nodes are
/// [`NetNs`] handles ([`Lab::node`]): run closures inside them ([`Lab::run`], [`netnest::run`]),
/// open sockets ([`netnest::socket`]), spawn commands ([`Lab::spawn`]).
///
/// **Dropping a `Lab` takes it down** (processes left in its nodes, host interfaces,
/// namespaces, record), also while a test panics; errors are then printed on stderr. Call [`Lab::down`] to see them, or
/// [`Lab::leave_up`] to keep the lab after the value is gone (then `netnest lab down NAME`).
///
/// Two labs never collide as long as their names differ; in tests, make names unique
/// ([`Topology::renamed`]), and keep them short if the lab has host interfaces (their default
/// names are `LAB-NODE`, at most 15 bytes).
///
/// ```no_run
/// use netnest_lab::Lab;
/// let lab = Lab::from_str(r#"
///     name = "t1"
///     [nodes.a]
///     [nodes.b]
///     [[links]]
///     a = { node = "a", addresses = ["10.0.0.1/24"] }
///     b = { node = "b", addresses = ["10.0.0.2/24"] }
/// "#)?.up()?;
/// // A listener inside b, a connection from a: sockets stay in the namespace they were made in.
/// let listener = lab.run("b", || std::net::TcpListener::bind("10.0.0.2:7000"))??;
/// lab.run("a", || std::net::TcpStream::connect("10.0.0.2:7000"))??;
/// # drop(listener);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct Lab {
    topology: Topology,
    options: Options,
    host: NetNs,
    nodes: Vec<NetNs>,
    /// The processes of `run = [...]`, reaped once the lab is down.
    children: Vec<Child>,
    up: bool,
}

impl Lab {
    pub(crate) fn new(topology: Topology, options: Options, host: NetNs, nodes: Vec<NetNs>) -> Lab {
        Lab {
            topology,
            options,
            host,
            nodes,
            children: Vec::new(),
            up: true,
        }
    }

    pub(crate) fn with_children(mut self, children: Vec<Child>) -> Lab {
        self.children = children;
        self
    }

    /// A topology from a file: [`Topology::from_file`].
    pub fn from_file(path: impl AsRef<std::path::Path>) -> Result<Topology, SpecError> {
        Topology::from_file(path)
    }

    /// A topology from TOML text: `text.parse::<Topology>()`.
    #[allow(clippy::should_implement_trait)] // It makes a Topology, not a Lab: FromStr is on Topology.
    pub fn from_str(text: &str) -> Result<Topology, SpecError> {
        text.parse()
    }

    /// A builder for a topology written in Rust: [`Builder`](crate::Builder).
    pub fn builder(name: &str) -> crate::Builder {
        crate::Builder::new(name)
    }

    /// The topology.
    pub fn topology(&self) -> &Topology {
        &self.topology
    }

    /// The lab's name.
    pub fn name(&self) -> &str {
        &self.topology.name
    }

    /// Where it lives.
    pub fn options(&self) -> &Options {
        &self.options
    }

    /// The namespace of node `name`.
    ///
    /// # Panics
    ///
    /// If there is no such node (use [`Lab::try_node`] to ask).
    pub fn node(&self, name: &str) -> &NetNs {
        self.try_node(name)
            .unwrap_or_else(|| panic!("lab {} has no node \"{name}\"", self.topology.name))
    }

    /// The namespace of node `name`, if there is one.
    pub fn try_node(&self, name: &str) -> Option<&NetNs> {
        self.topology.node_index(name).map(|i| &self.nodes[i])
    }

    /// The name of node `name`'s namespace in the registry (`LAB-NODE`), as `ip netns` shows it.
    ///
    /// # Panics
    ///
    /// If there is no such node.
    pub fn namespace(&self, name: &str) -> &str {
        &self
            .topology
            .node(name)
            .unwrap_or_else(|| panic!("lab {} has no node \"{name}\"", self.topology.name))
            .namespace
    }

    /// Runs `f` inside node `name` ([`netnest::run`]) and returns its value.
    ///
    /// # Panics
    ///
    /// If there is no such node.
    pub fn run<T: Send>(&self, name: &str, f: impl FnOnce() -> T + Send) -> netnest::Result<T> {
        netnest::run(self.node(name), f)
    }

    /// Spawns `command` inside node `name` ([`CommandExt::spawn_in`]): like
    /// `ip netns exec LAB-NODE COMMAND`, without the private mounts.
    ///
    /// ```no_run
    /// # let lab = netnest_lab::Topology::from_file("examples/labs/chain.toml")?.up()?;
    /// let out = lab.spawn("h1", std::process::Command::new("ip").arg("route"))?.wait_with_output()?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Panics
    ///
    /// If there is no such node.
    pub fn spawn(&self, name: &str, command: &mut Command) -> netnest::Result<Child> {
        command.spawn_in(self.node(name))
    }

    /// Takes the lab down now and says what was removed.
    pub fn down(mut self) -> Result<DownReport, LabError> {
        self.take_down()
    }

    fn take_down(&mut self) -> Result<DownReport, LabError> {
        self.up = false;
        let t = &self.topology;
        let mut report = down_with(&t.name, &self.options, Some(&self.host), false);
        if matches!(&report, Ok(r) if !r.recorded) {
            // The record is gone (removed by hand?): the fixture still knows what it made.
            let namespaces: Vec<Made> = t
                .nodes
                .iter()
                .zip(&self.nodes)
                .map(|(n, ns)| (n.namespace.clone(), Some(ns.id())))
                .collect();
            let host: Vec<String> = t.host_interfaces().into_iter().map(str::to_owned).collect();
            let mut ipr = netnest::IpRoute::in_netns(&self.host).ok();
            let done = teardown(
                &t.name,
                self.options.registry(),
                &namespaces,
                &host,
                None,
                ipr.as_mut(),
            );
            report = if done.failed.is_empty() {
                Ok(done.report)
            } else {
                Err(LabError::Step {
                    step: format!("take down lab {}", t.name),
                    cause: crate::error::Cause::Io(std::io::Error::other(
                        "some parts could not be removed",
                    )),
                    leftovers: done.failed,
                })
            };
        }
        self.nodes.clear();
        // `down` stopped them (with every other process in the nodes): reap what exited.
        for mut child in self.children.drain(..) {
            let _ = child.try_wait();
        }
        report
    }

    /// Keeps the lab up after this value is gone; `down` it later by name.
    pub fn leave_up(mut self) {
        self.up = false;
    }
}

impl Drop for Lab {
    fn drop(&mut self) {
        if self.up {
            if let Err(e) = self.take_down() {
                eprintln!("netnest-lab: taking down lab {}: {e}", self.topology.name);
            }
        }
    }
}

impl Topology {
    /// Builds the lab with the default [`Options`] (`/run/netns`, `/run/netnest/labs`): all or
    /// nothing.
    ///
    /// Equivalent to the `ip netns add`, `ip link add … type veth peer … netns …`,
    /// `ip address add`, `ip link set … up`, `sysctl -w` and `ip route add` of a shell script,
    /// with each veth's peer created directly in its namespace and each namespace's requests sent
    /// in one batch. If a step fails, everything made is removed and the error says which step
    /// failed and why.
    ///
    /// ```no_run
    /// let lab = netnest_lab::Topology::from_file("examples/labs/chain.toml")?.up()?;
    /// // … use it; dropping it takes it down.
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn up(&self) -> Result<Lab, LabError> {
        self.up_with(&Options::new(), &mut |_| {})
    }

    /// Builds the lab in `options`' registry, calling `progress` as it goes (for a progress bar).
    ///
    /// The host interfaces (link ends and bridges in `host`) are made in the calling thread's
    /// namespace. The record is written before anything is made, so `down` can clean up after an
    /// interrupted `up`.
    ///
    /// ```no_run
    /// use netnest_lab::{Options, Topology};
    /// let options = Options::new().with_registry(netnest::Registry::new("/run/mytests/netns"));
    /// let lab = Topology::from_file("star.toml")?.up_with(&options, &mut |p| {
    ///     eprint!("\r{}/{}", p.done, p.total);
    /// })?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn up_with(
        &self,
        options: &Options,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<Lab, LabError> {
        crate::build::up::up(self, options, progress)
    }
}
