//! The people side of rostering: `agents.csv` (who, on which contract, with which
//! skills) and `availability.csv` (absences and wishes by date). Every problem is an
//! input error naming the file, line and column.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::NaiveDate;

use super::contracts::Contracts;
use crate::error::{Error, Result};
use crate::units::parse_clock_minutes;

/// A queue an agent can take; priority 1 is the primary skill, higher numbers are
/// taken when the primary queues need no one.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Skill {
    pub queue: String,
    pub priority: u32,
}

/// One agent of `agents.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct Agent {
    pub id: String,
    pub name: String,
    /// Index into `Contracts::contracts`.
    pub contract: usize,
    /// Sorted by queue name.
    pub skills: Vec<Skill>,
}

impl Agent {
    /// Whether the agent may take calls of `queue`.
    pub fn has_skill(&self, queue: &str) -> bool {
        self.skills.iter().any(|s| s.queue == queue)
    }
}

/// What an availability row says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum AvailabilityKind {
    /// Cannot work (hard).
    Unavailable,
    /// On leave (hard; a whole day counts `leave_day_hours` towards the week).
    Leave,
    /// Would rather not work (soft).
    PreferredOff,
    /// Would like to work (soft).
    PreferredOn,
}

impl AvailabilityKind {
    fn parse(text: &str) -> Option<Self> {
        match text.trim().to_ascii_lowercase().as_str() {
            "unavailable" => Some(Self::Unavailable),
            "leave" => Some(Self::Leave),
            "preferred_off" => Some(Self::PreferredOff),
            "preferred_on" => Some(Self::PreferredOn),
            _ => None,
        }
    }

    /// Unavailable and leave forbid work; preferences only cost.
    pub fn blocks_work(self) -> bool {
        matches!(self, Self::Unavailable | Self::Leave)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Unavailable => "unavailable",
            Self::Leave => "leave",
            Self::PreferredOff => "preferred_off",
            Self::PreferredOn => "preferred_on",
        }
    }
}

/// One availability row.
#[derive(Debug, Clone, PartialEq)]
pub struct AvailabilityRow {
    /// Index into the agents.
    pub agent: usize,
    pub date: NaiveDate,
    /// Minutes after the date's midnight, `from < to`; `None` is the whole day.
    pub window: Option<(u32, u32)>,
    pub kind: AvailabilityKind,
    /// Line in the file, for messages.
    pub line: u64,
}

impl AvailabilityRow {
    /// The row's time as [from, to) in minutes after the midnight of `day_zero`.
    pub fn span_from(&self, day_zero: NaiveDate) -> (i64, i64) {
        let midnight = (self.date - day_zero).num_days() * 1440;
        match self.window {
            Some((from, to)) => (midnight + i64::from(from), midnight + i64::from(to)),
            None => (midnight, midnight + 1440),
        }
    }
}

/// Columns of `agents.csv`.
pub const AGENT_COLUMNS: [&str; 4] = ["agent_id", "name", "contract", "skills"];
/// Columns of `availability.csv`.
pub const AVAILABILITY_COLUMNS: [&str; 5] = ["agent_id", "date", "from", "to", "kind"];

/// A CSV file with its header indexed by the wanted columns (the people files and
/// `roster.csv`).
pub(super) struct Table {
    pub name: String,
    pub records: Vec<(u64, csv::StringRecord)>,
    columns: Vec<usize>,
}

/// Reads a CSV file whose header must name every `wanted` column (any order, any case).
pub(super) fn read_table(path: &Path, wanted: &[&str]) -> Result<Table> {
    let name = path.display().to_string();
    let file = std::fs::File::open(path).map_err(|e| Error::read(path, e))?;
    let mut reader = csv::ReaderBuilder::new().from_reader(file);
    let headers = reader
        .headers()
        .map_err(|e| Error::input(format!("{name}: cannot read the header: {e}")))?
        .clone();
    let columns = wanted
        .iter()
        .map(|column| {
            headers
                .iter()
                .position(|h| h.trim().eq_ignore_ascii_case(column))
                .ok_or_else(|| {
                    Error::input(format!(
                        "{name}: no column \"{column}\"; expected the columns {}",
                        wanted.join(", ")
                    ))
                })
        })
        .collect::<Result<Vec<_>>>()?;
    let mut records = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| Error::input(format!("{name}: {e}")))?;
        let line = record.position().map_or(0, |p| p.line());
        records.push((line, record));
    }
    Ok(Table {
        name,
        records,
        columns,
    })
}

impl Table {
    /// The trimmed cell of `record` in the `column`-th wanted column.
    pub fn field<'r>(&self, record: &'r csv::StringRecord, column: usize) -> &'r str {
        record.get(self.columns[column]).unwrap_or("").trim()
    }
}

