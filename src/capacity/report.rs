//! `report.html` of `wfm capacity`: one self-contained page (inline SVG, no scripts)
//! with the baseline's required versus projected productive FTE and its classes, the
//! classes to recruit, the scenarios side by side and the forecast's backtest.

use std::fmt::Write as _;

use chrono::Duration;
use plotters::prelude::*;

use crate::error::{Error, Result};

use super::outputs::{CapacitySummary, ScenarioRow};
use super::{Capacity, ScenarioPlan};

/// Chart size, pixels.
const WIDTH: u32 = 960;
const HEIGHT: u32 = 400;
const FONT: &str = "sans-serif";
/// Okabe & Ito (2008) colour-blind-safe blue, vermillion and green.
const REQUIRED: RGBColor = RGBColor(0, 114, 178);
const PRODUCTIVE: RGBColor = RGBColor(213, 94, 0);
const HIRES: RGBColor = RGBColor(0, 158, 115);

const STYLE: &str = "body{font-family:sans-serif;max-width:1000px;margin:2em auto;color:#222}\
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}\
th{background:#f3f3f3}td:first-child,th:first-child{text-align:left}.lead{color:#555}";

fn drawing<E: std::fmt::Display>(error: E) -> Error {
    Error::write("report.html", std::io::Error::other(error.to_string()))
}

/// HTML-escapes text.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Required FTE (line), projected productive FTE (line) and hires starting (bars, on
/// the same FTE axis) per week.
pub fn fte_chart(capacity: &Capacity, plan: &ScenarioPlan) -> Result<String> {
    let weeks = plan.required.len() as i64;
    let top = plan
        .required
        .iter()
        .copied()
        .chain(plan.plan.weeks.iter().map(|w| w.productive))
        .fold(1.0, f64::max)
        * 1.1;
    let first = capacity.first_week;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        root.fill(&WHITE).map_err(drawing)?;
        let mut chart = ChartBuilder::on(&root)
            .caption("Required and projected productive FTE per week", (FONT, 18))
            .margin(12)
            .x_label_area_size(32)
            .y_label_area_size(60)
            .build_cartesian_2d(0..weeks.max(1), 0.0..top)
            .map_err(drawing)?;
        chart
            .configure_mesh()
            .x_labels(13)
            .x_label_formatter(&|w| {
                (first + Duration::days(7 * w))
                    .format("%d %b %y")
                    .to_string()
            })
            .y_label_formatter(&|v| format!("{v:.0}"))
            .y_desc("FTE")
            .light_line_style(WHITE.mix(0.0))
            .draw()
            .map_err(drawing)?;
        chart
            .draw_series(
                plan.plan
                    .weeks
                    .iter()
                    .enumerate()
                    .filter(|(_, w)| w.hires_starting > 0)
                    .map(|(i, w)| {
                        Rectangle::new(
                            [(i as i64, 0.0), (i as i64 + 1, f64::from(w.hires_starting))],
                            HIRES.mix(0.6).filled(),
                        )
                    }),
            )
            .map_err(drawing)?
            .label("hires starting (people)")
            .legend(|(x, y)| {
                Rectangle::new([(x, y - 4), (x + 18, y + 4)], HIRES.mix(0.6).filled())
            });
        chart
            .draw_series(LineSeries::new(
                plan.required
                    .iter()
                    .enumerate()
                    .map(|(i, r)| (i as i64, *r)),
                REQUIRED.stroke_width(3),
            ))
            .map_err(drawing)?
            .label("required FTE")
            .legend(|(x, y)| PathElement::new([(x, y), (x + 18, y)], REQUIRED.stroke_width(3)));
        chart
            .draw_series(LineSeries::new(
                plan.plan
                    .weeks
                    .iter()
                    .enumerate()
                    .map(|(i, w)| (i as i64, w.productive)),
                PRODUCTIVE.stroke_width(2),
            ))
            .map_err(drawing)?
            .label("projected productive FTE")
            .legend(|(x, y)| PathElement::new([(x, y), (x + 18, y)], PRODUCTIVE.stroke_width(2)));
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::LowerRight)
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK.mix(0.4))
            .label_font((FONT, 13))
            .draw()
            .map_err(drawing)?;
        root.present().map_err(drawing)?;
    }
    Ok(svg)
}

