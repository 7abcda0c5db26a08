//! Names the build in `wfm --version`: the commit it was built from (`unknown` outside
//! a git checkout, `+dirty` with uncommitted changes) and the cargo profile, so a
//! report of a problem says which binary it came from.

use std::process::Command;

fn git(args: &[&str]) -> Option<String> {
    let output = Command::new("git").args(args).output().ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).trim().to_string())
}

fn main() {
    let commit = git(&["rev-parse", "--short=10", "HEAD"]).unwrap_or_else(|| "unknown".into());
    let dirty = git(&["status", "--porcelain", "--untracked-files=no"])
        .is_some_and(|status| !status.is_empty());
    let profile = std::env::var("PROFILE").unwrap_or_else(|_| "unknown".into());
    let suffix = if dirty { "+dirty" } else { "" };
    println!("cargo:rustc-env=WFM_BUILD=commit {commit}{suffix}, {profile} build");
    for path in [".git/HEAD", ".git/index", ".git/refs/heads"] {
        println!("cargo:rerun-if-changed={path}");
    }
    println!("cargo:rerun-if-changed=build.rs");
}
