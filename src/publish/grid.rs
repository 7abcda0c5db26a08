//! `grid.csv`: the team's roster at a glance, one row per agent and one column per
//! date. Columns `agent_id`, `name`, then each date of the roster (`YYYY-MM-DD`);
//! each cell is the working day's first to last minute (`09:00-17:30`, rests
//! included; a night shift's end on the clock, `22:00-06:00`), `off` or `leave`
//! (a whole day of leave). A date without a row for that agent is left empty.

use std::io::Write;

use super::Published;
use crate::error::{Error, Result};

/// Columns before the dates.
pub const GRID_AGENT_COLUMNS: [&str; 2] = ["agent_id", "name"];

/// The grid as rows of cells, header first: what `grid.csv` and each sheet of the
/// workbook hold.
pub fn grid_cells(published: &Published) -> Vec<Vec<String>> {
    let mut header: Vec<String> = GRID_AGENT_COLUMNS.iter().map(|c| c.to_string()).collect();
    header.extend(
        published
            .dates
            .iter()
            .map(|d| d.format("%Y-%m-%d").to_string()),
    );
    let mut rows = vec![header];
    for agent in &published.agents {
        let mut row = vec![agent.agent_id.clone(), agent.name.clone()];
        row.extend(published.dates.iter().map(|date| {
            agent
                .days
                .get(date)
                .map(|d| d.day.cell())
                .unwrap_or_default()
        }));
        rows.push(row);
    }
    rows
}

/// Writes `grid.csv`.
pub fn write_grid_csv(published: &Published, out: &mut dyn Write) -> Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    let io = |e: csv::Error| Error::write("grid.csv", e.into());
    for row in grid_cells(published) {
        writer.write_record(&row).map_err(io)?;
    }
    writer.flush().map_err(|e| Error::write("grid.csv", e))
}

#[cfg(test)]
mod tests {
    use super::super::tests::hand_view;
    use super::*;

    #[test]
    fn the_grid_shows_each_agent_day_by_hand() {
        let mut bytes = Vec::new();
        write_grid_csv(&hand_view(), &mut bytes).unwrap();
        assert_eq!(
            String::from_utf8(bytes).unwrap(),
            "agent_id,name,2027-03-26,2027-03-27\n\
             A001,Priya Khan,09:00-17:30,off\n\
             A002,Laura Quinn,leave,22:00-06:00\n"
        );
    }
}
