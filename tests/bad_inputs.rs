//! Every bad input of issue 17, item 6, fails cleanly: the documented exit code (2 for
//! bad input), a message naming the user's file (and its line where there is one),
//! no file created or changed beside the inputs, under a time limit and a cap on the
//! address space (no runaway memory, no hang, no panic).
//!
//! Each case starts from a copy of `data/sample` plus a week of forecast and
//! requirements (written here), changes one thing, and runs one command in that
//! directory with `WFM_TZ=Europe/London`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Each run's wall-clock limit: the slowest case runs in about a second.
const TIME_LIMIT: Duration = Duration::from_secs(60);
/// Each run's address-space cap (`prlimit --as`), bytes: the cases that once grew
/// past 20 GB or aborted on a 12.5 GB allocation must fail well below it.
const ADDRESS_SPACE: u64 = 3 << 30;

/// A bad-input case: what to change in the copy, the command, what it must say.
struct Case {
    name: &'static str,
    /// Edits the copy of the sample in the directory.
    edit: fn(&Path),
    args: &'static [&'static str],
    code: i32,
    /// Each must appear in stderr.
    says: &'static [&'static str],
}

fn sample_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data/sample")
}

/// A week (2026-12-01 to 07, London: UTC in December) of half-hour rows for both
/// sample queues: `row(queue, stamp, busy)` gives the cells after the start.
fn week_file(header: &str, row: impl Fn(&str, bool) -> String) -> String {
    let mut text = format!("{header}\n");
    for queue in ["sales", "support"] {
        for day in 1..=7 {
            for slot in 0..48 {
                let busy = (16..40).contains(&slot);
                let stamp = format!(
                    "2026-12-{day:02}T{:02}:{:02}:00+00:00",
                    slot / 2,
                    slot % 2 * 30
                );
                writeln!(text, "{queue},{stamp},{}", row(queue, busy)).unwrap();
            }
        }
    }
    text
}

/// A copy of the sample with `forecast.csv`, `requirements.csv` and a small
/// `roster.csv` added.
fn fixture() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(sample_dir()).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, dir.path().join(path.file_name().unwrap())).unwrap();
    }
    let forecast = week_file(
        "queue,interval_start,calls,aht_seconds,calls_lo,calls_hi",
        |_, busy| if busy { "40,300,30,50" } else { "0,300,0,0" }.to_string(),
    );
    std::fs::write(dir.path().join("forecast.csv"), forecast).unwrap();
    let requirements = week_file(
        "queue,interval_start,calls,aht_seconds,agents,scheduled_staff",
        |_, busy| if busy { "40,300,9,13" } else { "0,300,0,0" }.to_string(),
    );
    std::fs::write(dir.path().join("requirements.csv"), requirements).unwrap();
    std::fs::write(
        dir.path().join("roster.csv"),
        "agent_id,date,activity,start,end,queue\n\
         A001,2026-12-01,shift,09:00,12:00,support\n\
         A001,2026-12-01,lunch,12:00,12:30,\n\
         A001,2026-12-01,shift,12:30,17:30,support\n",
    )
    .unwrap();
    dir
}

fn edit(path: &Path, name: &str, change: impl FnOnce(String) -> String) {
    let file = path.join(name);
    let text = std::fs::read_to_string(&file).unwrap();
    let changed = change(text.clone());
    assert_ne!(changed, text, "the edit of {name} changed nothing");
    std::fs::write(file, changed).unwrap();
}

fn append(path: &Path, name: &str, line: &str) {
    edit(path, name, |text| format!("{text}{line}\n"));
}

/// Every file under `dir` with its bytes (lock files of `wfm plan` aside: they are
/// kept on purpose, see `plan::outdir`).
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(next) = pending.pop() {
        for entry in std::fs::read_dir(&next).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_none_or(|e| e != "lock") {
                let bytes = std::fs::read(&path).unwrap();
                files.insert(path.strip_prefix(dir).unwrap().to_path_buf(), bytes);
            }
        }
    }
    files
}

