//! Reads `shifts.csv` as `wfm schedule` (and `wfm plan`) writes it, for simulating an
//! anonymous schedule: `date,template,start,end,lunch_start,lunch_end,breaks,count`,
//! times `HH:MM` after the date's local midnight (past midnight `25:30`), `breaks` as
//! `HH:MM-HH:MM` pieces separated by `;`, `count` identical shifts per row.

use std::path::Path;

use crate::error::{Error, Result};
use crate::schedule::{ShiftRow, SHIFT_COLUMNS};
use crate::table::{Row, Table};
use crate::units::parse_clock_minutes;

const CLOCK: &str = "a time HH:MM";

/// Reads `shifts.csv` with the line of each row. Every problem names the file, line and
/// column (exit code 2).
pub fn read_shifts(path: &Path) -> Result<Vec<(u64, ShiftRow)>> {
    let mut table = Table::open(path)?;
    let columns = table.require(&SHIFT_COLUMNS)?;
    let mut rows = Vec::new();
    while let Some(row) = table.next_row()? {
        rows.push((row.line(), shift_row(&row, &columns)?));
    }
    if rows.is_empty() {
        return Err(Error::input(format!(
            "{}: no rows; expected one row per group of identical shifts",
            table.name()
        )));
    }
    Ok(rows)
}

fn shift_row(row: &Row, columns: &[usize]) -> Result<ShiftRow> {
    let date = row.parse(
        columns[0],
        crate::limits::EXPECTED_DATE,
        crate::limits::parse_date,
    )?;
    let clock = |column: usize| row.parse(column, CLOCK, |t| parse_clock_minutes(t).ok());
    let start = clock(columns[2])?;
    let end = row.parse(columns[3], "a time HH:MM after start", |t| {
        parse_clock_minutes(t).ok().filter(|&end| end > start)
    })?;
    let within = |from: u32, to: u32| start <= from && from < to && to <= end;
    let lunch = match (row.get(columns[4]), row.get(columns[5])) {
        ("", "") => None,
        _ => {
            let from = clock(columns[4])?;
            let to = row.parse(
                columns[5],
                "a time HH:MM after lunch_start, within the shift",
                |t| parse_clock_minutes(t).ok().filter(|&to| within(from, to)),
            )?;
            Some((from, to))
        }
    };
    let breaks = row.parse(
        columns[6],
        "breaks HH:MM-HH:MM within the shift, separated by ';' (or empty)",
        |text| parse_breaks(text, &within),
    )?;
    let count = row.parse(columns[7], "a whole number of shifts", |t| {
        t.parse::<u32>().ok()
    })?;
    Ok(ShiftRow {
        date,
        start,
        template: row.get(columns[1]).to_string(),
        end,
        lunch,
        breaks,
        count,
    })
}

fn parse_breaks(text: &str, within: &impl Fn(u32, u32) -> bool) -> Option<Vec<(u32, u32)>> {
    text.split(';')
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .map(|part| {
            let (from, to) = part.split_once('-')?;
            let (from, to) = (
                parse_clock_minutes(from).ok()?,
                parse_clock_minutes(to).ok()?,
            );
            within(from, to).then_some((from, to))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    #[test]
    fn written_rows_read_back() {
        let rows = vec![
            ShiftRow {
                date: NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
                start: 480,
                template: "FT8".into(),
                end: 990,
                lunch: Some((705, 735)),
                breaks: vec![(570, 585), (840, 855)],
                count: 5,
            },
            ShiftRow {
                date: NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
                start: 1320,
                template: "Night".into(),
                end: 1800,
                lunch: None,
                breaks: vec![],
                count: 1,
            },
        ];
        let mut text = Vec::new();
        crate::schedule::write_shifts_csv(&rows, &mut text).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("shifts.csv");
        std::fs::write(&path, &text).unwrap();
        let read = read_shifts(&path).unwrap();
        assert_eq!(
            read.iter().map(|(line, _)| *line).collect::<Vec<_>>(),
            [2, 3]
        );
        assert_eq!(
            read.into_iter().map(|(_, row)| row).collect::<Vec<_>>(),
            rows
        );
    }

    #[test]
    fn a_bad_cell_is_located() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("shifts.csv");
        let header = "date,template,start,end,lunch_start,lunch_end,breaks,count\n";
        let cases = [
            (
                "2026-12-01,FT8,08:00,16:30,11:45,12:15,09:30-09:45;17:00-17:15,5\n",
                "column \"breaks\": found \"09:30-09:45;17:00-17:15\"",
            ),
            (
                "2026-12-01,FT8,08:00,07:30,,,,5\n",
                "column \"end\": found \"07:30\"",
            ),
            (
                "2026-12-01,FT8,08:00,16:30,,,,x\n",
                "column \"count\": found \"x\"",
            ),
        ];
        for (line, message) in cases {
            std::fs::write(&path, format!("{header}{line}")).unwrap();
            let error = read_shifts(&path).unwrap_err().to_string();
            assert!(error.contains(&format!("line 2, {message}")), "{error}");
        }
    }
}
