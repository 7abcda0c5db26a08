//! Benchmark of `wfm roster`'s core: 200 agents (130 full-time on 8-hour shifts with a
//! lunch and two breaks, 70 part-time on 4- and 6-hour shifts), three queues with six
//! skill mixes, 28 days from a Monday, half-hourly requirements, seeded leave,
//! unavailability and preferences. One timed run; the report (time, cost, bound, gap,
//! shortfall) is printed, and every hard rule is re-checked on the written rows.
//! A second, 57-agent case opens tech only 09:00-18:00 and reports the agent-hours the
//! queue hand-out leaves on a queue without calls while another of the agent's queues
//! has calls: the figure `IDLE_QUEUE_PER_AGENT_HOUR` (src/roster/routing.rs) prices.
//!
//! Run: `cargo bench --bench roster` (the full case, one timed run). Under `cargo test`
//! (no `--bench` argument) a 50-agent case with a 20-second limit runs instead, so CI
//! stays quick and still exercises the big-roster path. `WFM_BENCH_PROGRESS=1` prints
//! the solver's progress lines.
//! `docs/benchmarks.md` records the figures.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;
use std::time::Instant;

use chrono::{Datelike, Duration, NaiveDate, TimeZone, Timelike};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use wfm::roster::{
    build_roster, check_rows, Activity, Agent, AvailabilityKind, AvailabilityRow, Contracts,
    Replan, RosterInputs, RosterOptions, RosterRow, RoutingRules, RuleBook,
};
use wfm::schedule::{Cover, CoverageRow, Requirement, ShiftConfig, SolverLimits};

/// The benchmark month's shift templates, shared with the other scheduling bench.
const TEMPLATES: &str = include_str!("month_templates.toml");

const CONTRACTS: &str = r#"
[contract.FT]
templates = ["FT8"]
min_hours_per_week = 32.0
max_hours_per_week = 40.0
max_days_per_week = 5
max_consecutive_days = 6
min_rest = "11h"
days_off_per_week = 2
consecutive_days_off = true
max_weekends_per_4_weeks = 3

[contract.PT]
templates = ["PT4", "PT6"]
min_hours_per_week = 12.0
max_hours_per_week = 24.0
max_days_per_week = 5
max_consecutive_days = 5
min_rest = "11h"
days_off_per_week = 2
max_weekends_per_4_weeks = 2
"#;

/// Queue peaks (agents) and the skill mixes with their head counts: (skills, FT, PT).
const QUEUES: [(&str, f64); 3] = [("sales", 34.0), ("service", 26.0), ("tech", 12.0)];
/// Skills with priorities, then full-time and part-time head counts.
type Mix = (&'static [(&'static str, u32)], u32, u32);
const MIXES: [Mix; 6] = [
    (&[("sales", 1)], 40, 22),
    (&[("service", 1)], 32, 16),
    (&[("tech", 1)], 18, 6),
    (&[("sales", 1), ("service", 1)], 20, 14),
    (&[("sales", 1), ("service", 1), ("tech", 2)], 12, 6),
    (&[("service", 1), ("tech", 1)], 8, 6),
];
/// The routing case's mixes: the last one prefers tech and takes service second, as
/// the sample's sales agents take support second (sales opens at 09:00).
const ROUTING_MIXES: [Mix; 6] = [
    MIXES[0],
    MIXES[1],
    MIXES[2],
    MIXES[3],
    MIXES[4],
    (&[("tech", 1), ("service", 2)], 20, 12),
];

struct Case {
    config: ShiftConfig,
    contracts: Contracts,
    agents: Vec<Agent>,
    availability: Vec<AvailabilityRow>,
    requirements: Vec<Requirement>,
    start: NaiveDate,
    days: u32,
}

/// The hours every queue is open in the main case.
const OPEN: Range<f64> = 7.0..22.0;
/// Tech's hours in the routing case: agents whose shifts start before 09:00 or end
/// after 18:00 and who also take sales or service should answer those meanwhile.
const TECH_OPEN_IN_ROUTING_CASE: Range<f64> = 9.0..18.0;

