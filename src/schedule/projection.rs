//! The projected service level of a coverage row: each queue judged by its own
//! targets (model, answer-within time, patience, shrinkage), each model slot by the
//! agents working in it.
//!
//! Calls arrive at a constant rate through a requirement interval, so the interval's
//! service level is the mean over its model slots of the service level with that
//! slot's agents on the phones, not the service level of the slots' mean agents: a
//! quarter-hour with 30 agents and one with 18 answer fewer calls in time than two
//! quarter-hours with 24 (above the load the service level is concave in the agents,
//! and at or below it nil), and a starved quarter-hour shows.

use super::requirements::Cover;
use crate::erlang::{Model, Queue};
use crate::staff::{QueueTargets, Targets};

/// Tolerance when flooring fractional agents (3.9999999 on the phones is 4).
pub const EPSILON: f64 = 1e-9;

/// Whole agents on the phones when `agents` work: less `shrinkage` when the schedule
/// covers scheduled staff, rounded down (a half-present agent does not answer calls
/// reliably).
pub fn on_phones(agents: f64, shrinkage: f64, cover: Cover) -> u32 {
    let on = match cover {
        Cover::ScheduledStaff => agents * (1.0 - shrinkage),
        Cover::Agents => agents,
    };
    (on + EPSILON).floor().max(0.0) as u32
}

/// One queue's whole agents on the phones in each slot, when it gets the share
/// `required / total_required` of the agents working in `slots` (all of them when it
/// is the only queue).
pub fn queue_share(
    slots: &[f64],
    required: f64,
    total_required: f64,
    shrinkage: f64,
    cover: Cover,
) -> Vec<u32> {
    queue_presence(slots, required, total_required, shrinkage, cover)
        .into_iter()
        .map(|present| (present + EPSILON).floor().max(0.0) as u32)
        .collect()
}

/// The same share before rounding down: the agents the queue can expect on the phones
/// in each slot (fractions kept, so that pooled queues add them up before rounding).
pub fn queue_presence(
    slots: &[f64],
    required: f64,
    total_required: f64,
    shrinkage: f64,
    cover: Cover,
) -> Vec<f64> {
    slots
        .iter()
        .map(|&agents| {
            let share = if total_required > 0.0 {
                agents * required / total_required
            } else {
                0.0
            };
            match cover {
                Cover::ScheduledStaff => share * (1.0 - shrinkage),
                Cover::Agents => share,
            }
        })
        .collect()
}

/// The interval's service level: the mean over its slots of the share of calls
/// answered within `targets.answer_within` with each slot's `on_phones` agents, with
/// the queue's model. `None` without calls, handle time, slots or answer-within time.
pub fn mean_service_level(
    calls: f64,
    aht_seconds: f64,
    interval_seconds: f64,
    targets: &Targets,
    on_phones: &[u32],
) -> Option<f64> {
    if calls <= 0.0 || aht_seconds <= 0.0 || on_phones.is_empty() {
        return None;
    }
    let queue = Queue::new(targets.model, calls, interval_seconds, aht_seconds).ok()?;
    let mut sum = 0.0;
    for &agents in on_phones {
        sum += queue.metrics(agents, targets.answer_within).service_level?;
    }
    Some(sum / on_phones.len() as f64)
}

/// The targets `queue`'s projection uses. With per-queue targets: the queue's own,
/// with `answer_within_seconds` when they set no answer-within time and `shrinkage`
/// (`--shrinkage`) over theirs when given. Without: Erlang C within
/// `answer_within_seconds`, at `shrinkage` or else `estimated_shrinkage`.
pub fn projection_targets(
    targets: Option<&QueueTargets>,
    queue: &str,
    answer_within_seconds: f64,
    shrinkage: Option<f64>,
    estimated_shrinkage: f64,
) -> Targets {
    match targets {
        Some(all) => {
            let own = *all.for_queue(queue);
            Targets {
                answer_within: own.answer_within.or(Some(answer_within_seconds)),
                shrinkage: shrinkage.unwrap_or(own.shrinkage),
                ..own
            }
        }
        None => Targets {
            service_level: None,
            answer_within: Some(answer_within_seconds),
            max_asa_seconds: None,
            max_occupancy: None,
            shrinkage: shrinkage.unwrap_or(estimated_shrinkage),
            model: Model::ErlangC,
            max_abandon: None,
            min_agents: 0,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn erlang_c(answer_within: f64) -> Targets {
        projection_targets(None, "q", answer_within, Some(0.0), 0.0)
    }

    #[test]
    fn uneven_slots_serve_worse_than_their_mean() {
        // 200 calls of 180 s in half an hour: 20 Erlangs. Quarter-hours of 30 and 18
        // agents against a flat 24 (the same mean).
        let (calls, aht, interval) = (200.0, 180.0, 1800.0);
        let targets = erlang_c(20.0);
        let uneven = mean_service_level(calls, aht, interval, &targets, &[30, 18]).unwrap();
        let flat = mean_service_level(calls, aht, interval, &targets, &[24, 24]).unwrap();
        // Computed independently: Erlang C, A = 20, SL = 1 - C(N, A) e^(-(N-A) T / h).
        let load = crate::erlang::offered_load(calls, interval, aht);
        assert!((load - 20.0).abs() < 1e-12);
        let sl = |n: u32| {
            1.0 - crate::erlang::erlang_c(n, load) * (-(f64::from(n) - load) * 20.0 / aht).exp()
        };
        // 18 agents are below the load of 20: nobody is answered in time there.
        assert_eq!(crate::erlang::erlang_c(18, load), 1.0);
        assert!((uneven - (sl(30) + 0.0) / 2.0).abs() < 1e-12, "{uneven}");
        assert!((flat - sl(24)).abs() < 1e-12, "{flat}");
        assert!(uneven < flat - 0.2, "{uneven} vs {flat}");
        // 0.9918 and 0 average to 0.4959; 24 agents give 0.8089.
        assert!((uneven - 0.4959).abs() < 1e-4, "{uneven}");
        assert!((flat - 0.8089).abs() < 1e-4, "{flat}");
    }

    #[test]
    fn shares_floor_after_shrinkage() {
        assert_eq!(on_phones(10.0, 0.3, Cover::ScheduledStaff), 7);
        assert_eq!(on_phones(10.0, 0.3, Cover::Agents), 10);
        assert_eq!(
            queue_share(&[30.0, 18.0], 20.0, 60.0, 0.3, Cover::ScheduledStaff),
            vec![7, 4]
        );
        assert_eq!(queue_share(&[5.0], 0.0, 0.0, 0.0, Cover::Agents), vec![0]);
        assert_eq!(
            mean_service_level(0.0, 180.0, 1800.0, &erlang_c(20.0), &[3]),
            None
        );
    }
}
