//! Requirements under `skills` routing: the queues of an interval share their agents.
//!
//! When the phone system routes by skill, a multi-skilled agent takes the longest-
//! waiting call of any of its queues, so the queues of an interval behave as one
//! Erlang system with their total load (Koole, "Call Center Optimization", 2013, ch. 5:
//! full pooling), which needs fewer agents than the queues staffed apart (the sample
//! month's roster, sized per queue, simulated 95% against 80% targets). Each interval
//! is staffed pooled: the smallest number of agents with which every queue, judged by
//! its own targets against the pooled waiting time, meets them; that number is shared
//! out over the queues in proportion to their separate requirements (largest
//! remainders, so the shares are whole and add up; none below its queue's own offered
//! load), and each share is grossed up with its queue's shrinkage. This assumes the agents on duty can take every queue of the
//! interval, as most of a cross-trained team can; the plan's simulation, which routes
//! call by call, checks it.

use std::collections::BTreeMap;

use super::requirements::RequirementRow;
use super::{evaluate_agents, required_agents, scheduled_staff, QueueTargets};
use crate::erlang::Queue;
use crate::units::largest_remainders;

/// Staffs each interval of `rows` pooled over its queues (see the module docs).
/// Intervals with one queue, or with fewer than two queues with calls, keep their rows.
pub fn pool_requirements(
    rows: &mut [RequirementRow],
    targets: &QueueTargets,
    interval_seconds: f64,
) {
    let mut by_instant: BTreeMap<i64, Vec<usize>> = BTreeMap::new();
    for (index, row) in rows.iter().enumerate() {
        by_instant
            .entry(row.interval_start.instant().timestamp())
            .or_default()
            .push(index);
    }
    for members in by_instant.values() {
        let busy: Vec<usize> = members
            .iter()
            .copied()
            .filter(|&i| rows[i].calls > 0.0 && rows[i].aht_seconds.is_some())
            .collect();
        if busy.len() > 1 {
            pool_interval(rows, &busy, targets, interval_seconds);
        }
    }
}

