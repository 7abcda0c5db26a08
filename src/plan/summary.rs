//! `summary.json`: the plan's totals, per day and per queue, for people and for
//! dashboards. Every figure is computed from the same rows the CSV files hold, so the
//! totals add up to the files'. Values are rounded (3 decimals, service levels 4) so
//! that identical inputs give identical bytes; nothing about the run itself (time,
//! duration, host) is included unless `--stamp` asks for it.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;

use crate::error::{Error, Result};

use super::config::PlanConfig;
use super::notes::{anomalies, Note, NoteKind};
use super::pipeline::{paid_hours_and_cost, Plan, StepTiming};
use super::service::{daily_service_levels, QueueDay, QueueInterval};
use super::simulation::{agreement_notes, queue_simulations, CorrectionRound, QueueSimulation};
use crate::roster::{Routing, RoutingRules};
use crate::units::round;

/// Marks a directory as written by `wfm plan` (checked before an old plan is replaced).
pub const GENERATOR: &str = concat!("wfm plan ", env!("CARGO_PKG_VERSION"));

/// The file name.
pub const SUMMARY_FILE: &str = "summary.json";

#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub generator: &'static str,
    pub horizon: Horizon,
    /// How calls reach the agents, as declared (`[site] routing`).
    pub routing: RoutingSummary,
    pub queues: Vec<String>,
    pub totals: Totals,
    pub solver: Solver,
    pub service_level: Vec<QueueService>,
    pub days: Vec<Day>,
    pub roster: Option<RosterTotals>,
    /// A re-plan of a published roster: what was kept and what changed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replan: Option<ReplanSummary>,
    /// `[simulation] correct = true`: each round's cost and simulated service level.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub correction: Vec<CorrectionRound>,
    /// The files of the plan directory.
    pub outputs: Vec<String>,
    /// What the planner should know, as objects (see [`super::notes`]).
    pub notes: Vec<Note>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stamp: Option<Stamp>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Horizon {
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub days: u32,
    pub time_zone: String,
    pub interval_minutes: u32,
}

/// A re-plan: the published roster, the first day that could change, the price of a
/// change, and the changed agent-days (as `changes.csv` lists them) by kind.
#[derive(Debug, Clone, Serialize)]
pub struct ReplanSummary {
    pub published: String,
    pub freeze_until: NaiveDate,
    pub change_cost: f64,
    pub changed_agent_days: usize,
    /// Agent-days from `freeze_until` to the horizon's end.
    pub agent_days_after_freeze: usize,
    pub changes: std::collections::BTreeMap<&'static str, usize>,
}

impl ReplanSummary {
    fn of(config: &PlanConfig, roster: &super::roster::RosterPlan) -> Option<Self> {
        let replan = config.replan.as_ref()?;
        let agents: std::collections::BTreeSet<&str> =
            roster.rows.iter().map(|r| r.agent_id.as_str()).collect();
        let days_after = (config.end() - replan.freeze_until).num_days() + 1;
        let days_after = days_after.clamp(0, i64::from(config.days)) as usize;
        Some(ReplanSummary {
            published: replan.published.display().to_string(),
            freeze_until: replan.freeze_until,
            change_cost: replan.change_cost,
            changed_agent_days: roster.changes.len(),
            agent_days_after_freeze: agents.len() * days_after,
            changes: crate::roster::replan::count_by_kind(&roster.changes)
                .into_iter()
                .map(|(kind, n)| (kind.label(), n))
                .collect(),
        })
    }
}

/// The declared routing; the minimum block only applies to `assigned`.
#[derive(Debug, Clone, Serialize)]
pub struct RoutingSummary {
    pub routing: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_queue_block_minutes: Option<u32>,
}

impl RoutingSummary {
    fn of(rules: RoutingRules) -> Self {
        RoutingSummary {
            routing: rules.routing.label(),
            min_queue_block_minutes: (rules.routing == Routing::Assigned)
                .then_some(rules.min_queue_block_minutes),
        }
    }
}

