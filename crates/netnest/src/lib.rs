//! netnest
