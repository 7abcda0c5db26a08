//! Discrete-event simulation of a contact center: what a forecast's calls meet when the
//! agents log in and out as rostered. The Erlang formulas assume a steady state with a
//! fixed number of agents per interval, all of them there; a roster is not that (agents
//! change queue, take breaks, are absent, finish calls past the interval's end, queues
//! carry calls over), so every service figure a plan prints can be checked here against
//! the roster itself.
//!
//! The model (see `docs/simulation.md` for the planner's view):
//! - **Arrivals**: Poisson, piecewise constant per interval. Each interval draws
//!   exponential inter-arrival times at its own rate `calls / length` (times the day's
//!   volume factor, [`QueueSpec::daily_volume_sd`]); since the exponential is
//!   memoryless, a draw that crosses the interval's end is discarded and the next
//!   interval starts afresh at its start (no thinning needed).
//! - **Handle times**: exponential, or lognormal with a given coefficient of variation
//!   ([`HandleTime`]), with the AHT of the interval in which the call **arrived** (the
//!   call's content is fixed when it is offered, wherever it waits).
//! - **Patience** (queues with [`QueueSpec::patience_seconds`], Erlang A): exponential;
//!   a caller still waiting when it runs out abandons.
//! - **Queues**: FIFO per queue. An arriving call goes to the longest-idle eligible agent;
//!   a freed agent takes, among the queues it answers of the best [`Skill`] priority
//!   with calls waiting, the call that has waited longest.
//! - **Agents** log in for their [`Span`]s; gaps are breaks, lunches or time off. Each
//!   replication cuts absence out of them ([`Absence`], with probability
//!   [`Agent::shrinkage`]). An agent on a call when its span ends finishes the call and
//!   then leaves.
//! - **Drain**: after the last interval no calls arrive, but the simulation runs on until
//!   every call is answered or abandoned. A call still waiting when no agent will ever log
//!   in again (possible only without patience) counts as abandoned.
//! - **Replications**: replication `r` draws its calls on `ChaCha8Rng::seed_from_u64(seed)`
//!   with stream `r` (absence and volume on streams of their own), so runs are
//!   reproducible and replications independent.
//!
//! Results are tallied by the interval in which a call **arrived**; see [`report`] for
//! the measures and their confidence intervals. [`run`] is the entry point for a plan's
//! own rows (forecast, roster or shifts, targets).

mod absence;
mod engine;
pub mod inputs;
pub mod outputs;
mod report;
pub mod run;
pub mod settings;
pub mod shifts;
mod stats;
#[cfg(test)]
mod tests;
pub mod volume;

pub use absence::{Absence, ABSENCE_SLOT_SECONDS};
pub use engine::{simulate_replication, IntervalCounts, Replication};
pub use outputs::interval_header;
pub use report::{DayReport, IntervalReport, Measures, QueueReport, Report};
pub use run::{
    simulate_roster, simulate_shifts, simulate_staffing, AhtDistribution, Routing, Settings,
    Simulation, Sources, Staffing,
};
pub use stats::Estimate;
pub use volume::VolumeSource;

use crate::{Error, Result};
use rand::Rng;
use rand_distr::{Exp1, StandardNormal};

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

    /// The report day the interval starts in.
    fn day(&self) -> u32 {
        self.start_minute / MINUTES_PER_DAY
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
    /// Day-to-day volume uncertainty: entry `d` is the standard deviation of day `d`'s
    /// volume factor (mean 1; day `d` is minutes `[1440·d, 1440·(d+1))`). Each
    /// replication draws the factor `max(0, 1 + sd·Z)`, Z standard normal, and
    /// multiplies every arrival rate of that day of the queue by it. Empty (or missing
    /// days, or 0): the forecast's calls are the Poisson means as they are. See
    /// [`volume::daily_sd`] for the fit to a prediction interval.
    pub daily_volume_sd: Vec<f64>,
}

/// A queue an agent answers under routing `skills`, with its priority: 1 is preferred,
/// higher numbers are taken only when no lower-numbered queue of the agent has a call
/// waiting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Skill {
    /// An index into [`Scenario::queues`].
    pub queue: usize,
    /// 1 or more.
    pub priority: u32,
}

/// What an agent answers while logged in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answers {
    /// Routing `assigned`: only this queue (an index into [`Scenario::queues`]).
    Queue(usize),
    /// Routing `skills`: any of these queues, each once. An arriving call goes to the
    /// longest-idle agent logged in for its queue, whatever the priorities; an agent
    /// who becomes free takes the longest-waiting call among its queues of the best
    /// (lowest) priority that has calls waiting.
    Skills(Vec<Skill>),
}

impl Answers {
    /// Routing `skills` over `queues`, all at priority 1.
    pub fn skills(queues: &[usize]) -> Answers {
        Answers::Skills(
            queues
                .iter()
                .map(|&queue| Skill { queue, priority: 1 })
                .collect(),
        )
    }

    /// The eligible queues, sorted and without repeats.
    fn queues(&self) -> Vec<usize> {
        let mut queues = match self {
            Answers::Queue(queue) => vec![*queue],
            Answers::Skills(skills) => skills.iter().map(|s| s.queue).collect(),
        };
        queues.sort_unstable();
        queues.dedup();
        queues
    }

    /// The queues by priority (best first), then by index.
    fn by_priority(&self) -> Vec<Skill> {
        let mut skills = match self {
            Answers::Queue(queue) => vec![Skill {
                queue: *queue,
                priority: 1,
            }],
            Answers::Skills(skills) => skills.clone(),
        };
        skills.sort_unstable_by_key(|s| (s.priority, s.queue));
        skills
    }
}

