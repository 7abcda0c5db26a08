//! The summaries the commands print on stderr, as data: `--json` serialises them as
//! one object on standard output (snake_case fields, numbers as numbers). See
//! docs/formats.md, "--json summaries".

use std::collections::BTreeMap;

use serde::Serialize;

use crate::forecast::backtest::BacktestRow;
use crate::forecast::QueueForecast;
use crate::ingest::{Fill, IngestSummary};
use crate::interval::format_timestamp;
use crate::roster::Roster;
use crate::schedule::{Schedule, ShiftConfig};
use crate::staff::forecast::StaffSummary;

/// `wfm ingest --json`.
#[derive(Debug, Clone, Serialize)]
pub struct IngestJson {
    pub files: usize,
    pub rows_read: u64,
    pub queues: Vec<String>,
    pub intervals_written: usize,
    /// Output intervals that are gaps, in all.
    pub gap_intervals: usize,
    /// `missing` or `zero`: what the gaps became.
    pub fill: &'static str,
    pub gaps: Vec<GapJson>,
    pub skipped_outcomes: BTreeMap<String, u64>,
    pub partial_intervals: usize,
    pub source_interval_minutes: BTreeMap<String, u32>,
}

/// One run of gap intervals of a queue (RFC 3339 starts of its first and last).
#[derive(Debug, Clone, Serialize)]
pub struct GapJson {
    pub queue: String,
    pub first: String,
    pub last: String,
    pub intervals: usize,
}

impl IngestJson {
    pub fn new(summary: &IngestSummary, fill: Fill) -> Self {
        IngestJson {
            files: summary.files,
            rows_read: summary.rows_read,
            queues: summary.queues.clone(),
            intervals_written: summary.intervals_written,
            gap_intervals: summary.gap_intervals(),
            fill: match fill {
                Fill::Missing => "missing",
                Fill::Zero => "zero",
            },
            gaps: summary
                .gaps
                .iter()
                .map(|gap| GapJson {
                    queue: gap.queue.clone(),
                    first: format_timestamp(&gap.first),
                    last: format_timestamp(&gap.last),
                    intervals: gap.intervals,
                })
                .collect(),
            skipped_outcomes: summary.skipped_outcomes.clone(),
            partial_intervals: summary.partial_intervals,
            source_interval_minutes: summary.source_interval_minutes.clone(),
        }
    }
}

/// `wfm forecast --json`.
#[derive(Debug, Clone, Serialize)]
pub struct ForecastJson {
    /// Rows of the forecast table.
    pub rows: usize,
    pub queues: Vec<ForecastQueueJson>,
}

/// One queue's forecast: the method used, its backtest WAPE (a share) and notes.
#[derive(Debug, Clone, Serialize)]
pub struct ForecastQueueJson {
    pub queue: String,
    pub method: String,
    pub backtest_wape: Option<f64>,
    pub notes: Vec<String>,
}

impl ForecastJson {
    pub fn new(forecasts: &[QueueForecast], rows: usize) -> Self {
        ForecastJson {
            rows,
            queues: forecasts
                .iter()
                .map(|f| ForecastQueueJson {
                    queue: f.queue.clone(),
                    method: f.method.clone(),
                    backtest_wape: f.backtest_wape,
                    notes: f.notes.clone(),
                })
                .collect(),
        }
    }
}

/// `wfm backtest --json`: the score table (shares, not percentages; a score that
/// cannot be computed is null).
#[derive(Debug, Clone, Serialize)]
pub struct BacktestJson {
    /// The prediction interval level whose coverage is scored.
    pub level: f64,
    pub scores: Vec<BacktestScoreJson>,
}

/// One row of the backtest table.
#[derive(Debug, Clone, Serialize)]
pub struct BacktestScoreJson {
    pub queue: String,
    pub method: String,
    pub origins: usize,
    pub intervals: usize,
    pub wape: Option<f64>,
    pub mase: Option<f64>,
    pub bias: Option<f64>,
    pub coverage: Option<f64>,
}

fn finite(value: f64) -> Option<f64> {
    value.is_finite().then_some(value)
}

impl BacktestJson {
    pub fn new(rows: &[BacktestRow], level: f64) -> Self {
        BacktestJson {
            level,
            scores: rows
                .iter()
                .map(|row| BacktestScoreJson {
                    queue: row.queue.clone(),
                    method: row.method.clone(),
                    origins: row.origins,
                    intervals: row.intervals,
                    wape: finite(row.wape),
                    mase: finite(row.mase),
                    bias: finite(row.bias),
                    coverage: finite(row.coverage),
                })
                .collect(),
        }
    }
}

/// `wfm staff --json`.
#[derive(Debug, Clone, Serialize)]
pub struct StaffJson {
    /// Rows of the requirements table.
    pub intervals: u64,
    /// Intervals no agent count up to the search limit staffs to every target.
    pub unmet_intervals: u64,
    /// The first few of those, as `queue interval_start: what fails`.
    pub unmet_examples: Vec<String>,
}

impl StaffJson {
    pub fn new(summary: &StaffSummary) -> Self {
        StaffJson {
            intervals: summary.intervals,
            unmet_intervals: summary.unmet_intervals,
            unmet_examples: summary.unmet_examples.clone(),
        }
    }
}