/// `wfm ARGS` in `dir`, under the time limit and the address-space cap.
fn run_capped(dir: &Path, args: &[&str]) -> std::process::Output {
    let mut command = if Path::new("/usr/bin/prlimit").exists() {
        let mut command = assert_cmd::Command::new("/usr/bin/prlimit");
        command
            .arg(format!("--as={ADDRESS_SPACE}"))
            .arg("--")
            .arg(env!("CARGO_BIN_EXE_wfm"));
        command
    } else {
        assert_cmd::Command::new(env!("CARGO_BIN_EXE_wfm"))
    };
    command
        .args(args)
        .current_dir(dir)
        .env("WFM_TZ", "Europe/London")
        .env_remove("RUST_LOG")
        .timeout(TIME_LIMIT)
        .output()
        .unwrap()
}

const SCHEDULE: &[&str] = &[
    "schedule",
    "--requirements",
    "requirements.csv",
    "--shifts",
    "shifts.toml",
    "--start",
    "2026-12-01",
    "--days",
    "7",
    "-o",
    "out-shifts.csv",
];
const ROSTER: &[&str] = &[
    "roster",
    "--requirements",
    "requirements.csv",
    "--agents",
    "agents.csv",
    "--contracts",
    "contracts.toml",
    "--shifts",
    "shifts.toml",
    "--start",
    "2026-12-01",
    "--days",
    "7",
    "-o",
    "out-roster.csv",
];
const CHECK: &[&str] = &[
    "roster",
    "check",
    "--roster",
    "roster.csv",
    "--agents",
    "agents.csv",
    "--contracts",
    "contracts.toml",
    "--shifts",
    "shifts.toml",
];
const STAFF: &[&str] = &[
    "staff",
    "--forecast",
    "forecast.csv",
    "--targets",
    "targets.toml",
    "-o",
    "out-requirements.csv",
];
const FORECAST: &[&str] = &[
    "forecast",
    "--history",
    "history.csv",
    "--start",
    "2026-12-01",
    "--days",
    "7",
    "-o",
    "out-forecast.csv",
];
const INGEST: &[&str] = &["ingest", "history.csv", "-o", "out-history.csv"];
const PLAN: &[&str] = &["plan", "--config", "plan.toml", "--out", "out-plan"];

fn no_edit(_: &Path) {}

