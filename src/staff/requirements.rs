//! `requirements.csv`: its row, its one writer (`wfm staff`, `wfm plan`) and its one
//! reader (`wfm schedule`, `wfm roster`).

use std::path::Path;

use crate::csv_rows::{Cells, Table};
use crate::error::{Error, Result};
use crate::forecast::file::{queue_and_start, ForecastRow, IntervalStart};
use crate::output::write_csv_atomic;
use crate::units::{as_printed, format_number};

use super::Requirement;

/// Columns of the requirements file, in order.
pub const REQUIREMENT_COLUMNS: [&str; 10] = [
    "queue",
    "interval_start",
    "calls",
    "aht_seconds",
    "agents",
    "scheduled_staff",
    "service_level",
    "asa_seconds",
    "occupancy",
    "abandon_rate",
];

/// The columns a schedule needs; requirements from other tools may lack the metrics.
const REQUIRED_COLUMNS: usize = 6;

/// Decimals of the shares (service level, occupancy, abandon rate) and of the ASA.
const SHARE_DECIMALS: usize = 4;
const ASA_DECIMALS: usize = 2;

/// One row of `requirements.csv`: a forecast interval and the agents it needs.
#[derive(Debug, Clone, PartialEq)]
pub struct RequirementRow {
    pub queue: String,
    pub interval_start: IntervalStart,
    /// The forecast's calls.
    pub calls: f64,
    /// The forecast's handle time; `None` in a zero-call interval without one.
    pub aht_seconds: Option<f64>,
    /// Agents on the phones (whole numbers from `wfm staff`; a schedule also takes
    /// fractional needs from other tools).
    pub agents: f64,
    /// Agents to schedule: `agents / (1 - shrinkage)`, rounded up.
    pub scheduled_staff: f64,
    /// The metrics at `agents`, each `None` where it does not apply (or is not given).
    pub service_level: Option<f64>,
    pub asa_seconds: Option<f64>,
    pub occupancy: Option<f64>,
    pub abandon_rate: Option<f64>,
}

impl RequirementRow {
    /// The row for a staffed forecast row. The metrics are rounded as the file prints
    /// them ([`as_printed`]), so that the rows `wfm plan` hands to the schedule equal
    /// those `wfm schedule` reads back from the file.
    pub fn staffed(row: &ForecastRow, requirement: &Requirement) -> Self {
        let metrics = &requirement.metrics;
        let share = |value: Option<f64>| value.map(|v| as_printed(v, SHARE_DECIMALS));
        RequirementRow {
            queue: row.queue.clone(),
            interval_start: row.interval_start.clone(),
            calls: row.calls,
            aht_seconds: row.aht_seconds,
            agents: f64::from(requirement.agents),
            scheduled_staff: f64::from(requirement.scheduled_staff),
            service_level: share(metrics.service_level),
            asa_seconds: metrics.asa_seconds.map(|v| as_printed(v, ASA_DECIMALS)),
            occupancy: share(Some(metrics.occupancy)),
            abandon_rate: share(metrics.abandon_rate),
        }
    }

    /// The cells of the row ([`REQUIREMENT_COLUMNS`]). Calls and handle times are
    /// written as the shortest text that reads back as the same number, which is the
    /// forecast's own text when `wfm forecast` wrote it.
    pub fn record(&self) -> [String; 10] {
        let optional = |value: Option<f64>, decimals: usize| {
            value.map_or(String::new(), |v| format_number(v, decimals))
        };
        [
            self.queue.clone(),
            self.interval_start.to_string(),
            self.calls.to_string(),
            self.aht_seconds.map_or(String::new(), |v| v.to_string()),
            self.agents.to_string(),
            self.scheduled_staff.to_string(),
            optional(self.service_level, SHARE_DECIMALS),
            optional(self.asa_seconds, ASA_DECIMALS),
            optional(self.occupancy, SHARE_DECIMALS),
            optional(self.abandon_rate, SHARE_DECIMALS),
        ]
    }

    /// Reads and checks one record.
    fn parse(cells: &Cells) -> Result<Self> {
        let (queue, interval_start) = queue_and_start(cells)?;
        let count = |column| cells.number(column, "a number >= 0", |v| v >= 0.0);
        let agents = |column| {
            cells.number(column, crate::limits::EXPECTED_AGENTS, |v| {
                (0.0..=crate::limits::MAX_AGENTS).contains(&v)
            })
        };
        let optional =
            |column| cells.optional_number(column, "a number >= 0 or nothing", |v| v >= 0.0);
        Ok(RequirementRow {
            queue,
            interval_start,
            calls: count("calls")?,
            aht_seconds: optional("aht_seconds")?,
            agents: agents("agents")?,
            scheduled_staff: agents("scheduled_staff")?,
            service_level: optional("service_level")?,
            asa_seconds: optional("asa_seconds")?,
            occupancy: optional("occupancy")?,
            abandon_rate: optional("abandon_rate")?,
        })
    }
}

/// Writes `rows` to `path` (atomically) as `requirements.csv`.
pub fn write_requirements(path: &Path, rows: &[RequirementRow]) -> Result<()> {
    write_csv_atomic(
        path,
        &REQUIREMENT_COLUMNS,
        rows.iter().map(RequirementRow::record),
    )
}

