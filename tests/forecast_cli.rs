//! `wfm forecast` and `wfm backtest` run as the real binary: exact header, row counts
//! across daylight-saving days, closed days, and bad inputs (message, exit code 2, no
//! output file).

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use assert_cmd::assert::OutputAssertExt;
use chrono_tz::Europe::London;
use predicates::str::contains;

use common::{date, table, weekly_pattern, write_canonical};

fn wfm() -> Command {
    // The site's zone for commands run without --tz (there is no default zone).
    let mut command = Command::new(env!("CARGO_BIN_EXE_wfm"));
    command.env("WFM_TZ", "UTC");
    command
}

/// Eight weeks of a pure weekly pattern for two queues, ending 2026-10-18 (a Sunday).
fn weekly_history(dir: &Path) -> PathBuf {
    let history = table(
        &["support", "sales"],
        date("2026-08-24"),
        56,
        London,
        |queue, _, weekday, minute| {
            let scale = if queue == "sales" { 0.5 } else { 1.0 };
            Some(weekly_pattern(weekday, minute, scale))
        },
    );
    let path = dir.join("history.csv");
    write_canonical(&history, &path);
    path
}

fn forecast(history: &Path, output: &Path, extra: &[&str]) -> Command {
    let mut command = wfm();
    command
        .arg("forecast")
        .arg("--history")
        .arg(history)
        .arg("-o")
        .arg(output)
        .args(["--tz", "Europe/London"])
        .args(extra);
    command
}

fn read_rows(path: &Path) -> Vec<Vec<String>> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|line| line.split(',').map(String::from).collect())
        .collect()
}

#[test]
fn forecast_has_the_exact_header_and_one_row_per_interval_across_the_fall_back_day() {
    let dir = tempfile::tempdir().unwrap();
    let history = weekly_history(dir.path());
    let output = dir.path().join("forecast.csv");
    forecast(
        &history,
        &output,
        &[
            "--start",
            "2026-10-19",
            "--days",
            "14",
            "--method",
            "historical-average",
        ],
    )
    .assert()
    .success()
    .stderr(contains("sales: historical-average"));
    let rows = read_rows(&output);
    assert_eq!(
        rows[0].join(","),
        "queue,interval_start,calls,aht_seconds,calls_lo,calls_hi"
    );
    // 14 days × 48 half-hours, plus 2 for the 50-interval day 2026-10-25, per queue.
    assert_eq!(rows.len() - 1, 2 * (14 * 48 + 2));
    // Sorted by queue, then time.
    assert_eq!(rows[1][0], "sales");
    assert_eq!(rows[1][1], "2026-10-19T00:00:00+01:00");
    assert_eq!(rows[675][0], "support");
    assert_eq!(rows[675][1], "2026-10-19T00:00:00+01:00");
    let sales_fall_back: Vec<&str> = rows[1..675]
        .iter()
        .filter(|r| r[1].starts_with("2026-10-25T01"))
        .map(|r| r[1].as_str())
        .collect();
    assert_eq!(
        sales_fall_back,
        [
            "2026-10-25T01:00:00+01:00",
            "2026-10-25T01:30:00+01:00",
            "2026-10-25T01:00:00+00:00",
            "2026-10-25T01:30:00+00:00"
        ]
    );
    // The pattern is reproduced exactly: Monday 10:30 (midpoint 10:45) support =
    // round(1.3 × (10 + 30 e^{-0.5(0.25/1.5)²})) = 51.
    let monday_1030 = rows
        .iter()
        .find(|r| r[0] == "support" && r[1] == "2026-10-19T10:30:00+01:00")
        .unwrap();
    assert_eq!(monday_1030[2], "51");
    assert_eq!(
        monday_1030[2],
        format!("{}", weekly_pattern(0, 630, 1.0)),
        "pattern value"
    );
    // AHT of the history at 10:30 is 300 + 63 s (the profile pools neighbouring
    // half-hours, 360 s and 366 s, weighted by their calls).
    let aht: f64 = monday_1030[3].parse().unwrap();
    assert!((aht - 363.0).abs() < 1.0, "{aht}");
    let lo: f64 = monday_1030[4].parse().unwrap();
    let hi: f64 = monday_1030[5].parse().unwrap();
    assert!(lo <= 51.0 && 51.0 <= hi, "{lo} {hi}");
    // Sunday and nights are closed: zero calls and a zero-width interval.
    for row in rows
        .iter()
        .filter(|r| r[1].starts_with("2026-10-25") || r[1].contains("T03:00"))
    {
        assert_eq!(row[2], "0", "{row:?}");
        assert_eq!(row[4], "0", "{row:?}");
        assert_eq!(row[5], "0", "{row:?}");
    }
}

