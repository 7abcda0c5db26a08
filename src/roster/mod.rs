//! Rostering: named agents assigned to shifts over weeks, so that each queue's
//! requirement is covered and every contract and labour rule holds.
//!
//! - [`contracts`], [`inputs`]: `contracts.toml`, `agents.csv`, `availability.csv`;
//! - [`rules`]: what each rule means (weeks, weekends, limits, availability);
//! - [`check`]: `wfm roster check`, any roster file against the rules;
//! - [`types`]: what the solvers share (demands, skill groups, the model's input
//!   and solution);
//! - [`strategy`]: how a roster is solved: one model when small, best responses and a
//!   bound when big, then each day settled;
//! - [`model`]: the whole-horizon integer program (small rosters);
//! - [`coverage`]: the aggregate coverage block of the model and the bound;
//! - [`greedy`]: the constructive roster and local search that start it;
//! - [`respond`]: best-response rounds that re-optimise each agent's whole schedule
//!   exactly (big rosters);
//! - [`pricing`]: each agent's cheapest schedule over the horizon, by an exact
//!   dynamic program (the best responses' step);
//! - [`bound`]: the aggregate relaxation that proves a lower bound;
//! - [`settle`]: each day's rests and queues per skill group, shifts fixed;
//! - [`summary`]: the roster, per-agent and coverage outputs, cost and shortfall
//!   explanations.
//!
//! Every roster built is checked with the same code as `wfm roster check` before it is
//! returned; a violation would be a solver error, never an output.
//!
//! Rostering follows the shift scheduling of [`crate::schedule`] (same templates,
//! lunches and breaks, same coverage accounting) and adds the people: in the terms of
//! Ernst et al. (2004, "Staff scheduling and rostering: a review of applications,
//! methods and models", EJOR 153:3-27) it is tour scheduling with named, individually
//! constrained staff, as in nurse rostering (Burke et al. 2004, "The state of the art
//! of nurse rostering", J. Scheduling 7:441-499).

pub mod bound;
pub mod check;
pub mod contracts;
pub mod coverage;
pub mod greedy;
pub mod inputs;
pub mod model;
pub mod pricing;
pub mod replan;
pub mod respond;
pub mod routing;
pub mod rules;
pub mod settle;
pub mod strategy;
pub mod types;

pub use check::{check_rows, read_roster, roster_horizon, Activity, RosterRow, ROSTER_COLUMNS};
pub use contracts::{Contract, Contracts};
pub use inputs::{read_agents, read_availability, Agent, AvailabilityKind, AvailabilityRow};
pub use replan::{DayChange, Previous, Replan};
pub use routing::{Routing, RoutingRules};
pub use rules::{Horizon, RuleBook, Violation, WorkedShift};
pub mod summary;

pub use summary::{
    write_roster_csv, write_summary_csv, CauseCount, RosterCost, ShortfallCauses, SummaryRow,
};

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, Duration, NaiveDate};
use chrono_tz::Tz;

use crate::error::{Error, Result};
use crate::interval::local_minute_of_day;
use crate::mip::ProgressFn;
use crate::mip::{slot_minutes, Demand, SolveReport, SolverLimits};
use crate::schedule::{
    coverage_row, detect_interval_minutes, estimated_shrinkage, pool_horizon, Cover, CoverageRow,
    Requirement, ScheduleOptions, ShiftConfig,
};
use crate::units::{format_clock_minutes, format_number};
use types::{ModelInput, QueueDemand};

/// What to roster.
#[derive(Debug, Clone, PartialEq)]
pub struct RosterOptions {
    pub start: NaiveDate,
    pub days: u32,
    pub time_zone: Tz,
    pub cover: Cover,
    pub limits: SolverLimits,
    /// Start-band width in minutes (0: exact starts); `None` chooses by size.
    pub start_band_minutes: Option<u32>,
    /// Service-level target time for the projected service level, seconds.
    pub answer_within_seconds: f64,
    /// Shrinkage for the projected service level; `None`: each queue's own with
    /// `targets`, else estimated.
    pub shrinkage: Option<f64>,
    /// How calls reach the agents: decides the queue hand-out and `roster.csv`'s
    /// queue cells.
    pub routing: RoutingRules,
    /// Per-queue targets for the projected service level; `None`: Erlang C.
    pub targets: Option<crate::staff::QueueTargets>,
}