/// Reads `agents.csv`; contracts must exist in `contracts`, ids must be unique.
pub fn read_agents(path: &Path, contracts: &Contracts) -> Result<Vec<Agent>> {
    let table = read_table(path, &AGENT_COLUMNS)?;
    let name = &table.name;
    let mut agents: Vec<Agent> = Vec::new();
    let mut seen: BTreeMap<String, u64> = BTreeMap::new();
    for (line, record) in &table.records {
        let line = *line;
        let id = table.field(record, 0);
        if id.is_empty() {
            return Err(Error::at(name, line, "agent_id", id, "an agent id"));
        }
        if let Some(first) = seen.get(id) {
            return Err(Error::at(
                name,
                line,
                "agent_id",
                id,
                &format!("a unique id (already on line {first})"),
            ));
        }
        seen.insert(id.to_string(), line);
        let contract_name = table.field(record, 2);
        let contract = contracts.find(contract_name).ok_or_else(|| {
            let known: Vec<&str> = contracts
                .contracts
                .iter()
                .map(|c| c.name.as_str())
                .collect();
            Error::at(
                name,
                line,
                "contract",
                contract_name,
                &format!("a contract of the contracts file ({})", known.join(", ")),
            )
        })?;
        let skills_text = table.field(record, 3);
        let skills = parse_skills(skills_text).ok_or_else(|| {
            Error::at(
                name,
                line,
                "skills",
                skills_text,
                "queues separated by ';', each optionally queue:priority with priority 1 or more (e.g. sales;support:2)",
            )
        })?;
        agents.push(Agent {
            id: id.to_string(),
            name: table.field(record, 1).to_string(),
            contract,
            skills,
        });
    }
    if agents.is_empty() {
        return Err(Error::input(format!(
            "{name}: no agents; expected one row per agent"
        )));
    }
    Ok(agents)
}

/// `sales;support:2` -> [(sales, 1), (support, 2)]; `None` when malformed or empty.
fn parse_skills(text: &str) -> Option<Vec<Skill>> {
    let mut skills: Vec<Skill> = Vec::new();
    for part in text.split(';').map(str::trim).filter(|p| !p.is_empty()) {
        let (queue, priority) = match part.split_once(':') {
            Some((queue, priority)) => (queue.trim(), priority.trim().parse::<u32>().ok()?),
            None => (part, 1),
        };
        if queue.is_empty() || priority == 0 || skills.iter().any(|s| s.queue == queue) {
            return None;
        }
        skills.push(Skill {
            queue: queue.to_string(),
            priority,
        });
    }
    skills.sort();
    (!skills.is_empty()).then_some(skills)
}

/// Reads `availability.csv`; agents must exist, and rows of one agent and date must
/// not overlap (a whole-day row overlaps every other row of its date).
pub fn read_availability(path: &Path, agents: &[Agent]) -> Result<Vec<AvailabilityRow>> {
    let table = read_table(path, &AVAILABILITY_COLUMNS)?;
    let name = &table.name;
    let index: BTreeMap<&str, usize> = agents
        .iter()
        .enumerate()
        .map(|(i, a)| (a.id.as_str(), i))
        .collect();
    let mut rows: Vec<AvailabilityRow> = Vec::new();
    for (line, record) in &table.records {
        let line = *line;
        let id = table.field(record, 0);
        let agent = *index.get(id).ok_or_else(|| {
            Error::at(name, line, "agent_id", id, "an agent_id of the agents file")
        })?;
        let date_text = table.field(record, 1);
        let date = NaiveDate::parse_from_str(date_text, "%Y-%m-%d")
            .map_err(|_| Error::at(name, line, "date", date_text, "a date YYYY-MM-DD"))?;
        let clock = |column: usize, label: &str| -> Result<Option<u32>> {
            let text = table.field(record, column);
            if text.is_empty() {
                return Ok(None);
            }
            parse_clock_minutes(text).map(Some).map_err(|_| {
                Error::at(
                    name,
                    line,
                    label,
                    text,
                    "a time HH:MM, or empty for the whole day",
                )
            })
        };
        let window = match (clock(2, "from")?, clock(3, "to")?) {
            (None, None) => None,
            (Some(from), Some(to)) if to > from => Some((from, to)),
            (Some(_), Some(_)) => {
                return Err(Error::at(
                    name,
                    line,
                    "to",
                    table.field(record, 3),
                    "a time after `from` (use 24:00 or later for the end of the day)",
                ))
            }
            _ => {
                return Err(Error::at_line(
                    name,
                    line,
                    "give both `from` and `to`, or neither for the whole day",
                ))
            }
        };
        let kind_text = table.field(record, 4);
        let kind = AvailabilityKind::parse(kind_text).ok_or_else(|| {
            Error::at(
                name,
                line,
                "kind",
                kind_text,
                "unavailable, leave, preferred_off or preferred_on",
            )
        })?;
        let row = AvailabilityRow {
            agent,
            date,
            window,
            kind,
            line,
        };
        if let Some(other) = rows.iter().find(|other| {
            other.agent == agent && other.date == date && windows_overlap(other.window, window)
        }) {
            return Err(Error::at_line(
                name,
                line,
                &format!(
                    "agent {id} on {date} overlaps line {} ({}); expected one row per agent and time",
                    other.line,
                    other.kind.label()
                ),
            ));
        }
        rows.push(row);
    }
    Ok(rows)
}

fn windows_overlap(a: Option<(u32, u32)>, b: Option<(u32, u32)>) -> bool {
    match (a, b) {
        (Some((a_from, a_to)), Some((b_from, b_to))) => a_from < b_to && b_from < a_to,
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skills_with_priorities() {
        assert_eq!(
            parse_skills("support:2; sales").unwrap(),
            vec![
                Skill {
                    queue: "sales".into(),
                    priority: 1
                },
                Skill {
                    queue: "support".into(),
                    priority: 2
                }
            ]
        );
        assert!(parse_skills("").is_none());
        assert!(parse_skills("sales:0").is_none());
        assert!(parse_skills("sales;sales:2").is_none());
        assert!(parse_skills("sales:x").is_none());
    }

    #[test]
    fn whole_days_overlap_everything() {
        assert!(windows_overlap(None, Some((600, 660))));
        assert!(windows_overlap(Some((600, 700)), Some((660, 720))));
        assert!(!windows_overlap(Some((600, 660)), Some((660, 720))));
    }
}
