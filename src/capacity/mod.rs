//! Capacity planning: how many agents a site needs week by week over the coming
//! months, when to hire to have them, and what a change in volume, handle time or
//! target costs (`wfm capacity`).
//!
//! The stages reuse the monthly plan's parts: the history and calendar
//! ([`weekly`]: a weekly forecast with trend, yearly seasonality and calendar effects,
//! and its backtest), Erlang staffing of every interval of a typical week
//! ([`requirement`]), a cohort model of today's staff and new classes ([`headcount`]),
//! and a hiring MIP on HiGHS ([`hiring`]). Scenarios ([`config::Scenario`]) change
//! volume, AHT, targets or attrition and are planned side by side.

pub mod config;
pub mod headcount;
pub mod hiring;
pub mod outputs;
pub mod report;
pub mod requirement;
#[cfg(test)]
mod tests;
pub mod weekly;

use std::path::Path;

use chrono::{Duration, NaiveDate};

use crate::error::{Error, Result};
use crate::forecast::calendar::Calendar;
use crate::forecast::parallel_map;
use crate::forecast::series::{queue_histories, QueueHistory};
use crate::plan::PlanConfig;
use crate::roster::{read_agents, Contracts};
use crate::schedule::ShiftConfig;
use crate::staff::{QueueTargets, Targets};

use config::{weekly_from_annual, CapacitySettings, Scenario};
use hiring::{HiringPlan, HiringProblem};
use requirement::{WeekPattern, WeekRequirement};
use weekly::{backtest, fit_before, monday_of, HorizonScore, WeeklyModel};

/// One queue's fitted models.
#[derive(Debug, Clone)]
pub struct QueueModel {
    pub queue: String,
    /// The weekly volume model; `None` for a queue without calls (forecast at 0).
    pub volume: Option<WeeklyModel>,
    pub pattern: WeekPattern,
    pub targets: Targets,
    pub backtest: Vec<HorizonScore>,
}

/// Where today's headcount came from.
#[derive(Debug, Clone, PartialEq)]
pub enum HeadcountSource {
    /// `[capacity] headcount`.
    Config,
    /// agents.csv: agents per contract (name, agents, paid hours a week each).
    Agents(Vec<(String, usize, f64)>),
}

/// Everything a capacity plan needs, read and fitted once; scenarios are planned
/// from it.
#[derive(Debug, Clone)]
pub struct Capacity {
    /// Monday of the first planned week.
    pub first_week: NaiveDate,
    pub weeks: usize,
    /// Paid hours per FTE and week.
    pub fte_hours: f64,
    /// Tenured FTE employed today.
    pub current_fte: f64,
    pub headcount_source: HeadcountSource,
    pub queues: Vec<QueueModel>,
    pub calendar: Calendar,
    pub settings: CapacitySettings,
}

/// One scenario's plan.
#[derive(Debug, Clone)]
pub struct ScenarioPlan {
    pub scenario: Scenario,
    /// Per queue, per week.
    pub queue_weeks: Vec<Vec<WeekRequirement>>,
    /// Required FTE per week, all queues.
    pub required: Vec<f64>,
    pub plan: HiringPlan,
}

impl ScenarioPlan {
    pub fn hires(&self) -> u32 {
        self.plan.classes.iter().sum()
    }

    pub fn classes(&self) -> usize {
        self.plan.classes.iter().filter(|&&n| n > 0).count()
    }
}

/// The site's settings besides the histories, for [`Capacity::new`].
#[derive(Debug, Clone)]
pub struct SiteInputs<'a> {
    pub calendar: Calendar,
    pub targets: &'a QueueTargets,
    pub fte_hours: f64,
    pub current_fte: f64,
    pub headcount_source: HeadcountSource,
}