/// The inputs, read and validated.
pub struct RosterInputs<'a> {
    pub config: &'a ShiftConfig,
    pub contracts: &'a Contracts,
    pub agents: &'a [Agent],
    pub availability: &'a [AvailabilityRow],
    pub requirements: &'a [Requirement],
    /// Days the calendar closes the site: nobody is rostered on them, and contracts
    /// credit them towards the weekly minimum (`closed_day_credit`).
    pub closed_days: &'a [NaiveDate],
    /// A published roster to re-plan with minimal change ([`replan`]).
    pub replan: Option<&'a Replan>,
    /// The previous period's roster: its last weeks are kept as they were worked,
    /// so that rest, consecutive days, days off and weekly hours hold across the
    /// horizon's start ([`replan::Previous`]).
    pub previous: Option<&'a Previous>,
}

/// A built roster with everything the outputs need.
#[derive(Debug, Clone)]
pub struct Roster {
    pub rows: Vec<RosterRow>,
    /// The same shifts as `rows`, counted by date, template, start and rests, as in
    /// `wfm schedule`'s `shifts.csv`.
    pub shifts: Vec<crate::schedule::ShiftRow>,
    /// Per queue and interval: the agents handed to that queue.
    pub coverage: Vec<CoverageRow>,
    /// Shrinkage used for the projected service level.
    pub shrinkage: f64,
    pub summary: Vec<SummaryRow>,
    pub report: SolveReport,
    /// The final roster's cost, recomputed from its rows.
    pub cost: RosterCost,
    /// Relative gap of `cost` to the solver's proven bound.
    pub gap: f64,
    /// One line per run of short intervals, naming what binds (after the
    /// [`waivers`](Self::waivers)).
    pub shortfalls: Vec<String>,
    /// The runs of short intervals behind those lines, as data.
    pub short_runs: Vec<ShortRun>,
    /// Agents whose weekly minimum was waived after a look-back (one line each).
    pub waivers: Vec<String>,
    /// Start-band width used, minutes (0 = exact).
    pub band_minutes: u32,
    pub horizon: Horizon,
    /// A re-plan's changed agent-days against the published roster (empty otherwise).
    pub changes: Vec<DayChange>,
}

/// A run of consecutive short intervals of one queue on one day: its worst
/// interval's requirement, agents and shortfall, and why no more agents cover it.
#[derive(Debug, Clone, PartialEq)]
pub struct ShortRun {
    pub date: NaiveDate,
    /// Minutes after midnight, local wall clock.
    pub from: u32,
    pub to: u32,
    pub queue: String,
    pub short: f64,
    pub required: f64,
    pub rostered: f64,
    pub causes: summary::ShortfallCauses,
}

/// The line `wfm roster` prints and the plan's notes carry as text.
impl std::fmt::Display for ShortRun {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} ({}) {}-{} {} short {} agents (required {}, rostered {}): {}",
            self.date,
            weekday_name(self.date),
            format_clock_minutes(self.from),
            format_clock_minutes(self.to),
            self.queue,
            format_number(self.short, 2),
            format_number(self.required, 2),
            format_number(self.rostered, 2),
            self.causes.describe(&self.queue)
        )
    }
}

impl Roster {
    /// Agent-intervals short of the requirements, summed over queues.
    pub fn total_shortfall(&self) -> f64 {
        self.coverage.iter().map(|row| row.shortfall).sum()
    }
}

/// Rosters up to this many agent-days get exact start times by default; larger ones
/// get two-hour start bands (measured: docs/benchmarks.md).
const EXACT_STARTS_UP_TO_AGENT_DAYS: u32 = 1200;
const DEFAULT_BAND_MINUTES: u32 = 120;

