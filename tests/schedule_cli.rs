//! `wfm schedule` on hand-checkable cases, with an independent checker that rebuilds
//! coverage from `shifts.csv` (shifts minus lunches and breaks, on a 15-minute grid)
//! and checks every shift against its template.

use std::collections::BTreeMap;
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

/// Writes a one-queue requirements CSV for 2026-12-01 (UTC) from half-hourly
/// requirements given as `(from "HH:MM", to "HH:MM", agents)` ranges; zero elsewhere.
fn requirements(dir: &Path, ranges: &[(&str, &str, f64)]) -> PathBuf {
    let mut text = String::from(
        "queue,interval_start,calls,aht_seconds,agents,scheduled_staff,service_level,asa_seconds,occupancy,abandon_rate\n",
    );
    for half_hour in 0..48 {
        let minute = half_hour * 30;
        let required = ranges
            .iter()
            .filter(|(from, to, _)| clock(from) <= minute && minute < clock(to))
            .map(|(_, _, agents)| *agents)
            .next_back()
            .unwrap_or(0.0);
        let calls = required * 10.0;
        text.push_str(&format!(
            "q,2026-12-01T{:02}:{:02}:00+00:00,{calls},180,{required},{required},,,,\n",
            minute / 60,
            minute % 60
        ));
    }
    let path = dir.join("requirements.csv");
    std::fs::write(&path, text).unwrap();
    path
}

fn clock(text: &str) -> u32 {
    let (hours, minutes) = text.split_once(':').unwrap();
    hours.parse::<u32>().unwrap() * 60 + minutes.parse::<u32>().unwrap()
}

struct Run {
    shifts: String,
    coverage: String,
    stderr: String,
}

fn schedule(dir: &Path, shifts_toml: &str, extra: &[&str]) -> Run {
    let templates = dir.join("shifts.toml");
    std::fs::write(&templates, shifts_toml).unwrap();
    let shifts = dir.join("shifts.csv");
    let coverage = dir.join("coverage.csv");
    let start = if extra.contains(&"--start") {
        &[][..]
    } else {
        &["--start", "2026-12-01"][..]
    };
    let output = wfm()
        .arg("schedule")
        .arg("--requirements")
        .arg(dir.join("requirements.csv"))
        .arg("--shifts")
        .arg(&templates)
        .args(start)
        .args(["--days", "1", "-o"])
        .arg(&shifts)
        .arg("--coverage")
        .arg(&coverage)
        .args(extra)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    Run {
        shifts: std::fs::read_to_string(shifts).unwrap(),
        coverage: std::fs::read_to_string(coverage).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    }
}

/// A shift template as the checker needs it: (length, earliest, latest) of each rest.
struct TemplateRule {
    span: u32,
    starts: Vec<u32>,
    lunch: Option<(u32, u32, u32)>,
    breaks: Vec<(u32, u32, u32)>,
}

