//! Call-by-call records: one row per call, counted into the output intervals by
//! outcome, with handle times and waits averaged over answered calls.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, NaiveDate};
use chrono_tz::Tz;

use super::options::{Fill, IngestOptions, CALL_KEYS};
use super::summary::{gap_record, GapRun, IngestSummary};
use super::text::{parse_seconds, read_rows, resolve_columns, Field, RowView, Source};
use super::timestamps::{parse_timestamp, FoldTracker};
use crate::error::{Error, Result};
use crate::interval::{interval_floor, local_day_intervals, IntervalRecord};

/// Counts and sums of the calls arriving in one output interval.
#[derive(Default, Clone)]
struct CallTally {
    answered: f64,
    abandoned: f64,
    handle_seconds: f64,
    wait_seconds: f64,
    answered_within_target: f64,
}

impl CallTally {
    fn into_record(self, queue: &str, start: DateTime<Tz>, with_waits: bool) -> IntervalRecord {
        let per_answered = |sum: f64| (self.answered > 0.0).then(|| sum / self.answered);
        IntervalRecord {
            queue: queue.to_string(),
            interval_start: start,
            offered: Some(self.answered + self.abandoned),
            handled: Some(self.answered),
            abandoned: Some(self.abandoned),
            aht_seconds: per_answered(self.handle_seconds),
            asa_seconds: if with_waits {
                per_answered(self.wait_seconds)
            } else {
                None
            },
            answered_within_target: with_waits.then_some(self.answered_within_target),
        }
    }
}

enum Outcome {
    Answered,
    Abandoned,
    Other,
}

fn classify_outcome(value: &str, options: &IngestOptions) -> Outcome {
    let matches = |codes: &[String]| codes.iter().any(|code| code.eq_ignore_ascii_case(value));
    if matches(&options.answered_outcomes) {
        Outcome::Answered
    } else if matches(&options.abandoned_outcomes) {
        Outcome::Abandoned
    } else {
        Outcome::Other
    }
}

/// Calls counted so far: per queue and output interval, and the local days that had
/// any call.
#[derive(Default)]
struct CallCounts {
    tallies: BTreeMap<(String, i64), (DateTime<Tz>, CallTally)>,
    observed_days: BTreeSet<NaiveDate>,
}

/// What the call records hold once read and checked: the calls per queue and
/// interval, to be laid on each queue's grid.
pub(super) struct CallGrid {
    counts: CallCounts,
    with_waits: bool,
    time_zone: Tz,
    interval_minutes: u32,
    fill: Fill,
}

pub(super) fn ingest_call_records(
    sources: &[Source],
    options: &IngestOptions,
    summary: &mut IngestSummary,
) -> Result<CallGrid> {
    let mut counts = CallCounts::default();
    let mut with_waits = true;
    for source in sources {
        let mut folds = FoldTracker::default();
        let read = read_rows(
            source,
            options.delimiter,
            |file, headers| {
                let columns =
                    resolve_columns(file, headers, &CALL_KEYS, &["arrival", "outcome"], options)?;
                with_waits &= columns.contains_key("wait_seconds");
                Ok((columns, ()))
            },
            |_, view| counts.add(view, options, &mut folds, summary),
        )?;
        summary.rows_read += read.rows;
    }
    if counts.tallies.is_empty() {
        return Err(Error::input(format!(
            "no answered or abandoned calls in the input; expected outcomes coded {} (answered) or {} (abandoned)",
            options.answered_outcomes.join(" or "),
            options.abandoned_outcomes.join(" or ")
        )));
    }
    Ok(CallGrid {
        counts,
        with_waits,
        time_zone: options.time_zone,
        interval_minutes: options.interval_minutes,
        fill: options.fill,
    })
}

