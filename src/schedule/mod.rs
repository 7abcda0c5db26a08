//! Shift scheduling: per-interval requirements in, shifts with lunches and breaks
//! out, at least cost (see [`model`] for the integer program).
//!
//! Queues in one run are pooled: the schedule covers the sum of their requirements,
//! as for a cross-trained team (`--queue` schedules one queue alone). Rostering then
//! assigns named agents and skills.

pub mod model;
pub mod projection;
pub mod requirements;
pub mod templates;

use std::collections::BTreeMap;
use std::io::Write;

use chrono::{DateTime, Duration, NaiveDate};
use chrono_tz::Tz;

use crate::error::{Error, Result};
use crate::interval::{format_timestamp, local_minute_of_day};
use crate::staff::QueueTargets;
use crate::units::{format_clock_minutes, format_number};
pub use model::{SolveReport, SolverLimits};
pub use requirements::{requirements_in, Cover, Requirement, Routing};
pub use templates::{ShiftConfig, ShiftTemplate};

/// What to schedule.
#[derive(Debug, Clone, PartialEq)]
pub struct ScheduleOptions {
    pub start: NaiveDate,
    pub days: u32,
    pub time_zone: Tz,
    pub cover: Cover,
    pub limits: SolverLimits,
    /// Queues to pool; empty means every queue in the requirements.
    pub queues: Vec<String>,
    /// Service-level target time for the projected service level, seconds (for
    /// queues whose `targets` set none).
    pub answer_within_seconds: f64,
    /// Share of scheduled time not on the phones, for the projected service level;
    /// `None`: each queue's own with `targets`, else estimated from the requirements
    /// (`1 - agents / scheduled_staff`).
    pub shrinkage: Option<f64>,
    /// Per-queue targets for the projected service level (model, answer-within time,
    /// patience, shrinkage); `None`: Erlang C for every queue.
    pub targets: Option<QueueTargets>,
    /// How calls reach the agents: `skills` projects pooled queues as one team,
    /// `assigned` each queue on its share of the agents.
    pub routing: Routing,
}

/// One line of `shifts.csv`: `count` identical shifts. Times are minutes after the
/// shift date's local midnight and may pass 24:00 (`25:30`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ShiftRow {
    pub date: NaiveDate,
    pub start: u32,
    pub template: String,
    pub end: u32,
    pub lunch: Option<(u32, u32)>,
    pub breaks: Vec<(u32, u32)>,
    pub count: u32,
}

/// One line of `coverage.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct CoverageRow {
    pub queue: String,
    pub interval_start: DateTime<Tz>,
    pub calls: f64,
    pub aht_seconds: f64,
    pub required: f64,
    /// Scheduled agents working in the interval (mean over the model's slots, so a
    /// 15-minute break in a 30-minute interval counts half).
    pub scheduled: f64,
    /// The fewest agents working in any model slot of the interval.
    pub weakest_slot: f64,
    /// Agents working in each model slot of the interval, in time order (not written
    /// to the file; the projections use it).
    pub slots: Vec<f64>,
    pub shortfall: f64,
    pub surplus: f64,
    /// Service level the agents of each slot, less shrinkage, would give, averaged
    /// over the slots (see [`projection`]).
    pub service_level: Option<f64>,
}

/// A solved schedule.
#[derive(Debug, Clone)]
pub struct Schedule {
    pub shifts: Vec<ShiftRow>,
    pub coverage: Vec<CoverageRow>,
    pub report: SolveReport,
    /// The label of the pooled queues (`sales+support`).
    pub group: String,
    /// Shrinkage used for the projected service level.
    pub shrinkage: f64,
    pub interval_minutes: u32,
}

impl Schedule {
    /// Agent-intervals short of the requirement, summed.
    pub fn total_shortfall(&self) -> f64 {
        self.coverage.iter().map(|row| row.shortfall).sum()
    }

