//! The roster step's place in the plan: the one function `wfm plan` calls to turn the
//! schedule's inputs into named agents' shifts.
//!
//! Rostering (`src/roster/`, `wfm roster`) is developed on its own branch and is not
//! part of this build yet. Until it is, [`roster_step`] answers `None` (the people
//! files named in `plan.toml` are still checked up front, by [`check_people`]); the
//! plan then runs without a roster,
//! says so on stderr and in `summary.json`, and the report's Gantt chart shows the
//! shifts by template and start. Nothing is made up in the meantime.
//!
//! Wiring it once `src/roster/` is merged (checked against its API at 841d42b on main):
//! replace the body of [`roster_step`] with
//!
//! ```text
//! use crate::roster::{build_roster, read_agents, read_availability, write_roster_csv,
//!                     Activity, Contracts, RosterInputs, RosterOptions};
//! let people = inputs.people;
//! let contracts = Contracts::from_file(&people.contracts, inputs.shifts)?;
//! let agents = read_agents(&people.agents, &contracts)?;
//! let availability = match &people.availability {
//!     Some(path) => read_availability(path, &agents)?,
//!     None => Vec::new(),
//! };
//! let o = inputs.options;
//! let roster = build_roster(
//!     &RosterInputs { config: inputs.shifts, contracts: &contracts, agents: &agents,
//!                     availability: &availability, requirements: inputs.requirements },
//!     &RosterOptions { start: o.start, days: o.days, time_zone: o.time_zone, cover: o.cover,
//!                      limits: o.limits, start_band_minutes: None,
//!                      answer_within_seconds: o.answer_within_seconds, shrinkage: o.shrinkage },
//!     inputs.progress,
//! )?;
//! let mut csv = Vec::new();
//! write_roster_csv(&roster.rows, &mut csv)?;
//! let shifts = roster.rows.iter()
//!     .filter(|row| row.activity == Activity::Shift)
//!     .filter_map(|row| Some(AgentShift { agent_id: row.agent_id.clone(), date: row.date,
//!                                         start: row.start?, end: row.end? }))
//!     .collect();
//! Ok(Some(RosterPlan { csv, shifts, cost: roster.cost.paid, gap: roster.gap,
//!                      shortfall: roster.total_shortfall() }))
//! ```
//!
//! and drop [`NOT_AVAILABLE`]. The rest of the plan (writing `roster.csv`, its totals
//! in `summary.json`, the roster Gantt chart) is already in place.

use chrono::NaiveDate;

use crate::error::{Error, Result};
use crate::schedule::progress::ProgressFn;
use crate::schedule::{Requirement, ScheduleOptions, ShiftConfig};

use super::config::PeopleInputs;

/// What the schedule step hands to the roster step: the same requirements, templates
/// and options, plus the people.
pub struct RosterStepInputs<'a> {
    pub people: &'a PeopleInputs,
    pub shifts: &'a ShiftConfig,
    /// Per queue and interval, as the schedule got them.
    pub requirements: &'a [Requirement],
    pub options: &'a ScheduleOptions,
    pub progress: Option<ProgressFn<'a>>,
}

/// One agent's working time on one day, for the report's Gantt chart. Times are
/// minutes after the day's local midnight (past 24:00 for a night shift).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct AgentShift {
    pub agent_id: String,
    pub date: NaiveDate,
    pub start: u32,
    pub end: u32,
}

/// A built roster, as the rest of the plan uses it.
#[derive(Debug, Clone, PartialEq)]
pub struct RosterPlan {
    /// The whole `roster.csv`, as the roster module writes it.
    pub csv: Vec<u8>,
    pub shifts: Vec<AgentShift>,
    /// Paid cost of the roster.
    pub cost: f64,
    /// Relative gap of that cost to the solver's proven bound.
    pub gap: f64,
    /// Agent-intervals left short, summed over queues.
    pub shortfall: f64,
}

/// Why a plan that names people has no roster, for stderr and `summary.json`.
pub const NOT_AVAILABLE: &str = "plan.toml names agents and contracts, but this build of wfm \
has no rostering yet: roster.csv is not written and the Gantt chart shows the shifts by \
template and start";

/// Checks, before any work, that the people files exist (exit code 2 if not), so a
/// typo is not found only after the schedule has been solved.
pub fn check_people(people: &PeopleInputs) -> Result<()> {
    for path in [
        Some(&people.agents),
        Some(&people.contracts),
        people.availability.as_ref(),
    ]
    .into_iter()
    .flatten()
    {
        std::fs::metadata(path).map_err(|e| Error::read(path, e))?;
    }
    Ok(())
}

/// Rosters named agents onto the schedule's requirements. `Ok(None)`: this build
/// cannot roster (see the module documentation for the wiring).
pub fn roster_step(_inputs: &RosterStepInputs) -> Result<Option<RosterPlan>> {
    Ok(None)
}
