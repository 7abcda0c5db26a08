//! The report's charts, drawn with plotters into SVG strings (no fonts or system
//! libraries needed: the text is SVG `<text>` for the browser to render).
//!
//! Every function takes plain rows and returns one self-contained SVG document; the
//! report writes each to `plots/NAME.svg` and embeds the same text inline.

use std::collections::BTreeMap;

use chrono::{Datelike, Duration, NaiveDate};
use plotters::coord::combinators::BindKeyPoints;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::error::{Error, Result};
use crate::forecast::ForecastRow;
use crate::schedule::CoverageRow;
use crate::units::format_clock_minutes;

use super::pipeline::DailyCalls;
use super::service::QueueInterval;
use super::simulation::Simulated;
use super::summary::{Day, QueueService, QueueServiceDay};

/// Width of every chart, pixels.
const WIDTH: u32 = 960;
/// Height of the line and bar charts, pixels.
const HEIGHT: u32 = 380;
const FONT: &str = "sans-serif";

/// Queue colours, in queue order (colour-blind-safe, Okabe & Ito 2008).
const PALETTE: [RGBColor; 6] = [
    RGBColor(0, 114, 178),
    RGBColor(213, 94, 0),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(230, 159, 0),
    RGBColor(86, 180, 233),
];
const GREY: RGBColor = RGBColor(120, 120, 120);
const SHORT: RGBColor = RGBColor(200, 30, 30);

fn colour(index: usize) -> RGBColor {
    PALETTE[index % PALETTE.len()]
}

/// A plotters failure as an output error (it only fails on bad geometry).
fn drawing<E: std::fmt::Display>(error: E) -> Error {
    Error::write("plots", std::io::Error::other(error.to_string()))
}

/// The top of a value axis: 10% above the largest value, at least `floor`.
fn axis_top(values: impl Iterator<Item = f64>, floor: f64) -> f64 {
    values.fold(floor, f64::max) * 1.1
}

/// One bar of a Gantt chart: `lane` from `start` to `end` minutes after the
/// midnight of the week's `day` (0 = first day), with an optional label.
#[derive(Debug, Clone, PartialEq)]
pub struct GanttBar {
    pub lane: usize,
    pub day: u32,
    pub start: u32,
    pub end: u32,
    pub label: Option<String>,
    /// Colour index (e.g. the template).
    pub group: usize,
    /// Hover text (`<title>`).
    pub title: String,
}

/// A chart over days (x) and a count (y).
type DayChart<'a, 'b> = ChartContext<
    'a,
    SVGBackend<'b>,
    Cartesian2d<plotters::coord::types::RangedCoordi64, plotters::coord::types::RangedCoordf64>,
>;

/// A queue's forecast per day offset from the horizon's start: (calls, low, high),
/// the sums of its intervals' forecast and prediction interval (forecast.csv's).
type DailyForecast<'a> = BTreeMap<&'a str, BTreeMap<i64, (f64, f64, f64)>>;

/// The forecast summed per queue and local day.
fn daily_forecast(forecast: &[ForecastRow], start: NaiveDate) -> DailyForecast<'_> {
    let mut daily: DailyForecast = BTreeMap::new();
    for interval in forecast {
        let offset = (interval.interval_start.local_date() - start).num_days();
        let day = daily
            .entry(&interval.queue)
            .or_default()
            .entry(offset)
            .or_default();
        day.0 += interval.calls;
        day.1 += interval.calls_lo.unwrap_or(interval.calls);
        day.2 += interval.calls_hi.unwrap_or(interval.calls);
    }
    daily
}

/// Daily calls: the history's last weeks (thin lines) and the forecast (thick) with
/// its prediction interval (band), per queue. Each day of either line carries its
/// figures in the `<title>` of an invisible dot on it (hover text, and what a test
/// compares with forecast.csv and the history).
pub fn forecast_chart(
    history: &[DailyCalls],
    forecast: &[ForecastRow],
    start: NaiveDate,
    days: u32,
    level: f64,
) -> Result<String> {
    let daily = daily_forecast(forecast, start);
    let mut past: BTreeMap<&str, Vec<(i64, f64)>> = BTreeMap::new();
    for day in history {
        past.entry(&day.queue)
            .or_default()
            .push(((day.date - start).num_days(), day.calls));
    }
    let first = past
        .values()
        .flatten()
        .map(|(offset, _)| *offset)
        .min()
        .unwrap_or(0);
    let top = axis_top(
        daily
            .values()
            .flat_map(|d| d.values().map(|v| v.2))
            .chain(past.values().flatten().map(|(_, calls)| *calls)),
        10.0,
    );
    let mut svg = String::new();
    let mut hovers = Vec::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        root.fill(&WHITE).map_err(drawing)?;
        let mut chart = ChartBuilder::on(&root)
            .caption("Calls per day: history and forecast", (FONT, 18))
            .margin(12)
            .x_label_area_size(32)
            .y_label_area_size(60)
            .build_cartesian_2d(first..i64::from(days), 0.0..top)
            .map_err(drawing)?;
        chart
            .configure_mesh()
            .x_labels(12)
            .x_label_formatter(&|d| (start + Duration::days(*d)).format("%d %b").to_string())
            .y_label_formatter(&|v| format!("{v:.0}"))
            .y_desc("calls")
            .light_line_style(WHITE.mix(0.0))
            .draw()
            .map_err(drawing)?;
        chart
            .draw_series(DashedLineSeries::new(
                [(0, 0.0), (0, top)],
                4,
                4,
                GREY.stroke_width(1),
            ))
            .map_err(drawing)?;
        for (index, (queue, days)) in daily.iter().enumerate() {
            let history = past.get(queue).map_or(&[][..], Vec::as_slice);
            let series = QueueDays {
                queue,
                colour: colour(index),
                start,
            };
            hovers.extend(series.draw(&mut chart, history, days, level)?);
        }
        legend(&mut chart, SeriesLabelPosition::UpperLeft)?;
        root.present().map_err(drawing)?;
    }
    Ok(with_hovers(svg, &hovers))
}

/// One queue's lines of [`forecast_chart`].
struct QueueDays<'q> {
    queue: &'q str,
    colour: RGBColor,
    start: NaiveDate,
}

impl QueueDays<'_> {
    /// Draws the band, the history and the forecast; returns a hover dot per day.
    fn draw(
        &self,
        chart: &mut DayChart,
        history: &[(i64, f64)],
        days: &BTreeMap<i64, (f64, f64, f64)>,
        level: f64,
    ) -> Result<Vec<Hover>> {
        let colour = self.colour;
        let mut band: Vec<(i64, f64)> = days.iter().map(|(d, v)| (*d, v.1)).collect();
        band.extend(days.iter().rev().map(|(d, v)| (*d, v.2)));
        chart
            .draw_series(std::iter::once(Polygon::new(band, colour.mix(0.18))))
            .map_err(drawing)?;
        if !history.is_empty() {
            chart
                .draw_series(LineSeries::new(
                    history.iter().copied(),
                    colour.stroke_width(1),
                ))
                .map_err(drawing)?
                .label(format!("{}: history", self.queue))
                .legend(move |(x, y)| PathElement::new([(x, y), (x + 18, y)], colour));
        }
        chart
            .draw_series(LineSeries::new(
                days.iter().map(|(d, v)| (*d, v.0)),
                colour.stroke_width(3),
            ))
            .map_err(drawing)?
            .label(format!(
                "{}: forecast, {:.0}% interval",
                self.queue,
                level * 100.0
            ))
            .legend(move |(x, y)| {
                Rectangle::new([(x, y - 4), (x + 18, y + 4)], colour.mix(0.4).filled())
            });
        let past = history.iter().map(|(d, calls)| {
            let title = format!("{}: history {calls:.0} calls", self.day(*d));
            Hover::dot(chart.backend_coord(&(*d, *calls)), colour, title)
        });
        let ahead = days.iter().map(|(d, (calls, low, high))| {
            let title = format!(
                "{}: forecast {calls:.1} calls ({:.0}% interval {low:.1}-{high:.1})",
                self.day(*d),
                level * 100.0
            );
            Hover::dot(chart.backend_coord(&(*d, *calls)), colour, title)
        });
        Ok(past.chain(ahead).collect())
    }

    /// `sales, Mon 2026-12-07`: the start of a day's hover text.
    fn day(&self, offset: i64) -> String {
        queue_day(self.queue, self.start + Duration::days(offset))
    }
}