    /// Paid cost of the shifts.
    pub fn paid_cost(&self, config: &ShiftConfig) -> f64 {
        self.shifts
            .iter()
            .map(|row| {
                let template = config
                    .templates
                    .iter()
                    .find(|t| t.name == row.template)
                    .expect("rows name known templates");
                template.shift_cost() * f64::from(row.count)
            })
            .sum()
    }
}

/// The pooled requirement of one interval.
#[derive(Debug, Clone)]
pub(crate) struct PooledInterval {
    pub start: DateTime<Tz>,
    pub day: u32,
    pub calls: f64,
    pub handle_seconds: f64,
    pub required: f64,
    pub agents: f64,
    pub scheduled_staff: f64,
    /// The queues pooled in it, in the order read.
    pub parts: Vec<QueuePart>,
}

/// One queue's part of a pooled interval.
#[derive(Debug, Clone)]
pub(crate) struct QueuePart {
    pub queue: String,
    pub calls: f64,
    pub aht_seconds: f64,
    /// What the schedule covers for it (`cover`).
    pub required: f64,
}

/// Schedules the requirements of the horizon.
pub fn build_schedule(
    requirements: &[Requirement],
    config: &ShiftConfig,
    options: &ScheduleOptions,
    progress: Option<crate::mip::ProgressFn>,
) -> Result<Schedule> {
    crate::limits::check_horizon(options.start, options.days.into(), "--days")?;
    let selected = select_queues(requirements, &options.queues)?;
    let interval_minutes = detect_interval_minutes(&selected);
    let pooled = pool_horizon(&selected, options)?;
    let demands: Vec<model::Demand> = pooled
        .iter()
        .map(|interval| model::Demand {
            wall_minute: interval.day * 1440 + local_minute_of_day(&interval.start),
            minutes: interval_minutes,
            required: interval.required,
        })
        .collect();
    let solution = model::solve(
        config,
        &demands,
        options.start,
        options.days,
        options.limits,
        progress,
    )?;
    let slot = model::slot_minutes(config, &demands);
    let on_duty = agents_on_duty(config, &solution.shifts, slot, options.days);
    let shrinkage = options
        .shrinkage
        .unwrap_or_else(|| estimated_shrinkage(&pooled));
    let group = queue_label(&selected);
    let coverage = pooled
        .iter()
        .zip(&demands)
        .map(|(interval, demand)| {
            let first = (demand.wall_minute / slot) as usize;
            let count = (demand.minutes / slot) as usize;
            let slots: Vec<f64> = on_duty[first..first + count]
                .iter()
                .map(|&n| f64::from(n))
                .collect();
            let scheduled = slots.iter().sum::<f64>() / count as f64;
            coverage_row(
                &group,
                interval,
                (scheduled, slots),
                interval_minutes,
                shrinkage,
                options,
            )
        })
        .collect();
    Ok(Schedule {
        shifts: shift_rows(config, &solution.shifts, options.start),
        coverage,
        report: solution.report,
        group,
        shrinkage,
        interval_minutes,
    })
}

fn select_queues<'a>(
    requirements: &'a [Requirement],
    queues: &[String],
) -> Result<Vec<&'a Requirement>> {
    for queue in queues {
        if !requirements.iter().any(|r| &r.queue == queue) {
            let known: std::collections::BTreeSet<&str> =
                requirements.iter().map(|r| r.queue.as_str()).collect();
            return Err(Error::input(format!(
                "unknown queue \"{queue}\"; the requirements have: {}",
                known.into_iter().collect::<Vec<_>>().join(", ")
            )));
        }
    }
    Ok(requirements
        .iter()
        .filter(|r| queues.is_empty() || queues.contains(&r.queue))
        .collect())
}

