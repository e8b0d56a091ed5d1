//! C ABI (stub, see issue 4).
