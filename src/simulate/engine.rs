//! One replication: an event loop over a binary heap of timed events.
//!
//! Before the loop, the replication draws its random staffing and volume on streams of
//! their own (so that switching them on leaves the calls' random numbers as they were):
//! each agent's logged-in pieces after absence ([`super::absence`]) and each queue's
//! daily volume factors ([`super::QueueSpec::daily_volume_sd`]).
//!
//! Only four kinds of event go through the heap: the next arrival of each queue (one
//! pending per queue, drawn lazily), the end of a call, and an agent's logged-in piece
//! starting or ending. Abandonment needs no event: a waiting call carries its deadline, and calls
//! whose deadline has passed are removed (and counted) when they reach the head of their
//! queue. Idle agents sit in one FIFO per queue (longest idle first); an agent idle for
//! several queues is in each, and entries left behind when it becomes busy are dropped
//! lazily by a token check. Every step is O(log events) or amortised O(1).

use std::cmp::Ordering;
use std::collections::{BinaryHeap, VecDeque};

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Exp1, StandardNormal};

use super::absence::{self, Piece};
use super::{HandleSampler, LoadInterval, Options, QueueSpec, Scenario, Skill};

/// The random stream of replication `r`'s absence draws is `ABSENCE_STREAM + r`, that
/// of its volume factors `VOLUME_STREAM + r`; the calls use stream `r`.
const ABSENCE_STREAM: u64 = 1 << 32;
const VOLUME_STREAM: u64 = 2 << 32;

/// What happened to the calls that arrived in one interval of one queue, in one
/// replication, plus the agents' busy time during that interval (by clock time).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct IntervalCounts {
    pub offered: u64,
    pub answered: u64,
    pub abandoned: u64,
    pub answered_within: u64,
    /// Sum of the waits of answered calls.
    pub wait_seconds: f64,
    /// Seconds agents answering this queue spent on calls (any queue's) during the
    /// interval, within their logged-in spans.
    pub busy_seconds: f64,
    /// Seconds agents answering this queue were logged in during the interval (after
    /// this replication's absence).
    pub logged_in_seconds: f64,
}

/// The raw outcome of one replication: `queues[q][i]` for queue q's interval i.
#[derive(Debug, Clone, PartialEq)]
pub struct Replication {
    pub queues: Vec<Vec<IntervalCounts>>,
    /// Events processed (arrivals, call ends, span starts and ends).
    pub events: u64,
}

/// Runs replication `replication` of a scenario, with the random streams derived from
/// `(options.seed, replication)` (`options.replications` is not used).
pub fn simulate_replication(
    scenario: &Scenario,
    options: &Options,
    replication: u32,
) -> crate::Result<Replication> {
    super::validate_options(options)?;
    super::validate(scenario)?;
    Ok(run(scenario, options, replication))
}

/// As [`simulate_replication`], for a scenario and options known to be valid.
pub(super) fn run(scenario: &Scenario, options: &Options, replication: u32) -> Replication {
    let stream = |offset: u64| {
        let mut rng = ChaCha8Rng::seed_from_u64(options.seed);
        rng.set_stream(offset + u64::from(replication));
        rng
    };
    let mut absence_rng = stream(ABSENCE_STREAM);
    let pieces: Vec<Vec<Piece>> = scenario
        .agents
        .iter()
        .map(|agent| absence::pieces(agent, options.absence, &mut absence_rng))
        .collect();
    let factors = volume_factors(scenario, &mut stream(VOLUME_STREAM));
    let mut engine = Engine::new(scenario, pieces, factors, options, stream(0));
    engine.run();
    engine.finish()
}

/// Per queue and day, the factor on the day's arrival rates: `max(0, 1 + sd·Z)` where
/// the queue has a positive standard deviation for the day, else exactly 1 (no draw).
fn volume_factors(scenario: &Scenario, rng: &mut ChaCha8Rng) -> Vec<Vec<f64>> {
    scenario
        .queues
        .iter()
        .map(|queue| {
            let days = queue.intervals.last().map_or(0, |i| i.day() as usize + 1);
            (0..days)
                .map(|day| match queue.daily_volume_sd.get(day) {
                    Some(&sd) if sd > 0.0 => {
                        let z: f64 = rng.sample(StandardNormal);
                        (1.0 + sd * z).max(0.0)
                    }
                    _ => 1.0,
                })
                .collect()
        })
        .collect()
}