#[test]
fn spring_forward_day_has_46_intervals() {
    let dir = tempfile::tempdir().unwrap();
    let history = table(
        &["support"],
        date("2026-02-02"),
        49,
        London,
        |_, _, w, m| Some(weekly_pattern(w, m, 1.0)),
    );
    let path = dir.path().join("history.csv");
    write_canonical(&history, &path);
    let output = dir.path().join("forecast.csv");
    forecast(&path, &output, &["--start", "2026-03-23", "--days", "14"])
        .assert()
        .success();
    let rows = read_rows(&output);
    assert_eq!(rows.len() - 1, 14 * 48 - 2);
    assert!(rows.iter().all(|r| !r[1].starts_with("2026-03-29T01:")));
}

#[test]
fn calendar_closed_day_and_opening_hours_forecast_zero() {
    let dir = tempfile::tempdir().unwrap();
    let history = weekly_history(dir.path());
    let calendar = dir.path().join("calendar.csv");
    std::fs::write(
        &calendar,
        "date,kind,name,uplift\n2026-10-20,closed,Staff day,\n2026-10-21,event,Mailing,1.5\n",
    )
    .unwrap();
    let output = dir.path().join("forecast.csv");
    forecast(
        &history,
        &output,
        &[
            "--start",
            "2026-10-19",
            "--days",
            "7",
            "--queue",
            "support",
            "--method",
            "seasonal-naive",
            "--open",
            "Mon-Sat 08:00-17:00",
        ],
    )
    .arg("--calendar")
    .arg(&calendar)
    .assert()
    .success();
    let rows = read_rows(&output);
    assert!(rows[1..].iter().all(|r| r[0] == "support"));
    let calls = |time: &str| -> f64 {
        rows.iter().find(|r| r[1] == time).unwrap()[2]
            .parse()
            .unwrap()
    };
    assert_eq!(calls("2026-10-20T10:30:00+01:00"), 0.0);
    assert_eq!(calls("2026-10-19T17:30:00+01:00"), 0.0);
    assert_eq!(
        calls("2026-10-19T16:30:00+01:00"),
        weekly_pattern(0, 990, 1.0)
    );
    // The mailing was never seen: its planned uplift applies.
    assert_eq!(
        calls("2026-10-21T10:30:00+01:00"),
        1.5 * weekly_pattern(2, 630, 1.0)
    );
}

#[test]
fn start_inside_the_history_uses_only_the_days_before_it() {
    let dir = tempfile::tempdir().unwrap();
    // Volume doubles from 2026-10-05 on; a forecast from 2026-10-05 must not see it.
    let history = table(&["q"], date("2026-08-24"), 56, London, |_, day, w, m| {
        let scale = if day >= date("2026-10-05") { 2.0 } else { 1.0 };
        Some(weekly_pattern(w, m, scale))
    });
    let path = dir.path().join("history.csv");
    write_canonical(&history, &path);
    let output = dir.path().join("forecast.csv");
    forecast(
        &path,
        &output,
        &[
            "--start",
            "2026-10-05",
            "--days",
            "7",
            "--method",
            "seasonal-naive",
        ],
    )
    .assert()
    .success()
    .stderr(contains("the start 2026-10-05 is inside the history"));
    let rows = read_rows(&output);
    let monday = rows
        .iter()
        .find(|r| r[1] == "2026-10-05T10:30:00+01:00")
        .unwrap();
    assert_eq!(monday[2], format!("{}", weekly_pattern(0, 630, 1.0)));
}

