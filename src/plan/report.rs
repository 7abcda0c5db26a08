//! `report.html`: one self-contained page a manager can open offline — the headline
//! figures, service level per queue, notes, and the charts, each SVG inline (the same
//! text is written to `plots/NAME.svg`). No script, no stylesheet or font to fetch:
//! the only URL in the file is the SVG namespace. The page is well-formed XML
//! (polyglot HTML5), so any XML parser can check it.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use chrono::{Datelike, NaiveDate};

use crate::error::Result;
use crate::schedule::CoverageRow;

use super::config::PlanConfig;
use super::notes::{Note, NoteKind};
use super::pipeline::Plan;
use super::plots::{self, template_lane, GanttBar, HeatCell, HeatPanel};
use super::service::QueueInterval;
use super::summary::Summary;
use plotters::style::RGBColor;

/// The report's file name, and the directory of the plots beside it.
pub const REPORT_FILE: &str = "report.html";
pub const PLOTS_DIR: &str = "plots";
/// The charts, in the report's order: `plots/NAME.svg`.
pub const PLOT_NAMES: [&str; 10] = [
    "month-service-level",
    "month-staffing",
    "forecast",
    "week-agents",
    "week-service-level",
    "daily-service-level",
    "daily-waits",
    "daily-hours",
    "gantt",
    "gantt-day",
];

/// The charts a plan draws: all of [`PLOT_NAMES`], but the waits per day only
/// when the plan simulated its roster (nothing else gives them).
pub fn plot_names(simulated: bool) -> Vec<&'static str> {
    PLOT_NAMES
        .into_iter()
        .filter(|name| simulated || *name != "daily-waits")
        .collect()
}

/// One chart of the report.
#[derive(Debug, Clone)]
pub struct Figure {
    /// `plots/{name}.svg`; also the HTML id (`plot-{name}`).
    pub name: &'static str,
    /// What it shows and what to look for.
    pub caption: String,
    pub svg: String,
}

/// Draws every chart of the report.
pub fn figures(
    config: &PlanConfig,
    plan: &Plan,
    service: &[QueueInterval],
    summary: &Summary,
) -> Result<Vec<Figure>> {
    let (week, days) = (config.report_week, config.report_days);
    let week_name = format!("the week of {}", long_date(week));
    let mut figures = month_heatmaps(config, plan, service);
    figures.extend([
        Figure {
            name: "forecast",
            caption: format!(
                "Offered calls per day: thin lines the last {} weeks of history, thick lines the \
                 forecast, the band the sum of its half-hourly {:.0}% prediction intervals (wider \
                 than an interval for the whole day). Check that the forecast carries on the \
                 history's level and weekly pattern and that holidays and events show. Hover a \
                 day of a line for its figures (the history's calls, forecast.csv's sums).",
                config.history_weeks,
                config.level * 100.0
            ),
            svg: plots::forecast_chart(
                &plan.history,
                &plan.forecast,
                config.start,
                config.days,
                config.level,
            )?,
        },
        Figure {
            name: "week-agents",
            caption: format!(
                "Agents per half-hour in {week_name}, all queues together: shaded what the \
                 schedule must cover ({}), the line the agents working (shifts less lunches and \
                 breaks), red where they fall short. Red at the peaks costs service; the line far \
                 above the shading is paid idle time. Hover a half-hour for its figures \
                 (coverage.csv, summed over the queues).",
                cover_name(config)
            ),
            svg: plots::week_agents_chart(&pooled_coverage(&plan.schedule.coverage), week, days)?,
        },
        Figure {
            name: "week-service-level",
            caption: format!(
                "Projected service level per half-hour in {week_name}: the share of calls answered \
                 within each queue's target time by its share of the agents working (split in \
                 proportion to the queues' requirements). Dashed: the targets. Dips below the \
                 dashed line are the half-hours to fix. Hover a point of a line for its figures \
                 ({}).",
                projection_file(plan, service.iter().map(|i| i.queue.as_str()))
            ),
            svg: plots::week_service_chart(service, week, days)?,
        },
        Figure {
            name: "daily-service-level",
            caption: "Service level per day over the horizon, one panel per queue: the line the \
                      projection, the dots the simulation of the same roster with their 95% \
                      intervals, dashed the targets. A day whose whole interval sits below its \
                      target is one to fix; a line far from its dots means the projection's \
                      assumptions do not hold that day. Hover a dot for the day's figures \
                      (summary.json)."
                .to_string(),
            svg: plots::daily_service_chart(&summary.service_level, config.start, config.days)?,
        },
        Figure {
            name: "daily-waits",
            caption: "How long callers wait, per day and queue, as the simulation of the \
                      roster gives it: the average speed of answer and the share of calls \
                      abandoned, each a dot (mean) with its 95% interval. Days with long waits \
                      and abandonment are the ones callers notice. Hover a dot for its figures \
                      (summary.json)."
                .to_string(),
            svg: plots::daily_waits_chart(&summary.service_level, config.start, config.days)?,
        },
        Figure {
            name: "daily-hours",
            caption: "Agent-hours per day over the horizon: required (light) and scheduled \
                      (dark). Scheduled above required is what the shift shapes cost; below it \
                      is shortfall. Hover a bar for the day's figures (summary.json, \
                      coverage.csv)."
                .to_string(),
            svg: plots::daily_hours_chart(&summary.days)?,
        },
    ]);
    figures.retain(|f| plan.simulation.is_some() || f.name != "daily-waits");
    figures.extend(gantts(config, plan, summary, &week_name)?);
    Ok(figures)
}

