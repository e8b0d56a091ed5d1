//! Unit tests of the goal table.

use super::*;

fn run(pairs: &[(&str, f64)], extras: &[(&str, f64)]) -> Run {
    Run {
        medians: pairs.iter().map(|(k, v)| ((*k).to_owned(), *v)).collect(),
        extras: extras.iter().map(|(k, v)| ((*k).to_owned(), *v)).collect(),
    }
}

#[test]
fn goals_are_judged_on_ratios() {
    let r = run(
        &[
            (FLOOR, 300.0),
            ("verify/airisk_hs256_user", 420.0),
            ("verify/jsonwebtoken_hs256", 1900.0),
            ("verify/airisk_eddsa", 50_000.0),
            ("verify/floor_ed25519", 47_000.0),
        ],
        &[
            ("threads.ratio", 1.5),
            ("paired.eddsa_over_ring_ed25519", 1.01),
        ],
    );
    let goals = r.goals();
    assert_eq!(goals[0].verdict, Verdict::Met);
    assert!((goals[0].measured.unwrap() - 1.4).abs() < 1e-9);
    assert_eq!(goals[1].verdict, Verdict::NotMeasured);
    assert_eq!(goals[3].verdict, Verdict::NotMet, "1900/420 is 4.52");
    // Criterion says 50/47 = 1.064, the paired measurement 1.01: the paired one decides.
    assert!((goals[4].criterion.unwrap() - 50.0 / 47.0).abs() < 1e-9);
    assert_eq!(goals[4].measured, Some(1.01));
    assert_eq!(goals[4].verdict, Verdict::Met);
    assert_eq!(goals[5].verdict, Verdict::NotMeasured);
    assert_eq!(goals[7].verdict, Verdict::NotMet);
    assert_eq!(goals[8].verdict, Verdict::NotMeasured);
    assert!(goals.iter().all(|g| g.why.is_none()));
    assert!(r.render().contains("load average: not recorded"));
}

#[test]
fn a_missing_libjwt_and_the_load_are_in_the_table() {
    let r = run(
        &[(FLOOR, 300.0)],
        &[
            ("c.c_abi_over_rust", 1.01),
            ("c.libjwt_available", 0.0),
            ("load.before_1m", 2.5),
            ("load.after_1m", 3.25),
            ("load.cores", 2.0),
        ],
    );
    let text = r.render();
    assert!(
        text.contains(
            "| C: verify through the C ABI / the Rust call | <= 1.02x | - | 1.01 | met |"
        ),
        "{text}"
    );
    assert!(
        text.contains("| not measured: libjwt not installed (apt-get install libjwt-dev failed) |"),
        "{text}"
    );
    assert!(
        text.contains("load average (1 min) 2.50 at the start, 3.25 at the end, on 2 cores"),
        "{text}"
    );
}

#[test]
fn load_reads_criterion_medians_and_extras() {
    let dir = std::env::temp_dir().join(format!("airisk-bench-report-{}", std::process::id()));
    let est = dir.join("verify/floor_hmac/new");
    std::fs::create_dir_all(&est).unwrap();
    std::fs::write(
        est.join("estimates.json"),
        r#"{"mean":{"point_estimate":290.0},"median":{"point_estimate":281.5}}"#,
    )
    .unwrap();
    std::fs::create_dir_all(dir.join("airisk-extra")).unwrap();
    std::fs::write(
        dir.join("airisk-extra/ledger_memory.json"),
        r#"{"held_mb": 52.5, "bytes_per_code": 55.0}"#,
    )
    .unwrap();
    let r = Run::load(&dir);
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(r.medians.get(FLOOR), Some(&281.5));
    assert_eq!(r.medians.len(), 1);
    assert_eq!(r.extras.get("ledger_memory.held_mb"), Some(&52.5));
    let text = r.render();
    assert!(text.contains("| `verify/floor_hmac` |"), "{text}");
    assert!(text.contains("| 1.00 |"), "{text}");
    assert!(text.contains("| - | 52.50 | met |"), "{text}");
}
