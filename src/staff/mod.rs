//! Required agents: the smallest number of agents whose queue meets every target, and
//! the scheduled staff that covers it after shrinkage. [`forecast`] applies it to a
//! forecast row by row; [`requirements`] owns the file of the result.

pub mod forecast;
pub mod pooled;
pub mod requirements;
mod targets;

use std::fmt;

pub use targets::{ModelName, QueueTargets, Seconds, ServiceTargets, Share, Targets, TargetsFile};

use crate::erlang::{erlang_c_metrics, InverseBlockingWalk, Metrics, Model, Queue};
use targets::percent;

/// Relative slack when comparing a metric with its target, so that a value equal to the
/// target up to rounding (say occupancy 17/20 against 85%) counts as met.
const SLACK: f64 = 1e-12;

/// The search never goes beyond this many agents: at 2A + 1000 agents occupancy is
/// below 50% and the probability of waiting is astronomically small, so every valid
/// target is met long before; should one still fail, it is reported as unmet rather
/// than searched for without bound.
pub fn search_limit(offered_load: f64) -> u32 {
    (2.0 * offered_load.ceil() + 1000.0).min(f64::from(u32::MAX)) as u32
}

/// Scheduled staff for `agents` on the phones: agents / (1 − shrinkage), rounded up.
/// A hair of tolerance keeps 14 / 0.7 = 20.000000000000004 at 20.
pub fn scheduled_staff(agents: u32, shrinkage: f64) -> u32 {
    let exact = f64::from(agents) / (1.0 - shrinkage);
    (exact - exact * 1e-12).ceil() as u32
}

/// A target that the reported number of agents does not meet.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Unmet {
    /// Erlang C with agents ≤ offered load: the queue grows without bound.
    Unstable,
    ServiceLevel {
        achieved: f64,
        target: f64,
        within_seconds: f64,
    },
    Asa {
        achieved: Option<f64>,
        max: f64,
    },
    Occupancy {
        achieved: f64,
        max: f64,
    },
    Abandon {
        achieved: f64,
        max: f64,
    },
}

impl fmt::Display for Unmet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let seconds = |s: f64| crate::units::format_number(s, 1);
        match *self {
            Unmet::Unstable => write!(f, "queue unstable (agents <= offered load)"),
            Unmet::ServiceLevel {
                achieved,
                target,
                within_seconds,
            } => write!(
                f,
                "service level {} < {} within {} s",
                percent(achieved),
                percent(target),
                seconds(within_seconds)
            ),
            Unmet::Asa { achieved, max } => match achieved {
                Some(asa) => write!(f, "ASA {} s > {} s", seconds(asa), seconds(max)),
                None => write!(f, "ASA unbounded > {} s", seconds(max)),
            },
            Unmet::Occupancy { achieved, max } => {
                write!(f, "occupancy {} > {}", percent(achieved), percent(max))
            }
            Unmet::Abandon { achieved, max } => {
                write!(f, "abandon rate {} > {}", percent(achieved), percent(max))
            }
        }
    }
}

/// The targets `metrics` fails, in a fixed order; empty when all are met.
pub fn unmet_targets(metrics: &Metrics, targets: &Targets) -> Vec<Unmet> {
    let mut unmet = Vec::new();
    for_each_unmet(metrics, targets, |u| unmet.push(u));
    unmet
}

/// True when `metrics` meets every target (the searches' test; no allocation).
fn meets(metrics: &Metrics, targets: &Targets) -> bool {
    let mut met = true;
    for_each_unmet(metrics, targets, |_| met = false);
    met
}