/// The interval length: the shortest spacing between a queue's consecutive intervals.
pub(crate) fn detect_interval_minutes(requirements: &[&Requirement]) -> u32 {
    let mut by_queue: BTreeMap<&str, Vec<i64>> = BTreeMap::new();
    for requirement in requirements {
        by_queue
            .entry(&requirement.queue)
            .or_default()
            .push(requirement.interval_start.timestamp());
    }
    by_queue
        .values_mut()
        .flat_map(|starts| {
            starts.sort_unstable();
            starts
                .windows(2)
                .map(|pair| (pair[1] - pair[0]) / 60)
                .filter(|minutes| *minutes > 0)
                .collect::<Vec<_>>()
        })
        .min()
        .map_or(30, |minutes| minutes.clamp(1, 1440) as u32)
}

/// Sums the selected queues per interval, keeping the horizon's intervals only.
pub(crate) fn pool_horizon(
    requirements: &[&Requirement],
    options: &ScheduleOptions,
) -> Result<Vec<PooledInterval>> {
    let last = options.start + Duration::days(i64::from(options.days) - 1);
    let mut pooled: BTreeMap<i64, PooledInterval> = BTreeMap::new();
    for requirement in requirements {
        let start = requirement.interval_start.with_timezone(&options.time_zone);
        let date = start.date_naive();
        if date < options.start || date > last {
            continue;
        }
        let entry = pooled
            .entry(start.timestamp())
            .or_insert_with(|| PooledInterval {
                start,
                day: (date - options.start).num_days() as u32,
                calls: 0.0,
                handle_seconds: 0.0,
                required: 0.0,
                agents: 0.0,
                scheduled_staff: 0.0,
                parts: Vec::new(),
            });
        entry.parts.push(QueuePart {
            queue: requirement.queue.clone(),
            calls: requirement.calls,
            aht_seconds: requirement.aht_seconds,
            required: requirement.required(options.cover),
        });
        entry.calls += requirement.calls;
        entry.handle_seconds += requirement.calls * requirement.aht_seconds;
        entry.required += requirement.required(options.cover);
        entry.agents += requirement.agents;
        entry.scheduled_staff += requirement.scheduled_staff;
    }
    if pooled.is_empty() {
        return Err(Error::input(format!(
            "the requirements have no interval between {} and {}; expected requirements for the schedule's days",
            options.start, last
        )));
    }
    Ok(pooled.into_values().collect())
}

/// Shrinkage implied by the requirements: `1 - agents / scheduled_staff`.
pub(crate) fn estimated_shrinkage(pooled: &[PooledInterval]) -> f64 {
    let agents: f64 = pooled.iter().map(|p| p.agents).sum();
    let staff: f64 = pooled.iter().map(|p| p.scheduled_staff).sum();
    if staff > 0.0 {
        (1.0 - agents / staff).clamp(0.0, 0.99)
    } else {
        0.0
    }
}

/// The label of pooled queues: their names in order, joined by `+` (`sales+support`).
pub fn queue_label(requirements: &[&Requirement]) -> String {
    let queues: std::collections::BTreeSet<&str> =
        requirements.iter().map(|r| r.queue.as_str()).collect();
    queues.into_iter().collect::<Vec<_>>().join("+")
}

/// Agents working in each slot of the horizon, counted shift by shift.
pub fn agents_on_duty(
    config: &ShiftConfig,
    shifts: &[model::PlacedShift],
    slot: u32,
    days: u32,
) -> Vec<u32> {
    let horizon_slots = (days * 1440 / slot) as usize;
    let mut on_duty = vec![0i64; horizon_slots];
    let mut add = |from: u32, minutes: u32, delta: i64| {
        let first = (from / slot) as usize;
        let last = (((from + minutes) / slot) as usize).min(horizon_slots);
        for count in on_duty.iter_mut().take(last).skip(first) {
            *count += delta;
        }
    };
    for shift in shifts {
        let template = &config.templates[shift.template];
        let start = shift.day * 1440 + shift.start;
        add(start, template.span_minutes(), 1);
        for (rest, rest_start) in template.rests().iter().zip(&shift.rest_starts) {
            add(shift.day * 1440 + rest_start, rest.length, -1);
        }
    }
    on_duty.into_iter().map(|c| c.max(0) as u32).collect()
}