fn cases() -> Vec<Case> {
    vec![
        // Data loss: an output over an input.
        Case {
            name: "ingest_output_is_its_input",
            edit: no_edit,
            args: &["ingest", "history.csv", "-o", "history.csv"],
            code: 2,
            says: &["history.csv is both an input and an output"],
        },
        Case {
            name: "forecast_output_is_the_history",
            edit: no_edit,
            args: &[
                "forecast",
                "--history",
                "history.csv",
                "--start",
                "2026-12-01",
                "--days",
                "7",
                "-o",
                "history.csv",
            ],
            code: 2,
            says: &["history.csv is both an input and an output"],
        },
        Case {
            name: "staff_output_is_the_forecast",
            edit: no_edit,
            args: &["staff", "--forecast", "forecast.csv", "-o", "forecast.csv"],
            code: 2,
            says: &["forecast.csv is both an input and an output"],
        },
        Case {
            name: "schedule_output_is_the_requirements",
            edit: no_edit,
            args: &[
                "schedule",
                "--requirements",
                "requirements.csv",
                "--shifts",
                "shifts.toml",
                "--start",
                "2026-12-01",
                "--days",
                "7",
                "-o",
                "requirements.csv",
            ],
            code: 2,
            says: &["requirements.csv is both an input and an output"],
        },
        Case {
            name: "roster_output_is_the_agents",
            edit: no_edit,
            args: &[
                "roster",
                "--requirements",
                "requirements.csv",
                "--agents",
                "agents.csv",
                "--contracts",
                "contracts.toml",
                "--shifts",
                "shifts.toml",
                "--start",
                "2026-12-01",
                "--days",
                "7",
                "-o",
                "agents.csv",
            ],
            code: 2,
            says: &["agents.csv is both an input and an output"],
        },
        Case {
            name: "two_outputs_to_one_path",
            edit: no_edit,
            args: &[
                "schedule",
                "--requirements",
                "requirements.csv",
                "--shifts",
                "shifts.toml",
                "--start",
                "2026-12-01",
                "--days",
                "7",
                "-o",
                "x.csv",
                "--coverage",
                "x.csv",
            ],
            code: 2,
            says: &["name the same output file"],
        },
        // Crashes: dates far out, huge settings.
        Case {
            name: "ingest_year_0",
            edit: |d| {
                edit(d, "history.csv", |t| {
                    t.replacen("2024-11-01T00:00:00", "0000-11-01T00:00:00", 1)
                })
            },
            args: INGEST,
            code: 2,
            says: &[
                "history.csv: line 2, column \"interval_start\"",
                "1900 to 2199",
            ],
        },
        Case {
            name: "ingest_year_1",
            edit: |d| {
                edit(d, "history.csv", |t| {
                    t.replacen("2024-11-01T00:00:00", "0001-11-01T00:00:00", 1)
                })
            },
            args: INGEST,
            code: 2,
            says: &["history.csv: line 2", "1900 to 2199"],
        },
        Case {
            name: "ingest_year_9999",
            edit: |d| {
                append(
                    d,
                    "history.csv",
                    "sales,9999-11-01T00:00:00+00:00,1,1,0,100",
                )
            },
            args: INGEST,
            code: 2,
            says: &["history.csv: line", "1900 to 2199"],
        },
        Case {
            name: "forecast_history_in_year_9999",
            edit: |d| {
                append(
                    d,
                    "history.csv",
                    "sales,9999-11-01T00:00:00+00:00,1,1,0,100",
                )
            },
            args: FORECAST,
            code: 2,
            says: &["history.csv: line", "1900 to 2199"],
        },
        Case {
            name: "backtest_history_in_year_0",
            edit: |d| {
                edit(d, "history.csv", |t| {
                    t.replacen("2024-11-01T00:00:00", "0000-11-01T00:00:00", 1)
                })
            },
            args: &["backtest", "--history", "history.csv", "--origins", "1"],
            code: 2,
            says: &["history.csv: line 2", "1900 to 2199"],
        },
        Case {
            name: "plan_huge_history_weeks",
            edit: |d| {
                edit(d, "plan.toml", |t| {
                    t.replace("history_weeks = 8", "history_weeks = 4000000000")
                })
            },
            args: PLAN,
            code: 2,
            says: &["plan.toml", "report.history_weeks"],
        },
        Case {
            name: "plan_month_9999_12",
            edit: |d| {
                edit(d, "plan.toml", |t| {
                    t.replace("month = \"2026-12\"", "month = \"9999-12\"")
                        .replace("week = \"2026-12-07\"", "")
                })
            },
            args: PLAN,
            code: 2,
            says: &["plan.toml", "1900 to 2199"],
        },
        // Hangs and runaway memory.
        Case {
            name: "staff_min_agents_1e9",
            edit: |d| append(d, "targets.toml", "min_agents = 1000000000"),
            args: STAFF,
            code: 2,
            says: &["targets.toml", "min_agents = 1000000000"],
        },
        Case {
            name: "schedule_requirement_of_1e9_agents",
            edit: |d| {
                edit(d, "requirements.csv", |t| {
                    t.replacen(
                        "support,2026-12-01T10:00:00+00:00,40,300,9,13",
                        "support,2026-12-01T10:00:00+00:00,40,300,1000000000,1400000000",
                        1,
                    )
                })
            },
            args: SCHEDULE,
            code: 2,
            says: &[
                "requirements.csv: line 358, column \"agents\"",
                "0 to 100000",
            ],
        },
        Case {
            name: "schedule_days_100000",
            edit: no_edit,
            args: &[
                "schedule",
                "--requirements",
                "requirements.csv",
                "--shifts",
                "shifts.toml",
                "--start",
                "2026-12-01",
                "--days",
                "100000",
                "-o",
                "out-shifts.csv",
            ],
            code: 2,
            says: &["100000", "1 to 366"],
        },
        Case {
            name: "schedule_start_step_7m",
            edit: |d| {
                edit(d, "shifts.toml", |t| {
                    t.replacen("start_step = \"30m\"", "start_step = \"7m\"", 1)
                })
            },
            args: SCHEDULE,
            code: 2,
            says: &[
                "shifts.toml",
                "start_step = \"7m\"",
                "multiple of 5 minutes",
            ],
        },
        Case {
            name: "schedule_min_per_day_1e8",
            edit: |d| {
                edit(d, "shifts.toml", |t| {
                    t.replacen(
                        "cost_per_hour = 1.0\n",
                        "cost_per_hour = 1.0\nmin_per_day = 100000000\n",
                        1,
                    )
                })
            },
            args: SCHEDULE,
            code: 2,
            says: &["shifts.toml", "min_per_day = 100000000"],
        },
        Case {
            name: "roster_days_far_beyond_the_requirements",
            edit: no_edit,
            args: &[
                "roster",
                "--requirements",
                "requirements.csv",
                "--agents",
                "agents.csv",
                "--contracts",
                "contracts.toml",
                "--shifts",
                "shifts.toml",
                "--start",
                "2026-12-01",
                "--days",
                "100000",
                "-o",
                "out-roster.csv",
            ],
            code: 2,
            says: &["100000", "1 to 366"],
        },
        Case {
            name: "roster_days_beyond_the_requirements",
            edit: no_edit,
            args: &[
                "roster",
                "--requirements",
                "requirements.csv",
                "--agents",
                "agents.csv",
                "--contracts",
                "contracts.toml",
                "--shifts",
                "shifts.toml",
                "--start",
                "2026-12-01",
                "--days",
                "60",
                "-o",
                "out-roster.csv",
            ],
            code: 2,
            says: &["the requirements end on 2026-12-07", "2027-01-29"],
        },
        Case {
            name: "roster_check_row_in_year_0",
            edit: |d| append(d, "roster.csv", "A001,0000-01-01,shift,10:00,18:00,support"),
            args: CHECK,
            code: 2,
            says: &["roster.csv: line 5, column \"date\"", "1900 to 2199"],
        },
        Case {
            name: "roster_check_row_in_year_9999",
            edit: |d| append(d, "roster.csv", "A001,9999-12-01,shift,10:00,18:00,support"),
            args: CHECK,
            code: 2,
            says: &["roster.csv: line 5, column \"date\"", "1900 to 2199"],
        },
        Case {
            name: "roster_check_row_years_after_the_others",
            edit: |d| append(d, "roster.csv", "A001,2099-12-01,shift,10:00,18:00,support"),
            args: CHECK,
            code: 2,
            says: &["roster.csv: line 5, column \"date\"", "within 366 days"],
        },
        // A plan on a history without offsets (naive timestamps) no longer hangs; that
        // it is refused is item 3's (time zones never guessed), tested there.
        // Nonsense that was accepted.
        Case {
            name: "staff_duplicate_forecast_row",
            edit: |d| {
                append(
                    d,
                    "forecast.csv",
                    "sales,2026-12-01T00:00:00+00:00,0,300,0,0",
                )
            },
            args: STAFF,
            code: 2,
            says: &[
                "forecast.csv: line 674, column \"interval_start\"",
                "already has this interval at line 2",
            ],
        },
        Case {
            name: "schedule_duplicate_requirement_row",
            edit: |d| {
                append(
                    d,
                    "requirements.csv",
                    "sales,2026-12-01T10:00:00+00:00,40,300,9,13",
                )
            },
            args: SCHEDULE,
            code: 2,
            says: &[
                "requirements.csv: line 674",
                "already has this interval at line 22",
            ],
        },
        Case {
            name: "staff_row_off_the_grid",
            edit: |d| {
                append(
                    d,
                    "forecast.csv",
                    "support,2026-12-03T10:07:00+00:00,10,300,8,12",
                )
            },
            args: STAFF,
            code: 2,
            says: &[
                "forecast.csv: line 674, column \"interval_start\"",
                "30-minute grid",
            ],
        },
        Case {
            name: "schedule_row_off_the_grid",
            edit: |d| {
                edit(d, "requirements.csv", |t| {
                    t.replacen(
                        "support,2026-12-03T10:00:00",
                        "support,2026-12-03T10:10:00",
                        1,
                    )
                })
            },
            args: SCHEDULE,
            code: 2,
            says: &["requirements.csv: line", "30-minute grid"],
        },
        Case {
            name: "staff_30_minute_rows_as_15_minute_intervals",
            edit: no_edit,
            args: &[
                "staff",
                "--forecast",
                "forecast.csv",
                "--targets",
                "targets.toml",
                "--interval",
                "15m",
                "-o",
                "out-requirements.csv",
            ],
            code: 2,
            says: &["forecast.csv", "30 minutes apart", "--interval 30m"],
        },
        Case {
            name: "staff_15_and_30_minute_rows_mixed",
            edit: |d| {
                edit(d, "forecast.csv", |t| {
                    t.lines()
                        .flat_map(|line| {
                            let quarter = line.starts_with("support,2026-12-02").then(|| {
                                line.replacen(":00:00+00:00", ":15:00+00:00", 1).replacen(
                                    ":30:00+00:00",
                                    ":45:00+00:00",
                                    1,
                                )
                            });
                            std::iter::once(line.to_string()).chain(quarter)
                        })
                        .map(|line| line + "\n")
                        .collect()
                })
            },
            args: STAFF,
            code: 2,
            says: &[
                "forecast.csv: line 387, column \"interval_start\"",
                "30-minute grid",
            ],
        },
        Case {
            name: "staff_targets_for_an_unknown_queue",
            edit: |d| {
                append(
                    d,
                    "targets.toml",
                    "\n[queue.salse]\nservice_level = \"90%\"",
                )
            },
            args: STAFF,
            code: 2,
            says: &["\"salse\"", "forecast.csv", "sales, support"],
        },
        Case {
            name: "roster_agent_skill_of_an_unknown_queue",
            edit: |d| {
                edit(d, "agents.csv", |t| {
                    t.replacen("A001,Priya Khan,FT,support", "A001,Priya Khan,FT,supprt", 1)
                })
            },
            args: ROSTER,
            code: 2,
            says: &["A001", "\"supprt\""],
        },
        Case {
            name: "schedule_nan_penalty",
            edit: |d| {
                edit(d, "shifts.toml", |t| {
                    t.replace("under_per_agent_hour = 5.0", "under_per_agent_hour = nan")
                })
            },
            args: SCHEDULE,
            code: 2,
            says: &["shifts.toml", "penalties.under_per_agent_hour = NaN"],
        },
        Case {
            name: "schedule_infinite_penalty",
            edit: |d| {
                edit(d, "shifts.toml", |t| {
                    t.replace("under_per_agent_hour = 5.0", "under_per_agent_hour = inf")
                })
            },
            args: SCHEDULE,
            code: 2,
            says: &["shifts.toml", "penalties.under_per_agent_hour = inf"],
        },
        Case {
            name: "schedule_template_of_a_thousandth_of_an_hour",
            edit: |d| {
                edit(d, "shifts.toml", |t| {
                    t.replacen("paid_hours = 6.0", "paid_hours = 0.001", 1)
                })
            },
            args: SCHEDULE,
            code: 2,
            says: &["shifts.toml", "paid_hours = 0.001"],
        },
        Case {
            name: "schedule_template_longer_than_a_day",
            edit: |d| {
                edit(d, "shifts.toml", |t| {
                    t.replacen("paid_hours = 6.0", "paid_hours = 25", 1)
                })
            },
            args: SCHEDULE,
            code: 2,
            says: &["shifts.toml", "paid_hours = 25"],
        },
        Case {
            name: "roster_max_hours_below_the_shortest_template",
            edit: |d| {
                edit(d, "contracts.toml", |t| {
                    t.replacen("max_hours_per_week = 30.0", "max_hours_per_week = 3.0", 1)
                        .replacen("min_hours_per_week = 12.0", "min_hours_per_week = 0.0", 1)
                })
            },
            args: ROSTER,
            code: 2,
            says: &[
                "contracts.toml: line",
                "max_hours_per_week",
                "shortest template",
            ],
        },
        Case {
            name: "forecast_calendar_date_twice",
            edit: |d| append(d, "calendar.csv", "2026-12-25,closed,Christmas again,"),
            args: &[
                "forecast",
                "--history",
                "history.csv",
                "--calendar",
                "calendar.csv",
                "--start",
                "2026-12-01",
                "--days",
                "7",
                "-o",
                "out-forecast.csv",
            ],
            code: 2,
            says: &["calendar.csv: line", "column \"date\"", "each date once"],
        },
        Case {
            name: "forecast_calendar_closed_and_event",
            edit: |d| append(d, "calendar.csv", "2026-12-25,event,Boxing sale,1.5"),
            args: &[
                "forecast",
                "--history",
                "history.csv",
                "--calendar",
                "calendar.csv",
                "--start",
                "2026-12-01",
                "--days",
                "7",
                "-o",
                "out-forecast.csv",
            ],
            code: 2,
            says: &["calendar.csv: line", "each date once"],
        },
        Case {
            name: "backtest_step_without_effect",
            edit: no_edit,
            args: &[
                "backtest",
                "--history",
                "history.csv",
                "--origins",
                "1",
                "--step",
                "7",
            ],
            code: 2,
            says: &["--step has no effect"],
        },
        Case {
            name: "ingest_queue_naming_no_queue",
            edit: no_edit,
            args: &[
                "ingest",
                "history.csv",
                "--queue",
                "nosuch",
                "-o",
                "out-history.csv",
            ],
            code: 2,
            says: &["history.csv", "\"nosuch\""],
        },
        // Partial output.
        Case {
            name: "schedule_unwritable_coverage_writes_no_shifts",
            edit: no_edit,
            args: &[
                "schedule",
                "--requirements",
                "requirements.csv",
                "--shifts",
                "shifts.toml",
                "--start",
                "2026-12-01",
                "--days",
                "1",
                "-o",
                "out-shifts.csv",
                "--coverage",
                "missing-dir/coverage.csv",
            ],
            code: 4,
            says: &["missing-dir"],
        },
        // Values that leak.
        Case {
            name: "forecast_history_cell_of_1e308",
            edit: |d| {
                edit(d, "history.csv", |t| {
                    let stamp = "support,2026-11-24T10:00:00+00:00,";
                    let at = t.find(stamp).unwrap() + stamp.len();
                    let end = at + t[at..].find('\n').unwrap();
                    format!("{}1e308,1e308,0,300{}", &t[..at], &t[end..])
                })
            },
            args: FORECAST,
            code: 2,
            says: &["history.csv: line", "column \"offered\"", "10000000"],
        },
        Case {
            name: "forecast_calendar_uplift_of_1e308",
            edit: |d| append(d, "calendar.csv", "2026-12-03,event,Huge,1e308"),
            args: &[
                "forecast",
                "--history",
                "history.csv",
                "--calendar",
                "calendar.csv",
                "--start",
                "2026-12-01",
                "--days",
                "7",
                "-o",
                "out-forecast.csv",
            ],
            code: 2,
            says: &["calendar.csv: line", "column \"uplift\""],
        },
        Case {
            name: "plan_history_cell_of_1e308_names_the_history",
            edit: |d| {
                edit(d, "history.csv", |t| {
                    let stamp = "support,2026-11-24T10:00:00+00:00,";
                    let at = t.find(stamp).unwrap() + stamp.len();
                    let end = at + t[at..].find('\n').unwrap();
                    format!("{}1e308,1e308,0,300{}", &t[..at], &t[end..])
                })
            },
            args: PLAN,
            code: 2,
            says: &["history.csv: line", "column \"offered\""],
        },
        // Wrong answers that passed.
        Case {
            name: "plan_month_with_every_day_closed",
            edit: |d| {
                let mut text = String::from("date,kind,name,uplift\n");
                for day in 1..=31 {
                    writeln!(text, "2026-12-{day:02},closed,shut,").unwrap();
                }
                std::fs::write(d.join("calendar.csv"), text).unwrap();
            },
            args: PLAN,
            code: 2,
            says: &["calendar.csv", "every day of the horizon"],
        },
        Case {
            name: "roster_check_names_an_agent_missing_from_the_roster",
            edit: no_edit,
            args: CHECK,
            code: 1,
            says: &["roster.csv", "rule violation"],
        },
        Case {
            // The case was a 1970 row; London kept +01:00 all year from 1968
            // to 1971, so a 1970 row at +00:00 is refused sooner, by the time-zone
            // check. 1972 is back at +00:00 and reaches the span check.
            name: "ingest_one_stray_1972_row",
            edit: |d| {
                edit(d, "history.csv", |t| {
                    t.replacen("2024-11-01T00:00:00", "1972-01-01T00:00:00", 1)
                })
            },
            args: INGEST,
            code: 2,
            says: &[
                "history.csv: line 2, column \"interval_start\"",
                "stray row",
            ],
        },
    ]
}