/// Calls `report` for every target `metrics` fails. The single place where a metric is
/// compared with its target, so that searching and reporting cannot disagree.
fn for_each_unmet(metrics: &Metrics, targets: &Targets, mut report: impl FnMut(Unmet)) {
    if !metrics.stable {
        report(Unmet::Unstable);
    }
    if let (Some(target), Some(within_seconds)) = (targets.service_level, targets.answer_within) {
        let achieved = metrics.service_level.unwrap_or(0.0);
        if achieved < target * (1.0 - SLACK) {
            report(Unmet::ServiceLevel {
                achieved,
                target,
                within_seconds,
            });
        }
    }
    if let Some(max) = targets.max_asa_seconds {
        match metrics.asa_seconds {
            Some(asa) if asa <= max * (1.0 + SLACK) => {}
            achieved => report(Unmet::Asa { achieved, max }),
        }
    }
    if let Some(max) = targets.max_occupancy {
        if metrics.occupancy > max * (1.0 + SLACK) {
            report(Unmet::Occupancy {
                achieved: metrics.occupancy,
                max,
            });
        }
    }
    if let Some(max) = targets.max_abandon {
        let achieved = metrics.abandon_rate.unwrap_or(0.0);
        if achieved > max * (1.0 + SLACK) {
            report(Unmet::Abandon { achieved, max });
        }
    }
}

/// The staffing answer for one queue and interval.
#[derive(Debug, Clone, PartialEq)]
pub struct Requirement {
    /// Agents on the phones: the smallest number meeting every target, raised to
    /// `min_agents`; when no number up to [`search_limit`] meets them, that limit.
    pub agents: u32,
    /// `agents` / (1 − shrinkage), rounded up.
    pub scheduled_staff: u32,
    /// What `agents` achieves.
    pub metrics: Metrics,
    /// Targets not met at `agents` (only non-empty when the search hit its limit).
    pub unmet: Vec<Unmet>,
}

/// The smallest number of agents meeting `targets` on `queue` (at least
/// `targets.min_agents`), with its metrics.
///
/// Erlang C uses one upward walk of the Erlang B recursion with cheap division-free
/// screens, evaluating the full formulas only where a target could be met; the result
/// is identical to [`required_agents_plain`] (tested), just without its quadratic cost.
/// Erlang A, whose metrics are monotone in the number of agents, bisects.
pub fn required_agents(queue: &Queue, targets: &Targets) -> Requirement {
    required_agents_up_to(queue, targets, search_limit(queue.offered_load()))
}

/// [`required_agents`] with an explicit cap on the search (e.g. the seats available):
/// when no number up to `limit` meets every target, the requirement is `limit` agents
/// with the failing targets listed in `unmet`.
pub fn required_agents_up_to(queue: &Queue, targets: &Targets, limit: u32) -> Requirement {
    if queue.offered_load() == 0.0 {
        return finish(queue, targets, Some(0), limit);
    }
    match queue.model() {
        Model::ErlangC => match erlang_c_search(queue, targets, limit) {
            // The search's metrics are those a fresh evaluation would give; reuse them.
            Some((agents, metrics)) if agents >= targets.min_agents => Requirement {
                agents,
                scheduled_staff: scheduled_staff(agents, targets.shrinkage),
                metrics,
                unmet: Vec::new(),
            },
            found => finish(queue, targets, found.map(|(agents, _)| agents), limit),
        },
        Model::ErlangA { .. } => finish(queue, targets, bisect(queue, targets, limit), limit),
    }
}

/// The textbook search: evaluate the metrics for 1, 2, 3, … `limit` agents from scratch
/// and stop at the first that meets every target. Quadratic in the answer; kept as the
/// reference the fast search is tested against.
pub fn required_agents_plain(queue: &Queue, targets: &Targets, limit: u32) -> Requirement {
    let found = if queue.offered_load() == 0.0 {
        Some(0)
    } else {
        (1..=limit).find(|&agents| meets(&queue.metrics(agents, targets.answer_within), targets))
    };
    finish(queue, targets, found, limit)
}

/// What a given number of agents achieves against `targets` (the reverse calculation).
pub fn evaluate_agents(queue: &Queue, targets: &Targets, agents: u32) -> Requirement {
    let metrics = queue.metrics(agents, targets.answer_within);
    Requirement {
        agents,
        scheduled_staff: scheduled_staff(agents, targets.shrinkage),
        unmet: unmet_targets(&metrics, targets),
        metrics,
    }
}

