//! From the planner's data (`forecast.csv`, `roster.csv` or `shifts.csv`, the targets)
//! to a [`Scenario`]: what `wfm simulate` and `wfm plan` run.
//!
//! - The horizon's origin is the local midnight (in the site's zone) of the day of the
//!   earliest forecast interval, so that the report's 1440-minute days are local days
//!   (a DST change shifts the boundary by an hour, at night).
//! - The interval length is the smallest spacing between the forecast's interval
//!   starts (30 minutes with a single start); every interval has that length.
//! - **Roster** ([`Staffing::Roster`]): each `shift` row with a queue is a span; `lunch`,
//!   `break` and timed `off`/`leave` rows are gaps, cut out of any shift row that covers
//!   them. A shift row without a queue is skipped. The `queue` cell names what the span
//!   answers in `agents.csv`'s skills grammar, `support;sales:2` (queues separated by
//!   `;`, each optionally `:priority`, 1 = preferred and the default): routing
//!   `assigned` takes one queue only (a cell with several is an error); routing
//!   `skills` logs the agent into every queue named, with their priorities.
//!   Consecutive spans of an agent answering the same on the same date are merged.
//! - **Shifts** ([`Staffing::Shifts`]): each row of `shifts.csv` is `count` anonymous
//!   agents, logged in from its start to its end less its lunch and breaks, answering
//!   every queue of the forecast at priority 1 (routing `skills`: a schedule pools its
//!   queues).
//! - Local times become instants with the zone's offset at that local time (the earlier
//!   one when a time repeats, the offset before the change when it falls in a gap). A
//!   span's working day ([`Span::day`]) is its row's date, counted from the first
//!   forecast day.
//! - A queue's answer-within (20 s when its targets have none) and patience (Erlang A)
//!   come from its targets; an agent's shrinkage (its probability of absence) is the
//!   largest shrinkage among the queues it answers, so that no queue's plan is
//!   undercut by a multi-skilled agent.
//! - With `volume = "interval"`, each queue and day gets the standard deviation of its
//!   volume factor from the forecast's `calls_lo` and `calls_hi` ([`super::volume`]).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, NaiveDateTime, TimeZone};
use chrono_tz::Tz;

use super::settings::{Routing, Settings, Sources, Staffing};
use super::volume::{daily_sd, IntervalBounds, VolumeSource};
use super::{Agent, Answers, LoadInterval, QueueSpec, Scenario, Skill, Span, MINUTES_PER_DAY};
use crate::erlang::Model;
use crate::error::{Error, Result};
use crate::forecast::ForecastRow;
use crate::roster::{Activity, RosterRow};
use crate::schedule::ShiftRow;
use crate::staff::QueueTargets;

/// Answer-within used when a queue's targets give none, in seconds.
pub const DEFAULT_ANSWER_WITHIN_SECONDS: f64 = 20.0;

/// What a roster's `queue` cell holds, for messages.
pub const QUEUE_CELL_GRAMMAR: &str =
    "queues separated by ';', each optionally queue:priority with priority 1 or more (e.g. support;sales:2)";

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

/// Builds the scenario. `sources` names the files in messages; roster and shift rows
/// carry their line numbers. Errors (exit code 2) on a roster queue that the forecast
/// does not have, a queue cell that the routing cannot take, overlapping spans,
/// duplicate forecast rows, a forecast start that is not a whole minute from the
/// others, or `volume = "interval"` without a prediction interval.
pub fn build_inputs(
    forecast: &[ForecastRow],
    staffing: Staffing<'_>,
    targets: &QueueTargets,
    zone: Tz,
    settings: &Settings,
    sources: &Sources<'_>,
) -> Result<SimulationInputs> {
    let forecast_name = sources.forecast;
    let Some(first) = forecast.iter().map(|r| r.interval_start.instant()).min() else {
        return Err(Error::input(format!(
            "{}: no rows; expected one row per queue and interval",
            forecast_name.display()
        )));
    };
    let first_date = first.with_timezone(&zone).date_naive();
    let origin = crate::interval::local_day_start(first_date, zone);
    let interval_minutes = interval_minutes(forecast, forecast_name)?;
    if settings.volume == VolumeSource::Interval
        && !forecast
            .iter()
            .any(|r| r.calls_lo.is_some() || r.calls_hi.is_some())
    {
        return Err(Error::input(format!(
            "{}: no prediction interval (columns calls_lo and calls_hi, as wfm forecast \
             writes them); volume \"interval\" draws each day's volume from it",
            forecast_name.display()
        )));
    }

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
    let mut shrinkage = Vec::new();
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
        let daily_volume_sd = match settings.volume {
            VolumeSource::Point => Vec::new(),
            VolumeSource::Interval => {
                volume_sd_by_day(&rows, settings.interval_level, forecast_name)?
            }
        };
        queues.push(QueueSpec {
            name: name.to_string(),
            intervals,
            answer_within_seconds: target
                .answer_within
                .unwrap_or(DEFAULT_ANSWER_WITHIN_SECONDS),
            patience_seconds,
            daily_volume_sd,
        });
        interval_starts.push(
            rows.iter()
                .map(|(_, r)| r.interval_start.as_str().to_string())
                .collect(),
        );
        service_level_targets.push(target.service_level);
        shrinkage.push(target.shrinkage);
    }
    let clock = Clock {
        zone,
        origin,
        first_date,
    };
    let mut agents = match staffing {
        Staffing::Roster(rows) => {
            roster_agents(rows, &queues, &clock, settings.routing, sources.staffing)?
        }
        Staffing::Shifts(rows) => shift_agents(rows, queues.len(), &clock),
    };
    for agent in &mut agents {
        let queues: BTreeSet<usize> = agent
            .spans
            .iter()
            .flat_map(|span| span.answers.queues())
            .collect();
        agent.shrinkage = queues.iter().map(|&q| shrinkage[q]).fold(0.0, f64::max);
    }
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

