//! `wfm ingest` run as a real binary: good files give the exact canonical CSV, bad
//! files give their message, exit code 2 and no output file.

use std::path::{Path, PathBuf};
use std::process::Command;

use assert_cmd::assert::OutputAssertExt;
use predicates::str::contains;

fn wfm() -> Command {
    // The site's zone for commands run without --tz (there is no default zone).
    let mut command = Command::new(env!("CARGO_BIN_EXE_wfm"));
    command.env("WFM_TZ", "UTC");
    command
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

const FIFTEEN_MINUTE_REPORT: &str = "\
Date/Time;Skill;Calls Offered;Calls Handled;Abandoned;AHT
2026-10-25 00:30;Support;4;4;0;200
2026-10-25 00:45;Support;6;5;1;260
2026-10-25 01:00;Support;2;2;0;100
2026-10-25 01:15;Support;2;1;1;400
2026-10-25 01:30;Support;1;1;0;300
2026-10-25 01:45;Support;1;1;0;300
2026-10-25 01:00;Support;3;3;0;120
2026-10-25 01:15;Support;3;3;0;180
2026-10-25 01:30;Support;0;0;0;
2026-10-25 01:45;Support;5;4;1;90
";

const EXPECTED_CANONICAL: &str = "\
queue,interval_start,offered,handled,abandoned,aht_seconds,asa_seconds,answered_within_target
Support,2026-10-25T00:30:00+01:00,10,9,1,233.333,,
Support,2026-10-25T01:00:00+01:00,4,3,1,200,,
Support,2026-10-25T01:30:00+01:00,2,2,0,300,,
Support,2026-10-25T01:00:00+00:00,6,6,0,150,,
Support,2026-10-25T01:30:00+00:00,5,4,1,90,,
";

fn ingest_report(dir: &Path, output: &Path) -> Command {
    let input = write(dir, "acd.csv", FIFTEEN_MINUTE_REPORT.as_bytes());
    let mut command = wfm();
    command.arg("ingest").arg(&input).arg("-o").arg(output).args([
        "--tz",
        "Europe/London",
        "--map",
        "interval_start=Date/Time,queue=Skill,offered=Calls Offered,handled=Calls Handled,aht_seconds=AHT",
    ]);
    command
}

#[test]
fn fifteen_minute_report_on_a_fall_back_day_gives_the_exact_canonical_csv() {
    let dir = tempfile::tempdir().unwrap();
    let output = dir.path().join("history.csv");
    ingest_report(dir.path(), &output)
        .assert()
        .success()
        .stderr(contains("15-minute intervals"))
        .stderr(contains("no gaps"));
    // 00:30 interval: AHT (4*200 + 5*260) / 9 handled = 233.333, not the plain mean 230.
    assert_eq!(
        std::fs::read_to_string(&output).unwrap(),
        EXPECTED_CANONICAL
    );
}

#[test]
fn same_input_gives_byte_identical_output() {
    let dir = tempfile::tempdir().unwrap();
    let first = dir.path().join("first.csv");
    let second = dir.path().join("second.csv");
    ingest_report(dir.path(), &first).assert().success();
    ingest_report(dir.path(), &second).assert().success();
    assert_eq!(
        std::fs::read(first).unwrap(),
        std::fs::read(second).unwrap()
    );
}

#[test]
fn toml_column_map_is_accepted() {
    let dir = tempfile::tempdir().unwrap();
    let input = write(dir.path(), "acd.csv", FIFTEEN_MINUTE_REPORT.as_bytes());
    let map = write(
        dir.path(),
        "map.toml",
        br#"delimiter = ";"
[columns]
interval_start = "Date/Time"
queue = "Skill"
offered = "Calls Offered"
handled = "Calls Handled"
aht_seconds = "AHT"
"#,
    );
    let output = dir.path().join("out.csv");
    wfm()
        .arg("ingest")
        .arg(&input)
        .arg("--map-file")
        .arg(&map)
        .args(["--tz", "Europe/London", "-o"])
        .arg(&output)
        .assert()
        .success();
    assert_eq!(
        std::fs::read_to_string(&output).unwrap(),
        EXPECTED_CANONICAL
    );
}

#[test]
fn call_records_aggregate_into_intervals_with_service_level() {
    let dir = tempfile::tempdir().unwrap();
    let input = write(
        dir.path(),
        "calls.csv",
        b"call,arrival,queue,wait,talk,result\n\
          1,2026-01-05T09:02:00,A,10,120,ANS\n\
          2,2026-01-05T09:14:00,A,30,240,ANS\n\
          3,2026-01-05T09:20:00,A,50,,ABN\n\
          4,2026-01-05T09:45:00,A,5,300,ANS\n\
          5,2026-01-05T09:50:00,A,1,0,IVR\n",
    );
    let output = dir.path().join("out.csv");
    wfm()
        .arg("ingest")
        .arg(&input)
        .args([
            "--kind",
            "calls",
            "--map",
            "wait_seconds=wait,handle_seconds=talk,outcome=result",
            "--answered",
            "ANS",
            "--abandoned",
            "ABN",
            "--interval",
            "60m",
            "-o",
        ])
        .arg(&output)
        .assert()
        .success()
        .stderr(contains("IVR: 1"));
    let text = std::fs::read_to_string(&output).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 25, "a header and 24 hourly intervals");
    // 09:00: 4 offered, 3 answered, AHT (120+240+300)/3 = 220, ASA (10+30+5)/3 = 15,
    // 2 answered within 20 s.
    assert_eq!(lines[10], "A,2026-01-05T09:00:00+00:00,4,3,1,220,15,2");
    assert_eq!(lines[11], "A,2026-01-05T10:00:00+00:00,0,0,0,,,0");
}