/// Reads a requirements file: the columns queue to scheduled_staff, and the metrics
/// when present (other columns are ignored). A bad cell is an error naming its file,
/// line and column; a file without rows is an error too, as nothing can be covered.
pub fn read_requirements(path: &Path) -> Result<Vec<RequirementRow>> {
    let mut lines = Vec::new();
    let rows = Table::open(
        path,
        &REQUIREMENT_COLUMNS[..REQUIRED_COLUMNS],
        &REQUIREMENT_COLUMNS[REQUIRED_COLUMNS..],
        " as written by wfm staff",
    )?
    .rows(|cells| {
        lines.push(cells.line());
        RequirementRow::parse(cells)
    })?;
    crate::forecast::file::check_grid(
        path,
        rows.iter()
            .zip(&lines)
            .map(|(row, &line)| (row.queue.as_str(), &row.interval_start, line)),
    )?;
    if rows.is_empty() {
        return Err(Error::input(format!(
            "{}: no requirement rows; expected one row per queue and interval",
            path.display()
        )));
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::staff::forecast::staff_rows;
    use crate::staff::{ModelName, QueueTargets, Seconds, ServiceTargets, Share};

    fn forecast(path: &Path) -> Vec<ForecastRow> {
        std::fs::write(
            path,
            "queue,interval_start,calls,aht_seconds,channel\n\
             Billing,2024-03-04T08:00:00Z,100,180,voice\n\
             Billing,2024-03-04T08:30:00Z,0,,voice\n\
             Billing,2024-03-04T10:00:00+01:00,12.345,241.5,voice\n",
        )
        .unwrap();
        crate::forecast::read_forecast(path).unwrap()
    }

    /// Staffed at 80/20 with 30% shrinkage, Erlang C or Erlang A (patience 2 minutes).
    fn staffed(dir: &Path, model: ModelName) -> Vec<RequirementRow> {
        let targets = QueueTargets::uniform(&ServiceTargets {
            service_level: Some(Share(0.8)),
            answer_within: Some(Seconds(20.0)),
            shrinkage: Some(Share(0.3)),
            patience: (model == ModelName::ErlangA).then_some(Seconds(120.0)),
            model: Some(model),
            ..ServiceTargets::default()
        })
        .unwrap();
        let rows = forecast(&dir.join("forecast.csv"));
        staff_rows(&rows, Path::new("forecast.csv"), &targets, 1800.0)
            .unwrap()
            .0
    }

    #[test]
    fn staffed_rows_are_written_and_read_back_equal() {
        let dir = tempfile::tempdir().unwrap();
        for model in [ModelName::ErlangC, ModelName::ErlangA] {
            let rows = staffed(dir.path(), model);
            let path = dir.path().join("requirements.csv");
            write_requirements(&path, &rows).unwrap();
            assert_eq!(read_requirements(&path).unwrap(), rows);
        }
        let text = std::fs::read_to_string(dir.path().join("requirements.csv")).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], REQUIREMENT_COLUMNS.join(","));
        assert!(lines[1].starts_with("Billing,2024-03-04T08:00:00Z,100,180,"));
        assert!(lines[2].starts_with("Billing,2024-03-04T08:30:00Z,0,,0,0,"));
        assert!(lines[3].starts_with("Billing,2024-03-04T10:00:00+01:00,12.345,241.5,"));
    }

    #[test]
    fn the_erlang_c_file_matches_wfm_staff() {
        let dir = tempfile::tempdir().unwrap();
        let rows = staffed(dir.path(), ModelName::ErlangC);
        let path = dir.path().join("requirements.csv");
        write_requirements(&path, &rows).unwrap();
        // As tests/cli_staff.rs expects of `wfm staff --sl 80/20 --shrinkage 30%`.
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(
            text.lines().nth(1).unwrap(),
            "Billing,2024-03-04T08:00:00Z,100,180,14,20,0.8884,7.84,0.7143,"
        );
    }

    #[test]
    fn requirements_from_other_tools_need_only_six_columns() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("requirements.csv");
        std::fs::write(
            &path,
            "queue,interval_start,calls,aht_seconds,agents,scheduled_staff\n\
             q,2026-12-01T09:00:00+00:00,10,180,1.5,2\n",
        )
        .unwrap();
        let rows = read_requirements(&path).unwrap();
        assert_eq!(rows[0].agents, 1.5);
        assert_eq!(rows[0].occupancy, None);
        assert_eq!(
            rows[0].record().join(","),
            "q,2026-12-01T09:00:00+00:00,10,180,1.5,2,,,,"
        );
    }

    #[test]
    fn a_bad_or_empty_cell_is_located() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("requirements.csv");
        let header = "queue,interval_start,calls,aht_seconds,agents,scheduled_staff\n";
        let fails = |body: &str, expected: &str| {
            std::fs::write(&path, format!("{header}{body}")).unwrap();
            let message = read_requirements(&path).unwrap_err().to_string();
            assert_eq!(message, format!("{}: {expected}", path.display()));
        };
        fails(
            "q,2026-12-01T09:00:00Z,10,180,2,3\nq,2026-12-01T09:30:00Z,10,180,,3\n",
            "line 3, column \"agents\": found \"\"; expected a number of agents from 0 to 100000",
        );
        fails(
            "q,2026-12-01T09:00:00Z,10,-1,2,3\n",
            "line 2, column \"aht_seconds\": found \"-1\"; expected a number >= 0 or nothing",
        );
        fails(
            "q,01/12/2026 09:00,10,180,2,3\n",
            "line 2, column \"interval_start\": found \"01/12/2026 09:00\"; expected an RFC 3339 timestamp such as 2024-03-04T08:30:00Z, in the years 1900 to 2199",
        );
        fails(
            "",
            "no requirement rows; expected one row per queue and interval",
        );
    }
}
