//! `--json` on ingest, forecast, backtest, staff, schedule and roster: the summary as
//! one JSON object on stdout, whose figures match the files the same run writes; with
//! the default `-o -`, stdout holds the JSON alone.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn wfm() -> Command {
    Command::new(env!("CARGO_BIN_EXE_wfm"))
}

const SAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/data/sample");

fn sample(name: &str) -> PathBuf {
    Path::new(SAMPLE).join(name)
}

/// Runs, requires success, returns the output.
fn ok(command: &mut Command) -> Output {
    let output = command.output().unwrap();
    assert!(
        output.status.success(),
        "{command:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// Stdout parsed as one JSON object.
fn json(output: &Output) -> Value {
    let value: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!("{e}: {}", String::from_utf8_lossy(&output.stdout));
    });
    assert!(value.is_object(), "{value}");
    value
}

/// Data rows (lines after the header) of a CSV file.
fn csv_rows(path: &Path) -> Vec<Vec<String>> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .skip(1)
        .map(|line| line.split(',').map(str::to_string).collect())
        .collect()
}

/// 35 days of the synthetic sample history (2024-11-01 to 2024-12-05, Europe/London).
fn history(dir: &Path) -> PathBuf {
    ok(wfm()
        .args(["generate", "--days", "35", "--out-dir"])
        .arg(dir));
    dir.join("history.csv")
}

#[test]
fn ingest_json_counts_the_intervals_it_writes() {
    let dir = tempfile::tempdir().unwrap();
    let history = history(dir.path());
    let table = dir.path().join("canonical.csv");
    let output = ok(wfm()
        .arg("ingest")
        .arg(&history)
        .args(["--tz", "Europe/London", "--json", "-o"])
        .arg(&table));
    assert!(output.stderr.is_empty(), "{output:?}");
    let summary = json(&output);
    let rows = csv_rows(&table).len();
    assert_eq!(rows, 35 * 48 * 2);
    assert_eq!(summary["intervals_written"], rows);
    assert_eq!(summary["rows_read"], rows);
    assert_eq!(summary["files"], 1);
    assert_eq!(summary["queues"], serde_json::json!(["sales", "support"]));
    assert_eq!(summary["gap_intervals"], 0);
    assert_eq!(summary["fill"], "missing");
    let minutes = summary["source_interval_minutes"].as_object().unwrap();
    assert_eq!(minutes.len(), 1);
    assert_eq!(minutes.values().next().unwrap(), 30);

    // Without -o, stdout is the JSON alone; without --json, the same table as before.
    let alone = ok(wfm()
        .arg("ingest")
        .arg(&history)
        .args(["--tz", "Europe/London", "--json"]));
    assert_eq!(json(&alone), summary);
    let plain = ok(wfm()
        .arg("ingest")
        .arg(&history)
        .args(["--tz", "Europe/London"]));
    assert_eq!(plain.stdout, std::fs::read(&table).unwrap());
}

#[test]
fn forecast_json_names_each_queue_method_and_the_rows_written() {
    let dir = tempfile::tempdir().unwrap();
    let history = history(dir.path());
    let forecast = |extra: &[&str], output: &Path| {
        ok(wfm()
            .arg("forecast")
            .arg("--history")
            .arg(&history)
            .args([
                "--tz",
                "Europe/London",
                "--start",
                "2024-12-06",
                "--days",
                "2",
            ])
            .args(extra)
            .arg("-o")
            .arg(output))
    };
    let with_json = dir.path().join("json.csv");
    let plain_csv = dir.path().join("plain.csv");
    let summary = json(&forecast(&["--json"], &with_json));
    let plain = forecast(&[], &plain_csv);
    assert_eq!(
        std::fs::read(&with_json).unwrap(),
        std::fs::read(&plain_csv).unwrap()
    );
    assert_eq!(summary["rows"], csv_rows(&with_json).len());
    assert_eq!(summary["rows"], 2 * 48 * 2);
    let stderr = String::from_utf8(plain.stderr).unwrap();
    let queues = summary["queues"].as_array().unwrap();
    assert_eq!(queues.len(), 2);
    for queue in queues {
        let name = queue["queue"].as_str().unwrap();
        let method = queue["method"].as_str().unwrap();
        let scored = queue["backtest_wape"]
            .as_f64()
            .map(|wape| format!(" (backtest WAPE {:.1}%)", wape * 100.0))
            .unwrap_or_default();
        let line = format!("{name}: {method}{scored}\n");
        assert!(stderr.contains(&line), "{line} not in {stderr}");
    }
}