/// Every agent's skills name queues of the requirements: a queue they do not have
/// is a typo (`supprot`) that would silently leave the agent off that queue.
fn check_skills(inputs: &RosterInputs) -> Result<()> {
    let queues: std::collections::BTreeSet<&str> = inputs
        .requirements
        .iter()
        .map(|r| r.queue.as_str())
        .collect();
    for agent in inputs.agents {
        if let Some(skill) = agent
            .skills
            .iter()
            .find(|s| !queues.contains(s.queue.as_str()))
        {
            return Err(Error::input(format!(
                "agent {} has skill \"{}\", a queue the requirements do not have (their queues: {}); a typo?",
                agent.id,
                skill.queue,
                queues.iter().copied().collect::<Vec<_>>().join(", ")
            )));
        }
    }
    Ok(())
}

/// Builds the roster: reads the queues' requirements on the horizon, solves the model,
/// hands out queues, checks the result against every rule and explains shortfalls.
pub fn build_roster(
    inputs: &RosterInputs,
    options: &RosterOptions,
    progress: Option<ProgressFn>,
) -> Result<Roster> {
    crate::limits::check_horizon(options.start, options.days.into(), "--days")?;
    check_skills(inputs)?;
    let end = options.start + Duration::days(i64::from(options.days) - 1);
    let last = inputs
        .requirements
        .iter()
        .map(|r| {
            r.interval_start
                .with_timezone(&options.time_zone)
                .date_naive()
        })
        .max();
    if let Some(last) = last.filter(|last| *last < end) {
        return Err(Error::input(format!(
            "the requirements end on {last}, before the horizon's last day {end} (--start {} --days {}): shorten --days, or staff the days after",
            options.start, options.days
        )));
    }
    let real = Horizon {
        start: options.start,
        days: options.days,
    };
    let Some(previous) = inputs.previous else {
        return build_on(inputs, options, progress, real);
    };
    let Some(lookback) = previous.lookback(options.start) else {
        return build_on(inputs, options, progress, real);
    };
    let replan = previous.with_replan(lookback, options.start, inputs.replan);
    // The look-back's days are kept, not covered: no requirement is read for them.
    let requirements: Vec<Requirement> = inputs
        .requirements
        .iter()
        .filter(|r| {
            r.interval_start
                .with_timezone(&options.time_zone)
                .date_naive()
                >= options.start
        })
        .cloned()
        .collect();
    let mut availability = inputs.availability.to_vec();
    availability.extend(previous.leave_rows(inputs.agents, lookback, options.start));
    let extended = RosterInputs {
        availability: &availability,
        requirements: &requirements,
        replan: Some(&replan),
        previous: None,
        ..*inputs
    };
    let offset = (options.start - lookback).num_days() as u32;
    let extended_options = RosterOptions {
        start: lookback,
        days: options.days + offset,
        ..options.clone()
    };
    build_on(&extended, &extended_options, progress, real)
}

