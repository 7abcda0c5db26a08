//! The plan checked by its own simulation: the roster it wrote (or, without agents,
//! its anonymous shifts) is simulated call by call under the declared routing, with
//! shrinkage as random absence (see `docs/simulation.md`), and the simulated service
//! level with its 95% interval stands beside the analytic projection per queue and
//! day. The projection assumes a steady state in every interval; the simulation
//! carries calls over between intervals and days, logs agents in and out as
//! rostered and draws who is absent, so where the two disagree by more than
//! [`AGREEMENT_POINTS`] the plan says so.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, NaiveDate};
use serde::Serialize;

use super::config::PlanConfig;
use crate::error::Result;
use crate::forecast::ForecastRow;
use crate::roster::RosterRow;
use crate::schedule::{Requirement, ShiftRow};
use crate::simulate::{interval_header, simulate_roster, simulate_shifts, Estimate, Simulation};
use crate::staff::scheduled_staff;
use crate::units::round;

/// The plan directory's file of simulated measures per queue and interval (the
/// columns of `wfm simulate -o`).
pub const SIMULATION_FILE: &str = "simulation.csv";

/// Projection and simulation further apart than this (a share: 2 points) are
/// reported, per queue over the horizon.
pub const AGREEMENT_POINTS: f64 = 0.02;

/// Simulates what the plan wrote: the roster's rows when it has agents, else its
/// shifts (every agent on every queue).
pub fn simulate_plan(
    config: &PlanConfig,
    forecast: &[ForecastRow],
    roster: Option<&[RosterRow]>,
    shifts: &[ShiftRow],
) -> Result<Simulation> {
    let settings = &config.simulation.settings;
    match roster {
        Some(rows) => simulate_roster(forecast, rows, &config.targets, config.time_zone, settings),
        None => simulate_shifts(
            forecast,
            shifts,
            &config.targets,
            config.time_zone,
            settings,
        ),
    }
}

/// Writes `simulation.csv`.
pub fn write_simulation_csv(simulation: &Simulation, out: &mut dyn std::io::Write) -> Result<()> {
    let io = |e: csv::Error| crate::error::Error::write(SIMULATION_FILE, e.into());
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(interval_header()).map_err(io)?;
    for row in simulation.interval_rows() {
        writer.write_record(&row).map_err(io)?;
    }
    writer
        .flush()
        .map_err(|e| crate::error::Error::write(SIMULATION_FILE, e))
}

/// A simulated share or time: the mean over replications and its 95% interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Simulated {
    pub mean: f64,
    pub low: f64,
    pub high: f64,
}

impl Simulated {
    /// Rounded to `decimals`; shares clipped to 0-1 as `wfm simulate` prints them.
    fn of(estimate: &Estimate, decimals: i32, share: bool) -> Simulated {
        let clipped = |v: f64| {
            let v = if share { v.clamp(0.0, 1.0) } else { v.max(0.0) };
            round(v, decimals)
        };
        let half = if estimate.half_width.is_finite() {
            estimate.half_width
        } else {
            0.0
        };
        Simulated {
            mean: clipped(estimate.mean),
            low: clipped(estimate.mean - half),
            high: clipped(estimate.mean + half),
        }
    }
}

/// One queue's simulated figures over the horizon.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QueueSimulation {
    pub service_level: Option<Simulated>,
    pub asa_seconds: Option<Simulated>,
    pub abandon_rate: Option<Simulated>,
    pub occupancy: Option<Simulated>,
    /// Days whose simulated (mean) service level is below the target.
    pub days_below_target: usize,
    /// Intervals with calls whose simulated (mean) service level is below the target.
    pub intervals_below_target: usize,
    /// Per local day: the simulated service level.
    #[serde(skip)]
    pub days: BTreeMap<NaiveDate, Simulated>,
    /// Per local day: the simulated average speed of answer and abandonment
    /// (the report's per-day chart; `summary.json` puts them beside the day).
    #[serde(skip)]
    pub day_waits: BTreeMap<NaiveDate, DayWaits>,
}

/// One simulated day's waiting: average speed of answer, seconds, and the share
/// of calls abandoned, each with its 95% interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct DayWaits {
    pub asa_seconds: Option<Simulated>,
    pub abandon_rate: Option<Simulated>,
}

