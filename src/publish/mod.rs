//! Agent-facing exports of a roster: what agents and team leaders open, not what
//! planners check.
//!
//! - [`ics`]: `schedules/<AGENT_ID>.ics`, one iCalendar file per agent (shifts,
//!   lunches, breaks and leave in the site's time zone, with stable event UIDs);
//! - [`grid`]: `grid.csv`, agents by dates, each cell `09:00-17:30`, `off` or `leave`;
//! - [`workbook`]: `roster.xlsx`, the same grid for team leaders, one sheet per ISO
//!   week.
//!
//! All three read one typed view of the roster, [`Published`]: per agent and date the
//! working day (first to last minute at work, its lunch and breaks, the queues
//! worked), or the whole-day `off` / `leave` of `roster.csv`. So the files agree with
//! `roster.csv` and with one another by construction. Every output is a function of
//! the roster alone (no clock, no random ids): a rerun writes the same bytes.

pub mod grid;
pub mod ics;
pub mod workbook;

use std::collections::BTreeMap;
use std::path::Path;

use chrono::{Duration, NaiveDate, NaiveDateTime};
use chrono_tz::Tz;

use crate::error::{Error, Result};
use crate::output::write_atomic;
use crate::roster::{Activity, Agent, RosterRow};
use crate::units::format_clock_minutes;

/// The folder of the per-agent calendars, inside an exports directory.
pub const SCHEDULES_DIR: &str = "schedules";
/// The team grid.
pub const GRID_FILE: &str = "grid.csv";
/// The team leaders' workbook.
pub const WORKBOOK_FILE: &str = "roster.xlsx";

/// A lunch or a break.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RestKind {
    Lunch,
    Break,
}

impl RestKind {
    pub fn label(self) -> &'static str {
        match self {
            RestKind::Lunch => "Lunch",
            RestKind::Break => "Break",
        }
    }
}

/// A span of one day: minutes after the date's local midnight, the end possibly past
/// 24:00 (a night shift), as in `roster.csv`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    /// `09:00-17:30`; an end past midnight is shown on the clock (`22:00-06:00`).
    pub fn label(self) -> String {
        format!(
            "{}-{}",
            format_clock_minutes(self.start),
            format_clock_minutes(self.end % 1440)
        )
    }

    /// The local wall-clock start and end on `date`.
    pub fn local(self, date: NaiveDate) -> (NaiveDateTime, NaiveDateTime) {
        let midnight = date.and_hms_opt(0, 0, 0).expect("midnight exists");
        (
            midnight + Duration::minutes(i64::from(self.start)),
            midnight + Duration::minutes(i64::from(self.end)),
        )
    }
}

/// One agent's working day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkDay {
    /// First to last minute at work, rests included.
    pub span: Span,
    /// Lunch and breaks, in time order.
    pub rests: Vec<(RestKind, Span)>,
    /// The queues worked, in the order first worked.
    pub queues: Vec<String>,
}

/// What one agent does on one date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Day {
    Work(WorkDay),
    Off,
    Leave,
}

impl Day {
    /// The grid's cell: `09:00-17:30`, `off` or `leave`.
    pub fn cell(&self) -> String {
        match self {
            Day::Work(work) => work.span.label(),
            Day::Off => "off".to_string(),
            Day::Leave => "leave".to_string(),
        }
    }
}

/// One agent's date: the day, and leave for part of it (timed `leave` rows).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentDay {
    pub day: Day,
    pub part_leave: Vec<Span>,
}

/// One agent's roster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentSchedule {
    pub agent_id: String,
    /// From `agents.csv`; empty for an agent it does not name.
    pub name: String,
    pub days: BTreeMap<NaiveDate, AgentDay>,
}

/// A roster as the exports show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Published {
    pub time_zone: Tz,
    /// Every date of the roster, first to last.
    pub dates: Vec<NaiveDate>,
    /// Sorted by agent id.
    pub agents: Vec<AgentSchedule>,
}