/// The coverage row of `interval` with `scheduled` agents working on average and
/// `slots` in each model slot; `shrinkage` is the run's (given or estimated).
pub(crate) fn coverage_row(
    group: &str,
    interval: &PooledInterval,
    (scheduled, slots): (f64, Vec<f64>),
    interval_minutes: u32,
    shrinkage: f64,
    options: &ScheduleOptions,
) -> CoverageRow {
    let aht_seconds = if interval.calls > 0.0 {
        interval.handle_seconds / interval.calls
    } else {
        0.0
    };
    let service_level = row_service_level(
        interval,
        aht_seconds,
        &slots,
        f64::from(interval_minutes) * 60.0,
        shrinkage,
        options,
    );
    CoverageRow {
        queue: group.to_string(),
        interval_start: interval.start,
        calls: interval.calls,
        aht_seconds,
        required: interval.required,
        scheduled,
        weakest_slot: slots.iter().copied().reduce(f64::min).unwrap_or(0.0),
        slots,
        shortfall: (interval.required - scheduled).max(0.0),
        surplus: (scheduled - interval.required).max(0.0),
        service_level,
    }
}

/// The projected service level of a coverage row, the mean over its slots (see
/// [`projection`]). One queue: with its own targets. Pooled queues under `skills`
/// routing: one team answering all their calls (their total load, the load-weighted
/// handle time, every agent on the phones at the run's shrinkage), each queue within
/// its own answer-within time and model, the call-weighted mean over the queues. Under
/// `assigned`: each queue on its share of the agents, in proportion to its
/// requirement, with its own targets (as `wfm plan` projects each queue).
fn row_service_level(
    interval: &PooledInterval,
    aht_seconds: f64,
    slots: &[f64],
    interval_seconds: f64,
    shrinkage: f64,
    options: &ScheduleOptions,
) -> Option<f64> {
    let targets: Vec<crate::staff::Targets> = interval
        .parts
        .iter()
        .map(|part| {
            projection::projection_targets(
                options.targets.as_ref(),
                &part.queue,
                options.answer_within_seconds,
                options.shrinkage,
                shrinkage,
            )
        })
        .collect();
    let first = *targets.first()?;
    if targets.len() == 1 || options.routing == Routing::Skills {
        let shrinkage = if targets.len() == 1 {
            first.shrinkage
        } else {
            shrinkage
        };
        let agents: Vec<u32> = slots
            .iter()
            .map(|&n| projection::on_phones(n, shrinkage, options.cover))
            .collect();
        let (mut calls, mut weighted) = (0.0, 0.0);
        for (part, targets) in interval.parts.iter().zip(&targets) {
            let level = projection::mean_service_level(
                interval.calls,
                aht_seconds,
                interval_seconds,
                targets,
                &agents,
            );
            if let Some(level) = level {
                calls += part.calls;
                weighted += part.calls * level;
            }
        }
        return (calls > 0.0).then(|| weighted / calls);
    }
    let (mut calls, mut weighted) = (0.0, 0.0);
    for (part, targets) in interval.parts.iter().zip(&targets) {
        let agents = projection::queue_share(
            slots,
            part.required,
            interval.required,
            targets.shrinkage,
            options.cover,
        );
        if let Some(level) = projection::mean_service_level(
            part.calls,
            part.aht_seconds,
            interval_seconds,
            targets,
            &agents,
        ) {
            calls += part.calls;
            weighted += part.calls * level;
        }
    }
    (calls > 0.0).then(|| weighted / calls)
}

/// Groups placed shifts into `shifts.csv` rows.
fn shift_rows(
    config: &ShiftConfig,
    shifts: &[model::PlacedShift],
    first_day: NaiveDate,
) -> Vec<ShiftRow> {
    count_shift_rows(
        config,
        first_day,
        shifts
            .iter()
            .map(|s| (s.template, s.day, s.start, s.rest_starts.as_slice())),
    )
}