#[test]
fn backtest_json_has_the_scores_of_the_csv() {
    let dir = tempfile::tempdir().unwrap();
    let history = history(dir.path());
    let scores = dir.path().join("scores.csv");
    let output = ok(wfm()
        .arg("backtest")
        .arg("--history")
        .arg(&history)
        .args(["--tz", "Europe/London", "--horizon", "7", "--origins", "2"])
        .args([
            "--methods",
            "seasonal-naive,historical-average",
            "--json",
            "-o",
        ])
        .arg(&scores));
    let summary = json(&output);
    assert_eq!(summary["level"], 0.8);
    let rows = csv_rows(&scores);
    let json_rows = summary["scores"].as_array().unwrap();
    assert_eq!(json_rows.len(), rows.len());
    assert_eq!(rows.len(), 4);
    for (row, score) in rows.iter().zip(json_rows) {
        assert_eq!(score["queue"], row[0].as_str());
        assert_eq!(score["method"], row[1].as_str());
        assert_eq!(score["origins"], row[2].parse::<u64>().unwrap());
        assert_eq!(score["intervals"], row[3].parse::<u64>().unwrap());
        for (column, field) in [(4, "wape"), (5, "mase"), (6, "bias"), (7, "coverage")] {
            let csv: f64 = row[column].parse().unwrap();
            let value = score[field].as_f64().unwrap();
            assert!((value - csv).abs() < 5e-5, "{field}: {value} vs {csv}");
        }
    }
}

/// History, forecast and requirements of 2024-12-06 and 07 in `dir`.
fn requirements(dir: &Path) -> PathBuf {
    let history = history(dir);
    let forecast = dir.join("forecast.csv");
    ok(wfm()
        .arg("forecast")
        .arg("--history")
        .arg(&history)
        .args([
            "--tz",
            "Europe/London",
            "--start",
            "2024-12-06",
            "--days",
            "2",
        ])
        .arg("-o")
        .arg(&forecast));
    let requirements = dir.join("requirements.csv");
    ok(wfm()
        .args(["staff", "--forecast"])
        .arg(&forecast)
        .arg("--targets")
        .arg(sample("targets.toml"))
        .arg("-o")
        .arg(&requirements));
    requirements
}

#[test]
fn staff_json_counts_the_requirement_rows() {
    let dir = tempfile::tempdir().unwrap();
    let requirements = requirements(dir.path());
    let forecast = dir.path().join("forecast.csv");
    let written = dir.path().join("json.csv");
    let output = ok(wfm()
        .args(["staff", "--forecast"])
        .arg(&forecast)
        .arg("--targets")
        .arg(sample("targets.toml"))
        .args(["--json", "-o"])
        .arg(&written));
    assert!(output.stderr.is_empty(), "{output:?}");
    let summary = json(&output);
    assert_eq!(summary["intervals"], csv_rows(&requirements).len());
    assert_eq!(summary["intervals"], 192);
    assert_eq!(summary["unmet_intervals"], 0);
    assert_eq!(summary["unmet_examples"], serde_json::json!([]));
    assert_eq!(
        std::fs::read(&written).unwrap(),
        std::fs::read(&requirements).unwrap()
    );

    // An unreachable target: counted, with examples.
    let output = ok(wfm().args(["staff", "--forecast"]).arg(&forecast).args([
        "--sl",
        "80/20",
        "--max-occupancy",
        "1%",
        "--json",
    ]));
    let summary = json(&output);
    let unmet = summary["unmet_intervals"].as_u64().unwrap();
    assert!(unmet > 0, "{summary}");
    assert!(!summary["unmet_examples"].as_array().unwrap().is_empty());
}

#[test]
fn schedule_json_matches_its_shifts_and_coverage() {
    let dir = tempfile::tempdir().unwrap();
    let requirements = requirements(dir.path());
    let shifts = dir.path().join("shifts.csv");
    let coverage = dir.path().join("coverage.csv");
    let output = ok(wfm()
        .arg("schedule")
        .arg("--requirements")
        .arg(&requirements)
        .arg("--shifts")
        .arg(sample("shifts.toml"))
        .args([
            "--start",
            "2024-12-06",
            "--days",
            "2",
            "--tz",
            "Europe/London",
        ])
        .args(["--time-limit", "30s", "--json", "-o"])
        .arg(&shifts)
        .arg("--coverage")
        .arg(&coverage));
    assert!(output.stderr.is_empty(), "{output:?}");
    let summary = json(&output);
    let count: u64 = csv_rows(&shifts)
        .iter()
        .map(|row| row.last().unwrap().parse::<u64>().unwrap())
        .sum();
    assert!(count > 0);
    assert_eq!(summary["shifts"], count);
    let coverage = csv_rows(&coverage);
    let short = coverage
        .iter()
        .filter(|row| row[7].parse::<f64>().unwrap() > 1e-6)
        .count();
    assert_eq!(summary["unmet_intervals"], short);
    assert_eq!(summary["short"].as_array().unwrap().len(), short);
    assert_eq!(summary["group"], "sales+support");
    let solver = &summary["solver"];
    assert!(solver["variables"].as_u64().unwrap() > 0);
    assert!(solver["objective"].as_f64().unwrap() >= solver["best_bound"].as_f64().unwrap() - 1e-6);
    assert!(summary["paid_cost"].as_f64().unwrap() > 0.0);
}