impl Capacity {
    /// Reads `config`'s history, calendar, agents and contracts and fits every queue;
    /// `weeks` (from `--weeks`) overrides `[capacity] weeks`.
    pub fn from_config(
        config: &PlanConfig,
        mut settings: CapacitySettings,
        weeks: Option<u32>,
    ) -> Result<Self> {
        let name = config.path.display().to_string();
        if let Some(weeks) = weeks {
            settings.weeks =
                config::check_weeks(weeks).map_err(|e| Error::input(format!("--{e}")))?;
        }
        let calendar = match &config.calendar {
            Some(path) => Calendar::read(path)?,
            None => Calendar::empty(),
        };
        let contracts = match &config.people {
            Some(people) => {
                let shifts = ShiftConfig::from_file(&config.shifts)?;
                let contracts = Contracts::from_file(&people.contracts, &shifts)?;
                let agents = read_agents(&people.agents, &contracts)?;
                Some((contracts, agents))
            }
            None => None,
        };
        let fte_hours = match (settings.fte_hours, &contracts) {
            (Some(hours), _) => hours,
            (None, Some((contracts, _))) => contracts
                .contracts
                .iter()
                .map(|c| c.max_hours_per_week)
                .fold(0.0, f64::max),
            (None, None) => {
                return Err(Error::input(format!(
                    "{name}: [capacity] needs fte_hours (paid hours per FTE a week) without [inputs] contracts"
                )))
            }
        };
        if fte_hours <= 0.0 {
            return Err(Error::input(format!(
                "{name}: the contracts have no paid hours; set [capacity] fte_hours"
            )));
        }
        let (current_fte, headcount_source) = match (settings.headcount, &contracts) {
            (Some(fte), _) => (fte, HeadcountSource::Config),
            (None, Some((contracts, agents))) => {
                let per_contract: Vec<(String, usize, f64)> = contracts
                    .contracts
                    .iter()
                    .enumerate()
                    .map(|(i, c)| {
                        let count = agents.iter().filter(|a| a.contract == i).count();
                        let hours = settings
                            .contract_hours
                            .of(c.min_hours_per_week, c.max_hours_per_week);
                        (c.name.clone(), count, hours)
                    })
                    .collect();
                let hours: f64 = per_contract.iter().map(|(_, n, h)| *n as f64 * h).sum();
                (hours / fte_hours, HeadcountSource::Agents(per_contract))
            }
            (None, None) => {
                return Err(Error::input(format!(
                    "{name}: [capacity] needs headcount (today's FTE) without [inputs] agents"
                )))
            }
        };
        let table = crate::plan::pipeline::ingest(config)?;
        let histories = crate::forecast::select_queues(queue_histories(&table)?, &config.queues)?;
        let site = SiteInputs {
            calendar,
            targets: &config.targets,
            fte_hours,
            current_fte,
            headcount_source,
        };
        Capacity::new(&histories, site, settings)
    }

    /// Fits every queue of `histories` (in parallel) and fixes the planned weeks.
    pub fn new(
        histories: &[QueueHistory],
        site: SiteInputs,
        settings: CapacitySettings,
    ) -> Result<Self> {
        let end = histories
            .iter()
            .map(|h| h.calls.end_date())
            .max()
            .ok_or_else(|| Error::input("the history holds no queue"))?;
        let first_week = settings
            .start
            .unwrap_or_else(|| monday_of(end + Duration::days(6)));
        let calendar = &site.calendar;
        let started = std::time::Instant::now();
        let fitted = parallel_map(histories, |history| -> Result<QueueModel> {
            Ok(QueueModel {
                queue: history.queue.clone(),
                volume: fit_before(&history.calls, calendar, None),
                pattern: WeekPattern::from_history(history, calendar, settings.pattern_weeks)?,
                targets: *site.targets.for_queue(&history.queue),
                backtest: backtest(&history.calls, calendar),
            })
        });
        let queues = fitted.into_iter().collect::<Result<Vec<_>>>()?;
        tracing::info!(
            "capacity: {} queue(s) fitted and backtested in {:.2} s",
            queues.len(),
            started.elapsed().as_secs_f64()
        );
        Ok(Capacity {
            first_week,
            weeks: settings.weeks as usize,
            fte_hours: site.fte_hours,
            current_fte: site.current_fte,
            headcount_source: site.headcount_source,
            queues,
            calendar: site.calendar,
            settings,
        })
    }

