//! The ratio table: reads criterion's `*/new/estimates.json` and the extra
//! results (threads, ledger memory, paired ratios, the Python and C benches,
//! callgrind counts) of the last run, and judges every goal of issue 18 on
//! ratios taken in that same run.

use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

/// The HMAC floor every time is divided by.
pub const FLOOR: &str = "verify/floor_hmac";

/// The criterion benches the report lists, in order, with what each measures.
pub const BENCHES: &[(&str, &str)] = &[
    (
        FLOOR,
        "ring hmac::verify, precomputed key, signature already decoded",
    ),
    (
        "verify/floor_hmac_b64",
        "floor + base64url decode of the three parts",
    ),
    (
        "verify/airisk_hs256_generic",
        "Verifier::verify_at, HS256 generic token",
    ),
    (
        "verify/airisk_hs256_user",
        "Verifier::verify_at, HS256 user token, require_user (full policy)",
    ),
    (
        "verify/airisk_hs256_user_borrowed",
        "Verifier::verify_with, the same token and policy, reading the userid",
    ),
    ("verify/jsonwebtoken_hs256", "jsonwebtoken::decode, HS256"),
    ("verify/jwt_simple_hs256", "jwt-simple verify_token, HS256"),
    (
        "verify/floor_ed25519",
        "ring Ed25519 verify of the same signing input",
    ),
    (
        "verify/airisk_eddsa",
        "Verifier::verify_at, EdDSA generic token",
    ),
    ("verify/jsonwebtoken_eddsa", "jsonwebtoken::decode, EdDSA"),
    ("verify/jwt_simple_eddsa", "jwt-simple verify_token, EdDSA"),
    ("flow/ledger_redeem", "MemoryStore::redeem of a new code"),
    (
        "flow/authorize",
        "Issuer::authorize_at (user-bound code, state)",
    ),
    (
        "flow/exchange",
        "Issuer::exchange_at (form body, user token minted)",
    ),
];

/// Whether a goal is met.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Measured and within the goal.
    Met,
    /// Measured and outside the goal.
    NotMet,
    /// A figure it needs is missing from this run (or the binding does not exist yet).
    NotMeasured,
}

impl Verdict {
    fn as_str(self) -> &'static str {
        match self {
            Verdict::Met => "met",
            Verdict::NotMet => "NOT met",
            Verdict::NotMeasured => "not measured",
        }
    }
}

/// One goal of issue 7 and its measured value.
#[derive(Clone, Debug, PartialEq)]
pub struct Goal {
    /// What is compared.
    pub name: &'static str,
    /// The goal, as text.
    pub target: &'static str,
    /// The ratio of the two criterion medians, when the goal compares two benches.
    pub criterion: Option<f64>,
    /// The measured value the verdict is taken on: the paired ratio when there
    /// is one (robust to load drift between benches), else the criterion ratio,
    /// or MB for memory.
    pub measured: Option<f64>,
    /// The judgement.
    pub verdict: Verdict,
    /// Why a goal was not measured, when the run knows (e.g. libjwt not installable).
    pub why: Option<&'static str>,
}

#[derive(Clone, Copy)]
enum Bound {
    AtMost(f64),
    AtLeast(f64),
}

fn goal(
    name: &'static str,
    target: &'static str,
    (criterion, paired): (Option<f64>, Option<f64>),
    bound: Bound,
) -> Goal {
    let measured = paired.or(criterion);
    let verdict = match (measured, bound) {
        (None, _) => Verdict::NotMeasured,
        (Some(m), Bound::AtMost(limit)) if m <= limit => Verdict::Met,
        (Some(m), Bound::AtLeast(limit)) if m >= limit => Verdict::Met,
        (Some(_), _) => Verdict::NotMet,
    };
    Goal {
        name,
        target,
        criterion,
        measured,
        verdict,
        why: None,
    }
}

/// The figures of one run: criterion medians in ns by bench id, and extras by `file.key`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Run {
    /// Median ns per bench id (`group/name`).
    pub medians: BTreeMap<String, f64>,
    /// Extra figures: `threads.ratio`, `ledger_memory.held_mb`, …
    pub extras: BTreeMap<String, f64>,
}

impl Run {
    /// Reads the last run from a criterion directory (missing figures stay missing).
    #[must_use]
    pub fn load(criterion_dir: &Path) -> Self {
        let mut run = Run::default();
        for (id, _) in BENCHES {
            let path = criterion_dir.join(id).join("new").join("estimates.json");
            let median = std::fs::read_to_string(&path)
                .ok()
                .and_then(|text| serde_json::from_str::<Value>(&text).ok())
                .and_then(|v| v["median"]["point_estimate"].as_f64());
            if let Some(median) = median {
                run.medians.insert((*id).to_owned(), median);
            }
        }
        for file in [
            "load",
            "threads",
            "ledger_memory",
            "paired",
            "python",
            "c",
            "callgrind",
        ] {
            let path = criterion_dir
                .join("airisk-extra")
                .join(format!("{file}.json"));
            let Some(Value::Object(map)) = std::fs::read_to_string(&path)
                .ok()
                .and_then(|text| serde_json::from_str::<Value>(&text).ok())
            else {
                continue;
            };
            for (key, value) in map {
                if let Some(v) = value.as_f64() {
                    run.extras.insert(format!("{file}.{key}"), v);
                }
            }
        }
        run
    }

