//! `wfm roster check`: reads any `roster.csv` and reports every broken rule. The
//! roster's rows are rebuilt into shifts (one run of shift, lunch and break rows per
//! agent and date), each shift is matched to a template of the agent's contract by its
//! times alone, and then the rules of [`super::rules`] are evaluated. The horizon is
//! the roster's first to last date.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::NaiveDate;

use super::inputs::{parse_skills, Agent};
use super::routing::{Routing, RoutingRules};
use super::rules::{Horizon, RuleBook, Violation, WorkedShift};
use crate::error::{Error, Result};
use crate::schedule::{ShiftConfig, ShiftTemplate};
use crate::table::{Row, Table};
use crate::units::{format_clock_minutes, parse_clock_minutes};

/// What an agent does in a row of `roster.csv`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Activity {
    Shift,
    Lunch,
    Break,
    Off,
    Leave,
}

impl Activity {
    pub fn label(self) -> &'static str {
        match self {
            Activity::Shift => "shift",
            Activity::Lunch => "lunch",
            Activity::Break => "break",
            Activity::Off => "off",
            Activity::Leave => "leave",
        }
    }

    fn parse(text: &str) -> Option<Self> {
        [
            Activity::Shift,
            Activity::Lunch,
            Activity::Break,
            Activity::Off,
            Activity::Leave,
        ]
        .into_iter()
        .find(|a| a.label().eq_ignore_ascii_case(text.trim()))
    }

    /// Shift, lunch and break rows make up a working day.
    pub fn is_working(self) -> bool {
        matches!(self, Activity::Shift | Activity::Lunch | Activity::Break)
    }
}

/// One row of `roster.csv`. Times are minutes after the date's midnight (may pass
/// 24:00); off and leave rows of a whole day have none.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct RosterRow {
    pub agent_id: String,
    pub date: NaiveDate,
    pub start: Option<u32>,
    pub activity: Activity,
    pub end: Option<u32>,
    pub queue: String,
}

/// Columns of `roster.csv`.
pub const ROSTER_COLUMNS: [&str; 6] = ["agent_id", "date", "activity", "start", "end", "queue"];

/// Reads `roster.csv` with the line of each row.
pub fn read_roster(path: &Path) -> Result<Vec<(u64, RosterRow)>> {
    let mut table = Table::open(path)?;
    let columns = table.require(&ROSTER_COLUMNS)?;
    let mut rows = Vec::new();
    while let Some(row) = table.next_row()? {
        rows.push((row.line(), roster_row(&row, &columns)?));
    }
    if rows.is_empty() {
        return Err(Error::input(format!(
            "{}: no rows; expected one row per agent activity",
            table.name()
        )));
    }
    Ok(rows)
}

/// One `roster.csv` record, its times checked against its activity.
fn roster_row(row: &Row, columns: &[usize]) -> Result<RosterRow> {
    let date = row.parse(
        columns[1],
        crate::limits::EXPECTED_DATE,
        crate::limits::parse_date,
    )?;
    let activity = row.parse(
        columns[2],
        "shift, lunch, break, off or leave",
        Activity::parse,
    )?;
    let clock = |column: usize| -> Result<Option<u32>> {
        match row.get(column) {
            "" => Ok(None),
            text => parse_clock_minutes(text)
                .map(Some)
                .map_err(|_| row.error(column, "a time HH:MM")),
        }
    };
    let (start, end) = (clock(columns[3])?, clock(columns[4])?);
    match (activity.is_working(), start, end) {
        (true, Some(s), Some(e)) if e > s => {}
        (true, _, _) => {
            return Err(row.line_error("a shift, lunch or break row needs a start and a later end"))
        }
        (false, Some(s), Some(e)) if e > s => {}
        (false, None, None) => {}
        (false, _, _) => {
            return Err(row.line_error(
                "an off or leave row has both start and end (a later end), or neither",
            ))
        }
    }
    Ok(RosterRow {
        agent_id: row.get(columns[0]).to_string(),
        date,
        start,
        activity,
        end,
        queue: row.get(columns[5]).to_string(),
    })
}

