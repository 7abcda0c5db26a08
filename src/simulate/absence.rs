//! Shrinkage as random absence: which parts of an agent's spans it is really logged in
//! for, drawn afresh in every replication.
//!
//! A plan sizes its scheduled staff as `agents / (1 − shrinkage)`: of the people
//! rostered on the phones (lunches and breaks already cut out), a share `shrinkage` is
//! expected to be elsewhere (meetings, coaching, sickness, unplanned time off). The
//! simulation makes that absence real instead of trusting the average:
//! - [`Absence::PerSlot`]: the agent is absent in each 15-minute slot of the clock
//!   (minutes `[15k, 15k + 15)` from the horizon's start) in which it is logged in,
//!   independently, with probability `shrinkage`. Spans that share a slot (a break
//!   ending at 10:05) share its draw.
//! - [`Absence::WholeDay`]: each agent-day ([`super::Span::day`]) is absent as a whole
//!   with probability `shrinkage` (sickness: the day is gone, and all of an agent's
//!   absences of a day fall together).
//! - [`Absence::None`]: everyone works every rostered minute.
//!
//! An agent whose slot or day turns absent while it is on a call finishes the call (the
//! span ends; a span's end never cuts a call) and takes no new one until it is back.

use rand::Rng;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use super::Agent;

/// The length of a per-slot absence slot, in seconds.
pub const ABSENCE_SLOT_SECONDS: f64 = 900.0;

/// How an agent's shrinkage turns into absence (see the module's documentation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum Absence {
    /// Each 15-minute slot of a shift is absent independently with probability
    /// shrinkage: off-phone time (meetings, coaching, short absences) spread through
    /// the day. Optimistic: an agent leaving for a slot finishes its call and is back
    /// 15 minutes later (the sample month: 93.0% for sales against 85.7% whole-day).
    PerSlot,
    /// Each agent-day is absent with probability shrinkage (sickness, no-shows): the
    /// default, the harsher check, and the one whose mean matches the projection's
    /// `agents x (1 - shrinkage)` on the phones (the sample month within 2 points).
    #[default]
    WholeDay,
    /// No absence: every rostered minute is worked.
    None,
}

impl Absence {
    pub fn label(self) -> &'static str {
        match self {
            Absence::PerSlot => "per-slot",
            Absence::WholeDay => "whole-day",
            Absence::None => "none",
        }
    }
}

/// A stretch an agent is logged in for in one replication: part of its span `span`
/// (the index into [`Agent::spans`], whose `answers` apply).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Piece {
    pub start: f64,
    pub end: f64,
    pub span: usize,
}

/// The agent's logged-in pieces, in time order, after this replication's absence.
/// Draws nothing for an agent whose shrinkage is 0.
pub(super) fn pieces(agent: &Agent, absence: Absence, rng: &mut ChaCha8Rng) -> Vec<Piece> {
    let whole = || {
        agent
            .spans
            .iter()
            .enumerate()
            .map(|(span, s)| Piece {
                start: s.start_second,
                end: s.end_second,
                span,
            })
            .collect()
    };
    let p = agent.shrinkage;
    if p <= 0.0 {
        return whole();
    }
    match absence {
        Absence::None => whole(),
        Absence::WholeDay => whole_day(agent, p, rng),
        Absence::PerSlot => per_slot(agent, p, rng),
    }
}

fn whole_day(agent: &Agent, p: f64, rng: &mut ChaCha8Rng) -> Vec<Piece> {
    let mut pieces = Vec::with_capacity(agent.spans.len());
    let mut last: Option<(u32, bool)> = None;
    for (span, s) in agent.spans.iter().enumerate() {
        let absent = match last {
            Some((day, absent)) if day == s.day => absent,
            _ => {
                let absent = rng.random::<f64>() < p;
                last = Some((s.day, absent));
                absent
            }
        };
        if !absent {
            pieces.push(Piece {
                start: s.start_second,
                end: s.end_second,
                span,
            });
        }
    }
    pieces
}

