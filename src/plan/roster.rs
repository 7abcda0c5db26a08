//! The roster step of the plan: named agents on the shifts, with the same
//! requirements, templates and options as the schedule step.
//!
//! When `plan.toml` names agents and contracts, the roster *is* the plan: its shifts
//! are what `shifts.csv` lists (counted as `wfm schedule` counts them), its queue
//! hand-out is what `coverage.csv` and the projected service levels are computed
//! from, and its cost and gap are the solver figures of `summary.json`. So every file
//! of the plan describes the same people at work.

use chrono::NaiveDate;

use crate::error::{Error, Result};
use crate::mip::ProgressFn;
use crate::mip::SolveReport;
use crate::roster::{
    build_roster, read_agents, read_availability, read_roster, write_roster_csv, Activity, Agent,
    AvailabilityRow, Contracts, DayChange, Previous, Replan, RosterInputs, RosterOptions,
    RosterRow, RoutingRules,
};
use crate::schedule::{CoverageRow, Requirement, ScheduleOptions, ShiftConfig, ShiftRow};

use super::config::PeopleInputs;

/// What the roster step needs: the requirements, templates and options the schedule
/// would get, plus the people.
pub struct RosterStepInputs<'a> {
    pub people: &'a PeopleInputs,
    pub shifts: &'a ShiftConfig,
    /// Per queue and interval.
    pub requirements: &'a [Requirement],
    pub options: &'a ScheduleOptions,
    pub routing: RoutingRules,
    /// Days the calendar closes the site.
    pub closed_days: &'a [NaiveDate],
    /// A published roster to re-plan with minimal change.
    pub replan: Option<&'a Replan>,
    /// Every queue of the history: an agent's skill must name one of them.
    pub history_queues: &'a [String],
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
    /// The same rows, for the plan's simulation.
    pub rows: Vec<RosterRow>,
    /// Each agent's shift per day (first activity to last), for the Gantt chart.
    pub shifts: Vec<AgentShift>,
    /// The roster's shifts counted by date, template, start and rests (`shifts.csv`).
    pub shift_rows: Vec<ShiftRow>,
    /// Per queue and interval: the agents the roster hands to each queue.
    pub coverage: Vec<CoverageRow>,
    /// Shrinkage used for the projected service level.
    pub shrinkage: f64,
    /// The roster's solve: its objective is the roster's full cost (paid hours,
    /// shortfall penalties, soft goals), its bound the proven lower bound.
    pub report: SolveReport,
    /// Paid cost of the roster.
    pub cost: f64,
    /// Relative gap of the roster's full cost to the proven bound.
    pub gap: f64,
    /// Agent-intervals left short, summed over queues.
    pub shortfall: f64,
    /// One line per run of short intervals, naming what binds.
    pub shortfalls: Vec<String>,
    /// The same runs as data (the notes of `summary.json`).
    pub short_runs: Vec<crate::roster::ShortRun>,
    /// Agents whose weekly minimum was waived after a look-back.
    pub waivers: Vec<String>,
    /// A re-plan's changed agent-days against the published roster.
    pub changes: Vec<DayChange>,
    /// The agents rostered, as `agents.csv` names them (for the exports).
    pub agents: Vec<Agent>,
    /// The contracts' names, by the agents' `contract` index (the report groups
    /// agents by contract: agents.csv has no team).
    pub contract_names: Vec<String>,
}

/// Checks, before any work, that the people files exist (exit code 2 if not), so a
/// typo is not found only after the forecast has run.
pub fn check_people(people: &PeopleInputs) -> Result<()> {
    for path in [
        Some(&people.agents),
        Some(&people.contracts),
        people.availability.as_ref(),
        people.previous_roster.as_ref(),
    ]
    .into_iter()
    .flatten()
    {
        std::fs::metadata(path).map_err(|e| Error::read(path, e))?;
    }
    Ok(())
}