/// The month at a glance, per queue: service level against target and staffing
/// against requirement per day and half-hour.
fn month_heatmaps(config: &PlanConfig, plan: &Plan, service: &[QueueInterval]) -> Vec<Figure> {
    let simulated = simulated_intervals(plan);
    let source = if simulated.is_empty() {
        "projected"
    } else {
        "simulated"
    };
    let mut queues: BTreeMap<&str, Vec<HeatCell>> = BTreeMap::new();
    for interval in service {
        if let Some(cell) = service_cell(config, plan, interval, &simulated) {
            queues.entry(&interval.queue).or_default().push(cell);
        }
    }
    let service: Vec<HeatPanel> = queues
        .into_iter()
        .map(|(queue, cells)| (queue.to_string(), cells))
        .collect();
    let staffing: Vec<HeatPanel> = queue_rows(&plan.schedule.coverage)
        .into_iter()
        .map(|(queue, rows)| {
            let cells = rows
                .iter()
                .filter_map(|row| staffing_cell(config, plan, row))
                .collect();
            (queue, cells)
        })
        .collect();
    vec![
        Figure {
            name: "month-service-level",
            caption: format!(
                "The month at a glance: {source} service level per half-hour against each \
                 queue's target (blue above, red below; blank: no calls forecast). Hover a cell \
                 for its figures ({}{}). Red columns are half-hours the shifts do not reach; red \
                 rows are days to look at.",
                if source == "simulated" {
                    "simulation.csv, "
                } else {
                    ""
                },
                projection_file(plan, service.iter().map(|(queue, _)| queue.as_str()))
            ),
            svg: plots::heatmap(
                &format!("{} service level against target", capitalised(source)),
                config.start,
                config.days,
                &service,
                &[
                    (plots::BELOW_FAR, "15+ points below"),
                    (plots::BELOW, "5-15 below"),
                    (plots::BELOW_NEAR, "0-5 below"),
                    (plots::ABOVE_NEAR, "0-5 above"),
                    (plots::ABOVE, "5-15 above"),
                    (plots::ABOVE_FAR, "15+ above"),
                ],
            ),
        },
        Figure {
            name: "month-staffing",
            caption: "Agents on the phones minus agents required, per queue and half-hour \
                      (coverage.csv; red short, blue over; blank: nothing required or \
                      scheduled). Deep blue is paid idle time, red what the shortfall table \
                      explains."
                .to_string(),
            svg: plots::heatmap(
                "Staffing minus requirement (agents)",
                config.start,
                config.days,
                &staffing,
                &[
                    (plots::BELOW_FAR, "2+ short"),
                    (plots::BELOW, "0.5-2 short"),
                    (plots::BELOW_NEAR, "under 0.5 short"),
                    (plots::ABOVE_NEAR, "met, up to 1 over"),
                    (plots::ABOVE, "1-3 over"),
                    (plots::ABOVE_FAR, "3+ over"),
                ],
            ),
        },
    ]
}

/// Where each queue's projection per interval is: coverage.csv when its rows are
/// per queue (a roster), else (it pools the queues) summary.json.
fn projection_file<'q>(plan: &Plan, mut queues: impl Iterator<Item = &'q str>) -> &'static str {
    let per_queue = queues.all(|queue| plan.schedule.coverage.iter().any(|row| row.queue == queue));
    if per_queue {
        "coverage.csv"
    } else {
        "summary.json's service_level[].intervals"
    }
}

/// `Simulated`.
fn capitalised(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map_or(String::new(), |c| {
        c.to_uppercase().chain(chars).collect::<String>()
    })
}

/// The coverage rows per queue, in queue order.
fn queue_rows(coverage: &[CoverageRow]) -> BTreeMap<String, Vec<&CoverageRow>> {
    let mut queues: BTreeMap<String, Vec<&CoverageRow>> = BTreeMap::new();
    for row in coverage {
        queues.entry(row.queue.clone()).or_default().push(row);
    }
    queues
}

/// The simulated service level per (queue, interval start as the CSVs print it):
/// mean, low, high, parsed from `simulation.csv`'s rows so that the report shows
/// the file's figures.
type SimulatedLevel = (f64, Option<f64>, Option<f64>);

fn simulated_intervals(plan: &Plan) -> BTreeMap<(String, String), SimulatedLevel> {
    let Some(simulation) = &plan.simulation else {
        return BTreeMap::new();
    };
    simulation
        .interval_rows()
        .into_iter()
        .filter_map(|row| {
            let value = |i: usize| row.get(i).and_then(|v| v.parse::<f64>().ok());
            let level = (value(3)?, value(4), value(5));
            Some(((row[0].clone(), row[1].clone()), level))
        })
        .collect()
}

/// Day of the horizon and minute of the day of an interval.
fn day_and_minute(config: &PlanConfig, row: &CoverageRow) -> Option<(u32, u32)> {
    let day = (row.interval_start.date_naive() - config.start).num_days();
    let day = u32::try_from(day).ok().filter(|d| *d < config.days)?;
    Some((
        day,
        crate::interval::local_minute_of_day(&row.interval_start),
    ))
}

