// SPDX-License-Identifier: MIT OR Apache-2.0
//! [`IpPrefix`]: an address with its prefix length, as `ip address add` and `ip route add` take it.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::str::FromStr;

/// An IPv4 or IPv6 address with a prefix length: `10.0.1.2/24`, `fd00::1/64`.
///
/// On an interface it is the address and its subnet (`ip address add 10.0.1.2/24 dev eth0`); as a
/// route's destination it is a network whose host bits are zero (`10.0.1.0/24`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct IpPrefix {
    /// The address.
    pub addr: IpAddr,
    /// The prefix length: at most 32 for IPv4, 128 for IPv6.
    pub len: u8,
}

/// Why a prefix did not parse.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PrefixError {
    /// No `/LEN`.
    MissingLength,
    /// The address part is not an IPv4 or IPv6 address.
    BadAddress,
    /// The length is not a number, or too large for the family.
    BadLength,
}

impl fmt::Display for PrefixError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PrefixError::MissingLength => {
                "no prefix length (write it as ADDRESS/LEN, such as 10.0.0.1/24)"
            }
            PrefixError::BadAddress => "not an IPv4 or IPv6 address",
            PrefixError::BadLength => {
                "the prefix length is not a number from 0 to 32 (IPv4) or 128 (IPv6)"
            }
        })
    }
}

impl std::error::Error for PrefixError {}

impl IpPrefix {
    /// `addr/len`, if `len` fits the family.
    pub fn new(addr: IpAddr, len: u8) -> Option<IpPrefix> {
        (len <= max_len(&addr)).then_some(IpPrefix { addr, len })
    }

    /// The IPv4 default destination `0.0.0.0/0`.
    pub const DEFAULT_V4: IpPrefix = IpPrefix {
        addr: IpAddr::V4(Ipv4Addr::UNSPECIFIED),
        len: 0,
    };

    /// The IPv6 default destination `::/0`.
    pub const DEFAULT_V6: IpPrefix = IpPrefix {
        addr: IpAddr::V6(Ipv6Addr::UNSPECIFIED),
        len: 0,
    };

    /// Whether this is IPv4.
    pub fn is_ipv4(&self) -> bool {
        self.addr.is_ipv4()
    }

    /// The network: the address with its host bits cleared (`10.0.1.0/24` for `10.0.1.2/24`).
    pub fn network(&self) -> IpPrefix {
        let addr = match self.addr {
            IpAddr::V4(a) => IpAddr::V4(Ipv4Addr::from(u32::from(a) & mask32(self.len))),
            IpAddr::V6(a) => IpAddr::V6(Ipv6Addr::from(u128::from(a) & mask128(self.len))),
        };
        IpPrefix {
            addr,
            len: self.len,
        }
    }

    /// Whether the host bits are all zero (a route's destination must be so).
    pub fn is_network(&self) -> bool {
        self.network() == *self
    }

    /// Whether `ip` is in this prefix's subnet.
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.addr, ip) {
            (IpAddr::V4(a), IpAddr::V4(b)) => {
                u32::from(a) & mask32(self.len) == u32::from(b) & mask32(self.len)
            }
            (IpAddr::V6(a), IpAddr::V6(b)) => {
                u128::from(a) & mask128(self.len) == u128::from(b) & mask128(self.len)
            }
            _ => false,
        }
    }
}

fn max_len(addr: &IpAddr) -> u8 {
    if addr.is_ipv4() {
        32
    } else {
        128
    }
}

fn mask32(len: u8) -> u32 {
    u32::MAX.checked_shl(32 - u32::from(len)).unwrap_or(0)
}

fn mask128(len: u8) -> u128 {
    u128::MAX.checked_shl(128 - u32::from(len)).unwrap_or(0)
}

impl FromStr for IpPrefix {
    type Err = PrefixError;

    /// Parses `ADDRESS/LEN`.
    ///
    /// ```
    /// use netnest_lab::IpPrefix;
    /// let p: IpPrefix = "10.0.1.2/24".parse().unwrap();
    /// assert_eq!(p.network().to_string(), "10.0.1.0/24");
    /// assert!("10.0.1.2".parse::<IpPrefix>().is_err());
    /// ```
    fn from_str(s: &str) -> Result<IpPrefix, PrefixError> {
        let (addr, len) = s.split_once('/').ok_or(PrefixError::MissingLength)?;
        let addr: IpAddr = addr.parse().map_err(|_| PrefixError::BadAddress)?;
        if len.is_empty() || !len.bytes().all(|b| b.is_ascii_digit()) || len.len() > 3 {
            return Err(PrefixError::BadLength);
        }
        let len: u8 = len.parse().map_err(|_| PrefixError::BadLength)?;
        IpPrefix::new(addr, len).ok_or(PrefixError::BadLength)
    }
}

impl fmt::Display for IpPrefix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.addr, self.len)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_contain() {
        let p: IpPrefix = "10.0.1.2/24".parse().unwrap();
        assert!(p.contains("10.0.1.200".parse().unwrap()));
        assert!(!p.contains("10.0.2.1".parse().unwrap()));
        assert!(!p.contains("::1".parse().unwrap()));
        assert!(!p.is_network());
        assert!("10.0.1.0/24".parse::<IpPrefix>().unwrap().is_network());
        assert_eq!(
            "10.0.0.1/33".parse::<IpPrefix>(),
            Err(PrefixError::BadLength)
        );
        assert_eq!(
            "10.0.0.1/+3".parse::<IpPrefix>(),
            Err(PrefixError::BadLength)
        );
        assert_eq!("10.0.0/8".parse::<IpPrefix>(), Err(PrefixError::BadAddress));
        let v6: IpPrefix = "fd00:1::2/64".parse().unwrap();
        assert_eq!(v6.network().to_string(), "fd00:1::/64");
        assert!("0.0.0.0/0"
            .parse::<IpPrefix>()
            .unwrap()
            .contains("1.2.3.4".parse().unwrap()));
    }
}