/// The horizon a roster spans: its first to its last date, at most
/// [`crate::limits::MAX_HORIZON_DAYS`] (a stray date far from the others is an error
/// naming its line in `file`).
pub fn roster_horizon(rows: &[(u64, RosterRow)], file: &str) -> Result<Horizon> {
    let (Some(first), Some(last)) = (
        rows.iter().min_by_key(|(_, r)| r.date),
        rows.iter().max_by_key(|(_, r)| r.date),
    ) else {
        return Err(Error::input(format!("{file}: no roster rows")));
    };
    let days = (last.1.date - first.1.date).num_days() + 1;
    let most = crate::limits::MAX_HORIZON_DAYS;
    if days > i64::from(most) {
        return Err(Error::at(
            file,
            last.0,
            "date",
            &last.1.date.to_string(),
            &format!(
                "dates within {most} days of the first one ({}, line {})",
                first.1.date, first.0
            ),
        ));
    }
    Ok(Horizon {
        start: first.1.date,
        days: days as u32,
    })
}

/// Rebuilds the shifts of a roster, matching each to a template. Returns the shifts
/// and the violations found on the way (templates, skills, one shift per day). Rows
/// of unknown agents are input errors naming `file` and the line.
pub fn rebuild_shifts(
    rows: &[(u64, RosterRow)],
    book: &RuleBook,
    file: &str,
    routing: Routing,
) -> Result<(Vec<WorkedShift>, Vec<Violation>)> {
    let index: BTreeMap<&str, usize> = book
        .agents
        .iter()
        .enumerate()
        .map(|(i, a)| (a.id.as_str(), i))
        .collect();
    let mut days: BTreeMap<(usize, u32), Vec<&RosterRow>> = BTreeMap::new();
    for (line, row) in rows {
        let agent = *index.get(row.agent_id.as_str()).ok_or_else(|| {
            Error::at(
                file,
                *line,
                "agent_id",
                &row.agent_id,
                "an agent_id of the agents file",
            )
        })?;
        let day = book
            .horizon
            .day_of(row.date)
            .expect("horizon spans the rows");
        if row.activity.is_working() {
            days.entry((agent, day)).or_default().push(row);
        }
    }
    let mut shifts = Vec::new();
    let mut violations = Vec::new();
    for ((agent, day), mut day_rows) in days {
        day_rows.sort();
        let mut violation = |rule: &str, detail: String| {
            violations.push(Violation {
                agent: book.agents[agent].id.clone(),
                date: book.horizon.date(day),
                rule: rule.to_string(),
                detail,
            })
        };
        for row in day_rows.iter().filter(|r| r.activity == Activity::Shift) {
            if !has_skills(&book.agents[agent], &row.queue, routing) {
                violation(
                    "skills",
                    format!(
                        "works queue \"{}\" {}-{} without the skill ({})",
                        row.queue,
                        format_clock_minutes(row.start.unwrap_or(0)),
                        format_clock_minutes(row.end.unwrap_or(0)),
                        skills_text(&book.agents[agent])
                    ),
                );
            }
        }
        let mut pieces: Vec<Vec<&RosterRow>> = vec![Vec::new()];
        for row in &day_rows {
            let last = pieces.last_mut().expect("non-empty");
            match last.last() {
                Some(previous) if previous.end != row.start => {
                    if previous.end > row.start {
                        violation(
                            "template",
                            format!(
                                "the {} at {} overlaps the {} before it",
                                row.activity.label(),
                                format_clock_minutes(row.start.unwrap_or(0)),
                                previous.activity.label()
                            ),
                        );
                    }
                    pieces.push(vec![row]);
                }
                _ => last.push(row),
            }
        }
        if pieces.len() > 1 {
            violation(
                "one_shift_per_day",
                format!("{} separate shifts start on this date", pieces.len()),
            );
        }
        for piece in pieces {
            let shape = ShiftShape::of(&piece);
            let (template, problem) = match_template(&shape, book, agent, day);
            if let Some(problem) = problem {
                violation("template", problem);
            }
            if let Some((template, rest_starts)) = template {
                shifts.push(WorkedShift {
                    agent,
                    day,
                    template,
                    start: shape.start,
                    rest_starts,
                });
            }
        }
    }
    Ok((shifts, violations))
}

/// Whether the agent has the skill a shift row names: under `assigned` one queue,
/// under `skills` the skills logged in, in `agents.csv`'s grammar.
fn has_skills(agent: &Agent, cell: &str, routing: Routing) -> bool {
    match routing {
        Routing::Assigned => agent.has_skill(cell),
        Routing::Skills => parse_skills(cell)
            .is_some_and(|skills| skills.iter().all(|s| agent.has_skill(&s.queue))),
    }
}

