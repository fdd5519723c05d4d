//! Labs against the real kernel (to come).
fn main() {}
