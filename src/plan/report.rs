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
use super::pipeline::Plan;
use super::plots::{self, template_lane, GanttBar};
use super::service::QueueInterval;
use super::summary::Summary;

/// The report's file name, and the directory of the plots beside it.
pub const REPORT_FILE: &str = "report.html";
pub const PLOTS_DIR: &str = "plots";
/// The charts, in the report's order: `plots/NAME.svg`.
pub const PLOT_NAMES: [&str; 6] = [
    "forecast",
    "week-agents",
    "week-service-level",
    "daily-service-level",
    "daily-hours",
    "gantt",
];

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
    let mut figures = vec![
        Figure {
            name: "forecast",
            caption: format!(
                "Offered calls per day: thin lines the last {} weeks of history, thick lines the \
                 forecast, the band the sum of its half-hourly {:.0}% prediction intervals (wider \
                 than an interval for the whole day). Check that the forecast carries on the \
                 history's level and weekly pattern and that holidays and events show.",
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
                 above the shading is paid idle time.",
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
                 dashed line are the half-hours to fix."
            ),
            svg: plots::week_service_chart(service, week, days)?,
        },
        Figure {
            name: "daily-service-level",
            caption: "Service level per day and queue over the horizon: the line the \
                      projection, the dots the simulation of the same roster with their 95% \
                      intervals, dashed the targets. A day whose whole interval sits below its \
                      target is one to fix; a line far from its dots means the projection's \
                      assumptions do not hold that day."
                .to_string(),
            svg: plots::daily_service_chart(&summary.service_level, config.start, config.days)?,
        },
        Figure {
            name: "daily-hours",
            caption: "Agent-hours per day over the horizon: required (light) and scheduled \
                      (dark). Scheduled above required is what the shift shapes cost; below it \
                      is shortfall."
                .to_string(),
            svg: plots::daily_hours_chart(&summary.days)?,
        },
    ];
    figures.push(gantt(config, plan, &week_name)?);
    Ok(figures)
}

/// The roster of the week as a Gantt chart, or without a roster the shifts by
/// template and start time.
fn gantt(config: &PlanConfig, plan: &Plan, week_name: &str) -> Result<Figure> {
    let (week, days) = (config.report_week, config.report_days);
    let day_of = |date: NaiveDate| {
        let day = (date - week).num_days();
        (0..i64::from(days)).contains(&day).then_some(day as u32)
    };
    if let Some(roster) = &plan.roster {
        let agents: Vec<String> = roster
            .shifts
            .iter()
            .map(|s| s.agent_id.clone())
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        let bars: Vec<GanttBar> = roster
            .shifts
            .iter()
            .filter_map(|shift| {
                Some(GanttBar {
                    lane: agents.binary_search(&shift.agent_id).ok()?,
                    day: day_of(shift.date)?,
                    start: shift.start,
                    end: shift.end,
                    label: None,
                    group: 0,
                })
            })
            .collect();
        return Ok(Figure {
            name: "gantt",
            caption: format!("The roster in {week_name}: each agent's shifts."),
            svg: plots::gantt_chart(
                &format!("Roster, week of {}", week.format("%d %b %Y")),
                &agents,
                &bars,
                week,
                days,
            )?,
        });
    }
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
        })
        .collect();
    Ok(Figure {
        name: "gantt",
        caption: format!(
            "Shifts in {week_name} by template and start time (no roster: plan.toml names no \
             agents); the number on a bar is how many agents work that shift that day."
        ),
        svg: plots::gantt_chart(
            &format!(
                "Shifts by template and start, week of {}",
                week.format("%d %b %Y")
            ),
            &names.into_values().collect::<Vec<_>>(),
            &bars,
            week,
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

/// Escapes text for HTML (and XML) content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            other => out.push(other),
        }
    }
    out
}

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
    headline(&mut html, summary);
    service_table(&mut html, summary);
    notes(&mut html, summary);
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

fn notes(html: &mut String, summary: &Summary) {
    if summary.notes.is_empty() {
        return;
    }
    html.push_str("<h2>Notes</h2>\n<ul class=\"notes\">\n");
    for note in &summary.notes {
        let _ = writeln!(html, "<li>{}</li>", escape(note));
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
