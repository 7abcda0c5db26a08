//! Timestamps as ACD exports write them: ISO 8601 with or without an offset, or a
//! given format, resolved in the site's zone across daylight-saving changes.

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, Offset};
use chrono_tz::Tz;

use super::options::IngestOptions;
use super::text::Field;
use crate::error::Result;
use crate::interval::{resolve_local, LocalTime};

/// Naive timestamp formats tried when no time format is given.
const NAIVE_FORMATS: [&str; 6] = [
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
];

/// A timestamp as written: either with an explicit offset or a naive local time.
enum Written {
    Instant(DateTime<Tz>),
    Local(NaiveDateTime),
}

fn parse_written_timestamp(text: &str, zone: Tz, format: Option<&str>) -> Option<Written> {
    if let Some(format) = format {
        if let Ok(instant) = DateTime::parse_from_str(text, format) {
            return Some(Written::Instant(instant.with_timezone(&zone)));
        }
        return NaiveDateTime::parse_from_str(text, format)
            .ok()
            .map(Written::Local);
    }
    if let Ok(instant) = DateTime::parse_from_rfc3339(text) {
        return Some(Written::Instant(instant.with_timezone(&zone)));
    }
    if let Ok(instant) = DateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%:z") {
        return Some(Written::Instant(instant.with_timezone(&zone)));
    }
    NAIVE_FORMATS
        .iter()
        .find_map(|format| NaiveDateTime::parse_from_str(text, format).ok())
        .map(Written::Local)
}

/// Resolves repeated local times (the fall-back hour) by order of appearance: per
/// queue and day, the first pass through the repeated hour is the earlier offset;
/// once the clock is seen to go back, later rows take the later offset.
#[derive(Default)]
pub(super) struct FoldTracker {
    latest_first_pass: HashMap<(String, NaiveDate), NaiveDateTime>,
    second_pass: BTreeSet<(String, NaiveDate)>,
}

impl FoldTracker {
    fn resolve(
        &mut self,
        queue: &str,
        local: NaiveDateTime,
        earlier: DateTime<Tz>,
        later: DateTime<Tz>,
    ) -> DateTime<Tz> {
        let key = (queue.to_string(), local.date());
        if self.second_pass.contains(&key) {
            return later;
        }
        match self.latest_first_pass.get(&key) {
            Some(&seen) if local <= seen => {
                self.second_pass.insert(key);
                later
            }
            _ => {
                self.latest_first_pass.insert(key, local);
                earlier
            }
        }
    }
}

pub(super) fn parse_timestamp(
    field: &Field,
    queue: &str,
    options: &IngestOptions,
    folds: &mut FoldTracker,
) -> Result<DateTime<Tz>> {
    let zone = options.time_zone;
    let expected = match &options.time_format {
        Some(format) => format!("a timestamp in the format {format}"),
        None => "an ISO 8601 timestamp such as 2026-03-29T00:30:00 or 2026-03-29T00:30:00+00:00"
            .to_string(),
    };
    let written = parse_written_timestamp(field.value, zone, options.time_format.as_deref());
    let date = match &written {
        Some(Written::Instant(instant)) => Some(instant.date_naive()),
        Some(Written::Local(local)) => Some(local.date()),
        None => None,
    };
    if date.is_some_and(|date| !crate::limits::date_in_range(date)) {
        return Err(field.error(&format!("a timestamp {}", crate::limits::YEARS)));
    }
    match written {
        None => Err(field.error(&expected)),
        Some(Written::Instant(instant)) => Ok(instant),
        Some(Written::Local(local)) => match resolve_local(&local, zone) {
            LocalTime::Single(instant) => Ok(instant),
            LocalTime::Repeated(earlier, later) => Ok(folds.resolve(queue, local, earlier, later)),
            LocalTime::Skipped => Err(field.error(&format!(
                "a local time that exists in {zone}: clocks spring forward over this time"
            ))),
        },
    }
}

/// An output interval next to a clock change may legitimately hold fewer source
/// intervals; it is not counted as partial.
pub(super) fn is_daylight_saving_edge(start: &DateTime<Tz>, interval_minutes: u32) -> bool {
    let end = *start + Duration::minutes(i64::from(interval_minutes));
    let offset = |instant: &DateTime<Tz>| instant.offset().fix().local_minus_utc();
    offset(start) != offset(&end)
}
