//! `wfm capacity` end to end on the sample site: the files and their columns, the
//! figures against each other (gap = required − productive, the first week's
//! productive FTE = the agents' contract hours over 40, scenarios beside the
//! baseline), `--json`, byte-identical reruns, and bad input refused with exit code 2
//! and nothing written.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn wfm() -> Command {
    Command::new(env!("CARGO_BIN_EXE_wfm"))
}

fn sample(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("data/sample")
        .join(name)
}

fn run(args: &[&str]) -> Output {
    let output = wfm().args(args).output().unwrap();
    assert!(
        output.status.success(),
        "wfm {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

fn rows(path: &Path) -> Vec<Vec<String>> {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    std::iter::once(header)
        .chain(
            reader
                .records()
                .map(|r| r.unwrap().iter().map(String::from).collect()),
        )
        .collect()
}

fn number(text: &str) -> f64 {
    text.parse()
        .unwrap_or_else(|_| panic!("not a number: {text}"))
}

#[test]
fn sample_plan_files_agree() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("capacity");
    let config = sample("plan.toml");
    let output = run(&[
        "capacity",
        "--config",
        config.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--volume",
        "+10%",
        "--aht",
        "+15s",
        "--json",
    ]);
    let summary: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();

    let capacity = rows(&out.join("capacity.csv"));
    assert_eq!(
        capacity[0],
        [
            "week",
            "required_fte",
            "productive_fte",
            "gap_fte",
            "hires_starting",
            "attrition",
            "headcount",
            "in_training"
        ]
    );
    assert_eq!(capacity.len(), 53, "52 weeks");
    assert_eq!(capacity[1][0], "2026-12-07", "the Monday after the history");
    // 50 FT agents at 36 h (32-40) and 60 PT at 21 h (12-30): 3,060 h over 40 h per FTE.
    assert_eq!(capacity[1][2], "76.50");
    for row in &capacity[1..] {
        let (required, productive, gap) = (number(&row[1]), number(&row[2]), number(&row[3]));
        assert!((required - productive - gap).abs() <= 0.011, "{row:?}");
        assert!(required > 20.0 && required < 150.0, "{row:?}");
    }
    // 25% a year: 0.5498% a week of 76.5 FTE leave in the first week.
    assert_eq!(capacity[1][5], "0.42");

    let scenarios = rows(&out.join("scenarios.csv"));
    let names: Vec<&str> = scenarios[1..].iter().map(|r| r[0].as_str()).collect();
    assert_eq!(
        names,
        ["baseline", "product launch", "90/30 target", "what-if"]
    );
    let mean = |row: usize| number(&scenarios[row][2]);
    assert!(mean(2) > mean(1), "a launch needs more than the baseline");
    assert!(mean(3) > mean(1), "a tighter target needs more");
    assert!(mean(4) > mean(1), "+10% and +15 s need more");
    assert_eq!(scenarios[4][1], "volume +10%, aht +15s");
    assert_eq!(scenarios[1][13], "0.00");
    let total = |row: usize| number(&scenarios[row][12]);
    assert!(total(4) > total(1));

    let forecast = rows(&out.join("forecast.csv"));
    assert_eq!(forecast.len(), 1 + 2 * 52);
    let per_queue: f64 = forecast[1..]
        .iter()
        .filter(|r| r[1] == "2026-12-07")
        .map(|r| number(&r[5]))
        .sum();
    assert!((per_queue - number(&capacity[1][1])).abs() < 0.011);

    assert_eq!(summary["weeks"], 52);
    assert_eq!(summary["current_fte"], 76.5);
    assert_eq!(summary["scenarios"].as_array().unwrap().len(), 4);
    for queue in summary["queues"].as_array().unwrap() {
        let horizons: Vec<u64> = queue["backtest"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["weeks_ahead"].as_u64().unwrap())
            .collect();
        assert_eq!(horizons, [4, 13, 26]);
        for score in queue["backtest"].as_array().unwrap() {
            let wape = score["wape"].as_f64().unwrap();
            assert!(wape > 0.0 && wape < 0.3, "{queue}");
        }
    }
    let written: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(written, summary);
    let report = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(report.contains("<svg") && report.contains("product launch"));
}

#[test]
fn same_inputs_same_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let config = sample("plan.toml");
    let outs: Vec<PathBuf> = ["one", "two"].iter().map(|n| dir.path().join(n)).collect();
    for out in &outs {
        run(&[
            "capacity",
            "--config",
            config.to_str().unwrap(),
            "--weeks",
            "26",
            "--sl",
            "90/30",
            "-q",
            "--out",
            out.to_str().unwrap(),
        ]);
    }
    for file in [
        "capacity.csv",
        "scenarios.csv",
        "forecast.csv",
        "summary.json",
        "report.html",
    ] {
        let one = std::fs::read(outs[0].join(file)).unwrap();
        let two = std::fs::read(outs[1].join(file)).unwrap();
        assert!(one == two, "{file} differs between runs");
    }
    assert_eq!(rows(&outs[0].join("capacity.csv")).len(), 27);
}

/// A copy of the sample config with `from` replaced by `to`, reading the sample's
/// files by absolute path.
fn broken_config(dir: &Path, from: &str, to: &str) -> PathBuf {
    let text = std::fs::read_to_string(sample("plan.toml")).unwrap();
    assert!(text.contains(from), "{from}");
    let mut text = text.replace(from, to);
    for name in [
        "history.csv",
        "calendar.csv",
        "shifts.toml",
        "agents.csv",
        "contracts.toml",
        "availability.csv",
    ] {
        text = text.replace(
            &format!("\"{name}\""),
            &format!("\"{}\"", sample(name).display()),
        );
    }
    let path = dir.join("plan.toml");
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn bad_input_exits_2_naming_file_and_key_and_writes_nothing() {
    let cases = [
        (
            "attrition = \"25%\"",
            "attrtion = \"25%\"",
            "unknown field `attrtion`",
        ),
        ("min_class = 5", "min_class = 50", "min_class"),
        ("volume = \"+15%\"", "volume = \"15\"", "volume"),
        ("sl = \"90/30\"", "sl = \"190/30\"", "sl"),
    ];
    for (from, to, expected) in cases {
        let dir = tempfile::tempdir().unwrap();
        let config = broken_config(dir.path(), from, to);
        let out = dir.path().join("out");
        let output = wfm()
            .args(["capacity", "--config", config.to_str().unwrap(), "--out"])
            .arg(&out)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{to}: {stderr}");
        assert!(stderr.contains("plan.toml"), "{to}: {stderr}");
        assert!(stderr.contains(expected), "{to}: {stderr}");
        assert!(!out.exists(), "{to}: something was written");
    }
    // Flags: checked before anything is read.
    for flags in [
        ["--volume", "10"],
        ["--sl", "0.9/30"],
        ["--shrinkage", "100%"],
    ] {
        let output = wfm()
            .args([
                "capacity",
                "--config",
                sample("plan.toml").to_str().unwrap(),
            ])
            .args(flags)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{flags:?}");
    }
    let output = wfm()
        .args([
            "capacity",
            "--config",
            sample("plan.toml").to_str().unwrap(),
            "--weeks",
            "0",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("weeks = 0"));
}

/// `wfm plan` still accepts the sample config with its [capacity] and [[scenario]]
/// sections (it ignores them).
#[test]
fn plan_check_accepts_the_capacity_sections() {
    run(&[
        "plan",
        "--check",
        "--config",
        sample("plan.toml").to_str().unwrap(),
    ]);
}