/// Under `assigned` routing, every change of queue that is not at a rest must come
/// after at least the minimum block on the previous queue.
fn queue_block_violations(rows: &[(u64, RosterRow)], rules: RoutingRules) -> Vec<Violation> {
    let mut runs: BTreeMap<(&str, NaiveDate), Vec<&RosterRow>> = BTreeMap::new();
    for (_, row) in rows.iter().filter(|(_, r)| r.activity == Activity::Shift) {
        runs.entry((row.agent_id.as_str(), row.date))
            .or_default()
            .push(row);
    }
    let mut violations = Vec::new();
    for ((agent, date), mut day_rows) in runs {
        day_rows.sort_by_key(|r| r.start);
        // Merge touching rows on one queue into runs: (start, end, queue).
        let mut merged: Vec<(u32, u32, &str)> = Vec::new();
        for row in day_rows {
            let (start, end) = (row.start.unwrap_or(0), row.end.unwrap_or(0));
            match merged.last_mut() {
                Some(last) if last.1 == start && last.2 == row.queue => last.1 = end,
                _ => merged.push((start, end, row.queue.as_str())),
            }
        }
        for pair in merged.windows(2) {
            let (before, after) = (pair[0], pair[1]);
            if before.1 == after.0 && before.1 - before.0 < rules.min_queue_block_minutes {
                violations.push(Violation {
                    agent: agent.to_string(),
                    date,
                    rule: "min_queue_block".to_string(),
                    detail: format!(
                        "switches from {} to {} at {} after {} min (at least {} min on a queue unless at a lunch or break)",
                        before.2,
                        after.2,
                        format_clock_minutes(after.0),
                        before.1 - before.0,
                        rules.min_queue_block_minutes
                    ),
                });
            }
        }
    }
    violations
}

fn skills_text(agent: &Agent) -> String {
    agent
        .skills
        .iter()
        .map(|s| s.queue.as_str())
        .collect::<Vec<_>>()
        .join(";")
}

/// A working day as the rows draw it.
struct ShiftShape {
    start: u32,
    end: u32,
    lunches: Vec<(u32, u32)>,
    breaks: Vec<(u32, u32)>,
}

impl ShiftShape {
    fn of(rows: &[&RosterRow]) -> Self {
        let span = |r: &&RosterRow| (r.start.unwrap_or(0), r.end.unwrap_or(0));
        let of_kind = |kind: Activity| {
            rows.iter()
                .filter(|r| r.activity == kind)
                .map(span)
                .collect()
        };
        ShiftShape {
            start: rows.iter().filter_map(|r| r.start).min().unwrap_or(0),
            end: rows.iter().filter_map(|r| r.end).max().unwrap_or(0),
            lunches: of_kind(Activity::Lunch),
            breaks: of_kind(Activity::Break),
        }
    }

    fn describe(&self) -> String {
        format!(
            "{}-{}",
            format_clock_minutes(self.start),
            format_clock_minutes(self.end)
        )
    }
}

/// Rest starts (in `ShiftTemplate::rests` order) if the shape is a shift of
/// `template`: same start grid and weekday, span, lunch and breaks in their windows.
fn fits(shape: &ShiftShape, template: &ShiftTemplate, weekday: usize) -> Option<Vec<u32>> {
    if !template.days[weekday]
        || !template.starts().contains(&shape.start)
        || shape.end - shape.start != template.span_minutes()
        || shape.lunches.len() != usize::from(template.lunch.is_some())
        || shape.breaks.len() != template.breaks.len()
    {
        return None;
    }
    let inside = |rest: &crate::schedule::templates::Rest, (from, to): (u32, u32)| {
        to - from == rest.length
            && from >= shape.start + rest.earliest_after_start
            && from <= shape.start + rest.latest_after_start
    };
    let mut rest_starts = Vec::new();
    if let Some(lunch) = &template.lunch {
        if !inside(lunch, shape.lunches[0]) {
            return None;
        }
        rest_starts.push(shape.lunches[0].0);
    }
    // Break windows follow each other, so the k-th break in time takes the k-th window.
    let mut order: Vec<usize> = (0..template.breaks.len()).collect();
    order.sort_by_key(|&k| template.breaks[k].earliest_after_start);
    let mut starts = vec![0; template.breaks.len()];
    for (position, &k) in order.iter().enumerate() {
        if !inside(&template.breaks[k], shape.breaks[position]) {
            return None;
        }
        starts[k] = shape.breaks[position].0;
    }
    rest_starts.extend(starts);
    Some(rest_starts)
}

