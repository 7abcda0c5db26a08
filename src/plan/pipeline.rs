//! The steps of a plan, in memory, each writing its output file as soon as it is
//! done: ingest → forecast → staff → schedule → roster.
//!
//! Each step hands the next the typed rows its output file holds, rounded as the file
//! prints them (see `units::as_printed`), so the files of a plan are the files the
//! single-step commands would write from one another, and any step can be rerun by
//! hand from the previous step's file.

use std::path::Path;
use std::time::Instant;

use chrono::{Duration, NaiveDate};

use crate::error::{Error, Result};
use crate::forecast::calendar::Calendar;
use crate::forecast::series::queue_histories;
use crate::forecast::{
    forecast_queues, forecast_rows, select_queues, write_forecast, ForecastOptions, ForecastRow,
    QueueForecast,
};
use crate::ingest::{read_history, IngestOptions};
use crate::interval::IntervalTable;
use crate::mip::ProgressFn;
use crate::output::write_atomic;
use crate::publish::{write_exports, Published};
use crate::schedule::{
    build_schedule, queue_label, requirements_in, write_coverage_csv, write_shifts_csv,
    CoverageRow, Requirement, Schedule, ScheduleOptions, ShiftConfig,
};
use crate::staff::forecast::{staff_rows, StaffSummary};
use crate::staff::requirements::write_requirements;

use super::config::{PlanConfig, ReplanConfig};
use super::guards::{stale_history, stale_history_message};
use super::notes::{Note, NoteKind};
use super::roster::{check_people, roster_step, RosterPlan, RosterStepInputs};
use super::simulation::{
    raise_below_target, simulate_plan, write_simulation_csv, CorrectionRound, SIMULATION_FILE,
};
use crate::roster::replan::{write_changes_csv, CHANGES_FILE};
use crate::roster::{read_roster, Replan};
use crate::simulate::Simulation;

/// Names of the output files, in the order the steps write them.
pub const FORECAST_FILE: &str = "forecast.csv";
pub const REQUIREMENTS_FILE: &str = "requirements.csv";
pub const SHIFTS_FILE: &str = "shifts.csv";
pub const COVERAGE_FILE: &str = "coverage.csv";

/// Writes `coverage.csv` into `dir` (again, once the plan has projected its service
/// levels over time).
pub fn write_coverage(dir: &Path, rows: &[CoverageRow]) -> Result<()> {
    write_atomic(&dir.join(COVERAGE_FILE), |out| {
        write_coverage_csv(rows, out)
    })
}
pub const ROSTER_FILE: &str = "roster.csv";

/// One queue's offered calls on one local day.
#[derive(Debug, Clone, PartialEq)]
pub struct DailyCalls {
    pub queue: String,
    pub date: NaiveDate,
    pub calls: f64,
}

/// How long a step took (logged with `--verbose`, in `summary.json` with `--stamp`).
#[derive(Debug, Clone, PartialEq)]
pub struct StepTiming {
    pub step: &'static str,
    pub seconds: f64,
}

/// Everything a plan computed.
#[derive(Debug, Clone)]
pub struct Plan {
    pub shift_config: ShiftConfig,
    /// The weeks of history before the horizon, per queue and day (for the report).
    pub history: Vec<DailyCalls>,
    pub forecasts: Vec<QueueForecast>,
    /// The rows of `forecast.csv`.
    pub forecast: Vec<ForecastRow>,
    /// Per queue and interval: what the schedule covers.
    pub requirements: Vec<Requirement>,
    pub staffing: StaffSummary,
    pub schedule: Schedule,
    pub roster: Option<RosterPlan>,
    /// The agent-facing exports written (paths relative to the plan directory);
    /// empty without a roster or with `[exports] enabled = false`.
    pub exports: Vec<String>,
    /// The plan's roster (or shifts) simulated; `None` with `[simulation] enabled = false`.
    pub simulation: Option<Simulation>,
    /// With `[simulation] correct = true`: each round's cost and simulated service.
    pub corrections: Vec<CorrectionRound>,
    /// What the planner should know (printed on stderr, kept in `summary.json`).
    pub notes: Vec<Note>,
    /// Days of the horizon the calendar closes (the report flags shifts on them).
    pub closed_days: Vec<NaiveDate>,
    /// Warnings logged as the run found them (a stale history); kept in
    /// `summary.json` before the notes.
    pub warnings: Vec<String>,
    pub timings: Vec<StepTiming>,
    /// The steps whose solver the wall clock stopped (a safety net that bit: the
    /// plan may differ on a faster or idle machine); empty when every solver stopped on
    /// its deterministic limits.
    pub clock_stops: Vec<String>,
    /// The plan re-planned a published roster (and wrote `changes.csv`).
    pub replanned: bool,
}

