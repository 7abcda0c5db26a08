//! Checks the agent-facing exports of a roster (`schedules/*.ics`, `grid.csv`,
//! `roster.xlsx`) against its `roster.csv`, recomputing what each should hold from
//! the roster's rows alone (not with wfm's code): the calendars parsed back with the
//! `icalendar` crate, the workbook unzipped and its sheets read as XML.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

use chrono::{Duration, NaiveDate, NaiveDateTime};
use icalendar::{CalendarDateTime, Component, DatePerhapsTime};

/// One agent's rows of one date: (activity, start, end) with minutes after midnight.
type DayRows = Vec<(String, Option<u32>, Option<u32>)>;

fn minutes(clock: &str) -> Option<u32> {
    let (h, m) = clock.split_once(':')?;
    Some(h.parse::<u32>().ok()? * 60 + m.parse::<u32>().ok()?)
}

fn clock(minutes: u32) -> String {
    format!("{:02}:{:02}", minutes / 60 % 24, minutes % 60)
}

/// roster.csv by agent and date.
fn roster_days(roster: &Path) -> BTreeMap<String, BTreeMap<NaiveDate, DayRows>> {
    let mut reader = csv::Reader::from_path(roster).unwrap();
    let mut days: BTreeMap<String, BTreeMap<NaiveDate, DayRows>> = BTreeMap::new();
    for record in reader.records() {
        let r = record.unwrap();
        let date = NaiveDate::parse_from_str(&r[1], "%Y-%m-%d").unwrap();
        days.entry(r[0].to_string())
            .or_default()
            .entry(date)
            .or_default()
            .push((r[2].to_string(), minutes(&r[3]), minutes(&r[4])));
    }
    days
}

/// The first and last minute at work of a day, if it is a working day.
fn work_span(rows: &DayRows) -> Option<(u32, u32)> {
    let working: Vec<&(String, Option<u32>, Option<u32>)> = rows
        .iter()
        .filter(|r| ["shift", "lunch", "break"].contains(&r.0.as_str()))
        .collect();
    let start = working.iter().filter_map(|r| r.1).min()?;
    let end = working.iter().filter_map(|r| r.2).max()?;
    Some((start, end))
}

/// The grid cell roster.csv implies.
fn expected_cell(rows: Option<&DayRows>) -> String {
    let Some(rows) = rows else {
        return String::new();
    };
    match work_span(rows) {
        Some((start, end)) => format!("{}-{}", clock(start), clock(end)),
        None if rows.iter().any(|r| r.0 == "leave" && r.1.is_none()) => "leave".into(),
        None => "off".into(),
    }
}

/// The grid roster.csv implies, header first, names from agents.csv.
pub fn expected_grid(roster: &Path, agents: &Path) -> Vec<Vec<String>> {
    let days = roster_days(roster);
    let mut reader = csv::Reader::from_path(agents).unwrap();
    let names: BTreeMap<String, String> = reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            (r[0].to_string(), r[1].to_string())
        })
        .collect();
    let first = days.values().flat_map(|d| d.keys()).min().copied().unwrap();
    let last = days.values().flat_map(|d| d.keys()).max().copied().unwrap();
    let dates: Vec<NaiveDate> = first.iter_days().take_while(|d| *d <= last).collect();
    let mut grid = vec![["agent_id", "name"]
        .iter()
        .map(|s| s.to_string())
        .chain(dates.iter().map(|d| d.to_string()))
        .collect::<Vec<_>>()];
    for (agent, agent_days) in &days {
        let mut row = vec![agent.clone(), names[agent].clone()];
        row.extend(dates.iter().map(|d| expected_cell(agent_days.get(d))));
        grid.push(row);
    }
    grid
}

fn read_csv(path: &Path) -> Vec<Vec<String>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_path(path)
        .unwrap();
    reader
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect()
}

/// The sheets of an xlsx file: (name, cells by row and column).
pub fn xlsx_sheets(path: &Path) -> Vec<(String, Vec<Vec<String>>)> {
    let mut archive = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut text = |name: &str| {
        let mut out = String::new();
        archive
            .by_name(name)
            .unwrap()
            .read_to_string(&mut out)
            .unwrap();
        out
    };
    let strings_xml = text("xl/sharedStrings.xml");
    let strings: Vec<String> = roxmltree::Document::parse(&strings_xml)
        .unwrap()
        .descendants()
        .filter(|n| n.has_tag_name("si"))
        .map(|si| {
            si.descendants()
                .filter(|n| n.has_tag_name("t"))
                .filter_map(|t| t.text())
                .collect()
        })
        .collect();
    let book_xml = text("xl/workbook.xml");
    let names: Vec<String> = roxmltree::Document::parse(&book_xml)
        .unwrap()
        .descendants()
        .filter(|n| n.has_tag_name("sheet"))
        .map(|n| n.attribute("name").unwrap().to_string())
        .collect();
    names
        .into_iter()
        .enumerate()
        .map(|(i, name)| {
            let xml = text(&format!("xl/worksheets/sheet{}.xml", i + 1));
            let document = roxmltree::Document::parse(&xml).unwrap();
            let mut cells: Vec<Vec<String>> = Vec::new();
            for cell in document.descendants().filter(|n| n.has_tag_name("c")) {
                let reference = cell.attribute("r").unwrap();
                let letters: String = reference
                    .chars()
                    .take_while(|c| c.is_ascii_alphabetic())
                    .collect();
                let row: usize = reference[letters.len()..].parse::<usize>().unwrap() - 1;
                let col = letters
                    .bytes()
                    .fold(0usize, |acc, b| acc * 26 + usize::from(b - b'A' + 1))
                    - 1;
                let value = cell
                    .children()
                    .find(|n| n.has_tag_name("v"))
                    .and_then(|v| v.text())
                    .unwrap_or_default();
                let value = if cell.attribute("t") == Some("s") {
                    strings[value.parse::<usize>().unwrap()].clone()
                } else {
                    value.to_string()
                };
                if cells.len() <= row {
                    cells.resize(row + 1, Vec::new());
                }
                if cells[row].len() <= col {
                    cells[row].resize(col + 1, String::new());
                }
                cells[row][col] = value;
            }
            (name, cells)
        })
        .collect()
}

