//! netnest-lab: declarative network-namespace labs.
#![deny(unsafe_code)]

mod build;
mod builder;
pub mod cli;
mod error;
mod file;
pub mod generate;
mod lab;
pub mod names;
mod options;
mod prefix;
pub mod record;
pub mod script;
mod status;
mod topology;
mod validate;
mod write;

pub use build::down::{down, DownReport};
pub use builder::{Builder, LinkBuilder, NodeBuilder};
pub use error::{Cause, LabError, Location, Problem, SpecError};
pub use lab::Lab;
pub use options::{Options, Phase, Progress};
pub use prefix::{IpPrefix, PrefixError};
pub use status::{status, status_of, LabState, LabStatus, NodeStatus};
pub use topology::{Bridge, End, Link, Node, Place, Route, Topology};
