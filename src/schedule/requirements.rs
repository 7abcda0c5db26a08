//! What the schedule covers: the agents needed per queue and interval, taken from the
//! rows of `requirements.csv` (whose schema `staff::requirements` owns).

use chrono::DateTime;
use chrono_tz::Tz;

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
