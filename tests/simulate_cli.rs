//! `wfm simulate` run as a real binary on a small forecast and roster.

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;
use wfm::erlang::{Model, Queue};

/// 8 half-hours of 100 calls at AHT 180 s: 10 Erlangs.
fn forecast() -> String {
    let mut text = String::from("queue,interval_start,calls,aht_seconds\n");
    for h in 0..8 {
        text.push_str(&format!(
            "sales,2026-12-07T{:02}:{:02}:00Z,100,180\n",
            9 + h / 2,
            30 * (h % 2)
        ));
    }
    text
}

/// `agents` agents on sales 08:00-14:00 (London is on GMT in December); the first
/// `lunching` of them at lunch 10:00-11:00, written as a shift row around a lunch row.
fn roster(agents: usize, lunching: usize) -> String {
    let mut text = String::from("agent_id,date,activity,start,end,queue\n");
    for a in 0..agents {
        if a < lunching {
            text.push_str(&format!("A{a:03},2026-12-07,shift,08:00,10:00,sales\n"));
            text.push_str(&format!("A{a:03},2026-12-07,lunch,10:00,11:00,\n"));
            text.push_str(&format!("A{a:03},2026-12-07,shift,11:00,14:00,sales\n"));
        } else {
            text.push_str(&format!("A{a:03},2026-12-07,shift,08:00,14:00,sales\n"));
        }
    }
    text
}

const TARGETS: &str = "[default]\nservice_level = \"80%\"\nanswer_within = \"20s\"\n";

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_string()
}

fn simulate(dir: &Path, roster_text: &str, extra: &[&str]) -> assert_cmd::assert::Assert {
    let forecast = write(dir, "forecast.csv", &forecast());
    let roster = write(dir, "roster.csv", roster_text);
    let targets = write(dir, "targets.toml", TARGETS);
    let mut command = Command::cargo_bin("wfm").unwrap();
    command
        .args(["simulate", "--forecast", &forecast, "--roster", &roster])
        .args(["--targets", &targets, "--tz", "Europe/London"]);
    if !extra.contains(&"--replications") {
        command.args(["--replications", "40"]);
    }
    command.args(extra).assert()
}

/// A CSV as rows of fields (header included).
fn rows(text: &str) -> Vec<Vec<String>> {
    text.lines()
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect()
}

fn number(field: &str) -> f64 {
    field.parse().unwrap()
}

#[test]
fn steady_load_matches_erlang_c_within_the_interval() {
    let dir = tempfile::tempdir().unwrap();
    let days = dir.path().join("days.csv");
    let days_arg = days.to_str().unwrap().to_string();
    let out = simulate(dir.path(), &roster(13, 0), &["--days", &days_arg])
        .success()
        .stderr(
            "sales: simulated service level 81.5% ± 2.1 (target 80% within 20 s), ASA 13.4 s, \
             abandon 0.0%, 0 days below target\n",
        );
    let intervals = rows(&String::from_utf8(out.get_output().stdout.clone()).unwrap());
    assert_eq!(intervals.len(), 9);
    assert_eq!(intervals[0][..3], ["queue", "interval_start", "offered"]);
    assert_eq!(intervals[1][..2], ["sales", "2026-12-07T09:00:00Z"]);

    let erlang_c = Queue::new(Model::ErlangC, 100.0, 1800.0, 180.0)
        .unwrap()
        .metrics(13, Some(20.0));
    let expected = erlang_c.service_level.unwrap();
    assert!((expected - 0.7956).abs() < 1e-4, "{expected}");

    let day = rows(&fs::read_to_string(&days).unwrap());
    assert_eq!(day.len(), 2);
    assert_eq!(day[1][..2], ["sales", "2026-12-07"]);
    let (offered, sl, lo, hi) = (
        number(&day[1][2]),
        number(&day[1][3]),
        number(&day[1][4]),
        number(&day[1][5]),
    );
    assert!((offered - 800.0).abs() < 15.0, "offered {offered}");
    assert!(
        lo <= expected && expected <= hi,
        "{lo} <= {expected} <= {hi}"
    );
    assert!(hi - lo < 0.05, "interval too wide: {lo}-{hi}");
    assert!((sl - expected).abs() < 0.025, "{sl} vs {expected}");
    // Occupancy: 10 Erlangs on 13 agents, and no abandonment without patience.
    let occupancy = number(&day[1][12]);
    assert!((occupancy - 10.0 / 13.0).abs() < 0.02, "{occupancy}");
    assert_eq!(day[1][9], "0");
}