/// Each bad input: its message, exit code 2, and no output file.
fn assert_rejected(input: &[u8], extra: &[&str], message: &str) {
    let dir = tempfile::tempdir().unwrap();
    let input = write(dir.path(), "bad.csv", input);
    let output = dir.path().join("out.csv");
    wfm()
        .arg("ingest")
        .arg(&input)
        .arg("-o")
        .arg(&output)
        .args(extra)
        .assert()
        .code(2)
        .stderr(contains(message));
    assert!(!output.exists(), "no output may be written for: {message}");
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers.len(), 1, "only the input remains: {leftovers:?}");
}

#[test]
fn unparsable_timestamp() {
    assert_rejected(
        b"queue,interval_start,offered\nq,05.01.2026 09:00,3\n",
        &[],
        "bad.csv: line 2, column \"interval_start\": found \"05.01.2026 09:00\"; expected an ISO 8601 timestamp",
    );
}

#[test]
fn misaligned_timestamp() {
    assert_rejected(
        b"queue,interval_start,offered\nq,2026-01-05 09:00,3\nq,2026-01-05 09:30:30,3\n",
        &[],
        "bad.csv: line 3, column \"interval_start\": found \"2026-01-05 09:30:30\"; expected an interval start on a 30-minute boundary",
    );
}

#[test]
fn negative_count() {
    assert_rejected(
        b"queue,interval_start,offered,abandoned\nq,2026-01-05 09:00,3,-1\n",
        &[],
        "bad.csv: line 2, column \"abandoned\": found \"-1\"; expected a non-negative count",
    );
}

#[test]
fn handled_above_offered() {
    assert_rejected(
        b"queue,interval_start,offered,handled\nq,2026-01-05 09:00,3,5\n",
        &[],
        "bad.csv: line 2, column \"handled\": found \"5\"; expected at most the 3 offered calls",
    );
}

#[test]
fn duplicate_interval() {
    assert_rejected(
        b"queue,interval_start,offered\nq,2026-01-05 09:00,3\nq,2026-01-05 09:30,3\nq,2026-01-05 09:00,4\n",
        &[],
        "bad.csv: line 4, column \"interval_start\": found \"2026-01-05 09:00\"; expected each queue and interval once, but queue q already has this interval at line 2",
    );
}

#[test]
fn mixed_interval_lengths() {
    assert_rejected(
        b"queue,interval_start,offered\nq,2026-01-05 09:00,1\nq,2026-01-05 09:30,1\nq,2026-01-05 10:00,1\nq,2026-01-05 10:15,1\nq,2026-01-05 10:30,1\nq,2026-01-05 11:00,1\nq,2026-01-05 11:30,1\n",
        &[],
        "bad.csv: line 5, column \"interval_start\": found \"2026-01-05 10:15\"; expected one interval length per file, but this row starts 15 minutes after line 4 while most rows are 30 minutes apart (mixed interval lengths)",
    );
}

#[test]
fn non_utf8_bytes() {
    assert_rejected(
        b"queue,interval_start,offered\nVentes \xe9t\xe9,2026-01-05 09:00,3\n",
        &[],
        "bad.csv: line 2, byte 8 of the line: invalid UTF-8 byte 0xE9",
    );
}

