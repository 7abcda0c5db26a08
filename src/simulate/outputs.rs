//! What `wfm simulate` writes: the CSV rows per queue and interval and per queue and
//! day, the stderr summary and the JSON summary, all from a [`Report`].
//!
//! Numbers are printed with fixed rounding ([`format_number`]) so that the same inputs
//! and seed give byte-identical files. Each figure is the mean over replications and its
//! 95% interval `lo`-`hi`, clipped to the figure's range (shares to 0-1, seconds to
//! ≥ 0); a figure is empty where it is undefined (no calls offered or answered), and its
//! interval is empty where only one replication defines it.

use serde::Serialize;

use super::inputs::SimulationInputs;
use super::settings::{Routing, Settings, Staffing};
use super::{Estimate, Measures, Report};
use crate::units::format_number;

/// The columns after `queue,interval_start` (or `queue,date`).
pub const MEASURE_COLUMNS: [&str; 13] = [
    "offered",
    "service_level",
    "service_level_lo",
    "service_level_hi",
    "asa_seconds",
    "asa_lo",
    "asa_hi",
    "abandon_rate",
    "abandon_lo",
    "abandon_hi",
    "occupancy",
    "occupancy_lo",
    "occupancy_hi",
];

/// The header of the interval CSV.
pub fn interval_header() -> Vec<&'static str> {
    [&["queue", "interval_start"][..], &MEASURE_COLUMNS[..]].concat()
}

/// The header of the day CSV.
pub fn day_header() -> Vec<&'static str> {
    [&["queue", "date"][..], &MEASURE_COLUMNS[..]].concat()
}

/// One row per queue and interval.
pub fn interval_rows(inputs: &SimulationInputs, report: &Report) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    for (q, queue) in report.queues.iter().enumerate() {
        for (i, interval) in queue.intervals.iter().enumerate() {
            let mut row = vec![queue.name.clone(), inputs.interval_starts[q][i].clone()];
            row.extend(measure_fields(&interval.measures));
            rows.push(row);
        }
    }
    rows
}

/// One row per queue and local day.
pub fn day_rows(inputs: &SimulationInputs, report: &Report) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    for queue in &report.queues {
        for day in &queue.days {
            let mut row = vec![queue.name.clone(), inputs.day_date(day.day).to_string()];
            row.extend(measure_fields(&day.measures));
            rows.push(row);
        }
    }
    rows
}

fn measure_fields(m: &Measures) -> Vec<String> {
    let mut fields = vec![format_number(m.offered.mean, 3)];
    fields.extend(estimate_fields(m.service_level.as_ref(), 4, Some(1.0)));
    fields.extend(estimate_fields(m.asa_seconds.as_ref(), 2, None));
    fields.extend(estimate_fields(m.abandon_rate.as_ref(), 4, Some(1.0)));
    fields.extend(estimate_fields(m.occupancy.as_ref(), 4, Some(1.0)));
    fields
}

/// Mean, lo, hi; lo and hi clipped to `[0, max]`.
fn estimate_fields(estimate: Option<&Estimate>, decimals: usize, max: Option<f64>) -> [String; 3] {
    let Some(e) = estimate else {
        return [String::new(), String::new(), String::new()];
    };
    let mean = format_number(e.mean, decimals);
    if !e.half_width.is_finite() {
        return [mean, String::new(), String::new()];
    }
    let clip = |v: f64| {
        let v = v.max(0.0);
        max.map_or(v, |m| v.min(m))
    };
    [
        mean,
        format_number(clip(e.mean - e.half_width), decimals),
        format_number(clip(e.mean + e.half_width), decimals),
    ]
}

/// One queue's summary over the horizon.
#[derive(Debug, Clone, Serialize)]
pub struct QueueSummary {
    pub name: String,
    pub answer_within_seconds: f64,
    pub patience_seconds: Option<f64>,
    pub service_level_target: Option<f64>,
    pub horizon: Measures,
    /// Per local day: the date and the day's measures.
    pub days: Vec<DaySummary>,
    /// Days whose simulated (mean) service level is below the target.
    pub days_below_target: Option<u32>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DaySummary {
    pub date: String,
    pub measures: Measures,
}

/// The `--json` summary.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub replications: u32,
    pub seed: u64,
    pub interval_minutes: u32,
    pub events: u64,
    /// The settings simulated (`routing` as applied: `skills` for a shifts.csv).
    pub settings: Settings,
    pub queues: Vec<QueueSummary>,
}

/// The summary of a report.
pub fn summary(
    inputs: &SimulationInputs,
    report: &Report,
    settings: &Settings,
    staffing: Staffing<'_>,
) -> Summary {
    let queues = report
        .queues
        .iter()
        .enumerate()
        .map(|(q, queue)| {
            let spec = &inputs.scenario.queues[q];
            let target = inputs.service_level_targets[q];
            let days_below_target = target.map(|t| {
                queue
                    .days
                    .iter()
                    .filter(|d| {
                        d.measures
                            .service_level
                            .as_ref()
                            .is_some_and(|sl| sl.mean < t)
                    })
                    .count() as u32
            });
            QueueSummary {
                name: queue.name.clone(),
                answer_within_seconds: spec.answer_within_seconds,
                patience_seconds: spec.patience_seconds,
                service_level_target: target,
                horizon: queue.horizon.clone(),
                days: queue
                    .days
                    .iter()
                    .map(|d| DaySummary {
                        date: inputs.day_date(d.day).to_string(),
                        measures: d.measures.clone(),
                    })
                    .collect(),
                days_below_target,
            }
        })
        .collect();
    Summary {
        replications: report.replications,
        seed: report.seed,
        interval_minutes: inputs.interval_minutes,
        events: report.events,
        settings: Settings {
            routing: match staffing {
                Staffing::Roster(_) => settings.routing,
                Staffing::Shifts(_) => Routing::Skills,
            },
            ..*settings
        },
        queues,
    }
}

/// The stderr lines, one per queue: `sales: simulated service level 76.4% ± 0.3
/// (target 80%), ASA 25.1 s, abandon 0.0%, 3 days below target`.
pub fn summary_lines(summary: &Summary) -> Vec<String> {
    summary
        .queues
        .iter()
        .map(|q| {
            let mut line = format!("{}: simulated service level ", q.name);
            match &q.horizon.service_level {
                Some(sl) => line.push_str(&format!(
                    "{:.1}% ± {:.1}",
                    sl.mean * 100.0,
                    sl.half_width * 100.0
                )),
                None => line.push_str("n/a (no calls)"),
            }
            if let Some(target) = q.service_level_target {
                line.push_str(&format!(
                    " (target {}% within {} s)",
                    format_number(target * 100.0, 1),
                    format_number(q.answer_within_seconds, 1)
                ));
            }
            if let Some(asa) = &q.horizon.asa_seconds {
                line.push_str(&format!(", ASA {:.1} s", asa.mean));
            }
            if let Some(abandon) = &q.horizon.abandon_rate {
                line.push_str(&format!(", abandon {:.1}%", abandon.mean * 100.0));
            }
            if let Some(below) = q.days_below_target {
                let days = if below == 1 { "day" } else { "days" };
                line.push_str(&format!(", {below} {days} below target"));
            }
            line
        })
        .collect()
}