/// The agents with their skills on the planned queues only (`[forecast] queues` may
/// plan some of the history's queues): a skill on a queue the history does not have
/// is an error (a typo), one on a queue the plan leaves out is dropped, and an agent
/// left without skills is not rostered (a warning names them).
fn planned_agents(
    inputs: &RosterStepInputs,
    agents: Vec<Agent>,
    availability: Vec<AvailabilityRow>,
) -> Result<(Vec<Agent>, Vec<AvailabilityRow>)> {
    let planned: std::collections::BTreeSet<&str> = inputs
        .requirements
        .iter()
        .map(|r| r.queue.as_str())
        .collect();
    let mut index = Vec::with_capacity(agents.len());
    let mut kept = Vec::with_capacity(agents.len());
    let mut idle = Vec::new();
    check_skill_queues(&inputs.people.agents, &agents, inputs.history_queues)?;
    for mut agent in agents {
        agent.skills.retain(|s| planned.contains(s.queue.as_str()));
        if agent.skills.is_empty() {
            index.push(None);
            idle.push(agent.id);
        } else {
            index.push(Some(kept.len()));
            kept.push(agent);
        }
    }
    if !idle.is_empty() {
        tracing::warn!(
            "{} agent(s) have no skill on the planned queues and are not rostered: {}",
            idle.len(),
            idle.join(", ")
        );
    }
    let availability = availability
        .into_iter()
        .filter_map(|row| {
            let agent = index[row.agent]?;
            Some(AvailabilityRow { agent, ..row })
        })
        .collect();
    Ok((kept, availability))
}

/// Refuses an agent skill on a queue the history does not have (a typo).
pub fn check_skill_queues(
    file: &std::path::Path,
    agents: &[Agent],
    history_queues: &[String],
) -> Result<()> {
    for agent in agents {
        if let Some(skill) = agent
            .skills
            .iter()
            .find(|s| !history_queues.contains(&s.queue))
        {
            return Err(Error::input(format!(
                "{}: agent {} has skill \"{}\", a queue the history does not have (its queues: {}); a typo?",
                file.display(),
                agent.id,
                skill.queue,
                history_queues.join(", ")
            )));
        }
    }
    Ok(())
}

/// Reads the people files and rosters them onto the requirements.
pub fn roster_step(inputs: &RosterStepInputs, time_limit_seconds: f64) -> Result<RosterPlan> {
    let people = inputs.people;
    let contracts = Contracts::from_file(&people.contracts, inputs.shifts)?;
    let agents = read_agents(&people.agents, &contracts)?;
    let availability = match &people.availability {
        Some(path) => read_availability(path, &agents)?,
        None => Vec::new(),
    };
    let (agents, availability) = planned_agents(inputs, agents, availability)?;
    let previous = match &people.previous_roster {
        Some(path) => Some(Previous {
            rows: read_roster(path)?,
            file: path.display().to_string(),
        }),
        None => None,
    };
    let options = inputs.options;
    let mut limits = options.limits;
    limits.time_limit_seconds = time_limit_seconds;
    let roster = build_roster(
        &RosterInputs {
            config: inputs.shifts,
            contracts: &contracts,
            agents: &agents,
            availability: &availability,
            requirements: inputs.requirements,
            closed_days: inputs.closed_days,
            replan: inputs.replan,
            previous: previous.as_ref(),
        },
        &RosterOptions {
            start: options.start,
            days: options.days,
            time_zone: options.time_zone,
            cover: options.cover,
            limits,
            start_band_minutes: None,
            answer_within_seconds: options.answer_within_seconds,
            shrinkage: options.shrinkage,
            routing: inputs.routing,
            targets: options.targets.clone(),
        },
        inputs.progress,
    )?;
    let mut csv = Vec::new();
    write_roster_csv(&roster.rows, &mut csv)?;
    let mut report = roster.report.clone();
    report.objective = roster.cost.total();
    report.gap = roster.gap;
    let shortfall = roster.total_shortfall();
    Ok(RosterPlan {
        csv,
        shifts: agent_shifts(&roster.rows),
        rows: roster.rows.clone(),
        shift_rows: roster.shifts,
        coverage: roster.coverage,
        shrinkage: roster.shrinkage,
        report,
        cost: roster.cost.paid,
        gap: roster.gap,
        shortfall,
        shortfalls: roster.shortfalls,
        contract_names: contracts.contracts.iter().map(|c| c.name.clone()).collect(),
        short_runs: roster.short_runs,
        waivers: roster.waivers,
        changes: roster.changes,
        agents,
    })
}

/// Each agent's day from the first to the last minute at work (lunch included).
fn agent_shifts(rows: &[crate::roster::RosterRow]) -> Vec<AgentShift> {
    let mut days: std::collections::BTreeMap<(&str, NaiveDate), (u32, u32)> = Default::default();
    for row in rows {
        let working = matches!(
            row.activity,
            Activity::Shift | Activity::Lunch | Activity::Break
        );
        if let (true, Some(start), Some(end)) = (working, row.start, row.end) {
            let span = days
                .entry((row.agent_id.as_str(), row.date))
                .or_insert((start, end));
            span.0 = span.0.min(start);
            span.1 = span.1.max(end);
        }
    }
    days.into_iter()
        .map(|((agent_id, date), (start, end))| AgentShift {
            agent_id: agent_id.to_string(),
            date,
            start,
            end,
        })
        .collect()
}