#[test]
fn every_bad_input_fails_cleanly() {
    let mut failures = Vec::new();
    for case in cases() {
        let dir = fixture();
        (case.edit)(dir.path());
        let before = snapshot(dir.path());
        let output = run_capped(dir.path(), case.args);
        let stderr = String::from_utf8_lossy(&output.stderr);
        let after = snapshot(dir.path());
        let mut wrong = Vec::new();
        if output.status.code() != Some(case.code) {
            wrong.push(format!(
                "exit {:?}, expected {}",
                output.status.code(),
                case.code
            ));
        }
        for text in case.says {
            if !stderr.contains(text) {
                wrong.push(format!("stderr lacks {text:?}"));
            }
        }
        if stderr.contains("panicked") || stderr.contains("memory allocation") {
            wrong.push("a panic or an allocation failure".to_string());
        }
        if before != after {
            let changed: Vec<_> = after
                .iter()
                .filter(|(name, bytes)| before.get(*name) != Some(bytes))
                .map(|(name, _)| name.display().to_string())
                .collect();
            wrong.push(format!("files created or changed: {changed:?}"));
        }
        if !wrong.is_empty() {
            failures.push(format!(
                "{}: {}\n  stderr: {}",
                case.name,
                wrong.join("; "),
                stderr.trim()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// `roster check` names an agent of the agents file that the roster leaves out.
#[test]
fn roster_check_reports_an_agent_missing_from_the_roster() {
    let dir = fixture();
    let output = run_capped(dir.path(), CHECK);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stdout.contains("A002 2026-12-01 missing: Laura Quinn is in the agents file but has no row in roster.csv"),
        "{stdout}"
    );
    assert!(!stdout.contains("A001 2026-12-01 missing"), "{stdout}");
}
