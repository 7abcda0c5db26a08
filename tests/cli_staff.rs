//! `wfm staff` run as a real binary on small forecast files.

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;

const FORECAST: &str = "\
queue,interval_start,calls,aht_seconds,channel
Billing,2024-03-04T08:00:00Z,100,180,voice
Billing,2024-03-04T08:30:00Z,0,,voice
Billing,2024-03-04T09:00:00Z,360,240,voice
Sales,2024-03-04T08:00:00Z,100,180,voice
Support,2024-03-04T08:00:00+01:00,100,180,voice
";

const TARGETS: &str = r#"
[default]
service_level = "80%"
answer_within = "20s"
shrinkage = "30%"

[queue.Sales]
service_level = "90%"

[queue.Support]
model = "erlang-a"
patience = "120s"
max_abandon = "5%"
min_agents = 1
"#;

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_string()
}

/// Every number below was checked against the mpmath reference
/// (tests/reference/erlang_reference.py):
/// - Billing 08:00 is Call Centre Helper's example (14 agents, 88.84%, 20 scheduled);
/// - Billing 09:00 is the load of the "Erlang-C Formula" tutorial (48 Erlangs): 53 agents give 75.18% < 80%, 54 give
///   81.72%, ASA 12.05 s; 54 / 0.7 = 77.1 -> 78 scheduled;
/// - Sales needs 90%: 14 agents give 88.84%, 15 give 94.15%;
/// - Support is Erlang A with 2-minute patience: 12 agents abandon 6.16% > 5%, 13 abandon
///   3.84% with 88.86% answered within 20 s;
/// - the zero-call interval needs nobody.
#[test]
fn staffs_a_small_forecast_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let forecast = write(dir.path(), "forecast.csv", FORECAST);
    let targets = write(dir.path(), "targets.toml", TARGETS);
    let output = dir.path().join("requirements.csv");
    Command::cargo_bin("wfm")
        .unwrap()
        .args([
            "staff",
            "--forecast",
            &forecast,
            "--targets",
            &targets,
            "-o",
        ])
        .arg(&output)
        .assert()
        .success()
        .stderr(predicate::str::contains("staffed 5 intervals"));
    let expected = "\
queue,interval_start,calls,aht_seconds,agents,scheduled_staff,service_level,asa_seconds,occupancy,abandon_rate
Billing,2024-03-04T08:00:00Z,100,180,14,20,0.8884,7.84,0.7143,
Billing,2024-03-04T08:30:00Z,0,,0,0,1,0,0,
Billing,2024-03-04T09:00:00Z,360,240,54,78,0.8172,12.05,0.8889,
Sales,2024-03-04T08:00:00Z,100,180,15,22,0.9415,3.67,0.6667,
Support,2024-03-04T08:00:00+01:00,100,180,13,19,0.8886,3.94,0.7397,0.0384
";
    assert_eq!(fs::read_to_string(&output).unwrap(), expected);
}

/// Targets from flags alone, with a floor that zero-call intervals get too.
#[test]
fn staffs_with_flags_and_a_floor() {
    let dir = tempfile::tempdir().unwrap();
    let forecast = write(dir.path(), "forecast.csv", FORECAST);
    let output = dir.path().join("out.csv");
    Command::cargo_bin("wfm")
        .unwrap()
        .args([
            "staff",
            "--forecast",
            &forecast,
            "--sl",
            "80/20",
            "--min-agents",
            "2",
            "-o",
        ])
        .arg(&output)
        .assert()
        .success();
    let text = fs::read_to_string(&output).unwrap();
    let rows: Vec<&str> = text.lines().collect();
    assert_eq!(rows[2], "Billing,2024-03-04T08:30:00Z,0,,2,2,1,0,0,");
    assert!(rows[1].starts_with("Billing,2024-03-04T08:00:00Z,100,180,14,14,"));
}

fn fails_without_output(forecast_text: &str, message: &str) {
    let dir = tempfile::tempdir().unwrap();
    let forecast = write(dir.path(), "forecast.csv", forecast_text);
    let output = dir.path().join("requirements.csv");
    Command::cargo_bin("wfm")
        .unwrap()
        .args(["staff", "--forecast", &forecast, "--sl", "80/20", "-o"])
        .arg(&output)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(message));
    assert!(!output.exists(), "no output file may be left behind");
    let leftovers: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(
        leftovers.len(),
        1,
        "only the forecast remains: {leftovers:?}"
    );
}

