//! From the planner's files (`forecast.csv`, `roster.csv`, `targets.toml`) to a
//! [`Scenario`]: what `wfm simulate` runs.
//!
//! - The horizon's origin is the local midnight (in the site's zone) of the day of the
//!   earliest forecast interval, so that the report's 1440-minute days are local days
//!   (a DST change shifts the boundary by an hour, at night).
//! - The interval length is the smallest spacing between the forecast's interval
//!   starts (30 minutes with a single start); every interval has that length.
//! - Each `shift` row with a queue is a span answering that queue (routing
//!   `assigned`); `lunch` and `break` rows are gaps, cut out of any shift row that
//!   covers them. A shift row without a queue is skipped. Local times become instants
//!   with the zone's offset at that local time (the earlier one when a time repeats, the
//!   offset before the change when it falls in a gap). Consecutive spans of an agent on
//!   the same queue are merged.
//! - A queue's answer-within (20 s when its targets have none) and patience (Erlang A)
//!   come from its targets.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, NaiveDateTime, TimeZone};
use chrono_tz::Tz;

use super::{Agent, Answers, LoadInterval, QueueSpec, Scenario, Span, MINUTES_PER_DAY};
use crate::erlang::Model;
use crate::error::{Error, Result};
use crate::forecast::ForecastRow;
use crate::roster::{Activity, RosterRow};
use crate::staff::QueueTargets;

/// Answer-within used when a queue's targets give none, in seconds.
pub const DEFAULT_ANSWER_WITHIN_SECONDS: f64 = 20.0;

/// A scenario and what is needed to write its report in the planner's terms.
#[derive(Debug, Clone)]
pub struct SimulationInputs {
    pub scenario: Scenario,
    /// Minute 0 of the scenario: local midnight of the first forecast day.
    pub origin: DateTime<Tz>,
    pub interval_minutes: u32,
    /// Per queue (the scenario's order) and interval: the forecast's `interval_start`.
    pub interval_starts: Vec<Vec<String>>,
    /// Per queue: the service-level target (share), if any.
    pub service_level_targets: Vec<Option<f64>>,
}

impl SimulationInputs {
    /// The local date of scenario day `day` (1440-minute blocks from the origin).
    pub fn day_date(&self, day: u32) -> NaiveDate {
        let at = self.origin + Duration::minutes(i64::from(day * MINUTES_PER_DAY) + 720);
        at.date_naive()
    }
}

/// Builds the scenario. `forecast_name` and `roster_name` name the files in messages;
/// roster rows carry their line numbers. Errors (exit code 2) on a roster queue that
/// the forecast does not have, overlapping spans, duplicate forecast rows or a forecast
/// start that is not a whole minute from the others.
pub fn build_inputs(
    forecast: &[ForecastRow],
    roster: &[(u64, RosterRow)],
    targets: &QueueTargets,
    zone: Tz,
    forecast_name: &Path,
    roster_name: &Path,
) -> Result<SimulationInputs> {
    let Some(first) = forecast.iter().map(|r| r.interval_start.instant()).min() else {
        return Err(Error::input(format!(
            "{}: no rows; expected one row per queue and interval",
            forecast_name.display()
        )));
    };
    let first_date = first.with_timezone(&zone).date_naive();
    let origin = crate::interval::local_day_start(first_date, zone);
    let interval_minutes = interval_minutes(forecast, forecast_name)?;

    // Queues in name order; intervals sorted by start.
    let mut by_queue: BTreeMap<&str, Vec<(u32, &ForecastRow)>> = BTreeMap::new();
    for row in forecast {
        let minute = minutes_between(&origin, &row.interval_start.instant()).ok_or_else(|| {
            crate::forecast::file::row_error(
                forecast_name,
                row,
                "interval_start is not a whole minute from the other intervals",
            )
        })?;
        by_queue.entry(&row.queue).or_default().push((minute, row));
    }
    let mut queues = Vec::new();
    let mut interval_starts = Vec::new();
    let mut service_level_targets = Vec::new();
    for (name, mut rows) in by_queue {
        rows.sort_by_key(|(minute, _)| *minute);
        if let Some(pair) = rows.windows(2).find(|w| w[0].0 == w[1].0) {
            return Err(crate::forecast::file::row_error(
                forecast_name,
                pair[1].1,
                "the queue has two rows for this interval",
            ));
        }
        let target = targets.for_queue(name);
        let patience_seconds = match target.model {
            Model::ErlangA { patience_seconds } => Some(patience_seconds),
            Model::ErlangC => None,
        };
        let mut intervals = Vec::with_capacity(rows.len());
        for &(minute, row) in &rows {
            let aht = match row.aht_seconds {
                Some(aht) if aht > 0.0 => aht,
                // No calls, no handle time: any positive value will do.
                _ if row.calls == 0.0 => 1.0,
                _ => {
                    return Err(crate::forecast::file::row_error(
                        forecast_name,
                        row,
                        "calls above 0 need a positive aht_seconds",
                    ))
                }
            };
            intervals.push(LoadInterval {
                start_minute: minute,
                length_minutes: interval_minutes,
                calls: row.calls,
                aht_seconds: aht,
            });
        }
        queues.push(QueueSpec {
            name: name.to_string(),
            intervals,
            answer_within_seconds: target
                .answer_within
                .unwrap_or(DEFAULT_ANSWER_WITHIN_SECONDS),
            patience_seconds,
        });
        interval_starts.push(
            rows.iter()
                .map(|(_, r)| r.interval_start.as_str().to_string())
                .collect(),
        );
        service_level_targets.push(target.service_level);
    }
    let agents = agents(roster, &queues, zone, &origin, roster_name)?;
    let scenario = Scenario { queues, agents };
    super::validate(&scenario)?;
    Ok(SimulationInputs {
        scenario,
        origin,
        interval_minutes,
        interval_starts,
        service_level_targets,
    })
}