fn zoned(date: NaiveDate, minute: u32, tz: &str) -> DatePerhapsTime {
    let at: NaiveDateTime =
        date.and_hms_opt(0, 0, 0).unwrap() + Duration::minutes(i64::from(minute));
    CalendarDateTime::WithTimezone {
        date_time: at,
        tzid: tz.to_string(),
    }
    .into()
}

/// Every export in `dir` agrees with `roster` (and `agents` for the names); `tz` is
/// the site's zone. Returns the number of calendar events checked.
pub fn check_exports(dir: &Path, roster: &Path, agents: &Path, tz: &str) -> usize {
    // grid.csv is the grid roster.csv implies.
    let grid = expected_grid(roster, agents);
    assert_eq!(read_csv(&dir.join("grid.csv")), grid, "grid.csv");

    // roster.xlsx: one sheet per ISO week; side by side, its dates are the grid's.
    let sheets = xlsx_sheets(&dir.join("roster.xlsx"));
    let mut columns = 2;
    for (name, cells) in &sheets {
        assert_eq!(cells.len(), grid.len(), "{name}: one row per agent");
        let width = cells[0].len() - 2;
        for (r, row) in cells.iter().enumerate() {
            assert_eq!(row[..2], grid[r][..2], "{name} row {r}");
            for (c, cell) in row[2..].iter().enumerate() {
                let expected = &grid[r][columns + c];
                if r == 0 {
                    assert!(cell.ends_with(expected.as_str()), "{name}: {cell}");
                    let date = NaiveDate::parse_from_str(expected, "%Y-%m-%d").unwrap();
                    let week = chrono::Datelike::iso_week(&date);
                    assert_eq!(*name, format!("{}-W{:02}", week.year(), week.week()));
                } else {
                    assert_eq!(cell, expected, "{name} row {r} column {c}");
                }
            }
        }
        columns += width;
    }
    assert_eq!(columns, grid[0].len(), "the sheets hold every date");

    // schedules/<agent>.ics: a shift event per working day, one event per lunch,
    // break and timed leave row, an all-day event per day of leave.
    let mut checked = 0;
    for (agent, days) in roster_days(roster) {
        let text = std::fs::read_to_string(dir.join(format!("schedules/{agent}.ics"))).unwrap();
        let calendar: icalendar::Calendar = text.parse().unwrap();
        let events: BTreeMap<String, (DatePerhapsTime, DatePerhapsTime)> = calendar
            .events()
            .map(|e| {
                (
                    e.get_uid().unwrap().to_string(),
                    (e.get_start().unwrap(), e.get_end().unwrap()),
                )
            })
            .collect();
        let mut expected = 0;
        for (date, rows) in &days {
            let uid = |kind: &str| format!("{agent}-{date}-{kind}@wfm");
            if let Some((start, end)) = work_span(rows) {
                expected += 1;
                assert_eq!(
                    events[&uid("shift")],
                    (zoned(*date, start, tz), zoned(*date, end, tz)),
                    "{agent} {date}"
                );
            }
            let (mut breaks, mut leaves) = (0, 0);
            for (activity, start, end) in rows {
                let kind = match (activity.as_str(), start) {
                    ("lunch", _) => "lunch".to_string(),
                    ("break", _) => {
                        breaks += 1;
                        format!("break-{breaks}")
                    }
                    ("leave", Some(_)) => {
                        leaves += 1;
                        format!("leave-{leaves}")
                    }
                    ("leave", None) => {
                        expected += 1;
                        assert_eq!(
                            events[&uid("leave")],
                            (
                                DatePerhapsTime::Date(*date),
                                DatePerhapsTime::Date(*date + Duration::days(1))
                            )
                        );
                        continue;
                    }
                    _ => continue,
                };
                expected += 1;
                assert_eq!(
                    events[&uid(&kind)],
                    (
                        zoned(*date, start.unwrap(), tz),
                        zoned(*date, end.unwrap(), tz)
                    ),
                    "{agent} {date} {kind}"
                );
            }
        }
        assert_eq!(events.len(), expected, "{agent}: events");
        assert!(text.contains(&format!("BEGIN:VTIMEZONE\r\nTZID:{tz}\r\n")));
        checked += expected;
    }
    checked
}