/// Builds the roster on `options`' horizon and returns the part on `real` (the same
/// horizon, or its end after a look-back over the previous period's roster).
fn build_on(
    inputs: &RosterInputs,
    options: &RosterOptions,
    progress: Option<ProgressFn>,
    real: Horizon,
) -> Result<Roster> {
    if options.days == 0 {
        return Err(Error::input("a roster needs at least 1 day"));
    }
    let horizon = Horizon {
        start: options.start,
        days: options.days,
    };
    let book = RuleBook::new(
        inputs.config,
        inputs.contracts,
        inputs.agents,
        inputs.availability,
        horizon,
    )
    .with_closed_days(inputs.closed_days);
    let book = match inputs.replan {
        Some(replan) => {
            let published = replan.published(&book, options.routing.routing)?;
            book.with_published(published)
        }
        None => book,
    };
    check_reachable_hours(&book)?;
    let (book, waivers) = waive_unreachable_minimums(book);
    let schedule_options = ScheduleOptions {
        start: options.start,
        days: options.days,
        time_zone: options.time_zone,
        cover: options.cover,
        limits: options.limits,
        queues: Vec::new(),
        answer_within_seconds: options.answer_within_seconds,
        shrinkage: options.shrinkage,
        targets: options.targets.clone(),
        routing: options.routing.routing,
    };
    let (queues, pooled, interval_minutes) = queue_demands(inputs.requirements, &schedule_options)?;
    let all_demands: Vec<Demand> = queues.iter().flat_map(|q| q.demands.clone()).collect();
    let slot = slot_minutes(
        all_demands
            .iter()
            .flat_map(|d| [d.wall_minute, d.minutes])
            .chain(inputs.config.model_times()),
    );
    let band_minutes = options.start_band_minutes.unwrap_or(
        if inputs.agents.len() as u32 * options.days <= EXACT_STARTS_UP_TO_AGENT_DAYS {
            0
        } else {
            DEFAULT_BAND_MINUTES
        },
    );
    let input = ModelInput {
        book: &book,
        queues: &queues,
        slot,
        band_minutes,
        limits: options.limits,
    };
    let solution = strategy::solve(&input, progress)?;
    let plan = match options.routing.routing {
        Routing::Assigned => {
            routing::hand_out_blocks(&input, &solution, options.routing.min_queue_block_minutes)?
        }
        Routing::Skills => summary::hand_out_queues(&book, &solution, slot),
    };
    let rows = summary::roster_rows(
        &book,
        &solution.shifts,
        &plan,
        &queues,
        slot,
        options.routing.routing,
    );
    let (rows, changes) = match inputs.replan {
        Some(replan) => (
            replan.merge(rows.clone(), &book),
            replan.changes(&rows, &book),
        ),
        None => (rows, Vec::new()),
    };
    let numbered: Vec<(u64, RosterRow)> = rows.iter().cloned().map(|r| (0, r)).collect();
    // A frozen day is the published (or previous) roster's, kept even where today's
    // inputs (a leave entered since) would not allow it. The rules over several days
    // (weekly limits, runs, rest, weekends) are dated at their first day: they are
    // the frozen part's own only when their whole week is frozen.
    let weeks = book.horizon.weeks();
    let frozen = |v: &Violation| {
        let Some(day) = book.horizon.day_of(v.date) else {
            return false;
        };
        let week = weeks[book.horizon.week_of(day)];
        let one_day = matches!(
            v.rule.as_str(),
            "availability"
                | "closed_day"
                | "one_shift_per_day"
                | "template"
                | "skills"
                | "min_queue_block"
        );
        book.is_frozen(if one_day {
            day
        } else {
            week.first + week.len - 1
        })
    };
    let violations: Vec<Violation> = check_rows(&numbered, &book, "roster", options.routing)?
        .into_iter()
        .filter(|v| !frozen(v))
        .collect();
    if let Some(first) = violations.first() {
        return Err(Error::Solver(format!(
            "the solved roster breaks {} rule(s), first: {first}",
            violations.len()
        )));
    }

    // Agents per queue and interval, from the queue hand-out.
    let horizon_slots = (options.days * 1440 / slot) as usize;
    let mut per_slot = vec![vec![0u32; horizon_slots]; queues.len()];
    let mut secondary_hours = 0.0;
    for (&(agent, s), queue) in &plan {
        if let (Some(k), true) = (queue, s < horizon_slots) {
            per_slot[*k][s] += 1;
            let priority = inputs.agents[agent]
                .skills
                .iter()
                .find(|skill| skill.queue == queues[*k].queue)
                .map_or(1, |skill| skill.priority);
            secondary_hours += f64::from(priority - 1) * f64::from(slot) / 60.0;
        }
    }
    // Per queue and requirement interval: agents in each of its slots, and their mean.
    let slot_agents: Vec<Vec<Vec<f64>>> = queues
        .iter()
        .zip(&per_slot)
        .map(|(queue, slots)| {
            queue
                .demands
                .iter()
                .map(|d| {
                    let first = (d.wall_minute / slot) as usize;
                    let count = (d.minutes / slot) as usize;
                    let end = (first + count).min(horizon_slots);
                    slots[first.min(end)..end]
                        .iter()
                        .map(|&n| f64::from(n))
                        .collect()
                })
                .collect()
        })
        .collect();
    let scheduled: Vec<Vec<f64>> = queues
        .iter()
        .zip(&slot_agents)
        .map(|(queue, intervals)| {
            queue
                .demands
                .iter()
                .zip(intervals)
                .map(|(d, slots)| {
                    let count = (d.minutes / slot) as usize;
                    slots.iter().sum::<f64>() / count.max(1) as f64
                })
                .collect()
        })
        .collect();
    let all_pooled: Vec<crate::schedule::PooledInterval> =
        pooled.iter().flatten().cloned().collect();
    let shrinkage = options
        .shrinkage
        .unwrap_or_else(|| estimated_shrinkage(&all_pooled));
    let mut coverage = Vec::new();
    for (((queue, intervals), agents), slots) in
        queues.iter().zip(&pooled).zip(&scheduled).zip(&slot_agents)
    {
        for ((interval, &agents), slots) in intervals.iter().zip(agents).zip(slots) {
            coverage.push(coverage_row(
                &queue.queue,
                interval,
                (agents, slots.clone()),
                interval_minutes,
                shrinkage,
                &schedule_options,
            ));
        }
    }
    // The outputs cover the real horizon: after a look-back, the previous period's
    // days are dropped and the rest counted on a book of the real horizon.
    let offset = (real.start - horizon.start).num_days() as u32;
    let real_book = RuleBook::new(
        inputs.config,
        inputs.contracts,
        inputs.agents,
        inputs.availability,
        real,
    )
    .with_closed_days(inputs.closed_days);
    let real_shifts: Vec<WorkedShift> = solution
        .shifts
        .iter()
        .filter(|shift| shift.day >= offset)
        .map(|shift| WorkedShift {
            day: shift.day - offset,
            ..shift.clone()
        })
        .collect();
    let rows: Vec<RosterRow> = rows.into_iter().filter(|r| r.date >= real.start).collect();
    let changes: Vec<DayChange> = changes
        .into_iter()
        .filter(|c| c.date >= real.start)
        .collect();
    let (full_book, book, horizon) = (book, real_book, real);
    let summary_rows = summary::summary_rows(&book, &real_shifts);
    let stats: Vec<_> = summary_rows.iter().map(|r| r.stats.clone()).collect();
    let cost = summary::roster_cost(&summary::CostInputs {
        book: &book,
        shifts: &real_shifts,
        stats: &stats,
        queues: &queues,
        scheduled: &scheduled,
        slots: &slot_agents,
        secondary_hours,
    });
    let report = solution.run.clone().report(cost.total());
    let gap = report.gap;
    let short_runs = short_runs(
        &full_book,
        &solution.shifts,
        &plan,
        &queues,
        &scheduled,
        slot,
    );
    let mut shortfalls = waivers.clone();
    shortfalls.extend(short_runs.iter().map(ShortRun::to_string));
    Ok(Roster {
        rows,
        shifts: summary::shift_rows(&book, &real_shifts),
        coverage,
        shrinkage,
        summary: summary_rows,
        report,
        cost,
        gap,
        shortfalls,
        short_runs,
        waivers,
        band_minutes,
        horizon,
        changes,
    })
}