/// Rebuilds scheduled agents per half-hour from `shifts.csv` and checks each shift
/// against its template; returns (mean, weakest quarter-hour) of the agents working,
/// keyed by "HH:MM".
fn check_shifts(
    shifts_csv: &str,
    rules: &BTreeMap<&str, TemplateRule>,
) -> BTreeMap<String, (f64, f64)> {
    let mut quarter_hours = vec![0i32; 96 + 48];
    let mut lines = shifts_csv.lines();
    assert_eq!(
        lines.next(),
        Some("date,template,start,end,lunch_start,lunch_end,breaks,count")
    );
    for line in lines {
        let fields: Vec<&str> = line.split(',').collect();
        let rule = &rules[fields[1]];
        let (start, end) = (clock(fields[2]), clock(fields[3]));
        let count: i32 = fields[7].parse().unwrap();
        assert!(rule.starts.contains(&start), "start {line}");
        assert_eq!(end - start, rule.span, "end {line}");
        let mut add = |from: u32, to: u32, delta: i32| {
            for quarter in (from / 15)..(to / 15) {
                quarter_hours[quarter as usize] += delta * count;
            }
        };
        add(start, end, 1);
        match rule.lunch {
            Some((length, earliest, latest)) => {
                let (lunch_start, lunch_end) = (clock(fields[4]), clock(fields[5]));
                assert_eq!(lunch_end - lunch_start, length, "lunch length {line}");
                assert!(
                    (start + earliest..=start + latest).contains(&lunch_start),
                    "lunch window {line}"
                );
                add(lunch_start, lunch_end, -1);
            }
            None => assert_eq!((fields[4], fields[5]), ("", ""), "no lunch {line}"),
        }
        let breaks: Vec<&str> = fields[6].split(';').filter(|b| !b.is_empty()).collect();
        assert_eq!(breaks.len(), rule.breaks.len(), "breaks {line}");
        for (text, &(length, earliest, latest)) in breaks.iter().zip(&rule.breaks) {
            let (from, to) = text.split_once('-').unwrap();
            let (from, to) = (clock(from), clock(to));
            assert_eq!(to - from, length, "break length {line}");
            assert!(
                (start + earliest..=start + latest).contains(&from),
                "break window {line}"
            );
            add(from, to, -1);
        }
    }
    (0..48)
        .map(|half_hour| {
            let (first, second) = (
                quarter_hours[half_hour * 2],
                quarter_hours[half_hour * 2 + 1],
            );
            (
                format!("{:02}:{:02}", half_hour / 2, (half_hour % 2) * 30),
                (
                    f64::from(first + second) / 2.0,
                    f64::from(first.min(second)),
                ),
            )
        })
        .collect()
}

/// Checks coverage.csv against the independently rebuilt coverage and the requirements.
fn check_coverage(coverage_csv: &str, scheduled: &BTreeMap<String, (f64, f64)>) -> f64 {
    let mut lines = coverage_csv.lines();
    assert_eq!(
        lines.next(),
        Some("queue,interval_start,calls,aht_seconds,required,scheduled,weakest_slot,shortfall,surplus,service_level")
    );
    let mut total_shortfall = 0.0;
    let mut rows = 0;
    for line in lines {
        let fields: Vec<&str> = line.split(',').collect();
        let time = &fields[1][11..16];
        let required: f64 = fields[4].parse().unwrap();
        let reported: f64 = fields[5].parse().unwrap();
        let weakest: f64 = fields[6].parse().unwrap();
        let shortfall: f64 = fields[7].parse().unwrap();
        let surplus: f64 = fields[8].parse().unwrap();
        assert_eq!(reported, scheduled[time].0, "scheduled at {time}");
        assert_eq!(weakest, scheduled[time].1, "weakest slot at {time}");
        assert_eq!(
            shortfall,
            (required - reported).max(0.0),
            "shortfall at {time}"
        );
        assert_eq!(surplus, (reported - required).max(0.0), "surplus at {time}");
        total_shortfall += shortfall;
        rows += 1;
    }
    assert_eq!(rows, 48);
    total_shortfall
}

const FIXED_START_WITH_LUNCH: &str = r#"
[[template]]
name = "FT8"
paid_hours = 8.0
start_earliest = "09:00"
start_latest = "09:00"
start_step = "30m"
cost_per_hour = 1.0
[template.lunch]
length = "30m"
earliest_after_start = "3h"
latest_after_start = "5h"
"#;

fn ft8_rule(starts: Vec<u32>) -> BTreeMap<&'static str, TemplateRule> {
    BTreeMap::from([(
        "FT8",
        TemplateRule {
            span: 510,
            starts,
            lunch: Some((30, 180, 300)),
            breaks: vec![],
        },
    )])
}