    /// The Monday of every planned week.
    pub fn mondays(&self) -> Vec<NaiveDate> {
        (0..self.weeks)
            .map(|w| self.first_week + Duration::days(7 * w as i64))
            .collect()
    }

    /// Each queue's forecast and requirement per week under `scenario`.
    pub fn requirements(&self, scenario: &Scenario) -> Result<Vec<Vec<WeekRequirement>>> {
        let mondays = self.mondays();
        let changed_from = scenario.from.map(monday_of);
        let per_queue = parallel_map(&self.queues, |queue| {
            mondays
                .iter()
                .map(|&monday| {
                    let applies = changed_from.is_none_or(|from| monday >= from);
                    let mut days = match &queue.volume {
                        Some(model) => model.week(monday, &self.calendar),
                        None => [0.0; 7],
                    };
                    let mut targets = queue.targets;
                    let mut aht = None;
                    if applies {
                        days.iter_mut().for_each(|d| *d *= scenario.volume);
                        if let Some((level, within)) = scenario.sl {
                            targets.service_level = Some(level);
                            targets.answer_within = Some(within);
                        }
                        if let Some(shrinkage) = scenario.shrinkage {
                            targets.shrinkage = shrinkage;
                        }
                        aht = scenario.aht;
                    }
                    queue
                        .pattern
                        .requirement(&days, &targets, aht, self.fte_hours)
                })
                .collect::<Result<Vec<_>>>()
        });
        per_queue.into_iter().collect()
    }

    /// The hiring problem for weekly requirements `required` under `scenario`.
    pub fn problem(&self, scenario: &Scenario, required: Vec<f64>) -> HiringProblem {
        let mut workforce = self.settings.workforce.clone();
        if let Some(annual) = scenario.attrition {
            let weekly = weekly_from_annual(annual);
            if workforce.new_hire_weeks == 0 {
                workforce.new_hire_attrition = weekly;
            }
            workforce.weekly_attrition = weekly;
        }
        HiringProblem {
            required,
            current: self.current_fte,
            workforce,
            classes: self.settings.classes,
            costs: self.settings.costs,
        }
    }

    /// Forecasts, staffs and plans the hiring of one scenario.
    pub fn plan(&self, scenario: &Scenario) -> Result<ScenarioPlan> {
        let started = std::time::Instant::now();
        let queue_weeks = self.requirements(scenario)?;
        let required: Vec<f64> = (0..self.weeks)
            .map(|w| queue_weeks.iter().map(|q| q[w].required_fte).sum())
            .collect();
        let staffed = started.elapsed().as_secs_f64();
        let plan = self
            .problem(scenario, required.clone())
            .solve(self.settings.mip_gap)?;
        tracing::info!(
            "capacity: scenario \"{}\": staffing {staffed:.2} s, hiring MIP {:.2} s ({})",
            scenario.name,
            started.elapsed().as_secs_f64() - staffed,
            plan.status
        );
        Ok(ScenarioPlan {
            scenario: scenario.clone(),
            queue_weeks,
            required,
            plan,
        })
    }

    /// The baseline, then every scenario, in order (planned in parallel: each is
    /// independent and deterministic).
    pub fn plan_all(&self, scenarios: &[Scenario]) -> Result<Vec<ScenarioPlan>> {
        let all: Vec<Scenario> = std::iter::once(Scenario::baseline())
            .chain(scenarios.iter().cloned())
            .collect();
        parallel_map(&all, |scenario| self.plan(scenario))
            .into_iter()
            .collect()
    }
}

/// Reads `[capacity]` and `[[scenario]]` of the plan.toml at `path` (exit code 2 on a
/// mistake, naming the file).
pub fn read_settings(path: &Path) -> Result<(CapacitySettings, Vec<Scenario>)> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::read(path, e))?;
    config::read_sections(&text).map_err(|e| Error::input(format!("{}: {e}", path.display())))
}