#[test]
fn the_same_seed_gives_byte_identical_outputs() {
    let dir = tempfile::tempdir().unwrap();
    let run = || {
        let out = simulate(dir.path(), &roster(12, 0), &[]).success();
        out.get_output().stdout.clone()
    };
    let first = run();
    assert!(first.len() > 500);
    assert_eq!(first, run());
    let other = simulate(dir.path(), &roster(12, 0), &["--seed", "8"]).success();
    assert_ne!(first, other.get_output().stdout);
}

#[test]
fn a_lunch_gap_lowers_the_service_level() {
    let dir = tempfile::tempdir().unwrap();
    let sl_by_interval = |roster_text: &str| -> Vec<(f64, f64, f64)> {
        let out = simulate(dir.path(), roster_text, &[]).success();
        rows(&String::from_utf8(out.get_output().stdout.clone()).unwrap())[1..]
            .iter()
            .map(|r| (number(&r[3]), number(&r[4]), number(&r[5])))
            .collect()
    };
    let full = sl_by_interval(&roster(13, 0));
    let lunch = sl_by_interval(&roster(13, 2));
    // 10:00 and 10:30 (rows 2 and 3): 11 agents for 10 Erlangs (Erlang C: 39%); the
    // intervals separate (simulated 51% and 39% against 80% and 83%).
    for i in [2, 3] {
        assert!(lunch[i].2 < full[i].1, "{:?} vs {:?}", lunch[i], full[i]);
        assert!(lunch[i].0 < 0.6, "{:?}", lunch[i]);
    }
    // Before the lunch, the same agents: the same service level within noise.
    assert!((lunch[0].0 - full[0].0).abs() < 0.1);
}

#[test]
fn json_summary_replaces_the_stderr_lines() {
    let dir = tempfile::tempdir().unwrap();
    let out = simulate(dir.path(), &roster(13, 0), &["--json"])
        .success()
        .stderr("");
    let json: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let sales = &json["queues"][0];
    assert_eq!(sales["name"], "sales");
    assert_eq!(sales["days_below_target"], 0);
    assert_eq!(json["replications"], 40);
    let sl = sales["horizon"]["service_level"]["mean"].as_f64().unwrap();
    assert!((sl - 0.7956).abs() < 0.025, "{sl}");
}

#[test]
fn bad_input_exits_2_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("intervals.csv");
    let out_arg = out.to_str().unwrap().to_string();
    let unknown = roster(3, 0).replace(
        "A001,2026-12-07,shift,08:00,14:00,sales",
        "A001,2026-12-07,shift,08:00,14:00,billing",
    );
    simulate(dir.path(), &unknown, &["-o", &out_arg])
        .code(2)
        .stderr(predicate::str::contains(
            "roster.csv line 3: queue \"billing\" is not in the forecast (its queues: sales)",
        ));
    assert!(!out.exists());

    simulate(
        dir.path(),
        &roster(3, 0),
        &["-o", &out_arg, "--replications", "1"],
    )
    .code(2)
    .stderr(predicate::str::contains(
        "\"1\" is not a number of replications; expected 2 to 100000",
    ));
    assert!(!out.exists());
}

/// `wfm simulate` with the given files written into `dir` and the arguments, where
/// `{name}` in an argument is the path of the file `name`.
fn simulate_files(dir: &Path, files: &[(&str, &str)], args: &[&str]) -> assert_cmd::assert::Assert {
    let mut command = Command::cargo_bin("wfm").unwrap();
    // The site's zone when the arguments give no --tz (there is no default zone).
    command.env("WFM_TZ", "UTC").arg("simulate");
    let paths: Vec<(String, String)> = files
        .iter()
        .map(|(name, text)| (format!("{{{name}}}"), write(dir, name, text)))
        .collect();
    for arg in args {
        let mut arg = arg.to_string();
        for (key, path) in &paths {
            arg = arg.replace(key, path);
        }
        command.arg(arg);
    }
    command.assert()
}

/// shifts.csv as `wfm schedule` writes it: `count` shifts 08:00-14:00 on 7 December.
fn shifts(count: u32) -> String {
    format!(
        "date,template,start,end,lunch_start,lunch_end,breaks,count\n\
         2026-12-07,D6,08:00,14:00,,,,{count}\n"
    )
}

