//! `wfm roster` and `wfm roster check` on hand-checkable cases. Every produced roster
//! is verified with `wfm roster check`; every rule has a hand-made roster that breaks
//! it (rejected by the checker) and a case where it binds (never broken by the solver).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use assert_cmd::assert::OutputAssertExt;
use predicates::str::contains;

mod exports_check;

fn wfm() -> Command {
    // The site's zone for commands run without --tz (there is no default zone).
    let mut command = Command::new(env!("CARGO_BIN_EXE_wfm"));
    command.env("WFM_TZ", "UTC");
    command
}

/// Templates: D8 8 paid hours starting 06:00-14:00 hourly; N8 fixed 09:00-17:00;
/// P4 4 hours 08:00-18:00; L8 8 hours 08:00-10:00 with a 30-minute lunch and a
/// 15-minute break. No template crosses midnight.
const SHIFTS: &str = r#"
[[template]]
name = "D8"
paid_hours = 8.0
start_earliest = "06:00"
start_latest = "14:00"
start_step = "1h"
cost_per_hour = 1.0

[[template]]
name = "N8"
paid_hours = 8.0
start_earliest = "09:00"
start_latest = "09:00"
start_step = "1h"
cost_per_hour = 1.0

[[template]]
name = "P4"
paid_hours = 4.0
start_earliest = "08:00"
start_latest = "18:00"
start_step = "1h"
cost_per_hour = 1.0

[[template]]
name = "L8"
paid_hours = 8.0
start_earliest = "08:00"
start_latest = "10:00"
start_step = "1h"
cost_per_hour = 1.0
[template.lunch]
length = "30m"
earliest_after_start = "3h"
latest_after_start = "5h"
[[template.break]]
length = "15m"
earliest_after_start = "1h30m"
latest_after_start = "2h30m"
"#;

/// Soft goals off, so objectives are paid cost plus shortfall only.
const NO_SOFT: &str = r#"
[soft]
preference = 0.0
isolated_day_off = 0.0
weekend_spread = 0.0
early_late_spread = 0.0
hours_spread_per_hour = 0.0
secondary_skill_per_agent_hour = 0.0
"#;

/// A contract whose every rule is loose; tests tighten one at a time.
fn contract(name: &str, templates: &str, extra: &str) -> String {
    let mut fields: Vec<(String, String)> = [
        ("templates", templates),
        ("min_hours_per_week", "0.0"),
        ("max_hours_per_week", "56.0"),
        ("max_days_per_week", "7"),
        ("max_consecutive_days", "7"),
        ("min_rest", "\"0h\""),
        ("days_off_per_week", "0"),
        ("max_weekends_per_4_weeks", "4"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    for line in extra.lines().filter(|l| !l.trim().is_empty()) {
        let (key, value) = line.split_once('=').unwrap();
        let (key, value) = (key.trim().to_string(), value.trim().to_string());
        match fields.iter_mut().find(|(k, _)| *k == key) {
            Some(field) => field.1 = value,
            None => fields.push((key, value)),
        }
    }
    let body: Vec<String> = fields.iter().map(|(k, v)| format!("{k} = {v}")).collect();
    format!("[contract.{name}]\n{}\n", body.join("\n"))
}

/// A requirement range: queue, day offset from 2027-02-01 (a Monday), from, to, agents.
type Need<'a> = (&'a str, u32, &'a str, &'a str, f64);

struct Case {
    dir: tempfile::TempDir,
}

impl Case {
    fn new(contracts: &str, agents: &[(&str, &str, &str)], availability: &[&str]) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let case = Case { dir };
        std::fs::write(case.path("shifts.toml"), SHIFTS).unwrap();
        std::fs::write(
            case.path("contracts.toml"),
            format!("{contracts}\n{NO_SOFT}"),
        )
        .unwrap();
        let mut text = String::from("agent_id,name,contract,skills\n");
        for (id, contract, skills) in agents {
            text.push_str(&format!("{id},Agent {id},{contract},{skills}\n"));
        }
        std::fs::write(case.path("agents.csv"), text).unwrap();
        let mut text = String::from("agent_id,date,from,to,kind\n");
        for row in availability {
            text.push_str(&format!("{row}\n"));
        }
        std::fs::write(case.path("availability.csv"), text).unwrap();
        case
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Half-hourly requirements for `days` days from 2027-02-01 over `queues`.
    fn requirements(&self, queues: &[&str], days: u32, needs: &[Need]) {
        let mut text =
            String::from("queue,interval_start,calls,aht_seconds,agents,scheduled_staff\n");
        for queue in queues {
            for day in 0..days {
                let date = date(day);
                for half_hour in 0..48 {
                    let minute = half_hour * 30;
                    let required: f64 = needs
                        .iter()
                        .filter(|(q, d, from, to, _)| {
                            q == queue && *d == day && clock(from) <= minute && minute < clock(to)
                        })
                        .map(|n| n.4)
                        .sum();
                    text.push_str(&format!(
                        "{queue},{date}T{:02}:{:02}:00+00:00,{},180,{required},{required}\n",
                        minute / 60,
                        minute % 60,
                        required * 10.0
                    ));
                }
            }
        }
        std::fs::write(self.path("requirements.csv"), text).unwrap();
    }

    fn people_args<'a>(&self, command: &'a mut Command) -> &'a mut Command {
        command
            .arg("--agents")
            .arg(self.path("agents.csv"))
            .arg("--availability")
            .arg(self.path("availability.csv"))
            .arg("--contracts")
            .arg(self.path("contracts.toml"))
            .arg("--shifts")
            .arg(self.path("shifts.toml"))
    }

    fn roster_command(&self, days: u32, extra: &[&str]) -> Command {
        let mut command = wfm();
        command
            .arg("roster")
            .arg("--requirements")
            .arg(self.path("requirements.csv"));
        self.people_args(&mut command);
        command
            .args(["--start", "2027-02-01", "--days", &days.to_string(), "-o"])
            .arg(self.path("roster.csv"))
            .arg("--coverage")
            .arg(self.path("coverage.csv"))
            .arg("--summary")
            .arg(self.path("summary.csv"))
            .args(["--time-limit", "60s", "--mip-gap", "0%"])
            .args(extra);
        command
    }

    /// Runs `wfm roster` with a calendar that closes `closed` (a date), requires
    /// success and returns roster.csv.
    fn roster_closed_on(&self, days: u32, closed: &str) -> String {
        std::fs::write(
            self.path("calendar.csv"),
            format!("date,kind,name,uplift\n{closed},closed,Stocktake,\n"),
        )
        .unwrap();
        let calendar = self.path("calendar.csv").display().to_string();
        let output = self
            .roster_command(days, &["--calendar", &calendar])
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        std::fs::read_to_string(self.path("roster.csv")).unwrap()
    }

    /// Runs `wfm roster`, requires success and a roster that `wfm roster check` passes.
    fn roster(&self, days: u32) -> Run {
        let output = self.roster_command(days, &[]).output().unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let run = Run {
            roster: std::fs::read_to_string(self.path("roster.csv")).unwrap(),
            coverage: std::fs::read_to_string(self.path("coverage.csv")).unwrap(),
            summary: std::fs::read_to_string(self.path("summary.csv")).unwrap(),
            stderr: String::from_utf8(output.stderr).unwrap(),
        };
        let check = self.check(&self.path("roster.csv"));
        assert!(
            check.status.success(),
            "the produced roster breaks rules:\n{}\n{}",
            String::from_utf8_lossy(&check.stdout),
            run.roster
        );
        run
    }

    fn check(&self, roster: &Path) -> Output {
        let mut command = wfm();
        command.args(["roster", "check", "--roster"]).arg(roster);
        self.people_args(&mut command);
        command.output().unwrap()
    }

    /// Checks a hand-made roster: its rows (without header) plus `off` rows for the
    /// other days of `days`; returns the checker's stdout after asserting exit 1.
    fn reject(&self, days: u32, rows: &[&str]) -> String {
        let mut text = String::from("agent_id,date,activity,start,end,queue\n");
        let agents = std::fs::read_to_string(self.path("agents.csv")).unwrap();
        for agent in agents
            .lines()
            .skip(1)
            .map(|l| l.split(',').next().unwrap().to_string())
        {
            for day in 0..days {
                let date = date(day);
                if !rows
                    .iter()
                    .any(|r| r.starts_with(&format!("{agent},{date},")))
                {
                    text.push_str(&format!("{agent},{date},off,,,\n"));
                }
            }
        }
        for row in rows {
            text.push_str(row);
            text.push('\n');
        }
        let path = self.path("hand.csv");
        std::fs::write(&path, text).unwrap();
        let output = self.check(&path);
        assert_eq!(
            output.status.code(),
            Some(1),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).unwrap()
    }
}

