//! Projected service level per queue: what the scheduled team would give each queue.
//!
//! The schedule pools the queues (one cross-trained team), so its coverage has one
//! number of agents per interval. To judge each queue against its own target, the
//! agents working are shared out in proportion to what each queue required (in the
//! schedule's cover basis: scheduled staff or agents), each queue's share is taken
//! less its own shrinkage and rounded down to whole agents on the phones, and that is
//! evaluated with the queue's own queueing model and answer-within time. A schedule
//! that covers its requirement exactly thus gives every queue at least the agents its
//! staffing asked for. A shared team does at least as well as its split (pooling only
//! helps), so the projection errs on the pessimistic side. A roster hands each agent's
//! time to one queue, so its coverage is already per queue and is used as it is.

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
        // A roster's coverage is per queue (the agents handed to it); a schedule's
        // pools the queues and is shared out below.
        let own: Vec<&Requirement> = queues
            .iter()
            .copied()
            .filter(|q| q.queue == row.queue)
            .collect();
        let queues = if own.is_empty() { queues.clone() } else { own };
        let required: f64 = queues.iter().map(|q| q.required(cover)).sum();
        for requirement in queues {
            let queue_targets = targets.for_queue(&requirement.queue);
            let share = if required > 0.0 {
                row.scheduled * requirement.required(cover) / required
            } else {
                0.0
            };
            let on_phones = match cover {
                Cover::ScheduledStaff => share * (1.0 - queue_targets.shrinkage),
                Cover::Agents => share,
            };
            let agents = (on_phones + EPSILON).floor() as u32;
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
    use crate::mip::SolveStatus;
    use crate::schedule::{CoverageRow, SolveReport};
    use crate::staff::{ServiceTargets, TargetsFile};
    use chrono::TimeZone;

    fn requirement(queue: &str, calls: f64, agents: f64, staff: f64) -> Requirement {
        Requirement {
            queue: queue.to_string(),
            interval_start: chrono_tz::UTC
                .with_ymd_and_hms(2026, 12, 7, 10, 0, 0)
                .unwrap(),
            calls,
            aht_seconds: 300.0,
            agents,
            scheduled_staff: staff,
        }
    }

    fn schedule(scheduled: f64) -> Schedule {
        Schedule {
            shifts: Vec::new(),
            coverage: vec![CoverageRow {
                queue: "a+b".into(),
                interval_start: chrono_tz::UTC
                    .with_ymd_and_hms(2026, 12, 7, 10, 0, 0)
                    .unwrap(),
                calls: 150.0,
                aht_seconds: 300.0,
                required: 61.0,
                scheduled,
                shortfall: (61.0 - scheduled).max(0.0),
                surplus: (scheduled - 61.0).max(0.0),
                service_level: None,
            }],
            report: SolveReport {
                status: SolveStatus::Optimal,
                objective: 0.0,
                best_bound: 0.0,
                gap: 0.0,
                solve_seconds: 0.0,
                variables: 0,
                integer_variables: 0,
                constraints: 0,
            },
            group: "a+b".into(),
            shrinkage: 0.313,
            interval_minutes: 30,
        }
    }

    #[test]
    fn an_exact_schedule_gives_each_queue_its_staffing() {
        let file: TargetsFile = toml::from_str(
            "[default]\nservice_level = \"80%\"\nanswer_within = \"20s\"\nshrinkage = \"30%\"\n",
        )
        .unwrap();
        let targets = QueueTargets::new(&file, &ServiceTargets::default(), "t").unwrap();
        // 80/20 at 300 s AHT: 50 calls need 12 agents (18 staff), 100 calls 21 (30).
        let a = crate::staff::required_agents(
            &Queue::new(crate::erlang::Model::ErlangC, 50.0, 1800.0, 300.0).unwrap(),
            targets.for_queue("a"),
        );
        let b = crate::staff::required_agents(
            &Queue::new(crate::erlang::Model::ErlangC, 100.0, 1800.0, 300.0).unwrap(),
            targets.for_queue("b"),
        );
        let requirements = [
            requirement("a", 50.0, f64::from(a.agents), f64::from(a.scheduled_staff)),
            requirement(
                "b",
                100.0,
                f64::from(b.agents),
                f64::from(b.scheduled_staff),
            ),
        ];
        let required = f64::from(a.scheduled_staff + b.scheduled_staff);
        let mut exact = schedule(required);
        exact.coverage[0].required = required;
        let projected =
            queue_service_levels(&requirements, &exact, &targets, Cover::ScheduledStaff, 20.0);
        assert_eq!(projected.len(), 2);
        assert_eq!(projected[0].agents, a.agents);
        assert_eq!(projected[1].agents, b.agents);
        for queue in &projected {
            assert!(queue.service_level.unwrap() >= 0.8, "{queue:?}");
            assert_eq!(queue.target, Some(0.8));
        }
        // Ten agents fewer, shared in proportion: each queue loses its part.
        let short = queue_service_levels(
            &requirements,
            &schedule(required - 10.0),
            &targets,
            Cover::ScheduledStaff,
            20.0,
        );
        let share = |staff: u32| {
            ((required - 10.0) * f64::from(staff) / required * 0.7 + EPSILON).floor() as u32
        };
        assert_eq!(short[0].agents, share(a.scheduled_staff));
        assert_eq!(short[1].agents, share(b.scheduled_staff));
        assert!(short[1].service_level.unwrap() < 0.8);
        let days = daily_service_levels(&projected);
        assert_eq!(days.len(), 2);
        assert_eq!(days[0].calls, 50.0);
        assert_eq!(days[0].service_level, projected[0].service_level);
    }
}
