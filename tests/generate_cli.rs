//! End-to-end tests of `wfm generate`: file layout, exact row counts, determinism,
//! the committed sample being up to date, and argument errors (exit code 2).

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;

const HISTORY_HEADER: &str = "queue,interval_start,offered,handled,abandoned,aht_seconds";
const CALENDAR_HEADER: &str = "date,kind,name,uplift";

fn wfm() -> Command {
    Command::cargo_bin("wfm").unwrap()
}

fn generate_into(dir: &Path, extra: &[&str]) {
    wfm()
        .arg("generate")
        .args(extra)
        .arg("--out-dir")
        .arg(dir)
        .assert()
        .success();
}

fn read(dir: &Path, file: &str) -> String {
    std::fs::read_to_string(dir.join(file)).unwrap()
}

fn repo_sample() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data/sample")
}

#[test]
fn fourteen_days_have_exact_headers_and_row_counts() {
    let dir = tempfile::tempdir().unwrap();
    generate_into(dir.path(), &["--seed", "7", "--days", "14"]);

    let history = read(dir.path(), "history.csv");
    let lines: Vec<&str> = history.lines().collect();
    assert_eq!(lines[0], HISTORY_HEADER);
    // 2 queues x 14 days x 48 half-hours; no DST change between 1 and 14 November 2024.
    assert_eq!(lines.len() - 1, 2 * 14 * 48);
    assert_eq!(lines[1], "sales,2024-11-01T00:00:00+00:00,0,0,0,");
    assert!(lines[lines.len() - 1].starts_with("support,2024-11-14T23:30:00+00:00,"));
    assert!(lines[1..].iter().all(|line| line.split(',').count() == 6));

    let calendar = read(dir.path(), "calendar.csv");
    let lines: Vec<&str> = calendar.lines().collect();
    assert_eq!(lines[0], CALENDAR_HEADER);
    // Through 2025-11-14: 8 bank holidays, Christmas Eve and New Year's Eve 2024, and
    // Black Friday 2024 (3) + January (4) + Spring (5) + Summer (6) sale days.
    assert_eq!(lines.len() - 1, 8 + 2 + 18);
    assert_eq!(lines[1], "2024-11-29,event,Black Friday,1.9");
    assert!(lines.contains(&"2024-12-25,closed,Christmas Day,"));
    assert!(lines.contains(&"2024-12-24,holiday,Christmas Eve,0.6"));
}

#[test]
fn same_seed_gives_identical_bytes_and_seeds_differ() {
    let dirs: Vec<_> = (0..3).map(|_| tempfile::tempdir().unwrap()).collect();
    generate_into(dirs[0].path(), &["--days", "60"]);
    generate_into(dirs[1].path(), &["--days", "60"]);
    generate_into(dirs[2].path(), &["--days", "60", "--seed", "8"]);
    for file in ["history.csv", "calendar.csv"] {
        let first = std::fs::read(dirs[0].path().join(file)).unwrap();
        assert_eq!(
            first,
            std::fs::read(dirs[1].path().join(file)).unwrap(),
            "{file}"
        );
    }
    assert_ne!(
        read(dirs[0].path(), "history.csv"),
        read(dirs[2].path(), "history.csv")
    );
}

/// The committed `data/sample/` must be what `wfm generate --seed 7` writes today;
/// if the model changes, regenerate it (see docs/sample-data.md).
#[test]
fn committed_sample_is_up_to_date() {
    let dir = tempfile::tempdir().unwrap();
    wfm()
        .args(["--quiet", "generate", "--out-dir"])
        .arg(dir.path())
        .assert()
        .success()
        .stderr("");
    for file in ["history.csv", "calendar.csv"] {
        let fresh = std::fs::read(dir.path().join(file)).unwrap();
        let committed = std::fs::read(repo_sample().join(file)).unwrap();
        assert!(
            fresh == committed,
            "data/sample/{file} is stale: run `wfm generate --seed 7 --out-dir data/sample`"
        );
    }
    let size = std::fs::metadata(repo_sample().join("history.csv"))
        .unwrap()
        .len();
    assert!(size < 3_500_000, "history.csv is {size} bytes");
}

#[test]
fn bad_arguments_are_input_errors() {
    let dir = tempfile::tempdir().unwrap();
    let cases: [(&[&str], &str); 5] = [
        (&["--days", "0"], "a history of 0 days is out of range"),
        (&["--days", "5000"], "expected 1 to 3660 days"),
        (
            &["--tz", "Mars/Olympus"],
            "unknown time zone \"Mars/Olympus\"",
        ),
        (&["--start", "2024-13-01"], "\"2024-13-01\" is not a date"),
        (
            &["--start", "1850-01-01"],
            "a history starting 1850-01-01 is out of range",
        ),
    ];
    for (args, message) in cases {
        wfm()
            .arg("generate")
            .args(args)
            .arg("--out-dir")
            .arg(dir.path())
            .assert()
            .code(2)
            .stderr(predicate::str::contains(message));
    }
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn unwritable_output_directory_exits_4() {
    let dir = tempfile::tempdir().unwrap();
    let blocker = dir.path().join("not-a-dir");
    std::fs::write(&blocker, "").unwrap();
    wfm()
        .args(["generate", "--days", "1", "--out-dir"])
        .arg(&blocker)
        .assert()
        .code(4)
        .stderr(predicate::str::contains("not-a-dir"));
}
