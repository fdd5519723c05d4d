// SPDX-License-Identifier: MIT OR Apache-2.0
//! The topology file as written: serde types that keep every value's span, so that the
//! validation ([`crate::validate`]) can point at the offending text. The builder
//! ([`crate::Builder`]) fills the same types, with empty spans.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::Deserialize;
use toml::Spanned;

/// A value with its span (`0..0` when it came from the builder).
pub(crate) type S<T> = Spanned<T>;

/// A value without a place in any text (from the builder).
pub(crate) fn unspanned<T>(value: T) -> S<T> {
    Spanned::new(0..0, value)
}

/// The whole file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawLab {
    pub name: S<String>,
    #[serde(default)]
    pub nodes: OrderedMap<RawNode>,
    #[serde(default)]
    pub host: Option<RawHost>,
    #[serde(default)]
    pub links: Vec<S<RawLink>>,
    #[serde(default)]
    pub expect: Vec<S<RawExpect>>,
}

/// `[[expect]]`: what `netnest lab test` checks.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawExpect {
    pub from: S<String>,
    pub to: S<String>,
    #[serde(default)]
    pub reach: Option<S<bool>>,
    #[serde(default)]
    pub port: Option<S<i64>>,
}

/// `[nodes.NAME]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawNode {
    #[serde(default)]
    pub lo: Option<S<bool>>,
    /// Addresses on `lo` (a router's own addresses).
    #[serde(default)]
    pub addresses: Vec<S<String>>,
    #[serde(default)]
    pub sysctls: Sysctls,
    #[serde(default)]
    pub bridges: OrderedMap<RawBridge>,
    #[serde(default)]
    pub routes: Vec<S<RawRoute>>,
    #[serde(default)]
    pub run: Vec<S<String>>,
}

/// `[host]`: what the lab makes in the namespace it is run from.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawHost {
    #[serde(default)]
    pub bridges: OrderedMap<RawBridge>,
}

/// `[nodes.NODE.bridges.NAME]` or `[host.bridges.NAME]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawBridge {
    #[serde(default)]
    pub addresses: Vec<S<String>>,
    #[serde(default)]
    pub mtu: Option<S<u32>>,
    #[serde(default)]
    pub members: Vec<S<String>>,
}

/// `[[links]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawLink {
    pub a: S<RawEnd>,
    pub b: S<RawEnd>,
    #[serde(default)]
    pub mtu: Option<S<u32>>,
    /// `impair = { rate = "10mbit", delay = "20ms" }`: both ends' egress.
    #[serde(default)]
    pub impair: Option<S<RawImpair>>,
}

/// An impairment as written: keys in file order, values as text (`"10mbit"`, `"1%"`, `1`).
pub(crate) type RawImpair = OrderedMap<S<ImpairText>>;

/// An impairment value: a string, or a number (a percentage: `loss = 1`).
#[derive(Debug, Clone)]
pub(crate) struct ImpairText(pub String);

