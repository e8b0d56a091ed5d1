//! Randomness: an injectable source, like the [clock](crate::clock).
//!
//! Key generation, code ids and trace ids draw their bytes from a [`Random`].
//! Services use [`SystemRandom`], the operating system's CSPRNG (the default
//! everywhere); tests make codes and ids reproducible with
//! [`DeterministicRandom`]. `ring`'s own `SecureRandom` trait is sealed, so this
//! crate has its own; [`SystemRandom`] is the only place that asks the OS.
//!
//! ```
//! use airisk_auth::random::{DeterministicRandom, Random};
//! let (a, b) = (DeterministicRandom::new([7; 32]), DeterministicRandom::new([7; 32]));
//! let (mut x, mut y) = ([0u8; 16], [0u8; 16]);
//! a.fill(&mut x)?;
//! b.fill(&mut y)?;
//! assert_eq!(x, y);
//! # Ok::<(), airisk_auth::Error>(())
//! ```

use crate::error::{Error, Result};
use core::fmt;
use ring::digest;
use std::sync::atomic::{AtomicU64, Ordering};

/// A source of cryptographically secure random bytes.
pub trait Random: Send + Sync + fmt::Debug {
    /// Fills `dest` entirely.
    ///
    /// # Errors
    /// [`Error::RandomFailure`] when no randomness could be had: the caller then
    /// refuses (a key, a code) rather than use predictable bytes.
    fn fill(&self, dest: &mut [u8]) -> Result<()>;
}

/// The operating system's CSPRNG (through `ring`): the default source.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemRandom;

impl Random for SystemRandom {
    fn fill(&self, dest: &mut [u8]) -> Result<()> {
        ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), dest)
            .map_err(|_| Error::RandomFailure)
    }
}

/// A reproducible stream: SHA-256 of the seed and a block counter. **For tests
/// only**: anyone who knows the seed knows every key, code and id it makes.
pub struct DeterministicRandom {
    seed: [u8; 32],
    block: AtomicU64,
}

impl fmt::Debug for DeterministicRandom {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DeterministicRandom")
            .field("block", &self.block.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

impl DeterministicRandom {
    /// The stream of `seed`, from its start.
    #[must_use]
    pub fn new(seed: [u8; 32]) -> Self {
        DeterministicRandom {
            seed,
            block: AtomicU64::new(0),
        }
    }
}

impl Random for DeterministicRandom {
    fn fill(&self, dest: &mut [u8]) -> Result<()> {
        for chunk in dest.chunks_mut(digest::SHA256_OUTPUT_LEN) {
            let block = self.block.fetch_add(1, Ordering::Relaxed);
            let mut ctx = digest::Context::new(&digest::SHA256);
            ctx.update(&self.seed);
            ctx.update(&block.to_be_bytes());
            let out = ctx.finish();
            chunk.copy_from_slice(&out.as_ref()[..chunk.len()]);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_streams_repeat_and_advance() {
        let (a, b) = (
            DeterministicRandom::new([1; 32]),
            DeterministicRandom::new([1; 32]),
        );
        let (mut x, mut y) = ([0u8; 40], [0u8; 40]);
        a.fill(&mut x).unwrap();
        b.fill(&mut y).unwrap();
        assert_eq!(x, y);
        a.fill(&mut x).unwrap();
        assert_ne!(x, y);
        let other = DeterministicRandom::new([2; 32]);
        other.fill(&mut y).unwrap();
        assert_ne!(&x[..], &y[..]);
    }

    #[test]
    fn the_system_source_fills() {
        let mut x = [0u8; 32];
        SystemRandom.fill(&mut x).unwrap();
        assert_ne!(x, [0u8; 32]);
    }
}