struct Run {
    roster: String,
    coverage: String,
    summary: String,
    stderr: String,
}

impl Run {
    /// (agent, date, start, end) of every shift run (queue segments joined).
    fn shifts(&self) -> Vec<(String, String, u32, u32)> {
        let mut shifts: Vec<(String, String, u32, u32)> = Vec::new();
        for line in self.roster.lines().skip(1) {
            let f: Vec<&str> = line.split(',').collect();
            if !["shift", "lunch", "break"].contains(&f[2]) {
                continue;
            }
            let (from, to) = (clock(f[3]), clock(f[4]));
            match shifts.iter_mut().find(|s| s.0 == f[0] && s.1 == f[1]) {
                Some(s) => {
                    s.2 = s.2.min(from);
                    s.3 = s.3.max(to);
                }
                None => shifts.push((f[0].to_string(), f[1].to_string(), from, to)),
            }
        }
        shifts.sort();
        shifts
    }

    fn days_of(&self, agent: &str) -> Vec<String> {
        self.shifts()
            .into_iter()
            .filter(|s| s.0 == agent)
            .map(|s| s.1)
            .collect()
    }

    /// Sum of the coverage file's shortfall column.
    fn shortfall(&self) -> f64 {
        self.coverage
            .lines()
            .skip(1)
            .map(|l| l.split(',').nth(7).unwrap().parse::<f64>().unwrap())
            .sum()
    }
}

fn date(day: u32) -> String {
    (chrono::NaiveDate::from_ymd_opt(2027, 2, 1).unwrap() + chrono::Duration::days(day.into()))
        .format("%Y-%m-%d")
        .to_string()
}

fn clock(text: &str) -> u32 {
    let (h, m) = text.split_once(':').unwrap();
    h.parse::<u32>().unwrap() * 60 + m.parse::<u32>().unwrap()
}

/// `agents` from 09:00 to 17:00 on `queue` every day of `days`.
fn daily<'a>(queue: &'a str, days: u32, agents: f64) -> Vec<Need<'a>> {
    (0..days)
        .map(|d| (queue, d, "09:00", "17:00", agents))
        .collect()
}

