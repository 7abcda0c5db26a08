//! The people side of rostering: `agents.csv` (who, on which contract, with which
//! skills) and `availability.csv` (absences and wishes by date). Every problem is an
//! input error naming the file, line and column.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::NaiveDate;

use super::contracts::Contracts;
use crate::error::{Error, Result};
use crate::table::{Row, Table};
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

/// Reads `agents.csv`; contracts must exist in `contracts`, ids must be unique.
pub fn read_agents(path: &Path, contracts: &Contracts) -> Result<Vec<Agent>> {
    let mut table = Table::open(path)?;
    let columns = table.require(&AGENT_COLUMNS)?;
    let name = table.name().to_string();
    let mut agents: Vec<Agent> = Vec::new();
    let mut seen: BTreeMap<String, u64> = BTreeMap::new();
    while let Some(row) = table.next_row()? {
        let id = row.get(columns[0]);
        if id.is_empty() {
            return Err(row.error(columns[0], "an agent id"));
        }
        if let Some(first) = seen.get(id) {
            return Err(row.error(
                columns[0],
                &format!("a unique id (already on line {first})"),
            ));
        }
        seen.insert(id.to_string(), row.line());
        agents.push(Agent {
            id: id.to_string(),
            name: row.get(columns[1]).to_string(),
            contract: agent_contract(&row, columns[2], contracts)?,
            skills: row.parse(
                columns[3],
                "queues separated by ';', each optionally queue:priority with priority 1 or more (e.g. sales;support:2)",
                parse_skills,
            )?,
        });
    }
    if agents.is_empty() {
        return Err(Error::input(format!(
            "{name}: no agents; expected one row per agent"
        )));
    }
    Ok(agents)
}

/// The contract an agent row names, as an index into `contracts`.
fn agent_contract(row: &Row, column: usize, contracts: &Contracts) -> Result<usize> {
    contracts.find(row.get(column)).ok_or_else(|| {
        let known: Vec<&str> = contracts
            .contracts
            .iter()
            .map(|c| c.name.as_str())
            .collect();
        row.error(
            column,
            &format!("a contract of the contracts file ({})", known.join(", ")),
        )
    })
}

