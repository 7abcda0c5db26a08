//! `wfm plan --check`: reads and validates the config and every input it names, as
//! a run would, without forecasting or solving and without writing anything, so a
//! cron job or a planner can find a broken file before the monthly run.

use crate::error::Result;
use crate::forecast::calendar::Calendar;
use crate::roster::{read_agents, read_availability, Contracts};
use crate::schedule::ShiftConfig;

use super::config::PlanConfig;
use super::guards::{stale_history, stale_history_message};
use super::pipeline::ingest;

/// What the inputs hold, for the one-line answer.
#[derive(Debug, Clone, PartialEq)]
pub struct InputCheck {
    pub history_intervals: usize,
    pub queues: Vec<String>,
    pub templates: usize,
    pub calendar_closed_days: usize,
    /// (agents, contracts) when the plan rosters.
    pub people: Option<(usize, usize)>,
}

/// Reads every input of `config`; the first bad one is the error (exit code 2, with
/// its file, line and column as a run would report it).
pub fn check_inputs(config: &PlanConfig) -> Result<InputCheck> {
    let shifts = ShiftConfig::from_file(&config.shifts)?;
    let calendar = match &config.calendar {
        Some(path) => Calendar::read(path)?,
        None => Calendar::empty(),
    };
    let table = ingest(config)?;
    super::pipeline::check_target_queues(config, &table.queues())?;
    let stale = stale_history(&table, config);
    if !stale.is_empty() {
        tracing::warn!(
            "{} (wfm plan --strict refuses it)",
            stale_history_message(&stale, config)
        );
    }
    let people = match &config.people {
        Some(people) => {
            let contracts = Contracts::from_file(&people.contracts, &shifts)?;
            let agents = read_agents(&people.agents, &contracts)?;
            super::roster::check_skill_queues(&people.agents, &agents, &table.queues())?;
            if let Some(path) = &people.availability {
                read_availability(path, &agents)?;
            }
            Some((agents.len(), contracts.contracts.len()))
        }
        None => None,
    };
    let calendar_closed_days = calendar.closed_days(config.start, config.days).len();
    Ok(InputCheck {
        history_intervals: table.records.len(),
        queues: table.queues(),
        templates: shifts.templates.len(),
        calendar_closed_days,
        people,
    })
}

impl InputCheck {
    /// One line for stderr.
    pub fn describe(&self, config: &PlanConfig) -> String {
        let people = match self.people {
            Some((agents, contracts)) => format!("{agents} agents on {contracts} contract(s)"),
            None => "no agents (anonymous shifts)".to_string(),
        };
        format!(
            "{}: config and inputs are valid: {} history intervals of {} queue(s) ({}), {} shift template(s), {people}, {} closed day(s) in the horizon {} to {}; nothing was solved or written",
            config.path.display(),
            self.history_intervals,
            self.queues.len(),
            self.queues.join(", "),
            self.templates,
            self.calendar_closed_days,
            config.start,
            config.end()
        )
    }
}
