//! What `wfm capacity` writes: `capacity.csv` (the baseline plan week by week),
//! `scenarios.csv` (every scenario side by side), `forecast.csv` (the weekly forecast
//! and requirement per queue), `summary.json` and `report.html`. Numbers are written
//! with fixed decimals, so the same inputs give byte-identical files.

use std::io::Write;
use std::path::Path;

use chrono::Duration;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::output::Outputs;
use crate::units::round;

use super::weekly::HorizonScore;
use super::{Capacity, HeadcountSource, ScenarioPlan};

pub const CAPACITY_FILE: &str = "capacity.csv";
pub const SCENARIOS_FILE: &str = "scenarios.csv";
pub const FORECAST_FILE: &str = "forecast.csv";
pub const SUMMARY_FILE: &str = "summary.json";
pub const REPORT_FILE: &str = "report.html";

/// Columns of `capacity.csv`.
pub const CAPACITY_COLUMNS: [&str; 8] = [
    "week",
    "required_fte",
    "productive_fte",
    "gap_fte",
    "hires_starting",
    "attrition",
    "headcount",
    "in_training",
];

/// Columns of `scenarios.csv`.
pub const SCENARIO_COLUMNS: [&str; 15] = [
    "scenario",
    "changes",
    "mean_required_fte",
    "peak_required_fte",
    "hires",
    "classes",
    "first_class",
    "hiring_cost",
    "salary_cost",
    "under_fte_weeks",
    "over_fte_weeks",
    "penalty_cost",
    "total_cost",
    "cost_vs_baseline",
    "solver",
];

/// Columns of `forecast.csv`.
pub const FORECAST_COLUMNS: [&str; 6] = [
    "queue",
    "week",
    "calls",
    "aht_seconds",
    "agent_hours",
    "required_fte",
];

fn fixed(value: f64, decimals: usize) -> String {
    let text = format!("{value:.decimals$}");
    // No "-0.00".
    if text
        .trim_start_matches('-')
        .chars()
        .all(|c| c == '0' || c == '.')
    {
        text.trim_start_matches('-').to_string()
    } else {
        text
    }
}

/// Rows of `capacity.csv` for one scenario's plan.
pub fn capacity_rows(capacity: &Capacity, plan: &ScenarioPlan) -> Vec<[String; 8]> {
    capacity
        .mondays()
        .iter()
        .zip(&plan.required)
        .zip(&plan.plan.weeks)
        .map(|((monday, required), week)| {
            [
                monday.to_string(),
                fixed(*required, 2),
                fixed(week.productive, 2),
                fixed(required - week.productive, 2),
                week.hires_starting.to_string(),
                fixed(week.attrition, 2),
                fixed(week.headcount, 2),
                fixed(week.in_training, 2),
            ]
        })
        .collect()
}

/// One row of `scenarios.csv`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScenarioRow {
    pub scenario: String,
    pub changes: String,
    pub mean_required_fte: f64,
    pub peak_required_fte: f64,
    pub hires: u32,
    pub classes: usize,
    /// Monday of the first class, if any.
    pub first_class: Option<String>,
    pub hiring_cost: f64,
    pub salary_cost: f64,
    pub under_fte_weeks: f64,
    pub over_fte_weeks: f64,
    pub penalty_cost: f64,
    pub total_cost: f64,
    pub cost_vs_baseline: f64,
    /// How the hiring MIP ended (`optimal`, `optimal within gap`).
    pub solver: String,
}

