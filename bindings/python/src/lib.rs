//! Python extension (stub, see issue 5).
