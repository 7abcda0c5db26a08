//! Discrete-event simulation of a contact center: what a forecast's calls meet when the
//! agents log in and out as rostered. The Erlang formulas assume a steady state with a
//! fixed number of agents per interval; a roster is not that (agents change queue, take
//! breaks, finish calls past the interval's end, queues carry calls over), so every
//! service figure a plan prints can be checked here against the roster itself.
//!
//! The model (see `docs/simulation.md` for the planner's view):
//! - **Arrivals**: Poisson, piecewise constant per interval. Each interval draws
//!   exponential inter-arrival times at its own rate `calls / length`; since the
//!   exponential is memoryless, a draw that crosses the interval's end is discarded and
//!   the next interval starts afresh at its start (no thinning needed).
//! - **Handle times**: exponential with the AHT of the interval in which the call
//!   **arrived** (the call's content is fixed when it is offered, wherever it waits).
//! - **Patience** (queues with [`QueueSpec::patience_seconds`], Erlang A): exponential;
//!   a caller still waiting when it runs out abandons.
//! - **Queues**: FIFO per queue. An arriving call goes to the longest-idle eligible agent;
//!   a freed agent takes, among the queues it answers, the call that has waited longest.
//! - **Agents** log in for their [`Span`]s; gaps are breaks, lunches or time off. An agent
//!   on a call when its span ends finishes the call and then leaves.
//! - **Drain**: after the last interval no calls arrive, but the simulation runs on until
//!   every call is answered or abandoned. A call still waiting when no agent will ever log
//!   in again (possible only without patience) counts as abandoned.
//! - **Replications**: replication `r` runs on `ChaCha8Rng::seed_from_u64(seed)` with
//!   stream `r`, so runs are reproducible and replications independent.
//!
//! Results are tallied by the interval in which a call **arrived**; see [`report`] for
//! the measures and their confidence intervals.

mod engine;
pub mod inputs;
pub mod outputs;
mod report;
mod stats;
#[cfg(test)]
mod tests;

pub use engine::{simulate_replication, IntervalCounts, Replication};
pub use report::{DayReport, IntervalReport, Measures, QueueReport, Report};
pub use stats::Estimate;

use crate::{Error, Result};

/// Minutes in a day: days in the output are consecutive 1440-minute blocks from the
/// horizon's start.
pub const MINUTES_PER_DAY: u32 = 1440;

/// One forecast interval of one queue.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LoadInterval {
    /// Start, in minutes from the horizon's start.
    pub start_minute: u32,
    pub length_minutes: u32,
    /// Expected number of calls offered in the interval (the Poisson mean).
    pub calls: f64,
    /// Average handle time of calls arriving in the interval, in seconds.
    pub aht_seconds: f64,
}

impl LoadInterval {
    fn start_second(&self) -> f64 {
        f64::from(self.start_minute) * 60.0
    }

    fn end_second(&self) -> f64 {
        (f64::from(self.start_minute) + f64::from(self.length_minutes)) * 60.0
    }
}

/// A queue: its forecast and its targets.
#[derive(Debug, Clone, PartialEq)]
pub struct QueueSpec {
    pub name: String,
    /// Intervals in time order, not overlapping (gaps mean no calls).
    pub intervals: Vec<LoadInterval>,
    /// The service-level threshold: a call answered within this many seconds counts.
    pub answer_within_seconds: f64,
    /// Mean patience (Erlang A). `None`: callers wait as long as it takes (Erlang C).
    pub patience_seconds: Option<f64>,
}

/// What an agent answers while logged in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answers {
    /// Routing `assigned`: only this queue (an index into [`Scenario::queues`]).
    Queue(usize),
    /// Routing `skills`: any of these queues, without priorities.
    Skills(Vec<usize>),
}

impl Answers {
    /// The eligible queues, sorted and without repeats.
    fn queues(&self) -> Vec<usize> {
        let mut queues = match self {
            Answers::Queue(queue) => vec![*queue],
            Answers::Skills(queues) => queues.clone(),
        };
        queues.sort_unstable();
        queues.dedup();
        queues
    }
}

