// SPDX-License-Identifier: MIT OR Apache-2.0
//! Checks of what a request carries, made before the kernel sees it: the kernel truncates an
//! interface name at a NUL byte (and would act on another link), and refuses a long one with
//! `ERANGE`, which names nothing.

use std::net::IpAddr;

use netlink_packet_route::link::{LinkAttribute, LinkMessage};

use crate::error::{Error, InvalidInput, Result};

/// The longest interface name: `IFNAMSIZ` (16) less the terminating NUL.
pub(crate) const IFNAME_MAX: usize = 15;

/// Checks an interface name as the kernel's `dev_valid_name` does, plus the NUL byte that
/// netlink would silently cut the name at.
pub(crate) fn ifname(name: &str) -> Result<()> {
    let reason = if name.is_empty() {
        "empty"
    } else if name.len() > IFNAME_MAX {
        "longer than 15 bytes"
    } else if name.contains('\0') {
        "holds a NUL byte"
    } else if name == "." || name == ".." {
        "\".\" and \"..\" are not names"
    } else if name.contains(['/', ':']) {
        "holds '/' or ':'"
    } else if name.chars().any(char::is_whitespace) {
        "holds white space"
    } else {
        return Ok(());
    };
    Err(Error::invalid(InvalidInput::InterfaceName {
        name: name.to_owned(),
        reason,
    }))
}

/// Checks an alternative interface name: 1 to 127 bytes (`ALTIFNAMSIZ` less the NUL), no NUL,
/// `/`, `:` or white space.
pub(crate) fn altname(name: &str) -> Result<()> {
    let reason = if name.is_empty() {
        "empty"
    } else if name.len() > 127 {
        "longer than 127 bytes"
    } else if name.contains('\0') {
        "holds a NUL byte"
    } else if name.contains(['/', ':']) || name.chars().any(char::is_whitespace) {
        "holds '/', ':' or white space"
    } else {
        return Ok(());
    };
    Err(Error::invalid(InvalidInput::InterfaceName {
        name: name.to_owned(),
        reason,
    }))
}

/// Checks the interface names a link message carries.
pub(crate) fn link_message(m: &LinkMessage) -> Result<()> {
    m.attributes.iter().try_for_each(|a| match a {
        LinkAttribute::IfName(name) => ifname(name),
        _ => Ok(()),
    })
}

/// Checks that `prefix` fits an address of `address`'s family: at most 32 for IPv4, 128 for IPv6.
pub(crate) fn prefix(address: IpAddr, prefix: u8) -> Result<()> {
    let max = if address.is_ipv4() { 32 } else { 128 };
    if prefix > max {
        return Err(Error::invalid(InvalidInput::PrefixLength { prefix, max }));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    fn reason(name: &str) -> Option<&'static str> {
        match ifname(name).err()?.kind() {
            ErrorKind::Invalid(InvalidInput::InterfaceName { reason, .. }) => Some(reason),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn interface_names() {
        for good in ["eth0", "a", "veth-0123456789", "br.10", "é"] {
            assert_eq!(reason(good), None, "{good}");
        }
        assert_eq!(reason(""), Some("empty"));
        assert_eq!(reason("veth-01234567890"), Some("longer than 15 bytes"));
        assert_eq!(reason("eth\0x"), Some("holds a NUL byte"));
        assert_eq!(reason(".."), Some("\".\" and \"..\" are not names"));
        assert_eq!(reason("a/b"), Some("holds '/' or ':'"));
        assert_eq!(reason("a b"), Some("holds white space"));
        assert_eq!(
            ifname("eth\0x").unwrap_err().to_string(),
            "cannot accept the input: invalid interface name \"eth\\0x\": holds a NUL byte"
        );
    }

    #[test]
    fn prefixes() {
        assert!(prefix("10.0.0.0".parse().unwrap(), 32).is_ok());
        assert!(prefix("::".parse().unwrap(), 128).is_ok());
        let e = prefix("10.0.0.0".parse().unwrap(), 33).unwrap_err();
        assert_eq!(
            e.kind(),
            &ErrorKind::Invalid(InvalidInput::PrefixLength {
                prefix: 33,
                max: 32
            })
        );
        assert_eq!(e.raw_os_error(), Some(libc::EINVAL));
        assert!(prefix("::".parse().unwrap(), 129).is_err());
    }
}
