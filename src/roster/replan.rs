//! Re-planning a published roster with as little change as the new inputs allow.
//!
//! A roster is a promise to people, so a weekly re-plan must not reshuffle the month.
//! The published roster's days before the freeze date are kept exactly (its rows are
//! copied through byte for byte); every later agent-day may change, but each one whose
//! shift is moved, added or removed costs `change_cost` in the solver's objective (the
//! same units as pay and the under-staffing penalty), so a change is made only where
//! it buys more cover or saves more pay than it costs. With unchanged inputs the
//! published roster is its own best response and nothing changes. Every change is
//! listed per agent and day ([`DayChange`], `changes.csv`).

use std::collections::BTreeMap;
use std::io::Write;

use chrono::NaiveDate;

use super::check::{rebuild_shifts, Activity, RosterRow};
use super::routing::Routing;
use super::rules::{Published, RuleBook};
use crate::error::{Error, Result};
use crate::units::format_clock_minutes;

/// Cost of changing one agent-day of the published roster unless configured, in the
/// units of pay and the under-staffing penalty: 0.4 agent-hours short at the sample's
/// penalty of 5 per agent-hour. Measured on the sample month re-planned from
/// 2026-12-15 with one agent given a new leave week (1,836 agent-days after the
/// freeze; the leave itself is 7 changes and leaves 25.5 more agent-hours short):
/// 0 reshuffles 612 agent-days to win back 19.75 of them, 2 changes 21 (1.1 %) and
/// wins back 9.25, 5 or more change nothing beyond the leave. Unchanged inputs change
/// nothing at any cost (tests/replan.rs).
pub const DEFAULT_CHANGE_COST: f64 = 2.0;

/// A published roster to re-plan: its rows (with their lines in `file`), the first
/// day that may change, and the price of a changed agent-day.
#[derive(Debug, Clone)]
pub struct Replan {
    pub rows: Vec<(u64, RosterRow)>,
    pub file: String,
    /// Days before this date are kept exactly as published.
    pub freeze_until: NaiveDate,
    pub change_cost: f64,
    /// The real horizon's first day when the rows before it are a look-back over
    /// the previous period ([`Previous`]); `None` for a plain re-plan.
    pub horizon_start: Option<NaiveDate>,
}

impl Replan {
    /// The published shifts on `book`'s horizon, as the rules see them. Errors (exit
    /// code 2) name the file and line of a row whose agent is not in the agents file.
    pub fn published(&self, book: &RuleBook, routing: Routing) -> Result<Published> {
        let rows = self.rows_on(book);
        let (shifts, _) = rebuild_shifts(&rows, book, &self.file, routing)?;
        let mut by_agent = vec![BTreeMap::new(); book.agents.len()];
        let mut rests = vec![BTreeMap::new(); book.agents.len()];
        for shift in shifts {
            by_agent[shift.agent].insert(shift.day, (shift.template, shift.start));
            rests[shift.agent].insert(shift.day, shift.rest_starts);
        }
        let index: BTreeMap<&str, usize> = book
            .agents
            .iter()
            .enumerate()
            .map(|(i, a)| (a.id.as_str(), i))
            .collect();
        let mut queues = vec![Vec::new(); book.agents.len()];
        for (_, row) in &rows {
            let (Some(&agent), Some(day), Some(start), Some(end)) = (
                index.get(row.agent_id.as_str()),
                book.horizon.day_of(row.date),
                row.start,
                row.end,
            ) else {
                continue;
            };
            if row.activity == Activity::Shift {
                let midnight = i64::from(day) * 1440;
                queues[agent].push((
                    midnight + i64::from(start),
                    midnight + i64::from(end),
                    row.queue.clone(),
                ));
            }
        }
        let frozen_days = (self.freeze_until - book.horizon.start)
            .num_days()
            .clamp(0, i64::from(book.horizon.days)) as u32;
        let before_horizon = self.horizon_start.map_or(0, |start| {
            (start - book.horizon.start)
                .num_days()
                .clamp(0, i64::from(book.horizon.days)) as u32
        });
        Ok(Published {
            before_horizon,
            shifts: by_agent,
            rests,
            queues,
            frozen_days,
            change_cost: self.change_cost,
        })
    }

