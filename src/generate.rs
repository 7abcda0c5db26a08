//! Deterministic synthetic sample history.