/// Per queue name: the simulated figures the summary shows.
pub fn queue_simulations(
    simulation: &Simulation,
    config: &PlanConfig,
) -> BTreeMap<String, QueueSimulation> {
    let summary = &simulation.summary;
    let mut result = BTreeMap::new();
    for (queue, report) in summary.queues.iter().zip(&simulation.report.queues) {
        let target = config.targets.for_queue(&queue.name).service_level;
        // Judged on the mean as the files publish it (4 decimals), so the counts are
        // those a reader of simulation.csv or summary.json finds: a mean of 0.79996
        // printed as 0.8 is not below an 80% target.
        let below = |estimate: Option<&Estimate>| match (estimate, target) {
            (Some(e), Some(t)) => Simulated::of(e, 4, true).mean < t,
            _ => false,
        };
        let days: BTreeMap<NaiveDate, Simulated> = queue
            .days
            .iter()
            .filter_map(|day| {
                let date = NaiveDate::parse_from_str(&day.date, "%Y-%m-%d").ok()?;
                let level = day.measures.service_level.as_ref()?;
                Some((date, Simulated::of(level, 4, true)))
            })
            .collect();
        let day_waits: BTreeMap<NaiveDate, DayWaits> = queue
            .days
            .iter()
            .filter_map(|day| {
                let date = NaiveDate::parse_from_str(&day.date, "%Y-%m-%d").ok()?;
                let measures = &day.measures;
                Some((
                    date,
                    DayWaits {
                        asa_seconds: measures
                            .asa_seconds
                            .as_ref()
                            .map(|e| Simulated::of(e, 2, false)),
                        abandon_rate: measures
                            .abandon_rate
                            .as_ref()
                            .map(|e| Simulated::of(e, 4, true)),
                    },
                ))
            })
            .collect();
        let horizon = &queue.horizon;
        result.insert(
            queue.name.clone(),
            QueueSimulation {
                service_level: horizon
                    .service_level
                    .as_ref()
                    .map(|e| Simulated::of(e, 4, true)),
                asa_seconds: horizon
                    .asa_seconds
                    .as_ref()
                    .map(|e| Simulated::of(e, 2, false)),
                abandon_rate: horizon
                    .abandon_rate
                    .as_ref()
                    .map(|e| Simulated::of(e, 4, true)),
                occupancy: horizon
                    .occupancy
                    .as_ref()
                    .map(|e| Simulated::of(e, 4, true)),
                days_below_target: queue
                    .days
                    .iter()
                    .filter(|d| below(d.measures.service_level.as_ref()))
                    .count(),
                intervals_below_target: report
                    .intervals
                    .iter()
                    .filter(|i| below(i.measures.service_level.as_ref()))
                    .count(),
                days,
                day_waits,
            },
        );
    }
    result
}

/// The notes where projection and simulation disagree: by more than
/// [`AGREEMENT_POINTS`] over the horizon, or on whether a day is below target.
pub fn agreement_notes(
    queue: &str,
    projected: Option<f64>,
    projected_days: &[(NaiveDate, Option<f64>)],
    target: Option<f64>,
    simulated: &QueueSimulation,
) -> Vec<String> {
    let mut notes = Vec::new();
    if let (Some(projected), Some(level)) = (projected, simulated.service_level) {
        if (projected - level.mean).abs() > AGREEMENT_POINTS {
            notes.push(format!(
                "{queue}: the simulation gives a service level of {} (95% interval {}-{}) against the projected {}: they differ by more than {:.0} points",
                percent(level.mean),
                percent(level.low),
                percent(level.high),
                percent(projected),
                AGREEMENT_POINTS * 100.0
            ));
        }
    }
    let Some(target) = target else {
        return notes;
    };
    let mut differing = Vec::new();
    for &(date, projected) in projected_days {
        if let (Some(p), Some(s)) = (projected, simulated.days.get(&date)) {
            if (p < target) != (s.mean < target) {
                differing.push(format!(
                    "{date} (projected {}, simulated {}, 95% interval {}-{})",
                    percent(p),
                    percent(s.mean),
                    percent(s.low),
                    percent(s.high)
                ));
            }
        }
    }
    if !differing.is_empty() {
        notes.push(format!(
            "{queue}: projection and simulation disagree on whether {} day(s) meet the {} target: {}",
            differing.len(),
            percent(target),
            differing.join(", ")
        ));
    }
    notes
}

fn percent(share: f64) -> String {
    format!("{:.1}%", share * 100.0)
}

/// One round of `[simulation] correct = true`: the plan as rostered in that round,
/// what the simulation made of it, and how many intervals were then raised.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CorrectionRound {
    /// 0: the plan before any correction.
    pub round: u32,
    pub paid_hours: f64,
    pub cost: f64,
    /// Per queue: the simulated service level and how many days and intervals fall
    /// below target.
    pub queues: Vec<RoundQueue>,
    /// Intervals whose requirement was raised after this round (0 in the last).
    pub raised_intervals: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RoundQueue {
    pub queue: String,
    pub simulated: Option<f64>,
    pub days_below_target: usize,
    pub intervals_below_target: usize,
}

impl CorrectionRound {
    pub fn new(
        round: u32,
        (paid_hours, cost): (f64, f64),
        simulation: &Simulation,
        config: &PlanConfig,
    ) -> Self {
        let queues = queue_simulations(simulation, config)
            .into_iter()
            .map(|(queue, simulated)| RoundQueue {
                queue,
                simulated: simulated.service_level.map(|s| s.mean),
                days_below_target: simulated.days_below_target,
                intervals_below_target: simulated.intervals_below_target,
            })
            .collect();
        CorrectionRound {
            round,
            paid_hours: crate::units::round(paid_hours, 3),
            cost: crate::units::round(cost, 3),
            queues,
            raised_intervals: 0,
        }
    }
}