    /// The published rows inside `book`'s horizon, of agents still in the agents
    /// file (a leaver's rows are dropped: nobody works them any more).
    fn rows_on(&self, book: &RuleBook) -> Vec<(u64, RosterRow)> {
        let known: std::collections::BTreeSet<&str> =
            book.agents.iter().map(|a| a.id.as_str()).collect();
        self.rows
            .iter()
            .filter(|(_, row)| book.horizon.day_of(row.date).is_some())
            .filter(|(_, row)| known.contains(row.agent_id.as_str()))
            .cloned()
            .collect()
    }

    /// The roster to publish: the published rows before the freeze date as they were,
    /// the new rows from it on.
    /// An agent-day the published roster does not have (a new hire's, or past its
    /// last date) keeps the new rows.
    pub fn merge(&self, new_rows: Vec<RosterRow>, book: &RuleBook) -> Vec<RosterRow> {
        let mut rows: Vec<RosterRow> = self
            .rows_on(book)
            .into_iter()
            .map(|(_, row)| row)
            .filter(|row| row.date < self.freeze_until)
            .collect();
        let kept: std::collections::BTreeSet<(String, NaiveDate)> =
            rows.iter().map(|r| (r.agent_id.clone(), r.date)).collect();
        rows.extend(new_rows.into_iter().filter(|r| {
            r.date >= self.freeze_until || !kept.contains(&(r.agent_id.clone(), r.date))
        }));
        rows.sort();
        rows
    }

    /// Every agent-day from the freeze date on whose rows differ from the published
    /// roster's, in agent and date order.
    pub fn changes(&self, new_rows: &[RosterRow], book: &RuleBook) -> Vec<DayChange> {
        let on_horizon = self.rows_on(book);
        let published = days_of(on_horizon.iter().map(|(_, r)| r));
        let new = days_of(new_rows.iter());
        let mut keys: Vec<&(String, NaiveDate)> = published.keys().chain(new.keys()).collect();
        keys.sort();
        keys.dedup();
        keys.into_iter()
            .filter(|(_, date)| *date >= self.freeze_until)
            .filter_map(|key| {
                let before = published.get(key).map_or(&[][..], Vec::as_slice);
                let after = new.get(key).map_or(&[][..], Vec::as_slice);
                let kind = ChangeKind::between(before, after)?;
                Some(DayChange {
                    agent_id: key.0.clone(),
                    date: key.1,
                    kind,
                    published: day_text(before),
                    new: day_text(after),
                })
            })
            .collect()
    }
}

/// Days of the previous period's roster read before the horizon: three weeks hold
/// the three weekends before it (a limit per four weekends), any run of consecutive
/// days a contract allows, and the days of the week the horizon starts in (the read
/// starts on a Monday, so that week is whole).
pub const LOOKBACK_DAYS: i64 = 21;

/// The dates whose calendar a roster of `days` from `start` needs: its own, a
/// look-back's (up to a week more than [`LOOKBACK_DAYS`], to reach its Monday), so
/// that closed days before the horizon count in the week it starts in, and the days
/// after it up to its last week's Sunday, which that week's look-ahead minimum
/// credits ([`super::rules::Lookahead`]).
pub fn calendar_window(start: NaiveDate, days: u32) -> (NaiveDate, u32) {
    let before = LOOKBACK_DAYS as u32 + 6;
    let after = 6;
    (
        start - chrono::Duration::days(i64::from(before)),
        days + before + after,
    )
}

/// The previous period's roster (`--previous roster.csv`, `[inputs]
/// previous_roster`): its last weeks are kept as worked, so that minimum rest,
/// consecutive days, days off and weekly hours hold across the horizon's start.
#[derive(Debug, Clone)]
pub struct Previous {
    pub rows: Vec<(u64, RosterRow)>,
    pub file: String,
}

impl Previous {
    /// The first day read: the Monday [`LOOKBACK_DAYS`] before `start` or the
    /// roster's first day, whichever is later; `None` without rows before `start`.
    pub fn lookback(&self, start: NaiveDate) -> Option<NaiveDate> {
        let first = self
            .rows
            .iter()
            .map(|(_, row)| row.date)
            .filter(|&date| date < start)
            .min()?;
        let back = start - chrono::Duration::days(LOOKBACK_DAYS);
        let monday = back
            - chrono::Duration::days(i64::from(
                chrono::Datelike::weekday(&back).num_days_from_monday(),
            ));
        Some(first.max(monday))
    }

