//! The core of `wfm staff`: forecast rows in, requirement rows out. The output is
//! written through a temporary file and renamed into place, so a bad row anywhere
//! leaves no output file at all.

use std::path::Path;

use crate::erlang::Queue;
use crate::error::{Error, Result};
use crate::forecast::file::{read_forecast, row_error, ForecastRow};

use super::requirements::{write_requirements, RequirementRow};
use super::{required_agents, QueueTargets, Requirement};

/// How many unmet intervals are quoted in the summary.
const EXAMPLES: usize = 5;

/// What a run did, for the summary on stderr.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StaffSummary {
    pub intervals: u64,
    /// Intervals where no agent count up to the search limit meets every target.
    pub unmet_intervals: u64,
    /// The first few of those, as `queue interval_start: what fails`.
    pub unmet_examples: Vec<String>,
}

/// Reads `forecast`, staffs every row with the targets of its queue and writes the
/// requirements to `output`. `interval_seconds` is the length of every interval.
pub fn staff_forecast(
    forecast: &Path,
    output: &Path,
    targets: &QueueTargets,
    interval_seconds: f64,
) -> Result<StaffSummary> {
    let rows = read_forecast(forecast)?;
    let (requirements, summary) = staff_rows(&rows, forecast, targets, interval_seconds)?;
    write_requirements(output, &requirements)?;
    Ok(summary)
}

/// Staffs every forecast row (from `source`, named in messages) with the targets of its
/// queue, in order. This is the whole of `wfm staff` but the files, so that `wfm plan`
/// staffs its in-memory forecast exactly as the command staffs the file.
pub fn staff_rows(
    rows: &[ForecastRow],
    source: &Path,
    targets: &QueueTargets,
    interval_seconds: f64,
) -> Result<(Vec<RequirementRow>, StaffSummary)> {
    let queues: std::collections::BTreeSet<&str> = rows.iter().map(|r| r.queue.as_str()).collect();
    if let Some(unknown) = targets.queue_names().find(|name| !queues.contains(name)) {
        return Err(Error::input(format!(
            "the targets name queue \"{unknown}\", which {} does not have (its queues: {}); a typo?",
            source.display(),
            queues.iter().copied().collect::<Vec<_>>().join(", ")
        )));
    }
    let by_queue: std::collections::BTreeMap<&str, usize> = queues
        .iter()
        .map(|q| (*q, rows.iter().filter(|r| r.queue == *q).count()))
        .collect();
    if by_queue.values().any(|&n| n > 1) {
        let minutes = crate::forecast::file::grid_minutes(
            rows.iter().map(|r| (r.queue.as_str(), &r.interval_start)),
        );
        if (f64::from(minutes) * 60.0 - interval_seconds).abs() > 1e-9 {
            return Err(Error::input(format!(
                "{}: its rows are {minutes} minutes apart, but the interval length given is {} minutes; pass --interval {minutes}m",
                source.display(),
                interval_seconds / 60.0
            )));
        }
    }
    let mut summary = StaffSummary::default();
    let requirements = rows
        .iter()
        .map(|row| {
            let requirement = staff_row(row, source, targets, interval_seconds)?;
            summary.record(row, &requirement);
            Ok(RequirementRow::staffed(row, &requirement))
        })
        .collect::<Result<_>>()?;
    Ok((requirements, summary))
}

/// The agents one forecast row needs.
fn staff_row(
    row: &ForecastRow,
    source: &Path,
    targets: &QueueTargets,
    interval_seconds: f64,
) -> Result<Requirement> {
    let targets = targets.for_queue(&row.queue);
    let fail = |e: Error| row_error(source, row, &e.to_string());
    let queue = if row.calls == 0.0 {
        // No calls: the handle time is irrelevant (and may be missing).
        Queue::with_load(targets.model, 0.0, 1.0)
    } else {
        let aht = row
            .aht_seconds
            .ok_or_else(|| row_error(source, row, "calls without an average handle time"))?;
        Queue::new(targets.model, row.calls, interval_seconds, aht)
    }
    .map_err(fail)?;
    Ok(required_agents(&queue, targets))
}

impl StaffSummary {
    fn record(&mut self, row: &ForecastRow, requirement: &Requirement) {
        self.intervals += 1;
        if requirement.unmet.is_empty() {
            return;
        }
        self.unmet_intervals += 1;
        if self.unmet_examples.len() < EXAMPLES {
            let failing: Vec<String> = requirement.unmet.iter().map(|u| u.to_string()).collect();
            self.unmet_examples.push(format!(
                "{} {}: {} at {} agents",
                row.queue,
                row.interval_start,
                failing.join(", "),
                requirement.agents
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::staff::{Seconds, ServiceTargets, Share};
    use chrono::TimeZone;
    use chrono_tz::UTC;

    #[test]
    fn a_row_that_cannot_be_staffed_is_named_by_queue_and_interval() {
        let targets = QueueTargets::uniform(&ServiceTargets {
            service_level: Some(Share(0.8)),
            answer_within: Some(Seconds(20.0)),
            ..ServiceTargets::default()
        })
        .unwrap();
        let at = UTC.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap();
        let row = ForecastRow::as_written("sales", &at, 12.0, None, (10.0, 14.0));
        let error = staff_rows(&[row], Path::new("forecast.csv"), &targets, 1800.0).unwrap_err();
        assert_eq!(
            error.to_string(),
            "forecast.csv: queue \"sales\", interval_start 2026-12-01T09:00:00+00:00: \
             calls without an average handle time"
        );
    }
}