/// The solver's part of `wfm schedule --json` and `wfm roster --json`.
#[derive(Debug, Clone, Serialize)]
pub struct SolverJson {
    pub status: String,
    pub solve_seconds: f64,
    pub objective: f64,
    pub best_bound: f64,
    /// Relative gap, a share.
    pub gap: f64,
    pub variables: usize,
    pub integer_variables: usize,
    pub constraints: usize,
}

/// An interval (or a run of intervals) short of its requirement.
#[derive(Debug, Clone, Serialize)]
pub struct ShortJson {
    pub interval_start: String,
    pub shortfall: f64,
    pub required: f64,
    pub scheduled: f64,
}

/// `wfm schedule --json`.
#[derive(Debug, Clone, Serialize)]
pub struct ScheduleJson {
    pub solver: SolverJson,
    /// Shifts scheduled (the sum of shifts.csv's count column).
    pub shifts: u32,
    /// The pooled queues' label (`sales+support`).
    pub group: String,
    pub paid_cost: f64,
    /// Shrinkage for the projected service level, a share.
    pub shrinkage: f64,
    /// Intervals short of their requirement, and the agent-intervals short in all.
    pub unmet_intervals: usize,
    pub shortfall_agent_intervals: f64,
    /// Every short interval, in time order.
    pub short: Vec<ShortJson>,
}

impl ScheduleJson {
    pub fn new(schedule: &Schedule, config: &ShiftConfig) -> Self {
        let report = &schedule.report;
        let short: Vec<ShortJson> = schedule
            .coverage
            .iter()
            .filter(|row| row.shortfall > 1e-6)
            .map(|row| ShortJson {
                interval_start: format_timestamp(&row.interval_start),
                shortfall: row.shortfall,
                required: row.required,
                scheduled: row.scheduled,
            })
            .collect();
        ScheduleJson {
            solver: SolverJson {
                status: report.status.to_string(),
                solve_seconds: report.solve_seconds,
                objective: report.objective,
                best_bound: report.best_bound,
                gap: report.gap,
                variables: report.variables,
                integer_variables: report.integer_variables,
                constraints: report.constraints,
            },
            shifts: schedule.shifts.iter().map(|row| row.count).sum(),
            group: schedule.group.clone(),
            paid_cost: schedule.paid_cost(config),
            shrinkage: schedule.shrinkage,
            unmet_intervals: short.len(),
            shortfall_agent_intervals: schedule.total_shortfall(),
            short,
        }
    }
}

/// `wfm roster --json`.
#[derive(Debug, Clone, Serialize)]
pub struct RosterJson {
    /// The solver's report; its `gap` is the final roster cost's gap to the bound.
    pub solver: SolverJson,
    pub cost: RosterCostJson,
    /// Start-band width, minutes (0: exact starts).
    pub start_band_minutes: u32,
    pub agents: Vec<RosterAgentJson>,
    pub shortfall_agent_intervals: f64,
    /// One line per run of short intervals, naming what binds.
    pub shortfalls: Vec<String>,
    /// A re-plan's changed agent-days (0 otherwise).
    pub changes: usize,
}

/// The parts of the roster's cost.
#[derive(Debug, Clone, Serialize)]
pub struct RosterCostJson {
    pub total: f64,
    pub paid: f64,
    pub shortfall: f64,
    pub surplus: f64,
    pub soft: f64,
}

/// One agent's line of the report.
#[derive(Debug, Clone, Serialize)]
pub struct RosterAgentJson {
    pub agent_id: String,
    pub contract: String,
    pub hours: f64,
    pub days: u32,
    pub weekends: u32,
    pub early: u32,
    pub late: u32,
    pub preferences: u32,
    pub preferences_honoured: u32,
}

impl RosterJson {
    pub fn new(roster: &Roster) -> Self {
        let report = &roster.report;
        let cost = &roster.cost;
        RosterJson {
            solver: SolverJson {
                status: report.status.to_string(),
                solve_seconds: report.solve_seconds,
                objective: cost.total(),
                best_bound: report.best_bound,
                gap: roster.gap,
                variables: report.variables,
                integer_variables: report.integer_variables,
                constraints: report.constraints,
            },
            cost: RosterCostJson {
                total: cost.total(),
                paid: cost.paid,
                shortfall: cost.shortfall,
                surplus: cost.surplus,
                soft: cost.soft,
            },
            start_band_minutes: roster.band_minutes,
            agents: roster
                .summary
                .iter()
                .map(|row| RosterAgentJson {
                    agent_id: row.agent_id.clone(),
                    contract: row.contract.clone(),
                    hours: row.stats.hours,
                    days: row.stats.days,
                    weekends: row.stats.weekends,
                    early: row.stats.early,
                    late: row.stats.late,
                    preferences: row.stats.preferences,
                    preferences_honoured: row.stats.preferences_honoured,
                })
                .collect(),
            shortfall_agent_intervals: roster.total_shortfall(),
            shortfalls: roster.shortfalls.clone(),
            changes: roster.changes.len(),
        }
    }
}

/// The summary as one line-terminated, pretty-printed JSON object.
pub fn to_json_text<T: Serialize>(summary: &T) -> serde_json::Result<String> {
    let mut text = serde_json::to_string_pretty(summary)?;
    text.push('\n');
    Ok(text)
}