    /// The re-plan that keeps the look-back's days (`lookback` to `start`) as worked,
    /// with `replan`'s published rows, freeze and cost from `start` on (or nothing
    /// else to keep).
    pub fn with_replan(
        &self,
        lookback: NaiveDate,
        start: NaiveDate,
        replan: Option<&Replan>,
    ) -> Replan {
        let mut rows: Vec<(u64, RosterRow)> = self
            .rows
            .iter()
            .filter(|(_, row)| row.date >= lookback && row.date < start)
            .cloned()
            .collect();
        if let Some(replan) = replan {
            rows.extend(replan.rows.iter().filter(|(_, r)| r.date >= start).cloned());
        }
        Replan {
            rows,
            file: self.file.clone(),
            freeze_until: replan.map_or(start, |r| r.freeze_until.max(start)),
            change_cost: replan.map_or(0.0, |r| r.change_cost),
            horizon_start: Some(start),
        }
    }

    /// The previous roster's whole days of leave in the look-back, as availability
    /// rows (credited towards the week the horizon starts in).
    pub fn leave_rows(
        &self,
        agents: &[super::inputs::Agent],
        lookback: NaiveDate,
        start: NaiveDate,
    ) -> Vec<super::inputs::AvailabilityRow> {
        self.rows
            .iter()
            .filter(|(_, row)| row.activity == Activity::Leave && row.start.is_none())
            .filter(|(_, row)| row.date >= lookback && row.date < start)
            .filter_map(|(line, row)| {
                Some(super::inputs::AvailabilityRow {
                    agent: agents.iter().position(|a| a.id == row.agent_id)?,
                    date: row.date,
                    window: None,
                    kind: super::inputs::AvailabilityKind::Leave,
                    line: *line,
                })
            })
            .collect()
    }
}

/// Rows per agent and date, sorted.
fn days_of<'a>(
    rows: impl Iterator<Item = &'a RosterRow>,
) -> BTreeMap<(String, NaiveDate), Vec<&'a RosterRow>> {
    let mut days: BTreeMap<(String, NaiveDate), Vec<&RosterRow>> = BTreeMap::new();
    for row in rows {
        days.entry((row.agent_id.clone(), row.date))
            .or_default()
            .push(row);
    }
    for rows in days.values_mut() {
        rows.sort();
    }
    days
}

/// How an agent-day changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ChangeKind {
    /// Off (or leave) before, a shift now.
    Added,
    /// A shift before, off or leave now.
    Removed,
    /// A shift both times, starting or ending at another time.
    Moved,
    /// The same shift, lunch or breaks at other times (queues may differ too).
    Rests,
    /// The same shift and rests, other queues (under `assigned` routing) or skills.
    Queues,
    /// Off before, leave now, or the other way.
    DayOff,
}

impl ChangeKind {
    pub fn label(self) -> &'static str {
        match self {
            ChangeKind::Added => "added",
            ChangeKind::Removed => "removed",
            ChangeKind::Moved => "moved",
            ChangeKind::Rests => "rests",
            ChangeKind::Queues => "queues",
            ChangeKind::DayOff => "day-off",
        }
    }

    /// The change from `before` to `after` (a day's sorted rows); `None` if equal.
    fn between(before: &[&RosterRow], after: &[&RosterRow]) -> Option<ChangeKind> {
        if before == after {
            return None;
        }
        let span = |rows: &[&RosterRow]| -> Option<(u32, u32)> {
            let working: Vec<_> = rows.iter().filter(|r| r.activity.is_working()).collect();
            Some((working.first()?.start?, working.last()?.end?))
        };
        let rests = |rows: &[&RosterRow]| -> Vec<(Activity, Option<u32>, Option<u32>)> {
            rows.iter()
                .filter(|r| matches!(r.activity, Activity::Lunch | Activity::Break))
                .map(|r| (r.activity, r.start, r.end))
                .collect()
        };
        Some(match (span(before), span(after)) {
            (None, Some(_)) => ChangeKind::Added,
            (Some(_), None) => ChangeKind::Removed,
            (None, None) => ChangeKind::DayOff,
            (Some(a), Some(b)) if a != b => ChangeKind::Moved,
            _ if rests(before) != rests(after) => ChangeKind::Rests,
            _ => ChangeKind::Queues,
        })
    }
}

/// One changed agent-day of a re-plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayChange {
    pub agent_id: String,
    pub date: NaiveDate,
    pub kind: ChangeKind,
    /// The day as published and as re-planned: `09:00-17:30`, `off` or `leave`.
    pub published: String,
    pub new: String,
}