#[test]
fn bad_inputs_exit_2_with_a_message_and_no_output() {
    let dir = tempfile::tempdir().unwrap();
    let history = weekly_history(dir.path());
    let short = table(&["q"], date("2026-10-01"), 10, London, |_, _, w, m| {
        Some(weekly_pattern(w, m, 1.0))
    });
    let short_path = dir.path().join("short.csv");
    write_canonical(&short, &short_path);
    let bad_calendar = dir.path().join("bad-calendar.csv");
    std::fs::write(&bad_calendar, "date,kind,name,uplift\n2026-10-20,shut,X,\n").unwrap();
    let output = dir.path().join("forecast.csv");
    let start = ["--start", "2026-10-19", "--days", "7"];
    let cases: Vec<(Vec<&str>, &Path, String)> = vec![
        (
            vec!["--method", "prophet"],
            &history,
            "unknown method \"prophet\"; expected auto or one of seasonal-naive".into(),
        ),
        (
            vec!["--queue", "billing"],
            &history,
            "unknown queue \"billing\"; the history has".into(),
        ),
        (
            vec![],
            &short_path,
            "queue \"q\": the history has 10 days with data before the forecast start; at least two weeks (14 days) are needed".into(),
        ),
        (vec!["--open", "Mon-Fri 18:00-08:00"], &history, "opening hours".into()),
        (vec!["--level", "120%"], &history, "--level".into()),
        (
            vec!["--calendar", bad_calendar.to_str().unwrap()],
            &history,
            "bad-calendar.csv: line 2, column \"kind\": found \"shut\"".into(),
        ),
    ];
    for (extra, input, message) in cases {
        forecast(input, &output, &start)
            .args(&extra)
            .assert()
            .code(2)
            .stderr(contains(message.as_str()));
        assert!(!output.exists(), "{extra:?} wrote an output");
    }
    forecast(&history, &output, &["--start", "19/10/2026", "--days", "7"])
        .assert()
        .code(2)
        .stderr(contains(
            "invalid value '19/10/2026' for '--start <START>': \"19/10/2026\" is not a date; expected YYYY-MM-DD",
        ));
    forecast(&history, &output, &["--start", "2026-10-19", "--days", "0"])
        .assert()
        .code(2)
        .stderr(contains("--days 0 is out of range"));
    assert!(!output.exists());
}

#[test]
fn backtest_prints_a_table_and_writes_csv() {
    let dir = tempfile::tempdir().unwrap();
    let history = weekly_history(dir.path());
    let output = dir.path().join("scores.csv");
    let assert = wfm()
        .arg("backtest")
        .arg("--history")
        .arg(&history)
        .args(["--tz", "Europe/London", "--horizon", "7", "--origins", "3"])
        .args(["--methods", "seasonal-naive,historical-average", "-o"])
        .arg(&output)
        .assert()
        .success();
    let screen = String::from_utf8(assert.get_output().stdout.clone()).unwrap();
    assert!(screen.starts_with("queue    method"), "{screen}");
    assert!(screen.contains("in 80% PI"), "{screen}");
    let rows = read_rows(&output);
    assert_eq!(
        rows[0].join(","),
        "queue,method,origins,intervals,wape,mase,bias,coverage"
    );
    assert_eq!(rows.len(), 5);
    for row in &rows[1..] {
        // A pure weekly pattern: every method is exact.
        assert_eq!(row[2], "3");
        assert_eq!(row[3], (3 * 7 * 48).to_string(), "{row:?}");
        assert_eq!(row[4], "0", "{row:?}");
        // MASE is undefined: the seasonal naive scale of a pure weekly history is 0.
        assert_eq!(row[5], "", "{row:?}");
        assert_eq!(row[6], "0", "{row:?}");
        assert_eq!(row[7], "1", "{row:?}");
    }
    // Too many origins for eight weeks, and an unknown method: exit 2, no file.
    std::fs::remove_file(&output).unwrap();
    for (args, message) in [
        (
            vec!["--horizon", "28", "--origins", "8"],
            "56 days of history hold 1 forecast origin(s) of 28 days, 28 days apart",
        ),
        (vec!["--methods", "arima"], "unknown method \"arima\""),
    ] {
        wfm()
            .arg("backtest")
            .arg("--history")
            .arg(&history)
            .args(["--tz", "Europe/London", "-o"])
            .arg(&output)
            .args(&args)
            .assert()
            .code(2)
            .stderr(contains(message));
        assert!(!output.exists());
    }
}

#[test]
fn parquet_history_gives_the_same_forecast_as_csv() {
    let dir = tempfile::tempdir().unwrap();
    let history = weekly_history(dir.path());
    let parquet = dir.path().join("history.parquet");
    wfm()
        .arg("ingest")
        .arg(&history)
        .args(["--tz", "Europe/London", "-q", "-o"])
        .arg(&parquet)
        .assert()
        .success();
    let from_csv = dir.path().join("from-csv.csv");
    let from_parquet = dir.path().join("from-parquet.csv");
    let args = ["--start", "2026-10-19", "--days", "14"];
    forecast(&history, &from_csv, &args).assert().success();
    forecast(&parquet, &from_parquet, &args).assert().success();
    let expected = std::fs::read_to_string(&from_csv).unwrap();
    assert_eq!(std::fs::read_to_string(&from_parquet).unwrap(), expected);
    assert_eq!(expected.lines().count(), 1 + 2 * (14 * 48 + 2));

    let garbage = dir.path().join("garbage.parquet");
    std::fs::write(&garbage, "queue,interval_start\n").unwrap();
    let output = dir.path().join("never.csv");
    forecast(&garbage, &output, &args)
        .assert()
        .code(2)
        .stderr(contains("garbage.parquet: not a readable Parquet file"));
    assert!(!output.exists());
}