/// Applies the staffing floor and the search limit.
fn finish(queue: &Queue, targets: &Targets, found: Option<u32>, limit: u32) -> Requirement {
    let agents = found.unwrap_or(limit).max(targets.min_agents);
    evaluate_agents(queue, targets, agents)
}

/// Erlang C search (offered load > 0). Returns the agents and their metrics, or `None`
/// when no number up to the search limit meets the targets.
///
/// Agents at or below the offered load never qualify (the queue is unstable), nor do
/// those above it whose occupancy A/N exceeds the cap, so the walk starts past both.
/// From there each candidate N is first screened with the division-free forms
/// P(wait)·e^(−(N−A)T/h) ≤ 1 − SL and P(wait)·h/(N−A) ≤ ASA, P(wait) = N/((N−A)·I + A),
/// using an exponential updated by multiplication, with a margin (1e-9) far wider than
/// their rounding error. Only candidates that pass are evaluated exactly by
/// [`erlang_c_metrics`] — the same function, fed the same I(N), as the plain search —
/// so both searches make identical decisions.
fn erlang_c_search(queue: &Queue, targets: &Targets, limit: u32) -> Option<(u32, Metrics)> {
    const MARGIN: f64 = 1e-9;
    const REFRESH_EVERY: u32 = 64;
    let load = queue.offered_load();
    let aht = queue.aht_seconds();
    let mut start = load.floor() as u32 + 1;
    if let Some(cap) = targets.max_occupancy {
        let cap = cap * (1.0 + SLACK);
        let mut agents = ((load / cap).floor() as u32).saturating_sub(1).max(1);
        while load / f64::from(agents) > cap {
            agents += 1;
        }
        start = start.max(agents);
    }
    if start > limit {
        return None;
    }
    let service_level_gap = targets
        .service_level
        .map(|level| 1.0 - level * (1.0 - SLACK) + MARGIN);
    let asa_cap = targets
        .max_asa_seconds
        .map(|asa| asa * (1.0 + SLACK) * (1.0 + MARGIN));
    // e^(−(N−A)T/h) and its ratio between consecutive N.
    let decay_exponent = targets.answer_within.map_or(0.0, |t| t / aht);
    let decay_step = (-decay_exponent).exp();
    let mut decay = (-(f64::from(start) - load) * decay_exponent).exp();

    let mut walk = InverseBlockingWalk::new(load);
    walk.advance_to(start);
    for agents in start..=limit {
        let n = f64::from(agents);
        let excess = n - load;
        let inverse_blocking = walk.value();
        let denominator = excess * inverse_blocking + load;
        let may_meet_level = service_level_gap.is_none_or(|gap| n * decay <= gap * denominator);
        let may_meet_asa = asa_cap.is_none_or(|cap| n * aht <= cap * excess * denominator);
        if may_meet_level && may_meet_asa {
            let metrics =
                erlang_c_metrics(agents, load, aht, targets.answer_within, inverse_blocking);
            if meets(&metrics, targets) {
                return Some((agents, metrics));
            }
        }
        walk.advance();
        decay = if (agents + 1 - start).is_multiple_of(REFRESH_EVERY) {
            (-(f64::from(agents + 1) - load) * decay_exponent).exp()
        } else {
            decay * decay_step
        };
    }
    None
}

/// Erlang A search by bisection over 1..=limit; every metric is monotone in the number
/// of agents, so "meets all targets" switches from false to true once.
fn bisect(queue: &Queue, targets: &Targets, limit: u32) -> Option<u32> {
    let passes = |agents: u32| meets(&queue.metrics(agents, targets.answer_within), targets);
    if limit == 0 || !passes(limit) {
        return None;
    }
    // Invariant: `low` fails (or is 0), `high` passes.
    let (mut low, mut high) = (0_u32, limit);
    while high - low > 1 {
        let middle = low + (high - low) / 2;
        if passes(middle) {
            high = middle;
        } else {
            low = middle;
        }
    }
    Some(high)
}

#[cfg(test)]
mod tests;