type Matched = Option<(usize, Vec<u32>)>;

/// The template of the agent's contract that the shape fits; otherwise a violation
/// text, and the closest template so the hours still count.
fn match_template(
    shape: &ShiftShape,
    book: &RuleBook,
    agent: usize,
    day: u32,
) -> (Matched, Option<String>) {
    let weekday = book.horizon.weekday(day);
    let contract = book.contract(agent);
    for &t in &contract.templates {
        if let Some(rests) = fits(shape, &book.config.templates[t], weekday) {
            return (Some((t, rests)), None);
        }
    }
    let templates = &book.config.templates;
    if let Some(t) = (0..templates.len()).find(|&t| fits(shape, &templates[t], weekday).is_some()) {
        let rests = fits(shape, &templates[t], weekday).expect("fits");
        return (
            Some((t, rests)),
            Some(format!(
                "shift {} is a {} shift, not allowed by contract {} ({})",
                shape.describe(),
                templates[t].name,
                contract.name,
                template_names(book.config, &contract.templates)
            )),
        );
    }
    // Count the hours as the contract's template of the nearest span.
    let nearest = contract.templates.iter().copied().min_by_key(|&t| {
        (i64::from(templates[t].span_minutes()) - i64::from(shape.end - shape.start)).abs()
    });
    let fallback = nearest.map(|t| {
        let rests = templates[t].rests().len();
        (t, vec![shape.start; rests])
    });
    (
        fallback,
        Some(format!(
            "shift {} with {} lunch(es) and {} break(s) fits no template of contract {} ({}) on this weekday",
            shape.describe(),
            shape.lunches.len(),
            shape.breaks.len(),
            contract.name,
            template_names(book.config, &contract.templates)
        )),
    )
}

fn template_names(config: &ShiftConfig, templates: &[usize]) -> String {
    templates
        .iter()
        .map(|&t| config.templates[t].name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Every violation of a roster file's rows: shapes, skills, then the rules.
pub fn check_rows(
    rows: &[(u64, RosterRow)],
    book: &RuleBook,
    file: &str,
    routing: RoutingRules,
) -> Result<Vec<Violation>> {
    let (shifts, mut violations) = rebuild_shifts(rows, book, file, routing.routing)?;
    violations.extend(book.violations(&shifts));
    if routing.routing == Routing::Assigned {
        violations.extend(queue_block_violations(rows, routing));
    }
    violations.sort();
    violations.dedup();
    Ok(violations)
}

/// The agents of the agents file without a single row in the roster file `file`
/// (not even off or leave): the rules judge the agents a roster names, so a
/// forgotten one is named here (`wfm roster check`).
pub fn missing_agents(rows: &[(u64, RosterRow)], book: &RuleBook, file: &str) -> Vec<Violation> {
    let named: std::collections::BTreeSet<&str> =
        rows.iter().map(|(_, r)| r.agent_id.as_str()).collect();
    book.agents
        .iter()
        .filter(|agent| !named.contains(agent.id.as_str()))
        .map(|agent| Violation {
            agent: agent.id.clone(),
            date: book.horizon.start,
            rule: "missing".to_string(),
            detail: format!(
                "{} is in the agents file but has no row in {file} (not even off or leave)",
                agent.name
            ),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roster_rows_name_bad_cells_by_their_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("roster.csv");
        std::fs::write(
            &path,
            "agent_id,date,activity,start,end,queue\n\
             A1,2027-02-01,shift,09:00,17:00,\"sales\"\n\
             A1,2027-02-02,nap,09:00,17:00,sales\n",
        )
        .unwrap();
        assert_eq!(
            read_roster(&path).unwrap_err().to_string(),
            format!(
                "{}: line 3, column \"activity\": found \"nap\"; expected shift, lunch, break, off or leave",
                path.display()
            )
        );
    }
}
