//! Redis ledger (stub, see issue 9).