/// Per day of a queue's rows (sorted, with their minutes), the standard deviation of
/// the day's volume factor; every row with calls needs its `calls_lo` and `calls_hi`.
fn volume_sd_by_day(
    rows: &[(u32, &ForecastRow)],
    level: f64,
    forecast_name: &Path,
) -> Result<Vec<f64>> {
    let mut days: Vec<Vec<IntervalBounds>> = Vec::new();
    for &(minute, row) in rows {
        let day = (minute / MINUTES_PER_DAY) as usize;
        if days.len() <= day {
            days.resize(day + 1, Vec::new());
        }
        if row.calls == 0.0 {
            continue;
        }
        let (Some(lo), Some(hi)) = (row.calls_lo, row.calls_hi) else {
            return Err(crate::forecast::file::row_error(
                forecast_name,
                row,
                "volume \"interval\" needs calls_lo and calls_hi on every row with calls",
            ));
        };
        days[day].push(IntervalBounds {
            calls: row.calls,
            lo,
            hi,
        });
    }
    Ok(days.iter().map(|day| daily_sd(day, level)).collect())
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

/// Local dates and times to scenario seconds and days.
struct Clock {
    zone: Tz,
    origin: DateTime<Tz>,
    first_date: NaiveDate,
}

impl Clock {
    /// Seconds from the origin to `minute` minutes after `date`'s local midnight.
    fn seconds(&self, date: NaiveDate, minute: u32) -> f64 {
        let local =
            date.and_hms_opt(0, 0, 0).expect("midnight") + Duration::minutes(i64::from(minute));
        (local_instant(self.zone, local).timestamp() - self.origin.timestamp()) as f64
    }

    /// The working day of `date`: days after the first forecast day (0 before it).
    fn day(&self, date: NaiveDate) -> u32 {
        u32::try_from((date - self.first_date).num_days()).unwrap_or(0)
    }
}

/// `sales;support:2` -> [(sales, 1), (support, 2)] (sorted by queue), in the grammar
/// of `agents.csv`'s skills; `None` when malformed (an empty name, a priority below 1,
/// a queue twice) or empty.
pub fn parse_queue_cell(text: &str) -> Option<Vec<(String, u32)>> {
    crate::roster::inputs::parse_skills(text).map(|skills| {
        skills
            .into_iter()
            .map(|skill| (skill.queue, skill.priority))
            .collect()
    })
}

/// One agent's roster rows, in seconds from the origin.
#[derive(Default)]
struct AgentRows {
    /// (start, end, answers, working day, line) of shift rows.
    shifts: Vec<(f64, f64, Answers, u32, u64)>,
    /// (start, end) of lunch, break, off and leave rows.
    rests: Vec<(f64, f64)>,
}

/// What a roster row's queue cell answers under `routing`.
fn answers(
    cell: &str,
    line: u64,
    queue_index: &BTreeMap<&str, usize>,
    routing: Routing,
    roster_name: &Path,
) -> Result<Answers> {
    let Some(named) = parse_queue_cell(cell) else {
        return Err(Error::at(
            roster_name,
            line,
            "queue",
            cell,
            QUEUE_CELL_GRAMMAR,
        ));
    };
    if routing == Routing::Assigned && named.len() > 1 {
        return Err(Error::at(
            roster_name,
            line,
            "queue",
            cell,
            "one queue under routing assigned (routing skills logs an agent into several)",
        ));
    }
    let mut skills = Vec::with_capacity(named.len());
    for (name, priority) in named {
        let Some(&queue) = queue_index.get(name.as_str()) else {
            let known: Vec<&str> = queue_index.keys().copied().collect();
            return Err(Error::input(format!(
                "{} line {line}: queue \"{name}\" is not in the forecast (its queues: {})",
                roster_name.display(),
                known.join(", ")
            )));
        };
        skills.push(Skill { queue, priority });
    }
    Ok(match routing {
        Routing::Assigned => Answers::Queue(skills[0].queue),
        Routing::Skills => {
            skills.sort_unstable();
            Answers::Skills(skills)
        }
    })
}

/// The agents' spans from the roster rows.
fn roster_agents(
    roster: &[(u64, RosterRow)],
    queues: &[QueueSpec],
    clock: &Clock,
    routing: Routing,
    roster_name: &Path,
) -> Result<Vec<Agent>> {
    let queue_index: BTreeMap<&str, usize> = queues
        .iter()
        .enumerate()
        .map(|(i, q)| (q.name.as_str(), i))
        .collect();
    let mut per_agent: BTreeMap<&str, AgentRows> = BTreeMap::new();
    for (line, row) in roster {
        let (Some(start), Some(end)) = (row.start, row.end) else {
            continue;
        };
        let (from, to) = (clock.seconds(row.date, start), clock.seconds(row.date, end));
        let entry = per_agent.entry(&row.agent_id).or_default();
        match row.activity {
            Activity::Shift if !row.queue.is_empty() => {
                let answers = answers(&row.queue, *line, &queue_index, routing, roster_name)?;
                entry
                    .shifts
                    .push((from, to, answers, clock.day(row.date), *line));
            }
            Activity::Lunch | Activity::Break | Activity::Off | Activity::Leave => {
                entry.rests.push((from, to))
            }
            Activity::Shift => {}
        }
    }
    let mut agents = Vec::new();
    for (agent_id, AgentRows { mut shifts, rests }) in per_agent {
        shifts.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.4.cmp(&b.4)));
        let mut spans: Vec<(Span, u64)> = Vec::new();
        for (from, to, answers, day, line) in shifts {
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
                    if start == last.end_second && last.answers == answers && last.day == day {
                        last.end_second = end;
                        continue;
                    }
                }
                spans.push((
                    Span {
                        start_second: start,
                        end_second: end,
                        answers: answers.clone(),
                        day,
                    },
                    line,
                ));
            }
        }
        if !spans.is_empty() {
            agents.push(Agent {
                spans: spans.into_iter().map(|(span, _)| span).collect(),
                shrinkage: 0.0,
            });
        }
    }
    Ok(agents)
}

