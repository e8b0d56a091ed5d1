//! Benches (stub, see issue 7).