/// Draws the series legend at `position`.
fn legend<'a, DB: DrawingBackend + 'a, CT: plotters::coord::CoordTranslate>(
    chart: &mut ChartContext<'a, DB, CT>,
    position: SeriesLabelPosition,
) -> Result<()> {
    chart
        .configure_series_labels()
        .position(position)
        .background_style(WHITE.mix(0.85))
        .border_style(GREY)
        .label_font((FONT, 13))
        .draw()
        .map_err(drawing)
}

/// Half-hour index in the week of an interval, if it lies in the week.
fn week_slot(instant: &chrono::DateTime<chrono_tz::Tz>, week: NaiveDate, days: u32) -> Option<i64> {
    let day = (instant.date_naive() - week).num_days();
    if day < 0 || day >= i64::from(days) {
        return None;
    }
    let minute = crate::interval::local_minute_of_day(instant);
    Some(day * 48 + i64::from(minute / 30))
}

/// `Mon 07` at each day's first half-hour.
fn day_label(week: NaiveDate, slot: i64) -> String {
    if slot % 48 != 0 {
        return String::new();
    }
    let date = week + Duration::days(slot / 48);
    format!("{} {:02}", date.weekday(), date.day())
}

/// The start of each day of the week: a tick and its label (none at the week's
/// end, whose label would stick out of the chart).
fn day_ticks(days: u32) -> Vec<i64> {
    (0..i64::from(days)).map(|d| d * 48).collect()
}

/// `Mon 2026-12-07 10:00-10:30`: a day and a span of its clock (minutes after
/// midnight), as every hover text of the report names a time.
pub fn day_span(date: NaiveDate, start: u32, end: u32) -> String {
    format!(
        "{} {}-{}",
        date.format("%a %Y-%m-%d"),
        format_clock_minutes(start),
        format_clock_minutes(end)
    )
}

/// `Mon 2026-12-07 10:00-10:30`: a half-hour of the week as hover texts name it.
fn slot_name(week: NaiveDate, slot: i64) -> String {
    let minute = (slot % 48) as u32 * 30;
    day_span(week + Duration::days(slot / 48), minute, minute + 30)
}

/// `Mon 2026-12-07 10:00-10:30: required 12.30, scheduled 14.00, short 0.00
/// agents`: a half-hour's figures (coverage.csv's, summed over the queues).
fn agents_title(week: NaiveDate, slot: i64, row: &CoverageRow) -> String {
    format!(
        "{}: required {:.2}, scheduled {:.2}, short {:.2} agents",
        slot_name(week, slot),
        row.required,
        row.scheduled,
        row.shortfall
    )
}

/// Required agents (shaded) and scheduled agents (line) per half-hour of the week,
/// shortfalls marked in red. Each half-hour's column carries its figures in the
/// `<title>` of an invisible rectangle over it.
pub fn week_agents_chart(coverage: &[CoverageRow], week: NaiveDate, days: u32) -> Result<String> {
    let rows: Vec<(i64, &CoverageRow)> = coverage
        .iter()
        .filter_map(|row| week_slot(&row.interval_start, week, days).map(|slot| (slot, row)))
        .collect();
    let top = axis_top(rows.iter().map(|(_, r)| r.required.max(r.scheduled)), 5.0);
    let steps = |value: &dyn Fn(&CoverageRow) -> f64| -> Vec<(i64, f64)> {
        rows.iter()
            .flat_map(|(slot, row)| [(*slot, value(row)), (slot + 1, value(row))])
            .collect()
    };
    let mut svg = String::new();
    let hovers: Vec<Hover>;
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        root.fill(&WHITE).map_err(drawing)?;
        let mut chart = ChartBuilder::on(&root)
            .caption(
                format!("Agents per half-hour, week of {}", week.format("%d %b %Y")),
                (FONT, 18),
            )
            .margin(12)
            .x_label_area_size(32)
            .y_label_area_size(60)
            .build_cartesian_2d(
                (0..i64::from(days) * 48).with_key_points(day_ticks(days)),
                0.0..top,
            )
            .map_err(drawing)?;
        chart
            .configure_mesh()
            .x_label_formatter(&|slot| day_label(week, *slot))
            .y_label_formatter(&|v| format!("{v:.0}"))
            .y_desc("agents")
            .light_line_style(WHITE.mix(0.0))
            .draw()
            .map_err(drawing)?;
        let required = colour(0);
        chart
            .draw_series(
                AreaSeries::new(steps(&|r| r.required), 0.0, required.mix(0.25))
                    .border_style(required.mix(0.6)),
            )
            .map_err(drawing)?
            .label("required")
            .legend(move |(x, y)| {
                Rectangle::new([(x, y - 4), (x + 18, y + 4)], required.mix(0.3).filled())
            });
        chart
            .draw_series(
                rows.iter()
                    .filter(|(_, r)| r.shortfall > 1e-9)
                    .map(|(slot, r)| {
                        Rectangle::new(
                            [(*slot, r.scheduled), (slot + 1, r.required)],
                            SHORT.mix(0.8).filled(),
                        )
                    }),
            )
            .map_err(drawing)?
            .label("short")
            .legend(|(x, y)| Rectangle::new([(x, y - 4), (x + 18, y + 4)], SHORT.filled()));
        let scheduled = colour(1);
        chart
            .draw_series(LineSeries::new(
                steps(&|r| r.scheduled),
                scheduled.stroke_width(2),
            ))
            .map_err(drawing)?
            .label("scheduled")
            .legend(move |(x, y)| {
                PathElement::new([(x, y), (x + 18, y)], scheduled.stroke_width(2))
            });
        legend(&mut chart, SeriesLabelPosition::UpperRight)?;
        root.present().map_err(drawing)?;
        hovers = rows
            .iter()
            .map(|(slot, row)| {
                let (left, upper) = chart.backend_coord(&(*slot, top));
                let (right, bottom) = chart.backend_coord(&(slot + 1, 0.0));
                Hover::Column {
                    edges: (left, upper, right, bottom),
                    title: agents_title(week, *slot, row),
                }
            })
            .collect();
    }
    Ok(with_hovers(svg, &hovers))
}

/// A half-hour of the week and its service level (none without calls).
type SlotLevel = (i64, Option<f64>);

/// `sales, Mon 2026-12-07 10:00-10:30: projected 85.1% (target 80.0%)`: a
/// queue's half-hour as its hover dot names it.
fn slot_service_title(
    queue: &str,
    (week, slot): (NaiveDate, i64),
    level: f64,
    target: Option<f64>,
) -> String {
    let mut title = format!(
        "{queue}, {}: projected {}",
        slot_name(week, slot),
        percent(level, 1)
    );
    if let Some(target) = target {
        title.push_str(&format!(" (target {})", percent(target, 1)));
    }
    title
}