/// `sales, Tue 2026-12-01 10:00-10:30`: the start of every heatmap title.
fn cell_name(
    queue: &str,
    start: &chrono::DateTime<chrono_tz::Tz>,
    minute: u32,
    length: u32,
) -> String {
    format!(
        "{queue}, {}",
        plots::day_span(start.date_naive(), minute, minute + length)
    )
}

/// A service-level cell: the simulated level where the plan simulated the
/// interval, else the projected (per queue: a pooled schedule's agents shared out
/// as `plan::service` does; a roster's coverage.csv as it is); none without calls.
fn service_cell(
    config: &PlanConfig,
    plan: &Plan,
    interval: &QueueInterval,
    simulated: &BTreeMap<(String, String), SimulatedLevel>,
) -> Option<HeatCell> {
    if interval.calls <= 0.0 {
        return None;
    }
    let start = &interval.interval_start;
    let day = u32::try_from((start.date_naive() - config.start).num_days())
        .ok()
        .filter(|d| *d < config.days)?;
    let minute = crate::interval::local_minute_of_day(start);
    let length = plan.schedule.interval_minutes;
    let key = (
        interval.queue.clone(),
        crate::interval::format_timestamp(start),
    );
    let projected = interval.service_level.map(|l| crate::units::round(l, 4));
    let simulated = simulated.get(&key).copied();
    let level = simulated.map(|s| s.0).or(projected)?;
    let mut figures = Vec::new();
    if let Some((mean, low, high)) = simulated {
        let range = match (low, high) {
            (Some(low), Some(high)) => format!(
                " (95% interval {}-{})",
                percent(Some(low)),
                percent(Some(high))
            ),
            _ => String::new(),
        };
        figures.push(format!("simulated {}{range}", percent(Some(mean))));
    }
    figures.push(format!("projected {}", percent(projected)));
    figures.push(format!("target {}", percent(interval.target)));
    Some(HeatCell {
        day,
        minute,
        length,
        fill: service_colour(level - interval.target.unwrap_or(0.0)),
        title: format!(
            "{}: {}; {} calls",
            cell_name(&interval.queue, start, minute, length),
            figures.join(", "),
            crate::units::format_number(interval.calls, 3)
        ),
    })
}

/// The service heatmap's bin of a level's distance to target (points as shares).
fn service_colour(above_target: f64) -> RGBColor {
    match above_target {
        d if d < -0.15 => plots::BELOW_FAR,
        d if d < -0.05 => plots::BELOW,
        d if d < 0.0 => plots::BELOW_NEAR,
        d if d < 0.05 => plots::ABOVE_NEAR,
        d if d < 0.15 => plots::ABOVE,
        _ => plots::ABOVE_FAR,
    }
}

/// A staffing cell: agents on the phones against the requirement, as
/// coverage.csv prints them; none where nothing is required or scheduled.
fn staffing_cell(config: &PlanConfig, plan: &Plan, row: &CoverageRow) -> Option<HeatCell> {
    if row.calls <= 0.0 && row.required <= 0.0 && row.scheduled <= 0.0 {
        return None;
    }
    let (day, minute) = day_and_minute(config, row)?;
    let length = plan.schedule.interval_minutes;
    let figure = |v: f64| crate::units::format_number(v, 3);
    let balance = row.scheduled - row.required;
    let verdict = if row.shortfall > 1e-9 {
        format!("short {}", figure(row.shortfall))
    } else if row.surplus > 1e-9 {
        format!("over {}", figure(row.surplus))
    } else {
        "met".to_string()
    };
    Some(HeatCell {
        day,
        minute,
        length,
        fill: staffing_colour(balance),
        title: format!(
            "{}: scheduled {}, required {}, {verdict}; {} calls",
            cell_name(&row.queue, &row.interval_start, minute, length),
            figure(row.scheduled),
            figure(row.required),
            figure(row.calls)
        ),
    })
}

/// The staffing heatmap's bin of agents scheduled minus required.
fn staffing_colour(balance: f64) -> RGBColor {
    match balance {
        d if d <= -2.0 => plots::BELOW_FAR,
        d if d <= -0.5 => plots::BELOW,
        d if d < -1e-9 => plots::BELOW_NEAR,
        d if d <= 1.0 => plots::ABOVE_NEAR,
        d if d <= 3.0 => plots::ABOVE,
        _ => plots::ABOVE_FAR,
    }
}

/// The day of the day Gantt: `[report] day`, else the plotted week's day with
/// the most shortfall (the first such), the day team leaders most need to see.
fn gantt_day(config: &PlanConfig, summary: &Summary) -> NaiveDate {
    if let Some(day) = config.report_day {
        return day;
    }
    let week_end = config.report_week + chrono::Duration::days(i64::from(config.report_days));
    summary
        .days
        .iter()
        .filter(|d| d.date >= config.report_week && d.date < week_end)
        .fold(None::<&super::summary::Day>, |best, day| match best {
            Some(b) if b.shortfall_agent_hours >= day.shortfall_agent_hours => Some(b),
            _ => Some(day),
        })
        .map_or(config.report_week, |d| d.date)
}