#[test]
fn empty_input() {
    assert_rejected(b"", &[], "bad.csv: the file is empty");
}

#[test]
fn coarser_source_than_output_interval() {
    assert_rejected(
        b"queue,interval_start,offered\nq,2026-01-05 09:00,1\nq,2026-01-05 10:00,1\nq,2026-01-05 11:00,1\n",
        &[],
        "the rows are 60 minutes apart, which does not divide the 30-minute output interval",
    );
}

#[test]
fn skipped_local_time_on_spring_forward_day() {
    assert_rejected(
        b"queue,interval_start,offered\nq,2026-03-29 01:00,1\n",
        &["--tz", "Europe/London"],
        "expected a local time that exists in Europe/London",
    );
}

#[test]
fn unknown_map_key_and_unknown_zone() {
    assert_rejected(
        b"queue,interval_start,offered\nq,2026-01-05 09:00,1\n",
        &["--map", "calls=offered"],
        "unknown column key \"calls\" in the column map; expected one of: interval_start, queue, offered",
    );
    assert_rejected(
        b"queue,interval_start,offered\nq,2026-01-05 09:00,1\n",
        &["--tz", "Mars/Olympus"],
        "unknown time zone \"Mars/Olympus\"",
    );
}

#[test]
fn failed_run_leaves_an_existing_output_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let input = write(
        dir.path(),
        "bad.csv",
        b"queue,interval_start,offered\nq,x,1\n",
    );
    let output = write(dir.path(), "out.csv", b"previous\n");
    wfm()
        .arg("ingest")
        .arg(&input)
        .arg("-o")
        .arg(&output)
        .assert()
        .code(2);
    assert_eq!(std::fs::read_to_string(&output).unwrap(), "previous\n");
}

#[test]
fn parquet_output_keeps_zone_aware_starts_and_values() {
    use polars::prelude::{ChunkAgg, DataType, ParquetReader, SerReader, TimeUnit};
    let dir = tempfile::tempdir().unwrap();
    let output = dir.path().join("history.parquet");
    ingest_report(dir.path(), &output).assert().success();
    let frame = ParquetReader::new(std::fs::File::open(&output).unwrap())
        .finish()
        .unwrap();
    assert_eq!(
        frame
            .get_column_names()
            .iter()
            .map(|name| name.as_str())
            .collect::<Vec<_>>(),
        [
            "queue",
            "interval_start",
            "offered",
            "handled",
            "abandoned",
            "aht_seconds",
            "asa_seconds",
            "answered_within_target"
        ]
    );
    assert_eq!(frame.height(), 5);
    match frame.column("interval_start").unwrap().dtype() {
        DataType::Datetime(TimeUnit::Milliseconds, Some(zone)) => {
            assert_eq!(zone.as_str(), "Europe/London")
        }
        other => panic!("unexpected interval_start type {other:?}"),
    }
    let starts = frame
        .column("interval_start")
        .unwrap()
        .cast(&DataType::Int64)
        .unwrap();
    // 2026-10-25T01:00:00+00:00, the second pass through the repeated hour.
    assert_eq!(starts.i64().unwrap().get(3), Some(1_792_890_000_000));
    let offered = frame.column("offered").unwrap().f64().unwrap().sum();
    assert_eq!(offered, Some(27.0));
}

#[test]
fn standard_input_and_quoted_line_breaks_keep_real_line_numbers() {
    use std::io::Write;
    use std::process::Stdio;
    // The quoted queue name spans two lines, so the bad row starts on line 5.
    let input = "\u{feff}Queue,Interval_Start,Offered\n\"q\nx\",2026-01-05 09:00,1\n\n\"q\nx\",2026-01-05 09:30,-1\n";
    let dir = tempfile::tempdir().unwrap();
    let mut child = wfm()
        .args(["ingest", "-", "-o"])
        .arg(dir.path().join("out.csv"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains(
        "stdin: line 5, column \"Offered\": found \"-1\"; expected a non-negative count"
    ));
}

#[test]
fn call_record_with_a_bad_wait() {
    assert_rejected(
        b"arrival,queue,wait_seconds,handle_seconds,outcome\n2026-01-05T09:01:00,q,soon,100,answered\n",
        &["--kind", "calls"],
        "bad.csv: line 2, column \"wait_seconds\": found \"soon\"; expected a number of seconds or a duration like 0:03:05",
    );
}