#[derive(Debug, Clone, Copy)]
enum Event {
    /// The pending arrival of a queue, in interval `interval` of that queue.
    Arrival {
        queue: usize,
        interval: usize,
    },
    CallEnd {
        agent: usize,
    },
    /// Piece `piece` of the agent's logged-in pieces starts or ends.
    SpanStart {
        agent: usize,
        piece: usize,
    },
    SpanEnd {
        agent: usize,
        piece: usize,
    },
}

/// An event at a time; `seq` (the order of scheduling) breaks ties so that runs are
/// deterministic whatever the heap's internals.
#[derive(Debug, Clone, Copy)]
struct Scheduled {
    time: f64,
    seq: u64,
    event: Event,
}

impl PartialEq for Scheduled {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Scheduled {}

impl PartialOrd for Scheduled {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Scheduled {
    /// Reversed, so that `BinaryHeap` (a max-heap) pops the earliest event first.
    fn cmp(&self, other: &Self) -> Ordering {
        other
            .time
            .total_cmp(&self.time)
            .then(other.seq.cmp(&self.seq))
    }
}

/// A call waiting in a queue.
#[derive(Debug, Clone, Copy)]
struct Call {
    arrival: f64,
    /// When the caller hangs up (infinity without patience).
    deadline: f64,
    /// The arrival interval, which the call's statistics and AHT belong to.
    interval: usize,
}

#[derive(Debug, Clone, Copy, Default)]
struct AgentState {
    /// The piece the agent is logged in for, if any.
    piece: Option<usize>,
    on_call: bool,
    /// When the current call ends (meaningful while `on_call`).
    call_end: f64,
    idle: bool,
    /// Changes whenever the agent becomes idle, so that entries in the idle queues from
    /// an earlier idle period are recognised as stale.
    idle_token: u64,
}

/// Where a queue's arrival process stands: the interval being drawn in and the time of
/// the last arrival (or the interval's start).
#[derive(Debug, Clone, Copy)]
struct ArrivalCursor {
    interval: usize,
    clock: f64,
}

struct Engine<'a> {
    scenario: &'a Scenario,
    /// The eligible queues of each agent's spans, sorted: `eligible[agent][span]`.
    eligible: Vec<Vec<Vec<usize>>>,
    /// The same by priority, best first: `skills[agent][span]`.
    skills: Vec<Vec<Vec<Skill>>>,
    /// This replication's logged-in pieces of each agent, in time order.
    pieces: Vec<Vec<Piece>>,
    /// Per queue and day, the factor on the arrival rates.
    factors: Vec<Vec<f64>>,
    handle: HandleSampler,
    rng: ChaCha8Rng,
    heap: BinaryHeap<Scheduled>,
    seq: u64,
    now: f64,
    waiting: Vec<VecDeque<Call>>,
    /// Idle agents per queue, longest idle first, as `(agent, idle_token)`.
    idle: Vec<VecDeque<(usize, u64)>>,
    agents: Vec<AgentState>,
    cursors: Vec<ArrivalCursor>,
    counts: Vec<Vec<IntervalCounts>>,
    events: u64,
}

impl<'a> Engine<'a> {
    fn new(
        scenario: &'a Scenario,
        pieces: Vec<Vec<Piece>>,
        factors: Vec<Vec<f64>>,
        options: &Options,
        rng: ChaCha8Rng,
    ) -> Self {
        let queue_count = scenario.queues.len();
        let eligible = scenario
            .agents
            .iter()
            .map(|agent| agent.spans.iter().map(|s| s.answers.queues()).collect())
            .collect();
        let skills = scenario
            .agents
            .iter()
            .map(|agent| {
                agent
                    .spans
                    .iter()
                    .map(|s| s.answers.by_priority())
                    .collect()
            })
            .collect();
        Engine {
            scenario,
            eligible,
            skills,
            pieces,
            factors,
            handle: options.handle_time.sampler(),
            rng,
            heap: BinaryHeap::new(),
            seq: 0,
            now: 0.0,
            waiting: vec![VecDeque::new(); queue_count],
            idle: vec![VecDeque::new(); queue_count],
            agents: vec![AgentState::default(); scenario.agents.len()],
            cursors: scenario
                .queues
                .iter()
                .map(|queue| ArrivalCursor {
                    interval: 0,
                    clock: queue
                        .intervals
                        .first()
                        .map_or(0.0, LoadInterval::start_second),
                })
                .collect(),
            counts: scenario
                .queues
                .iter()
                .map(|queue| vec![IntervalCounts::default(); queue.intervals.len()])
                .collect(),
            events: 0,
        }
    }

