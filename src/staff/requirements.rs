//! `requirements.csv`: its row, its one writer (`wfm staff`, `wfm plan`) and its one
//! reader (`wfm schedule`, `wfm roster`).

use std::path::Path;

use crate::csv_rows::{Cells, Table};
use crate::error::{Error, Result};
use crate::forecast::file::{ForecastRow, IntervalStart, EXPECTED_TIMESTAMP};
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
        let queue = cells.text("queue");
        if queue.is_empty() {
            return Err(cells.error("queue", "a queue name"));
        }
        let interval_start = IntervalStart::parse(cells.text("interval_start"))
            .ok_or_else(|| cells.error("interval_start", EXPECTED_TIMESTAMP))?;
        let count = |column| cells.number(column, "a number >= 0", |v| v >= 0.0);
        let optional =
            |column| cells.optional_number(column, "a number >= 0 or nothing", |v| v >= 0.0);
        Ok(RequirementRow {
            queue: queue.to_string(),
            interval_start,
            calls: count("calls")?,
            aht_seconds: optional("aht_seconds")?,
            agents: count("agents")?,
            scheduled_staff: count("scheduled_staff")?,
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
    let rows = Table::open(
        path,
        &REQUIREMENT_COLUMNS[..REQUIRED_COLUMNS],
        &REQUIREMENT_COLUMNS[REQUIRED_COLUMNS..],
        "requirements as written by wfm staff need",
    )?
    .rows(RequirementRow::parse)?;
    if rows.is_empty() {
        return Err(Error::input(format!(
            "{}: no requirement rows; expected one row per queue and interval",
            path.display()
        )));
    }
    Ok(rows)
}
