//! The notes of a plan as data: what the planner should know, each note an object
//! of `summary.json` with its kind, the day, hours and queue it concerns, its
//! figures, and the sentence printed on stderr (`text`). Shortfalls carry their
//! causes as codes with agent counts, so the report can tabulate them and a
//! dashboard can filter them without parsing prose.
//!
//! Besides the steps' notes, [`anomalies`] looks for what a planner would not
//! expect in a finished plan: shifts on days the calendar closes, agent-hours on a
//! queue in half-hours with no calls forecast, and days whose service level is
//! below target.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;

use crate::roster::{CauseCount, ShortRun};
use crate::schedule::{CoverageRow, ShiftRow};
use crate::units::{format_clock_minutes, round};

use super::simulation::{QueueService, Simulated};

/// What a note is about; the report groups notes by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NoteKind {
    /// The history ends long before the horizon (`[inputs] max_history_age`).
    StaleHistory,
    /// A forecast method's remark about a queue.
    Forecast,
    /// Intervals no staffing can bring to target.
    UnmetTargets,
    /// Anomaly: shifts rostered on a day the calendar closes.
    ShiftsOnClosedDay,
    /// Anomaly: a queue-day whose service level (simulated, else projected) is
    /// below target.
    DayBelowTarget,
    /// A run of short half-hours of a queue, with why no more agents cover it.
    Shortfall,
    /// An agent's weekly minimum waived after a look-back.
    MinimumWaived,
    /// Projection and simulation disagree.
    Simulation,
    /// Anomaly: agents on a queue in half-hours with no calls forecast.
    HoursWithoutCalls,
}

impl NoteKind {
    /// The kinds the report shows in its anomalies callout.
    pub fn is_anomaly(self) -> bool {
        matches!(
            self,
            NoteKind::ShiftsOnClosedDay | NoteKind::DayBelowTarget | NoteKind::HoursWithoutCalls
        )
    }
}

/// One cause of a shortfall: a code, the rule for code `rule`, and the agents.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cause {
    pub code: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    pub agents: u32,
}

impl From<CauseCount> for Cause {
    fn from(count: CauseCount) -> Self {
        Cause {
            code: count.code,
            rule: count.rule,
            agents: count.agents,
        }
    }
}

/// One note. Only the keys that apply to its kind are written (see
/// docs/formats.md, "summary.json").
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Note {
    pub kind: NoteKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<NaiveDate>,
    /// Local wall clock `HH:MM`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub queue: Option<String>,
    /// The run's worst half-hour: agents short, required and rostered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub short_agents: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub required_agents: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rostered_agents: Option<f64>,
    /// Agents with the queue's skill; the causes count them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skilled_agents: Option<u32>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub causes: Vec<Cause>,
    /// Shifts starting that day (`shifts_on_closed_day`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shifts: Option<u32>,
    /// Agent-hours concerned (on the closed day, or on the queue without calls).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agent_hours: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub projected: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub simulated: Option<Simulated>,
    /// The note as a sentence (printed on stderr).
    pub text: String,
}

impl std::fmt::Display for Note {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

impl Note {
    /// A note that is only a sentence (forecast remarks, warnings, …).
    pub fn text(kind: NoteKind, text: impl Into<String>) -> Note {
        Note {
            kind,
            date: None,
            start: None,
            end: None,
            queue: None,
            short_agents: None,
            required_agents: None,
            rostered_agents: None,
            skilled_agents: None,
            causes: Vec::new(),
            shifts: None,
            agent_hours: None,
            target: None,
            projected: None,
            simulated: None,
            text: text.into(),
        }
    }

    /// The note about `queue`.
    fn of_queue(kind: NoteKind, queue: &str, text: impl Into<String>) -> Note {
        Note {
            queue: Some(queue.to_string()),
            ..Note::text(kind, text)
        }
    }