/// The scenarios' rows, the baseline (first plan) as reference for the cost delta.
pub fn scenario_rows(capacity: &Capacity, plans: &[ScenarioPlan]) -> Vec<ScenarioRow> {
    let baseline = plans.first().map_or(0.0, |p| p.plan.cost.total());
    plans
        .iter()
        .map(|plan| {
            let required = &plan.required;
            let cost = plan.plan.cost;
            let first_class = plan
                .plan
                .classes
                .iter()
                .position(|&n| n > 0)
                .map(|w| (capacity.first_week + Duration::days(7 * w as i64)).to_string());
            ScenarioRow {
                scenario: plan.scenario.name.clone(),
                changes: plan.scenario.describe(),
                mean_required_fte: round(
                    required.iter().sum::<f64>() / required.len().max(1) as f64,
                    2,
                ),
                peak_required_fte: round(required.iter().copied().fold(0.0, f64::max), 2),
                hires: plan.hires(),
                classes: plan.classes(),
                first_class,
                hiring_cost: round(cost.hiring, 2),
                salary_cost: round(cost.salaries, 2),
                under_fte_weeks: round(cost.under_fte_weeks, 2),
                over_fte_weeks: round(cost.over_fte_weeks, 2),
                penalty_cost: round(cost.penalties, 2),
                total_cost: round(cost.total(), 2),
                cost_vs_baseline: round(cost.total() - baseline, 2),
                solver: plan.plan.status.to_string(),
            }
        })
        .collect()
}

impl ScenarioRow {
    fn record(&self) -> [String; 15] {
        [
            self.scenario.clone(),
            self.changes.clone(),
            fixed(self.mean_required_fte, 2),
            fixed(self.peak_required_fte, 2),
            self.hires.to_string(),
            self.classes.to_string(),
            self.first_class.clone().unwrap_or_default(),
            fixed(self.hiring_cost, 2),
            fixed(self.salary_cost, 2),
            fixed(self.under_fte_weeks, 2),
            fixed(self.over_fte_weeks, 2),
            fixed(self.penalty_cost, 2),
            fixed(self.total_cost, 2),
            fixed(self.cost_vs_baseline, 2),
            self.solver.clone(),
        ]
    }
}

/// Rows of `forecast.csv`: every queue's weeks under the baseline.
pub fn forecast_rows(capacity: &Capacity, plan: &ScenarioPlan) -> Vec<[String; 6]> {
    let mondays = capacity.mondays();
    let mut rows = Vec::new();
    for (queue, weeks) in capacity.queues.iter().zip(&plan.queue_weeks) {
        for (monday, week) in mondays.iter().zip(weeks) {
            let aht = if week.calls > 0.0 {
                week.handle_seconds / week.calls
            } else {
                0.0
            };
            rows.push([
                queue.queue.clone(),
                monday.to_string(),
                fixed(week.calls, 1),
                fixed(aht, 1),
                fixed(week.agent_hours, 1),
                fixed(week.required_fte, 2),
            ]);
        }
    }
    rows
}

/// A hiring class of the baseline plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClassJson {
    /// Monday of the class's first day.
    pub starts: String,
    /// Monday by which recruiting must begin (the lead time before).
    pub recruit_from: String,
    pub size: u32,
}

/// One queue in the summary.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QueueJson {
    pub queue: String,
    pub model: String,
    pub fitted_weeks: usize,
    pub mean_weekly_calls: f64,
    pub mean_required_fte: f64,
    pub backtest: Vec<HorizonScore>,
}

/// `summary.json` and `wfm capacity --json`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CapacitySummary {
    pub generator: String,
    pub first_week: String,
    pub weeks: usize,
    pub fte_hours: f64,
    pub current_fte: f64,
    /// `config` or `agents.csv`.
    pub headcount_from: String,
    pub weekly_attrition: f64,
    pub queues: Vec<QueueJson>,
    pub classes: Vec<ClassJson>,
    pub hires: u32,
    pub scenarios: Vec<ScenarioRow>,
    pub files: Vec<String>,
}