/// Projected service level per half-hour of the week, per queue, with each queue's
/// target dashed. Each point carries its figures in the `<title>` of an invisible
/// dot on it.
pub fn week_service_chart(service: &[QueueInterval], week: NaiveDate, days: u32) -> Result<String> {
    let mut queues: BTreeMap<&str, (Option<f64>, Vec<SlotLevel>)> = BTreeMap::new();
    for interval in service {
        if let Some(slot) = week_slot(&interval.interval_start, week, days) {
            let entry = queues.entry(&interval.queue).or_default();
            entry.0 = interval.target;
            entry.1.push((slot, interval.service_level));
        }
    }
    // From a round 10% below the lowest value or target, so the dips are visible.
    let lowest = queues
        .values()
        .flat_map(|(target, points)| {
            target
                .iter()
                .copied()
                .chain(points.iter().filter_map(|p| p.1))
        })
        .fold(1.0, f64::min);
    let bottom = ((lowest - 0.05) * 10.0).floor().max(0.0) / 10.0;
    let mut svg = String::new();
    let mut hovers = Vec::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        root.fill(&WHITE).map_err(drawing)?;
        let mut chart = ChartBuilder::on(&root)
            .caption(
                format!(
                    "Projected service level per half-hour, week of {}",
                    week.format("%d %b %Y")
                ),
                (FONT, 18),
            )
            .margin(12)
            .x_label_area_size(32)
            .y_label_area_size(60)
            .build_cartesian_2d(
                (0..i64::from(days) * 48).with_key_points(day_ticks(days)),
                bottom..1.02,
            )
            .map_err(drawing)?;
        chart
            .configure_mesh()
            .x_label_formatter(&|slot| day_label(week, *slot))
            .y_label_formatter(&|share| format!("{:.0}%", share * 100.0))
            .y_desc("answered within target time")
            .light_line_style(WHITE.mix(0.0))
            .draw()
            .map_err(drawing)?;
        for (index, (queue, (target, points))) in queues.iter().enumerate() {
            let colour = colour(index);
            if let Some(target) = *target {
                chart
                    .draw_series(DashedLineSeries::new(
                        [(0, target), (i64::from(days) * 48, target)],
                        6,
                        4,
                        colour.stroke_width(1),
                    ))
                    .map_err(drawing)?
                    .label(format!("{queue}: target {:.0}%", target * 100.0))
                    .legend(move |(x, y)| PathElement::new([(x, y), (x + 18, y)], colour));
            }
            hovers.extend(points.iter().filter_map(|(slot, level)| {
                let at = chart.backend_coord(&(*slot, (*level)?));
                let title = slot_service_title(queue, (week, *slot), (*level)?, *target);
                Some(Hover::dot(at, colour, title))
            }));
            // Intervals without calls break the line.
            let mut labelled = false;
            for run in points
                .split(|(_, level)| level.is_none())
                .filter(|r| !r.is_empty())
            {
                let series = chart
                    .draw_series(LineSeries::new(
                        run.iter()
                            .map(|(slot, level)| (*slot, level.unwrap_or(0.0))),
                        colour.stroke_width(2),
                    ))
                    .map_err(drawing)?;
                if !labelled {
                    series
                        .label(format!("{queue}: projected"))
                        .legend(move |(x, y)| {
                            PathElement::new([(x, y), (x + 18, y)], colour.stroke_width(2))
                        });
                    labelled = true;
                }
            }
        }
        legend(&mut chart, SeriesLabelPosition::LowerLeft)?;
        root.present().map_err(drawing)?;
    }
    Ok(with_hovers(svg, &hovers))
}

/// A drawing area of an SVG chart.
type Area<'a> = DrawingArea<SVGBackend<'a>, plotters::coord::Shift>;

/// Height of one queue's panel of the per-day charts, pixels.
const PANEL_HEIGHT: u32 = 300;

/// `05` under every other day of a long horizon, every day of a short one.
fn day_tick(first: NaiveDate, count: i64, day: i64) -> String {
    if day >= 0 && day < count && (day % 2 == 0 || count <= 16) {
        (first + Duration::days(day)).format("%d").to_string()
    } else {
        String::new()
    }
}

/// Service level per day of the horizon, one panel per queue: the projection as a
/// line, the simulation's mean as a dot with its 95% interval as a whisker (when
/// the plan simulated), the queue's target dashed. The figures are
/// `summary.json`'s `service_level[].days`; each dot carries them in its `<title>`
/// (hover text, and what a test compares with the file).
pub fn daily_service_chart(queues: &[QueueService], first: NaiveDate, days: u32) -> Result<String> {
    let lowest = queues
        .iter()
        .flat_map(|q| {
            q.target.into_iter().chain(q.days.iter().flat_map(|d| {
                d.projected
                    .into_iter()
                    .chain(d.simulated.as_ref().map(|s| s.low))
            }))
        })
        .fold(1.0, f64::min);
    let bottom = ((lowest - 0.05) * 10.0).floor().max(0.0) / 10.0;
    let height = PANEL_HEIGHT * queues.len().max(1) as u32;
    let mut svg = String::new();
    let mut dots = Vec::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, height)).into_drawing_area();
        root.fill(&WHITE).map_err(drawing)?;
        let panels = root.split_evenly((queues.len().max(1), 1));
        for (index, (queue, area)) in queues.iter().zip(&panels).enumerate() {
            dots.extend(daily_service_panel(
                area,
                queue,
                index,
                (first, days),
                bottom,
            )?);
        }
        root.present().map_err(drawing)?;
    }
    title_marks(&svg, &dots)
}

/// `sales, Tue 2026-12-15`: the start of a per-day dot's title.
fn queue_day(queue: &str, date: NaiveDate) -> String {
    format!("{queue}, {}", date.format("%a %Y-%m-%d"))
}

/// `77.4%`: a share as the dots' titles print it.
fn percent(share: f64, decimals: usize) -> String {
    format!("{:.decimals$}%", share * 100.0)
}

/// A simulated day's service level as its dot's title: `sales, Tue 2026-12-15:
/// simulated 77.4% (95% interval 69.1%-85.7%), projected 85.0%, target 80.0%`.
fn service_dot_title(queue: &QueueService, day: &QueueServiceDay, simulated: Simulated) -> String {
    let mut title = format!(
        "{}: simulated {} (95% interval {}-{})",
        queue_day(&queue.queue, day.date),
        percent(simulated.mean, 1),
        percent(simulated.low, 1),
        percent(simulated.high, 1)
    );
    if let Some(projected) = day.projected {
        title.push_str(&format!(", projected {}", percent(projected, 1)));
    }
    if let Some(target) = queue.target {
        title.push_str(&format!(", target {}", percent(target, 1)));
    }
    title
}