impl<'de> Deserialize<'de> for ImpairText {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<ImpairText, D::Error> {
        struct TextVisitor;
        impl Visitor<'_> for TextVisitor {
            type Value = ImpairText;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(
                    "a string such as \"10mbit\", \"20ms\" or \"1%\", or a number (a percentage)",
                )
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<ImpairText, E> {
                Ok(ImpairText(s.to_owned()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<ImpairText, E> {
                Ok(ImpairText(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<ImpairText, E> {
                Ok(ImpairText(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<ImpairText, E> {
                Ok(ImpairText(v.to_string()))
            }
        }
        d.deserialize_any(TextVisitor)
    }
}

/// One end of a link: `"NODE"`, `"NODE:IFNAME"`, or a table.
#[derive(Debug, Clone)]
pub(crate) struct RawEnd {
    pub node: S<String>,
    pub ifname: Option<S<String>>,
    pub addresses: Vec<S<String>>,
    pub bridge: Option<S<String>>,
    pub impair: Option<S<RawImpair>>,
}

impl Default for RawEnd {
    fn default() -> RawEnd {
        RawEnd {
            node: unspanned(String::new()),
            ifname: None,
            addresses: Vec::new(),
            bridge: None,
            impair: None,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEndTable {
    node: S<String>,
    #[serde(default)]
    ifname: Option<S<String>>,
    #[serde(default)]
    addresses: Vec<S<String>>,
    #[serde(default)]
    bridge: Option<S<String>>,
    #[serde(default)]
    impair: Option<S<RawImpair>>,
}

impl RawEnd {
    /// Splits `"NODE:IFNAME"` (whose text spans `span`, quotes included) into spanned parts.
    pub(crate) fn from_short(text: &str, span: std::ops::Range<usize>) -> RawEnd {
        // The parts' spans assume a plain string (no escapes); otherwise point at the whole.
        let plain = span.len() == text.len() + 2;
        let part = |from: usize, to: usize| {
            if plain {
                span.start + 1 + from..span.start + 1 + to
            } else {
                span.clone()
            }
        };
        match text.split_once(':') {
            Some((node, ifname)) => RawEnd {
                node: Spanned::new(part(0, node.len()), node.to_owned()),
                ifname: Some(Spanned::new(
                    part(node.len() + 1, text.len()),
                    ifname.to_owned(),
                )),
                ..RawEnd::default()
            },
            None => RawEnd {
                node: Spanned::new(part(0, text.len()), text.to_owned()),
                ..RawEnd::default()
            },
        }
    }
}

impl<'de> Deserialize<'de> for RawEnd {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<RawEnd, D::Error> {
        struct EndVisitor;
        impl<'de> Visitor<'de> for EndVisitor {
            type Value = RawEnd;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("\"NODE\", \"NODE:IFNAME\" or a table { node = …, ifname = …, addresses = […], bridge = …, impair = { … } }")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<RawEnd, E> {
                // The span is filled in by the caller (see `RawLink`'s fix-up).
                Ok(RawEnd::from_short(s, 0..0))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<RawEnd, A::Error> {
                let t = RawEndTable::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(RawEnd {
                    node: t.node,
                    ifname: t.ifname,
                    addresses: t.addresses,
                    bridge: t.bridge,
                    impair: t.impair,
                })
            }
        }
        d.deserialize_any(EndVisitor)
    }
}

impl RawLink {
    /// Gives the parts of a short-form end (`"h1:eth0"`) the spans of their text, which the
    /// string visitor cannot know.
    pub(crate) fn fix_spans(&mut self, source: &str) {
        for end in [&mut self.a, &mut self.b] {
            let span = end.span();
            let e = end.get_mut();
            if e.node.span() == (0..0) && span != (0..0) {
                let text = match &e.ifname {
                    Some(i) => format!("{}:{}", e.node.get_ref(), i.get_ref()),
                    None => e.node.get_ref().clone(),
                };
                let quoted = source
                    .get(span.clone())
                    .is_some_and(|t| t.len() == text.len() + 2);
                let span = if quoted { span } else { span.start..span.start };
                *e = RawEnd::from_short(&text, span);
            }
        }
    }
}

/// A route: `{ to = "default" | "PREFIX", via = "GATEWAY", dev = "IFNAME", metric = N }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRoute {
    pub to: S<String>,
    #[serde(default)]
    pub via: Option<S<String>>,
    #[serde(default)]
    pub dev: Option<S<String>>,
    #[serde(default)]
    pub metric: Option<S<u32>>,
    /// ECMP: several next hops, each `{ via, dev, weight }`, instead of `via` and `dev`.
    #[serde(default)]
    pub nexthops: Vec<S<RawNexthop>>,
}

/// One next hop of a multipath route.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawNexthop {
    #[serde(default)]
    pub via: Option<S<String>>,
    #[serde(default)]
    pub dev: Option<S<String>>,
    #[serde(default)]
    pub weight: Option<S<i64>>,
}

/// A table whose entries keep their file order (nodes, bridges).
#[derive(Debug, Clone)]
pub(crate) struct OrderedMap<V>(pub Vec<(S<String>, V)>);

impl<V> Default for OrderedMap<V> {
    fn default() -> Self {
        OrderedMap(Vec::new())
    }
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for OrderedMap<V> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct MapVisitor<V>(PhantomData<V>);
        impl<'de, V: Deserialize<'de>> Visitor<'de> for MapVisitor<V> {
            type Value = OrderedMap<V>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a table")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut entries = Vec::new();
                while let Some(key) = map.next_key::<S<String>>()? {
                    entries.push((key, map.next_value()?));
                }
                Ok(OrderedMap(entries))
            }
        }
        d.deserialize_map(MapVisitor(PhantomData))
    }
}

/// `sysctls`: `{ "net.ipv4.ip_forward" = 1 }` or nested tables
/// (`[nodes.r.sysctls]` / `net.ipv4.ip_forward = 1`), flattened to dotted keys in file order.
#[derive(Debug, Clone, Default)]
pub(crate) struct Sysctls(pub Vec<Sysctl>);

/// One sysctl, its key's span and its value's.
#[derive(Debug, Clone)]
pub(crate) struct Sysctl {
    pub key: S<String>,
    pub value: S<SysctlValue>,
}

/// A sysctl's value as written.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum SysctlValue {
    /// A string, integer or boolean (written as `1`/`0`).
    Text(String),
    /// A float or anything else that is not a sysctl value.
    Invalid(&'static str),
}

enum Node {
    Leaf(SysctlValue),
    Table(Vec<(S<String>, S<Node>)>),
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Node, D::Error> {
        struct NodeVisitor;
        impl<'de> Visitor<'de> for NodeVisitor {
            type Value = Node;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a sysctl value (string, integer or boolean) or a table")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Node, E> {
                Ok(Node::Leaf(SysctlValue::Text(s.to_owned())))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Node, E> {
                Ok(Node::Leaf(SysctlValue::Text(v.to_string())))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Node, E> {
                Ok(Node::Leaf(SysctlValue::Text(v.to_string())))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Node, E> {
                Ok(Node::Leaf(SysctlValue::Text(u8::from(v).to_string())))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Node, E> {
                Ok(Node::Leaf(SysctlValue::Invalid("a float")))
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
                while seq.next_element::<de::IgnoredAny>()?.is_some() {}
                Ok(Node::Leaf(SysctlValue::Invalid("an array")))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
                let mut entries = Vec::new();
                while let Some(key) = map.next_key::<S<String>>()? {
                    entries.push((key, map.next_value::<S<Node>>()?));
                }
                Ok(Node::Table(entries))
            }
        }
        d.deserialize_any(NodeVisitor)
    }
}

fn flatten(prefix: &str, entries: Vec<(S<String>, S<Node>)>, out: &mut Vec<Sysctl>) {
    for (key, value) in entries {
        let span = key.span();
        let full = if prefix.is_empty() {
            key.into_inner()
        } else {
            format!("{prefix}.{}", key.get_ref())
        };
        let value_span = value.span();
        match value.into_inner() {
            Node::Leaf(v) => out.push(Sysctl {
                key: Spanned::new(span, full),
                value: Spanned::new(value_span, v),
            }),
            Node::Table(inner) => flatten(&full, inner, out),
        }
    }
}

impl<'de> Deserialize<'de> for Sysctls {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Sysctls, D::Error> {
        match Node::deserialize(d)? {
            Node::Table(entries) => {
                let mut out = Vec::new();
                flatten("", entries, &mut out);
                Ok(Sysctls(out))
            }
            Node::Leaf(_) => Err(de::Error::custom(
                "sysctls must be a table, such as { \"net.ipv4.ip_forward\" = 1 }",
            )),
        }
    }
}