/// The summary of a run.
pub fn summary(capacity: &Capacity, plans: &[ScenarioPlan]) -> CapacitySummary {
    let baseline = &plans[0];
    let weeks = capacity.weeks.max(1) as f64;
    let lead = i64::from(capacity.settings.workforce.recruiting_weeks);
    let classes = baseline
        .plan
        .classes
        .iter()
        .enumerate()
        .filter(|(_, &n)| n > 0)
        .map(|(w, &size)| {
            let starts = capacity.first_week + Duration::days(7 * w as i64);
            ClassJson {
                starts: starts.to_string(),
                recruit_from: (starts - Duration::days(7 * lead)).to_string(),
                size,
            }
        })
        .collect();
    CapacitySummary {
        generator: format!("wfm {}", env!("CARGO_PKG_VERSION")),
        first_week: capacity.first_week.to_string(),
        weeks: capacity.weeks,
        fte_hours: capacity.fte_hours,
        current_fte: round(capacity.current_fte, 4),
        headcount_from: match capacity.headcount_source {
            HeadcountSource::Config => "config".into(),
            HeadcountSource::Agents(_) => "agents.csv".into(),
        },
        weekly_attrition: round(capacity.settings.workforce.weekly_attrition, 8),
        queues: capacity
            .queues
            .iter()
            .zip(&baseline.queue_weeks)
            .map(|(queue, weeks_of)| QueueJson {
                queue: queue.queue.clone(),
                model: queue
                    .volume
                    .as_ref()
                    .map_or("no calls".into(), |m| m.describe()),
                fitted_weeks: queue.volume.as_ref().map_or(0, |m| m.fitted_weeks),
                mean_weekly_calls: round(weeks_of.iter().map(|w| w.calls).sum::<f64>() / weeks, 1),
                mean_required_fte: round(
                    weeks_of.iter().map(|w| w.required_fte).sum::<f64>() / weeks,
                    2,
                ),
                backtest: queue
                    .backtest
                    .iter()
                    .map(|s| HorizonScore {
                        wape: s.wape.map(|w| round(w, 4)),
                        ..s.clone()
                    })
                    .collect(),
            })
            .collect(),
        classes,
        hires: baseline.hires(),
        scenarios: scenario_rows(capacity, plans),
        files: [
            CAPACITY_FILE,
            SCENARIOS_FILE,
            FORECAST_FILE,
            SUMMARY_FILE,
            REPORT_FILE,
        ]
        .iter()
        .map(|s| s.to_string())
        .collect(),
    }
}

fn write_rows<const N: usize>(
    out: &mut dyn Write,
    path: &Path,
    header: &[&str; N],
    rows: &[[String; N]],
) -> Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    let fail = |e: csv::Error| Error::write(path, std::io::Error::other(e.to_string()));
    writer.write_record(header).map_err(fail)?;
    for row in rows {
        writer.write_record(row).map_err(fail)?;
    }
    writer.flush().map_err(|e| Error::write(path, e))
}

/// Writes every output into `dir` (created if needed), all or nothing; `html` is the
/// report ([`super::report::html`]).
pub fn write_all(
    dir: &Path,
    capacity: &Capacity,
    plans: &[ScenarioPlan],
    summary: &CapacitySummary,
    html: &str,
) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|e| Error::write(dir, e))?;
    let baseline = &plans[0];
    let mut outputs = Outputs::default();
    let path = dir.join(CAPACITY_FILE);
    outputs.stage(&path, |out| {
        write_rows(
            out,
            &path,
            &CAPACITY_COLUMNS,
            &capacity_rows(capacity, baseline),
        )
    })?;
    let path = dir.join(SCENARIOS_FILE);
    let rows: Vec<[String; 15]> = summary.scenarios.iter().map(ScenarioRow::record).collect();
    outputs.stage(&path, |out| {
        write_rows(out, &path, &SCENARIO_COLUMNS, &rows)
    })?;
    let path = dir.join(FORECAST_FILE);
    outputs.stage(&path, |out| {
        write_rows(
            out,
            &path,
            &FORECAST_COLUMNS,
            &forecast_rows(capacity, baseline),
        )
    })?;
    let path = dir.join(SUMMARY_FILE);
    let json = crate::summary::to_json_text(summary)
        .map_err(|e| Error::write(&path, std::io::Error::other(e)))?;
    outputs.stage(&path, |out| {
        out.write_all(json.as_bytes())
            .map_err(|e| Error::write(&path, e))
    })?;
    let path = dir.join(REPORT_FILE);
    outputs.stage(&path, |out| {
        out.write_all(html.as_bytes())
            .map_err(|e| Error::write(&path, e))
    })?;
    outputs.commit()
}