/// The smallest positive spacing between distinct interval starts, in whole minutes.
fn interval_minutes(forecast: &[ForecastRow], name: &Path) -> Result<u32> {
    let mut starts: Vec<i64> = forecast
        .iter()
        .map(|r| r.interval_start.instant().timestamp())
        .collect();
    starts.sort_unstable();
    starts.dedup();
    let Some(step) = starts.windows(2).map(|w| w[1] - w[0]).min() else {
        return Ok(30);
    };
    if step % 60 != 0 || step > i64::from(MINUTES_PER_DAY) * 60 {
        return Err(Error::input(format!(
            "{}: interval starts {} s apart; expected whole minutes up to a day",
            name.display(),
            step
        )));
    }
    Ok((step / 60) as u32)
}

/// Whole minutes from `origin` to `at`, if `at` is not before it and on a minute.
fn minutes_between(origin: &DateTime<Tz>, at: &DateTime<FixedOffset>) -> Option<u32> {
    let seconds = (at.timestamp() - origin.timestamp()) as f64;
    if seconds < 0.0 || seconds % 60.0 != 0.0 {
        return None;
    }
    u32::try_from((seconds / 60.0) as u64).ok()
}

/// The instant of a local time: the zone's offset at that time (the earlier instant
/// when the time repeats; the offset before the change when it falls in a gap).
pub fn local_instant(zone: Tz, local: NaiveDateTime) -> DateTime<Tz> {
    match zone.from_local_datetime(&local).earliest() {
        Some(at) => at,
        None => {
            let after = zone
                .from_local_datetime(&(local + Duration::hours(3)))
                .earliest()
                .expect("a DST gap is shorter than 3 hours");
            // The offset in force just before the gap.
            let before = after - Duration::hours(6);
            let offset = chrono::Offset::fix(before.offset());
            zone.from_utc_datetime(
                &(local - Duration::seconds(i64::from(offset.local_minus_utc()))),
            )
        }
    }
}

/// One agent's roster rows, in seconds from the origin.
#[derive(Default)]
struct AgentRows {
    /// (start, end, queue, line) of shift rows.
    shifts: Vec<(f64, f64, usize, u64)>,
    /// (start, end) of lunch, break, off and leave rows.
    rests: Vec<(f64, f64)>,
}