/// Raises, by one agent on the phones (and the scheduled staff that takes at the
/// queue's shrinkage), the requirement of every interval whose simulated service
/// level is below its queue's target. Returns how many were raised.
pub fn raise_below_target(
    requirements: &mut [Requirement],
    simulation: &Simulation,
    config: &PlanConfig,
) -> usize {
    let mut below: BTreeSet<(String, i64)> = BTreeSet::new();
    let inputs = &simulation.inputs;
    for ((queue, starts), target) in simulation
        .report
        .queues
        .iter()
        .zip(&inputs.interval_starts)
        .zip(&inputs.service_level_targets)
    {
        let Some(target) = target else { continue };
        for (interval, start) in queue.intervals.iter().zip(starts) {
            let low = interval
                .measures
                .service_level
                .as_ref()
                .is_some_and(|level| level.mean < *target);
            if let (true, Ok(instant)) = (low, DateTime::parse_from_rfc3339(start)) {
                below.insert((queue.name.clone(), instant.timestamp()));
            }
        }
    }
    let mut raised = 0;
    for requirement in requirements.iter_mut() {
        let key = (
            requirement.queue.clone(),
            requirement.interval_start.timestamp(),
        );
        if below.contains(&key) {
            let shrinkage = config.targets.for_queue(&requirement.queue).shrinkage;
            requirement.agents += 1.0;
            requirement.scheduled_staff = f64::from(scheduled_staff(
                requirement.agents.round() as u32,
                shrinkage,
            ));
            raised += 1;
        }
    }
    raised
}

/// One queue's projected service level (see `plan::service`).
#[derive(Debug, Clone, Serialize)]
pub struct QueueService {
    pub queue: String,
    pub target: Option<f64>,
    pub answer_within_seconds: f64,
    /// Call-weighted over the horizon.
    pub projected: Option<f64>,
    /// Days whose projection is below the target.
    pub days_below_target: usize,
    /// The plan's simulation of the same roster (`[simulation]`), when it ran.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub simulated: Option<QueueSimulation>,
    pub days: Vec<QueueServiceDay>,
    /// The queue's projection per interval with calls, only where no file holds
    /// it: when coverage.csv pools the queues (an anonymous schedule), its rows
    /// give the pooled level, not each queue's (which the report shows).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub intervals: Vec<QueueServiceInterval>,
}

/// One queue's projection in one interval with calls.
#[derive(Debug, Clone, Serialize)]
pub struct QueueServiceInterval {
    /// RFC 3339 with the site's offset, as the CSV files print it.
    pub interval_start: String,
    pub calls: f64,
    pub projected: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct QueueServiceDay {
    pub date: NaiveDate,
    pub calls: f64,
    pub projected: Option<f64>,
    /// The simulated service level with its 95% interval, when simulated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub simulated: Option<Simulated>,
    /// The simulated average speed of answer (seconds) and abandonment rate,
    /// with their 95% intervals, when simulated and the day has calls.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub simulated_asa_seconds: Option<Simulated>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub simulated_abandon_rate: Option<Simulated>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn simulated(mean: f64, half: f64) -> Simulated {
        Simulated {
            mean,
            low: mean - half,
            high: mean + half,
        }
    }

    #[test]
    fn notes_name_a_gap_over_two_points_and_days_on_the_other_side_of_target() {
        let day = |d: u32| NaiveDate::from_ymd_opt(2026, 12, d).unwrap();
        let queue = QueueSimulation {
            service_level: Some(simulated(0.83, 0.01)),
            asa_seconds: None,
            abandon_rate: None,
            occupancy: None,
            days_below_target: 1,
            intervals_below_target: 4,
            days: [
                (day(1), simulated(0.79, 0.05)),
                (day(2), simulated(0.85, 0.05)),
            ]
            .into_iter()
            .collect(),
            day_waits: BTreeMap::new(),
        };
        let days = [(day(1), Some(0.84)), (day(2), Some(0.86))];
        let notes = agreement_notes("sales", Some(0.86), &days, Some(0.8), &queue);
        assert_eq!(
            notes,
            [
                "sales: the simulation gives a service level of 83.0% (95% interval 82.0%-84.0%) against the projected 86.0%: they differ by more than 2 points",
                "sales: projection and simulation disagree on whether 1 day(s) meet the 80.0% target: 2026-12-01 (projected 84.0%, simulated 79.0%, 95% interval 74.0%-84.0%)",
            ]
        );
        // 1.5 points apart and the same side of target every day: nothing to say.
        let agreeing = [(day(1), Some(0.78)), (day(2), Some(0.86))];
        assert!(agreement_notes("sales", Some(0.845), &agreeing, Some(0.8), &queue).is_empty());
    }
}