#[test]
fn roster_json_reports_the_known_optimum_and_each_agent() {
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name);
    std::fs::write(
        path("shifts.toml"),
        "[[template]]\nname = \"N8\"\npaid_hours = 8.0\nstart_earliest = \"09:00\"\n\
         start_latest = \"09:00\"\nstart_step = \"1h\"\ncost_per_hour = 1.0\n",
    )
    .unwrap();
    std::fs::write(
        path("contracts.toml"),
        "[contract.FT]\ntemplates = [\"N8\"]\nmin_hours_per_week = 0.0\n\
         max_hours_per_week = 56.0\nmax_days_per_week = 5\nmax_consecutive_days = 7\n\
         min_rest = \"0h\"\ndays_off_per_week = 0\nmax_weekends_per_4_weeks = 4\n\
         [soft]\npreference = 0.0\nisolated_day_off = 0.0\nweekend_spread = 0.0\n\
         early_late_spread = 0.0\nhours_spread_per_hour = 0.0\n\
         secondary_skill_per_agent_hour = 0.0\n",
    )
    .unwrap();
    std::fs::write(
        path("agents.csv"),
        "agent_id,name,contract,skills\nA1,Ann,FT,sales\nA2,Bob,FT,sales\nA3,Cy,FT,sales\n",
    )
    .unwrap();
    // 2 agents 09:00-17:00 every day of the week from Monday 2027-02-01.
    let mut text = String::from("queue,interval_start,calls,aht_seconds,agents,scheduled_staff\n");
    for day in 1..=7 {
        for half_hour in 0..48 {
            let need = if (18..34).contains(&half_hour) { 2 } else { 0 };
            text.push_str(&format!(
                "sales,2027-02-{day:02}T{:02}:{:02}:00+00:00,{},180,{need},{need}\n",
                half_hour / 2,
                half_hour % 2 * 30,
                need * 10
            ));
        }
    }
    std::fs::write(path("requirements.csv"), text).unwrap();
    let output = ok(wfm()
        .arg("roster")
        .arg("--requirements")
        .arg(path("requirements.csv"))
        .arg("--agents")
        .arg(path("agents.csv"))
        .arg("--contracts")
        .arg(path("contracts.toml"))
        .arg("--shifts")
        .arg(path("shifts.toml"))
        .args(["--start", "2027-02-01", "--days", "7", "--tz", "UTC"])
        .args(["--time-limit", "60s", "--mip-gap", "0%", "--json", "-o"])
        .arg(path("roster.csv"))
        .arg("--summary")
        .arg(path("summary.csv")));
    assert!(output.stderr.is_empty(), "{output:?}");
    let summary = json(&output);
    assert_eq!(summary["cost"]["paid"], 112.0);
    assert_eq!(summary["cost"]["shortfall"], 0.0);
    assert_eq!(summary["shortfall_agent_intervals"], 0.0);
    assert_eq!(summary["shortfalls"], serde_json::json!([]));
    let agents = summary["agents"].as_array().unwrap();
    let rows = csv_rows(&path("summary.csv"));
    assert_eq!(agents.len(), 3);
    assert_eq!(rows.len(), 3);
    for (agent, row) in agents.iter().zip(&rows) {
        assert_eq!(agent["agent_id"], row[0].as_str());
        assert_eq!(agent["contract"], row[2].as_str());
        assert_eq!(
            agent["hours"].as_f64().unwrap(),
            row[3].parse::<f64>().unwrap()
        );
        assert_eq!(agent["days"], row[5].parse::<u64>().unwrap());
    }
    let hours: f64 = agents.iter().map(|a| a["hours"].as_f64().unwrap()).sum();
    assert_eq!(hours, 112.0);
    let shifts = std::fs::read_to_string(path("roster.csv"))
        .unwrap()
        .lines()
        .filter(|line| line.contains(",shift,"))
        .count();
    assert_eq!(shifts, 14);

    // Without -o: the JSON alone, no roster written anywhere.
    let alone = ok(wfm()
        .arg("roster")
        .arg("--requirements")
        .arg(path("requirements.csv"))
        .arg("--agents")
        .arg(path("agents.csv"))
        .arg("--contracts")
        .arg(path("contracts.toml"))
        .arg("--shifts")
        .arg(path("shifts.toml"))
        .args(["--start", "2027-02-01", "--days", "7", "--tz", "UTC"])
        .args(["--time-limit", "60s", "--mip-gap", "0%", "--json"]));
    assert_eq!(json(&alone)["cost"]["paid"], 112.0);
}