/// Callbacks a run reports to: the name of each step as it starts, and the solver's
/// progress lines (both only shown on a terminal).
#[derive(Clone, Copy, Default)]
pub struct Hooks<'a> {
    pub status: Option<ProgressFn<'a>>,
}

impl Hooks<'_> {
    fn step(&self, message: &str) {
        if let Some(show) = self.status {
            show(message);
        }
    }
}

/// Runs every step, writing `forecast.csv`, `requirements.csv`, `shifts.csv`,
/// `coverage.csv` and (with a roster) `roster.csv` into `dir`. A history older than
/// `[inputs] max_history_age` is an error when `strict`, else a warning.
pub fn run_steps(config: &PlanConfig, dir: &Path, hooks: Hooks, strict: bool) -> Result<Plan> {
    let mut timings = Vec::new();
    let mut notes = Vec::new();
    let mut warnings = Vec::new();
    // Forget clock stops of an earlier run in this process.
    let _ = crate::mip::take_clock_stops();
    let mut timed = |step: &'static str, started: Instant| {
        let seconds = started.elapsed().as_secs_f64();
        tracing::info!("step {step}: {seconds:.2} s");
        timings.push(StepTiming { step, seconds });
    };

    hooks.step("reading the history");
    let started = Instant::now();
    if let Some(people) = &config.people {
        check_people(people)?;
    }
    let replan = config.replan.as_ref().map(read_published).transpose()?;
    let mut shift_config = ShiftConfig::from_file(&config.shifts)?;
    if let Some(coverage) = config.coverage {
        shift_config.coverage = coverage;
    }
    let calendar = match &config.calendar {
        Some(path) => Calendar::read(path)?,
        None => Calendar::empty(),
    };
    let table = ingest(config)?;
    let history_queues = table.queues();
    check_target_queues(config, &history_queues)?;
    let stale = stale_history(&table, config);
    if !stale.is_empty() {
        let message = stale_history_message(&stale, config);
        if strict {
            return Err(Error::input(format!(
                "{message}; --strict refuses it: add the recent history, or raise max_history_age"
            )));
        }
        tracing::warn!("{message}");
        warnings.push(message);
    }
    timed("ingest", started);

    hooks.step("forecasting");
    let started = Instant::now();
    let (from, days) = crate::roster::replan::calendar_window(config.start, config.days);
    let closed_days = calendar.closed_days(from, days);
    if (0..config.days).all(|day| calendar.is_closed(config.start + Duration::days(day.into()))) {
        return Err(Error::input(format!(
            "{}: every day of the horizon {} to {} is closed; nothing to plan",
            config
                .calendar
                .as_ref()
                .map_or("the calendar".into(), |p| p.display().to_string()),
            config.start,
            config.end()
        )));
    }
    let forecasts = forecast(config, &table, calendar)?;
    for forecast in &forecasts {
        notes.extend(
            forecast
                .notes
                .iter()
                .map(|n| Note::about_queue(NoteKind::Forecast, &forecast.queue, n.clone())),
        );
    }
    let forecast = forecast_rows(&forecasts);
    write_forecast(&dir.join(FORECAST_FILE), &forecast)?;
    timed("forecast", started);

    hooks.step("staffing");
    let started = Instant::now();
    let interval_seconds = f64::from(table.interval_minutes) * 60.0;
    let (requirements, staffing) = staff(config, &forecast, interval_seconds, dir)?;
    if staffing.unmet_intervals > 0 {
        notes.push(Note::text(
            NoteKind::UnmetTargets,
            format!(
                "{} of {} intervals cannot meet their targets at any staffing the search allows; first ones: {}",
                staffing.unmet_intervals,
                staffing.intervals,
                staffing.unmet_examples.join("; ")
            ),
        ));
    }
    timed("staff", started);

    let options = schedule_options(config);
    let step = StaffingStep {
        config,
        shift_config: &shift_config,
        options: &options,
        hooks,
        interval_minutes: table.interval_minutes,
        closed_days: &closed_days,
        replan: replan.as_ref(),
        history_queues: &history_queues,
    };
    hooks.step(step.name());
    let started = Instant::now();
    let (mut schedule, mut roster) = step.build(&requirements)?;
    timed(step.label(), started);
    let mut corrections = Vec::new();
    let simulation = if config.simulation.enabled {
        hooks.step("simulating");
        let started = Instant::now();
        let simulate = |schedule: &Schedule, roster: Option<&RosterPlan>| {
            let rows = roster.map(|r| r.rows.as_slice());
            simulate_plan(config, &forecast, rows, &schedule.shifts)
        };
        let mut simulation = simulate(&schedule, roster.as_ref())?;
        if config.simulation.correct {
            let mut working = requirements.clone();
            for round in 0..=config.simulation.max_rounds {
                let paid = paid_hours_and_cost(&shift_config, &schedule.shifts);
                let mut record = CorrectionRound::new(round, paid, &simulation, config);
                let raised = if round < config.simulation.max_rounds {
                    raise_below_target(&mut working, &simulation, config)
                } else {
                    0
                };
                record.raised_intervals = raised;
                corrections.push(record);
                if raised == 0 {
                    break;
                }
                hooks.step("correcting");
                (schedule, roster) = step.build(&working)?;
                simulation = simulate(&schedule, roster.as_ref())?;
            }
        }
        timed("simulate", started);
        Some(simulation)
    } else {
        None
    };
    if let Some(roster) = &roster {
        notes.extend(roster.short_runs.iter().map(Note::shortfall));
        notes.extend(
            roster
                .waivers
                .iter()
                .map(|w| Note::text(NoteKind::MinimumWaived, w.clone())),
        );
        write_bytes(dir, ROSTER_FILE, &roster.csv)?;
        if replan.is_some() {
            write_atomic(&dir.join(CHANGES_FILE), |out| {
                write_changes_csv(&roster.changes, out)
            })?;
        }
    }
    let exports = match &roster {
        Some(roster) if config.exports => {
            let started = Instant::now();
            let published = Published::from_rows(&roster.rows, &roster.agents, config.time_zone)?;
            let names = write_exports(dir, &published)?;
            timed("exports", started);
            names
        }
        _ => Vec::new(),
    };
    write_atomic(&dir.join(SHIFTS_FILE), |out| {
        write_shifts_csv(&schedule.shifts, out)
    })?;
    write_coverage(dir, &schedule.coverage)?;
    if let Some(simulation) = &simulation {
        write_atomic(&dir.join(SIMULATION_FILE), |out| {
            write_simulation_csv(simulation, out)
        })?;
    }

    Ok(Plan {
        shift_config,
        history: daily_history(&table, config),
        forecasts,
        forecast,
        requirements,
        staffing,
        schedule,
        roster,
        exports,
        simulation,
        corrections,
        notes,
        closed_days: closed_days
            .into_iter()
            .filter(|d| *d >= config.start && *d <= config.end())
            .collect(),
        warnings,
        timings,
        clock_stops: crate::mip::take_clock_stops(),
        replanned: replan.is_some(),
    })
}