/// A stretch of time an agent is logged in, in seconds from the horizon's start.
#[derive(Debug, Clone, PartialEq)]
pub struct Span {
    pub start_second: f64,
    pub end_second: f64,
    pub answers: Answers,
    /// The working day the span belongs to (the day its shift started, counted from the
    /// horizon's start): under [`Absence::WholeDay`] an agent's spans of one day are
    /// absent together, so a night shift cut by a lunch is one agent-day.
    pub day: u32,
}

impl Span {
    /// A span whose working day is the day it starts in.
    pub fn new(start_second: f64, end_second: f64, answers: Answers) -> Span {
        let day = (start_second.max(0.0) / (f64::from(MINUTES_PER_DAY) * 60.0)) as u32;
        Span {
            start_second,
            end_second,
            answers,
            day,
        }
    }
}

/// One agent's day(s): logged-in spans in time order, not overlapping.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Agent {
    pub spans: Vec<Span>,
    /// The probability that the agent is absent, per 15-minute slot or per working day
    /// ([`Absence`]): its queues' shrinkage. 0 (the default): always there.
    pub shrinkage: f64,
}

/// Everything one simulation needs apart from the seed.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Scenario {
    pub queues: Vec<QueueSpec>,
    pub agents: Vec<Agent>,
}

/// How handle times vary around the interval's AHT.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum HandleTime {
    /// Exponential with mean AHT (coefficient of variation 1): the Erlang models' law.
    #[default]
    Exponential,
    /// Lognormal with mean AHT and the given coefficient of variation (standard
    /// deviation / mean, > 0). Measured handle times are usually closer to this, with a
    /// CV below 1 (Brown et al. 2005, JASA 100:36).
    Lognormal { cv: f64 },
}

impl HandleTime {
    /// A sampler of handle times with mean `aht`: what the engine draws from.
    pub fn sampler(self) -> HandleSampler {
        match self {
            HandleTime::Exponential => HandleSampler::Exponential,
            HandleTime::Lognormal { cv } => {
                let sigma = (1.0 + cv * cv).ln().sqrt();
                HandleSampler::Lognormal {
                    sigma,
                    shift: -sigma * sigma / 2.0,
                }
            }
        }
    }
}

/// [`HandleTime`] with its constants worked out.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum HandleSampler {
    Exponential,
    /// `aht · exp(sigma·Z + shift)`, `shift = −sigma²/2` so that the mean is `aht`.
    Lognormal {
        sigma: f64,
        shift: f64,
    },
}

impl HandleSampler {
    /// One handle time with mean `aht`.
    pub fn sample(&self, rng: &mut impl Rng, aht: f64) -> f64 {
        match *self {
            HandleSampler::Exponential => {
                let unit: f64 = rng.sample(Exp1);
                unit * aht
            }
            HandleSampler::Lognormal { sigma, shift } => {
                let z: f64 = rng.sample(StandardNormal);
                aht * (sigma * z + shift).exp()
            }
        }
    }
}

/// How many replications, from which seed, and the random parts of the model that are
/// not in the scenario's data.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Options {
    /// At least 2, so that a confidence interval exists.
    pub replications: u32,
    pub seed: u64,
    /// How agents' shrinkage ([`Agent::shrinkage`]) turns into absence.
    pub absence: Absence,
    pub handle_time: HandleTime,
}

impl Default for Options {
    /// `wfm simulate`'s defaults: 30 replications, seed 7, whole-day absence,
    /// exponential handle times.
    fn default() -> Self {
        Options {
            replications: 30,
            seed: 7,
            absence: Absence::WholeDay,
            handle_time: HandleTime::Exponential,
        }
    }
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
    validate_options(&options)?;
    validate(scenario)?;
    let replications: Vec<Replication> = (0..options.replications)
        .map(|r| engine::run(scenario, &options, r))
        .collect();
    Ok(report::summarise(scenario, options, &replications))
}

fn validate_options(options: &Options) -> Result<()> {
    if let HandleTime::Lognormal { cv } = options.handle_time {
        if !(cv.is_finite() && cv > 0.0) {
            return Err(Error::input(format!(
                "the handle times' coefficient of variation must be above 0, found {cv}"
            )));
        }
    }
    Ok(())
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
    if let Some((day, sd)) = queue
        .daily_volume_sd
        .iter()
        .enumerate()
        .find(|(_, sd)| !(sd.is_finite() && **sd >= 0.0))
    {
        return Err(Error::input(format!(
            "queue {name}: the volume factor's standard deviation on day {day} must be >= 0, \
             found {sd}"
        )));
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
    if !(agent.shrinkage.is_finite() && (0.0..1.0).contains(&agent.shrinkage)) {
        return Err(Error::input(format!(
            "agent {index}: shrinkage must be at least 0 and below 1, found {}",
            agent.shrinkage
        )));
    }
    let mut previous_end = f64::NEG_INFINITY;
    let mut previous_day = 0;
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
        if span.day < previous_day {
            return Err(Error::input(format!(
                "agent {index}: span {start}-{end} s is on working day {} after a span of \
                 day {previous_day}",
                span.day
            )));
        }
        let queues = span.answers.queues();
        if queues.is_empty() || queues.iter().any(|&q| q >= queue_count) {
            return Err(Error::input(format!(
                "agent {index}: span {start}-{end} s answers no queue or an unknown one"
            )));
        }
        if let Answers::Skills(skills) = &span.answers {
            if skills.len() != queues.len() || skills.iter().any(|s| s.priority == 0) {
                return Err(Error::input(format!(
                    "agent {index}: span {start}-{end} s names a queue twice or a priority 0"
                )));
            }
        }
        previous_end = end;
        previous_day = span.day;
    }
    Ok(())
}
