//! Gives the shared library a SONAME, so that programs record the ABI they were
//! linked against: `libairisk_auth.so.0.MINOR` while the major version is 0
//! (where a minor release may break the ABI), `libairisk_auth.so.MAJOR` after.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    if os != "linux" {
        return;
    }
    let major = env!("CARGO_PKG_VERSION_MAJOR");
    let soversion = if major == "0" {
        format!("0.{}", env!("CARGO_PKG_VERSION_MINOR"))
    } else {
        major.to_owned()
    };
    println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libairisk_auth.so.{soversion}");
}
