//! Test sandboxes.