/// 13 anonymous shifts are the 13 rostered agents: the same spans, the same random
/// numbers, the same figures to the byte.
#[test]
fn a_schedule_simulates_like_the_same_roster() {
    let dir = tempfile::tempdir().unwrap();
    let common = [
        "--forecast",
        "{forecast.csv}",
        "--targets",
        "{targets.toml}",
        "--tz",
        "Europe/London",
        "--replications",
        "40",
    ];
    let files = [
        ("forecast.csv", forecast()),
        ("roster.csv", roster(13, 0)),
        ("shifts.csv", shifts(13)),
        ("targets.toml", TARGETS.to_string()),
    ];
    let files: Vec<(&str, &str)> = files.iter().map(|(n, t)| (*n, t.as_str())).collect();
    let by_roster = simulate_files(
        dir.path(),
        &files,
        &[&common[..], &["--roster", "{roster.csv}"]].concat(),
    )
    .success();
    let by_shifts = simulate_files(
        dir.path(),
        &files,
        &[&common[..], &["--shifts", "{shifts.csv}"]].concat(),
    )
    .success()
    .stderr(
        "sales: simulated service level 81.5% ± 2.1 (target 80% within 20 s), ASA 13.4 s, \
         abandon 0.0%, 0 days below target\n",
    );
    assert_eq!(by_roster.get_output().stdout, by_shifts.get_output().stdout);

    // Exactly one of --roster and --shifts; a schedule cannot be routed `assigned`.
    let both = [
        &common[..],
        &["--roster", "{roster.csv}", "--shifts", "{shifts.csv}"],
    ]
    .concat();
    simulate_files(dir.path(), &files, &both)
        .code(2)
        .stderr(predicate::str::contains("cannot be used with"));
    simulate_files(dir.path(), &files, &common)
        .code(2)
        .stderr(predicate::str::contains("--roster <FILE>|--shifts <FILE>"));
    let assigned = [
        &common[..],
        &["--shifts", "{shifts.csv}", "--routing", "assigned"],
    ]
    .concat();
    simulate_files(dir.path(), &files, &assigned)
        .code(2)
        .stderr(predicate::str::contains(
            "--routing assigned needs a roster",
        ));
}

/// Two queues of 5 Erlangs, 14 agents: split 7 and 7 (routing assigned, one queue per
/// cell), or all logged into both (routing skills, `sales;support`). The pool serves
/// both queues clearly better: about 75% split and 91% pooled (Erlang C's steady state:
/// 7 agents on 5 Erlangs give 70.5%, 14 on 10 give 87.2%; four hours that start with
/// an empty queue do a few points better).
#[test]
fn skills_routing_pools_the_queues_a_cell_names() {
    let dir = tempfile::tempdir().unwrap();
    let mut forecast = String::from("queue,interval_start,calls,aht_seconds\n");
    for queue in ["sales", "support"] {
        for h in 0..8 {
            forecast.push_str(&format!(
                "{queue},2026-12-07T{:02}:{:02}:00Z,50,180\n",
                9 + h / 2,
                30 * (h % 2)
            ));
        }
    }
    let roster = |cell: &dyn Fn(usize) -> &'static str| {
        let mut text = String::from("agent_id,date,activity,start,end,queue\n");
        for a in 0..14 {
            text.push_str(&format!(
                "A{a:02},2026-12-07,shift,08:00,14:00,{}\n",
                cell(a)
            ));
        }
        text
    };
    let split = roster(&|a| if a % 2 == 0 { "sales" } else { "support" });
    let pooled = roster(&|_| "sales;support");
    let service_levels = |roster_text: &str, routing: &str| -> Vec<(f64, f64)> {
        let out = simulate_files(
            dir.path(),
            &[
                ("forecast.csv", &forecast),
                ("roster.csv", roster_text),
                ("targets.toml", TARGETS),
            ],
            &[
                "--forecast",
                "{forecast.csv}",
                "--roster",
                "{roster.csv}",
                "--targets",
                "{targets.toml}",
                "--routing",
                routing,
                "--replications",
                "20",
                "--json",
            ],
        )
        .success();
        let json: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
        assert_eq!(json["settings"]["routing"], routing);
        (0..2)
            .map(|q| {
                let sl = &json["queues"][q]["horizon"]["service_level"];
                (
                    sl["mean"].as_f64().unwrap(),
                    sl["half_width"].as_f64().unwrap(),
                )
            })
            .collect()
    };
    let assigned = service_levels(&split, "assigned");
    let skills = service_levels(&pooled, "skills");
    for q in 0..2 {
        let ((a, a_half), (s, s_half)) = (assigned[q], skills[q]);
        assert!(
            s - s_half > a + a_half,
            "queue {q}: pooled {s} ± {s_half}, split {a} ± {a_half}"
        );
        assert!((0.872..0.872 + 0.06).contains(&s), "pooled {s}");
        assert!((0.705..0.705 + 0.06).contains(&a), "split {a}");
    }

    // The same pooled cells under routing assigned are refused where they are.
    simulate_files(
        dir.path(),
        &[
            ("forecast.csv", &forecast),
            ("roster.csv", &pooled),
            ("targets.toml", TARGETS),
        ],
        &[
            "--forecast",
            "{forecast.csv}",
            "--roster",
            "{roster.csv}",
            "--targets",
            "{targets.toml}",
        ],
    )
    .code(2)
    .stderr(predicate::str::contains(
        "roster.csv: line 2, column \"queue\": found \"sales;support\"; expected one queue \
         under routing assigned",
    ));
}