/// The week's and the chosen day's Gantt charts: the roster's agents, or without
/// a roster the shifts by template and start time.
fn gantts(
    config: &PlanConfig,
    plan: &Plan,
    summary: &Summary,
    week_name: &str,
) -> Result<Vec<Figure>> {
    let day = gantt_day(config, summary);
    let day_name = long_date(day);
    let Some(roster) = &plan.roster else {
        return Ok(vec![
            template_gantt(
                plan,
                "gantt",
                (config.report_week, config.report_days),
                week_name,
            )?,
            template_gantt(plan, "gantt-day", (day, 1), &day_name)?,
        ]);
    };
    let caption = |span: &str| {
        format!(
            "The roster, {span}: one line per agent, grouped by contract (agents.csv has \
             no team); bars are time on the phones coloured by queue, the gaps between them \
             lunches and breaks; days off grey, leave yellow. Hover a bar for its times. \
             (roster.csv)"
        )
    };
    let mut day_caption = caption(&day_name);
    if config.report_day.is_none() {
        day_caption.push_str(
            " The day is the plotted week's with the most shortfall; [report] day chooses another.",
        );
    }
    Ok(vec![
        Figure {
            name: "gantt",
            caption: caption(week_name),
            svg: roster_gantt(
                roster,
                &summary.queues,
                (config.report_week, config.report_days),
                &format!(
                    "Roster, week of {}",
                    config.report_week.format("%a %d %b %Y")
                ),
            ),
        },
        Figure {
            name: "gantt-day",
            caption: day_caption,
            svg: roster_gantt(
                roster,
                &summary.queues,
                (day, 1),
                &format!("Roster, {}", day.format("%A %d %B %Y")),
            ),
        },
    ])
}

/// `A001 Priya Khan`, cut to fit the label column.
fn agent_label(agent: &crate::roster::Agent) -> String {
    let label = format!("{} {}", agent.id, agent.name);
    if label.chars().count() <= 24 {
        return label;
    }
    let cut: String = label.chars().take(23).collect();
    format!("{cut}…")
}

/// The roster's Gantt over `days` days from `first`.
fn roster_gantt(
    roster: &super::roster::RosterPlan,
    queues: &[String],
    (first, days): (NaiveDate, u32),
    title: &str,
) -> String {
    let contract = |agent: &crate::roster::Agent| {
        roster
            .contract_names
            .get(agent.contract)
            .cloned()
            .unwrap_or_default()
    };
    let mut agents: Vec<&crate::roster::Agent> = roster.agents.iter().collect();
    agents.sort_by(|a, b| (contract(a), &a.id).cmp(&(contract(b), &b.id)));
    let lanes: Vec<plots::RosterLane> = agents
        .iter()
        .map(|a| plots::RosterLane {
            label: agent_label(a),
            group: contract(a),
        })
        .collect();
    let lane_of: BTreeMap<&str, (usize, String)> = agents
        .iter()
        .enumerate()
        .map(|(i, a)| (a.id.as_str(), (i, agent_label(a))))
        .collect();
    let bars: Vec<plots::RosterBar> = roster
        .rows
        .iter()
        .filter_map(|row| roster_bar(row, &lane_of, queues, first, days))
        .collect();
    let work = bars.iter().filter_map(|b| match b.mark {
        plots::RosterMark::Work { start, end, .. } => Some((start, end)),
        _ => None,
    });
    let (from, to) = work.fold((u32::MAX, 0), |(from, to), (start, end)| {
        (from.min(start / 60 * 60), to.max(end.div_ceil(60) * 60))
    });
    let hours = if from < to { (from, to) } else { (480, 1200) };
    plots::roster_gantt(title, &lanes, &bars, (first, days), hours, queues)
}

/// A row of roster.csv as a Gantt mark, if it falls in the shown days: work on a
/// queue, a day off, or leave (lunches and breaks are left as gaps).
fn roster_bar(
    row: &crate::roster::RosterRow,
    lanes: &BTreeMap<&str, (usize, String)>,
    queues: &[String],
    first: NaiveDate,
    days: u32,
) -> Option<plots::RosterBar> {
    use crate::roster::Activity;
    let day = u32::try_from((row.date - first).num_days())
        .ok()
        .filter(|d| *d < days)?;
    let (lane, label) = lanes.get(row.agent_id.as_str())?;
    let date = row.date.format("%a %d %b");
    let (mark, title) = match row.activity {
        Activity::Shift => {
            let (start, end) = (row.start?, row.end?);
            let end = if end <= start { 1440 } else { end };
            let queue = queues
                .iter()
                .position(|q| *q == row.queue)
                .unwrap_or(queues.len());
            (
                plots::RosterMark::Work { start, end, queue },
                format!(
                    "{label}, {date} {}-{} on {}",
                    crate::units::format_clock_minutes(start),
                    crate::units::format_clock_minutes(end),
                    row.queue
                ),
            )
        }
        Activity::Off => (plots::RosterMark::Off, format!("{label}, {date}: day off")),
        Activity::Leave => (plots::RosterMark::Leave, format!("{label}, {date}: leave")),
        Activity::Lunch | Activity::Break => return None,
    };
    Some(plots::RosterBar {
        lane: *lane,
        day,
        mark,
        title,
    })
}