#[test]
fn a_week_with_enough_agents_has_its_known_optimum() {
    // 2 agents a day for 7 days = 14 shifts; 3 agents x 5 days can give 15.
    let case = Case::new(
        &contract("FT", "[\"N8\"]", "max_days_per_week = 5"),
        &[
            ("A1", "FT", "sales"),
            ("A2", "FT", "sales"),
            ("A3", "FT", "sales"),
        ],
        &[],
    );
    case.requirements(&["sales"], 7, &daily("sales", 7, 2.0));
    let run = case.roster(7);
    assert_eq!(run.shifts().len(), 14);
    for agent in ["A1", "A2", "A3"] {
        assert!(run.days_of(agent).len() <= 5);
    }
    assert_eq!(run.shortfall(), 0.0);
    assert!(
        run.stderr
            .contains("roster cost 112.00 (paid 112.00, shortfall 0.00"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("gap 0.00%"), "{}", run.stderr);
    assert!(run.stderr.contains("every queue's requirement is met"));
    assert!(run.summary.starts_with(
        "agent_id,name,contract,paid_hours,leave_hours,days,leave_days,weekends,early_shifts,late_shifts,preferences,preferences_honoured,isolated_days_off\n"
    ));
}

#[test]
fn too_few_agents_leave_a_priced_shortfall_and_name_the_binding_rule() {
    // 2 agents x 5 days = 10 of 14 shifts: 4 days x 8 h x 1 agent short at 5 per
    // agent-hour = 160, plus 80 paid.
    let case = Case::new(
        &contract("FT", "[\"N8\"]", "max_days_per_week = 5"),
        &[("A1", "FT", "sales"), ("A2", "FT", "sales")],
        &[],
    );
    case.requirements(&["sales"], 7, &daily("sales", 7, 2.0));
    let run = case.roster(7);
    assert_eq!(run.shifts().len(), 10);
    assert_eq!(run.shortfall(), 64.0);
    assert!(
        run.stderr
            .contains("roster cost 240.00 (paid 80.00, shortfall 160.00"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("gap 0.00%"), "{}", run.stderr);
    assert!(
        run.stderr.contains("09:00-17:00 sales short 1 agents (required 2, rostered 1): 2 agents have skill sales; 1 work it; blocked by max_days_per_week (1)"),
        "{}",
        run.stderr
    );
    // --strict turns the shortfall into exit code 1, with the roster still written.
    case.roster_command(7, &["--strict"])
        .assert()
        .code(1)
        .stderr(contains("agent-intervals unmet (--strict)"));
    assert!(case.path("roster.csv").exists());
}

#[test]
fn max_hours_per_week() {
    let case = Case::new(
        &contract("FT", "[\"N8\"]", "max_hours_per_week = 24.0"),
        &[("A1", "FT", "sales")],
        &[],
    );
    case.requirements(&["sales"], 7, &daily("sales", 7, 1.0));
    assert_eq!(case.roster(7).days_of("A1").len(), 3);
    let rows: Vec<String> = (0..4)
        .map(|d| format!("A1,{},shift,09:00,17:00,sales", date(d)))
        .collect();
    let out = case.reject(7, &rows.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(
        out.contains(
            "A1 2027-02-01 max_hours_per_week: 32 paid hours in the week from 2027-02-01, above 24"
        ),
        "{out}"
    );
}

#[test]
fn min_hours_per_week() {
    // Work is only needed on Monday, but the contract asks for 24 hours.
    let case = Case::new(
        &contract("FT", "[\"N8\"]", "min_hours_per_week = 24.0"),
        &[("A1", "FT", "sales")],
        &[],
    );
    case.requirements(&["sales"], 7, &daily("sales", 1, 1.0));
    let run = case.roster(7);
    assert_eq!(run.days_of("A1").len(), 3);
    assert!(
        run.summary.contains("A1,Agent A1,FT,24,0,3,"),
        "{}",
        run.summary
    );
    let out = case.reject(7, &["A1,2027-02-01,shift,09:00,17:00,sales"]);
    assert!(
        out.contains(
            "A1 2027-02-01 min_hours_per_week: 8 paid hours in the week from 2027-02-01, below 24"
        ),
        "{out}"
    );
}

#[test]
fn max_days_per_week_and_days_off() {
    let case = Case::new(
        &format!(
            "{}{}",
            contract("TWO", "[\"N8\"]", "max_days_per_week = 2"),
            contract("OFF4", "[\"N8\"]", "days_off_per_week = 4")
        ),
        &[("A1", "TWO", "sales"), ("A2", "OFF4", "support")],
        &[],
    );
    let mut needs = daily("sales", 7, 1.0);
    needs.extend(daily("support", 7, 1.0));
    case.requirements(&["sales", "support"], 7, &needs);
    let run = case.roster(7);
    assert_eq!(run.days_of("A1").len(), 2);
    assert_eq!(run.days_of("A2").len(), 3);
    let rows: Vec<String> = (0..4)
        .flat_map(|d| {
            [
                format!("A1,{},shift,09:00,17:00,sales", date(d)),
                format!("A2,{},shift,09:00,17:00,support", date(d)),
            ]
        })
        .collect();
    let out = case.reject(7, &rows.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(
        out.contains(
            "A1 2027-02-01 max_days_per_week: 4 days worked in the week from 2027-02-01, above 2"
        ),
        "{out}"
    );
    assert!(out.contains("A2 2027-02-01 days_off_per_week: 4 days worked in the week from 2027-02-01 leave fewer than 4 days off"), "{out}");
}

#[test]
fn max_consecutive_days() {
    let case = Case::new(
        &contract("FT", "[\"N8\"]", "max_consecutive_days = 2"),
        &[("A1", "FT", "sales")],
        &[],
    );
    case.requirements(&["sales"], 14, &daily("sales", 14, 1.0));
    let run = case.roster(14);
    let worked: Vec<u32> = (0..14)
        .filter(|&d| run.days_of("A1").contains(&date(d)))
        .collect();
    // Two on, one off is the most a 2-day limit allows: 10 of 14 days.
    assert_eq!(worked.len(), 10);
    assert!(worked.windows(3).all(|w| w[2] - w[0] > 2), "{worked:?}");
    let out = case.reject(
        14,
        &[
            "A1,2027-02-01,shift,09:00,17:00,sales",
            "A1,2027-02-02,shift,09:00,17:00,sales",
            "A1,2027-02-03,shift,09:00,17:00,sales",
        ],
    );
    assert!(
        out.contains("A1 2027-02-03 max_consecutive_days: 3 consecutive days worked, above 2"),
        "{out}"
    );
}

#[test]
fn min_rest_between_shifts() {
    // Late work on even days (14:00-22:00) and early work on odd days (06:00-14:00):
    // with 11 hours of rest, one agent cannot do a late day followed by an early day.
    let case = Case::new(
        &contract("FT", "[\"D8\"]", "min_rest = \"11h\""),
        &[("A1", "FT", "sales")],
        &[],
    );
    let needs: Vec<Need> = (0..4)
        .map(|d| {
            if d % 2 == 0 {
                ("sales", d, "14:00", "22:00", 1.0)
            } else {
                ("sales", d, "06:00", "14:00", 1.0)
            }
        })
        .collect();
    case.requirements(&["sales"], 4, &needs);
    let run = case.roster(4);
    let shifts = run.shifts();
    for pair in shifts.windows(2) {
        if date_index(&pair[1].1) == date_index(&pair[0].1) + 1 {
            let rest = 1440 + pair[1].2 - pair[0].3;
            assert!(rest >= 660, "{shifts:?}");
        }
    }
    assert!(run.shortfall() > 0.0);
    let out = case.reject(
        4,
        &[
            "A1,2027-02-01,shift,14:00,22:00,sales",
            "A1,2027-02-02,shift,06:00,14:00,sales",
        ],
    );
    assert!(out.contains("A1 2027-02-02 min_rest: 8h00 between the shift of 2027-02-01 and this one, below 11h00"), "{out}");
}

fn date_index(text: &str) -> u32 {
    (0..60).find(|&d| date(d) == text).unwrap()
}

#[test]
fn weekends_per_four_weeks() {
    // Work only at weekends for four weeks; two weekends allowed.
    let case = Case::new(
        &contract("FT", "[\"N8\"]", "max_weekends_per_4_weeks = 2"),
        &[("A1", "FT", "sales")],
        &[],
    );
    let needs: Vec<Need> = (0..28)
        .filter(|d| d % 7 >= 5)
        .map(|d| ("sales", d, "09:00", "17:00", 1.0))
        .collect();
    case.requirements(&["sales"], 28, &needs);
    let run = case.roster(28);
    let saturdays: std::collections::BTreeSet<u32> = run
        .days_of("A1")
        .iter()
        .map(|d| date_index(d) / 7)
        .collect();
    assert_eq!(saturdays.len(), 2, "{:?}", run.days_of("A1"));
    assert_eq!(run.days_of("A1").len(), 4);
    let rows: Vec<String> = [5, 12, 20]
        .iter()
        .map(|&d| format!("A1,{},shift,09:00,17:00,sales", date(d)))
        .collect();
    let out = case.reject(28, &rows.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(out.contains("A1 2027-02-06 max_weekends_per_4_weeks: 3 weekends worked in the 4 weekends from 2027-02-06, above 2"), "{out}");
}

#[test]
fn availability_and_leave_are_never_worked() {
    let case = Case::new(
        &contract("FT", "[\"D8\"]", ""),
        &[("A1", "FT", "sales")],
        &[
            "A1,2027-02-03,,,unavailable",
            "A1,2027-02-04,,,leave",
            "A1,2027-02-05,06:00,12:00,unavailable",
        ],
    );
    case.requirements(&["sales"], 7, &daily("sales", 7, 1.0));
    let run = case.roster(7);
    let days = run.days_of("A1");
    assert!(
        !days.contains(&date(2)) && !days.contains(&date(3)),
        "{days:?}"
    );
    let friday = run.shifts().into_iter().find(|s| s.1 == date(4)).unwrap();
    assert!(friday.2 >= clock("12:00"), "{friday:?}");
    assert!(run.roster.contains("A1,2027-02-04,leave,,,\n"));
    let out = case.reject(
        7,
        &[
            "A1,2027-02-03,shift,09:00,17:00,sales",
            "A1,2027-02-05,shift,09:00,17:00,sales",
        ],
    );
    assert!(out.contains("A1 2027-02-03 availability: shift 09:00-17:00 overlaps unavailable on 2027-02-03 (availability line 2)"), "{out}");
    assert!(out.contains("A1 2027-02-05 availability: shift 09:00-17:00 overlaps unavailable on 2027-02-05 06:00-12:00 (availability line 4)"), "{out}");
}

#[test]
fn only_the_contracts_templates_and_their_rests() {
    let case = Case::new(
        &format!(
            "{}{}",
            contract("PT", "[\"P4\"]", ""),
            contract("LN", "[\"L8\"]", "")
        ),
        &[("A1", "PT", "sales"), ("A2", "LN", "sales")],
        &[],
    );
    case.requirements(&["sales"], 1, &daily("sales", 1, 2.0));
    let run = case.roster(1);
    let shifts = run.shifts();
    let a1 = shifts.iter().find(|s| s.0 == "A1").unwrap();
    assert_eq!(a1.3 - a1.2, 240);
    // L8: 8 h paid + 30 min lunch = 8.5 h, one lunch and one break row.
    let a2 = shifts.iter().find(|s| s.0 == "A2").unwrap();
    assert_eq!(a2.3 - a2.2, 510);
    assert_eq!(run.roster.matches("A2,2027-02-01,lunch,").count(), 1);
    assert_eq!(run.roster.matches("A2,2027-02-01,break,").count(), 1);
    let out = case.reject(
        1,
        &[
            "A1,2027-02-01,shift,09:00,17:00,sales",
            "A2,2027-02-01,shift,09:00,17:30,sales",
        ],
    );
    assert!(out.contains("A1 2027-02-01 template: shift 09:00-17:00 is a D8 shift, not allowed by contract PT (P4)"), "{out}");
    assert!(out.contains("A2 2027-02-01 template: shift 09:00-17:30 with 0 lunch(es) and 0 break(s) fits no template of contract LN (L8) on this weekday"), "{out}");
}

#[test]
fn skills_decide_the_queue_and_multi_skill_agents_count_once() {
    let case = Case::new(
        &contract("FT", "[\"N8\"]", ""),
        &[
            ("S", "FT", "sales"),
            ("T", "FT", "support"),
            ("B", "FT", "sales;support"),
        ],
        &[],
    );
    // Each queue needs 2 agents: S and T cover one each, B covers one queue at a time.
    let mut needs = daily("sales", 1, 2.0);
    needs.extend(daily("support", 1, 2.0));
    case.requirements(&["sales", "support"], 1, &needs);
    let run = case.roster(1);
    for line in run.roster.lines().filter(|l| l.contains(",shift,")) {
        let f: Vec<&str> = line.split(',').collect();
        match f[0] {
            "S" => assert_eq!(f[5], "sales"),
            "T" => assert_eq!(f[5], "support"),
            _ => assert!(f[5] == "sales" || f[5] == "support"),
        }
    }
    // 16 half-hours x 4 required, 3 agents on duty: 16 agent-intervals short in all.
    assert_eq!(run.shortfall(), 16.0);
    let scheduled: f64 = run
        .coverage
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(5).unwrap().parse::<f64>().unwrap())
        .sum();
    assert_eq!(scheduled, 48.0);
    let out = case.reject(1, &["S,2027-02-01,shift,09:00,17:00,support"]);
    assert!(
        out.contains(
            "S 2027-02-01 skills: works queue \"support\" 09:00-17:00 without the skill (sales)"
        ),
        "{out}"
    );
}

#[test]
fn preferences_are_honoured_when_free() {
    let case = Case::new(
        &contract("FT", "[\"N8\"]", "max_days_per_week = 5"),
        &[("A1", "FT", "sales"), ("A2", "FT", "sales")],
        &[
            "A1,2027-02-02,,,preferred_off",
            "A2,2027-02-03,,,preferred_on",
        ],
    );
    std::fs::write(
        case.path("contracts.toml"),
        contract("FT", "[\"N8\"]", "max_days_per_week = 5") + "[soft]\npreference = 3.0\n",
    )
    .unwrap();
    case.requirements(&["sales"], 7, &daily("sales", 7, 1.0));
    let run = case.roster(7);
    assert!(!run.days_of("A1").contains(&date(1)));
    assert!(run.days_of("A2").contains(&date(2)));
    assert!(run.summary.contains(",1,1,"), "{}", run.summary);
}

#[test]
fn same_inputs_give_byte_identical_rosters() {
    let case = Case::new(
        &contract(
            "FT",
            "[\"D8\", \"L8\"]",
            "max_days_per_week = 5\nmin_rest = \"11h\"",
        ),
        &[
            ("A1", "FT", "sales"),
            ("A2", "FT", "sales;support:2"),
            ("A3", "FT", "support"),
            ("A4", "FT", "support"),
        ],
        &[
            "A2,2027-02-03,,,leave",
            "A3,2027-02-04,10:00,12:00,preferred_off",
        ],
    );
    let mut needs = daily("sales", 7, 1.0);
    needs.extend((0..7).map(|d| ("support", d, "07:00", "19:00", 2.0)));
    case.requirements(&["sales", "support"], 7, &needs);
    let first = case.roster(7);
    let second = case.roster(7);
    assert_eq!(first.roster, second.roster);
    assert_eq!(first.coverage, second.coverage);
    assert_eq!(first.summary, second.summary);
}

#[test]
fn bad_inputs_are_input_errors_with_their_line() {
    let case = Case::new(
        &contract("FT", "[\"N8\"]", ""),
        &[("A1", "FT", "sales")],
        &[
            "A1,2027-02-02,,,leave",
            "A1,2027-02-02,10:00,12:00,preferred_off",
        ],
    );
    case.requirements(&["sales"], 7, &daily("sales", 7, 1.0));
    case.roster_command(7, &[])
        .assert()
        .code(2)
        .stderr(contains(
            "availability.csv: line 3: agent A1 on 2027-02-02 overlaps line 2 (leave)",
        ));
    std::fs::write(
        case.path("availability.csv"),
        "agent_id,date,from,to,kind\nZ9,2027-02-02,,,leave\n",
    )
    .unwrap();
    case.roster_command(7, &[])
        .assert()
        .code(2)
        .stderr(contains("availability.csv: line 2, column \"agent_id\": found \"Z9\"; expected an agent_id of the agents file"));
    std::fs::write(
        case.path("availability.csv"),
        "agent_id,date,from,to,kind\n",
    )
    .unwrap();
    std::fs::write(
        case.path("agents.csv"),
        "agent_id,name,contract,skills\nA1,Ann,XX,sales\n",
    )
    .unwrap();
    case.roster_command(7, &[])
        .assert()
        .code(2)
        .stderr(contains("agents.csv: line 2, column \"contract\": found \"XX\"; expected a contract of the contracts file (FT)"));
    std::fs::write(
        case.path("agents.csv"),
        "agent_id,name,contract,skills\nA1,Ann,FT,sales\n",
    )
    .unwrap();
    std::fs::write(case.path("contracts.toml"), contract("FT", "[\"N9\"]", "")).unwrap();
    case.roster_command(7, &[])
        .assert()
        .code(2)
        .stderr(contains("contracts.toml: line 2, column \"contract.FT.templates\": found \"N9\"; expected a template of shifts.toml (D8, N8, P4, L8)"));
    std::fs::write(
        case.path("contracts.toml"),
        contract(
            "FT",
            "[\"P4\"]",
            "max_days_per_week = 5\nmin_hours_per_week = 30.0",
        ),
    )
    .unwrap();
    case.roster_command(7, &[])
        .assert()
        .code(2)
        .stderr(contains("expected at most 20 hours: 5 working days a week"));
    // Leave on all but two days makes a 20-hour minimum unreachable for that week.
    std::fs::write(
        case.path("contracts.toml"),
        contract(
            "FT",
            "[\"N8\"]",
            "min_hours_per_week = 20.0\nleave_day_hours = 0.0",
        ),
    )
    .unwrap();
    let leave: String = (0..5)
        .map(|d| format!("A1,{},,,unavailable\n", date(d)))
        .collect();
    std::fs::write(
        case.path("availability.csv"),
        format!("agent_id,date,from,to,kind\n{leave}"),
    )
    .unwrap();
    case.roster_command(7, &[])
        .assert()
        .code(2)
        .stderr(contains("agent A1 (contract FT) cannot reach min_hours_per_week 20 in the week from 2027-02-01: 2 day(s) with an allowed shift give at most 16 paid hours"));
    // The checker names unknown agents of a roster file with their line.
    std::fs::write(
        case.path("availability.csv"),
        "agent_id,date,from,to,kind\n",
    )
    .unwrap();
    std::fs::write(
        case.path("hand.csv"),
        "agent_id,date,activity,start,end,queue\nQ7,2027-02-01,off,,,\n",
    )
    .unwrap();
    let output = case.check(&case.path("hand.csv"));
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr)
        .contains("hand.csv: line 2, column \"agent_id\": found \"Q7\""));
}

/// Four agents skilled for both queues, 09:00-17:00 without rests; sales needs all
/// four in the first half of every hour, support in the second half.
fn alternating_case() -> Case {
    let case = Case::new(
        &contract("FT", "[\"N8\"]", ""),
        &[
            ("B1", "FT", "sales;support"),
            ("B2", "FT", "sales;support"),
            ("B3", "FT", "sales;support"),
            ("B4", "FT", "sales;support"),
        ],
        &[],
    );
    let mut needs = Vec::new();
    for hour in 9..17 {
        let (on, half, next) = (
            format!("{hour:02}:00"),
            format!("{hour:02}:30"),
            format!("{:02}:00", hour + 1),
        );
        needs.push(("sales", 0, leak(on), leak(half.clone()), 4.0));
        needs.push(("support", 0, leak(half), leak(next), 4.0));
    }
    case.requirements(&["sales", "support"], 1, &needs);
    case
}

fn leak(text: String) -> &'static str {
    Box::leak(text.into_boxed_str())
}

type QueueRuns = BTreeMap<(String, String), Vec<(u32, u32, String)>>;

/// Per agent and date: the queue runs of its shift rows, touching rows of one queue
/// joined: (start, end, queue).
fn queue_runs(roster: &str) -> QueueRuns {
    let mut runs = QueueRuns::new();
    for line in roster.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        if f[2] != "shift" {
            continue;
        }
        let day = runs
            .entry((f[0].to_string(), f[1].to_string()))
            .or_default();
        let (from, to) = (clock(f[3]), clock(f[4]));
        match day.last_mut() {
            Some(last) if last.1 == from && last.2 == f[5] => last.1 = to,
            _ => day.push((from, to, f[5].to_string())),
        }
    }
    runs
}

