//! Probes for the Python bench only (cargo feature `bench`, which only
//! `scripts/bench-python.sh` turns on; the published module has none of them).
//!
//! They split one `Verifier.verify_at` call into its parts, so the bench can say
//! where the time of a Python verification goes (issue 18): the call itself with
//! the same arguments converted, the core's verification with nothing returned
//! (borrowed claims, then owned claims dropped), and the whole call returning a
//! `Claims` object. Each takes exactly the arguments of `verify_at`.

use crate::errors::IntoPyResult;
use crate::request_text::LenientStr;
use crate::verifier::PyVerifier;
use pyo3::prelude::*;

/// The call alone: the same arguments converted as `verify_at`'s, nothing verified.
#[pyfunction(name = "_bench_call")]
pub(crate) fn bench_call(verifier: &PyVerifier, token: LenientStr, now: u64) -> u64 {
    // Read both so the conversion is not optimised away.
    let len = u64::try_from(token.len()).unwrap_or(u64::MAX);
    now.wrapping_add(len) & u64::from(verifier.release_gil)
}

/// The core's verification with borrowed claims (`Verifier::verify_with`), nothing returned.
#[pyfunction(name = "_bench_verify_borrowed")]
pub(crate) fn bench_verify_borrowed(
    py: Python<'_>,
    verifier: &PyVerifier,
    token: LenientStr,
    now: u64,
) -> PyResult<()> {
    verifier.inner.verify_with(&token, now, |_| ()).py(py)
}

/// The core's verification with owned claims (`Verifier::verify_at`), dropped: no `Claims` object.
#[pyfunction(name = "_bench_verify_owned")]
pub(crate) fn bench_verify_owned(
    py: Python<'_>,
    verifier: &PyVerifier,
    token: LenientStr,
    now: u64,
) -> PyResult<()> {
    verifier.inner.verify_at(&token, now).map(drop).py(py)
}

/// Adds the probes to the module.
pub(crate) fn add(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(bench_call, m)?)?;
    m.add_function(wrap_pyfunction!(bench_verify_borrowed, m)?)?;
    m.add_function(wrap_pyfunction!(bench_verify_owned, m)?)?;
    Ok(())
}
