//! Time: an injectable clock, and the UTC formatting of the token response.
//!
//! Every time-dependent call has an `_at(now)` form taking Unix seconds, and a
//! plain form that asks the [`Clock`] it was built with. Tests and test vectors
//! pin time with [`FixedClock`] or [`ManualClock`]; services use [`SystemClock`].
//!
//! ```
//! use airisk_auth::clock::{format_utc, Clock, FixedClock};
//! let clock = FixedClock(1_743_426_737);
//! assert_eq!(format_utc(clock.now()).unwrap(), "2025-03-31T13:12:17Z");
//! ```

use crate::error::{Error, Result};
use core::fmt;
use std::sync::atomic::{AtomicU64, Ordering};

/// The latest NumericDate accepted anywhere: 9999-12-31T23:59:59Z.
///
/// Larger values are refused as malformed rather than clamped, so that a
/// date is either representable in every language or rejected.
pub const MAX_NUMERIC_DATE: u64 = 253_402_300_799;

/// A source of the current time in whole Unix seconds.
pub trait Clock: Send + Sync + fmt::Debug {
    /// Seconds since 1970-01-01T00:00:00Z.
    fn now(&self) -> u64;
}

/// The operating system's wall clock.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> u64 {
        // A clock before 1970 is a broken host; reading it as 0 makes every token expired.
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs())
    }
}

/// A clock stopped at a given second.
#[derive(Clone, Copy, Debug)]
pub struct FixedClock(pub u64);

impl Clock for FixedClock {
    fn now(&self) -> u64 {
        self.0
    }
}

/// A clock that tests move by hand, shared through an `Arc`.
///
/// ```
/// use airisk_auth::clock::{Clock, ManualClock};
/// let clock = ManualClock::new(100);
/// clock.advance(60);
/// assert_eq!(clock.now(), 160);
/// ```
#[derive(Debug, Default)]
pub struct ManualClock(AtomicU64);

impl ManualClock {
    /// A clock reading `now`.
    #[must_use]
    pub fn new(now: u64) -> Self {
        Self(AtomicU64::new(now))
    }
    /// Sets the time.
    pub fn set(&self, now: u64) {
        self.0.store(now, Ordering::SeqCst);
    }
    /// Moves the time forward by `seconds` (saturating).
    pub fn advance(&self, seconds: u64) {
        let _ = self
            .0
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |t| {
                Some(t.saturating_add(seconds))
            });
    }
}

impl Clock for ManualClock {
    fn now(&self) -> u64 {
        self.0.load(Ordering::SeqCst)
    }
}

/// Formats Unix seconds as `YYYY-MM-DDTHH:MM:SSZ` (UTC, whole seconds), the
/// `expiration` format of the token response.
///
/// # Errors
/// [`Error::InvalidConfiguration`] past [`MAX_NUMERIC_DATE`].
pub fn format_utc(unix_seconds: u64) -> Result<String> {
    if unix_seconds > MAX_NUMERIC_DATE {
        return Err(Error::InvalidConfiguration);
    }
    let days = unix_seconds / 86_400;
    let secs_of_day = unix_seconds % 86_400;
    let (year, month, day) = civil_from_days(days);
    Ok(format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        secs_of_day / 3600,
        (secs_of_day / 60) % 60,
        secs_of_day % 60
    ))
}

/// Days since 1970-01-01 to a proleptic Gregorian (year, month, day).
/// Howard Hinnant's `civil_from_days`, restricted to dates from 1970 on.
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_known_instants() {
        assert_eq!(format_utc(0).unwrap(), "1970-01-01T00:00:00Z");
        assert_eq!(format_utc(951_782_400).unwrap(), "2000-02-29T00:00:00Z");
        assert_eq!(format_utc(1_743_426_737).unwrap(), "2025-03-31T13:12:17Z");
        assert_eq!(format_utc(1_743_430_257).unwrap(), "2025-03-31T14:10:57Z");
        assert_eq!(format_utc(4_102_444_799).unwrap(), "2099-12-31T23:59:59Z");
        assert_eq!(
            format_utc(MAX_NUMERIC_DATE).unwrap(),
            "9999-12-31T23:59:59Z"
        );
        assert_eq!(
            format_utc(MAX_NUMERIC_DATE + 1),
            Err(Error::InvalidConfiguration)
        );
    }

    #[test]
    fn day_boundaries_are_consistent() {
        // Each day's midnight formats as the day after the previous day's last second.
        let mut last = format_utc(0).unwrap();
        for day in 1..(366 * 4) {
            let midnight = format_utc(day * 86_400).unwrap();
            assert!(midnight > last, "{midnight} <= {last}");
            assert!(midnight.ends_with("T00:00:00Z"));
            last = format_utc(day * 86_400 + 86_399).unwrap();
        }
    }

    #[test]
    fn manual_clock_moves() {
        let c = ManualClock::new(5);
        c.advance(u64::MAX);
        assert_eq!(c.now(), u64::MAX);
        c.set(7);
        assert_eq!(c.now(), 7);
    }
}