#[test]
fn three_agents_with_slack_get_exactly_three_shifts_and_staggered_lunches() {
    let dir = tempfile::tempdir().unwrap();
    // 3 agents 09:00-17:00, but only 2 needed 12:00-13:30: room for one lunch at a time.
    requirements(
        dir.path(),
        &[("09:00", "17:00", 3.0), ("12:00", "13:30", 2.0)],
    );
    let run = schedule(dir.path(), FIXED_START_WITH_LUNCH, &[]);
    assert_eq!(
        run.shifts,
        "date,template,start,end,lunch_start,lunch_end,breaks,count\n\
         2026-12-01,FT8,09:00,17:30,12:00,12:30,,1\n\
         2026-12-01,FT8,09:00,17:30,12:30,13:00,,1\n\
         2026-12-01,FT8,09:00,17:30,13:00,13:30,,1\n"
    );
    let scheduled = check_shifts(&run.shifts, &ft8_rule(vec![540]));
    assert_eq!(check_coverage(&run.coverage, &scheduled), 0.0);
    assert!(run.stderr.contains("solver: optimal"), "{}", run.stderr);
    assert!(run
        .stderr
        .contains("objective 24.00, best bound 24.00, gap 0.00%"));
    assert!(run.stderr.contains("every interval's requirement is met"));
}

#[test]
fn flat_requirement_without_slack_prefers_a_short_lunch_hour_to_a_fourth_shift() {
    let dir = tempfile::tempdir().unwrap();
    requirements(dir.path(), &[("09:00", "17:00", 3.0)]);
    let template = FIXED_START_WITH_LUNCH
        .replace("start_earliest = \"09:00\"", "start_earliest = \"08:00\"")
        .replace("start_latest = \"09:00\"", "start_latest = \"10:00\"");
    let run = schedule(dir.path(), &template, &[]);
    // Three 8.5-hour shifts give at most 7.5 working hours each inside 09:00-17:00:
    // 1.5 agent-hours short at penalty 5 (7.5) beats a fourth shift (8).
    let shifts: u32 = run
        .shifts
        .lines()
        .skip(1)
        .map(|line| line.rsplit(',').next().unwrap().parse::<u32>().unwrap())
        .sum();
    assert_eq!(shifts, 3);
    let scheduled = check_shifts(&run.shifts, &ft8_rule(vec![480, 510, 540, 570, 600]));
    assert_eq!(check_coverage(&run.coverage, &scheduled), 3.0);
    assert!(run.stderr.contains("objective 31.50"), "{}", run.stderr);
    assert!(run
        .stderr
        .contains("3 intervals short, 3 agent-intervals in all"));
}

#[test]
fn a_quarter_hour_break_removes_half_an_agent_from_its_half_hour() {
    let dir = tempfile::tempdir().unwrap();
    requirements(dir.path(), &[("10:00", "14:00", 1.0)]);
    let template = r#"
[[template]]
name = "PT4"
paid_hours = 4.0
start_earliest = "10:00"
start_latest = "10:00"
start_step = "30m"
cost_per_hour = 1.0
[[template.break]]
length = "15m"
earliest_after_start = "1h30m"
latest_after_start = "2h"
"#;
    let run = schedule(dir.path(), template, &[]);
    assert_eq!(run.shifts.lines().count(), 2, "one shift: {}", run.shifts);
    assert!(run.shifts.contains("2026-12-01,PT4,10:00,14:00,,,"));
    let rules = BTreeMap::from([(
        "PT4",
        TemplateRule {
            span: 240,
            starts: vec![600],
            lunch: None,
            breaks: vec![(15, 90, 120)],
        },
    )]);
    let scheduled = check_shifts(&run.shifts, &rules);
    // Wherever the break lands, its half-hour keeps half an agent and an empty
    // quarter-hour.
    assert_eq!(
        scheduled
            .values()
            .filter(|&&agents| agents == (0.5, 0.0))
            .count(),
        1
    );
    assert_eq!(check_coverage(&run.coverage, &scheduled), 0.5);
    // Paid 4 hours plus half an agent for half an hour at penalty 5: 4 + 1.25.
    assert!(run.stderr.contains("objective 5.25"), "{}", run.stderr);
}