/// Open 07:00-22:00 (tech: `tech_open`); a morning peak at 10:30 and an afternoon
/// one at 14:30 on weekdays, 60% at weekends.
fn requirements(
    start: NaiveDate,
    days: u32,
    scale: f64,
    tech_open: &Range<f64>,
) -> Vec<Requirement> {
    let mut requirements = Vec::new();
    for (queue, peak) in QUEUES {
        let open = if queue == "tech" { tech_open } else { &OPEN };
        for day in 0..days {
            let date = start + Duration::days(i64::from(day));
            let weekend = if date.weekday().num_days_from_monday() >= 5 {
                0.6
            } else {
                1.0
            };
            for half_hour in 0..48u32 {
                let hour = f64::from(half_hour) / 2.0 + 0.25;
                let agents = if !open.contains(&hour) {
                    0.0
                } else {
                    let morning = (-((hour - 10.5) / 1.8).powi(2)).exp();
                    let afternoon = 0.85 * (-((hour - 14.5) / 2.0).powi(2)).exp();
                    (peak * scale * weekend * (0.30 + 0.70 * morning.max(afternoon))).ceil()
                };
                let instant = chrono_tz::UTC
                    .from_local_datetime(
                        &date
                            .and_hms_opt(half_hour / 2, (half_hour % 2) * 30, 0)
                            .unwrap(),
                    )
                    .unwrap();
                requirements.push(Requirement {
                    queue: queue.to_string(),
                    interval_start: instant,
                    calls: agents * 8.0,
                    aht_seconds: 300.0,
                    agents,
                    scheduled_staff: agents,
                });
            }
        }
    }
    requirements
}

/// The case: `share` of each mix's head count (1.0 = 200 agents) over `days` days,
/// tech open `tech_open`.
fn case(mixes: &[Mix], share: f64, days: u32, tech_open: &Range<f64>) -> Case {
    let config = ShiftConfig::from_toml(TEMPLATES, "bench shifts").unwrap();
    let contracts = Contracts::from_toml(CONTRACTS, "bench contracts", &config).unwrap();
    let start = NaiveDate::from_ymd_opt(2027, 2, 1).unwrap();
    let mut agents = Vec::new();
    for (mix, (skills, full_time, part_time)) in mixes.iter().enumerate() {
        let counts = [
            ("FT", (f64::from(*full_time) * share).round() as u32),
            ("PT", (f64::from(*part_time) * share).round() as u32),
        ];
        for (contract, count) in counts {
            for n in 0..count {
                agents.push(Agent {
                    id: format!("{contract}{mix}-{n:02}"),
                    name: format!("Agent {contract}{mix}-{n:02}"),
                    contract: contracts.find(contract).unwrap(),
                    skills: skills
                        .iter()
                        .map(|(queue, priority)| wfm::roster::inputs::Skill {
                            queue: queue.to_string(),
                            priority: *priority,
                        })
                        .collect(),
                });
            }
        }
    }
    // Seeded absences and wishes: a leave week for one agent in twelve, a day
    // unavailable for one in five, and a preferred day off for one in three.
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let mut availability = Vec::new();
    let row = |agent: usize, day: u32, kind: AvailabilityKind| AvailabilityRow {
        agent,
        date: start + Duration::days(i64::from(day)),
        window: None,
        kind,
        line: 0,
    };
    for agent in 0..agents.len() {
        if rng.random_bool(1.0 / 12.0) {
            let week = rng.random_range(0..days.div_ceil(7));
            for day in week * 7..(week * 7 + 5).min(days) {
                availability.push(row(agent, day, AvailabilityKind::Leave));
            }
            continue;
        }
        let unavailable = rng.random_bool(0.2).then(|| rng.random_range(0..days));
        if let Some(day) = unavailable {
            availability.push(row(agent, day, AvailabilityKind::Unavailable));
        }
        let preferred_off = rng
            .random_bool(1.0 / 3.0)
            .then(|| rng.random_range(0..days));
        if let Some(day) = preferred_off.filter(|d| Some(*d) != unavailable) {
            availability.push(row(agent, day, AvailabilityKind::PreferredOff));
        }
    }
    let scale = agents.len() as f64 / 200.0;
    Case {
        requirements: requirements(start, days, scale, tech_open),
        config,
        contracts,
        agents,
        availability,
        start,
        days,
    }
}

