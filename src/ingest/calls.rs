//! Call-by-call records: one row per call, counted into the output intervals by
//! outcome, with handle times and waits averaged over answered calls.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, NaiveDate};
use chrono_tz::Tz;

use super::options::{IngestOptions, CALL_KEYS};
use super::summary::{gap_record, Gap, IngestSummary};
use super::text::{parse_seconds, read_text_table, resolve_columns, Field, RowView, Source};
use super::timestamps::{parse_timestamp, FoldTracker};
use crate::error::{Error, Result};
use crate::interval::{interval_floor, local_day_intervals, IntervalRecord, IntervalTable};

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

pub(super) fn ingest_call_records(
    sources: &[Source],
    options: &IngestOptions,
    summary: &mut IngestSummary,
) -> Result<IntervalTable> {
    let mut tallies: BTreeMap<(String, i64), (DateTime<Tz>, CallTally)> = BTreeMap::new();
    let mut observed_days: BTreeSet<NaiveDate> = BTreeSet::new();
    let mut with_waits = true;
    for source in sources {
        let table = read_text_table(source, options.delimiter)?;
        summary.rows_read += table.len() as u64;
        let columns = resolve_columns(&table, &CALL_KEYS, &["arrival", "outcome"], options)?;
        with_waits &= columns.contains_key("wait_seconds");
        let mut folds = FoldTracker::default();
        for (row, &line) in table.lines.iter().enumerate() {
            let view = RowView {
                table: &table,
                columns: &columns,
                line,
                row,
            };
            let Some(queue) = view.queue(options)? else {
                continue;
            };
            let field = |key: &'static str| view.field(key);
            let arrival_field = field("arrival").expect("required column");
            if arrival_field.value.is_empty() {
                return Err(arrival_field.error("the call's arrival timestamp"));
            }
            let outcome_value = table.cell(row, columns["outcome"]);
            let outcome = classify_outcome(outcome_value, options);
            if let Outcome::Other = outcome {
                *summary
                    .skipped_outcomes
                    .entry(outcome_value.to_string())
                    .or_default() += 1;
                continue;
            }
            let arrival = parse_timestamp(&arrival_field, queue, options, &mut folds)?;
            let start = interval_floor(&arrival, options.interval_minutes);
            observed_days.insert(start.date_naive());
            let tally = &mut tallies
                .entry((queue.to_string(), start.timestamp()))
                .or_insert_with(|| (start, CallTally::default()))
                .1;
            match outcome {
                Outcome::Answered => {
                    let handle = required_seconds(
                        field("handle_seconds"),
                        "an answered call's handle time in seconds",
                    )?;
                    let wait = required_seconds(
                        field("wait_seconds"),
                        "an answered call's wait in seconds",
                    )?;
                    tally.answered += 1.0;
                    tally.handle_seconds += handle.unwrap_or(0.0);
                    if let Some(wait) = wait {
                        tally.wait_seconds += wait;
                        if wait <= options.target_seconds {
                            tally.answered_within_target += 1.0;
                        }
                    }
                }
                Outcome::Abandoned => {
                    if let Some(wait) = field("wait_seconds") {
                        parse_seconds(&wait)?;
                    }
                    tally.abandoned += 1.0;
                }
                Outcome::Other => unreachable!("skipped above"),
            }
        }
    }
    if tallies.is_empty() {
        return Err(Error::input(format!(
            "no answered or abandoned calls in the input; expected outcomes coded {} (answered) or {} (abandoned)",
            options.answered_outcomes.join(" or "),
            options.abandoned_outcomes.join(" or ")
        )));
    }
    let records = fill_call_grid(tallies, &observed_days, with_waits, options, summary);
    Ok(IntervalTable {
        time_zone: options.time_zone,
        interval_minutes: options.interval_minutes,
        records,
    })
}

/// A duration a call must have when its column is mapped.
fn required_seconds(field: Option<Field>, expected: &str) -> Result<Option<f64>> {
    match field {
        None => Ok(None),
        Some(field) if field.value.is_empty() => Err(field.error(expected)),
        Some(field) => parse_seconds(&field),
    }
}

/// Call records show demand by their presence: an interval with no call on a day
/// that has calls had zero calls. A whole day without any call (in any queue) between
/// the first and last day is missing data, a gap filled as the options say.
fn fill_call_grid(
    mut tallies: BTreeMap<(String, i64), (DateTime<Tz>, CallTally)>,
    observed_days: &BTreeSet<NaiveDate>,
    with_waits: bool,
    options: &IngestOptions,
    summary: &mut IngestSummary,
) -> Vec<IntervalRecord> {
    let queues: BTreeSet<String> = tallies.keys().map(|(queue, _)| queue.clone()).collect();
    let (Some(&first_day), Some(&last_day)) = (observed_days.first(), observed_days.last()) else {
        return Vec::new();
    };
    let mut records = Vec::new();
    for queue in queues {
        let mut day = first_day;
        let mut open_gap: Option<Gap> = None;
        while day <= last_day {
            let observed = observed_days.contains(&day);
            for start in local_day_intervals(day, options.time_zone, options.interval_minutes) {
                if observed {
                    if let Some(gap) = open_gap.take() {
                        summary.gaps.push(gap);
                    }
                    let tally = tallies
                        .remove(&(queue.clone(), start.timestamp()))
                        .map(|(_, tally)| tally)
                        .unwrap_or_default();
                    records.push(tally.into_record(&queue, start, with_waits));
                } else {
                    records.push(gap_record(&queue, start, options.fill));
                    match &mut open_gap {
                        Some(gap) => {
                            gap.last = start;
                            gap.intervals += 1;
                        }
                        None => {
                            open_gap = Some(Gap {
                                queue: queue.clone(),
                                first: start,
                                last: start,
                                intervals: 1,
                            })
                        }
                    }
                }
            }
            day = day.succ_opt().expect("dates in range");
        }
        if let Some(gap) = open_gap {
            summary.gaps.push(gap);
        }
    }
    records
}