/// The agents' spans from the roster rows.
fn agents(
    roster: &[(u64, RosterRow)],
    queues: &[QueueSpec],
    zone: Tz,
    origin: &DateTime<Tz>,
    roster_name: &Path,
) -> Result<Vec<Agent>> {
    let queue_index: BTreeMap<&str, usize> = queues
        .iter()
        .enumerate()
        .map(|(i, q)| (q.name.as_str(), i))
        .collect();
    let seconds = |row: &RosterRow, minute: u32| -> f64 {
        let local =
            row.date.and_hms_opt(0, 0, 0).expect("midnight") + Duration::minutes(i64::from(minute));
        (local_instant(zone, local).timestamp() - origin.timestamp()) as f64
    };
    let mut per_agent: BTreeMap<&str, AgentRows> = BTreeMap::new();
    for (line, row) in roster {
        let (Some(start), Some(end)) = (row.start, row.end) else {
            continue;
        };
        let (from, to) = (seconds(row, start), seconds(row, end));
        let entry = per_agent.entry(&row.agent_id).or_default();
        match row.activity {
            Activity::Shift if !row.queue.is_empty() => {
                let Some(&queue) = queue_index.get(row.queue.as_str()) else {
                    let known: Vec<&str> = queue_index.keys().copied().collect();
                    return Err(Error::input(format!(
                        "{} line {line}: queue \"{}\" is not in the forecast (its queues: {})",
                        roster_name.display(),
                        row.queue,
                        known.join(", ")
                    )));
                };
                entry.shifts.push((from, to, queue, *line));
            }
            Activity::Lunch | Activity::Break | Activity::Off | Activity::Leave => {
                entry.rests.push((from, to))
            }
            Activity::Shift => {}
        }
    }
    let mut agents = Vec::new();
    for (agent_id, AgentRows { mut shifts, rests }) in per_agent {
        shifts.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.3.cmp(&b.3)));
        let mut spans: Vec<(Span, u64)> = Vec::new();
        for (from, to, queue, line) in shifts {
            for (start, end) in cut(from, to, &rests) {
                // Before the horizon's origin: clipped.
                let start = start.max(0.0);
                if end <= start {
                    continue;
                }
                if let Some((last, last_line)) = spans.last_mut() {
                    if start < last.end_second {
                        return Err(Error::input(format!(
                            "{} line {line}: agent {agent_id}'s shift overlaps the one on \
                             line {last_line}",
                            roster_name.display()
                        )));
                    }
                    if start == last.end_second && last.answers == Answers::Queue(queue) {
                        last.end_second = end;
                        continue;
                    }
                }
                spans.push((
                    Span {
                        start_second: start,
                        end_second: end,
                        answers: Answers::Queue(queue),
                    },
                    line,
                ));
            }
        }
        if !spans.is_empty() {
            agents.push(Agent {
                spans: spans.into_iter().map(|(span, _)| span).collect(),
            });
        }
    }
    Ok(agents)
}