/// `FT8 08:00, Tue 2026-12-08 08:00-16:30: 16 agents`: a bar of the shifts' Gantt
/// (its lane, day, times and shifts.csv's count summed over the lunch and break
/// variants).
fn shift_bar_title(lane: &str, date: NaiveDate, (start, end): (u32, u32), count: u32) -> String {
    format!(
        "{lane}, {}: {count} agent{}",
        plots::day_span(date, start, end),
        if count == 1 { "" } else { "s" }
    )
}

/// Without a roster: the shifts of `days` days from `first` by template and start
/// time, the number of agents on each bar.
fn template_gantt(
    plan: &Plan,
    name: &'static str,
    (first, days): (NaiveDate, u32),
    span_name: &str,
) -> Result<Figure> {
    let day_of = |date: NaiveDate| {
        let day = (date - first).num_days();
        (0..i64::from(days)).contains(&day).then_some(day as u32)
    };
    let templates = &plan.shift_config.templates;
    let order = |name: &str| {
        templates
            .iter()
            .position(|t| t.name == name)
            .unwrap_or(usize::MAX)
    };
    // (template order, start) -> lane; (lane, day, end) -> agents starting then.
    let mut groups: BTreeMap<(usize, u32, u32, u32), u32> = BTreeMap::new();
    let mut names: BTreeMap<(usize, u32), String> = BTreeMap::new();
    for row in &plan.schedule.shifts {
        let Some(day) = day_of(row.date) else {
            continue;
        };
        let template = order(&row.template);
        names.insert(
            (template, row.start),
            template_lane(&row.template, row.start),
        );
        *groups
            .entry((template, row.start, day, row.end))
            .or_default() += row.count;
    }
    let lanes: Vec<(usize, u32)> = names.keys().copied().collect();
    let bars: Vec<GanttBar> = groups
        .into_iter()
        .map(|((template, start, day, end), count)| GanttBar {
            lane: lanes.binary_search(&(template, start)).unwrap_or(0),
            day,
            start,
            end,
            label: Some(count.to_string()),
            group: template,
            title: shift_bar_title(
                &names[&(template, start)],
                first + chrono::Duration::days(i64::from(day)),
                (start, end),
                count,
            ),
        })
        .collect();
    Ok(Figure {
        name,
        caption: format!(
            "Shifts, {span_name}, by template and start time (no roster: plan.toml names no \
             agents); the number on a bar is how many agents work that shift that day. Hover \
             a bar for its times (shifts.csv)."
        ),
        svg: plots::gantt_chart(
            &format!("Shifts by template and start, {span_name}"),
            &names.into_values().collect::<Vec<_>>(),
            &bars,
            first,
            days,
        )?,
    })
}

fn cover_name(config: &PlanConfig) -> &'static str {
    match config.cover {
        crate::schedule::Cover::ScheduledStaff => "agents needed grossed up for shrinkage",
        crate::schedule::Cover::Agents => "agents needed on the phones",
    }
}

/// `7 December 2026`.
fn long_date(date: NaiveDate) -> String {
    format!("{} {}", date.day(), date.format("%B %Y"))
}

pub use super::plots::escape;

fn percent(value: Option<f64>) -> String {
    value.map_or("–".to_string(), |v| format!("{:.1}%", v * 100.0))
}

/// `12,345.6`-style grouping is locale-specific; plain digits with a thin space read well.
fn number(value: f64, decimals: usize) -> String {
    let text = format!("{value:.decimals$}");
    let (whole, fraction) = text
        .split_once('.')
        .map_or((text.as_str(), None), |(w, f)| (w, Some(f)));
    let (sign, digits) = whole.strip_prefix('-').map_or(("", whole), |d| ("-", d));
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push('\u{2009}');
        }
        grouped.push(c);
    }
    match fraction {
        Some(fraction) => format!("{sign}{grouped}.{fraction}"),
        None => format!("{sign}{grouped}"),
    }
}