/// The targets' shrinkage makes agents absent: 19 rostered with 30% shrinkage are 13.3
/// logged in on average (per-slot, the default), 19 with `--absence none`.
#[test]
fn shrinkage_becomes_absence() {
    let dir = tempfile::tempdir().unwrap();
    let targets = format!("{TARGETS}shrinkage = \"30%\"\n");
    let logged_in = |absence: &str| -> (f64, f64) {
        let out = simulate_files(
            dir.path(),
            &[
                ("forecast.csv", &forecast()),
                ("roster.csv", &roster(19, 0)),
                ("targets.toml", &targets),
            ],
            &[
                "--forecast",
                "{forecast.csv}",
                "--roster",
                "{roster.csv}",
                "--targets",
                "{targets.toml}",
                "--absence",
                absence,
                "--json",
            ],
        )
        .success();
        let json: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
        assert_eq!(json["settings"]["absence"], absence);
        let agents = &json["queues"][0]["horizon"]["logged_in_agents"];
        (
            agents["mean"].as_f64().unwrap(),
            agents["half_width"].as_f64().unwrap(),
        )
    };
    let (mean, half) = logged_in("per-slot");
    // The 8 half-hours 09:00-13:00, 19 agents x 32 quarter-hours a replication.
    assert!((mean - 13.3).abs() <= half, "{mean} ± {half}");
    assert!(half < 0.3, "{half}");
    assert_eq!(logged_in("none"), (19.0, 0.0));
}

#[test]
fn handle_time_and_volume_options_are_checked() {
    let dir = tempfile::tempdir().unwrap();
    let files = [
        ("forecast.csv", forecast()),
        ("roster.csv", roster(13, 0)),
        ("targets.toml", TARGETS.to_string()),
    ];
    let files: Vec<(&str, &str)> = files.iter().map(|(n, t)| (*n, t.as_str())).collect();
    let base = [
        "--forecast",
        "{forecast.csv}",
        "--roster",
        "{roster.csv}",
        "--targets",
        "{targets.toml}",
    ];
    fn with<'a>(base: &[&'a str], extra: &[&'a str]) -> Vec<&'a str> {
        [base, extra].concat()
    }
    simulate_files(dir.path(), &files, &with(&base, &["--aht-cv", "0.5"]))
        .code(2)
        .stderr(predicate::str::contains(
            "aht_cv 0.5: exponential handle times have a coefficient of variation of 1",
        ));
    // The forecast has no calls_lo/calls_hi.
    simulate_files(dir.path(), &files, &with(&base, &["--volume", "interval"]))
        .code(2)
        .stderr(predicate::str::contains(
            "no prediction interval (columns calls_lo and calls_hi, as wfm forecast writes them)",
        ));
    // Lognormal handle times with a CV of 0.5 wait less than exponential ones (the
    // library's tests measure how much).
    let asa = |extra: &[&str]| -> (f64, serde_json::Value) {
        let out = simulate_files(
            dir.path(),
            &files,
            &with(&base, &[extra, &["--json"]].concat()),
        )
        .success();
        let json: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
        let asa = json["queues"][0]["horizon"]["asa_seconds"]["mean"]
            .as_f64()
            .unwrap();
        (asa, json["settings"].clone())
    };
    let (exponential, _) = asa(&[]);
    let (lognormal, settings) = asa(&["--aht-distribution", "lognormal", "--aht-cv", "0.5"]);
    assert!(lognormal < exponential, "{lognormal} vs {exponential}");
    assert_eq!(settings["aht_distribution"], "lognormal");
    assert_eq!(settings["aht_cv"], 0.5);
}