impl CallCounts {
    /// Counts the call of one row; calls with other outcomes are only tallied in
    /// the summary.
    fn add(
        &mut self,
        view: &RowView,
        options: &IngestOptions,
        folds: &mut FoldTracker,
        summary: &mut IngestSummary,
    ) -> Result<()> {
        let Some(queue) = view.queue(options)? else {
            return Ok(());
        };
        let arrival_field = view.field("arrival").expect("required column");
        if arrival_field.value.is_empty() {
            return Err(arrival_field.error("the call's arrival timestamp"));
        }
        let outcome_value = view.field("outcome").expect("required column").value;
        let outcome = classify_outcome(outcome_value, options);
        if let Outcome::Other = outcome {
            *summary
                .skipped_outcomes
                .entry(outcome_value.to_string())
                .or_default() += 1;
            return Ok(());
        }
        let arrival = parse_timestamp(&arrival_field, queue, options, folds)?;
        let start = interval_floor(&arrival, options.interval_minutes);
        self.observed_days.insert(start.date_naive());
        let tally = &mut self
            .tallies
            .entry((queue.to_string(), start.timestamp()))
            .or_insert_with(|| (start, CallTally::default()))
            .1;
        tally.add(view, outcome, options.target_seconds)
    }
}

impl CallTally {
    /// Adds one answered or abandoned call, its handle time and wait read from `view`.
    fn add(&mut self, view: &RowView, outcome: Outcome, target_seconds: f64) -> Result<()> {
        let field = |key: &'static str| view.field(key);
        match outcome {
            Outcome::Answered => {
                let handle = required_seconds(
                    field("handle_seconds"),
                    "an answered call's handle time in seconds",
                )?;
                let wait =
                    required_seconds(field("wait_seconds"), "an answered call's wait in seconds")?;
                self.answered += 1.0;
                self.handle_seconds += handle.unwrap_or(0.0);
                if let Some(wait) = wait {
                    self.wait_seconds += wait;
                    if wait <= target_seconds {
                        self.answered_within_target += 1.0;
                    }
                }
            }
            Outcome::Abandoned => {
                if let Some(wait) = field("wait_seconds") {
                    parse_seconds(&wait)?;
                }
                self.abandoned += 1.0;
            }
            Outcome::Other => unreachable!("other outcomes are not counted"),
        }
        Ok(())
    }
}

/// A duration a call must have when its column is mapped.
fn required_seconds(field: Option<Field>, expected: &str) -> Result<Option<f64>> {
    match field {
        None => Ok(None),
        Some(field) if field.value.is_empty() => Err(field.error(expected)),
        Some(field) => parse_seconds(&field),
    }
}

impl CallGrid {
    /// Whether no call was counted (never, once read: that is an error).
    pub fn is_empty(&self) -> bool {
        self.counts.tallies.is_empty()
    }

    /// Call records show demand by their presence: an interval with no call on a day
    /// that has calls had zero calls. A whole day without any call (in any queue)
    /// between the first and last day is missing data, a gap filled as the options
    /// say. Hands each queue's records (queues by name) to `each`.
    pub fn lay_out(
        self,
        summary: &mut IngestSummary,
        each: &mut dyn FnMut(Vec<IntervalRecord>) -> Result<()>,
    ) -> Result<()> {
        let CallCounts {
            mut tallies,
            observed_days,
        } = self.counts;
        let queues: BTreeSet<String> = tallies.keys().map(|(queue, _)| queue.clone()).collect();
        let (Some(&first_day), Some(&last_day)) = (observed_days.first(), observed_days.last())
        else {
            return Ok(());
        };
        for queue in queues {
            let mut records = Vec::new();
            let mut day = first_day;
            let mut gap = GapRun::default();
            while day <= last_day {
                let observed = observed_days.contains(&day);
                for start in local_day_intervals(day, self.time_zone, self.interval_minutes) {
                    if observed {
                        gap.close(&mut summary.gaps);
                        let tally = tallies
                            .remove(&(queue.clone(), start.timestamp()))
                            .map(|(_, tally)| tally)
                            .unwrap_or_default();
                        records.push(tally.into_record(&queue, start, self.with_waits));
                    } else {
                        records.push(gap_record(&queue, start, self.fill));
                        gap.extend(&queue, start);
                    }
                }
                day = day.succ_opt().expect("dates in range");
            }
            gap.close(&mut summary.gaps);
            each(records)?;
        }
        Ok(())
    }
}