const STYLE: &str = "
body { font-family: system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif; color: #222;
       max-width: 1000px; margin: 2em auto; padding: 0 1em; line-height: 1.45; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
h2 { font-size: 1.2em; margin-top: 2em; border-bottom: 1px solid #ddd; }
p.lead { color: #555; margin-top: 0; }
table { border-collapse: collapse; margin: 0.5em 0; }
th, td { padding: 0.25em 0.8em; border-bottom: 1px solid #eee; text-align: right; }
th:first-child, td:first-child { text-align: left; }
td.bad { color: #b00; font-weight: bold; }
figure { margin: 1.5em 0; }
figure svg { max-width: 100%; height: auto; border: 1px solid #eee; }
figcaption { color: #444; font-size: 0.92em; margin-top: 0.3em; }
ul.notes li { margin-bottom: 0.3em; }
table.notes { font-size: 0.9em; }
table.notes th.day { vertical-align: top; white-space: nowrap; }
table.notes td.causes { text-align: left; }
section.callout { border-left: 4px solid #d55e00; background: #fff6ef; padding: 0.2em 1em; margin: 1em 0; }
section.callout h2 { margin-top: 0.5em; border: none; }
section.callout li.found strong { color: #b00; }
footer { margin-top: 3em; color: #777; font-size: 0.85em; }
code { font-size: 0.95em; }
";

/// The whole page.
pub fn render(config: &PlanConfig, summary: &Summary, figures: &[Figure]) -> String {
    let mut html = String::new();
    let title = title(config);
    let _ = write!(
        html,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n\
         <title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<h1>{}</h1>\n\
         <p class=\"lead\">{} to {} ({} days), site time {}; queues {}.</p>\n",
        escape(&title),
        escape(&title),
        long_date(summary.horizon.start),
        long_date(summary.horizon.end),
        summary.horizon.days,
        escape(&summary.horizon.time_zone),
        escape(&summary.queues.join(", "))
    );
    anomalies(&mut html, summary);
    headline(&mut html, summary);
    service_table(&mut html, summary);
    html.push_str("<h2>Charts</h2>\n");
    for figure in figures {
        let _ = write!(
            html,
            "<figure id=\"plot-{name}\">\n{svg}<figcaption>{caption} (<code>plots/{name}.svg</code>)</figcaption>\n</figure>\n",
            name = figure.name,
            svg = figure.svg,
            caption = escape(&figure.caption)
        );
    }
    shortfall_table(&mut html, summary);
    other_notes(&mut html, summary);
    footer(&mut html, config, summary);
    html.push_str("</body>\n</html>\n");
    html
}

/// `Staffing plan for December 2026`, or the dates of a horizon that is not a month.
fn title(config: &PlanConfig) -> String {
    let next = config.end() + chrono::Duration::days(1);
    if config.start.day() == 1 && next.day() == 1 && config.days <= 31 {
        format!("Staffing plan for {}", config.start.format("%B %Y"))
    } else {
        format!(
            "Staffing plan, {} to {}",
            long_date(config.start),
            long_date(config.end())
        )
    }
}

fn headline(html: &mut String, summary: &Summary) {
    let t = &summary.totals;
    let s = &summary.solver;
    let rows = [
        ("Forecast calls", number(t.forecast_calls, 0)),
        ("Agent-hours required", number(t.required_agent_hours, 1)),
        ("Agent-hours scheduled", number(t.scheduled_agent_hours, 1)),
        ("Agent-hours short", number(t.shortfall_agent_hours, 2)),
        ("Half-hours short", t.short_intervals.to_string()),
        ("Shifts", number(f64::from(t.shifts), 0)),
        ("Paid hours", number(t.paid_hours, 1)),
        ("Cost", number(t.cost, 2)),
        (
            "Solver",
            format!(
                "{}, within {:.2}% of the best possible",
                s.status,
                s.gap * 100.0
            ),
        ),
    ];
    html.push_str("<h2>The plan in figures</h2>\n<table id=\"totals\">\n");
    for (label, value) in rows {
        let _ = writeln!(
            html,
            "<tr><th>{}</th><td>{}</td></tr>",
            escape(label),
            escape(&value)
        );
    }
    if let Some(roster) = &summary.roster {
        let _ = writeln!(
            html,
            "<tr><th>Roster cost</th><td>{} (gap {:.2}%, {} agent-hours short)</td></tr>",
            number(roster.cost, 2),
            roster.gap * 100.0,
            number(roster.shortfall_agent_hours, 2)
        );
    }
    html.push_str("</table>\n");
}

fn service_table(html: &mut String, summary: &Summary) {
    html.push_str(
        "<h2>Service level</h2>\n<table id=\"service\">\n<tr><th>Queue</th><th>Target</th>\
         <th>Answered within</th><th>Projected</th><th>Days below target</th>\
         <th>Simulated (95% interval)</th><th>Days below target (simulated)</th>\
         <th>Intervals below target (simulated)</th></tr>\n",
    );
    for queue in &summary.service_level {
        let below = match (queue.projected, queue.target) {
            (Some(p), Some(t)) => p < t,
            _ => false,
        };
        let _ = writeln!(
            html,
            "<tr><td>{}</td><td>{}</td><td>{} s</td><td{}>{}</td><td>{}</td>{}</tr>",
            escape(&queue.queue),
            percent(queue.target),
            number(queue.answer_within_seconds, 0),
            if below { " class=\"bad\"" } else { "" },
            percent(queue.projected),
            queue.days_below_target,
            simulated_cells(queue)
        );
    }
    html.push_str("</table>\n");
    let low: Vec<String> = summary
        .service_level
        .iter()
        .flat_map(|queue| {
            queue
                .days
                .iter()
                .filter_map(move |day| match (day.projected, queue.target) {
                    (Some(p), Some(t)) if p < t => Some(format!(
                        "{} {}: {}",
                        escape(&queue.queue),
                        day.date.format("%a %d %b"),
                        percent(Some(p))
                    )),
                    _ => None,
                })
        })
        .collect();
    if !low.is_empty() {
        let _ = writeln!(html, "<p>Days below target: {}.</p>", low.join("; "));
    }
}

/// The simulated columns of a queue's row (`-` when the plan was not simulated).
fn simulated_cells(queue: &super::summary::QueueService) -> String {
    let Some(simulated) = &queue.simulated else {
        return "<td>-</td><td>-</td><td>-</td>".to_string();
    };
    let level = simulated.service_level.map_or("-".to_string(), |s| {
        format!(
            "{} ({}-{})",
            percent(Some(s.mean)),
            percent(Some(s.low)),
            percent(Some(s.high))
        )
    });
    let below = matches!(
        (simulated.service_level, queue.target),
        (Some(s), Some(t)) if s.mean < t
    );
    format!(
        "<td{}>{level}</td><td>{}</td><td>{}</td>",
        if below { " class=\"bad\"" } else { "" },
        simulated.days_below_target,
        simulated.intervals_below_target
    )
}

/// The anomalies callout: the three checks, each with what it found or "none",
/// so a reader knows they were made.
fn anomalies(html: &mut String, summary: &Summary) {
    let of_kind = |kind: NoteKind| -> Vec<&Note> {
        summary.notes.iter().filter(|n| n.kind == kind).collect()
    };
    html.push_str("<section class=\"callout\" id=\"anomalies\">\n<h2>Anomalies</h2>\n<ul>\n");
    let closed = of_kind(NoteKind::ShiftsOnClosedDay);
    let closed_items: Vec<String> = closed
        .iter()
        .map(|n| {
            format!(
                "{}: {} shifts, {} agent-hours",
                short_date(n.date),
                n.shifts.unwrap_or(0),
                number(n.agent_hours.unwrap_or(0.0), 1)
            )
        })
        .collect();
    anomaly_item(html, "closed", "Shifts on closed days", &closed_items);
    let below: Vec<String> = of_kind(NoteKind::DayBelowTarget)
        .iter()
        .map(|n| below_target_item(n))
        .collect();
    anomaly_item(html, "below-target", "Days below target", &below);
    let idle = idle_hours_items(&of_kind(NoteKind::HoursWithoutCalls));
    anomaly_item(
        html,
        "without-calls",
        "Agent-hours on queues in intervals with no calls",
        &idle,
    );
    html.push_str("</ul>\n</section>\n");
}

/// One check of the callout: its label, then its findings or "none".
fn anomaly_item(html: &mut String, id: &str, label: &str, items: &[String]) {
    let found = if items.is_empty() {
        "none".to_string()
    } else {
        items.join("; ")
    };
    let _ = writeln!(
        html,
        "<li id=\"anomaly-{id}\"{}><strong>{}</strong> ({}): {}.</li>",
        if items.is_empty() {
            ""
        } else {
            " class=\"found\""
        },
        escape(label),
        items.len(),
        found
    );
}

/// `sales Tue 15 Dec: 77.4% simulated (69.1-85.7%), target 80.0%`.
fn below_target_item(note: &Note) -> String {
    let level = match (&note.simulated, note.projected) {
        (Some(s), _) => format!(
            "{} simulated ({}-{})",
            percent(Some(s.mean)),
            percent(Some(s.low)),
            percent(Some(s.high))
        ),
        (None, projected) => format!("{} projected", percent(projected)),
    };
    format!(
        "{} {}: {level}, target {}",
        escape(note.queue.as_deref().unwrap_or("")),
        short_date(note.date),
        percent(note.target)
    )
}

/// Per queue: the agent-hours without calls over the horizon, the days, and the
/// day with the most (one line per queue; the notes hold every day).
fn idle_hours_items(notes: &[&Note]) -> Vec<String> {
    let mut queues: BTreeMap<&str, Vec<&Note>> = BTreeMap::new();
    for note in notes {
        queues
            .entry(note.queue.as_deref().unwrap_or(""))
            .or_default()
            .push(note);
    }
    queues
        .into_iter()
        .map(|(queue, days)| {
            let total: f64 = days.iter().filter_map(|n| n.agent_hours).sum();
            let most = days
                .iter()
                .max_by(|a, b| {
                    a.agent_hours
                        .partial_cmp(&b.agent_hours)
                        .unwrap_or(std::cmp::Ordering::Equal)
                })
                .copied();
            format!(
                "{} {} agent-hours on {} days (most {} on {})",
                escape(queue),
                number(total, 2),
                days.len(),
                number(most.and_then(|n| n.agent_hours).unwrap_or(0.0), 2),
                most.map_or(String::new(), |n| short_date(n.date))
            )
        })
        .collect()
}

/// `Tue 15 Dec`.
fn short_date(date: Option<NaiveDate>) -> String {
    date.map_or(String::new(), |d| d.format("%a %d %b").to_string())
}

/// The shortfalls as a table grouped by day (the day's cell spans its rows),
/// sorted by date, start and queue; the cost trade-off explained at the first
/// cause that is only cost.
fn shortfall_table(html: &mut String, summary: &Summary) {
    let mut runs: Vec<&Note> = summary
        .notes
        .iter()
        .filter(|n| n.kind == NoteKind::Shortfall)
        .collect();
    if runs.is_empty() {
        return;
    }
    runs.sort_by(|a, b| (a.date, &a.start, &a.queue).cmp(&(b.date, &b.start, &b.queue)));
    let _ = writeln!(
        html,
        "<h2>Shortfalls</h2>\n<p>{} runs of half-hours the roster leaves short, by day. \
         Figures are the run's worst half-hour; the causes count the agents with the \
         queue's skill by what keeps each from it.</p>\n<table id=\"shortfalls\" class=\"notes\">\n\
         <tr><th>Day</th><th>Hours</th><th>Queue</th><th>Short</th><th>Required</th>\
         <th>Rostered</th><th>Skilled agents: why not on it</th></tr>",
        runs.len()
    );
    let mut explained = false;
    let mut index = 0;
    while index < runs.len() {
        let date = runs[index].date;
        let day_rows = runs[index..].iter().take_while(|n| n.date == date).count();
        for (row, note) in runs[index..index + day_rows].iter().enumerate() {
            let day_cell = if row == 0 {
                format!(
                    "<th rowspan=\"{day_rows}\" class=\"day\">{}</th>",
                    short_date(date)
                )
            } else {
                String::new()
            };
            let causes = causes_cell(note, &mut explained);
            let _ = writeln!(
                html,
                "<tr>{day_cell}<td>{}-{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"causes\">{causes}</td></tr>",
                escape(note.start.as_deref().unwrap_or("")),
                escape(note.end.as_deref().unwrap_or("")),
                escape(note.queue.as_deref().unwrap_or("")),
                agents(note.short_agents),
                agents(note.required_agents),
                agents(note.rostered_agents),
            );
        }
        index += day_rows;
    }
    html.push_str("</table>\n");
    if explained {
        let _ = writeln!(
            html,
            "<p id=\"cost-tradeoff\"><sup>*</sup> Free but not rostered: no rule stops these \
             agents, but a whole shift of theirs costs more than the shortfall it would fill, \
             priced at {} per agent-hour short (<code>[penalties] under_per_agent_hour</code> \
             in shifts.toml); raise that price to buy more coverage at a higher cost.</p>",
            number(summary.solver.under_per_agent_hour, 2)
        );
    }
}

/// Agents as the notes hold them, two decimals at most (`0.5`, `19`).
fn agents(value: Option<f64>) -> String {
    value.map_or("-".to_string(), |v| crate::units::format_number(v, 2))
}

/// `94: 21 on it · 39 other work · 34 free (cost)*`; the asterisk (and, once, the
/// sentence under the table) explains the cost trade-off.
fn causes_cell(note: &Note, explained: &mut bool) -> String {
    let mut parts = Vec::new();
    for cause in &note.causes {
        let what = match (cause.code, &cause.rule) {
            ("on_queue", _) => "on it".to_string(),
            ("other_work", _) => "other work".to_string(),
            ("unavailable", _) => "unavailable or on leave".to_string(),
            ("no_template", _) => "no template".to_string(),
            ("rule", Some(rule)) => format!("blocked by {}", escape(rule)),
            ("not_rostered_cost", _) => {
                *explained = true;
                "free, not rostered (cost)<sup>*</sup>".to_string()
            }
            (code, _) => escape(code),
        };
        parts.push(format!("{} {what}", cause.agents));
    }
    format!(
        "{}: {}",
        note.skilled_agents.unwrap_or(0),
        parts.join(" · ")
    )
}

/// The notes neither in the callout nor in the shortfall table, as a list.
fn other_notes(html: &mut String, summary: &Summary) {
    let others: Vec<&Note> = summary
        .notes
        .iter()
        .filter(|n| !n.kind.is_anomaly() && n.kind != NoteKind::Shortfall)
        .collect();
    if others.is_empty() {
        return;
    }
    html.push_str("<h2>Notes</h2>\n<ul class=\"notes\" id=\"other-notes\">\n");
    for note in others {
        let _ = writeln!(html, "<li>{}</li>", escape(&note.text));
    }
    html.push_str("</ul>\n");
}

fn footer(html: &mut String, config: &PlanConfig, summary: &Summary) {
    let config_name = config
        .path
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let _ = write!(
        html,
        "<footer>Made by {} from <code>{}</code>. Files: {}.",
        escape(summary.generator),
        escape(&config_name),
        footer_files(&summary.outputs).join(", ")
    );
    if let Some(stamp) = &summary.stamp {
        let _ = write!(html, " Generated {}.", escape(&stamp.generated_at));
    }
    html.push_str("</footer>\n");
}

/// The plan's files for the footer, the agents' calendars as one entry.
fn footer_files(outputs: &[String]) -> Vec<String> {
    let prefix = format!("{}/", crate::publish::SCHEDULES_DIR);
    let calendars = outputs.iter().filter(|o| o.starts_with(&prefix)).count();
    let mut files = Vec::new();
    for output in outputs {
        if !output.starts_with(&prefix) {
            files.push(format!("<code>{}</code>", escape(output)));
        } else if files.last().is_none_or(|f| !f.contains(&prefix)) {
            files.push(format!(
                "<code>{}*.ics</code> ({calendars} agents)",
                escape(&prefix)
            ));
        }
    }
    files
}

/// Coverage summed over queues per interval (a roster's coverage is per queue; the
/// week chart shows all queues together).
fn pooled_coverage(coverage: &[CoverageRow]) -> Vec<CoverageRow> {
    let mut pooled: Vec<CoverageRow> = Vec::new();
    let mut index: std::collections::BTreeMap<i64, usize> = Default::default();
    for row in coverage {
        match index.get(&row.interval_start.timestamp()) {
            Some(&i) => {
                let sum = &mut pooled[i];
                sum.calls += row.calls;
                sum.required += row.required;
                sum.scheduled += row.scheduled;
                sum.shortfall += row.shortfall;
                sum.surplus += row.surplus;
            }
            None => {
                index.insert(row.interval_start.timestamp(), pooled.len());
                pooled.push(row.clone());
            }
        }
    }
    pooled
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_and_numbers() {
        assert_eq!(escape("a<b & \"c\""), "a&lt;b &amp; &quot;c&quot;");
        assert_eq!(number(12345.678, 1), "12\u{2009}345.7");
        assert_eq!(number(999.0, 0), "999");
        assert_eq!(number(-1234.0, 0), "-1\u{2009}234");
    }
}