/// The step that puts people (or anonymous shifts) on the requirements: run once,
/// and again per round of `[simulation] correct`.
struct StaffingStep<'a> {
    config: &'a PlanConfig,
    shift_config: &'a ShiftConfig,
    options: &'a ScheduleOptions,
    hooks: Hooks<'a>,
    interval_minutes: u32,
    closed_days: &'a [NaiveDate],
    replan: Option<&'a Replan>,
    /// Every queue of the history, planned or not.
    history_queues: &'a [String],
}

impl StaffingStep<'_> {
    /// The status line while it runs.
    fn name(&self) -> &'static str {
        match self.config.people {
            Some(_) => "rostering",
            None => "scheduling",
        }
    }

    /// The step's name in the timings.
    fn label(&self) -> &'static str {
        match self.config.people {
            Some(_) => "roster",
            None => "schedule",
        }
    }

    /// The schedule (a roster's shifts and coverage, with agents) and the roster.
    fn build(&self, requirements: &[Requirement]) -> Result<(Schedule, Option<RosterPlan>)> {
        let Some(people) = &self.config.people else {
            tracing::info!("plan.toml names no agents and contracts: anonymous shifts, no roster");
            let schedule = build_schedule(
                requirements,
                self.shift_config,
                self.options,
                self.hooks.status,
            )?;
            return Ok((schedule, None));
        };
        let roster = roster_step(
            &RosterStepInputs {
                people,
                shifts: self.shift_config,
                requirements,
                options: self.options,
                routing: self.config.routing,
                closed_days: self.closed_days,
                replan: self.replan,
                history_queues: self.history_queues,
                progress: self.hooks.status,
            },
            self.config.roster_time_limit_seconds,
        )?;
        let schedule = Schedule {
            shifts: roster.shift_rows.clone(),
            coverage: roster.coverage.clone(),
            report: roster.report.clone(),
            group: queue_label(&requirements.iter().collect::<Vec<_>>()),
            shrinkage: roster.shrinkage,
            interval_minutes: self.interval_minutes,
        };
        Ok((schedule, Some(roster)))
    }
}

