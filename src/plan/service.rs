//! Projected service level per queue: what the scheduled team would give each queue.
//!
//! The schedule pools the queues (one cross-trained team), so its coverage has one
//! number of agents per interval. To judge each queue against its own target, the
//! agents on the phones are shared out in proportion to the queues' Erlang
//! requirements (the split the staffing step asked for), as whole agents by the
//! largest-remainder method, and each queue's share is evaluated with its own
//! queueing model and answer-within time. A shared team does at least as well as its
//! split (pooling only helps), so this is a slightly pessimistic projection.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate};
use chrono_tz::Tz;

use crate::erlang::Queue;
use crate::schedule::{Cover, Requirement, Schedule};
use crate::staff::{evaluate_agents, QueueTargets};

/// Tolerance when flooring fractional agents (3.9999999 on the phones is 4).
const EPSILON: f64 = 1e-9;

/// One queue's projection in one interval.
#[derive(Debug, Clone, PartialEq)]
pub struct QueueInterval {
    pub queue: String,
    pub interval_start: DateTime<Tz>,
    pub calls: f64,
    /// Whole agents on the phones for this queue.
    pub agents: u32,
    /// Share of calls answered within the queue's answer-within time; `None` without calls.
    pub service_level: Option<f64>,
    /// The queue's service-level target, if it has one.
    pub target: Option<f64>,
}

/// One queue's projection over one day: the call-weighted mean of its intervals.
#[derive(Debug, Clone, PartialEq)]
pub struct QueueDay {
    pub queue: String,
    pub date: NaiveDate,
    pub calls: f64,
    pub service_level: Option<f64>,
}

/// Projects every queue's service level in every scheduled interval.
pub fn queue_service_levels(
    requirements: &[Requirement],
    schedule: &Schedule,
    targets: &QueueTargets,
    cover: Cover,
    default_answer_within: f64,
) -> Vec<QueueInterval> {
    let interval_seconds = f64::from(schedule.interval_minutes) * 60.0;
    let mut by_instant: BTreeMap<i64, Vec<&Requirement>> = BTreeMap::new();
    for requirement in requirements {
        by_instant
            .entry(requirement.interval_start.timestamp())
            .or_default()
            .push(requirement);
    }
    let mut result = Vec::new();
    for row in &schedule.coverage {
        let Some(queues) = by_instant.get(&row.interval_start.timestamp()) else {
            continue;
        };
        let on_phones = match cover {
            Cover::ScheduledStaff => row.scheduled * (1.0 - schedule.shrinkage),
            Cover::Agents => row.scheduled,
        };
        let weights: Vec<f64> = if queues.iter().any(|q| q.agents > 0.0) {
            queues.iter().map(|q| q.agents).collect()
        } else {
            queues.iter().map(|q| q.calls).collect()
        };
        let shares = largest_remainder((on_phones + EPSILON).floor() as u32, &weights);
        for (requirement, agents) in queues.iter().zip(shares) {
            let queue_targets = targets.for_queue(&requirement.queue);
            let within = queue_targets.answer_within.unwrap_or(default_answer_within);
            result.push(QueueInterval {
                queue: requirement.queue.clone(),
                interval_start: requirement.interval_start,
                calls: requirement.calls,
                agents,
                service_level: service_level(
                    requirement,
                    queue_targets,
                    within,
                    interval_seconds,
                    agents,
                ),
                target: queue_targets.service_level,
            });
        }
    }
    result.sort_by(|a, b| {
        (a.queue.as_str(), a.interval_start.timestamp())
            .cmp(&(b.queue.as_str(), b.interval_start.timestamp()))
    });
    result
}

/// The queue's service level with `agents` on the phones (its own model and targets).
fn service_level(
    requirement: &Requirement,
    targets: &crate::staff::Targets,
    answer_within: f64,
    interval_seconds: f64,
    agents: u32,
) -> Option<f64> {
    if requirement.calls <= 0.0 || requirement.aht_seconds <= 0.0 {
        return None;
    }
    let queue = Queue::new(
        targets.model,
        requirement.calls,
        interval_seconds,
        requirement.aht_seconds,
    )
    .ok()?;
    let targets = crate::staff::Targets {
        answer_within: Some(answer_within),
        ..*targets
    };
    evaluate_agents(&queue, &targets, agents)
        .metrics
        .service_level
}

/// Splits `total` whole agents in proportion to `weights`: each gets the floor of its
/// exact share, and the agents left go to the largest remainders (the first on ties).
pub fn largest_remainder(total: u32, weights: &[f64]) -> Vec<u32> {
    let sum: f64 = weights.iter().sum();
    if weights.is_empty() {
        return Vec::new();
    }
    if sum <= 0.0 {
        let mut shares = vec![0; weights.len()];
        shares[0] = total;
        return shares;
    }
    let exact: Vec<f64> = weights.iter().map(|w| f64::from(total) * w / sum).collect();
    let mut shares: Vec<u32> = exact.iter().map(|e| (e + EPSILON).floor() as u32).collect();
    let given: u32 = shares.iter().sum();
    let mut order: Vec<usize> = (0..weights.len()).collect();
    order.sort_by(|&a, &b| {
        let remainder = |i: usize| exact[i] - f64::from(shares[i]);
        remainder(b).total_cmp(&remainder(a)).then(a.cmp(&b))
    });
    for &i in order.iter().take(total.saturating_sub(given) as usize) {
        shares[i] += 1;
    }
    shares
}

/// Per queue and local day, the call-weighted mean service level.
pub fn daily_service_levels(intervals: &[QueueInterval]) -> Vec<QueueDay> {
    let mut days: BTreeMap<(String, NaiveDate), (f64, f64)> = BTreeMap::new();
    for interval in intervals {
        let entry = days
            .entry((interval.queue.clone(), interval.interval_start.date_naive()))
            .or_default();
        if let Some(level) = interval.service_level {
            entry.0 += interval.calls;
            entry.1 += interval.calls * level;
        }
    }
    days.into_iter()
        .map(|((queue, date), (calls, weighted))| QueueDay {
            queue,
            date,
            calls,
            service_level: (calls > 0.0).then(|| weighted / calls),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn largest_remainder_gives_whole_agents_in_proportion() {
        assert_eq!(largest_remainder(10, &[3.0, 1.0]), vec![8, 2]);
        // 7 * 2/3 = 4.67, 7 * 1/3 = 2.33: the larger remainder gets the seventh.
        assert_eq!(largest_remainder(7, &[2.0, 1.0]), vec![5, 2]);
        assert_eq!(largest_remainder(3, &[1.0, 1.0]), vec![2, 1]);
        assert_eq!(largest_remainder(4, &[0.0, 0.0]), vec![4, 0]);
        assert_eq!(largest_remainder(0, &[5.0, 1.0]), vec![0, 0]);
        assert_eq!(largest_remainder(5, &[]), Vec::<u32>::new());
    }
}
