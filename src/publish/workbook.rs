//! `roster.xlsx`: the grid of `grid.csv` for team leaders, one sheet per ISO week
//! (named `2026-W49`), holding that week's dates of the roster. Each sheet: a bold
//! header row (`agent_id`, `name`, then `Tue 2026-12-01`…), one row per agent with
//! the grid's cells, `off` greyed and `leave` shaded; the header row and the two
//! agent columns stay in view when scrolling. The document's creation time is the
//! roster's first date, so a rerun writes the same bytes.

use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{Color, DocProperties, ExcelDateTime, Format, FormatBorder, Workbook};

use super::grid::{grid_cells, GRID_AGENT_COLUMNS};
use super::Published;
use crate::error::{Error, Result};

/// One sheet of the workbook: its name and its cells, header first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WeekSheet {
    pub name: String,
    pub cells: Vec<Vec<String>>,
}

/// The sheet name of the ISO week of `date`: `2026-W49`.
pub fn week_name(date: NaiveDate) -> String {
    let week = date.iso_week();
    format!("{}-W{:02}", week.year(), week.week())
}

/// The sheets of the workbook: the grid's columns split by ISO week.
pub fn week_sheets(published: &Published) -> Vec<WeekSheet> {
    let grid = grid_cells(published);
    let fixed = GRID_AGENT_COLUMNS.len();
    let mut sheets: Vec<(String, Vec<usize>)> = Vec::new();
    for (i, date) in published.dates.iter().enumerate() {
        let name = week_name(*date);
        match sheets.last_mut() {
            Some((last, columns)) if *last == name => columns.push(fixed + i),
            _ => sheets.push((name, vec![fixed + i])),
        }
    }
    sheets
        .into_iter()
        .map(|(name, columns)| {
            let cells = grid
                .iter()
                .enumerate()
                .map(|(r, row)| {
                    let mut out: Vec<String> = row[..fixed].to_vec();
                    out.extend(columns.iter().map(|&c| {
                        if r == 0 {
                            let date = published.dates[c - fixed];
                            date.format("%a %Y-%m-%d").to_string()
                        } else {
                            row[c].clone()
                        }
                    }));
                    out
                })
                .collect();
            WeekSheet { name, cells }
        })
        .collect()
}

/// The workbook's bytes.
pub fn workbook_bytes(published: &Published) -> Result<Vec<u8>> {
    let fail = |e: rust_xlsxwriter::XlsxError| Error::input(format!("roster.xlsx: {e}"));
    let mut workbook = Workbook::new();
    if let Some(first) = published.dates.first() {
        let created = ExcelDateTime::from_ymd(
            u16::try_from(first.year()).unwrap_or(1900),
            first.month() as u8,
            first.day() as u8,
        )
        .map_err(fail)?;
        workbook.set_properties(
            &DocProperties::new()
                .set_title("Roster")
                .set_creation_datetime(&created),
        );
    }
    let header = Format::new()
        .set_bold()
        .set_border_bottom(FormatBorder::Thin);
    let off = Format::new().set_font_color(Color::RGB(0x808080));
    let leave = Format::new().set_background_color(Color::RGB(0xFFF2CC));
    let plain = Format::new();
    for sheet in week_sheets(published) {
        let worksheet = workbook.add_worksheet();
        worksheet.set_name(&sheet.name).map_err(fail)?;
        for (r, row) in sheet.cells.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let format = match (r, cell.as_str()) {
                    (0, _) => &header,
                    (_, "off") => &off,
                    (_, "leave") => &leave,
                    _ => &plain,
                };
                worksheet
                    .write_string_with_format(r as u32, c as u16, cell, format)
                    .map_err(fail)?;
            }
        }
        let columns = sheet.cells.first().map_or(0, |row| row.len());
        for c in 0..columns {
            let width = match c {
                0 => 10.0,
                1 => 20.0,
                _ => 15.0,
            };
            worksheet.set_column_width(c as u16, width).map_err(fail)?;
        }
        worksheet
            .set_freeze_panes(1, GRID_AGENT_COLUMNS.len() as u16)
            .map_err(fail)?;
    }
    workbook.save_to_buffer().map_err(fail)
}

#[cfg(test)]
mod tests {
    use super::super::tests::hand_view;
    use super::*;

    #[test]
    fn sheets_split_the_grid_by_iso_week() {
        // 2027-03-26 is a Friday, 2027-03-29 the Monday of the next ISO week.
        let mut view = hand_view();
        let monday = NaiveDate::from_ymd_opt(2027, 3, 29).unwrap();
        view.dates
            .extend([NaiveDate::from_ymd_opt(2027, 3, 28).unwrap(), monday]);
        let sheets = week_sheets(&view);
        assert_eq!(
            sheets.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(),
            ["2027-W12", "2027-W13"]
        );
        assert_eq!(
            sheets[0].cells,
            [
                vec![
                    "agent_id",
                    "name",
                    "Fri 2027-03-26",
                    "Sat 2027-03-27",
                    "Sun 2027-03-28"
                ],
                vec!["A001", "Priya Khan", "09:00-17:30", "off", ""],
                vec!["A002", "Laura Quinn", "leave", "22:00-06:00", ""],
            ]
        );
        assert_eq!(
            sheets[1].cells,
            [
                vec!["agent_id", "name", "Mon 2027-03-29"],
                vec!["A001", "Priya Khan", ""],
                vec!["A002", "Laura Quinn", ""],
            ]
        );
    }

    #[test]
    fn the_workbook_is_a_zip_of_one_sheet_per_week_and_reruns_are_identical() {
        let view = hand_view();
        let first = workbook_bytes(&view).unwrap();
        // A second apart: the creation time must not come from the clock.
        std::thread::sleep(std::time::Duration::from_millis(1100));
        let second = workbook_bytes(&view).unwrap();
        assert!(first == second, "two runs differ");
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(first)).unwrap();
        let mut text = |name: &str| {
            let mut out = String::new();
            std::io::Read::read_to_string(&mut archive.by_name(name).unwrap(), &mut out).unwrap();
            out
        };
        let book = text("xl/workbook.xml");
        assert!(book.contains(r#"<sheet name="2027-W12""#), "{book}");
        assert!(text("docProps/core.xml").contains("2027-03-26T00:00:00Z"));
        let strings = text("xl/sharedStrings.xml");
        for cell in ["Priya Khan", "09:00-17:30", "22:00-06:00", "leave", "off"] {
            assert!(strings.contains(&format!(">{cell}<")), "{cell}: {strings}");
        }
        assert!(text("xl/worksheets/sheet1.xml").contains("<pane xSplit=\"2\" ySplit=\"1\""));
    }
}
