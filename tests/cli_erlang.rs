//! `wfm erlang` run as a real binary.

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

fn wfm() -> Command {
    Command::cargo_bin("wfm").unwrap()
}

fn json(args: &[&str]) -> Value {
    let output = wfm()
        .arg("erlang")
        .args(args)
        .arg("--json")
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    serde_json::from_slice(&output.stdout).unwrap()
}

fn number(value: &Value, key: &str) -> f64 {
    value[key]
        .as_f64()
        .unwrap_or_else(|| panic!("{key} missing in {value}"))
}

/// Call Centre Helper's worked example: 100 calls in 30 min, AHT 180 s, 80/20 ->
/// 14 agents, service level 88.8%, occupancy 71.4%, 20 scheduled with 30% shrinkage.
#[test]
fn published_example_as_json() {
    let value = json(&[
        "--calls",
        "100",
        "--interval",
        "30m",
        "--aht",
        "180s",
        "--sl",
        "80/20",
        "--max-occupancy",
        "85%",
        "--shrinkage",
        "30%",
    ]);
    assert_eq!(value["agents"], 14);
    assert_eq!(value["scheduled_staff"], 20);
    assert_eq!((number(&value, "service_level") * 1000.0).round(), 888.0);
    assert_eq!((number(&value, "occupancy") * 1000.0).round(), 714.0);
    assert_eq!((number(&value, "p_wait") * 1e4).round(), 1741.0);
    assert_eq!((number(&value, "asa_seconds") * 100.0).round(), 784.0);
    assert_eq!(value["targets_met"], true);
    assert!(value.get("abandon_rate").is_none());
}

#[test]
fn published_example_as_table() {
    wfm()
        .args([
            "erlang",
            "--calls",
            "100",
            "--interval",
            "30m",
            "--aht",
            "180s",
        ])
        .args(["--sl", "80/20", "--shrinkage", "30%"])
        .assert()
        .success()
        .stdout(predicate::str::contains("agents            14"))
        .stdout(predicate::str::contains("scheduled staff   20"))
        .stdout(predicate::str::contains("88.84%"))
        .stdout(predicate::str::contains("71.43%"));
}

/// Reverse calculation: A = 10 Erlangs, N = 12 -> P(wait) 0.449388.
#[test]
fn given_agents_report_their_metrics() {
    let value = json(&[
        "--calls", "100", "--aht", "3m", "--sl", "80/20", "--agents", "12",
    ]);
    assert_eq!(value["agents"], 12);
    assert_eq!((number(&value, "p_wait") * 1e6).round(), 449_388.0);
    assert_eq!(value["targets_met"], false);
    assert_eq!(value["unmet"][0], "service level 64.02% < 80% within 20 s");
}

#[test]
fn unstable_headcount_has_no_asa() {
    let value = json(&[
        "--calls", "100", "--aht", "3m", "--sl", "80/20", "--agents", "10",
    ]);
    assert_eq!(value["asa_seconds"], Value::Null);
    assert_eq!(value["p_wait"], 1.0);
    assert_eq!(value["service_level"], 0.0);
}

/// Erlang A at 13 agents, from the mpmath reference (tests/reference/erlang_reference.py).
const ABANDON: f64 = 0.038_426_374_814_668_3;
const SERVICE_LEVEL: f64 = 0.888_550_498_551_229;
const SERVICE_LEVEL_ANSWERED: f64 = 0.924_058_725_487_579;
const ASA: f64 = 3.938_843_160_788_95;

/// Erlang A: 12 agents abandon 6.16% > 5%, so 13 are needed; both service levels and
/// the abandon rate are reported.
#[test]
fn erlang_a_reports_abandonment_and_both_service_levels() {
    let value = json(&[
        "--calls",
        "100",
        "--interval",
        "30m",
        "--aht",
        "180s",
        "--sl",
        "80/20",
        "--model",
        "erlang-a",
        "--patience",
        "120s",
        "--max-abandon",
        "5%",
    ]);
    assert_eq!(value["model"], "erlang-a");
    assert_eq!(value["agents"], 13);
    for (key, expected) in [
        ("abandon_rate", ABANDON),
        ("service_level", SERVICE_LEVEL),
        ("service_level_answered", SERVICE_LEVEL_ANSWERED),
        ("asa_seconds", ASA),
    ] {
        let actual = number(&value, key);
        assert!(
            (actual - expected).abs() <= 1e-10 * expected,
            "{key}: {actual} vs {expected}"
        );
    }
}

/// Trunks: 10 Erlangs at 1% blocking need 18 lines (Erlang B).
#[test]
fn lines_for_a_blocking_target() {
    let value = json(&[
        "--calls",
        "100",
        "--interval",
        "30m",
        "--aht",
        "180s",
        "--lines",
        "--blocking",
        "1%",
    ]);
    assert_eq!(value["lines"], 18);
    assert_eq!(number(&value, "offered_load_erlangs"), 10.0);
    assert!(number(&value, "blocking") <= 0.01);
    wfm()
        .args([
            "erlang",
            "--calls",
            "100",
            "--aht",
            "3m",
            "--lines",
            "--blocking",
            "1%",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("lines       18"))
        .stdout(predicate::str::contains("Assumes Erlang B"));
}

fn rejects(args: &[&str], message: &str) {
    wfm()
        .arg("erlang")
        .args(args)
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains(message));
}

#[test]
fn bad_input_is_a_clear_error_with_exit_code_2() {
    let base = ["--calls", "100", "--interval", "30m"];
    let with = |extra: &[&str]| -> Vec<String> {
        base.iter().chain(extra).map(|s| s.to_string()).collect()
    };
    let cases: [(&[&str], &str); 11] = [
        (
            &["--aht", "0s", "--sl", "80/20"],
            "average handle time must be positive",
        ),
        (
            &["--aht=-180s", "--sl", "80/20"],
            "average handle time must be positive",
        ),
        (
            &["--aht", "3m", "--sl", "100/20"],
            "service level target 100% must be above 0% and below 100%",
        ),
        (
            &["--aht", "3m", "--sl", "0/20"],
            "must be above 0% and below 100%",
        ),
        (
            &["--aht", "3m", "--sl", "80/-5s"],
            "answer-within time must be 0 s or more",
        ),
        (
            &["--aht", "3m", "--sl", "80/20", "--shrinkage", "100%"],
            "shrinkage 100% must be at least 0% and below 100%",
        ),
        (
            &["--aht", "3m", "--sl", "80/20", "--shrinkage", "120%"],
            "shrinkage 120% must be",
        ),
        (
            &["--aht", "3m", "--sl", "80/20", "--model", "erlang-a"],
            "needs patience",
        ),
        (
            &["--aht", "3m", "--sl", "80/20", "--max-abandon", "5%"],
            "needs model erlang-a",
        ),
        (&["--aht", "3m"], "no staffing target"),
        (
            &["--aht", "soon", "--sl", "80/20"],
            "invalid value 'soon' for '--aht <AHT>': \"soon\" is not a duration",
        ),
    ];
    for (extra, message) in cases {
        let args = with(extra);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        rejects(&args, message);
    }
    rejects(
        &["--calls", "-5", "--aht", "3m", "--sl", "80/20"],
        "calls must be a number >= 0",
    );
    rejects(
        &[
            "--calls",
            "100",
            "--aht",
            "3m",
            "--lines",
            "--blocking",
            "100%",
        ],
        "blocking target must be above 0% and below 100%",
    );
}
