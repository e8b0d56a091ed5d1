//! Every `unsafe` block of the crate is in the `ffi` module (src/ffi.rs and its
//! submodules under src/ffi/), where each has a SAFETY comment.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[test]
fn unsafe_lives_only_in_ffi_rs() {
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut checked = 0;
    for path in source_files(&src) {
        let text = std::fs::read_to_string(&path).unwrap();
        let name = path
            .strip_prefix(&src)
            .unwrap()
            .to_str()
            .unwrap()
            .to_owned();
        checked += 1;
        let blocks = text.matches("unsafe {").count()
            + text.matches("unsafe fn").count()
            + text.matches("unsafe impl").count();
        if name == "ffi.rs" || name.starts_with("ffi/") {
            assert!(
                blocks > 0,
                "{name} is in the ffi module: it holds unsafe code or nothing"
            );
            assert_eq!(
                text.matches("unsafe {").count() + text.matches("unsafe impl").count(),
                text.matches("// SAFETY:").count(),
                "every unsafe block and unsafe impl in {name} has a SAFETY comment"
            );
        } else {
            assert_eq!(
                blocks, 0,
                "{name} has unsafe code: move it to the ffi module"
            );
        }
    }
    assert!(checked >= 3);
}

/// Every file under `dir`, submodule folders (e.g. the generated `result/codes.rs`) included.
fn source_files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(source_files(&path));
        } else {
            files.push(path);
        }
    }
    files
}
