//! How fresh the history is (`[inputs] max_history_age`), one of the checks that make
//! `wfm plan` safe to run from cron (the other, what `--strict` fails on, is
//! [`super::strict`]).
//!
//! - **History age**: a queue whose history ends more than `max_history_age` (default
//!   14 days) before the horizon starts is forecast from stale data. Under `--strict`
//!   that is an error (exit code 2) before anything is solved; otherwise a warning, kept
//!   among the notes of `summary.json`.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::interval::IntervalTable;

use super::config::PlanConfig;

/// One queue whose history ends too long before the horizon.
#[derive(Debug, Clone, PartialEq)]
pub struct StaleHistory {
    pub queue: String,
    /// The last local day with a count of offered calls.
    pub last_day: NaiveDate,
    /// Whole days between that day and the horizon's first.
    pub days_missing: i64,
}

/// The planned queues whose history (the last local day with a count of offered
/// calls) ends more than `config.max_history_age_seconds` before the horizon starts.
pub fn stale_history(table: &IntervalTable, config: &PlanConfig) -> Vec<StaleHistory> {
    let mut last: BTreeMap<&str, NaiveDate> = BTreeMap::new();
    for record in &table.records {
        if record.offered.is_none()
            || !(config.queues.is_empty() || config.queues.contains(&record.queue))
        {
            continue;
        }
        let date = record
            .interval_start
            .with_timezone(&config.time_zone)
            .date_naive();
        let latest = last.entry(&record.queue).or_insert(date);
        *latest = (*latest).max(date);
    }
    last.into_iter()
        .map(|(queue, last_day)| StaleHistory {
            queue: queue.to_string(),
            last_day,
            days_missing: (config.start - last_day).num_days() - 1,
        })
        .filter(|s| s.days_missing as f64 * 86400.0 > config.max_history_age_seconds)
        .collect()
}

/// The warning (or, under `--strict`, the error) for stale histories.
pub fn stale_history_message(stale: &[StaleHistory], config: &PlanConfig) -> String {
    // Queues that end on the same day are named together.
    let mut by_day: BTreeMap<(NaiveDate, i64), Vec<&str>> = BTreeMap::new();
    for s in stale {
        by_day
            .entry((s.last_day, s.days_missing))
            .or_default()
            .push(&s.queue);
    }
    let queues: Vec<String> = by_day
        .into_iter()
        .map(|((last_day, days), queues)| {
            let (names, verb) = match queues.as_slice() {
                [one] => (one.to_string(), "ends"),
                [first @ .., last] => (format!("{} and {last}", first.join(", ")), "end"),
                [] => unreachable!("grouped from at least one queue"),
            };
            format!(
                "{names} {verb} on {last_day}, {days} days before the horizon starts on {}",
                config.start
            )
        })
        .collect();
    format!(
        "stale history: {} (more than [inputs] max_history_age = \"{}\"); the forecast cannot know what happened since",
        queues.join("; "),
        config.max_history_age
    )
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::plan::config::{ShortfallLimit, StrictConfig};

    use chrono::TimeZone;

    use super::*;
    use crate::interval::IntervalRecord;

    fn config(extra_inputs: &str) -> PlanConfig {
        let text = format!(
            r#"
[site]
time_zone = "Europe/London"
[inputs]
history = "history.csv"
shifts = "shifts.toml"
{extra_inputs}
[horizon]
month = "2027-06"
[targets.default]
service_level = "80%"
answer_within = "20s"
"#
        );
        PlanConfig::from_toml(&text, Path::new("plan.toml")).unwrap()
    }

    /// Half-hours of `queue` up to `last` (local date), the last ones without counts.
    fn table(rows: &[(&str, NaiveDate, bool)]) -> IntervalTable {
        let zone = chrono_tz::Europe::London;
        let records = rows
            .iter()
            .map(|&(queue, date, counted)| {
                // 23:30 local: the last half-hour of the day.
                let start = zone
                    .from_local_datetime(&date.and_hms_opt(23, 30, 0).unwrap())
                    .unwrap();
                if counted {
                    IntervalRecord::zero(queue, start, false)
                } else {
                    IntervalRecord::missing(queue, start)
                }
            })
            .collect();
        IntervalTable {
            time_zone: zone,
            interval_minutes: 30,
            records,
        }
    }

    fn date(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn a_history_is_stale_when_it_ends_more_than_max_history_age_before_the_horizon() {
        // The horizon starts 2027-06-01: a history to 2027-05-17 misses 14 days, the
        // default limit; to 2027-05-16, 15 days.
        let history = table(&[
            ("sales", date("2027-05-16"), true),
            ("support", date("2027-05-17"), true),
            // A trailing interval without a count does not make a history fresh.
            ("support", date("2027-05-31"), false),
        ]);
        let stale = stale_history(&history, &config(""));
        assert_eq!(
            stale,
            vec![StaleHistory {
                queue: "sales".into(),
                last_day: date("2027-05-16"),
                days_missing: 15,
            }]
        );
        assert_eq!(
            stale_history_message(&stale, &config("")),
            "stale history: sales ends on 2027-05-16, 15 days before the horizon starts on 2027-06-01 (more than [inputs] max_history_age = \"14d\"); the forecast cannot know what happened since"
        );
        assert!(stale_history(&history, &config("max_history_age = \"15 days\"")).is_empty());
        let strictest = config("max_history_age = \"0d\"");
        let stale = stale_history(&history, &strictest);
        assert_eq!(stale.len(), 2);
        assert!(stale_history_message(&stale, &strictest).starts_with(
            "stale history: sales ends on 2027-05-16, 15 days before the horizon starts on 2027-06-01; support ends on 2027-05-17, 14 days"
        ));
        // A history right up to the horizon (or into it) is fresh at any limit.
        let fresh = table(&[
            ("sales", date("2027-05-31"), true),
            ("support", date("2027-06-03"), true),
        ]);
        assert!(stale_history(&fresh, &strictest).is_empty());
        // Only the planned queues count.
        let mut support_only = config("");
        support_only.queues = vec!["support".into()];
        assert!(stale_history(&history, &support_only).is_empty());
    }

    #[test]
    fn the_shortfall_limit_is_hours_or_a_share_of_the_required() {
        assert_eq!(ShortfallLimit::Hours(80.0).hours(11106.0), 80.0);
        let default = StrictConfig::default().max_shortfall;
        // The sample month: 61.25 agent-hours short of 11,106 required passes.
        assert!((default.hours(11106.0) - 111.06).abs() < 1e-9);
        assert!(61.25 < default.hours(11106.0));
        assert_eq!(
            default.describe(11106.0),
            "\"1%\" (111.06 agent-hours of 11106 required)"
        );
    }
}