/// `09:00-17:30` for a working day, else `off` or `leave` (`off` without rows).
fn day_text(rows: &[&RosterRow]) -> String {
    let working: Vec<_> = rows.iter().filter(|r| r.activity.is_working()).collect();
    match (working.first(), working.last()) {
        (Some(first), Some(last)) => format!(
            "{}-{}",
            format_clock_minutes(first.start.unwrap_or(0)),
            format_clock_minutes(last.end.unwrap_or(0))
        ),
        _ if rows.iter().any(|r| r.activity == Activity::Leave) => "leave".into(),
        _ => "off".into(),
    }
}

/// The file a plan writes the changes to.
pub const CHANGES_FILE: &str = "changes.csv";

/// Columns of `changes.csv`.
pub const CHANGES_COLUMNS: [&str; 5] = ["agent_id", "date", "change", "published", "new"];

/// Writes `changes.csv`: one row per changed agent-day.
pub fn write_changes_csv(changes: &[DayChange], out: &mut dyn Write) -> Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    let fail = |e: csv::Error| Error::write(CHANGES_FILE, e.into());
    writer.write_record(CHANGES_COLUMNS).map_err(fail)?;
    for change in changes {
        writer
            .write_record([
                change.agent_id.as_str(),
                &change.date.to_string(),
                change.kind.label(),
                &change.published,
                &change.new,
            ])
            .map_err(fail)?;
    }
    writer.flush().map_err(|e| Error::write(CHANGES_FILE, e))
}

/// Changed agent-days by kind, in [`ChangeKind`] order.
pub fn count_by_kind(changes: &[DayChange]) -> BTreeMap<ChangeKind, usize> {
    let mut counts = BTreeMap::new();
    for change in changes {
        *counts.entry(change.kind).or_insert(0) += 1;
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(activity: Activity, start: u32, end: u32, queue: &str) -> RosterRow {
        RosterRow {
            agent_id: "A1".into(),
            date: NaiveDate::from_ymd_opt(2026, 12, 15).unwrap(),
            start: Some(start),
            activity,
            end: Some(end),
            queue: queue.into(),
        }
    }

    fn whole(activity: Activity) -> RosterRow {
        RosterRow {
            start: None,
            end: None,
            ..row(activity, 0, 0, "")
        }
    }

    #[test]
    fn each_kind_of_change_is_told_apart() {
        let shift = [
            row(Activity::Shift, 540, 720, "sales"),
            row(Activity::Lunch, 720, 750, ""),
            row(Activity::Shift, 750, 1050, "sales"),
        ];
        fn day(rows: &[RosterRow]) -> Vec<&RosterRow> {
            rows.iter().collect()
        }
        let kind = |a: &[RosterRow], b: &[RosterRow]| ChangeKind::between(&day(a), &day(b));
        assert_eq!(kind(&shift, &shift), None);
        let off = [whole(Activity::Off)];
        let leave = [whole(Activity::Leave)];
        assert_eq!(kind(&off, &shift), Some(ChangeKind::Added));
        assert_eq!(kind(&shift, &leave), Some(ChangeKind::Removed));
        assert_eq!(kind(&off, &leave), Some(ChangeKind::DayOff));
        let later = [
            row(Activity::Shift, 600, 720, "sales"),
            row(Activity::Lunch, 720, 750, ""),
            row(Activity::Shift, 750, 1110, "sales"),
        ];
        assert_eq!(kind(&shift, &later), Some(ChangeKind::Moved));
        let lunch_moved = [
            row(Activity::Shift, 540, 750, "sales"),
            row(Activity::Lunch, 750, 780, ""),
            row(Activity::Shift, 780, 1050, "sales"),
        ];
        assert_eq!(kind(&shift, &lunch_moved), Some(ChangeKind::Rests));
        let other_queue = [
            row(Activity::Shift, 540, 720, "support"),
            row(Activity::Lunch, 720, 750, ""),
            row(Activity::Shift, 750, 1050, "sales"),
        ];
        assert_eq!(kind(&shift, &other_queue), Some(ChangeKind::Queues));
        assert_eq!(day_text(&day(&shift)), "09:00-17:30");
        assert_eq!(day_text(&day(&leave)), "leave");
        assert_eq!(day_text(&[]), "off");
    }
}