/// `[from, to)` without the rests, as pieces in time order.
fn cut(from: f64, to: f64, rests: &[(f64, f64)]) -> Vec<(f64, f64)> {
    let mut pieces = vec![(from, to)];
    for &(rest_start, rest_end) in rests {
        pieces = pieces
            .into_iter()
            .flat_map(|(a, b)| {
                if rest_end <= a || rest_start >= b {
                    vec![(a, b)]
                } else {
                    [(a, rest_start), (rest_end, b)]
                        .into_iter()
                        .filter(|(s, e)| e > s)
                        .collect()
                }
            })
            .collect();
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::Europe::London;

    fn forecast_row(queue: &str, start: &str, calls: f64) -> ForecastRow {
        ForecastRow {
            queue: queue.into(),
            interval_start: crate::forecast::IntervalStart::parse(start).unwrap(),
            calls,
            aht_seconds: (calls > 0.0).then_some(180.0),
            calls_lo: None,
            calls_hi: None,
        }
    }

    fn roster_row(agent: &str, activity: Activity, from: u32, to: u32, queue: &str) -> RosterRow {
        RosterRow {
            agent_id: agent.into(),
            date: NaiveDate::from_ymd_opt(2026, 7, 1).unwrap(),
            start: Some(from),
            activity,
            end: Some(to),
            queue: queue.into(),
        }
    }

    #[test]
    fn files_become_a_scenario_in_local_time() {
        let forecast = [
            forecast_row("support", "2026-07-01T09:00:00+01:00", 0.0),
            forecast_row("sales", "2026-07-01T08:15:00Z", 20.0),
            forecast_row("sales", "2026-07-01T09:00:00+01:00", 10.0),
        ];
        let roster = [
            (2, roster_row("B", Activity::Shift, 540, 600, "sales")),
            (3, roster_row("B", Activity::Shift, 600, 660, "sales")),
            (4, roster_row("B", Activity::Shift, 660, 690, "support")),
            (5, roster_row("A", Activity::Shift, 480, 720, "sales")),
            (6, roster_row("A", Activity::Lunch, 600, 630, "")),
        ];
        let file: crate::staff::TargetsFile = toml::from_str(
            "[default]\nservice_level = \"80%\"\nanswer_within = \"20s\"\n\
             [queue.support]\nmodel = \"erlang-a\"\npatience = \"90s\"\nanswer_within = \"30s\"\n",
        )
        .unwrap();
        let targets =
            QueueTargets::new(&file, &crate::staff::ServiceTargets::default(), "t").unwrap();
        let inputs = build_inputs(
            &forecast,
            &roster,
            &targets,
            London,
            Path::new("f.csv"),
            Path::new("r.csv"),
        )
        .unwrap();
        // Origin: local midnight of 1 July (BST), i.e. 23:00 UTC the day before.
        assert_eq!(inputs.origin.naive_utc().to_string(), "2026-06-30 23:00:00");
        assert_eq!(inputs.interval_minutes, 15);
        assert_eq!(inputs.day_date(0).to_string(), "2026-07-01");
        let [sales, support] = &inputs.scenario.queues[..] else {
            panic!("two queues")
        };
        assert_eq!(sales.name, "sales");
        assert_eq!(
            sales
                .intervals
                .iter()
                .map(|i| i.start_minute)
                .collect::<Vec<_>>(),
            [540, 555]
        );
        assert_eq!(
            (sales.answer_within_seconds, sales.patience_seconds),
            (20.0, None)
        );
        assert_eq!(
            (support.answer_within_seconds, support.patience_seconds),
            (30.0, Some(90.0))
        );
        assert_eq!(inputs.interval_starts[0][1], "2026-07-01T08:15:00Z");
        assert_eq!(inputs.service_level_targets, [Some(0.8), Some(0.8)]);
        // A: 08:00-12:00 local less lunch 10:00-10:30; B: two sales rows merged.
        let spans = |a: usize| -> Vec<(f64, f64, Answers)> {
            inputs.scenario.agents[a]
                .spans
                .iter()
                .map(|s| {
                    (
                        s.start_second / 60.0,
                        s.end_second / 60.0,
                        s.answers.clone(),
                    )
                })
                .collect()
        };
        assert_eq!(
            spans(0),
            [
                (480.0, 600.0, Answers::Queue(0)),
                (630.0, 720.0, Answers::Queue(0))
            ]
        );
        assert_eq!(
            spans(1),
            [
                (540.0, 660.0, Answers::Queue(0)),
                (660.0, 690.0, Answers::Queue(1))
            ]
        );

        let unknown = [(9, roster_row("C", Activity::Shift, 480, 540, "billing"))];
        let error = build_inputs(
            &forecast,
            &unknown,
            &targets,
            London,
            Path::new("f.csv"),
            Path::new("r.csv"),
        )
        .unwrap_err();
        assert_eq!(
            error.to_string(),
            "r.csv line 9: queue \"billing\" is not in the forecast (its queues: sales, support)"
        );
    }

    #[test]
    fn rests_are_cut_out_of_shifts() {
        assert_eq!(
            cut(0.0, 100.0, &[(40.0, 50.0), (90.0, 120.0)]),
            vec![(0.0, 40.0), (50.0, 90.0)]
        );
    }

    #[test]
    fn local_times_take_the_offset_in_force() {
        let day = |d| NaiveDate::from_ymd_opt(2026, 3, d).unwrap();
        // Summer time: 09:00 BST is 08:00 UTC.
        let summer = local_instant(London, day(30).and_hms_opt(9, 0, 0).unwrap());
        assert_eq!(summer.naive_utc().to_string(), "2026-03-30 08:00:00");
        // 01:30 on 29 March does not exist in London: read at GMT.
        let gap = local_instant(London, day(29).and_hms_opt(1, 30, 0).unwrap());
        assert_eq!(gap.naive_utc().to_string(), "2026-03-29 01:30:00");
    }
}