#[test]
fn assigned_routing_keeps_each_agent_on_a_queue_for_the_minimum_block() {
    let case = alternating_case();
    // One-hour blocks: each block spans one sales and one support half-hour, so the
    // best hand-out puts 2 agents on each queue: 2 short in each of 16 half-hours.
    let run = case.roster(1);
    assert_eq!(run.shortfall(), 32.0, "{}", run.roster);
    for ((agent, _), runs) in queue_runs(&run.roster) {
        for pair in runs.windows(2) {
            assert!(
                pair[0].1 - pair[0].0 >= 60,
                "{agent} changes queue after {} min: {runs:?}",
                pair[0].1 - pair[0].0
            );
        }
    }
    // A 15-minute hand-made switch is reported by the checker.
    let out = case.reject(
        1,
        &[
            "B1,2027-02-01,shift,09:00,09:30,sales",
            "B1,2027-02-01,shift,09:30,17:00,support",
        ],
    );
    assert!(
        out.contains(
            "B1 2027-02-01 min_queue_block: switches from sales to support at 09:30 after 30 min"
        ),
        "{out}"
    );
    // Half-hour blocks may follow the demand exactly: nothing short.
    let output = case
        .roster_command(1, &["--min-queue-block", "30m"])
        .output()
        .unwrap();
    assert!(output.status.success());
    let coverage = std::fs::read_to_string(case.path("coverage.csv")).unwrap();
    let short: f64 = Run {
        roster: String::new(),
        coverage,
        summary: String::new(),
        stderr: String::new(),
    }
    .shortfall();
    assert_eq!(short, 0.0);
}