#[test]
fn same_inputs_give_the_same_shifts() {
    let dir = tempfile::tempdir().unwrap();
    requirements(
        dir.path(),
        &[
            ("07:00", "21:00", 4.0),
            ("10:00", "12:00", 7.0),
            ("14:00", "16:00", 6.0),
        ],
    );
    let templates = r#"
[[template]]
name = "FT8"
paid_hours = 8.0
start_earliest = "06:00"
start_latest = "13:00"
start_step = "30m"
cost_per_hour = 1.0
[template.lunch]
length = "30m"
earliest_after_start = "3h"
latest_after_start = "5h"
[[template.break]]
length = "15m"
earliest_after_start = "1h30m"
latest_after_start = "2h30m"
[[template.break]]
length = "15m"
earliest_after_start = "6h"
latest_after_start = "7h"

[[template]]
name = "PT4"
paid_hours = 4.0
start_earliest = "08:00"
start_latest = "17:00"
start_step = "30m"
cost_per_hour = 1.1
"#;
    let first = schedule(dir.path(), templates, &[]);
    let second = schedule(dir.path(), templates, &[]);
    assert_eq!(first.shifts, second.shifts);
    assert_eq!(first.coverage, second.coverage);
    let rules = BTreeMap::from([
        (
            "FT8",
            TemplateRule {
                span: 510,
                starts: (360..=780).step_by(30).collect(),
                lunch: Some((30, 180, 300)),
                breaks: vec![(15, 90, 150), (15, 360, 420)],
            },
        ),
        (
            "PT4",
            TemplateRule {
                span: 240,
                starts: (480..=1020).step_by(30).collect(),
                lunch: None,
                breaks: vec![],
            },
        ),
    ]);
    let scheduled = check_shifts(&first.shifts, &rules);
    check_coverage(&first.coverage, &scheduled);
}

#[test]
fn strict_turns_an_unmet_requirement_into_exit_code_one() {
    let dir = tempfile::tempdir().unwrap();
    requirements(dir.path(), &[("09:00", "17:00", 3.0)]);
    let templates = dir.path().join("shifts.toml");
    std::fs::write(
        &templates,
        FIXED_START_WITH_LUNCH.replace(
            "cost_per_hour = 1.0",
            "cost_per_hour = 1.0\nmax_per_day = 2",
        ),
    )
    .unwrap();
    let shifts = dir.path().join("shifts.csv");
    wfm()
        .arg("schedule")
        .arg("--requirements")
        .arg(dir.path().join("requirements.csv"))
        .arg("--shifts")
        .arg(&templates)
        .args(["--start", "2026-12-01", "--days", "1", "--strict", "-o"])
        .arg(&shifts)
        .assert()
        .code(1)
        .stderr(contains("intervals short"))
        .stderr(contains("agent-intervals unmet (--strict)"));
    // The best schedule is still written: two shifts, the cap.
    let text = std::fs::read_to_string(&shifts).unwrap();
    let counts: u32 = text
        .lines()
        .skip(1)
        .map(|line| line.rsplit(',').next().unwrap().parse::<u32>().unwrap())
        .sum();
    assert_eq!(counts, 2);
}

#[test]
fn contradictory_templates_are_input_errors() {
    let dir = tempfile::tempdir().unwrap();
    requirements(dir.path(), &[("09:00", "17:00", 3.0)]);
    let templates = dir.path().join("shifts.toml");
    std::fs::write(
        &templates,
        FIXED_START_WITH_LUNCH.replace("length = \"30m\"", "length = \"8h\""),
    )
    .unwrap();
    let shifts = dir.path().join("shifts.csv");
    wfm()
        .arg("schedule")
        .arg("--requirements")
        .arg(dir.path().join("requirements.csv"))
        .arg("--shifts")
        .arg(&templates)
        .args(["--start", "2026-12-01", "--days", "1", "-o"])
        .arg(&shifts)
        .assert()
        .code(2)
        .stderr(contains(
            "template \"FT8\": the lunch (480 min) is not shorter than the paid shift (480 min)",
        ));
    assert!(!shifts.exists());
}