/// The bench's roster options: the case's horizon, 1% gap, no shrinkage.
fn options(case: &Case, time_limit_seconds: f64) -> RosterOptions {
    RosterOptions {
        start: case.start,
        days: case.days,
        time_zone: chrono_tz::UTC,
        cover: Cover::ScheduledStaff,
        limits: SolverLimits {
            time_limit_seconds,
            mip_gap: 0.01,
        },
        start_band_minutes: None,
        answer_within_seconds: 20.0,
        shrinkage: Some(0.0),
        routing: RoutingRules::default(),
        targets: None,
    }
}

/// The case's inputs, re-planning `replan` when given.
fn inputs<'a>(case: &'a Case, replan: Option<&'a Replan>) -> RosterInputs<'a> {
    RosterInputs {
        config: &case.config,
        contracts: &case.contracts,
        agents: &case.agents,
        availability: &case.availability,
        requirements: &case.requirements,
        closed_days: &[],
        replan,
        previous: None,
    }
}

fn run(case: &Case, label: &str, time_limit_seconds: f64) -> Vec<RosterRow> {
    let options = options(case, time_limit_seconds);
    let inputs = inputs(case, None);
    // WFM_BENCH_PROGRESS=1 prints the solver's progress lines.
    let show = |line: &str| eprintln!("  {line}");
    let progress: Option<&(dyn Fn(&str) + Sync)> =
        std::env::var_os("WFM_BENCH_PROGRESS").map(|_| &show as &(dyn Fn(&str) + Sync));
    let started = Instant::now();
    let roster = build_roster(&inputs, &options, progress).unwrap();
    let seconds = started.elapsed().as_secs_f64();
    let book = RuleBook::new(
        &case.config,
        &case.contracts,
        &case.agents,
        &case.availability,
        roster.horizon,
    );
    let rows: Vec<(u64, RosterRow)> = roster.rows.iter().cloned().map(|r| (0, r)).collect();
    let violations = check_rows(&rows, &book, "bench", options.routing).unwrap();
    assert!(
        violations.is_empty(),
        "{:?}",
        &violations[..violations.len().min(5)]
    );
    let report = &roster.report;
    let required: f64 = roster.coverage.iter().map(|c| c.required).sum();
    let isolated: u32 = roster
        .summary
        .iter()
        .map(|r| r.stats.isolated_days_off)
        .sum();
    let preferences: u32 = roster.summary.iter().map(|r| r.stats.preferences).sum();
    let honoured: u32 = roster
        .summary
        .iter()
        .map(|r| r.stats.preferences_honoured)
        .sum();
    let idle = avoidable_idle_hours(case, &roster.rows, &roster.coverage);
    eprintln!(
        "{label}: {} agents, {} days: {:.1} s total ({} after {:.1} s of solving); roster cost {:.2} (paid {:.2}, shortfall {:.2}, soft {:.2}), bound {:.2}, gap {:.2}%; shortfall {:.1} of {:.0} agent-intervals ({:.2}%); {} variables ({} integer), {} constraints, start bands {} min; {} isolated days off, {} of {} preferences honoured; {idle:.2} agent-hours on a queue without calls while another of the agent's queues had calls; hard-rule violations: {}",
        case.agents.len(),
        case.days,
        seconds,
        report.status,
        report.solve_seconds,
        roster.cost.total(),
        roster.cost.paid,
        roster.cost.shortfall,
        roster.cost.soft,
        report.best_bound,
        roster.gap * 100.0,
        roster.total_shortfall(),
        required,
        100.0 * roster.total_shortfall() / required.max(1.0),
        report.variables,
        report.integer_variables,
        report.constraints,
        roster.band_minutes,
        isolated,
        honoured,
        preferences,
        violations.len()
    );
    roster.rows
}

