//! Weekly required FTE from interval-level Erlang staffing.
//!
//! A week's calls are spread over its intervals by the queue's typical week (the
//! intraday shape of each weekday over the recent weeks, and the AHT profile of the
//! monthly forecast); each interval is staffed with Erlang as `wfm staff` staffs it
//! (the queue's targets, occupancy cap included); and the week's requirement is
//!
//! ```text
//! required FTE = Σ_intervals agents_i · interval hours / paid hours per FTE / (1 − shrinkage)
//! ```
//!
//! A weekly average cannot say this: the same FTE spread evenly over the week leaves
//! the busy intervals short and the quiet ones over, and a workload figure (calls ×
//! AHT over occupancy) omits the queueing margin every interval needs on top of its
//! load, which the square-root staffing rule puts at about β·√A agents for a load of
//! A erlangs (Gans, Koole & Mandelbaum 2003, "Telephone call centers", M&SOM 5:79,
//! section 4.1): relatively largest in the small, quiet intervals.

use chrono::Datelike;

use crate::erlang::Queue;
use crate::error::{Error, Result};
use crate::forecast::aht::aht_profile;
use crate::forecast::calendar::Calendar;
use crate::forecast::series::QueueHistory;
use crate::staff::{required_agents, Targets};

use super::config::AhtChange;

/// A queue's typical week: how a day's calls fall into its intervals, and their AHT.
#[derive(Debug, Clone, PartialEq)]
pub struct WeekPattern {
    pub queue: String,
    pub interval_minutes: u32,
    /// Intervals per day.
    pub slots: usize,
    /// Share of a day's calls in each interval, per weekday (Monday first):
    /// `intraday[weekday * slots + slot]`, each weekday summing to 1 (or 0 for a
    /// weekday never seen with calls).
    pub intraday: Vec<f64>,
    /// AHT of each interval, seconds, laid out as `intraday`.
    pub aht_seconds: Vec<f64>,
}

/// One queue's requirement for one week.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct WeekRequirement {
    pub calls: f64,
    /// Agents on the phones summed over the week's intervals, in agent-hours.
    pub agent_hours: f64,
    /// Paid FTE needed: agent-hours / paid hours per FTE / (1 − shrinkage).
    pub required_fte: f64,
    /// Handle time, seconds: AHT times calls over the week.
    pub handle_seconds: f64,
}

impl WeekPattern {
    /// The typical week of `history` over its last `weeks` weeks of normal days (the
    /// whole history for a weekday without calls in them).
    pub fn from_history(history: &QueueHistory, calendar: &Calendar, weeks: u32) -> Result<Self> {
        let grid = &history.calls;
        let slots = grid.slots();
        let recent = grid.days().saturating_sub(weeks as usize * 7);
        let mut intraday = intraday_shares(history, calendar, recent);
        let all = intraday_shares(history, calendar, 0);
        for weekday in 0..7 {
            let range = weekday * slots..(weekday + 1) * slots;
            if intraday[range.clone()].iter().sum::<f64>() == 0.0 {
                intraday[range.clone()].copy_from_slice(&all[range]);
            }
        }
        let profile = aht_profile(history)?;
        let mut aht_seconds = vec![0.0; 7 * slots];
        for weekday in 0..7 {
            for slot in 0..slots {
                let index = weekday * slots + slot;
                match profile.get(weekday, slot) {
                    Some(aht) if aht > 0.0 => aht_seconds[index] = aht,
                    _ if intraday[index] > 0.0 => {
                        return Err(Error::input(format!(
                            "queue \"{}\": the history has no handle times (aht_seconds), so its calls cannot be staffed",
                            history.queue
                        )))
                    }
                    _ => {}
                }
            }
        }
        Ok(WeekPattern {
            queue: history.queue.clone(),
            interval_minutes: history.interval_minutes,
            slots,
            intraday,
            aht_seconds,
        })
    }

    /// Staffs a week of `days` calls (Monday first) with `targets`, `aht` changed as a
    /// scenario says, over `fte_hours` paid hours per FTE.
    pub fn requirement(
        &self,
        days: &[f64; 7],
        targets: &Targets,
        aht: Option<AhtChange>,
        fte_hours: f64,
    ) -> Result<WeekRequirement> {
        let interval_seconds = f64::from(self.interval_minutes) * 60.0;
        let interval_hours = interval_seconds / 3600.0;
        let mut week = WeekRequirement::default();
        let mut agents = 0_u64;
        for (weekday, &day_calls) in days.iter().enumerate() {
            for slot in 0..self.slots {
                let index = weekday * self.slots + slot;
                let calls = day_calls * self.intraday[index];
                if calls <= 0.0 {
                    continue;
                }
                let aht_seconds = aht.map_or(self.aht_seconds[index], |change| {
                    change.apply(self.aht_seconds[index])
                });
                let queue = Queue::new(targets.model, calls, interval_seconds, aht_seconds)
                    .map_err(|e| Error::input(format!("queue \"{}\": {e}", self.queue)))?;
                agents += u64::from(required_agents(&queue, targets).agents);
                week.calls += calls;
                week.handle_seconds += calls * aht_seconds;
            }
        }
        week.agent_hours = agents as f64 * interval_hours;
        week.required_fte = required_fte(week.agent_hours, fte_hours, targets.shrinkage);
        Ok(week)
    }
}