/// One queue's panel of [`daily_service_chart`]; returns its dots.
fn daily_service_panel(
    area: &Area,
    queue: &QueueService,
    index: usize,
    (first, days): (NaiveDate, u32),
    bottom: f64,
) -> Result<Vec<Mark>> {
    let day_of = |date: NaiveDate| (date - first).num_days();
    let count = i64::from(days);
    let colour = colour(index);
    let name = queue.queue.clone();
    let ticks: Vec<i64> = (0..count).collect();
    let mut chart = ChartBuilder::on(area)
        .caption(format!("Service level per day: {name}"), (FONT, 16))
        .margin(10)
        .x_label_area_size(28)
        .y_label_area_size(60)
        .build_cartesian_2d((-1..count).with_key_points(ticks), bottom..1.02)
        .map_err(drawing)?;
    chart
        .configure_mesh()
        .x_label_formatter(&|day| day_tick(first, count, *day))
        .y_label_formatter(&|share| format!("{:.0}%", share * 100.0))
        .y_desc("answered in time")
        .light_line_style(WHITE.mix(0.0))
        .draw()
        .map_err(drawing)?;
    if let Some(target) = queue.target {
        chart
            .draw_series(DashedLineSeries::new(
                [(-1, target), (count, target)],
                6,
                4,
                GREY.stroke_width(1),
            ))
            .map_err(drawing)?
            .label(format!("target {:.0}%", target * 100.0))
            .legend(|(x, y)| PathElement::new([(x, y), (x + 18, y)], GREY));
    }
    let projected: Vec<(i64, f64)> = queue
        .days
        .iter()
        .filter_map(|d| Some((day_of(d.date), d.projected?)))
        .collect();
    chart
        .draw_series(LineSeries::new(projected, colour.stroke_width(2)))
        .map_err(drawing)?
        .label("projected")
        .legend(move |(x, y)| PathElement::new([(x, y), (x + 18, y)], colour.stroke_width(2)));
    let simulated: Vec<(i64, Simulated, String)> = queue
        .days
        .iter()
        .filter_map(|d| {
            let s = d.simulated?;
            Some((day_of(d.date), s, service_dot_title(queue, d, s)))
        })
        .collect();
    let mut dots = Vec::new();
    if !simulated.is_empty() {
        chart
            .draw_series(simulated.iter().map(|(day, s, _)| {
                PathElement::new([(*day, s.low), (*day, s.high)], colour.stroke_width(1))
            }))
            .map_err(drawing)?;
        chart
            .draw_series(
                simulated
                    .iter()
                    .map(|(day, s, _)| Circle::new((*day, s.mean), DOT_RADIUS, colour.filled())),
            )
            .map_err(drawing)?
            .label("simulated, 95% interval")
            .legend(move |(x, y)| Circle::new((x + 9, y), DOT_RADIUS, colour.filled()));
        dots = simulated
            .into_iter()
            .map(|(day, s, title)| Mark::dot(chart.backend_coord(&(day, s.mean)), colour, title))
            .collect();
    }
    legend(&mut chart, SeriesLabelPosition::LowerLeft)?;
    Ok(dots)
}

/// The radius of the per-day charts' dots, pixels.
const DOT_RADIUS: u32 = 3;

/// A mark plotters drew (a dot or a bar), found by the start of its tag and its
/// colour, and the hover text to give it.
struct Mark {
    /// `<circle cx="94" cy="255" r="3"` or `<rect x="79" `.
    anchor: String,
    colour: RGBColor,
    title: String,
}

impl Mark {
    /// A dot of the per-day charts at its pixel.
    fn dot(at: (i32, i32), colour: RGBColor, title: String) -> Mark {
        Mark {
            anchor: format!("<circle cx=\"{}\" cy=\"{}\" r=\"{DOT_RADIUS}\"", at.0, at.1),
            colour,
            title,
        }
    }

    /// A bar whose left edge is at pixel `left`.
    fn bar(left: i32, colour: RGBColor, title: String) -> Mark {
        Mark {
            anchor: format!("<rect x=\"{left}\" "),
            colour,
            title,
        }
    }
}

/// Gives each mark its `<title>` (plotters cannot): the marks are found in drawing
/// order by the start of their tag and their colour, so other shapes (a legend's,
/// drawn after its series) are left as they are. A mark not found is a drawing
/// error.
fn title_marks(svg: &str, marks: &[Mark]) -> Result<String> {
    let mut titled = String::with_capacity(svg.len() + marks.len() * 96);
    let mut rest = svg;
    for mark in marks {
        let fill = format!("fill=\"{}\"", hex(mark.colour));
        let element = mark.anchor[1..].split(' ').next().unwrap_or_default();
        loop {
            let end = rest
                .find(&mark.anchor)
                .and_then(|at| Some((at, at + rest[at..].find("/>")?)))
                .ok_or_else(|| drawing(format!("no mark {} for {:?}", mark.anchor, mark.title)));
            let (at, end) = end?;
            let found = rest[at..end].contains(&fill);
            titled.push_str(&rest[..end]);
            rest = &rest[end..];
            if found {
                titled.push_str(&format!(
                    "><title>{}</title></{element}>",
                    escape(&mark.title)
                ));
                rest = &rest[2..];
                break;
            }
        }
    }
    titled.push_str(rest);
    Ok(titled)
}

/// The radius of a hover dot, pixels.
const HOVER_RADIUS: u32 = 3;

/// An invisible mark laid over a chart to carry hover text (`<title>`): a dot on a
/// line's point, or a column over an interval. plotters draws nothing transparent,
/// so these are written after the chart, on top where the pointer finds them; the
/// colour names the series (opacity 0 still takes the pointer).
enum Hover {
    Dot {
        at: (i32, i32),
        colour: RGBColor,
        title: String,
    },
    Column {
        /// Left, top, right, bottom, pixels.
        edges: (i32, i32, i32, i32),
        title: String,
    },
}

impl Hover {
    fn dot(at: (i32, i32), colour: RGBColor, title: String) -> Hover {
        Hover::Dot { at, colour, title }
    }

    fn svg(&self) -> String {
        match self {
            Hover::Dot { at, colour, title } => format!(
                "<circle cx=\"{}\" cy=\"{}\" r=\"{HOVER_RADIUS}\" fill=\"{}\" opacity=\"0\"><title>{}</title></circle>\n",
                at.0,
                at.1,
                hex(*colour),
                escape(title)
            ),
            Hover::Column {
                edges: (left, top, right, bottom),
                title,
            } => format!(
                "<rect x=\"{left}\" y=\"{top}\" width=\"{}\" height=\"{}\" fill=\"#000000\" opacity=\"0\"><title>{}</title></rect>\n",
                right - left,
                bottom - top,
                escape(title)
            ),
        }
    }
}

/// The chart with its hover marks on top (before the closing tag).
fn with_hovers(mut svg: String, hovers: &[Hover]) -> String {
    let end = svg.rfind("</svg>").unwrap_or(svg.len());
    let marks: String = hovers.iter().map(Hover::svg).collect();
    svg.insert_str(end, &marks);
    svg
}

/// One simulated figure of a queue-day: the day, the queue's offset beside it,
/// the mean with its 95% interval, and the dot's title.
type DayEstimate = (f64, Simulated, String);

/// Average speed of answer and abandonment per day and queue, as the plan's
/// simulation gives them: a dot for the mean, a whisker for the 95% interval,
/// queues side by side within a day. The figures are `summary.json`'s
/// `service_level[].days[].simulated_asa_seconds` and `simulated_abandon_rate`;
/// each dot carries its figures in its `<title>`.
pub fn daily_waits_chart(queues: &[QueueService], first: NaiveDate, days: u32) -> Result<String> {
    type Pick = dyn Fn(&QueueServiceDay) -> Option<Simulated>;
    let estimates = |pick: &Pick, title: &dyn Fn(Simulated) -> String| -> Vec<Vec<DayEstimate>> {
        let width = 0.5 / queues.len().max(1) as f64;
        queues
            .iter()
            .enumerate()
            .map(|(index, queue)| {
                let offset = (index as f64 + 0.5) * width - 0.25;
                queue
                    .days
                    .iter()
                    .filter_map(|d| {
                        let s = pick(d)?;
                        let day = (d.date - first).num_days() as f64 + offset;
                        Some((
                            day,
                            s,
                            format!("{}: {}", queue_day(&queue.queue, d.date), title(s)),
                        ))
                    })
                    .collect()
            })
            .collect()
    };
    let asa = estimates(&|d| d.simulated_asa_seconds, &|s| {
        format!(
            "average speed of answer {:.1} s (95% interval {:.1}-{:.1} s)",
            s.mean, s.low, s.high
        )
    });
    let abandon = estimates(&|d| d.simulated_abandon_rate, &|s| {
        format!(
            "{} abandoned (95% interval {}-{})",
            percent(s.mean, 2),
            percent(s.low, 2),
            percent(s.high, 2)
        )
    });
    let names: Vec<&str> = queues.iter().map(|q| q.queue.as_str()).collect();
    let mut svg = String::new();
    let mut dots = Vec::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, 2 * PANEL_HEIGHT)).into_drawing_area();
        root.fill(&WHITE).map_err(drawing)?;
        let (top, lower) = root.split_vertically(PANEL_HEIGHT);
        let panel =
            |area: &Area, title: &str, axis: &str, series: &[Vec<DayEstimate>], share: bool| {
                waits_panel(area, (title, axis), &names, series, (first, days), share)
            };
        dots.extend(panel(
            &top,
            "Average speed of answer per day (simulated)",
            "seconds",
            &asa,
            false,
        )?);
        dots.extend(panel(
            &lower,
            "Calls abandoned per day (simulated)",
            "abandoned",
            &abandon,
            true,
        )?);
        root.present().map_err(drawing)?;
    }
    title_marks(&svg, &dots)
}

