//! From replications to the figures a planner reads.
//!
//! Every figure is computed **per replication** first (for a day or the horizon, from the
//! replication's counts summed over the intervals) and then averaged over replications
//! with a Student-t 95% interval ([`Estimate`]). Calls are counted in the interval in
//! which they arrived; busy and logged-in time by clock time.
//! - service level = answered within the target / offered (abandoned calls count as
//!   not answered in time, as in Erlang A's service level over all offered calls);
//! - ASA = mean wait of answered calls;
//! - abandon rate = abandoned / offered;
//! - occupancy = busy agent-seconds / logged-in agent-seconds of the agents answering
//!   the queue. With `assigned` routing that is the queue's own agents. With `skills`
//!   routing an agent answering several queues counts, with all its busy time, in each
//!   of them: the occupancy is pooled over everyone logged in for the queue.
//!   Time spent finishing a call after a span's end counts in neither. Logged-in
//!   time is after the replication's absence;
//! - logged-in agents = logged-in agent-seconds / the stretch's seconds (the mean number
//!   of agents logged in for the queue; with `skills` routing an agent counts in each of
//!   its queues).
//!
//! A ratio skips replications in which its denominator is 0; it is `None` when all do.

use std::ops::Range;

use serde::Serialize;

use super::engine::{IntervalCounts, Replication};
use super::{Estimate, Options, QueueSpec, Scenario, MINUTES_PER_DAY};

/// The simulated measures of one queue over one stretch of time.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Measures {
    pub offered: Estimate,
    pub answered: Estimate,
    pub abandoned: Estimate,
    pub answered_within: Estimate,
    pub service_level: Option<Estimate>,
    pub asa_seconds: Option<Estimate>,
    pub abandon_rate: Option<Estimate>,
    pub occupancy: Option<Estimate>,
    /// Mean number of agents logged in for the queue (after absence).
    pub logged_in_agents: Option<Estimate>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IntervalReport {
    pub start_minute: u32,
    pub length_minutes: u32,
    pub measures: Measures,
}

/// Day `day` is minutes `[1440·day, 1440·(day+1))` from the horizon's start; an interval
/// belongs to the day in which it starts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DayReport {
    pub day: u32,
    pub measures: Measures,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QueueReport {
    pub name: String,
    pub intervals: Vec<IntervalReport>,
    pub days: Vec<DayReport>,
    pub horizon: Measures,
}

/// A simulation's result: one report per queue, in the scenario's order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub replications: u32,
    pub seed: u64,
    pub queues: Vec<QueueReport>,
    /// Events processed over all replications.
    pub events: u64,
}

pub(super) fn summarise(
    scenario: &Scenario,
    options: Options,
    replications: &[Replication],
) -> Report {
    let queues = scenario
        .queues
        .iter()
        .enumerate()
        .map(|(index, spec)| {
            let runs: Vec<&[IntervalCounts]> = replications
                .iter()
                .map(|r| r.queues[index].as_slice())
                .collect();
            queue_report(spec, &runs)
        })
        .collect();
    Report {
        replications: options.replications,
        seed: options.seed,
        queues,
        events: replications.iter().map(|r| r.events).sum(),
    }
}

fn queue_report(spec: &QueueSpec, runs: &[&[IntervalCounts]]) -> QueueReport {
    let intervals = spec
        .intervals
        .iter()
        .enumerate()
        .map(|(i, interval)| IntervalReport {
            start_minute: interval.start_minute,
            length_minutes: interval.length_minutes,
            measures: measures(spec, runs, i..i + 1),
        })
        .collect();
    let days = day_ranges(spec)
        .into_iter()
        .map(|(day, range)| DayReport {
            day,
            measures: measures(spec, runs, range),
        })
        .collect();
    QueueReport {
        name: spec.name.clone(),
        intervals,
        days,
        horizon: measures(spec, runs, 0..spec.intervals.len()),
    }
}

/// The queue's intervals grouped by the day they start in (intervals are sorted).
fn day_ranges(spec: &QueueSpec) -> Vec<(u32, Range<usize>)> {
    let mut days: Vec<(u32, Range<usize>)> = Vec::new();
    for (index, interval) in spec.intervals.iter().enumerate() {
        let day = interval.start_minute / MINUTES_PER_DAY;
        match days.last_mut() {
            Some((last, range)) if *last == day => range.end = index + 1,
            _ => days.push((day, index..index + 1)),
        }
    }
    days
}

/// The measures over the intervals in `range`, per replication then averaged.
fn measures(spec: &QueueSpec, runs: &[&[IntervalCounts]], range: Range<usize>) -> Measures {
    let totals: Vec<IntervalCounts> = runs.iter().map(|run| sum(&run[range.clone()])).collect();
    let seconds: f64 = spec.intervals[range]
        .iter()
        .map(|i| f64::from(i.length_minutes) * 60.0)
        .sum();
    let count = |field: fn(&IntervalCounts) -> u64| {
        let samples: Vec<f64> = totals.iter().map(|t| field(t) as f64).collect();
        Estimate::from_samples(&samples).expect("at least one replication")
    };
    let ratio = |part: fn(&IntervalCounts) -> f64, whole: fn(&IntervalCounts) -> f64| {
        let samples: Vec<f64> = totals
            .iter()
            .filter(|t| whole(t) > 0.0)
            .map(|t| part(t) / whole(t))
            .collect();
        Estimate::from_samples(&samples)
    };
    Measures {
        offered: count(|t| t.offered),
        answered: count(|t| t.answered),
        abandoned: count(|t| t.abandoned),
        answered_within: count(|t| t.answered_within),
        service_level: ratio(|t| t.answered_within as f64, |t| t.offered as f64),
        asa_seconds: ratio(|t| t.wait_seconds, |t| t.answered as f64),
        abandon_rate: ratio(|t| t.abandoned as f64, |t| t.offered as f64),
        occupancy: ratio(|t| t.busy_seconds, |t| t.logged_in_seconds),
        logged_in_agents: (seconds > 0.0).then(|| {
            let samples: Vec<f64> = totals
                .iter()
                .map(|t| t.logged_in_seconds / seconds)
                .collect();
            Estimate::from_samples(&samples).expect("at least one replication")
        }),
    }
}

fn sum(counts: &[IntervalCounts]) -> IntervalCounts {
    counts
        .iter()
        .fold(IntervalCounts::default(), |mut total, c| {
            total.offered += c.offered;
            total.answered += c.answered;
            total.abandoned += c.abandoned;
            total.answered_within += c.answered_within;
            total.wait_seconds += c.wait_seconds;
            total.busy_seconds += c.busy_seconds;
            total.logged_in_seconds += c.logged_in_seconds;
            total
        })
}
