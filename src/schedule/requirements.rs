//! What the schedule covers: the agents needed per queue and interval, taken from the
//! rows of `requirements.csv` (whose schema `staff::requirements` owns).

use chrono::DateTime;
use chrono_tz::Tz;
use std::fmt;
use std::str::FromStr;

use crate::staff::requirements::RequirementRow;

/// One queue's need in one interval.
#[derive(Debug, Clone, PartialEq)]
pub struct Requirement {
    pub queue: String,
    pub interval_start: DateTime<Tz>,
    /// Forecast calls in the interval.
    pub calls: f64,
    pub aht_seconds: f64,
    /// Agents on the phone that Erlang asks for.
    pub agents: f64,
    /// Agents to schedule: `agents / (1 - shrinkage)`, rounded up.
    pub scheduled_staff: f64,
}

/// Which requirement column the schedule covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Cover {
    /// `scheduled_staff`: the Erlang figure grossed up for shrinkage.
    ScheduledStaff,
    /// `agents`: the raw Erlang figure.
    Agents,
}

impl Requirement {
    /// The number the schedule must cover.
    pub fn required(&self, cover: Cover) -> f64 {
        match cover {
            Cover::ScheduledStaff => self.scheduled_staff,
            Cover::Agents => self.agents,
        }
    }
}

impl Requirement {
    /// The schedule's view of a row of `requirements.csv`, its instant in `zone`. A
    /// zero-call interval without a handle time gets 0 s, which the schedule reads as
    /// "no service level to compute", as it does for no calls.
    pub fn from_row(row: &RequirementRow, zone: Tz) -> Self {
        Requirement {
            queue: row.queue.clone(),
            interval_start: row.interval_start.instant().with_timezone(&zone),
            calls: row.calls,
            aht_seconds: row.aht_seconds.unwrap_or(0.0),
            agents: row.agents,
            scheduled_staff: row.scheduled_staff,
        }
    }
}

/// The schedule's view of the rows of `requirements.csv`, instants in `zone`.
pub fn requirements_in(rows: &[RequirementRow], zone: Tz) -> Vec<Requirement> {
    rows.iter()
        .map(|row| Requirement::from_row(row, zone))
        .collect()
}

/// How the phone system routes calls to the agents: what the roster hands out and
/// what the projected service level assumes (see `docs/formats.md`, "Routing").
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Default,
    serde::Serialize,
    serde::Deserialize,
    clap::ValueEnum,
)]
#[serde(rename_all = "kebab-case")]
pub enum Routing {
    /// An agent answers only the queue the roster gives them.
    #[default]
    Assigned,
    /// An agent is logged into all their skills; longest-idle agent first.
    Skills,
}

impl Routing {
    /// The name used in `plan.toml`, on the command line and in `summary.json`.
    pub fn label(self) -> &'static str {
        match self {
            Routing::Assigned => "assigned",
            Routing::Skills => "skills",
        }
    }
}

impl fmt::Display for Routing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

impl FromStr for Routing {
    type Err = String;

    fn from_str(text: &str) -> std::result::Result<Self, Self::Err> {
        match text.trim().to_ascii_lowercase().as_str() {
            "assigned" => Ok(Routing::Assigned),
            "skills" => Ok(Routing::Skills),
            _ => Err(format!("\"{text}\": expected assigned or skills")),
        }
    }
}