/// The history files (a Parquet table, or exports read like `wfm ingest` reads
/// them) in the site's time zone, which the offsets they write must not contradict.
pub(crate) fn ingest(config: &PlanConfig) -> Result<IntervalTable> {
    crate::zone::check_files(
        &config.history,
        crate::zone::Layout::history(),
        config.time_zone,
        "[site] time_zone",
    )?;
    let options = IngestOptions {
        time_zone: config.time_zone,
        ..IngestOptions::default()
    };
    read_history(&config.history, &options)
}

fn forecast(
    config: &PlanConfig,
    table: &IntervalTable,
    calendar: Calendar,
) -> Result<Vec<QueueForecast>> {
    let options = ForecastOptions {
        method: config.method.clone(),
        level: config.level,
        calendar,
        hours: config.opening_hours.clone(),
    };
    let histories = select_queues(queue_histories(table)?, &config.queues)?;
    let mut forecasts = forecast_queues(&histories, config.start, config.days as usize, &options)?;
    if let Some(from) = newer_forecast_origin(config, &histories) {
        let days = (config.start + Duration::days(i64::from(config.days)) - from).num_days();
        let newer = forecast_queues(&histories, from, days as usize, &options)?;
        for (month, newer) in forecasts.iter_mut().zip(newer) {
            splice_forecast(month, newer, from);
        }
    }
    Ok(forecasts)
}

/// The published roster of a re-plan, read before any work (a bad one is exit 2).
fn read_published(replan: &ReplanConfig) -> Result<Replan> {
    Ok(Replan {
        rows: read_roster(&replan.published)?,
        file: replan.published.display().to_string(),
        freeze_until: replan.freeze_until,
        change_cost: replan.change_cost,
        horizon_start: None,
    })
}

/// A re-plan's forecast starts from the newest history: when the history reaches into
/// the horizon, the days from the freeze date on are forecast again from everything
/// before it. (Without such history the horizon's forecast already uses the newest.)
fn newer_forecast_origin(
    config: &PlanConfig,
    histories: &[crate::forecast::series::QueueHistory],
) -> Option<NaiveDate> {
    let replan = config.replan.as_ref()?;
    let end = config.start + Duration::days(i64::from(config.days));
    let reaches = histories.iter().any(|h| h.calls.end_date() > config.start);
    (replan.freeze_until > config.start && replan.freeze_until < end && reaches)
        .then_some(replan.freeze_until)
}

/// Replaces `month`'s days from `from` on with `newer`'s (which starts on `from`),
/// noting it.
fn splice_forecast(month: &mut QueueForecast, newer: QueueForecast, from: NaiveDate) {
    let offset = (from - month.first_day).num_days() as usize * month.slots;
    let len = newer.calls.len().min(month.calls.len() - offset);
    month.calls[offset..offset + len].copy_from_slice(&newer.calls[..len]);
    month.calls_lo[offset..offset + len].copy_from_slice(&newer.calls_lo[..len]);
    month.calls_hi[offset..offset + len].copy_from_slice(&newer.calls_hi[..len]);
    month.aht_seconds[offset..offset + len].clone_from_slice(&newer.aht_seconds[..len]);
    month.notes.extend(newer.notes);
    month.notes.push(format!(
        "queue \"{}\": re-plan: the days from {from} are forecast again from the history before it ({})",
        month.queue, newer.method
    ));
}