/// One measure's panel of [`daily_waits_chart`]; returns its dots.
fn waits_panel(
    area: &Area,
    (title, axis): (&str, &str),
    names: &[&str],
    series: &[Vec<DayEstimate>],
    (first, days): (NaiveDate, u32),
    share: bool,
) -> Result<Vec<Mark>> {
    let floor = if share { 0.01 } else { 10.0 };
    let top = axis_top(series.iter().flatten().map(|e| e.1.high), floor);
    let count = i64::from(days);
    let mut chart = ChartBuilder::on(area)
        .caption(title, (FONT, 16))
        .margin(10)
        .x_label_area_size(28)
        .y_label_area_size(60)
        .build_cartesian_2d(-1.0..count as f64, 0.0..top)
        .map_err(drawing)?;
    chart
        .configure_mesh()
        .x_labels(days as usize + 1)
        .x_label_formatter(&|x| {
            let day = x.round() as i64;
            if (x - day as f64).abs() > 1e-6 {
                return String::new();
            }
            day_tick(first, count, day)
        })
        .y_label_formatter(&|v| {
            if share {
                format!("{:.1}%", v * 100.0)
            } else {
                format!("{v:.0}")
            }
        })
        .y_desc(axis)
        .light_line_style(WHITE.mix(0.0))
        .draw()
        .map_err(drawing)?;
    let mut dots = Vec::new();
    for (index, (name, points)) in names.iter().zip(series).enumerate() {
        let colour = colour(index);
        chart
            .draw_series(points.iter().map(|(day, s, _)| {
                PathElement::new([(*day, s.low), (*day, s.high)], colour.stroke_width(1))
            }))
            .map_err(drawing)?;
        chart
            .draw_series(
                points
                    .iter()
                    .map(|(day, s, _)| Circle::new((*day, s.mean), DOT_RADIUS, colour.filled())),
            )
            .map_err(drawing)?
            .label(format!("{name}: mean, 95% interval"))
            .legend(move |(x, y)| Circle::new((x + 9, y), DOT_RADIUS, colour.filled()));
        dots.extend(points.iter().map(|(day, s, title)| {
            Mark::dot(chart.backend_coord(&(*day, s.mean)), colour, title.clone())
        }));
    }
    legend(&mut chart, SeriesLabelPosition::UpperLeft)?;
    Ok(dots)
}

/// `Tue 2026-12-01: required 350.0, scheduled 360.5, short 2.50 agent-hours`: the
/// title of both bars of a day (`summary.json`'s `days`).
fn hours_title(day: &Day) -> String {
    format!(
        "{}: required {:.1}, scheduled {:.1}, short {:.2} agent-hours",
        day.date.format("%a %Y-%m-%d"),
        day.required_agent_hours,
        day.scheduled_agent_hours,
        day.shortfall_agent_hours
    )
}

/// Required and scheduled agent-hours per day of the horizon, side by side; each
/// bar carries its day's figures in its `<title>`.
pub fn daily_hours_chart(days: &[Day]) -> Result<String> {
    let count = days.len() as i64;
    let top = axis_top(
        days.iter()
            .map(|d| d.required_agent_hours.max(d.scheduled_agent_hours)),
        1.0,
    );
    let first = days.first().map(|d| d.date);
    // Four x units per day: a gap, the required bar, the scheduled bar, a gap.
    let mut svg = String::new();
    let mut bars = Vec::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        root.fill(&WHITE).map_err(drawing)?;
        let ticks: Vec<i64> = (0..count).map(|d| d * 4 + 2).collect();
        let mut chart = ChartBuilder::on(&root)
            .caption("Agent-hours per day", (FONT, 18))
            .margin(12)
            .x_label_area_size(32)
            .y_label_area_size(60)
            .build_cartesian_2d((0..count * 4).with_key_points(ticks), 0.0..top)
            .map_err(drawing)?;
        chart
            .configure_mesh()
            .x_label_formatter(&|x| {
                let day = x / 4;
                match first {
                    Some(first) if day % 2 == 0 || count <= 16 => {
                        (first + Duration::days(day)).format("%d").to_string()
                    }
                    _ => String::new(),
                }
            })
            .y_label_formatter(&|v| format!("{v:.0}"))
            .y_desc("agent-hours")
            .light_line_style(WHITE.mix(0.0))
            .draw()
            .map_err(drawing)?;
        let required = colour(0);
        let scheduled = colour(1);
        chart
            .draw_series(days.iter().enumerate().map(|(i, d)| {
                let x = i as i64 * 4;
                Rectangle::new(
                    [(x + 1, 0.0), (x + 2, d.required_agent_hours)],
                    required.mix(0.45).filled(),
                )
            }))
            .map_err(drawing)?
            .label("required")
            .legend(move |(x, y)| {
                Rectangle::new([(x, y - 4), (x + 18, y + 4)], required.mix(0.45).filled())
            });
        chart
            .draw_series(days.iter().enumerate().map(|(i, d)| {
                let x = i as i64 * 4;
                Rectangle::new(
                    [(x + 2, 0.0), (x + 3, d.scheduled_agent_hours)],
                    scheduled.filled(),
                )
            }))
            .map_err(drawing)?
            .label("scheduled")
            .legend(move |(x, y)| {
                Rectangle::new([(x, y - 4), (x + 18, y + 4)], scheduled.filled())
            });
        for (offset, colour) in [(1, required), (2, scheduled)] {
            bars.extend(days.iter().enumerate().map(|(i, d)| {
                let left = chart.backend_coord(&(i as i64 * 4 + offset, 0.0)).0;
                Mark::bar(left, colour, hours_title(d))
            }));
        }
        legend(&mut chart, SeriesLabelPosition::UpperLeft)?;
        root.present().map_err(drawing)?;
    }
    title_marks(&svg, &bars)
}

/// Vertical units per Gantt lane (integer coordinates; a bar fills the middle 80%).
const LANE: i64 = 10;