/// Agent-hours the roster hands to a queue in quarter-hours when that queue has no
/// calls but another of the agent's queues has: time an agent waits that a call could
/// have used (the same count as the sample-month test `idle_queue_hours`).
fn avoidable_idle_hours(case: &Case, rows: &[RosterRow], coverage: &[CoverageRow]) -> f64 {
    let with_calls: BTreeSet<(&str, NaiveDate, u32)> = coverage
        .iter()
        .filter(|c| c.calls > 0.0)
        .map(|c| {
            let start = c.interval_start;
            (
                c.queue.as_str(),
                start.date_naive(),
                start.hour() * 2 + start.minute() / 30,
            )
        })
        .collect();
    let skills: BTreeMap<&str, Vec<&str>> = case
        .agents
        .iter()
        .map(|a| {
            (
                a.id.as_str(),
                a.skills.iter().map(|s| s.queue.as_str()).collect(),
            )
        })
        .collect();
    let mut quarters = 0u32;
    for row in rows.iter().filter(|r| r.activity == Activity::Shift) {
        let (Some(start), Some(end)) = (row.start, row.end) else {
            continue;
        };
        for quarter in start / 15..end / 15 {
            let date = row.date + Duration::days(i64::from(quarter / 96));
            let calls = |queue: &str| with_calls.contains(&(queue, date, quarter % 96 / 2));
            if !calls(&row.queue) && skills[row.agent_id.as_str()].iter().any(|s| calls(s)) {
                quarters += 1;
            }
        }
    }
    f64::from(quarters) * 0.25
}

/// Re-plans `published` (the roster `run` built) from the middle of the horizon with
/// unchanged inputs: the time against the full roster's, the frozen days kept, and
/// what changed after them (a roster whose rounds stopped before converging can still
/// improve by more than the change cost).
fn replan(case: &Case, published: &[RosterRow], label: &str, time_limit_seconds: f64) {
    let options = options(case, time_limit_seconds);
    let replan = Replan {
        rows: published.iter().cloned().map(|r| (0, r)).collect(),
        file: "published".into(),
        freeze_until: case.start + Duration::days(i64::from(case.days / 2)),
        change_cost: wfm::roster::replan::DEFAULT_CHANGE_COST,
        horizon_start: None,
    };
    let inputs = inputs(case, Some(&replan));
    let started = Instant::now();
    let roster = build_roster(&inputs, &options, None).unwrap();
    let seconds = started.elapsed().as_secs_f64();
    let freeze = replan.freeze_until;
    let frozen = |rows: &[RosterRow]| -> Vec<RosterRow> {
        rows.iter().filter(|r| r.date < freeze).cloned().collect()
    };
    assert_eq!(
        frozen(&roster.rows),
        frozen(published),
        "a frozen day changed"
    );
    let kinds = wfm::roster::replan::count_by_kind(&roster.changes);
    eprintln!(
        "{label}: re-plan from day {} of {} with unchanged inputs: {seconds:.1} s, {} agent-days changed {kinds:?}, roster cost {:.2} ({})",
        case.days / 2,
        case.days,
        roster.changes.len(),
        roster.cost.total(),
        roster.report.status
    );
}

fn main() {
    let full = std::env::args().any(|arg| arg == "--bench");
    if full {
        let month = case(&MIXES, 1.0, 28, &OPEN);
        let rows = run(&month, "roster month", 110.0);
        replan(&month, &rows, "roster month", 110.0);
    } else {
        // 50 agents over 28 days: past the whole-horizon size, so the best responses,
        // the bound and the settlement all run, on a short clock.
        let month = case(&MIXES, 0.25, 28, &OPEN);
        let rows = run(&month, "roster month, 50 agents (test mode)", 20.0);
        replan(&month, &rows, "roster month, 50 agents (test mode)", 20.0);
    }
    // The routing case: 57 agents, tech open 09:00-18:00, in both modes.
    let routing = case(&ROUTING_MIXES, 0.25, 28, &TECH_OPEN_IN_ROUTING_CASE);
    run(&routing, "routing case, tech 09:00-18:00", 60.0);
}