    fn median(&self, id: &str) -> Option<f64> {
        self.medians.get(id).copied()
    }

    /// The criterion ratio of two benches and the paired ratio named `paired`.
    fn ratio(
        &self,
        numerator: &str,
        denominator: &str,
        paired: &str,
    ) -> (Option<f64>, Option<f64>) {
        let criterion = self
            .median(numerator)
            .zip(self.median(denominator))
            .map(|(n, d)| n / d);
        (criterion, self.extra(&format!("paired.{paired}")))
    }

    fn extra(&self, key: &str) -> Option<f64> {
        self.extras.get(key).copied()
    }

    /// Every goal of issue 18 (which tightened those of issue 7), judged on this run.
    #[must_use]
    pub fn goals(&self) -> Vec<Goal> {
        let full = "verify/airisk_hs256_user";
        let mut goals = vec![
            goal(
                "Rust HS256 full policy (verify_at, owned claims) / HMAC floor",
                "<= 1.5x",
                self.ratio(full, FLOOR, "hs256_full_policy_over_floor"),
                Bound::AtMost(1.5),
            ),
            goal(
                "Rust HS256 full policy, borrowed claims (verify_with) / HMAC floor",
                "<= 1.5x",
                self.ratio(
                    "verify/airisk_hs256_user_borrowed",
                    FLOOR,
                    "hs256_full_policy_borrowed_over_floor",
                ),
                Bound::AtMost(1.5),
            ),
            goal(
                "Rust HS256 generic (verify_at) / HMAC floor",
                "<= 1.5x",
                self.ratio(
                    "verify/airisk_hs256_generic",
                    FLOOR,
                    "hs256_generic_over_floor",
                ),
                Bound::AtMost(1.5),
            ),
            goal(
                "jsonwebtoken HS256 / our HS256 full policy (verify_at)",
                ">= 5x",
                self.ratio(
                    "verify/jsonwebtoken_hs256",
                    full,
                    "jsonwebtoken_over_hs256_full_policy",
                ),
                Bound::AtLeast(5.0),
            ),
            goal(
                "Rust EdDSA / ring bare Ed25519 verify",
                "<= 1.03x",
                self.ratio(
                    "verify/airisk_eddsa",
                    "verify/floor_ed25519",
                    "eddsa_over_ring_ed25519",
                ),
                Bound::AtMost(1.03),
            ),
            goal(
                "authorize / HS256 verify (full policy)",
                "<= 1.3x",
                self.ratio("flow/authorize", full, "authorize_over_hs256_full_policy"),
                Bound::AtMost(1.3),
            ),
            goal(
                "exchange / HS256 verify (full policy)",
                "<= 3x",
                self.ratio("flow/exchange", full, "exchange_over_hs256_full_policy"),
                Bound::AtMost(3.0),
            ),
            goal(
                "2 threads / 1 thread verify throughput (shared Verifier)",
                ">= 1.8x",
                (None, self.extra("threads.ratio")),
                Bound::AtLeast(1.8),
            ),
            goal(
                "MemoryStore, 1,000,000 outstanding codes (MB held)",
                "<= 100 MB",
                (None, self.extra("ledger_memory.held_mb")),
                Bound::AtMost(100.0),
            ),
        ];
        goals.extend(self.binding_goals());
        goals
    }

    /// The goals of the C and Python bindings.
    fn binding_goals(&self) -> Vec<Goal> {
        vec![
            goal(
                "C: verify through the C ABI / the Rust call",
                "<= 1.02x",
                (None, self.extra("c.c_abi_over_rust")),
                Bound::AtMost(1.02),
            ),
            goal(
                "C: borrowed view (verify_view_at) / Rust verify_with",
                "<= 1.02x",
                (None, self.extra("c.c_view_over_rust_borrowed")),
                Bound::AtMost(1.02),
            ),
            Goal {
                why: (self.extra("c.libjwt_available") == Some(0.0))
                    .then_some("libjwt not installed (apt-get install libjwt-dev failed)"),
                ..goal(
                    "C: libjwt / our C verify",
                    ">= 8x",
                    (None, self.extra("c.libjwt_over_c_abi")),
                    Bound::AtLeast(8.0),
                )
            },
            goal(
                "Python: our verify / CPython hmac + compare_digest",
                "<= 0.35x",
                (None, self.extra("python.ours_over_floor")),
                Bound::AtMost(0.35),
            ),
            goal(
                "Python: PyJWT / our verify",
                ">= 100x",
                (None, self.extra("python.pyjwt_over_ours")),
                Bound::AtLeast(100.0),
            ),
        ]
    }