#[test]
fn skills_routing_names_the_skills_logged_in() {
    let case = alternating_case();
    let output = case
        .roster_command(1, &["--routing", "skills"])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let roster = std::fs::read_to_string(case.path("roster.csv")).unwrap();
    let shifts: Vec<&str> = roster.lines().filter(|l| l.contains(",shift,")).collect();
    assert_eq!(shifts.len(), 4, "{roster}");
    for line in shifts {
        assert!(line.ends_with(",09:00,17:00,sales;support"), "{line}");
    }
    let mut check = wfm();
    check
        .args(["roster", "check", "--routing", "skills", "--roster"])
        .arg(case.path("roster.csv"));
    case.people_args(&mut check);
    let checked = check.output().unwrap();
    assert!(
        checked.status.success(),
        "{}",
        String::from_utf8_lossy(&checked.stdout)
    );
}

/// The coverage file's (interval_start "HH:MM", weakest_slot, shortfall) rows with a
/// requirement.
fn weakest_slots(coverage_csv: &str) -> Vec<(String, f64, f64)> {
    coverage_csv
        .lines()
        .skip(1)
        .map(|line| line.split(',').collect::<Vec<_>>())
        .filter(|f| f[4].parse::<f64>().unwrap() > 0.0)
        .map(|f| {
            (
                f[1][11..16].to_string(),
                f[6].parse().unwrap(),
                f[7].parse().unwrap(),
            )
        })
        .collect()
}

