//! The in-memory table of refresh tokens.

use crate::refresh::{RefreshDigest, RefreshRecord, RefreshUse};
use std::collections::HashMap;

/// Refresh tokens by digest: each record and whether it was used.
#[derive(Default)]
pub(super) struct RefreshTable {
    tokens: HashMap<[u8; 32], (RefreshRecord, bool)>,
}

impl RefreshTable {
    /// The number of tokens held, used or not.
    pub(super) fn len(&self) -> usize {
        self.tokens.len()
    }

    /// Forgets every token that has expired.
    pub(super) fn forget_expired(&mut self, now: u64) {
        self.tokens.retain(|_, (r, _)| r.expires_at > now);
    }

    /// Holds a new, unused token.
    pub(super) fn insert(&mut self, digest: &RefreshDigest, record: &RefreshRecord) {
        self.tokens.insert(digest.0, (record.clone(), false));
    }

    /// Marks the token used (when `consume`) and says what it was before.
    pub(super) fn use_token(
        &mut self,
        digest: &RefreshDigest,
        now: u64,
        consume: bool,
    ) -> RefreshUse {
        match self.tokens.get_mut(&digest.0) {
            Some((record, used)) if record.expires_at > now => {
                let first = !*used;
                *used |= consume;
                if first {
                    RefreshUse::First(record.clone())
                } else {
                    RefreshUse::Replayed(record.clone())
                }
            }
            _ => RefreshUse::Unknown,
        }
    }
}