/// After a look-back, an agent whose week across the horizon's start has no schedule
/// keeping every rule (the previous roster's weekends or days leave no shift open in
/// its remainder) gets that week's minimum waived, with a line saying so; a
/// schedule that still breaks a rule is then the solver's error as ever.
fn waive_unreachable_minimums(book: RuleBook) -> (RuleBook, Vec<String>) {
    let weeks: Vec<rules::Week> = book
        .horizon
        .weeks()
        .into_iter()
        .filter(|&week| week.len > 0 && book.is_frozen(week.first))
        .filter(|&week| !book.is_frozen(week.first + week.len - 1) || book.straddles_start(week))
        .collect();
    if weeks.is_empty() {
        return (book, Vec::new());
    }
    let mut scratch = pricing::Scratch::default();
    let unreachable: Vec<usize> = (0..book.agents.len())
        .filter(|&agent| {
            pricing::Pricer::new(&book, agent)
                .cheapest(&|_, _, _, _, _, _| 0.0, 0.0, &mut scratch)
                .is_none()
        })
        .collect();
    let lines = unreachable
        .iter()
        .flat_map(|&agent| {
            let book = &book;
            weeks.iter().map(move |&week| {
                format!(
                    "{}: the week from {} cannot reach its minimum of {} paid hours around the days kept as they were (their days, rest and weekends leave no shift open); the minimum is waived for that week",
                    book.agents[agent].id,
                    book.horizon.date(week.first),
                    format_number(book.week_limits(agent, week).min_hours, 2)
                )
            })
        })
        .collect();
    let mut book = book;
    book.waived.extend(unreachable);
    (book, lines)
}