#[test]
fn bad_row_names_file_line_column_value_and_expectation() {
    let bad = FORECAST.replace(
        "Billing,2024-03-04T09:00:00Z,360,240",
        "Billing,2024-03-04T09:00:00Z,-4,240",
    );
    fails_without_output(
        &bad,
        "forecast.csv: line 4, column \"calls\": found \"-4\"; expected a number of calls from 0 to 10000000",
    );
}

#[test]
fn other_bad_rows() {
    fails_without_output(
        &FORECAST.replace("Sales,2024-03-04T08:00:00Z,100,180", "Sales,2024-03-04T08:00:00Z,100,0"),
        "line 5, column \"aht_seconds\": found \"0\"; expected an average handle time in seconds, above 0 and at most 86400",
    );
    fails_without_output(
        &FORECAST.replace("2024-03-04T08:30:00Z", "04/03/2024 08:30"),
        "line 3, column \"interval_start\": found \"04/03/2024 08:30\"; expected an RFC 3339 timestamp",
    );
    fails_without_output(
        "queue,interval_start,calls\nBilling,2024-03-04T08:00:00Z,100\n",
        "forecast.csv: no column \"aht_seconds\"; expected the columns queue, interval_start, calls, aht_seconds",
    );
    fails_without_output(
        &FORECAST.replace(",voice\nSales", ",voice,extra\nSales"),
        "line 4: found 6 fields; expected 5 like the header",
    );
}

#[test]
fn bad_targets_file_is_exit_code_2() {
    let dir = tempfile::tempdir().unwrap();
    let forecast = write(dir.path(), "forecast.csv", FORECAST);
    let targets = write(
        dir.path(),
        "targets.toml",
        "[default]\nservice_level = \"80%\"\nanswer_within = \"20s\"\n[queue.Sales]\nshrinkage = \"100%\"\n",
    );
    let output = dir.path().join("out.csv");
    Command::cargo_bin("wfm")
        .unwrap()
        .args([
            "staff",
            "--forecast",
            &forecast,
            "--targets",
            &targets,
            "-o",
        ])
        .arg(&output)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "[queue.Sales]: shrinkage 100% must be at least 0% and below 100%",
        ));
    assert!(!output.exists());
}

/// The forecast is read by the one table reader: from standard input with `-`, with a
/// spreadsheet's byte-order mark and headers in another case, giving the same file.
#[test]
fn forecast_from_stdin_with_bom_and_capitalised_headers() {
    let dir = tempfile::tempdir().unwrap();
    let forecast = write(dir.path(), "forecast.csv", FORECAST);
    let staff = |input: Option<&str>, output: &Path| {
        let mut command = Command::cargo_bin("wfm").unwrap();
        command.args(["staff", "--sl", "80/20", "--forecast"]);
        match input {
            Some(text) => command.arg("-").write_stdin(text.to_string()),
            None => command.arg(&forecast),
        };
        command.arg("-o").arg(output).assert().success();
        fs::read(output).unwrap()
    };
    let from_file = staff(None, &dir.path().join("a.csv"));
    let marked = format!(
        "\u{feff}{}",
        FORECAST.replacen("queue,interval_start", "Queue, Interval_Start", 1)
    );
    let from_stdin = staff(Some(&marked), &dir.path().join("b.csv"));
    assert_eq!(
        String::from_utf8(from_stdin).unwrap(),
        String::from_utf8(from_file).unwrap()
    );
}

/// `-` is standard output, and `/dev/stdout` (a link to the pipe the test reads) is
/// written through, not replaced by a regular file: both print the file's bytes.
#[test]
fn requirements_to_standard_output() {
    let dir = tempfile::tempdir().unwrap();
    let forecast = write(dir.path(), "forecast.csv", FORECAST);
    let to_file = dir.path().join("requirements.csv");
    let staff = |output: &Path| {
        let assert = Command::cargo_bin("wfm")
            .unwrap()
            .args(["staff", "--sl", "80/20", "--forecast", &forecast, "-o"])
            .arg(output)
            .assert()
            .success();
        String::from_utf8(assert.get_output().stdout.clone()).unwrap()
    };
    assert_eq!(staff(&to_file), "");
    let expected = fs::read_to_string(&to_file).unwrap();
    assert_eq!(staff(Path::new("-")), expected);
    assert!(!Path::new("-").exists(), "no file named - is written");
    assert_eq!(staff(Path::new("/dev/stdout")), expected);
    assert!(fs::symlink_metadata("/dev/stdout")
        .unwrap()
        .file_type()
        .is_symlink());
}