/// A Gantt chart of one week: one lane per name in `lanes` (top to bottom), bars at
/// their times, coloured by group, labelled when they have a label, each with its
/// title as hover text. Each day shows only the hours from the earliest start to
/// the latest end (nights are left out).
pub fn gantt_chart(
    title: &str,
    lanes: &[String],
    bars: &[GanttBar],
    week: NaiveDate,
    days: u32,
) -> Result<String> {
    let lane_count = lanes.len().max(1) as i64;
    let height = (90 + 16 * lane_count as u32).max(200);
    let from = bars.iter().map(|b| b.start / 60 * 60).min().unwrap_or(0);
    let to = bars
        .iter()
        .map(|b| b.end.div_ceil(60) * 60)
        .max()
        .unwrap_or(1440)
        .max(from + 60);
    let span = i64::from(to - from);
    // x: minutes into the shown part of the week; y: the first lane on top.
    let x = |day: u32, minute: u32| i64::from(day) * span + i64::from(minute) - i64::from(from);
    let middle = |lane: usize| (lane_count - 1 - lane as i64) * LANE + LANE / 2;
    let label_width = lanes.iter().map(|l| l.chars().count()).max().unwrap_or(4) as u32 * 7 + 16;
    let mut svg = String::new();
    let marks: Vec<Mark>;
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, height)).into_drawing_area();
        root.fill(&WHITE).map_err(drawing)?;
        let mut chart = ChartBuilder::on(&root)
            .caption(title, (FONT, 18))
            .margin(12)
            .x_label_area_size(32)
            .y_label_area_size(label_width)
            .build_cartesian_2d(
                (0..i64::from(days) * span)
                    .with_key_points((0..=i64::from(days)).map(|d| d * span).collect()),
                (0..lane_count * LANE).with_key_points((0..lanes.len()).map(middle).collect()),
            )
            .map_err(drawing)?;
        chart
            .configure_mesh()
            .x_label_formatter(&|position| {
                let day = position / span;
                if position % span != 0 || day >= i64::from(days) {
                    return String::new();
                }
                let date = week + Duration::days(day);
                format!(
                    "{} {:02}, {}",
                    date.weekday(),
                    date.day(),
                    format_clock_minutes(from)
                )
            })
            .y_label_formatter(&|y| {
                let lane = lane_count - 1 - y / LANE;
                usize::try_from(lane)
                    .ok()
                    .and_then(|lane| lanes.get(lane))
                    .cloned()
                    .unwrap_or_default()
            })
            .y_label_style((FONT, 11))
            .light_line_style(WHITE.mix(0.0))
            .draw()
            .map_err(drawing)?;
        chart
            .draw_series(bars.iter().map(|bar| {
                let y = middle(bar.lane);
                Rectangle::new(
                    [(x(bar.day, bar.start), y + 4), (x(bar.day, bar.end), y - 4)],
                    colour(bar.group).mix(0.85).filled(),
                )
            }))
            .map_err(drawing)?;
        let style = TextStyle::from((FONT, 10).into_font())
            .color(&WHITE)
            .pos(Pos::new(HPos::Center, VPos::Center));
        chart
            .draw_series(bars.iter().filter_map(|bar| {
                let label = bar.label.clone()?;
                let centre = (x(bar.day, bar.start) + x(bar.day, bar.end)) / 2;
                Some(Text::new(label, (centre, middle(bar.lane)), style.clone()))
            }))
            .map_err(drawing)?;
        root.present().map_err(drawing)?;
        marks = bars
            .iter()
            .map(|bar| {
                let left = chart.backend_coord(&(x(bar.day, bar.start), 0)).0;
                Mark::bar(left, colour(bar.group), bar.title.clone())
            })
            .collect();
    }
    title_marks(&svg, &marks)
}

/// `FT8 08:30`: a lane of the shifts' Gantt chart.
pub fn template_lane(template: &str, start: u32) -> String {
    format!("{template} {}", format_clock_minutes(start))
}

/// One cell of a month heatmap: a queue's interval on day `day` (0 = the first day
/// shown) from `minute` after midnight for `length` minutes, its fill colour and
/// its hover text (SVG `<title>`).
#[derive(Debug, Clone, PartialEq)]
pub struct HeatCell {
    pub day: u32,
    pub minute: u32,
    pub length: u32,
    pub fill: RGBColor,
    pub title: String,
}

