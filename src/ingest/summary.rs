//! What an ingest run saw (rows, queues, gaps), for the summary on stderr.

use std::collections::BTreeMap;

use chrono::DateTime;
use chrono_tz::Tz;

use super::options::Fill;
use crate::interval::{format_timestamp, IntervalRecord};

/// A run of consecutive intervals of one queue with no source data.
#[derive(Debug, Clone, PartialEq)]
pub struct Gap {
    pub queue: String,
    pub first: DateTime<Tz>,
    pub last: DateTime<Tz>,
    pub intervals: usize,
}

/// The gap a walk along one queue's grid of intervals is in, if any.
#[derive(Default)]
pub(super) struct GapRun {
    open: Option<Gap>,
}

impl GapRun {
    /// An interval without data: extends the open gap, or opens one.
    pub fn extend(&mut self, queue: &str, start: DateTime<Tz>) {
        match &mut self.open {
            Some(gap) => {
                gap.last = start;
                gap.intervals += 1;
            }
            None => {
                self.open = Some(Gap {
                    queue: queue.to_string(),
                    first: start,
                    last: start,
                    intervals: 1,
                })
            }
        }
    }

    /// An interval with data, or the end of the grid: the open gap ends.
    pub fn close(&mut self, gaps: &mut Vec<Gap>) {
        if let Some(gap) = self.open.take() {
            gaps.push(gap);
        }
    }
}

/// What an ingest run saw, for the summary on stderr.
#[derive(Debug, Clone, Default)]
pub struct IngestSummary {
    pub files: usize,
    pub rows_read: u64,
    pub queues: Vec<String>,
    pub intervals_written: usize,
    pub gaps: Vec<Gap>,
    /// Call records skipped because their outcome is neither answered nor abandoned.
    pub skipped_outcomes: BTreeMap<String, u64>,
    /// Output intervals built from fewer source intervals than they span.
    pub partial_intervals: usize,
    /// Detected source interval length (minutes) per file, for interval reports.
    pub source_interval_minutes: BTreeMap<String, u32>,
}

impl IngestSummary {
    /// Total number of output intervals that are gaps.
    pub fn gap_intervals(&self) -> usize {
        self.gaps.iter().map(|gap| gap.intervals).sum()
    }

    /// A few human lines for stderr.
    pub fn render(&self, fill: Fill) -> String {
        let mut lines = vec![format!(
            "read {} rows from {} file(s); wrote {} intervals for {} queue(s): {}",
            self.rows_read,
            self.files,
            self.intervals_written,
            self.queues.len(),
            self.queues.join(", ")
        )];
        for (file, minutes) in &self.source_interval_minutes {
            lines.push(format!("{file}: {minutes}-minute intervals"));
        }
        if !self.skipped_outcomes.is_empty() {
            let skipped: Vec<String> = self
                .skipped_outcomes
                .iter()
                .map(|(outcome, count)| format!("{outcome}: {count}"))
                .collect();
            lines.push(format!(
                "skipped call records with other outcomes ({})",
                skipped.join(", ")
            ));
        }
        if self.partial_intervals > 0 {
            lines.push(format!(
                "{} intervals were built from incomplete source intervals",
                self.partial_intervals
            ));
        }
        if self.gaps.is_empty() {
            lines.push("no gaps".to_string());
        } else {
            let filled = match fill {
                Fill::Missing => "left empty (missing)",
                Fill::Zero => "filled with zero calls",
            };
            lines.push(format!(
                "{} gap intervals in {} range(s), {filled}:",
                self.gap_intervals(),
                self.gaps.len()
            ));
            const SHOWN: usize = 10;
            for gap in self.gaps.iter().take(SHOWN) {
                lines.push(format!(
                    "  {} {} .. {} ({} intervals)",
                    gap.queue,
                    format_timestamp(&gap.first),
                    format_timestamp(&gap.last),
                    gap.intervals
                ));
            }
            if self.gaps.len() > SHOWN {
                lines.push(format!("  ... and {} more ranges", self.gaps.len() - SHOWN));
            }
        }
        lines.join("\n")
    }
}

pub(super) fn gap_record(queue: &str, start: DateTime<Tz>, fill: Fill) -> IntervalRecord {
    match fill {
        Fill::Missing => IntervalRecord::missing(queue, start),
        Fill::Zero => IntervalRecord::zero(queue, start, false),
    }
}