/// `sales;support:2` -> [(sales, 1), (support, 2)]; `None` when malformed or empty.
pub fn parse_skills(text: &str) -> Option<Vec<Skill>> {
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

/// Skills in `agents.csv`'s grammar, primary first: `support;sales:2`.
pub fn skills_cell(skills: &[Skill]) -> String {
    let mut ordered: Vec<&Skill> = skills.iter().collect();
    ordered.sort_by(|a, b| (a.priority, &a.queue).cmp(&(b.priority, &b.queue)));
    ordered
        .iter()
        .map(|s| match s.priority {
            1 => s.queue.clone(),
            p => format!("{}:{p}", s.queue),
        })
        .collect::<Vec<_>>()
        .join(";")
}

/// Reads `availability.csv`; agents must exist, and rows of one agent and date must
/// not overlap (a whole-day row overlaps every other row of its date).
pub fn read_availability(path: &Path, agents: &[Agent]) -> Result<Vec<AvailabilityRow>> {
    let mut table = Table::open(path)?;
    let columns = table.require(&AVAILABILITY_COLUMNS)?;
    let index: BTreeMap<&str, usize> = agents
        .iter()
        .enumerate()
        .map(|(i, a)| (a.id.as_str(), i))
        .collect();
    let mut rows: Vec<AvailabilityRow> = Vec::new();
    while let Some(record) = table.next_row()? {
        let row = availability_row(&record, &columns, &index)?;
        if let Some(other) = rows.iter().find(|other| {
            other.agent == row.agent
                && other.date == row.date
                && windows_overlap(other.window, row.window)
        }) {
            return Err(record.line_error(&format!(
                "agent {} on {} overlaps line {} ({}); expected one row per agent and time",
                record.get(columns[0]),
                row.date,
                other.line,
                other.kind.label()
            )));
        }
        rows.push(row);
    }
    Ok(rows)
}

/// One availability record, read with the agents' positions `index`.
fn availability_row(
    row: &Row,
    columns: &[usize],
    index: &BTreeMap<&str, usize>,
) -> Result<AvailabilityRow> {
    let agent = row.parse(columns[0], "an agent_id of the agents file", |id| {
        index.get(id).copied()
    })?;
    let date = row.parse(
        columns[1],
        crate::limits::EXPECTED_DATE,
        crate::limits::parse_date,
    )?;
    let clock = |column: usize| -> Result<Option<u32>> {
        match row.get(column) {
            "" => Ok(None),
            text => parse_clock_minutes(text)
                .map(Some)
                .map_err(|_| row.error(column, "a time HH:MM, or empty for the whole day")),
        }
    };
    let window = match (clock(columns[2])?, clock(columns[3])?) {
        (None, None) => None,
        (Some(from), Some(to)) if to > from => Some((from, to)),
        (Some(_), Some(_)) => {
            return Err(row.error(
                columns[3],
                "a time after `from` (use 24:00 or later for the end of the day)",
            ))
        }
        _ => return Err(row.line_error("give both `from` and `to`, or neither for the whole day")),
    };
    let kind = row.parse(
        columns[4],
        "unavailable, leave, preferred_off or preferred_on",
        AvailabilityKind::parse,
    )?;
    Ok(AvailabilityRow {
        agent,
        date,
        window,
        kind,
        line: row.line(),
    })
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

    fn sample_contracts() -> Contracts {
        let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/sample");
        let shifts = crate::schedule::ShiftConfig::from_file(&sample.join("shifts.toml")).unwrap();
        Contracts::from_file(&sample.join("contracts.toml"), &shifts).unwrap()
    }

    /// Writes `text` to `name` in a fresh directory and returns both.
    fn file(name: &str, text: &str) -> (tempfile::TempDir, std::path::PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        (dir, path)
    }

    #[test]
    fn agents_read_any_header_case_a_bom_and_name_bad_cells_by_line() {
        let text = "\u{feff}Agent_ID, Name ,CONTRACT,skills\n\
                    A1,\"Ann\nLee\",FT,sales\n\
                    \n\
                    A2,Bo,XX,sales\n";
        let (_dir, path) = file("agents.csv", text);
        let error = read_agents(&path, &sample_contracts()).unwrap_err();
        assert_eq!(
            error.to_string(),
            format!(
                "{}: line 5, column \"CONTRACT\": found \"XX\"; expected a contract of the contracts file (FT, PT)",
                path.display()
            )
        );
        let location = error.location().unwrap();
        assert_eq!((location.line, location.found.as_str()), (5, "XX"));
        let (_dir, path) = file("agents.csv", &text.replace("XX", "PT"));
        let agents = read_agents(&path, &sample_contracts()).unwrap();
        assert_eq!(agents[0].name, "Ann\nLee");
        assert_eq!(agents[1].contract, 1);
    }

    #[test]
    fn availability_names_bad_cells_and_missing_columns() {
        let agents = vec![Agent {
            id: "A1".into(),
            name: "Ann".into(),
            contract: 0,
            skills: parse_skills("sales").unwrap(),
        }];
        let (_dir, path) = file(
            "availability.csv",
            "agent_id,date,from,to,kind\nA1,2027-02-01,09:00,9h,unavailable\n",
        );
        assert_eq!(
            read_availability(&path, &agents).unwrap_err().to_string(),
            format!(
                "{}: line 2, column \"to\": found \"9h\"; expected a time HH:MM, or empty for the whole day",
                path.display()
            )
        );
        let (_dir, path) = file("availability.csv", "agent_id,date,kind\n");
        assert_eq!(
            read_availability(&path, &agents).unwrap_err().to_string(),
            format!(
                "{}: no column \"from\"; expected the columns agent_id, date, from, to, kind",
                path.display()
            )
        );
    }

    #[test]
    fn whole_days_overlap_everything() {
        assert!(windows_overlap(None, Some((600, 660))));
        assert!(windows_overlap(Some((600, 700)), Some((660, 720))));
        assert!(!windows_overlap(Some((600, 660)), Some((660, 720))));
    }
}