#[test]
fn interval_coverage_lets_a_quarter_hour_starve_and_slot_coverage_does_not() {
    // Two agents needed 10:00-11:00, four agents with 45-minute shifts from 10:00
    // (quarter-hours s0-s2) or 10:15 (s1-s3). Averaged over the half-hours, three
    // shifts carry both (2 + 1 or 1 + 2), leaving one agent in an end quarter-hour;
    // every quarter-hour with two needs all four.
    let case = Case::new(
        &contract("Q", "[\"Q45\"]", ""),
        &[
            ("A1", "Q", "sales"),
            ("A2", "Q", "sales"),
            ("A3", "Q", "sales"),
            ("A4", "Q", "sales"),
        ],
        &[],
    );
    case.requirements(&["sales"], 1, &[("sales", 0, "10:00", "11:00", 2.0)]);
    let shifts = |coverage: &str| {
        format!(
            "[site]\ncoverage = \"{coverage}\"\n\n[[template]]\nname = \"Q45\"\npaid_hours = 0.75\nstart_earliest = \"10:00\"\nstart_latest = \"10:15\"\nstart_step = \"15m\"\ncost_per_hour = 1.0\n"
        )
    };

    std::fs::write(case.path("shifts.toml"), shifts("interval")).unwrap();
    let run = case.roster(1);
    assert_eq!(run.shifts().len(), 3, "{}", run.roster);
    let rows = weakest_slots(&run.coverage);
    assert_eq!(rows.len(), 2);
    assert!(rows.iter().all(|r| r.2 == 0.0), "{rows:?}");
    assert!(rows.iter().any(|r| r.1 == 1.0), "{rows:?}");
    assert!(
        run.stderr
            .contains("roster cost 2.25 (paid 2.25, shortfall 0.00"),
        "{}",
        run.stderr
    );

    std::fs::write(case.path("shifts.toml"), shifts("slot")).unwrap();
    let run = case.roster(1);
    assert_eq!(run.shifts().len(), 4, "{}", run.roster);
    assert_eq!(
        weakest_slots(&run.coverage),
        vec![("10:00".into(), 2.0, 0.0), ("10:30".into(), 2.0, 0.0)]
    );
    assert!(
        run.stderr
            .contains("roster cost 3.00 (paid 3.00, shortfall 0.00"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("gap 0.00%"), "{}", run.stderr);
}

#[test]
fn slot_coverage_staggers_breaks_so_every_quarter_hour_is_covered() {
    // Three agents 09:00-12:00, each with a quarter-hour break starting 10:00-10:30,
    // two needed throughout: only one break per quarter-hour keeps two at work in
    // every quarter-hour. Averaged over 10:00-10:30, two breaks in one quarter-hour
    // cost the same as one in each; per quarter-hour they leave one agent short.
    let case = Case::new(
        &contract("B", "[\"B3\"]", ""),
        &[
            ("A1", "B", "sales"),
            ("A2", "B", "sales"),
            ("A3", "B", "sales"),
        ],
        &[],
    );
    case.requirements(&["sales"], 1, &[("sales", 0, "09:00", "12:00", 2.0)]);
    let shifts = |coverage: &str| {
        format!(
            "[site]\ncoverage = \"{coverage}\"\n\n[penalties]\nunder_per_agent_hour = 20.0\n\n[[template]]\nname = \"B3\"\npaid_hours = 3.0\nstart_earliest = \"09:00\"\nstart_latest = \"09:00\"\nstart_step = \"1h\"\ncost_per_hour = 1.0\n[[template.break]]\nlength = \"15m\"\nearliest_after_start = \"1h\"\nlatest_after_start = \"1h30m\"\n"
        )
    };
    for coverage in ["interval", "slot"] {
        std::fs::write(case.path("shifts.toml"), shifts(coverage)).unwrap();
        let run = case.roster(1);
        assert_eq!(run.shifts().len(), 3, "{coverage}: {}", run.roster);
        let rows = weakest_slots(&run.coverage);
        assert_eq!(rows.len(), 6);
        // The averages are met either way.
        assert!(rows.iter().all(|r| r.2 == 0.0), "{coverage}: {rows:?}");
        if coverage == "slot" {
            assert!(rows.iter().all(|r| r.1 >= 2.0), "{rows:?}");
            let mut breaks: Vec<&str> = run
                .roster
                .lines()
                .filter(|l| l.contains(",break,"))
                .map(|l| l.split(',').nth(3).unwrap())
                .collect();
            breaks.sort_unstable();
            assert_eq!(breaks, ["10:00", "10:15", "10:30"], "{}", run.roster);
        }
        assert!(
            run.stderr
                .contains("roster cost 9.00 (paid 9.00, shortfall 0.00"),
            "{coverage}: {}",
            run.stderr
        );
    }
}

#[test]
fn closed_days_are_never_worked_and_credit_the_weekly_minimum() {
    // 35 hours a week of 8-hour shifts; the site is closed on Wednesday 2027-02-03.
    // Pro rata the minimum is 35 x 6/7 = 30 hours: 4 shifts, none on Wednesday, even
    // though work is needed every day.
    let case = Case::new(
        &contract("FT", "[\"N8\"]", "min_hours_per_week = 35.0"),
        &[("A1", "FT", "sales")],
        &[],
    );
    case.requirements(&["sales"], 7, &daily("sales", 7, 1.0));
    let roster = case.roster_closed_on(7, "2027-02-03");
    let calendar = case.path("calendar.csv").display().to_string();
    assert!(roster.contains("A1,2027-02-03,off,,,"), "{roster}");
    let days = roster.lines().filter(|l| l.contains(",shift,")).count();
    // Uncapped by the minimum, the agent works every open day it can (max 7 days).
    assert_eq!(days, 6, "{roster}");
    // A shift on the closed day is reported by the checker given the calendar.
    let mut check = wfm();
    check
        .args(["roster", "check", "--calendar", &calendar, "--roster"])
        .arg(case.path("hand.csv"));
    case.people_args(&mut check);
    let mut text = String::from("agent_id,date,activity,start,end,queue\n");
    for day in 0..7 {
        text.push_str(&format!("A1,{},shift,09:00,17:00,sales\n", date(day)));
    }
    std::fs::write(case.path("hand.csv"), text).unwrap();
    let out = String::from_utf8(check.output().unwrap().stdout).unwrap();
    assert!(
        out.contains("A1 2027-02-03 closed_day: works on a day the calendar closes the site"),
        "{out}"
    );
}

#[test]
fn closed_day_credit_sets_the_weekly_minimum() {
    // Work is only needed on Monday; the minimum decides how many more shifts are
    // paid. Closed Wednesday, 35 hours a week: pro rata 30 h (4 shifts of 8 h), as
    // hours 35 - 7 = 28 h (4 shifts), without credit 35 h (5 shifts).
    for (credit, shifts) in [("pro-rata", 4), ("hours", 4), ("none", 5)] {
        let extra = format!(
            "min_hours_per_week = 35.0\nleave_day_hours = 7.0\nclosed_day_credit = \"{credit}\""
        );
        let case = Case::new(
            &contract("FT", "[\"N8\"]", &extra),
            &[("A1", "FT", "sales")],
            &[],
        );
        case.requirements(&["sales"], 7, &daily("sales", 1, 1.0));
        let roster = case.roster_closed_on(7, "2027-02-03");
        assert_eq!(
            roster.matches(",shift,").count(),
            shifts,
            "{credit}: {roster}"
        );
        assert!(!roster.contains("2027-02-03,shift"), "{credit}: {roster}");
    }
}

#[test]
fn exports_give_each_agent_a_calendar_and_the_team_a_grid_and_workbook() {
    // L8 has a lunch and a break; A1 is on leave on Wednesday and off on Friday
    // morning. Nine days from Monday 2027-02-01: two ISO weeks.
    let case = Case::new(
        &contract("FT", "[\"L8\"]", "max_days_per_week = 5"),
        &[
            ("A1", "FT", "sales"),
            ("A2", "FT", "sales"),
            ("A3", "FT", "sales"),
        ],
        &["A1,2027-02-03,,,leave", "A1,2027-02-05,08:00,12:00,leave"],
    );
    case.requirements(&["sales"], 9, &daily("sales", 9, 1.0));
    let exports = case.path("exports");
    let output = case
        .roster_command(9, &["--exports"])
        .arg(&exports)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let events = exports_check::check_exports(
        &exports,
        &case.path("roster.csv"),
        &case.path("agents.csv"),
        "UTC",
    );
    let roster = std::fs::read_to_string(case.path("roster.csv")).unwrap();
    let rows = |activity: &str| {
        roster
            .lines()
            .filter(|l| l.split(',').nth(2) == Some(activity))
            .count()
    };
    let working_days: std::collections::BTreeSet<(&str, &str)> = roster
        .lines()
        .filter(|l| l.split(',').nth(2) == Some("shift"))
        .map(|l| {
            let mut fields = l.split(',');
            (fields.next().unwrap(), fields.next().unwrap())
        })
        .collect();
    // Shifts, lunches, breaks, the day of leave and the morning of leave.
    assert_eq!(
        events,
        working_days.len() + rows("lunch") + rows("break") + 2
    );
    assert!(rows("lunch") > 0 && rows("break") > 0);
    let grid = std::fs::read_to_string(exports.join("grid.csv")).unwrap();
    assert!(grid.starts_with("agent_id,name,2027-02-01,"), "{grid}");
    let a1 = grid.lines().find(|l| l.starts_with("A1,")).unwrap();
    assert_eq!(a1.split(',').nth(4), Some("leave"), "{a1}");
    let sheets = exports_check::xlsx_sheets(&exports.join("roster.xlsx"));
    let names: Vec<&str> = sheets.iter().map(|s| s.0.as_str()).collect();
    assert_eq!(names, ["2027-W05", "2027-W06"]);

    // A rerun writes the same bytes.
    let first: Vec<Vec<u8>> = ["grid.csv", "roster.xlsx", "schedules/A1.ics"]
        .iter()
        .map(|f| std::fs::read(exports.join(f)).unwrap())
        .collect();
    let again = case.path("again");
    case.roster_command(9, &["--exports"])
        .arg(&again)
        .assert()
        .success();
    for (i, f) in ["grid.csv", "roster.xlsx", "schedules/A1.ics"]
        .iter()
        .enumerate()
    {
        assert!(
            std::fs::read(again.join(f)).unwrap() == first[i],
            "{f} differs"
        );
    }
}

#[test]
fn the_last_week_carries_the_minimum_the_weekend_after_the_horizon_cannot() {
    // 24 days from Monday 2027-02-01 to Wednesday 2027-02-24 (one agent: the whole
    // horizon's integer programme); Thursday 25 is closed. Work is needed Monday to
    // Thursday and on Saturdays, so the agent works two of the Saturdays 6, 13 and
    // 20 (the limit) and Monday and Tuesday of the last week. That week owes 32 x
    // 3/7 = 13.71 pro rata, two shifts; but with the weekend of 27-28 February
    // closed by the limit, Friday 26 alone can carry 8 of the week's 32 x 6/7 =
    // 27.43, so the week owes 19.43: a third shift, on Wednesday, where nothing is
    // needed (docs/formats.md, "the last week").
    let case = Case::new(
        &contract(
            "FT",
            "[\"N8\"]",
            "min_hours_per_week = 32.0\nmax_hours_per_week = 40.0\nmax_days_per_week = 5\n\
             days_off_per_week = 2\nmax_weekends_per_4_weeks = 2",
        ),
        &[("A1", "FT", "sales")],
        &[],
    );
    let needs: Vec<Need> = (0..24)
        .filter(|d| [0, 1, 2, 3, 5].contains(&(d % 7)) && *d != 23)
        .map(|d| ("sales", d, "09:00", "17:00", 1.0))
        .collect();
    case.requirements(&["sales"], 24, &needs);
    let roster = case.roster_closed_on(24, "2027-02-25");
    let calendar = case.path("calendar.csv").display().to_string();
    let worked = |day: u32| roster.contains(&format!("A1,{},shift", date(day)));
    let saturdays = [5, 12, 19].iter().filter(|&&d| worked(d)).count();
    assert_eq!(saturdays, 2, "{roster}");
    let last_week: Vec<u32> = (21..24).filter(|&d| worked(d)).collect();
    assert_eq!(last_week, vec![21, 22, 23], "{roster}");
    let mut check = wfm();
    check
        .args(["roster", "check", "--calendar", &calendar, "--roster"])
        .arg(case.path("roster.csv"));
    case.people_args(&mut check);
    let checked = check.output().unwrap();
    assert!(
        checked.status.success(),
        "{}",
        String::from_utf8_lossy(&checked.stdout)
    );
    // The checker holds a roster that stops at Tuesday to the same rule.
    let cut: String = roster
        .lines()
        .filter(|line| !line.contains(&date(23)))
        .map(|line| format!("{line}\n"))
        .collect::<String>()
        + &format!("A1,{},off,,,\n", date(23));
    std::fs::write(case.path("cut.csv"), cut).unwrap();
    let mut check = wfm();
    check
        .args(["roster", "check", "--calendar", &calendar, "--roster"])
        .arg(case.path("cut.csv"));
    case.people_args(&mut check);
    let out = String::from_utf8(check.output().unwrap().stdout).unwrap();
    assert!(
        out.contains("A1 2027-02-22 min_hours_per_week: 16 paid hours in the week from 2027-02-22, below 19.43"),
        "{out}"
    );
}