    fn schedule(&mut self, time: f64, event: Event) {
        self.seq += 1;
        self.heap.push(Scheduled {
            time,
            seq: self.seq,
            event,
        });
    }

    fn run(&mut self) {
        self.book_logged_in();
        for queue in 0..self.scenario.queues.len() {
            self.schedule_next_arrival(queue);
        }
        for agent in 0..self.pieces.len() {
            if let Some(first) = self.pieces[agent].first() {
                let start = first.start;
                self.schedule(start, Event::SpanStart { agent, piece: 0 });
            }
        }
        while let Some(Scheduled { time, event, .. }) = self.heap.pop() {
            self.now = time;
            self.events += 1;
            match event {
                Event::Arrival { queue, interval } => self.on_arrival(queue, interval),
                Event::CallEnd { agent } => self.on_call_end(agent),
                Event::SpanStart { agent, piece } => self.on_span_start(agent, piece),
                Event::SpanEnd { agent, piece } => self.on_span_end(agent, piece),
            }
        }
    }

    /// Calls still waiting when nothing more can happen are counted as abandoned.
    fn finish(mut self) -> Replication {
        for queue in 0..self.waiting.len() {
            while let Some(call) = self.waiting[queue].pop_front() {
                self.counts[queue][call.interval].abandoned += 1;
            }
        }
        Replication {
            queues: self.counts,
            events: self.events,
        }
    }

    /// Adds every agent's logged-in pieces to the logged-in time of the queues they
    /// answer.
    fn book_logged_in(&mut self) {
        for (agent, pieces) in self.pieces.iter().enumerate() {
            for piece in pieces {
                for &queue in &self.eligible[agent][piece.span] {
                    let intervals = &self.scenario.queues[queue].intervals;
                    let counts = &mut self.counts[queue];
                    for_each_overlap(intervals, piece.start, piece.end, |index, seconds| {
                        counts[index].logged_in_seconds += seconds;
                    });
                }
            }
        }
    }

    fn exponential(&mut self, mean: f64) -> f64 {
        let unit: f64 = self.rng.sample(Exp1);
        unit * mean
    }

    /// Draws the queue's next arrival: exponential gaps at the current interval's rate;
    /// a gap that crosses the interval's end is dropped and drawing restarts at the next
    /// interval's start (memorylessness makes that exact).
    fn schedule_next_arrival(&mut self, queue: usize) {
        let intervals = &self.scenario.queues[queue].intervals;
        let ArrivalCursor {
            mut interval,
            mut clock,
        } = self.cursors[queue];
        while let Some(load) = intervals.get(interval).copied() {
            clock = clock.max(load.start_second());
            let end = load.end_second();
            let calls = load.calls * self.factors[queue][load.day() as usize];
            if calls > 0.0 {
                let mean_gap = (end - load.start_second()) / calls;
                let at = clock + self.exponential(mean_gap);
                if at < end {
                    self.cursors[queue] = ArrivalCursor {
                        interval,
                        clock: at,
                    };
                    self.schedule(at, Event::Arrival { queue, interval });
                    return;
                }
            }
            interval += 1;
            clock = end;
        }
        self.cursors[queue] = ArrivalCursor { interval, clock };
    }

    fn on_arrival(&mut self, queue: usize, interval: usize) {
        self.schedule_next_arrival(queue);
        self.counts[queue][interval].offered += 1;
        let deadline = match self.scenario.queues[queue].patience_seconds {
            Some(patience) => self.now + self.exponential(patience),
            None => f64::INFINITY,
        };
        let call = Call {
            arrival: self.now,
            deadline,
            interval,
        };
        match self.take_idle_agent(queue) {
            Some(agent) => self.answer(agent, queue, call),
            None => self.waiting[queue].push_back(call),
        }
    }

    /// The longest-idle agent logged in for `queue`, taken out of idleness.
    fn take_idle_agent(&mut self, queue: usize) -> Option<usize> {
        while let Some((agent, token)) = self.idle[queue].pop_front() {
            let state = &mut self.agents[agent];
            if state.idle && state.idle_token == token {
                state.idle = false;
                return Some(agent);
            }
        }
        None
    }

    /// The agent starts on the call now: counts the call and books the agent's busy time.
    fn answer(&mut self, agent: usize, queue: usize, call: Call) {
        let spec: &QueueSpec = &self.scenario.queues[queue];
        let wait = self.now - call.arrival;
        let within = wait <= spec.answer_within_seconds;
        let aht = spec.intervals[call.interval].aht_seconds;
        let counts = &mut self.counts[queue][call.interval];
        counts.answered += 1;
        counts.answered_within += u64::from(within);
        counts.wait_seconds += wait;
        let handle = self.handle.sample(&mut self.rng, aht);
        let end = self.now + handle;
        self.agents[agent].on_call = true;
        self.agents[agent].call_end = end;
        self.book_busy(agent, self.now, end);
        self.schedule(end, Event::CallEnd { agent });
    }