/// Per queue: its demands on the horizon's wall clock, its pooled intervals (for the
/// coverage rows), and the interval length.
#[allow(clippy::type_complexity)]
fn queue_demands(
    requirements: &[Requirement],
    options: &ScheduleOptions,
) -> Result<(
    Vec<QueueDemand>,
    Vec<Vec<crate::schedule::PooledInterval>>,
    u32,
)> {
    let last = options.start + Duration::days(i64::from(options.days) - 1);
    let names: BTreeSet<&str> = requirements.iter().map(|r| r.queue.as_str()).collect();
    let all: Vec<&Requirement> = requirements.iter().collect();
    let interval_minutes = detect_interval_minutes(&all);
    let mut queues = Vec::new();
    let mut pooled = Vec::new();
    for name in names {
        let selected: Vec<&Requirement> = requirements
            .iter()
            .filter(|r| r.queue == name)
            .filter(|r| {
                let date = r
                    .interval_start
                    .with_timezone(&options.time_zone)
                    .date_naive();
                date >= options.start && date <= last
            })
            .collect();
        if selected.is_empty() {
            continue;
        }
        let intervals = pool_horizon(&selected, options)?;
        let demands = intervals
            .iter()
            .map(|interval| Demand {
                wall_minute: interval.day * 1440 + local_minute_of_day(&interval.start),
                minutes: interval_minutes,
                required: interval.required,
            })
            .collect();
        queues.push(QueueDemand {
            queue: name.to_string(),
            demands,
        });
        pooled.push(intervals);
    }
    if queues.is_empty() {
        return Err(Error::input(format!(
            "the requirements have no interval between {} and {}; expected requirements for the roster's days",
            options.start, last
        )));
    }
    Ok((queues, pooled, interval_minutes))
}

/// Every agent's weekly minimum must be reachable with the days its availability
/// leaves: otherwise no roster exists, and the planner needs the agent and week named
/// rather than an infeasible model.
fn check_reachable_hours(book: &RuleBook) -> Result<()> {
    for (agent, person) in book.agents.iter().enumerate() {
        let contract = book.contract(agent);
        for week in book.horizon.weeks() {
            let limits = book.week_limits(agent, week);
            // A week holding frozen days is judged with them (see waive_unreachable_minimums).
            if limits.min_hours <= 0.0 || book.is_frozen(week.first) {
                continue;
            }
            let best_per_day = book.best_day_hours(agent, week);
            let reachable: f64 = best_per_day
                .iter()
                .take(limits.max_days as usize)
                .sum::<f64>()
                .min(limits.max_hours);
            if reachable + 1e-6 < limits.min_hours {
                let available = best_per_day.iter().filter(|h| **h > 0.0).count();
                return Err(Error::input(format!(
                    "agent {} (contract {}) cannot reach min_hours_per_week {} in the week from {}: {} day(s) with an allowed shift give at most {} paid hours; expected availability or leave that leaves room for the minimum",
                    person.id,
                    contract.name,
                    format_number(limits.min_hours + limits.leave_hours, 2),
                    book.horizon.date(week.first),
                    available,
                    format_number(reachable, 2)
                )));
            }
        }
    }
    Ok(())
}