impl Published {
    /// The view of `rows` (as `roster.csv` holds them), with the names of `agents`.
    /// A date with shift, lunch or break rows is a working day; otherwise the day is
    /// its whole-day `leave` row if it has one, else `off` (a date with only timed
    /// leave is `off`, as `roster.csv` writes an `off` row for it).
    pub fn from_rows(rows: &[RosterRow], agents: &[Agent], time_zone: Tz) -> Result<Published> {
        let first = rows.iter().map(|r| r.date).min();
        let last = rows.iter().map(|r| r.date).max();
        let (Some(first), Some(last)) = (first, last) else {
            return Err(Error::input("the roster has no rows to export"));
        };
        let dates: Vec<NaiveDate> = first.iter_days().take_while(|d| *d <= last).collect();
        let names: BTreeMap<&str, &str> = agents
            .iter()
            .map(|a| (a.id.as_str(), a.name.as_str()))
            .collect();
        let mut by_day: BTreeMap<&str, BTreeMap<NaiveDate, Vec<&RosterRow>>> = BTreeMap::new();
        for row in rows {
            by_day
                .entry(row.agent_id.as_str())
                .or_default()
                .entry(row.date)
                .or_default()
                .push(row);
        }
        let agents = by_day
            .into_iter()
            .map(|(id, days)| AgentSchedule {
                agent_id: id.to_string(),
                name: names.get(id).copied().unwrap_or_default().to_string(),
                days: days
                    .into_iter()
                    .map(|(date, rows)| (date, agent_day(&rows)))
                    .collect(),
            })
            .collect();
        Ok(Published {
            time_zone,
            dates,
            agents,
        })
    }
}

fn agent_day(rows: &[&RosterRow]) -> AgentDay {
    let span = |row: &RosterRow| match (row.start, row.end) {
        (Some(start), Some(end)) => Some(Span { start, end }),
        _ => None,
    };
    let mut rows: Vec<&RosterRow> = rows.to_vec();
    rows.sort_by_key(|r| (r.start, r.end, r.activity));
    let part_leave: Vec<Span> = rows
        .iter()
        .filter(|r| r.activity == Activity::Leave)
        .filter_map(|r| span(r))
        .collect();
    let working: Vec<(&RosterRow, Span)> = rows
        .iter()
        .filter(|r| r.activity.is_working())
        .filter_map(|r| span(r).map(|s| (*r, s)))
        .collect();
    let day = if let (Some(start), Some(end)) = (
        working.iter().map(|(_, s)| s.start).min(),
        working.iter().map(|(_, s)| s.end).max(),
    ) {
        let mut queues: Vec<String> = Vec::new();
        let mut rests = Vec::new();
        for (row, s) in &working {
            match row.activity {
                Activity::Lunch => rests.push((RestKind::Lunch, *s)),
                Activity::Break => rests.push((RestKind::Break, *s)),
                _ if !row.queue.is_empty() && !queues.contains(&row.queue) => {
                    queues.push(row.queue.clone())
                }
                _ => {}
            }
        }
        Day::Work(WorkDay {
            span: Span { start, end },
            rests,
            queues,
        })
    } else if rows
        .iter()
        .any(|r| r.activity == Activity::Leave && r.start.is_none())
    {
        Day::Leave
    } else {
        Day::Off
    };
    AgentDay { day, part_leave }
}

/// Writes every export into `dir` (which must exist): `schedules/<AGENT_ID>.ics`
/// (the folder created), `grid.csv` and `roster.xlsx`, each file atomically. Returns
/// the names written, relative to `dir`, in a fixed order.
pub fn write_exports(dir: &Path, published: &Published) -> Result<Vec<String>> {
    let schedules = dir.join(SCHEDULES_DIR);
    std::fs::create_dir_all(&schedules).map_err(|e| Error::write(&schedules, e))?;
    let mut names = Vec::new();
    for agent in &published.agents {
        let file = ics::file_name(&agent.agent_id)?;
        let text = ics::calendar_text(published, agent);
        write_file(&schedules.join(&file), text.as_bytes())?;
        names.push(format!("{SCHEDULES_DIR}/{file}"));
    }
    let mut grid = Vec::new();
    grid::write_grid_csv(published, &mut grid)?;
    write_file(&dir.join(GRID_FILE), &grid)?;
    names.push(GRID_FILE.to_string());
    write_file(
        &dir.join(WORKBOOK_FILE),
        &workbook::workbook_bytes(published)?,
    )?;
    names.push(WORKBOOK_FILE.to_string());
    Ok(names)
}

fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    write_atomic(path, |out| {
        out.write_all(bytes).map_err(|e| Error::write(path, e))
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A small roster by hand: A001 works 09:00-17:30 with a break and a lunch on two
    /// queues, then is off; A002 is on leave, then works a night shift with timed leave
    /// rows elsewhere; rows as `roster.csv` holds them.
    pub(crate) fn hand_rows() -> Vec<RosterRow> {
        let d = |day: u32| NaiveDate::from_ymd_opt(2027, 3, day).unwrap();
        let row = |agent: &str, date, activity, times: Option<(u32, u32)>, queue: &str| RosterRow {
            agent_id: agent.to_string(),
            date,
            start: times.map(|t| t.0),
            activity,
            end: times.map(|t| t.1),
            queue: queue.to_string(),
        };
        let h = |hours: u32, minutes: u32| hours * 60 + minutes;
        let mut rows = vec![
            row(
                "A001",
                d(26),
                Activity::Shift,
                Some((h(9, 0), h(10, 30))),
                "support",
            ),
            row(
                "A001",
                d(26),
                Activity::Break,
                Some((h(10, 30), h(10, 45))),
                "",
            ),
            row(
                "A001",
                d(26),
                Activity::Shift,
                Some((h(10, 45), h(12, 30))),
                "sales",
            ),
            row(
                "A001",
                d(26),
                Activity::Lunch,
                Some((h(12, 30), h(13, 0))),
                "",
            ),
            row(
                "A001",
                d(26),
                Activity::Shift,
                Some((h(13, 0), h(17, 30))),
                "support",
            ),
            row("A001", d(27), Activity::Off, None, ""),
            row("A002", d(26), Activity::Leave, None, ""),
            row(
                "A002",
                d(27),
                Activity::Shift,
                Some((h(22, 0), h(26, 0))),
                "support",
            ),
            row(
                "A002",
                d(27),
                Activity::Break,
                Some((h(26, 0), h(26, 30))),
                "",
            ),
            row(
                "A002",
                d(27),
                Activity::Shift,
                Some((h(26, 30), h(30, 0))),
                "support",
            ),
        ];
        rows.sort();
        rows
    }

    pub(crate) fn hand_agents() -> Vec<Agent> {
        ["A001", "A002"]
            .iter()
            .zip(["Priya Khan", "Laura Quinn"])
            .map(|(id, name)| Agent {
                id: id.to_string(),
                name: name.to_string(),
                contract: 0,
                skills: Vec::new(),
            })
            .collect()
    }

    pub(crate) fn hand_view() -> Published {
        Published::from_rows(&hand_rows(), &hand_agents(), chrono_tz::Europe::London).unwrap()
    }

    #[test]
    fn the_view_holds_each_agent_day_as_the_rows_say() {
        let view = hand_view();
        let d = |day: u32| NaiveDate::from_ymd_opt(2027, 3, day).unwrap();
        assert_eq!(view.dates, vec![d(26), d(27)]);
        assert_eq!(view.agents.len(), 2);
        let a001 = &view.agents[0];
        assert_eq!(
            (a001.agent_id.as_str(), a001.name.as_str()),
            ("A001", "Priya Khan")
        );
        assert_eq!(
            a001.days[&d(26)].day,
            Day::Work(WorkDay {
                span: Span {
                    start: 540,
                    end: 1050
                },
                rests: vec![
                    (
                        RestKind::Break,
                        Span {
                            start: 630,
                            end: 645
                        }
                    ),
                    (
                        RestKind::Lunch,
                        Span {
                            start: 750,
                            end: 780
                        }
                    ),
                ],
                queues: vec!["support".to_string(), "sales".to_string()],
            })
        );
        assert_eq!(a001.days[&d(27)].day, Day::Off);
        let a002 = &view.agents[1];
        assert_eq!(a002.days[&d(26)].day, Day::Leave);
        assert_eq!(a002.days[&d(27)].day.cell(), "22:00-06:00");
        assert_eq!(a001.days[&d(26)].day.cell(), "09:00-17:30");
    }

    #[test]
    fn timed_leave_alone_is_an_off_day_with_part_leave() {
        let date = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        let row = |activity, times: Option<(u32, u32)>| RosterRow {
            agent_id: "A009".into(),
            date,
            start: times.map(|t| t.0),
            activity,
            end: times.map(|t| t.1),
            queue: String::new(),
        };
        let rows = vec![
            row(Activity::Leave, Some((480, 720))),
            row(Activity::Off, None),
        ];
        let view = Published::from_rows(&rows, &[], chrono_tz::UTC).unwrap();
        let day = &view.agents[0].days[&date];
        assert_eq!(day.day, Day::Off);
        assert_eq!(
            day.part_leave,
            vec![Span {
                start: 480,
                end: 720
            }]
        );
        assert_eq!(view.agents[0].name, "");
    }
}