/// Refuses a `[targets.queue.X]` section for a queue the history does not have (a
/// typo). A queue of the history that `[forecast] queues` leaves out may keep its
/// section: the plan just does not use it.
pub fn check_target_queues(config: &PlanConfig, history_queues: &[String]) -> Result<()> {
    match config
        .targets
        .queue_names()
        .find(|name| !history_queues.iter().any(|q| q == name))
    {
        Some(unknown) => Err(Error::input(format!(
            "{}: [targets.queue.{unknown}] names a queue the history does not have (its queues: {}); a typo?",
            config.path.display(),
            history_queues.join(", ")
        ))),
        None => Ok(()),
    }
}

/// Staffs the forecast rows as `wfm staff` does and writes `requirements.csv`; returns
/// the requirements as the schedule reads them. Target sections of queues the plan
/// leaves out are dropped (see [`check_target_queues`]).
fn staff(
    config: &PlanConfig,
    forecast: &[ForecastRow],
    interval_seconds: f64,
    dir: &Path,
) -> Result<(Vec<Requirement>, StaffSummary)> {
    let planned: std::collections::BTreeSet<&str> =
        forecast.iter().map(|r| r.queue.as_str()).collect();
    let targets = config.targets.only(|queue| planned.contains(queue));
    let (mut rows, summary) = staff_rows(
        forecast,
        Path::new(FORECAST_FILE),
        &targets,
        interval_seconds,
    )?;
    if config.routing.routing == crate::roster::Routing::Skills {
        crate::staff::pooled::pool_requirements(&mut rows, &config.targets, interval_seconds);
    }
    write_requirements(&dir.join(REQUIREMENTS_FILE), &rows)?;
    Ok((requirements_in(&rows, config.time_zone), summary))
}

fn schedule_options(config: &PlanConfig) -> ScheduleOptions {
    ScheduleOptions {
        start: config.start,
        days: config.days,
        time_zone: config.time_zone,
        cover: config.cover,
        limits: config.limits,
        queues: Vec::new(),
        answer_within_seconds: config.answer_within_seconds(),
        shrinkage: None,
        targets: Some(config.targets.clone()),
        routing: config.routing.routing,
    }
}

/// Offered calls per queue and day over the `history_weeks` weeks before the horizon.
fn daily_history(table: &IntervalTable, config: &PlanConfig) -> Vec<DailyCalls> {
    let first = config.start - Duration::days(7 * i64::from(config.history_weeks));
    let mut days: std::collections::BTreeMap<(String, NaiveDate), f64> = Default::default();
    for record in &table.records {
        let date = record
            .interval_start
            .with_timezone(&config.time_zone)
            .date_naive();
        if date < first || date >= config.start {
            continue;
        }
        if !config.queues.is_empty() && !config.queues.contains(&record.queue) {
            continue;
        }
        if let Some(offered) = record.offered {
            *days.entry((record.queue.clone(), date)).or_default() += offered;
        }
    }
    days.into_iter()
        .map(|((queue, date), calls)| DailyCalls { queue, date, calls })
        .collect()
}

/// Writes `bytes` to `dir/name` atomically.
pub fn write_bytes(dir: &Path, name: &str, bytes: &[u8]) -> Result<()> {
    let path = dir.join(name);
    write_atomic(&path, |out| {
        out.write_all(bytes).map_err(|e| Error::write(&path, e))
    })
}

/// Paid hours and paid cost of shift rows, from their templates.
pub fn paid_hours_and_cost(config: &ShiftConfig, rows: &[crate::schedule::ShiftRow]) -> (f64, f64) {
    paid(config, rows.iter())
}

fn paid<'a>(
    config: &ShiftConfig,
    rows: impl Iterator<Item = &'a crate::schedule::ShiftRow>,
) -> (f64, f64) {
    rows.fold((0.0, 0.0), |(hours, cost), row| {
        let Some(template) = config.templates.iter().find(|t| t.name == row.template) else {
            return (hours, cost);
        };
        let count = f64::from(row.count);
        (
            hours + count * f64::from(template.paid_minutes) / 60.0,
            cost + count * template.shift_cost(),
        )
    })
}