/// Paid FTE for `agent_hours` on the phones in a week: agent-hours / paid hours per
/// FTE / (1 − shrinkage).
pub fn required_fte(agent_hours: f64, fte_hours: f64, shrinkage: f64) -> f64 {
    agent_hours / fte_hours / (1.0 - shrinkage)
}

/// Share of each weekday's calls per interval over the normal days from day `first`
/// on whose every interval was observed.
fn intraday_shares(history: &QueueHistory, calendar: &Calendar, first: usize) -> Vec<f64> {
    let grid = &history.calls;
    let slots = grid.slots();
    let mut sums = vec![0.0; 7 * slots];
    for day in first..grid.days() {
        let date = grid.date(day);
        if calendar.is_special(date) || grid.daily_total(day).is_none() {
            continue;
        }
        let weekday = date.weekday().num_days_from_monday() as usize;
        for (slot, value) in grid.day_values(day).iter().enumerate() {
            sums[weekday * slots + slot] += value.unwrap_or(0.0);
        }
    }
    for weekday in 0..7 {
        let range = weekday * slots..(weekday + 1) * slots;
        let total: f64 = sums[range.clone()].iter().sum();
        if total > 0.0 {
            sums[range].iter_mut().for_each(|s| *s /= total);
        }
    }
    sums
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::erlang::Model;

    fn targets(level: f64, shrinkage: f64) -> Targets {
        Targets {
            service_level: Some(level),
            answer_within: Some(20.0),
            max_asa_seconds: None,
            max_occupancy: Some(0.9),
            shrinkage,
            model: Model::ErlangC,
            max_abandon: None,
            min_agents: 0,
        }
    }

    /// A flat week: 12 open half-hours a day, each with the same calls and AHT.
    fn flat() -> WeekPattern {
        let slots = 48;
        let mut intraday = vec![0.0; 7 * slots];
        for weekday in 0..7 {
            for slot in 16..28 {
                intraday[weekday * slots + slot] = 1.0 / 12.0;
            }
        }
        WeekPattern {
            queue: "support".into(),
            interval_minutes: 30,
            slots,
            intraday,
            aht_seconds: vec![300.0; 7 * slots],
        }
    }

    /// The documented formula on a flat week: every interval needs the same agents N
    /// (Erlang C for 100 calls of 300 s in 30 min at 80/20), so the week needs
    /// 7 · 12 · N · 0.5 h / 37.5 h / (1 − 30%) FTE.
    #[test]
    fn flat_week_is_interval_sum_over_paid_hours_and_shrinkage() {
        let pattern = flat();
        let targets = targets(0.8, 0.3);
        let week = pattern
            .requirement(&[1200.0; 7], &targets, None, 37.5)
            .unwrap();
        let queue = Queue::new(Model::ErlangC, 100.0, 1800.0, 300.0).unwrap();
        let n = required_agents(&queue, &targets).agents;
        assert_eq!(n, 21);
        let expected = 84.0 * f64::from(n) * 0.5 / 37.5 / 0.7;
        assert_eq!(week.required_fte, expected);
        assert_eq!(week.agent_hours, 84.0 * f64::from(n) * 0.5);
        assert!((week.calls - 8400.0).abs() < 1e-9);
    }

    /// Interval staffing carries each interval's queueing margin: the week needs more
    /// agent-hours than its workload (calls x AHT) over the occupancy cap, which is all
    /// a weekly-average calculation counts; and the uneven week, whose busy half-hours
    /// hold 3 times the calls of its quiet ones, staffs each half-hour for its own load.
    #[test]
    fn intervals_carry_their_queueing_margin() {
        let flat = flat();
        let mut peaky = flat.clone();
        for weekday in 0..7 {
            for slot in 16..28 {
                peaky.intraday[weekday * 48 + slot] =
                    if slot < 22 { 1.5 / 12.0 } else { 0.5 / 12.0 };
            }
        }
        let targets = targets(0.8, 0.0);
        let days = [1200.0; 7];
        for pattern in [&flat, &peaky] {
            let week = pattern.requirement(&days, &targets, None, 40.0).unwrap();
            let workload_hours = week.handle_seconds / 3600.0;
            assert!(week.agent_hours > workload_hours / 0.9, "{week:?}");
        }
        let busy = Queue::new(Model::ErlangC, 150.0, 1800.0, 300.0).unwrap();
        let quiet = Queue::new(Model::ErlangC, 50.0, 1800.0, 300.0).unwrap();
        let per_day = 6
            * (required_agents(&busy, &targets).agents + required_agents(&quiet, &targets).agents);
        let week = peaky.requirement(&days, &targets, None, 40.0).unwrap();
        assert_eq!(week.agent_hours, f64::from(7 * per_day) * 0.5);
    }

    #[test]
    fn aht_change_applies_to_every_interval() {
        let pattern = flat();
        let targets = targets(0.8, 0.3);
        let base = pattern
            .requirement(&[1200.0; 7], &targets, None, 40.0)
            .unwrap();
        let longer = pattern
            .requirement(&[1200.0; 7], &targets, Some(AhtChange::Seconds(15.0)), 40.0)
            .unwrap();
        assert!(longer.required_fte > base.required_fte);
        assert!((longer.handle_seconds - 8400.0 * 315.0).abs() < 1e-6);
    }
}