#[test]
fn a_fall_back_day_has_fifty_coverage_rows_and_a_wall_clock_schedule() {
    let dir = tempfile::tempdir().unwrap();
    // Requirements for 2026-10-25 in London: 50 half-hours, the 01:00 hour twice.
    let mut text = String::from("queue,interval_start,calls,aht_seconds,agents,scheduled_staff\n");
    let day = wfm::interval::local_day_intervals(
        chrono::NaiveDate::from_ymd_opt(2026, 10, 25).unwrap(),
        chrono_tz::Europe::London,
        30,
    );
    assert_eq!(day.len(), 50);
    for start in &day {
        let minute = wfm::interval::local_minute_of_day(start);
        let required = if (540..1020).contains(&minute) { 2 } else { 0 };
        text.push_str(&format!(
            "q,{},{},180,{required},{required}\n",
            wfm::interval::format_timestamp(start),
            required * 10
        ));
    }
    std::fs::write(dir.path().join("requirements.csv"), text).unwrap();
    let run = schedule(
        dir.path(),
        &FIXED_START_WITH_LUNCH.replace("start_earliest = \"09:00\"", "start_earliest = \"08:00\""),
        &["--tz", "Europe/London", "--start", "2026-10-25"],
    );
    let rows: Vec<&str> = run.coverage.lines().skip(1).collect();
    assert_eq!(rows.len(), 50);
    assert!(rows[2].starts_with("q,2026-10-25T01:00:00+01:00,"));
    assert!(rows[4].starts_with("q,2026-10-25T01:00:00+00:00,"));
    // Two 8.5-hour shifts cover 09:00-17:00 but for one agent at each lunch, as on any
    // other day: the clock change in the night does not disturb the day's schedule.
    assert!(run.stderr.contains("objective 21.00"), "{}", run.stderr);
    assert!(run
        .stderr
        .contains("2 intervals short, 2 agent-intervals in all"));
}

/// 45-minute shifts starting at 10:00 or 10:15, and `coverage` as given.
fn quarter_shifts(coverage: &str) -> String {
    format!(
        r#"
[site]
coverage = "{coverage}"

[[template]]
name = "Q45"
paid_hours = 0.75
start_earliest = "10:00"
start_latest = "10:15"
start_step = "15m"
cost_per_hour = 1.0
"#
    )
}

/// (weakest_slot, shortfall) of the coverage rows at 10:00 and 10:30.
fn weakest_and_short(coverage_csv: &str) -> Vec<(f64, f64)> {
    coverage_csv
        .lines()
        .filter(|line| line.contains("T10:00:") || line.contains("T10:30:"))
        .map(|line| {
            let fields: Vec<&str> = line.split(',').collect();
            (fields[6].parse().unwrap(), fields[7].parse().unwrap())
        })
        .collect()
}

#[test]
fn interval_coverage_lets_a_quarter_hour_starve_and_slot_coverage_does_not() {
    // Two agents needed 10:00-11:00, i.e. in the quarter-hours s0..s3. A 45-minute
    // shift from 10:00 works s0-s2, one from 10:15 s1-s3. With a shifts at 10:00 and
    // b at 10:15 the half-hours average (2a + b) / 2 and (a + 2b) / 2 agents: three
    // shifts (a = 2, b = 1 or a = 1, b = 2) carry both averages, with one agent in
    // the quarter-hour at an end. Every quarter-hour with two needs a = b = 2.
    let dir = tempfile::tempdir().unwrap();
    requirements(dir.path(), &[("10:00", "11:00", 2.0)]);
    let rules = BTreeMap::from([(
        "Q45",
        TemplateRule {
            span: 45,
            starts: vec![600, 615],
            lunch: None,
            breaks: vec![],
        },
    )]);
    let count = |shifts: &str| -> u32 {
        shifts
            .lines()
            .skip(1)
            .map(|line| line.rsplit(',').next().unwrap().parse::<u32>().unwrap())
            .sum()
    };

    let interval = schedule(dir.path(), &quarter_shifts("interval"), &[]);
    assert_eq!(count(&interval.shifts), 3, "{}", interval.shifts);
    let scheduled = check_shifts(&interval.shifts, &rules);
    assert_eq!(check_coverage(&interval.coverage, &scheduled), 0.0);
    let rows = weakest_and_short(&interval.coverage);
    assert_eq!(rows.len(), 2);
    // No shortfall on the averages, yet one half-hour has a quarter-hour of one agent.
    assert!(rows.iter().all(|&(_, short)| short == 0.0), "{rows:?}");
    assert_eq!(
        rows.iter().map(|r| r.0).fold(f64::INFINITY, f64::min),
        1.0,
        "{rows:?}"
    );
    assert!(
        interval.stderr.contains("objective 2.25"),
        "{}",
        interval.stderr
    );

    // The default, slot coverage: a fourth shift (0.75) is cheaper than a quarter-hour
    // an agent short (0.25 agent-hours at 5 = 1.25).
    let slot = schedule(dir.path(), &quarter_shifts("slot"), &[]);
    assert_eq!(
        slot.shifts,
        "date,template,start,end,lunch_start,lunch_end,breaks,count\n\
         2026-12-01,Q45,10:00,10:45,,,,2\n\
         2026-12-01,Q45,10:15,11:00,,,,2\n"
    );
    let scheduled = check_shifts(&slot.shifts, &rules);
    assert_eq!(check_coverage(&slot.coverage, &scheduled), 0.0);
    assert_eq!(weakest_and_short(&slot.coverage), vec![(2.0, 0.0); 2]);
    assert!(slot.stderr.contains("objective 3.00"), "{}", slot.stderr);
    let default = schedule(
        dir.path(),
        &quarter_shifts("slot").replace("coverage = \"slot\"", ""),
        &[],
    );
    assert_eq!(default.shifts, slot.shifts);
}