    /// A roster's run of short half-hours.
    pub fn shortfall(run: &ShortRun) -> Note {
        Note {
            date: Some(run.date),
            start: Some(format_clock_minutes(run.from)),
            end: Some(format_clock_minutes(run.to)),
            short_agents: Some(round(run.short, 3)),
            required_agents: Some(round(run.required, 3)),
            rostered_agents: Some(round(run.rostered, 3)),
            skilled_agents: Some(run.causes.skilled),
            causes: run.causes.counts().into_iter().map(Cause::from).collect(),
            ..Note::of_queue(NoteKind::Shortfall, &run.queue, run.to_string())
        }
    }

    /// A note about `queue` with the text of a step that names it in prose.
    pub fn about_queue(kind: NoteKind, queue: &str, text: impl Into<String>) -> Note {
        Note::of_queue(kind, queue, text)
    }
}

/// The anomalies of a plan, in the order the notes list them: shifts on closed
/// days, then days below target, then (last: there are many, and each is cheap)
/// agent-hours on queues in half-hours without calls.
pub struct Anomalies {
    pub shifts_on_closed_days: Vec<Note>,
    pub days_below_target: Vec<Note>,
    pub hours_without_calls: Vec<Note>,
}

/// Finds the anomalies of a plan. `closed_days` are the calendar's; `hours` the
/// length of an interval in hours.
pub fn anomalies(
    closed_days: &[NaiveDate],
    shifts: &[ShiftRow],
    coverage: &[CoverageRow],
    service: &[QueueService],
    hours: f64,
) -> Anomalies {
    Anomalies {
        shifts_on_closed_days: shifts_on_closed_days(closed_days, shifts, coverage, hours),
        days_below_target: days_below_target(service),
        hours_without_calls: hours_without_calls(coverage, hours),
    }
}

/// Per closed day with shifts: how many and the agent-hours they put on the phones.
fn shifts_on_closed_days(
    closed_days: &[NaiveDate],
    shifts: &[ShiftRow],
    coverage: &[CoverageRow],
    hours: f64,
) -> Vec<Note> {
    let mut days: BTreeMap<NaiveDate, (u32, f64)> = BTreeMap::new();
    for row in shifts.iter().filter(|r| closed_days.contains(&r.date)) {
        days.entry(row.date).or_default().0 += row.count;
    }
    for row in coverage {
        if let Some(day) = days.get_mut(&row.interval_start.date_naive()) {
            day.1 += row.scheduled * hours;
        }
    }
    days.into_iter()
        .map(|(date, (count, agent_hours))| Note {
            date: Some(date),
            shifts: Some(count),
            agent_hours: Some(round(agent_hours, 3)),
            ..Note::text(
                NoteKind::ShiftsOnClosedDay,
                format!(
                    "{date}: {count} shift(s) ({agent_hours:.1} agent-hours) on a day the calendar closes"
                ),
            )
        })
        .collect()
}

/// Queue-days below target: by the simulation's mean where the plan simulated,
/// else by the projection.
fn days_below_target(service: &[QueueService]) -> Vec<Note> {
    let mut notes = Vec::new();
    for queue in service {
        let Some(target) = queue.target else {
            continue;
        };
        for day in &queue.days {
            let (level, how) = match (&day.simulated, day.projected) {
                (Some(simulated), _) => (simulated.mean, "simulated"),
                (None, Some(projected)) => (projected, "projected"),
                (None, None) => continue,
            };
            if level >= target {
                continue;
            }
            let interval = day.simulated.map_or(String::new(), |s| {
                format!(
                    " (95% interval {:.1}%-{:.1}%)",
                    s.low * 100.0,
                    s.high * 100.0
                )
            });
            notes.push(Note {
                date: Some(day.date),
                target: Some(target),
                projected: day.projected,
                simulated: day.simulated,
                ..Note::of_queue(
                    NoteKind::DayBelowTarget,
                    &queue.queue,
                    format!(
                        "{}: {} {how} service level {:.1}%{interval}, below the {:.1}% target",
                        day.date,
                        queue.queue,
                        level * 100.0,
                        target * 100.0
                    ),
                )
            });
        }
    }
    notes.sort_by(|a, b| (a.date, &a.queue).cmp(&(b.date, &b.queue)));
    notes
}

/// Per queue and day: agent-hours on the queue in its intervals with no calls
/// forecast (paid time no call can use).
fn hours_without_calls(coverage: &[CoverageRow], hours: f64) -> Vec<Note> {
    let mut days: BTreeMap<(NaiveDate, &str), (f64, u32)> = BTreeMap::new();
    for row in coverage {
        if row.calls > 0.0 || row.scheduled <= 1e-9 {
            continue;
        }
        let day = days
            .entry((row.interval_start.date_naive(), &row.queue))
            .or_default();
        day.0 += row.scheduled * hours;
        day.1 += 1;
    }
    days.into_iter()
        .map(|((date, queue), (agent_hours, intervals))| Note {
            date: Some(date),
            agent_hours: Some(round(agent_hours, 3)),
            ..Note::of_queue(
                NoteKind::HoursWithoutCalls,
                queue,
                format!(
                    "{date}: {agent_hours:.2} agent-hours on {queue} in {intervals} interval(s) with no calls forecast"
                ),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn row(queue: &str, hour: u32, calls: f64, scheduled: f64) -> CoverageRow {
        CoverageRow {
            queue: queue.into(),
            interval_start: chrono_tz::Europe::London
                .with_ymd_and_hms(2026, 12, 28, hour, 0, 0)
                .unwrap(),
            calls,
            aht_seconds: 300.0,
            required: 0.0,
            scheduled,
            weakest_slot: scheduled,
            slots: vec![scheduled, scheduled],
            shortfall: 0.0,
            surplus: scheduled,
            service_level: None,
        }
    }

    fn date(day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, day).unwrap()
    }

    #[test]
    fn shifts_on_a_closed_day_and_agents_without_calls_are_anomalies() {
        let shifts = [ShiftRow {
            date: date(28),
            start: 480,
            template: "FT8".into(),
            end: 990,
            lunch: None,
            breaks: Vec::new(),
            count: 3,
        }];
        let coverage = [row("sales", 8, 0.0, 3.0), row("sales", 9, 12.0, 2.0)];
        let found = anomalies(&[date(28)], &shifts, &coverage, &[], 0.5);
        let closed = &found.shifts_on_closed_days;
        assert_eq!(closed.len(), 1);
        assert_eq!(
            (closed[0].shifts, closed[0].agent_hours),
            (Some(3), Some(2.5))
        );
        let idle = &found.hours_without_calls;
        assert_eq!(idle.len(), 1);
        assert_eq!(idle[0].queue.as_deref(), Some("sales"));
        assert_eq!(idle[0].agent_hours, Some(1.5));
        // Not closed that day: no anomaly, whatever the shifts.
        assert!(anomalies(&[date(25)], &shifts, &coverage, &[], 0.5)
            .shifts_on_closed_days
            .is_empty());
    }

    #[test]
    fn a_day_is_below_target_by_its_simulation_when_there_is_one() {
        let day = |d: u32, projected: f64, simulated: Option<f64>| {
            super::super::simulation::QueueServiceDay {
                date: date(d),
                calls: 100.0,
                projected: Some(projected),
                simulated: simulated.map(|mean| Simulated {
                    mean,
                    low: mean - 0.05,
                    high: mean + 0.05,
                }),
                simulated_asa_seconds: None,
                simulated_abandon_rate: None,
            }
        };
        let queue = QueueService {
            queue: "sales".into(),
            target: Some(0.8),
            answer_within_seconds: 20.0,
            projected: Some(0.82),
            days_below_target: 1,
            simulated: None,
            days: vec![
                day(1, 0.85, Some(0.78)),
                day(2, 0.78, Some(0.81)),
                day(3, 0.79, None),
            ],
            intervals: Vec::new(),
        };
        let below = days_below_target(&[queue]);
        let dates: Vec<_> = below.iter().map(|n| n.date.unwrap()).collect();
        assert_eq!(dates, [date(1), date(3)]);
        assert!(
            below[0].text.contains("simulated service level 78.0%"),
            "{}",
            below[0].text
        );
        assert!(
            below[1].text.contains("projected service level 79.0%"),
            "{}",
            below[1].text
        );
    }
}