/// One anonymous agent per shift of `shifts.csv`, answering every queue.
fn shift_agents(rows: &[(u64, ShiftRow)], queue_count: usize, clock: &Clock) -> Vec<Agent> {
    let all: Vec<usize> = (0..queue_count).collect();
    let answers = Answers::skills(&all);
    let mut agents = Vec::new();
    for (_, row) in rows {
        let rests: Vec<(f64, f64)> = row
            .lunch
            .iter()
            .chain(&row.breaks)
            .map(|&(from, to)| (clock.seconds(row.date, from), clock.seconds(row.date, to)))
            .collect();
        let (from, to) = (
            clock.seconds(row.date, row.start),
            clock.seconds(row.date, row.end),
        );
        let day = clock.day(row.date);
        let spans: Vec<Span> = cut(from, to, &rests)
            .into_iter()
            .map(|(start, end)| (start.max(0.0), end))
            .filter(|(start, end)| end > start)
            .map(|(start, end)| Span {
                start_second: start,
                end_second: end,
                answers: answers.clone(),
                day,
            })
            .collect();
        if spans.is_empty() || queue_count == 0 {
            continue;
        }
        for _ in 0..row.count {
            agents.push(Agent {
                spans: spans.clone(),
                shrinkage: 0.0,
            });
        }
    }
    agents
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

    fn build(
        forecast: &[ForecastRow],
        roster: &[(u64, RosterRow)],
        targets: &QueueTargets,
        routing: Routing,
    ) -> Result<SimulationInputs> {
        let settings = Settings {
            routing,
            ..Settings::default()
        };
        let sources = Sources {
            forecast: Path::new("f.csv"),
            staffing: Path::new("r.csv"),
        };
        build_inputs(
            forecast,
            Staffing::Roster(roster),
            targets,
            London,
            &settings,
            &sources,
        )
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
        let inputs = build(&forecast, &roster, &targets, Routing::Assigned).unwrap();
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
        let error = build(&forecast, &unknown, &targets, Routing::Assigned).unwrap_err();
        assert_eq!(
            error.to_string(),
            "r.csv line 9: queue \"billing\" is not in the forecast (its queues: sales, support)"
        );
    }

    fn targets(text: &str) -> QueueTargets {
        let file: crate::staff::TargetsFile = toml::from_str(text).unwrap();
        QueueTargets::new(&file, &crate::staff::ServiceTargets::default(), "t").unwrap()
    }

    const TWO_QUEUES: &str = "[default]\nservice_level = \"80%\"\nanswer_within = \"20s\"\n\
        shrinkage = \"30%\"\n[queue.support]\nshrinkage = \"35%\"\n";

    fn two_queue_forecast() -> Vec<ForecastRow> {
        vec![
            forecast_row("sales", "2026-07-01T08:00:00+01:00", 20.0),
            forecast_row("support", "2026-07-01T08:00:00+01:00", 10.0),
        ]
    }

    #[test]
    fn skills_routing_reads_the_queue_cell_grammar() {
        let roster = [
            (
                2,
                roster_row("A", Activity::Shift, 480, 600, "support;sales:2"),
            ),
            (
                3,
                roster_row("A", Activity::Shift, 600, 660, " sales:2 ; support "),
            ),
            (4, roster_row("B", Activity::Shift, 480, 600, "sales")),
        ];
        let targets = targets(TWO_QUEUES);
        let inputs = build(&two_queue_forecast(), &roster, &targets, Routing::Skills).unwrap();
        let [a, b] = &inputs.scenario.agents[..] else {
            panic!("two agents")
        };
        let skill = |queue, priority| Skill { queue, priority };
        // Rows 2 and 3 answer the same (the order in the cell does not matter): one span.
        assert_eq!(a.spans.len(), 1);
        assert_eq!(
            (a.spans[0].start_second, a.spans[0].end_second),
            (480.0 * 60.0, 660.0 * 60.0)
        );
        assert_eq!(
            a.spans[0].answers,
            Answers::Skills(vec![skill(0, 2), skill(1, 1)])
        );
        assert_eq!(b.spans[0].answers, Answers::Skills(vec![skill(0, 1)]));
        // Shrinkage: the largest of the agent's queues'.
        assert_eq!((a.shrinkage, b.shrinkage), (0.35, 0.3));

        // Under assigned routing a cell with several queues is refused where it is.
        let error = build(&two_queue_forecast(), &roster, &targets, Routing::Assigned)
            .unwrap_err()
            .to_string();
        assert_eq!(
            error,
            "r.csv: line 2, column \"queue\": found \"support;sales:2\"; expected one queue \
             under routing assigned (routing skills logs an agent into several)"
        );
        let bad = [(7, roster_row("C", Activity::Shift, 480, 600, "sales:0"))];
        let error = build(&two_queue_forecast(), &bad, &targets, Routing::Skills)
            .unwrap_err()
            .to_string();
        assert!(
            error
                .starts_with("r.csv: line 7, column \"queue\": found \"sales:0\"; expected queues"),
            "{error}"
        );
        assert_eq!(
            parse_queue_cell("sales;support:3"),
            Some(vec![("sales".into(), 1), ("support".into(), 3)])
        );
        for bad in ["", ";", "sales;sales:2", "sales:x", ":2"] {
            assert_eq!(parse_queue_cell(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_night_shift_is_one_working_day() {
        let mut rows = vec![
            (2, roster_row("N", Activity::Shift, 1320, 1800, "sales")),
            (3, roster_row("N", Activity::Lunch, 1500, 1530, "")),
        ];
        let mut next = roster_row("N", Activity::Shift, 1320, 1440, "sales");
        next.date = NaiveDate::from_ymd_opt(2026, 7, 2).unwrap();
        rows.push((4, next));
        let targets = targets(TWO_QUEUES);
        let inputs = build(&two_queue_forecast(), &rows, &targets, Routing::Assigned).unwrap();
        let days: Vec<(f64, f64, u32)> = inputs.scenario.agents[0]
            .spans
            .iter()
            .map(|s| (s.start_second / 60.0, s.end_second / 60.0, s.day))
            .collect();
        // 22:00-25:00 and 25:30-30:00 on 1 July, then 22:00-24:00 on 2 July.
        assert_eq!(
            days,
            [
                (1320.0, 1500.0, 0),
                (1530.0, 1800.0, 0),
                (2760.0, 2880.0, 1)
            ]
        );
    }

    #[test]
    fn shifts_become_anonymous_agents_on_every_queue() {
        let shifts = [
            (
                2,
                ShiftRow {
                    date: NaiveDate::from_ymd_opt(2026, 7, 1).unwrap(),
                    start: 480,
                    template: "FT8".into(),
                    end: 990,
                    lunch: Some((720, 750)),
                    breaks: vec![(600, 615), (870, 885)],
                    count: 3,
                },
            ),
            (
                3,
                ShiftRow {
                    date: NaiveDate::from_ymd_opt(2026, 7, 2).unwrap(),
                    start: 540,
                    template: "PT4".into(),
                    end: 780,
                    lunch: None,
                    breaks: vec![],
                    count: 1,
                },
            ),
        ];
        let sources = Sources {
            forecast: Path::new("f.csv"),
            staffing: Path::new("s.csv"),
        };
        let inputs = build_inputs(
            &two_queue_forecast(),
            Staffing::Shifts(&shifts),
            &targets(TWO_QUEUES),
            London,
            &Settings::default(),
            &sources,
        )
        .unwrap();
        let agents = &inputs.scenario.agents;
        assert_eq!(agents.len(), 4);
        let minutes = |agent: &Agent| -> Vec<(f64, f64)> {
            agent
                .spans
                .iter()
                .map(|s| (s.start_second / 60.0, s.end_second / 60.0))
                .collect()
        };
        assert_eq!(
            minutes(&agents[0]),
            [
                (480.0, 600.0),
                (615.0, 720.0),
                (750.0, 870.0),
                (885.0, 990.0)
            ]
        );
        assert_eq!(agents[1], agents[0]);
        assert_eq!(minutes(&agents[3]), [(1980.0, 2220.0)]);
        assert_eq!(agents[3].spans[0].day, 1);
        assert!(agents
            .iter()
            .flat_map(|a| &a.spans)
            .all(|s| s.answers == Answers::skills(&[0, 1])));
        assert!(agents.iter().all(|a| a.shrinkage == 0.35));
    }

    #[test]
    fn volume_from_the_prediction_interval_needs_it() {
        let settings = Settings {
            volume: VolumeSource::Interval,
            ..Settings::default()
        };
        let sources = Sources {
            forecast: Path::new("f.csv"),
            staffing: Path::new("r.csv"),
        };
        let roster = [(2, roster_row("A", Activity::Shift, 480, 600, "sales"))];
        let targets = targets(TWO_QUEUES);
        let run = |forecast: &[ForecastRow]| {
            build_inputs(
                forecast,
                Staffing::Roster(&roster),
                &targets,
                London,
                &settings,
                &sources,
            )
        };
        let error = run(&two_queue_forecast()).unwrap_err().to_string();
        assert_eq!(
            error,
            "f.csv: no prediction interval (columns calls_lo and calls_hi, as wfm forecast \
             writes them); volume \"interval\" draws each day's volume from it"
        );
        // 100 calls with an 80% interval of 100 ± 1.2816·√200: c = 0.1 (see volume.rs);
        // the next day, no calls.
        let half_width = 1.281_551_6 * 200f64.sqrt();
        let mut forecast: Vec<ForecastRow> = (0..4)
            .map(|h| {
                let mut row = forecast_row(
                    "sales",
                    &format!("2026-07-01T{:02}:00:00+01:00", 8 + h),
                    100.0,
                );
                (row.calls_lo, row.calls_hi) = (Some(100.0 - half_width), Some(100.0 + half_width));
                row
            })
            .collect();
        let mut quiet = forecast_row("sales", "2026-07-02T08:00:00+01:00", 0.0);
        (quiet.calls_lo, quiet.calls_hi) = (Some(0.0), Some(0.0));
        forecast.push(quiet);
        let inputs = run(&forecast).unwrap();
        let sd = &inputs.scenario.queues[0].daily_volume_sd;
        assert_eq!(sd.len(), 2);
        assert!((sd[0] - 0.1).abs() < 1e-6, "{sd:?}");
        assert_eq!(sd[1], 0.0);
        // A row with calls but no bounds is named.
        forecast[1].calls_hi = None;
        let error = run(&forecast).unwrap_err().to_string();
        assert_eq!(
            error,
            "f.csv: queue \"sales\", interval_start 2026-07-01T09:00:00+01:00: volume \
             \"interval\" needs calls_lo and calls_hi on every row with calls"
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