    /// The report as Markdown: the bench table with ratios to the floor, then the goals.
    #[must_use]
    pub fn render(&self) -> String {
        let floor = self.median(FLOOR);
        let mut out = String::new();
        out.push_str("| bench | what | median | x HMAC floor |\n|---|---|---:|---:|\n");
        for (id, what) in BENCHES {
            let (time, ratio) = match self.median(id) {
                Some(ns) => (
                    format_ns(ns),
                    floor.map_or_else(|| "-".to_owned(), |f| format!("{:.2}", ns / f)),
                ),
                None => ("missing".to_owned(), "-".to_owned()),
            };
            let _ = writeln!(out, "| `{id}` | {what} | {time} | {ratio} |");
        }
        out.push_str(
            "\n| goal | target | criterion ratio | measured (paired) | status |\n|---|---|---:|---:|---|\n",
        );
        let show = |v: Option<f64>| v.map_or_else(|| "-".to_owned(), |m| format!("{m:.2}"));
        for g in self.goals() {
            let status = match g.why {
                Some(why) => format!("{}: {why}", g.verdict.as_str()),
                None => g.verdict.as_str().to_owned(),
            };
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {status} |",
                g.name,
                g.target,
                show(g.criterion),
                show(g.measured),
            );
        }
        out.push_str(&self.load_line());
        if let (Some(one), Some(two)) = (
            self.extras.get("threads.one_thread_ns_per_verify"),
            self.extras.get("threads.two_threads_ns_per_verify"),
        ) {
            let control = self.extra("threads.control_ratio").unwrap_or(f64::NAN);
            let _ = writeln!(
                out,
                "\nthreads: {one:.0} ns per verify on 1 thread, {two:.0} ns wall per verify on 2 threads; \
                 the same measure of ring's bare HMAC (what this machine allows now): {control:.2}x"
            );
        }
        let instructions = [
            ("floor_hmac", "ring's bare HMAC (the floor)"),
            ("hs256_user", "verify_at, full policy"),
            ("hs256_user_borrowed", "verify_with, full policy"),
        ];
        if instructions
            .iter()
            .any(|(k, _)| self.extras.contains_key(&format!("callgrind.{k}")))
        {
            out.push_str("\ncallgrind, instructions per operation (same binary; valgrind runs ring's portable SHA-256):\n");
            for (key, what) in instructions {
                if let Some(n) = self.extras.get(&format!("callgrind.{key}")) {
                    let _ = writeln!(out, "  {what}: {n:.0}");
                }
            }
        }
        out.push_str(&self.python_breakdown());
        if let Some(per_code) = self.extras.get("ledger_memory.bytes_per_code") {
            let peak = self
                .extras
                .get("ledger_memory.peak_mb")
                .copied()
                .unwrap_or(f64::NAN);
            let _ = writeln!(
                out,
                "ledger: {per_code:.1} bytes per outstanding code, peak {peak:.1} MB while growing"
            );
        }
        out
    }
}

impl Run {
    /// Where one Python `verify_at` call goes (the Python bench's probes), when measured.
    fn python_breakdown(&self) -> String {
        let mut out = String::new();
        let python_parts = [
            ("call_ns", "the call (pyo3 dispatch, arguments)"),
            (
                "core_verify_ns",
                "the core's verification (borrowed claims)",
            ),
            ("owned_claims_ns", "the owned claims"),
            ("claims_object_ns", "the Claims object"),
        ];
        if let Some(total) = self.extra("python.ours_ns") {
            let _ = write!(
                out,
                "\npython, where one verify_at call ({total:.0} ns) goes:"
            );
            for (key, what) in python_parts {
                if let Some(ns) = self.extra(&format!("python.{key}")) {
                    let _ = write!(out, " {what} {ns:.0} ns ({:.0} %);", 100.0 * ns / total);
                }
            }
            out.push('\n');
        }
        out
    }

    /// The machine's load during the run (written by `scripts/bench.sh`): ratios
    /// move with it, so every table carries it.
    fn load_line(&self) -> String {
        let load = |key: &str| {
            self.extra(&format!("load.{key}"))
                .map_or_else(|| "?".to_owned(), |v| format!("{v:.2}"))
        };
        if !self.extras.keys().any(|k| k.starts_with("load.")) {
            return "\nload average: not recorded (run scripts/bench.sh)\n".to_owned();
        }
        format!(
            "\nload average (1 min) {} at the start, {} at the end, on {} cores\n",
            load("before_1m"),
            load("after_1m"),
            self.extra("load.cores")
                .map_or_else(|| "?".to_owned(), |v| format!("{v:.0}"))
        )
    }
}

fn format_ns(ns: f64) -> String {
    if ns >= 10_000.0 {
        format!("{:.1} µs", ns / 1000.0)
    } else {
        format!("{ns:.0} ns")
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests;