/// Runs of short intervals per queue and day, each with the binding rules.
fn short_runs(
    book: &RuleBook,
    shifts: &[WorkedShift],
    plan: &types::QueuePlan,
    queues: &[QueueDemand],
    scheduled: &[Vec<f64>],
    slot: u32,
) -> Vec<ShortRun> {
    let mut lines = Vec::new();
    for (k, queue) in queues.iter().enumerate() {
        let mut runs: BTreeMap<(u32, u32), (u32, f64, f64, f64)> = BTreeMap::new();
        let mut open: Option<(u32, u32)> = None;
        for (demand, &agents) in queue.demands.iter().zip(&scheduled[k]) {
            let short = demand.required - agents;
            let day = demand.wall_minute / 1440;
            let from = demand.wall_minute % 1440;
            if short <= 1e-6 {
                open = None;
                continue;
            }
            let key = match open {
                Some((open_day, open_from))
                    if open_day == day && runs[&(open_day, open_from)].0 == from =>
                {
                    (open_day, open_from)
                }
                _ => (day, from),
            };
            let run = runs.entry(key).or_insert((from, 0.0, 0.0, 0.0));
            run.0 = from + demand.minutes;
            if short > run.1 {
                *run = (run.0, short, demand.required, agents);
            }
            open = Some(key);
        }
        for ((day, from), (to, short, required, agents)) in runs {
            let causes = summary::explain_shortfall(
                book,
                shifts,
                plan,
                k,
                &queue.queue,
                day,
                (from, to),
                slot,
            );
            lines.push(ShortRun {
                date: book.horizon.date(day),
                from,
                to,
                queue: queue.queue.clone(),
                short,
                required,
                rostered: agents,
                causes,
            });
        }
    }
    lines
}

fn weekday_name(date: NaiveDate) -> &'static str {
    ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
        [date.weekday().num_days_from_monday() as usize]
}

/// The report on stderr: solver, cost and bound, the per-agent table and shortfalls.
pub fn render_report(roster: &Roster) -> String {
    let report = &roster.report;
    let cost = &roster.cost;
    let mut lines = vec![
        format!(
            "solver: {} in {:.1} s; roster cost {:.2} (paid {:.2}, shortfall {:.2}, surplus {:.2}, soft goals {:.2}), best bound {:.2}, gap {:.2}%",
            report.status,
            report.solve_seconds,
            cost.total(),
            cost.paid,
            cost.shortfall,
            cost.surplus,
            cost.soft,
            report.best_bound,
            roster.gap * 100.0
        ),
        if report.variables == 0 {
            // Best responses: no whole-horizon model was built.
            "model: best responses over each agent's schedules (exact start times)".to_string()
        } else {
            format!(
                "model: {} variables ({} integer), {} constraints; start bands {}",
                report.variables,
                report.integer_variables,
                report.constraints,
                if roster.band_minutes == 0 {
                    "exact".to_string()
                } else {
                    format!("{} min", roster.band_minutes)
                }
            )
        },
        format!(
            "{:<12} {:<8} {:>7} {:>5} {:>8} {:>5} {:>5} {:>11}",
            "agent", "contract", "hours", "days", "weekends", "early", "late", "preferences"
        ),
    ];
    for row in &roster.summary {
        let s = &row.stats;
        lines.push(format!(
            "{:<12} {:<8} {:>7} {:>5} {:>8} {:>5} {:>5} {:>11}",
            row.agent_id,
            row.contract,
            format_number(s.hours, 2),
            s.days,
            s.weekends,
            s.early,
            s.late,
            format!("{}/{}", s.preferences_honoured, s.preferences)
        ));
    }
    if roster.shortfalls.is_empty() {
        lines.push("every queue's requirement is met in every interval".to_string());
    } else {
        lines.push(format!(
            "{} agent-intervals short in {} runs of intervals:",
            format_number(roster.total_shortfall(), 2),
            roster.shortfalls.len()
        ));
        for line in roster.shortfalls.iter().take(12) {
            lines.push(format!("  {line}"));
        }
        if roster.shortfalls.len() > 12 {
            lines.push(format!(
                "  ... and {} more (see the coverage file)",
                roster.shortfalls.len() - 12
            ));
        }
    }
    lines.join("\n")
}