fn scenario_table(html: &mut String, rows: &[ScenarioRow]) {
    html.push_str(
        "<h2>Scenarios</h2>\n<table>\n<tr><th>scenario</th><th>changes</th><th>mean required FTE</th>\
<th>peak required FTE</th><th>hires</th><th>classes</th><th>first class</th><th>hiring cost</th>\
<th>salaries</th><th>FTE-weeks short</th><th>FTE-weeks over</th><th>total cost</th><th>vs baseline</th></tr>\n",
    );
    for row in rows {
        let _ = writeln!(
            html,
            "<tr><td>{}</td><td>{}</td><td>{:.1}</td><td>{:.1}</td><td>{}</td><td>{}</td><td>{}</td>\
<td>{:.0}</td><td>{:.0}</td><td>{:.1}</td><td>{:.1}</td><td>{:.0}</td><td>{:+.0}</td></tr>",
            escape(&row.scenario),
            escape(&row.changes),
            row.mean_required_fte,
            row.peak_required_fte,
            row.hires,
            row.classes,
            row.first_class.as_deref().unwrap_or("-"),
            row.hiring_cost,
            row.salary_cost,
            row.under_fte_weeks,
            row.over_fte_weeks,
            row.total_cost,
            row.cost_vs_baseline
        );
    }
    html.push_str("</table>\n");
}

fn classes_table(html: &mut String, summary: &CapacitySummary) {
    html.push_str("<h2>Hiring classes (baseline)</h2>\n");
    if summary.classes.is_empty() {
        html.push_str("<p>No class: today's staff covers the requirement at least cost.</p>\n");
        return;
    }
    html.push_str("<table>\n<tr><th>class starts</th><th>recruit from</th><th>size</th></tr>\n");
    for class in &summary.classes {
        let _ = writeln!(
            html,
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
            class.starts, class.recruit_from, class.size
        );
    }
    html.push_str("</table>\n");
}

fn backtest_table(html: &mut String, summary: &CapacitySummary) {
    html.push_str(
        "<h2>Forecast</h2>\n<table>\n<tr><th>queue</th><th>model</th><th>mean weekly calls</th>\
<th>mean required FTE</th><th>WAPE 4 weeks ahead</th><th>13 weeks</th><th>26 weeks</th></tr>\n",
    );
    for queue in &summary.queues {
        let score = |h: usize| {
            queue
                .backtest
                .iter()
                .find(|s| s.weeks_ahead == h)
                .and_then(|s| {
                    s.wape
                        .map(|w| format!("{:.1}% ({} origins)", w * 100.0, s.origins))
                })
                .unwrap_or_else(|| "-".into())
        };
        let _ = writeln!(
            html,
            "<tr><td>{}</td><td>{}</td><td>{:.0}</td><td>{:.1}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&queue.queue),
            escape(&queue.model),
            queue.mean_weekly_calls,
            queue.mean_required_fte,
            score(4),
            score(13),
            score(26)
        );
    }
    html.push_str("</table>\n");
}

/// The whole page.
pub fn html(
    capacity: &Capacity,
    plans: &[ScenarioPlan],
    summary: &CapacitySummary,
) -> Result<String> {
    let baseline = &plans[0];
    let last = capacity.first_week + Duration::days(7 * capacity.weeks as i64 - 1);
    let mut html = String::new();
    let _ = write!(
        html,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
<title>Capacity plan from {first}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n\
<h1>Capacity plan, {weeks} weeks from {first}</h1>\n\
<p class=\"lead\">{first} to {last}; {fte:.1} FTE today ({from}), {hours} paid hours per FTE a week; \
{hires} hires in {classes} class(es) in the baseline.</p>\n",
        first = capacity.first_week,
        weeks = capacity.weeks,
        fte = capacity.current_fte,
        from = escape(&summary.headcount_from),
        hours = crate::units::format_number(capacity.fte_hours, 2),
        hires = baseline.hires(),
        classes = baseline.classes(),
    );
    html.push_str(&fte_chart(capacity, baseline)?);
    html.push('\n');
    classes_table(&mut html, summary);
    scenario_table(&mut html, &summary.scenarios);
    backtest_table(&mut html, summary);
    html.push_str(
        "<p class=\"lead\">Required FTE: the agents Erlang staffing needs in every interval of the week, \
in agent-hours, over the paid hours per FTE and (1 - shrinkage). See docs/formats.md, \"capacity.csv\".</p>\n\
</body>\n</html>\n",
    );
    Ok(html)
}