/// Counts identical shifts (same date, template, start, lunch and breaks) as
/// `shifts.csv` rows. Each shift is (template index, day of the horizon starting at
/// `first_day`, start, rest starts with the lunch first), times in minutes after the
/// day's midnight; the roster uses it too, so both write the same `shifts.csv`.
pub fn count_shift_rows<'a>(
    config: &ShiftConfig,
    first_day: NaiveDate,
    shifts: impl Iterator<Item = (usize, u32, u32, &'a [u32])>,
) -> Vec<ShiftRow> {
    let mut rows: BTreeMap<ShiftRow, u32> = BTreeMap::new();
    for (template_index, day, start, rest_starts) in shifts {
        let template = &config.templates[template_index];
        let mut rest_times = template
            .rests()
            .into_iter()
            .zip(rest_starts)
            .map(|(rest, &start)| (start, start + rest.length));
        let lunch = if template.lunch.is_some() {
            rest_times.next()
        } else {
            None
        };
        let mut breaks: Vec<(u32, u32)> = rest_times.collect();
        breaks.sort_unstable();
        let row = ShiftRow {
            date: first_day + Duration::days(i64::from(day)),
            start,
            template: template.name.clone(),
            end: start + template.span_minutes(),
            lunch,
            breaks,
            count: 0,
        };
        *rows.entry(row).or_default() += 1;
    }
    rows.into_iter()
        .map(|(row, count)| ShiftRow { count, ..row })
        .collect()
}

/// Columns of `shifts.csv`.
pub const SHIFT_COLUMNS: [&str; 8] = [
    "date",
    "template",
    "start",
    "end",
    "lunch_start",
    "lunch_end",
    "breaks",
    "count",
];

/// Columns of `coverage.csv`.
pub const COVERAGE_COLUMNS: [&str; 10] = [
    "queue",
    "interval_start",
    "calls",
    "aht_seconds",
    "required",
    "scheduled",
    "weakest_slot",
    "shortfall",
    "surplus",
    "service_level",
];

/// Writes `shifts.csv`.
pub fn write_shifts_csv(rows: &[ShiftRow], out: &mut dyn Write) -> Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    let io = |e: csv::Error| Error::write("shifts.csv", e.into());
    writer.write_record(SHIFT_COLUMNS).map_err(io)?;
    for row in rows {
        let (lunch_start, lunch_end) = row.lunch.map_or((String::new(), String::new()), |l| {
            (format_clock_minutes(l.0), format_clock_minutes(l.1))
        });
        let breaks: Vec<String> = row
            .breaks
            .iter()
            .map(|&(from, to)| {
                format!(
                    "{}-{}",
                    format_clock_minutes(from),
                    format_clock_minutes(to)
                )
            })
            .collect();
        writer
            .write_record([
                row.date.format("%Y-%m-%d").to_string(),
                row.template.clone(),
                format_clock_minutes(row.start),
                format_clock_minutes(row.end),
                lunch_start,
                lunch_end,
                breaks.join(";"),
                row.count.to_string(),
            ])
            .map_err(io)?;
    }
    writer.flush().map_err(|e| Error::write("shifts.csv", e))
}

/// Writes `coverage.csv`.
pub fn write_coverage_csv(rows: &[CoverageRow], out: &mut dyn Write) -> Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    let io = |e: csv::Error| Error::write("coverage.csv", e.into());
    writer.write_record(COVERAGE_COLUMNS).map_err(io)?;
    for row in rows {
        writer
            .write_record([
                row.queue.clone(),
                format_timestamp(&row.interval_start),
                format_number(row.calls, 3),
                format_number(row.aht_seconds, 3),
                format_number(row.required, 3),
                format_number(row.scheduled, 3),
                format_number(row.weakest_slot, 3),
                format_number(row.shortfall, 3),
                format_number(row.surplus, 3),
                row.service_level
                    .map(|sl| format_number(sl, 4))
                    .unwrap_or_default(),
            ])
            .map_err(io)?;
    }
    writer.flush().map_err(|e| Error::write("coverage.csv", e))
}