/// Totals over the horizon. Agent-hours count what the schedule covers
/// (`solver.cover`: scheduled staff, i.e. shrinkage included, by default).
#[derive(Debug, Clone, Serialize)]
pub struct Totals {
    pub forecast_calls: f64,
    pub required_agent_hours: f64,
    pub scheduled_agent_hours: f64,
    pub shortfall_agent_hours: f64,
    pub surplus_agent_hours: f64,
    /// Intervals with any shortfall.
    pub short_intervals: usize,
    /// Intervals whose targets no staffing could meet (see `wfm staff`).
    pub unmet_target_intervals: u64,
    pub shifts: u32,
    pub paid_hours: f64,
    pub cost: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Solver {
    pub status: String,
    pub proven: bool,
    pub objective: f64,
    pub best_bound: f64,
    pub gap: f64,
    /// What coverage held to: `slot` or `interval` (`[site] coverage`).
    pub coverage: &'static str,
    /// A wall-clock limit (`[solver] time_limit`, `roster_time_limit`), only a safety
    /// net behind the deterministic limits, stopped a solver: the plan may differ on
    /// another machine or under other load. `--strict` fails on it.
    pub time_limit_hit: bool,
    /// The steps it stopped (e.g. `roster best responses`, `schedule`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub time_limit_phases: Vec<String>,
    /// The price of one agent-hour short (`[penalties]` of shifts.toml): a shift
    /// that fills less shortfall than it costs is not worth rostering.
    pub under_per_agent_hour: f64,
}

pub use super::simulation::{QueueService, QueueServiceDay, QueueServiceInterval};

#[derive(Debug, Clone, Serialize)]
pub struct Day {
    pub date: NaiveDate,
    pub forecast_calls: f64,
    pub required_agent_hours: f64,
    pub scheduled_agent_hours: f64,
    pub shortfall_agent_hours: f64,
    pub shifts: u32,
    pub paid_hours: f64,
    pub cost: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct RosterTotals {
    pub cost: f64,
    pub gap: f64,
    pub shortfall_agent_hours: f64,
}

/// Facts about the run itself, only with `--stamp` (they differ from run to run).
#[derive(Debug, Clone, Serialize)]
pub struct Stamp {
    pub generated_at: String,
    pub step_seconds: BTreeMap<&'static str, f64>,
    pub solve_seconds: f64,
}

impl Stamp {
    /// Now, and the steps' durations.
    pub fn now(timings: &[StepTiming], solve_seconds: f64) -> Stamp {
        Stamp {
            generated_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            step_seconds: timings
                .iter()
                .map(|t| (t.step, round(t.seconds, 2)))
                .collect(),
            solve_seconds: round(solve_seconds, 2),
        }
    }
}

/// Builds the summary of `plan`; `service` is the per-queue projection.
pub fn summarise(
    config: &PlanConfig,
    plan: &Plan,
    service: &[QueueInterval],
    outputs: Vec<String>,
) -> Summary {
    let schedule = &plan.schedule;
    let hours = f64::from(schedule.interval_minutes) / 60.0;
    let coverage = &schedule.coverage;
    let sum =
        |f: &dyn Fn(&crate::schedule::CoverageRow) -> f64| coverage.iter().map(f).sum::<f64>();
    let (paid_hours, cost) = paid_hours_and_cost(&plan.shift_config, &schedule.shifts);
    let totals = Totals {
        forecast_calls: round(plan.forecast.iter().map(|f| f.calls).sum(), 3),
        required_agent_hours: round(sum(&|r| r.required) * hours, 3),
        scheduled_agent_hours: round(sum(&|r| r.scheduled) * hours, 3),
        shortfall_agent_hours: round(sum(&|r| r.shortfall) * hours, 3),
        surplus_agent_hours: round(sum(&|r| r.surplus) * hours, 3),
        short_intervals: coverage.iter().filter(|r| r.shortfall > 1e-6).count(),
        unmet_target_intervals: plan.staffing.unmet_intervals,
        shifts: schedule.shifts.iter().map(|s| s.count).sum(),
        paid_hours: round(paid_hours, 3),
        cost: round(cost, 3),
    };
    let report = &schedule.report;
    let mut service_level = queue_service(config, service, coverage);
    let agreement = match &plan.simulation {
        Some(simulation) => {
            attach_simulation(&mut service_level, queue_simulations(simulation, config))
        }
        None => Vec::new(),
    };
    let notes = plan_notes(plan, &service_level, agreement, hours);
    Summary {
        generator: GENERATOR,
        horizon: Horizon {
            start: config.start,
            end: config.end(),
            days: config.days,
            time_zone: config.time_zone.name().to_string(),
            interval_minutes: schedule.interval_minutes,
        },
        routing: RoutingSummary::of(config.routing),
        queues: plan
            .forecasts
            .iter()
            .map(|f| f.queue.clone())
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect(),
        totals,
        solver: Solver {
            status: report.status.to_string(),
            proven: report.proven(),
            objective: round(report.objective, 3),
            best_bound: round(report.best_bound, 3),
            gap: round(report.gap, 6),
            coverage: plan.shift_config.coverage.name(),
            time_limit_hit: !plan.clock_stops.is_empty(),
            time_limit_phases: plan.clock_stops.clone(),
            under_per_agent_hour: plan.shift_config.penalties.under_per_agent_hour,
        },
        service_level,
        days: days(plan, hours),
        roster: plan.roster.as_ref().map(|roster| RosterTotals {
            cost: round(roster.cost, 3),
            gap: round(roster.gap, 6),
            shortfall_agent_hours: round(roster.shortfall * hours, 3),
        }),
        replan: plan
            .roster
            .as_ref()
            .and_then(|roster| ReplanSummary::of(config, roster)),
        correction: plan.corrections.clone(),
        outputs,
        notes,
        stamp: None,
    }
}

/// The notes in the order `summary.json` lists them: warnings, the forecast's
/// and staffing's notes, the anomalies that matter most (shifts on closed days,
/// days below target), the roster's shortfalls, projection against simulation,
/// and last the many small anomalies (agent-hours without calls).
fn plan_notes(
    plan: &Plan,
    service_level: &[QueueService],
    agreement: Vec<Note>,
    hours: f64,
) -> Vec<Note> {
    let anomalies = anomalies(
        &plan.closed_days,
        &plan.schedule.shifts,
        &plan.schedule.coverage,
        service_level,
        hours,
    );
    let (shortfalls, before): (Vec<Note>, Vec<Note>) = plan
        .notes
        .iter()
        .cloned()
        .partition(|n| matches!(n.kind, NoteKind::Shortfall | NoteKind::MinimumWaived));
    let warnings = plan
        .warnings
        .iter()
        .map(|w| Note::text(NoteKind::StaleHistory, w.clone()));
    warnings
        .chain(before)
        .chain(anomalies.shifts_on_closed_days)
        .chain(anomalies.days_below_target)
        .chain(shortfalls)
        .chain(agreement)
        .chain(anomalies.hours_without_calls)
        .collect()
}

/// Puts each queue's simulated figures beside its projection; returns the notes
/// where the two disagree.
fn attach_simulation(
    service_level: &mut [QueueService],
    mut simulated: BTreeMap<String, QueueSimulation>,
) -> Vec<Note> {
    let mut notes = Vec::new();
    for queue in service_level.iter_mut() {
        let Some(simulation) = simulated.remove(&queue.queue) else {
            continue;
        };
        for day in &mut queue.days {
            day.simulated = simulation.days.get(&day.date).copied();
            let waits = simulation.day_waits.get(&day.date);
            day.simulated_asa_seconds = waits.and_then(|w| w.asa_seconds);
            day.simulated_abandon_rate = waits.and_then(|w| w.abandon_rate);
        }
        let projected_days: Vec<_> = queue.days.iter().map(|d| (d.date, d.projected)).collect();
        notes.extend(
            agreement_notes(
                &queue.queue,
                queue.projected,
                &projected_days,
                queue.target,
                &simulation,
            )
            .into_iter()
            .map(|text| Note::about_queue(NoteKind::Simulation, &queue.queue, text)),
        );
        queue.simulated = Some(simulation);
    }
    notes
}

/// Per queue: the projection over the horizon and per day, and per interval
/// where `coverage` (pooled) does not hold it.
fn queue_service(
    config: &PlanConfig,
    service: &[QueueInterval],
    coverage: &[crate::schedule::CoverageRow],
) -> Vec<QueueService> {
    let daily = daily_service_levels(service);
    let mut queues: BTreeMap<&str, Vec<&QueueDay>> = BTreeMap::new();
    for day in &daily {
        queues.entry(&day.queue).or_default().push(day);
    }
    queues
        .into_iter()
        .map(|(queue, days)| {
            let targets = config.targets.for_queue(queue);
            let calls: f64 = days
                .iter()
                .filter(|d| d.service_level.is_some())
                .map(|d| d.calls)
                .sum();
            let weighted: f64 = days
                .iter()
                .filter_map(|d| d.service_level.map(|level| level * d.calls))
                .sum();
            QueueService {
                queue: queue.to_string(),
                target: targets.service_level,
                answer_within_seconds: targets
                    .answer_within
                    .unwrap_or_else(|| config.answer_within_seconds()),
                projected: (calls > 0.0).then(|| round(weighted / calls, 4)),
                simulated: None,
                days_below_target: days
                    .iter()
                    .filter(|d| match (d.service_level, targets.service_level) {
                        (Some(level), Some(target)) => level < target,
                        _ => false,
                    })
                    .count(),
                days: days
                    .iter()
                    .map(|d| QueueServiceDay {
                        date: d.date,
                        calls: round(d.calls, 3),
                        projected: d.service_level.map(|level| round(level, 4)),
                        simulated: None,
                        simulated_asa_seconds: None,
                        simulated_abandon_rate: None,
                    })
                    .collect(),
                intervals: unfiled_intervals(queue, service, coverage),
            }
        })
        .collect()
}

/// The queue's projection per interval with calls when `coverage` has no row of
/// the queue (it pools the queues), so that every figure the report shows is in
/// a file; empty when coverage.csv holds them.
fn unfiled_intervals(
    queue: &str,
    service: &[QueueInterval],
    coverage: &[crate::schedule::CoverageRow],
) -> Vec<QueueServiceInterval> {
    if coverage.iter().any(|row| row.queue == queue) {
        return Vec::new();
    }
    service
        .iter()
        .filter(|i| i.queue == queue && i.calls > 0.0)
        .map(|i| QueueServiceInterval {
            interval_start: crate::interval::format_timestamp(&i.interval_start),
            calls: round(i.calls, 3),
            projected: i.service_level.map(|level| round(level, 4)),
        })
        .collect()
}

/// Per local day: forecast calls, agent-hours and the shifts starting that day.
fn days(plan: &Plan, hours: f64) -> Vec<Day> {
    let mut days: BTreeMap<NaiveDate, Day> = BTreeMap::new();
    for forecast in &plan.forecast {
        day_entry(&mut days, forecast.interval_start.local_date()).forecast_calls += forecast.calls;
    }
    for row in &plan.schedule.coverage {
        let day = day_entry(&mut days, row.interval_start.date_naive());
        day.required_agent_hours += row.required * hours;
        day.scheduled_agent_hours += row.scheduled * hours;
        day.shortfall_agent_hours += row.shortfall * hours;
    }
    for row in &plan.schedule.shifts {
        let (paid_hours, cost) = paid_hours_and_cost(&plan.shift_config, std::slice::from_ref(row));
        let day = day_entry(&mut days, row.date);
        day.shifts += row.count;
        day.paid_hours += paid_hours;
        day.cost += cost;
    }
    days.into_values()
        .map(|d| Day {
            forecast_calls: round(d.forecast_calls, 3),
            required_agent_hours: round(d.required_agent_hours, 3),
            scheduled_agent_hours: round(d.scheduled_agent_hours, 3),
            shortfall_agent_hours: round(d.shortfall_agent_hours, 3),
            paid_hours: round(d.paid_hours, 3),
            cost: round(d.cost, 3),
            ..d
        })
        .collect()
}

/// The day's totals, started at zero.
fn day_entry(days: &mut BTreeMap<NaiveDate, Day>, date: NaiveDate) -> &mut Day {
    days.entry(date).or_insert_with(|| Day {
        date,
        forecast_calls: 0.0,
        required_agent_hours: 0.0,
        scheduled_agent_hours: 0.0,
        shortfall_agent_hours: 0.0,
        shifts: 0,
        paid_hours: 0.0,
        cost: 0.0,
    })
}

/// The summary as pretty JSON with a final newline.
pub fn to_json(summary: &Summary) -> Result<Vec<u8>> {
    let mut bytes = serde_json::to_vec_pretty(summary)
        .map_err(|e| Error::write(SUMMARY_FILE, std::io::Error::other(e)))?;
    bytes.push(b'\n');
    Ok(bytes)
}