/// Pools one interval's queues `members` (each with calls and a handle time).
fn pool_interval(
    rows: &mut [RequirementRow],
    members: &[usize],
    targets: &QueueTargets,
    interval_seconds: f64,
) {
    let calls: f64 = members.iter().map(|&i| rows[i].calls).sum();
    let work: f64 = members
        .iter()
        .map(|&i| rows[i].calls * rows[i].aht_seconds.unwrap_or(0.0))
        .sum();
    let pooled = |i: usize| {
        let own = targets.for_queue(&rows[i].queue);
        Queue::new(own.model, calls, interval_seconds, work / calls)
            .ok()
            .map(|queue| (queue, *own))
    };
    let Some(systems) = members
        .iter()
        .map(|&i| pooled(i))
        .collect::<Option<Vec<_>>>()
    else {
        return;
    };
    let agents = systems
        .iter()
        .map(|(queue, own)| required_agents(queue, own).agents)
        .max()
        .unwrap_or(0);
    let separate: Vec<f64> = members.iter().map(|&i| rows[i].agents).collect();
    if f64::from(agents) >= separate.iter().sum::<f64>() {
        return;
    }
    // No queue's share below its own offered load: its calls could not all be answered
    // by the share alone, and a site with specialists leans on it.
    let shares: Vec<u32> = members
        .iter()
        .zip(largest_remainders(&separate, agents as usize))
        .map(|(&i, share)| {
            let share = share as u32;
            let own_load = rows[i].calls * rows[i].aht_seconds.unwrap_or(0.0) / interval_seconds;
            share.max(own_load.ceil() as u32)
        })
        .collect();
    let agents: u32 = shares.iter().sum();
    if f64::from(agents) >= separate.iter().sum::<f64>() {
        return;
    }
    for ((&i, share), (queue, own)) in members.iter().zip(shares).zip(&systems) {
        let metrics = evaluate_agents(queue, own, agents).metrics;
        let row = &mut rows[i];
        row.agents = f64::from(share);
        row.scheduled_staff = f64::from(scheduled_staff(share, own.shrinkage));
        row.service_level = metrics.service_level;
        row.asa_seconds = metrics.asa_seconds;
        row.occupancy = Some(metrics.occupancy);
        row.abandon_rate = metrics.abandon_rate;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::erlang::erlang_c;
    use crate::forecast::file::IntervalStart;
    use crate::staff::{Seconds, ServiceTargets, Share};
    use chrono::TimeZone;

    fn row(queue: &str, calls: f64, agents: f64) -> RequirementRow {
        let at = chrono_tz::UTC
            .with_ymd_and_hms(2026, 12, 1, 10, 0, 0)
            .unwrap();
        RequirementRow {
            queue: queue.into(),
            interval_start: IntervalStart::new(&at),
            calls,
            aht_seconds: Some(180.0),
            agents,
            scheduled_staff: 0.0,
            service_level: None,
            asa_seconds: None,
            occupancy: None,
            abandon_rate: None,
        }
    }

    /// 80/20, no shrinkage, Erlang C for every queue.
    fn eighty_twenty() -> QueueTargets {
        QueueTargets::uniform(&ServiceTargets {
            service_level: Some(Share(0.8)),
            answer_within: Some(Seconds(20.0)),
            shrinkage: Some(Share(0.0)),
            ..ServiceTargets::default()
        })
        .unwrap()
    }

    #[test]
    fn two_queues_pooled_need_what_their_total_load_needs() {
        // 80/20, no shrinkage. Each queue alone: 100 calls of 180 s in 30 min, 10
        // Erlangs; pooled: 20 Erlangs.
        let targets = eighty_twenty();
        let sl = |n: u32, load: f64| {
            1.0 - erlang_c(n, load) * (-(f64::from(n) - load) * 20.0 / 180.0).exp()
        };
        // Independently: the smallest N with SL >= 80% at each load.
        let alone = (11..).find(|&n| sl(n, 10.0) >= 0.8).unwrap();
        let together = (21..).find(|&n| sl(n, 20.0) >= 0.8).unwrap();
        assert!(together < 2 * alone, "{together} vs {alone}");
        let mut rows = vec![
            row("sales", 100.0, f64::from(alone)),
            row("support", 100.0, f64::from(alone)),
        ];
        pool_requirements(&mut rows, &targets, 1800.0);
        let shares: Vec<f64> = rows.iter().map(|r| r.agents).collect();
        assert_eq!(shares.iter().sum::<f64>(), f64::from(together));
        assert!((shares[0] - shares[1]).abs() <= 1.0, "{shares:?}");
        let level = rows[0].service_level.unwrap();
        assert!((level - sl(together, 20.0)).abs() < 1e-9);
        // A single queue keeps its row.
        let mut single = vec![row("sales", 100.0, f64::from(alone))];
        pool_requirements(&mut single, &targets, 1800.0);
        assert_eq!(single[0].agents, f64::from(alone));
    }

    #[test]
    fn no_share_falls_below_its_queues_own_load() {
        let targets = eighty_twenty();
        // "support" carries 200 calls of 180 s (20 Erlangs), "vip" 10 calls of 900 s
        // (5 Erlangs); their separate requirements, as given, weigh vip at 1 in 31.
        let mut vip = row("vip", 10.0, 1.0);
        vip.aht_seconds = Some(900.0);
        let mut rows = vec![row("support", 200.0, 30.0), vip];
        pool_requirements(&mut rows, &targets, 1800.0);
        // Pooled 25 Erlangs need 30 agents, shared 29 and 1; vip raised to its 5 makes
        // 34, more than the 31 apart: the rows stay as they were.
        assert_eq!((rows[0].agents, rows[1].agents), (30.0, 1.0));
        // With a separate need for vip above its load, pooling saves and vip keeps at
        // least its load.
        rows[1].agents = 9.0;
        pool_requirements(&mut rows, &targets, 1800.0);
        assert!(rows[1].agents >= 5.0, "{}", rows[1].agents);
        assert!(rows[0].agents + rows[1].agents < 39.0);
    }

    #[test]
    fn shares_are_whole_and_add_up() {
        assert_eq!(largest_remainders(&[13.0, 13.0], 23), vec![12, 11]);
        assert_eq!(largest_remainders(&[1.0, 2.0, 3.0], 12), vec![2, 4, 6]);
        assert_eq!(largest_remainders(&[10.0, 5.0], 7), vec![5, 2]);
        assert_eq!(largest_remainders(&[0.0, 0.0], 3), vec![0, 0]);
    }
}