    /// Adds the part of `[from, to)` inside the agent's current piece to the busy time
    /// of every queue the piece answers (so with skills routing the busy time is
    /// pooled).
    fn book_busy(&mut self, agent: usize, from: f64, to: f64) {
        let Some(piece) = self.agents[agent].piece else {
            return;
        };
        let Piece { end, span, .. } = self.pieces[agent][piece];
        let to = to.min(end);
        for &queue in &self.eligible[agent][span] {
            let intervals = &self.scenario.queues[queue].intervals;
            let counts = &mut self.counts[queue];
            for_each_overlap(intervals, from, to, |index, seconds| {
                counts[index].busy_seconds += seconds;
            });
        }
    }

    fn on_call_end(&mut self, agent: usize) {
        self.agents[agent].on_call = false;
        if self.agents[agent].piece.is_some() {
            self.seek_work(agent);
        }
    }

    /// A free, logged-in agent takes the longest-waiting live call among its queues of
    /// the best priority that has one, or becomes idle in all of its queues.
    fn seek_work(&mut self, agent: usize) {
        let Some(piece) = self.agents[agent].piece else {
            return;
        };
        let span = self.pieces[agent][piece].span;
        let count = self.skills[agent][span].len();
        let mut index = 0;
        while index < count {
            let priority = self.skills[agent][span][index].priority;
            let mut best: Option<(f64, usize)> = None;
            while index < count && self.skills[agent][span][index].priority == priority {
                let queue = self.skills[agent][span][index].queue;
                index += 1;
                self.drop_abandoned(queue);
                if let Some(head) = self.waiting[queue].front() {
                    if best.is_none_or(|(arrival, _)| head.arrival < arrival) {
                        best = Some((head.arrival, queue));
                    }
                }
            }
            if let Some((_, queue)) = best {
                let call = self.waiting[queue].pop_front().expect("head seen above");
                self.answer(agent, queue, call);
                return;
            }
        }
        let state = &mut self.agents[agent];
        state.idle = true;
        state.idle_token += 1;
        let token = state.idle_token;
        for &queue in &self.eligible[agent][span] {
            self.idle[queue].push_back((agent, token));
        }
    }

    /// Removes (and counts) waiting calls at the head of the queue whose caller has hung up.
    fn drop_abandoned(&mut self, queue: usize) {
        while let Some(head) = self.waiting[queue].front() {
            if head.deadline > self.now {
                return;
            }
            self.counts[queue][head.interval].abandoned += 1;
            self.waiting[queue].pop_front();
        }
    }

    fn on_span_start(&mut self, agent: usize, piece: usize) {
        let end = self.pieces[agent][piece].end;
        self.agents[agent].piece = Some(piece);
        self.schedule(end, Event::SpanEnd { agent, piece });
        if self.agents[agent].on_call {
            // Back from a gap while still on a call begun before it: the rest is busy
            // time of this piece.
            let call_end = self.agents[agent].call_end;
            self.book_busy(agent, self.now, call_end);
        } else {
            self.seek_work(agent);
        }
    }

    /// The agent logs out (after its current call, if any: the call's end finds no
    /// piece).
    fn on_span_end(&mut self, agent: usize, piece: usize) {
        let state = &mut self.agents[agent];
        state.piece = None;
        state.idle = false;
        if let Some(next) = self.pieces[agent].get(piece + 1) {
            let start = next.start;
            self.schedule(
                start,
                Event::SpanStart {
                    agent,
                    piece: piece + 1,
                },
            );
        }
    }
}

/// Calls `add(index, seconds)` for each interval that `[from, to)` overlaps, with the
/// overlap in seconds. Intervals are sorted and disjoint.
pub(super) fn for_each_overlap(
    intervals: &[LoadInterval],
    from: f64,
    to: f64,
    mut add: impl FnMut(usize, f64),
) {
    let first = intervals.partition_point(|interval| interval.end_second() <= from);
    for (index, interval) in intervals.iter().enumerate().skip(first) {
        let start = interval.start_second();
        if start >= to {
            break;
        }
        let seconds = to.min(interval.end_second()) - from.max(start);
        if seconds > 0.0 {
            add(index, seconds);
        }
    }
}