/// A colour of a heatmap's scale and what it means.
pub type LegendBin = (RGBColor, &'static str);

/// Pixels of a heatmap: the day labels' column, a row, the title's band, a
/// queue's heading and the legend's band.
const HEAT_LABELS: u32 = 84;
const HEAT_ROW: u32 = 16;
const HEAT_TOP: u32 = 36;
const HEAT_HEADING: u32 = 40;
const HEAT_LEGEND: u32 = 40;

/// One queue's panel of a heatmap.
pub type HeatPanel = (String, Vec<HeatCell>);

/// Days down, times of day across, one coloured cell per interval with figures,
/// one panel per queue; intervals without a cell (closed hours) stay blank.
/// Hand-written SVG rather than plotters: each cell carries a `<title>` that the
/// browser shows on hover.
pub fn heatmap(
    title: &str,
    first: NaiveDate,
    days: u32,
    panels: &[HeatPanel],
    legend: &[LegendBin],
) -> String {
    let all = || panels.iter().flat_map(|(_, cells)| cells);
    let from = all().map(|c| c.minute / 60 * 60).min().unwrap_or(0);
    let to = all()
        .map(|c| (c.minute + c.length).div_ceil(60) * 60)
        .max()
        .unwrap_or(1440)
        .max(from + 60);
    let grid = HeatGrid {
        from,
        per_minute: f64::from(WIDTH - HEAT_LABELS - 16) / f64::from(to - from),
    };
    let panel_height = HEAT_HEADING + days * HEAT_ROW;
    let height = HEAT_TOP + panels.len().max(1) as u32 * panel_height + HEAT_LEGEND;
    let mut svg = format!(
        "<svg width=\"{WIDTH}\" height=\"{height}\" viewBox=\"0 0 {WIDTH} {height}\" \
         xmlns=\"http://www.w3.org/2000/svg\" font-family=\"{FONT}\">\n\
         <rect x=\"0\" y=\"0\" width=\"{WIDTH}\" height=\"{height}\" fill=\"#FFFFFF\"/>\n\
         <text x=\"{}\" y=\"24\" font-size=\"18\" text-anchor=\"middle\">{}</text>\n",
        WIDTH / 2,
        escape(title)
    );
    for (index, (queue, cells)) in panels.iter().enumerate() {
        let top = HEAT_TOP + index as u32 * panel_height;
        svg.push_str(&heat_panel(queue, cells, &grid, (first, days), top, to));
    }
    svg.push_str(&heat_legend(legend, height - HEAT_LEGEND + 14));
    svg.push_str("</svg>\n");
    svg
}

/// Where the minutes of the day fall across a heatmap.
struct HeatGrid {
    from: u32,
    per_minute: f64,
}

impl HeatGrid {
    fn x(&self, minute: u32) -> f64 {
        f64::from(HEAT_LABELS) + f64::from(minute.saturating_sub(self.from)) * self.per_minute
    }
}

/// One queue's panel from `top`: its name, the hours across, the days down, and
/// its cells.
fn heat_panel(
    queue: &str,
    cells: &[HeatCell],
    grid: &HeatGrid,
    (first, days): (NaiveDate, u32),
    top: u32,
    to: u32,
) -> String {
    let rows = top + HEAT_HEADING;
    let y = |day: u32| rows + day * HEAT_ROW;
    let mut svg = format!(
        "<text x=\"{HEAT_LABELS}\" y=\"{}\" font-size=\"14\" font-weight=\"bold\">{}</text>\n",
        top + 16,
        escape(queue)
    );
    for hour in (grid.from / 60)..=(to / 60) {
        let at = grid.x(hour * 60);
        svg.push_str(&format!(
            "<line x1=\"{at:.1}\" y1=\"{}\" x2=\"{at:.1}\" y2=\"{}\" stroke=\"#DDDDDD\"/>\n\
             <text x=\"{at:.1}\" y=\"{}\" font-size=\"11\" text-anchor=\"middle\">{hour:02}</text>\n",
            rows - 4,
            y(days),
            rows - 8
        ));
    }
    for day in 0..days {
        let date = first + Duration::days(i64::from(day));
        let weight = if date.weekday().number_from_monday() >= 6 {
            " font-weight=\"bold\""
        } else {
            ""
        };
        svg.push_str(&format!(
            "<text x=\"{}\" y=\"{}\" font-size=\"11\" text-anchor=\"end\"{weight}>{}</text>\n",
            HEAT_LABELS - 6,
            y(day) + HEAT_ROW - 4,
            date.format("%a %d %b")
        ));
    }
    for cell in cells.iter().filter(|c| c.day < days) {
        let (left, right) = (grid.x(cell.minute), grid.x(cell.minute + cell.length));
        svg.push_str(&format!(
            "<rect x=\"{left:.1}\" y=\"{}\" width=\"{:.1}\" height=\"{HEAT_ROW}\" fill=\"{}\" stroke=\"#FFFFFF\" stroke-width=\"0.5\"><title>{}</title></rect>\n",
            y(cell.day),
            right - left,
            hex(cell.fill),
            escape(&cell.title)
        ));
    }
    svg
}

/// The scale under a heatmap: a swatch and its meaning per bin, left to right.
fn heat_legend(legend: &[LegendBin], top: u32) -> String {
    let mut svg = String::new();
    let width = f64::from(WIDTH - HEAT_LABELS - 16) / legend.len().max(1) as f64;
    for (i, (fill, label)) in legend.iter().enumerate() {
        let left = f64::from(HEAT_LABELS) + i as f64 * width;
        svg.push_str(&format!(
            "<rect x=\"{left:.1}\" y=\"{top}\" width=\"14\" height=\"14\" fill=\"{}\" stroke=\"#999999\" stroke-width=\"0.5\"/>\n\
             <text x=\"{:.1}\" y=\"{}\" font-size=\"11\">{}</text>\n",
            hex(*fill),
            left + 18.0,
            top + 11,
            escape(label)
        ));
    }
    svg
}

/// `#RRGGBB`.
fn hex(colour: RGBColor) -> String {
    format!("#{:02X}{:02X}{:02X}", colour.0, colour.1, colour.2)
}

/// The diverging scale of the heatmaps (ColorBrewer RdBu, readable with the common
/// colour-vision deficiencies): reds below the mark, blues above it.
pub const BELOW_FAR: RGBColor = RGBColor(178, 24, 43);
pub const BELOW: RGBColor = RGBColor(239, 138, 98);
pub const BELOW_NEAR: RGBColor = RGBColor(253, 219, 199);
pub const ABOVE_NEAR: RGBColor = RGBColor(209, 229, 240);
pub const ABOVE: RGBColor = RGBColor(103, 169, 207);
pub const ABOVE_FAR: RGBColor = RGBColor(33, 102, 172);

/// An agent's lane of the roster Gantt; lanes of one `group` (contract) are
/// drawn together under its heading.
#[derive(Debug, Clone, PartialEq)]
pub struct RosterLane {
    pub label: String,
    pub group: String,
}

/// What a lane shows on a day: a block of work on a queue (lunches and breaks are
/// the gaps between blocks), or a day off or on leave across the whole day.
#[derive(Debug, Clone, PartialEq)]
pub enum RosterMark {
    Work {
        start: u32,
        end: u32,
        /// Colour index (the queue's).
        queue: usize,
    },
    Off,
    Leave,
}

/// One mark of the roster Gantt, with its hover text.
#[derive(Debug, Clone, PartialEq)]
pub struct RosterBar {
    pub lane: usize,
    pub day: u32,
    pub mark: RosterMark,
    pub title: String,
}

/// Pixels of the roster Gantt: the agents' labels, a lane, a group's heading, the
/// band of day and hour labels at the top, and the legend's band.
const ROSTER_LABELS: u32 = 150;
const ROSTER_LANE: u32 = 13;
const ROSTER_HEADING: u32 = 18;
const ROSTER_TOP: u32 = 66;
const ROSTER_LEGEND: u32 = 34;
const OFF: RGBColor = RGBColor(235, 235, 235);
const LEAVE: RGBColor = RGBColor(240, 228, 66);

/// The roster as team leaders read it: agents down (grouped by contract), the
/// days across with their dates, each day from `hours.0` to `hours.1` minutes;
/// work coloured by queue, lunches and breaks as gaps, days off and leave marked.
/// Hand-written SVG so that each bar carries a `<title>`.
pub fn roster_gantt(
    title: &str,
    lanes: &[RosterLane],
    bars: &[RosterBar],
    (first, days): (NaiveDate, u32),
    hours: (u32, u32),
    queues: &[String],
) -> String {
    let groups = lanes
        .iter()
        .enumerate()
        .filter(|(i, lane)| *i == 0 || lanes[i - 1].group != lane.group)
        .count() as u32;
    let height =
        ROSTER_TOP + groups * ROSTER_HEADING + lanes.len() as u32 * ROSTER_LANE + ROSTER_LEGEND;
    let day_width = f64::from(WIDTH - ROSTER_LABELS - 12) / f64::from(days.max(1));
    let span = f64::from(hours.1.saturating_sub(hours.0).max(60));
    let x = |day: u32, minute: u32| {
        let minute = minute.clamp(hours.0, hours.1);
        f64::from(ROSTER_LABELS)
            + f64::from(day) * day_width
            + f64::from(minute - hours.0) / span * day_width
    };
    let tops = lane_tops(lanes);
    let bottom = height - ROSTER_LEGEND;
    let mut svg = format!(
        "<svg width=\"{WIDTH}\" height=\"{height}\" viewBox=\"0 0 {WIDTH} {height}\" \
         xmlns=\"http://www.w3.org/2000/svg\" font-family=\"{FONT}\">\n\
         <rect x=\"0\" y=\"0\" width=\"{WIDTH}\" height=\"{height}\" fill=\"#FFFFFF\"/>\n\
         <text x=\"{}\" y=\"24\" font-size=\"18\" text-anchor=\"middle\">{}</text>\n",
        WIDTH / 2,
        escape(title)
    );
    svg.push_str(&roster_axis((first, days), hours, day_width, bottom, &x));
    svg.push_str(&roster_lanes(lanes, &tops));
    for bar in bars.iter().filter(|b| b.day < days && b.lane < lanes.len()) {
        let top = tops[bar.lane];
        let (left, right, fill, word) = match bar.mark {
            RosterMark::Work { start, end, queue } => {
                (x(bar.day, start), x(bar.day, end), colour(queue), None)
            }
            RosterMark::Off => (x(bar.day, hours.0), x(bar.day, hours.1), OFF, Some("off")),
            RosterMark::Leave => (
                x(bar.day, hours.0),
                x(bar.day, hours.1),
                LEAVE,
                Some("leave"),
            ),
        };
        svg.push_str(&format!(
            "<rect x=\"{left:.1}\" y=\"{}\" width=\"{:.1}\" height=\"{}\" fill=\"{}\"><title>{}</title></rect>\n",
            top + 2,
            (right - left).max(0.5),
            ROSTER_LANE - 3,
            hex(fill),
            escape(&bar.title)
        ));
        if let Some(word) = word {
            svg.push_str(&format!(
                "<text x=\"{:.1}\" y=\"{}\" font-size=\"8\" text-anchor=\"middle\" fill=\"#555555\">{word}</text>\n",
                (left + right) / 2.0,
                top + ROSTER_LANE - 3
            ));
        }
    }
    let mut legend: Vec<(RGBColor, String)> = queues
        .iter()
        .enumerate()
        .map(|(i, q)| (colour(i), format!("on {q}")))
        .collect();
    legend.push((OFF, "day off".to_string()));
    legend.push((LEAVE, "leave".to_string()));
    svg.push_str(&roster_legend(&legend, bottom + 12));
    svg.push_str("</svg>\n");
    svg
}

/// Each lane's top, pixels: lanes follow one another, with a heading's room
/// before the first lane of each group.
fn lane_tops(lanes: &[RosterLane]) -> Vec<u32> {
    let mut top = ROSTER_TOP;
    let mut tops = Vec::with_capacity(lanes.len());
    for (i, lane) in lanes.iter().enumerate() {
        if i == 0 || lanes[i - 1].group != lane.group {
            top += ROSTER_HEADING;
        }
        tops.push(top);
        top += ROSTER_LANE;
    }
    tops
}

/// The groups' headings and the agents' labels, zebra-striped for reading across.
fn roster_lanes(lanes: &[RosterLane], tops: &[u32]) -> String {
    let mut svg = String::new();
    for (i, lane) in lanes.iter().enumerate() {
        if i == 0 || lanes[i - 1].group != lane.group {
            let count = lanes.iter().filter(|l| l.group == lane.group).count();
            svg.push_str(&format!(
                "<text x=\"4\" y=\"{}\" font-size=\"12\" font-weight=\"bold\">{} ({count} agents)</text>\n",
                tops[i] - 5,
                escape(&lane.group)
            ));
        }
        if i % 2 == 1 {
            svg.push_str(&format!(
                "<rect x=\"0\" y=\"{}\" width=\"{WIDTH}\" height=\"{ROSTER_LANE}\" fill=\"#F7F7F7\"/>\n",
                tops[i]
            ));
        }
        svg.push_str(&format!(
            "<text x=\"{}\" y=\"{}\" font-size=\"10\" text-anchor=\"end\">{}</text>\n",
            ROSTER_LABELS - 6,
            tops[i] + ROSTER_LANE - 3,
            escape(&lane.label)
        ));
    }
    svg
}

/// The dates over each day's column, the hours under them, and the days'
/// separators down to `bottom`.
fn roster_axis(
    (first, days): (NaiveDate, u32),
    hours: (u32, u32),
    day_width: f64,
    bottom: u32,
    x: &dyn Fn(u32, u32) -> f64,
) -> String {
    let mut svg = String::new();
    // Hour labels every hour when a day is wide, else every few hours.
    let span_hours = (hours.1 - hours.0) / 60;
    let step = (1..=12)
        .find(|step| day_width / f64::from(span_hours) * f64::from(*step) >= 28.0)
        .unwrap_or(12);
    for day in 0..days {
        let date = first + Duration::days(i64::from(day));
        let left = x(day, hours.0);
        svg.push_str(&format!(
            "<text x=\"{:.1}\" y=\"44\" font-size=\"12\" font-weight=\"bold\" text-anchor=\"middle\">{}</text>\n\
             <line x1=\"{left:.1}\" y1=\"34\" x2=\"{left:.1}\" y2=\"{bottom}\" stroke=\"#999999\"/>\n",
            left + day_width / 2.0,
            date.format("%a %d %b")
        ));
        for hour in (hours.0 / 60..hours.1 / 60).step_by(step as usize) {
            let at = x(day, hour * 60);
            svg.push_str(&format!(
                "<text x=\"{:.1}\" y=\"60\" font-size=\"9\" fill=\"#555555\">{hour:02}</text>\n\
                 <line x1=\"{at:.1}\" y1=\"62\" x2=\"{at:.1}\" y2=\"{bottom}\" stroke=\"#EEEEEE\"/>\n",
                at + 1.0
            ));
        }
    }
    let right = x(days.saturating_sub(1), hours.1);
    svg.push_str(&format!(
        "<line x1=\"{right:.1}\" y1=\"34\" x2=\"{right:.1}\" y2=\"{bottom}\" stroke=\"#999999\"/>\n"
    ));
    svg
}

/// The roster Gantt's legend: a swatch and a label each, left to right.
fn roster_legend(legend: &[(RGBColor, String)], top: u32) -> String {
    let mut svg = String::new();
    let width = f64::from(WIDTH - ROSTER_LABELS) / (legend.len() + 1) as f64;
    for (i, (fill, label)) in legend.iter().enumerate() {
        let left = f64::from(ROSTER_LABELS) + i as f64 * width;
        svg.push_str(&format!(
            "<rect x=\"{left:.1}\" y=\"{top}\" width=\"14\" height=\"10\" fill=\"{}\"/>\n\
             <text x=\"{:.1}\" y=\"{}\" font-size=\"11\">{}</text>\n",
            hex(*fill),
            left + 18.0,
            top + 9,
            escape(label)
        ));
    }
    let left = f64::from(ROSTER_LABELS) + legend.len() as f64 * width;
    svg.push_str(&format!(
        "<text x=\"{left:.1}\" y=\"{}\" font-size=\"11\">gap: lunch or break</text>\n",
        top + 9
    ));
    svg
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hover_marks_go_on_top_escaped_and_name_their_half_hour() {
        let hovers = [
            Hover::dot((3, 4), colour(1), "a & b".into()),
            Hover::Column {
                edges: (1, 2, 4, 10),
                title: "c".into(),
            },
        ];
        assert_eq!(
            with_hovers("<svg>\n<rect/>\n</svg>\n".into(), &hovers),
            "<svg>\n<rect/>\n\
             <circle cx=\"3\" cy=\"4\" r=\"3\" fill=\"#D55E00\" opacity=\"0\"><title>a &amp; b</title></circle>\n\
             <rect x=\"1\" y=\"2\" width=\"3\" height=\"8\" fill=\"#000000\" opacity=\"0\"><title>c</title></rect>\n\
             </svg>\n"
        );
        let week = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
        assert_eq!(slot_name(week, 0), "Mon 2026-12-07 00:00-00:30");
        assert_eq!(slot_name(week, 47), "Mon 2026-12-07 23:30-24:00");
        assert_eq!(slot_name(week, 48 + 21), "Tue 2026-12-08 10:30-11:00");
    }

    #[test]
    fn marks_get_their_titles_in_drawing_order_and_other_shapes_none() {
        let blue = colour(0);
        let orange = colour(1);
        let svg = "<svg>\
            <circle cx=\"10\" cy=\"20\" r=\"3\" opacity=\"1\" fill=\"#D55E00\" stroke=\"none\"/>\
            <circle cx=\"10\" cy=\"20\" r=\"3\" opacity=\"1\" fill=\"#0072B2\" stroke=\"none\"/>\
            <rect x=\"5\" y=\"1\" width=\"2\" height=\"9\" opacity=\"1\" fill=\"#0072B2\" stroke=\"none\"/>\
            <circle cx=\"10\" cy=\"20\" r=\"3\" opacity=\"1\" fill=\"#0072B2\" stroke=\"none\"/>\
            </svg>";
        let marks = [
            Mark::dot((10, 20), blue, "a < b".into()),
            Mark::bar(5, blue, "bar".into()),
        ];
        let titled = title_marks(svg, &marks).unwrap();
        // The orange dot (another series) and the last blue one (a legend's) keep
        // no title; the first blue dot and the bar get theirs, escaped.
        assert_eq!(
            titled,
            "<svg>\
            <circle cx=\"10\" cy=\"20\" r=\"3\" opacity=\"1\" fill=\"#D55E00\" stroke=\"none\"/>\
            <circle cx=\"10\" cy=\"20\" r=\"3\" opacity=\"1\" fill=\"#0072B2\" stroke=\"none\"><title>a &lt; b</title></circle>\
            <rect x=\"5\" y=\"1\" width=\"2\" height=\"9\" opacity=\"1\" fill=\"#0072B2\" stroke=\"none\"><title>bar</title></rect>\
            <circle cx=\"10\" cy=\"20\" r=\"3\" opacity=\"1\" fill=\"#0072B2\" stroke=\"none\"/>\
            </svg>"
        );
        assert_eq!(orange, RGBColor(213, 94, 0));
        // A mark that is not there is an error, not a silently untitled chart.
        assert!(title_marks(svg, &[Mark::dot((11, 20), blue, "x".into())]).is_err());
    }
}
