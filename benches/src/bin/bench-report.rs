//! Prints the ratio table of the last bench run: `cargo run -p airisk-auth-benches --bin bench-report [CRITERION_DIR]`.

use airisk_auth_benches::{criterion_dir, report::Run};
use std::path::PathBuf;

fn main() {
    let dir = std::env::args_os()
        .nth(1)
        .map_or_else(criterion_dir, PathBuf::from);
    let run = Run::load(&dir);
    if run.medians.is_empty() {
        eprintln!(
            "no criterion results under {}: run `bash scripts/bench.sh` first",
            dir.display()
        );
        std::process::exit(1);
    }
    println!("results: {}\n", dir.display());
    print!("{}", run.render());
}