fn per_slot(agent: &Agent, p: f64, rng: &mut ChaCha8Rng) -> Vec<Piece> {
    let mut pieces = Vec::with_capacity(agent.spans.len());
    // The last slot drawn and whether the agent is absent in it.
    let mut last: Option<(u64, bool)> = None;
    for (span, s) in agent.spans.iter().enumerate() {
        let mut slot = (s.start_second / ABSENCE_SLOT_SECONDS).floor() as u64;
        let mut open: Option<f64> = None;
        loop {
            let slot_start = slot as f64 * ABSENCE_SLOT_SECONDS;
            if slot_start >= s.end_second {
                break;
            }
            let absent = match last {
                Some((drawn, absent)) if drawn == slot => absent,
                _ => {
                    let absent = rng.random::<f64>() < p;
                    last = Some((slot, absent));
                    absent
                }
            };
            if absent {
                if let Some(start) = open.take() {
                    pieces.push(Piece {
                        start,
                        end: slot_start.max(s.start_second),
                        span,
                    });
                }
            } else if open.is_none() {
                open = Some(slot_start.max(s.start_second));
            }
            slot += 1;
        }
        if let Some(start) = open {
            pieces.push(Piece {
                start,
                end: s.end_second,
                span,
            });
        }
    }
    pieces.retain(|piece| piece.end > piece.start);
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::simulate::{Answers, Span};
    use rand::SeedableRng;

    fn agent(spans: &[(f64, f64, u32)], shrinkage: f64) -> Agent {
        Agent {
            spans: spans
                .iter()
                .map(|&(start, end, day)| Span {
                    start_second: start,
                    end_second: end,
                    answers: Answers::Queue(0),
                    day,
                })
                .collect(),
            shrinkage,
        }
    }

    #[test]
    fn no_shrinkage_no_draw() {
        let a = agent(&[(0.0, 3600.0, 0)], 0.0);
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let before = rng.clone();
        let pieces = pieces(&a, Absence::PerSlot, &mut rng);
        assert_eq!(pieces.len(), 1);
        assert_eq!(rng, before);
    }

    /// Per slot: pieces start and end on the quarter-hour grid or at the spans' ends,
    /// and the time kept is that of the slots drawn present, one draw per slot in clock
    /// order (slot 40, 10:00-10:15, holds the first span's end and the second's start:
    /// one draw for both).
    #[test]
    fn per_slot_cuts_on_the_grid() {
        // 08:00-10:05 and 10:10-12:00 (a 5-minute break).
        let (a_start, a_end, b_start, b_end) = (28_800.0, 36_300.0, 36_600.0, 43_200.0);
        let a = agent(&[(a_start, a_end, 0), (b_start, b_end, 0)], 0.5);
        for seed in 0..50 {
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            let pieces = pieces(&a, Absence::PerSlot, &mut rng);
            for piece in &pieces {
                for t in [piece.start, piece.end] {
                    assert!(
                        t % 900.0 == 0.0 || [a_end, b_start].contains(&t),
                        "{piece:?}"
                    );
                }
                assert!(piece.start < piece.end);
            }
            // Slots 32 (08:00) to 47 (11:45): 16 draws.
            let mut check = ChaCha8Rng::seed_from_u64(seed);
            let mut want = 0.0;
            for slot in 32..48 {
                let absent = check.random::<f64>() < 0.5;
                let (from, to) = (900.0 * f64::from(slot), 900.0 * f64::from(slot + 1));
                let overlap = |a: f64, b: f64| (to.min(b) - from.max(a)).max(0.0);
                if !absent {
                    want += overlap(a_start, a_end) + overlap(b_start, b_end);
                }
            }
            let present: f64 = pieces.iter().map(|p| p.end - p.start).sum();
            assert_eq!(present, want, "seed {seed}");
            // The generator is where the 16 draws left it.
            assert_eq!(rng, check);
        }
    }

    #[test]
    fn whole_day_drops_every_span_of_the_day_together() {
        // A night shift's two spans on day 0, a day shift on day 1.
        let a = agent(
            &[
                (79_200.0, 90_000.0, 0),
                (91_800.0, 100_800.0, 0),
                (162_000.0, 190_800.0, 1),
            ],
            0.5,
        );
        let mut seen = [0; 4];
        for seed in 0..200 {
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            let spans: Vec<usize> = pieces(&a, Absence::WholeDay, &mut rng)
                .iter()
                .map(|p| p.span)
                .collect();
            let index = match spans.as_slice() {
                [] => 0,
                [0, 1] => 1,
                [2] => 2,
                [0, 1, 2] => 3,
                other => panic!("a day split: {other:?}"),
            };
            seen[index] += 1;
        }
        // Each pattern has probability 1/4.
        assert!(seen.iter().all(|&n| (30..=70).contains(&n)), "{seen:?}");
    }
}