/// Erlang C: the share of calls answered within `within` seconds with `agents` at
/// `load` Erlangs and handle time `aht` (SL = 1 - C(N, A) e^(-(N - A) t / h)).
fn erlang_c_service_level(agents: u32, load: f64, aht: f64, within: f64) -> f64 {
    if f64::from(agents) <= load {
        return 0.0;
    }
    let mut blocking = 1.0;
    for k in 1..=agents {
        blocking = load * blocking / (f64::from(k) + load * blocking);
    }
    let n = f64::from(agents);
    let waiting = n * blocking / (n - load * (1.0 - blocking));
    1.0 - waiting * (-(n - load) * within / aht).exp()
}

#[test]
fn routing_decides_how_a_pooled_row_is_projected() {
    let dir = tempfile::tempdir().unwrap();
    // Two queues, each 30 calls of 180 s per half-hour (3 Erlangs) and 6 agents,
    // 09:00-17:00: pooled, 12 agents for 6 Erlangs.
    let mut text = String::from(
        "queue,interval_start,calls,aht_seconds,agents,scheduled_staff,service_level,asa_seconds,occupancy,abandon_rate\n",
    );
    for queue in ["a", "b"] {
        for half_hour in 18..34 {
            text.push_str(&format!(
                "{queue},2026-12-01T{:02}:{:02}:00+00:00,30,180,6,6,,,,\n",
                half_hour / 2,
                (half_hour % 2) * 30
            ));
        }
    }
    std::fs::write(dir.path().join("requirements.csv"), text).unwrap();
    let level_at_0930 = |routing: &str| -> (f64, f64) {
        let run = schedule(
            dir.path(),
            FIXED_START_WITH_LUNCH,
            &["--routing", routing, "--shrinkage", "0%"],
        );
        let row = run
            .coverage
            .lines()
            .find(|l| l.contains("T09:30:00"))
            .unwrap()
            .to_string();
        let f: Vec<&str> = row.split(',').collect();
        (f[5].parse().unwrap(), f.last().unwrap().parse().unwrap())
    };
    let (agents, skills) = level_at_0930("skills");
    let (same_agents, assigned) = level_at_0930("assigned");
    assert_eq!(agents, same_agents);
    let n = agents as u32;
    let pooled = erlang_c_service_level(n, 6.0, 180.0, 20.0);
    let split = erlang_c_service_level(n / 2, 3.0, 180.0, 20.0);
    assert!(
        (skills - pooled).abs() < 1e-4,
        "{skills} vs {pooled} with {n}"
    );
    assert!(
        (assigned - split).abs() < 1e-4,
        "{assigned} vs {split} with {n}"
    );
    // Pooling helps: 0.9995 against 0.9759 with 15 agents.
    assert!(skills > assigned + 0.02, "{skills} vs {assigned}");
}