/// A stretch of time an agent is logged in, in seconds from the horizon's start.
#[derive(Debug, Clone, PartialEq)]
pub struct Span {
    pub start_second: f64,
    pub end_second: f64,
    pub answers: Answers,
}

/// One agent's day(s): logged-in spans in time order, not overlapping.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Agent {
    pub spans: Vec<Span>,
}

/// Everything one simulation needs apart from the seed.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Scenario {
    pub queues: Vec<QueueSpec>,
    pub agents: Vec<Agent>,
}

/// How many replications, from which seed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// At least 2, so that a confidence interval exists.
    pub replications: u32,
    pub seed: u64,
}

/// Simulates `options.replications` independent replications of the scenario and
/// summarises them per queue and interval, per queue and day and per queue over the
/// horizon. Errors (exit code 2) on inconsistent input.
pub fn simulate(scenario: &Scenario, options: Options) -> Result<Report> {
    if options.replications < 2 {
        return Err(Error::input(format!(
            "a simulation needs at least 2 replications for a confidence interval, found {}",
            options.replications
        )));
    }
    validate(scenario)?;
    let replications: Vec<Replication> = (0..options.replications)
        .map(|r| engine::run(scenario, options.seed, r))
        .collect();
    Ok(report::summarise(scenario, options, &replications))
}

/// Checks the scenario so that the engine can trust it.
pub fn validate(scenario: &Scenario) -> Result<()> {
    for queue in &scenario.queues {
        validate_queue(queue)?;
    }
    for (index, agent) in scenario.agents.iter().enumerate() {
        validate_agent(index, agent, scenario.queues.len())?;
    }
    Ok(())
}

fn validate_queue(queue: &QueueSpec) -> Result<()> {
    let name = &queue.name;
    if !(queue.answer_within_seconds.is_finite() && queue.answer_within_seconds >= 0.0) {
        return Err(Error::input(format!(
            "queue {name}: answer-within must be >= 0 s, found {}",
            queue.answer_within_seconds
        )));
    }
    if let Some(patience) = queue.patience_seconds {
        if !(patience.is_finite() && patience > 0.0) {
            return Err(Error::input(format!(
                "queue {name}: patience must be positive, found {patience} s"
            )));
        }
    }
    let mut previous_end = 0;
    for interval in &queue.intervals {
        let at = interval.start_minute;
        if interval.length_minutes == 0 || interval.start_minute < previous_end {
            return Err(Error::input(format!(
                "queue {name}: interval at minute {at} is empty or overlaps the one before"
            )));
        }
        if !(interval.calls.is_finite() && interval.calls >= 0.0) {
            return Err(Error::input(format!(
                "queue {name}: calls at minute {at} must be >= 0, found {}",
                interval.calls
            )));
        }
        if !(interval.aht_seconds.is_finite() && interval.aht_seconds > 0.0) {
            return Err(Error::input(format!(
                "queue {name}: AHT at minute {at} must be positive, found {} s",
                interval.aht_seconds
            )));
        }
        previous_end = interval
            .start_minute
            .checked_add(interval.length_minutes)
            .ok_or_else(|| {
                Error::input(format!("queue {name}: interval at minute {at} is too long"))
            })?;
    }
    Ok(())
}

fn validate_agent(index: usize, agent: &Agent, queue_count: usize) -> Result<()> {
    let mut previous_end = f64::NEG_INFINITY;
    for span in &agent.spans {
        let (start, end) = (span.start_second, span.end_second);
        if !(start.is_finite() && end.is_finite() && 0.0 <= start && start < end) {
            return Err(Error::input(format!(
                "agent {index}: span {start}-{end} s must satisfy 0 <= start < end"
            )));
        }
        if start < previous_end {
            return Err(Error::input(format!(
                "agent {index}: span {start}-{end} s overlaps the one before or is out of order"
            )));
        }
        let queues = span.answers.queues();
        if queues.is_empty() || queues.iter().any(|&q| q >= queue_count) {
            return Err(Error::input(format!(
                "agent {index}: span {start}-{end} s answers no queue or an unknown one"
            )));
        }
        previous_end = end;
    }
    Ok(())
}
