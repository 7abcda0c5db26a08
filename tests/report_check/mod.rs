//! Checks that every figure `report.html` shows is the figure of `summary.json` or
//! of the CSV file it comes from, reading the page as XML (not with wfm's code):
//! the heatmaps' `<title>`s against `coverage.csv`, `simulation.csv` and (a pooled
//! schedule's per-queue projection) `summary.json`'s intervals; the headline and
//! service tables against `summary.json` and the CSVs; the shortfall table against
//! the notes; the anomalies callout against the CSVs, the calendar and the days;
//! the per-day charts' dots against `summary.json`'s days; the forecast chart's
//! dots, lines and band against `forecast.csv` and the history input; the week
//! charts' columns and dots, shading, lines and red bars against `coverage.csv`
//! (and `summary.json`'s intervals); the Gantts' bars against `roster.csv`, or
//! without a roster against `shifts.csv`. Where a mark stands for a figure, its
//! pixel is checked against the chart's axis (fitted to its labels).
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::Path;

/// A CSV file as rows of fields by column name.
struct Csv {
    rows: Vec<BTreeMap<String, String>>,
}

impl Csv {
    fn read(path: &Path) -> Csv {
        let mut reader = csv::Reader::from_path(path).unwrap();
        let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
        let rows = reader
            .records()
            .map(|r| {
                let record = r.unwrap();
                header
                    .iter()
                    .cloned()
                    .zip(record.iter().map(String::from))
                    .collect()
            })
            .collect();
        Csv { rows }
    }
}

/// `(queue, "YYYY-MM-DD HH:MM")` of a CSV row: the local wall clock of its
/// interval start (the offset in the timestamp is the site's).
fn interval_key(row: &BTreeMap<String, String>) -> (String, String) {
    let start = chrono::DateTime::parse_from_rfc3339(&row["interval_start"]).unwrap();
    (
        row["queue"].clone(),
        start.naive_local().format("%Y-%m-%d %H:%M").to_string(),
    )
}

/// The same key of a heatmap title: `sales, Tue 2026-12-01 10:00-10:30: …`.
fn title_key(title: &str) -> ((String, String), String) {
    let (name, figures) = title.split_once(": ").unwrap();
    let (queue, when) = name.split_once(", ").unwrap();
    let (_weekday, date, start, _end) = when_parts(when);
    (
        (queue.to_string(), format!("{date} {start}")),
        figures.to_string(),
    )
}

/// The parts of a hover text's time, `Tue 2026-12-01 10:00-10:30`:
/// (weekday, date, start, end).
fn when_parts(when: &str) -> (&str, &str, &str, &str) {
    let mut parts = when.split(' ');
    let (weekday, date, hours) = (
        parts.next().unwrap(),
        parts.next().unwrap(),
        parts.next().unwrap(),
    );
    let (start, end) = hours
        .split_once('-')
        .unwrap_or_else(|| panic!("no start-end in {when:?}"));
    (weekday, date, start, end)
}

/// The strings of the summary.json array `key` (`queues`, `outputs`).
pub fn str_list<'a>(summary: &'a serde_json::Value, key: &str) -> Vec<&'a str> {
    summary[key]
        .as_array()
        .unwrap_or_else(|| panic!("summary.json: no array {key:?}"))
        .iter()
        .map(|item| item.as_str().unwrap())
        .collect()
}

/// The text after `label` up to the next `,`, `;`, ` `, `)` or `-`.
fn after<'a>(text: &'a str, label: &str) -> &'a str {
    let at = text
        .find(label)
        .unwrap_or_else(|| panic!("no {label:?} in {text:?}"));
    let rest = &text[at + label.len()..];
    let end = rest.find([',', ';', ' ', ')', '-']).unwrap_or(rest.len());
    &rest[..end]
}

/// A percentage of the report (`85.1%`) as a share.
fn share(text: &str) -> f64 {
    text.trim_end_matches('%').parse::<f64>().unwrap() / 100.0
}

/// The `<title>` texts of the rects of a figure (`plot-NAME`).
fn cell_titles(root: roxmltree::Node, figure: &str) -> Vec<String> {
    let figure = root
        .descendants()
        .find(|n| n.attribute("id") == Some(&format!("plot-{figure}")))
        .unwrap_or_else(|| panic!("no figure {figure}"));
    figure
        .descendants()
        .filter(|n| n.has_tag_name("rect"))
        .filter_map(|rect| {
            rect.children()
                .find(|c| c.has_tag_name("title"))
                .and_then(|t| t.text())
                .map(String::from)
        })
        .collect()
}

/// Checks the report of the plan in `out` against its files, the plan's
/// `calendar` (for its closed days) and `history` (the forecast chart's history);
/// returns the report's size in bytes.
pub fn check_report_figures(out: &Path, calendar: &Path, history: &Path) -> usize {
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    let document = roxmltree::Document::parse_with_options(
        &html,
        roxmltree::ParsingOptions {
            allow_dtd: true,
            ..Default::default()
        },
    )
    .unwrap();
    let root = document.root_element();
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    let coverage = Csv::read(&out.join("coverage.csv"));
    check_staffing_heatmap(root, &coverage);
    check_service_heatmap(root, &coverage, out, &summary);
    check_notes(root, &summary);
    check_anomalies(root, out, &summary, &coverage, calendar);
    check_headline(root, out, &summary, &coverage);
    check_service_table(root, out, &summary);
    check_daily_service_chart(root, &summary);
    check_waits_chart(root, out, &summary);
    check_hours_chart(root, &summary, &coverage);
    check_text(root, &summary);
    check_forecast_chart(root, out, &summary, history);
    check_week_agents_chart(root, &coverage, &summary);
    check_week_service_chart(root, &coverage, &summary);
    if out.join("roster.csv").exists() {
        check_gantts(root, out);
    } else {
        check_shift_gantts(root, out, &summary);
    }
    html.len()
}

/// Every staffing cell is a coverage.csv row with staff, requirement or calls,
/// with its figures as the file prints them, and every such row has its cell.
fn check_staffing_heatmap(root: roxmltree::Node, coverage: &Csv) {
    let rows: BTreeMap<(String, String), &BTreeMap<String, String>> = coverage
        .rows
        .iter()
        .filter(|r| {
            ["calls", "required", "scheduled"]
                .iter()
                .any(|c| r[*c] != "0")
        })
        .map(|r| (interval_key(r), r))
        .collect();
    let titles = cell_titles(root, "month-staffing");
    assert_eq!(titles.len(), rows.len(), "staffing cells");
    for title in &titles {
        let (key, figures) = title_key(title);
        let row = rows
            .get(&key)
            .unwrap_or_else(|| panic!("{title}: no such row"));
        assert_eq!(after(&figures, "scheduled "), row["scheduled"], "{title}");
        assert_eq!(after(&figures, "required "), row["required"], "{title}");
        assert_eq!(after(&figures, "; "), row["calls"], "{title}");
        if row["shortfall"] != "0" {
            assert_eq!(after(&figures, "short "), row["shortfall"], "{title}");
        }
    }
}

/// Every service cell is a coverage.csv row with calls: its projection that row's
/// service level, its simulated figures simulation.csv's for the same interval,
/// its target summary.json's.
fn check_service_heatmap(
    root: roxmltree::Node,
    coverage: &Csv,
    out: &Path,
    summary: &serde_json::Value,
) {
    let rows: BTreeMap<(String, String), &BTreeMap<String, String>> = coverage
        .rows
        .iter()
        .filter(|r| r["calls"] != "0" && !r["service_level"].is_empty())
        .map(|r| (interval_key(r), r))
        .collect();
    let simulation = out
        .join("simulation.csv")
        .exists()
        .then(|| Csv::read(&out.join("simulation.csv")));
    let simulated: BTreeMap<(String, String), &BTreeMap<String, String>> = simulation
        .iter()
        .flat_map(|s| &s.rows)
        .map(|r| (interval_key(r), r))
        .collect();
    let targets: BTreeMap<String, f64> = summary["service_level"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| {
            (
                q["queue"].as_str().unwrap().to_string(),
                q["target"].as_f64().unwrap(),
            )
        })
        .collect();
    // A roster's coverage is per queue: the projection is its service_level. A
    // pooled schedule's coverage has one row for all queues, so summary.json holds
    // each queue's projection per interval with calls (and only then).
    let per_queue = coverage
        .rows
        .iter()
        .all(|r| targets.contains_key(&r["queue"]));
    let pooled: BTreeMap<(String, String), (String, String)> = summary["service_level"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|q| {
            let queue = q["queue"].as_str().unwrap().to_string();
            q["intervals"]
                .as_array()
                .into_iter()
                .flatten()
                .map(move |i| {
                    let row: BTreeMap<String, String> = [
                        ("queue".to_string(), queue.clone()),
                        (
                            "interval_start".to_string(),
                            i["interval_start"].as_str().unwrap().to_string(),
                        ),
                    ]
                    .into();
                    let figure =
                        |key: &str| i[key].as_f64().map_or(String::new(), |v| v.to_string());
                    (interval_key(&row), (figure("projected"), figure("calls")))
                })
        })
        .collect();
    assert_eq!(pooled.is_empty(), per_queue, "intervals only when pooled");
    let titles = cell_titles(root, "month-service-level");
    assert!(!titles.is_empty());
    assert_eq!(
        titles.len(),
        if per_queue { rows.len() } else { pooled.len() },
        "service cells"
    );
    let near = |shown: &str, file: &str, what: &str| {
        let file: f64 = file.parse().unwrap();
        assert!(
            (share(shown) - file).abs() <= 0.0005 + 1e-9,
            "{what}: shown {shown}, file {file}"
        );
    };
    for title in &titles {
        let (key, figures) = title_key(title);
        near(
            after(&figures, "target "),
            &targets[&key.0].to_string(),
            title,
        );
        let (projected, calls) = if per_queue {
            let row = rows
                .get(&key)
                .unwrap_or_else(|| panic!("{title}: no such row"));
            (row["service_level"].clone(), row["calls"].clone())
        } else {
            pooled
                .get(&key)
                .cloned()
                .unwrap_or_else(|| panic!("{title}: not in summary.json's intervals"))
        };
        near(after(&figures, "projected "), &projected, title);
        assert_eq!(
            after(&figures, "; ").parse::<f64>().unwrap(),
            calls.parse::<f64>().unwrap(),
            "{title}"
        );
        match simulated
            .get(&key)
            .filter(|s| !s["service_level"].is_empty())
        {
            Some(sim) => {
                near(after(&figures, "simulated "), &sim["service_level"], title);
                if !sim["service_level_lo"].is_empty() {
                    near(
                        after(&figures, "interval "),
                        &sim["service_level_lo"],
                        title,
                    );
                }
            }
            None => assert!(!figures.contains("simulated"), "{title}"),
        }
    }
}

/// The shortfall table holds summary.json's shortfall notes, by date, with their
/// figures; the callout counts each kind of anomaly as the notes do.
fn check_notes(root: roxmltree::Node, summary: &serde_json::Value) {
    let notes = summary["notes"].as_array().unwrap();
    for note in notes {
        assert!(
            note["kind"].is_string() && note["text"].is_string(),
            "{note}"
        );
    }
    let mut shortfalls: Vec<&serde_json::Value> =
        notes.iter().filter(|n| n["kind"] == "shortfall").collect();
    shortfalls.sort_by_key(|n| {
        (
            n["date"].as_str().unwrap().to_string(),
            n["start"].as_str().unwrap().to_string(),
            n["queue"].as_str().unwrap().to_string(),
        )
    });
    let table = root
        .descendants()
        .find(|n| n.attribute("id") == Some("shortfalls"));
    let Some(table) = table else {
        assert!(shortfalls.is_empty(), "shortfall notes but no table");
        return;
    };
    let rows: Vec<Vec<String>> = table
        .children()
        .filter(|n| n.has_tag_name("tr"))
        .skip(1)
        .map(|tr| {
            tr.children()
                .filter(|c| c.has_tag_name("td"))
                .map(|td| {
                    td.descendants()
                        .filter(|d| d.is_text())
                        .filter_map(|d| d.text())
                        .collect()
                })
                .collect()
        })
        .collect();
    assert_eq!(rows.len(), shortfalls.len(), "shortfall rows");
    let agents = |v: &serde_json::Value| {
        let n = v.as_f64().unwrap();
        let text = format!("{n:.2}");
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    };
    for (row, note) in rows.iter().zip(&shortfalls) {
        assert_eq!(
            row[0],
            format!(
                "{}-{}",
                note["start"].as_str().unwrap(),
                note["end"].as_str().unwrap()
            )
        );
        assert_eq!(row[1], note["queue"].as_str().unwrap());
        assert_eq!(row[2], agents(&note["short_agents"]), "{note}");
        assert_eq!(row[3], agents(&note["required_agents"]), "{note}");
        assert_eq!(row[4], agents(&note["rostered_agents"]), "{note}");
        let counted: u64 = note["causes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["agents"].as_u64().unwrap())
            .sum();
        assert!(
            counted >= note["skilled_agents"].as_u64().unwrap(),
            "{note}"
        );
        assert!(row[5].starts_with(&format!("{}: ", note["skilled_agents"])));
    }
    // The day cells: one per date, in date order, spanning that date's rows.
    let days: Vec<(String, usize)> = table
        .descendants()
        .filter(|n| n.has_tag_name("th") && n.attribute("class") == Some("day"))
        .map(|th| {
            (
                th.text().unwrap().to_string(),
                th.attribute("rowspan").unwrap().parse().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        days.iter().map(|d| d.1).sum::<usize>(),
        shortfalls.len(),
        "{days:?}"
    );
    for (id, kind) in [
        ("anomaly-closed", "shifts_on_closed_day"),
        ("anomaly-below-target", "day_below_target"),
    ] {
        let item = root
            .descendants()
            .find(|n| n.attribute("id") == Some(id))
            .unwrap();
        let text: String = item
            .descendants()
            .filter(|d| d.is_text())
            .filter_map(|d| d.text())
            .collect();
        let count = notes.iter().filter(|n| n["kind"] == kind).count();
        assert!(text.contains(&format!("({count})")), "{text}: {count}");
    }
}

/// The element with `id`.
fn by_id<'a, 'i>(root: roxmltree::Node<'a, 'i>, id: &str) -> Option<roxmltree::Node<'a, 'i>> {
    root.descendants().find(|n| n.attribute("id") == Some(id))
}

/// The text of an element and its descendants.
fn text_of(node: roxmltree::Node) -> String {
    node.descendants()
        .filter(|d| d.is_text())
        .filter_map(|d| d.text())
        .collect()
}

/// A number as the report prints it (`11 106.0`, thin-space grouping; `85.1%` as
/// 85.1).
fn number(text: &str) -> f64 {
    text.replace('\u{2009}', "")
        .trim_end_matches('%')
        .parse()
        .unwrap_or_else(|_| panic!("not a number: {text:?}"))
}

/// Asserts that a figure shown to `decimals` decimals is the file's.
fn shows(shown: f64, file: f64, decimals: i32, what: &str) {
    let half_unit = 0.5 * 10f64.powi(-decimals) + 1e-9;
    assert!(
        (shown - file).abs() <= half_unit,
        "{what}: shown {shown}, file {file}"
    );
}

/// `Tue 15 Dec`, as the report names a day.
fn day_label(date: chrono::NaiveDate) -> String {
    date.format("%a %d %b").to_string()
}

/// The local date of a CSV row's interval.
fn local_date(row: &BTreeMap<String, String>) -> chrono::NaiveDate {
    chrono::DateTime::parse_from_rfc3339(&row["interval_start"])
        .unwrap()
        .naive_local()
        .date()
}

/// The figures of a `{mean, low, high}` object.
fn estimate(value: &serde_json::Value) -> Option<(f64, f64, f64)> {
    Some((
        value["mean"].as_f64()?,
        value["low"].as_f64()?,
        value["high"].as_f64()?,
    ))
}

/// An anomaly of the callout: the count it gives and its items.
fn callout(root: roxmltree::Node, id: &str) -> (usize, Vec<String>) {
    let text = text_of(by_id(root, id).unwrap_or_else(|| panic!("no {id}")));
    let (count, items) = text
        .split_once(" (")
        .and_then(|(_, rest)| rest.split_once("): "))
        .unwrap_or_else(|| panic!("{text}"));
    let items = items.trim_end_matches('.');
    let items: Vec<String> = if items == "none" {
        Vec::new()
    } else {
        items.split("; ").map(String::from).collect()
    };
    assert_eq!(count.parse::<usize>().unwrap(), items.len(), "{text}");
    (items.len(), items)
}

/// The anomalies callout, figure by figure, computed here from the files: shifts
/// on the calendar's closed days (roster.csv or shifts.csv, and coverage.csv for
/// the agent-hours), days below target (summary.json's days: the simulated mean
/// where simulated, else the projection), agent-hours on queues in intervals with
/// no calls (coverage.csv); and the notes say the same.
fn check_anomalies(
    root: roxmltree::Node,
    out: &Path,
    summary: &serde_json::Value,
    coverage: &Csv,
    calendar: &Path,
) {
    let hours = summary["horizon"]["interval_minutes"].as_f64().unwrap() / 60.0;
    let notes = summary["notes"].as_array().unwrap();
    let of_kind = |kind: &str| -> Vec<&serde_json::Value> {
        notes.iter().filter(|n| n["kind"] == kind).collect()
    };
    let date = |v: &serde_json::Value| {
        chrono::NaiveDate::parse_from_str(v.as_str().unwrap(), "%Y-%m-%d").unwrap()
    };
    let (first, last) = (
        date(&summary["horizon"]["start"]),
        date(&summary["horizon"]["end"]),
    );

    // Shifts on closed days.
    let closed: Vec<chrono::NaiveDate> = Csv::read(calendar)
        .rows
        .iter()
        .filter(|r| r["kind"] == "closed")
        .map(|r| chrono::NaiveDate::parse_from_str(&r["date"], "%Y-%m-%d").unwrap())
        .filter(|d| (first..=last).contains(d))
        .collect();
    let mut shifts: BTreeMap<chrono::NaiveDate, f64> = BTreeMap::new();
    if out.join("roster.csv").exists() {
        let mut agents = std::collections::BTreeSet::new();
        for row in Csv::read(&out.join("roster.csv")).rows {
            if row["activity"] == "shift" {
                agents.insert((row["date"].clone(), row["agent_id"].clone()));
            }
        }
        for (day, _) in agents {
            *shifts
                .entry(chrono::NaiveDate::parse_from_str(&day, "%Y-%m-%d").unwrap())
                .or_default() += 1.0;
        }
    } else {
        for row in Csv::read(&out.join("shifts.csv")).rows {
            let day = chrono::NaiveDate::parse_from_str(&row["date"], "%Y-%m-%d").unwrap();
            *shifts.entry(day).or_default() += row["count"].parse::<f64>().unwrap();
        }
    }
    let mut on_phones: BTreeMap<chrono::NaiveDate, f64> = BTreeMap::new();
    for row in &coverage.rows {
        *on_phones.entry(local_date(row)).or_default() +=
            row["scheduled"].parse::<f64>().unwrap() * hours;
    }
    let expected: Vec<(chrono::NaiveDate, f64, f64)> = closed
        .iter()
        .filter_map(|d| {
            let count = shifts.get(d).copied().filter(|c| *c > 0.0)?;
            Some((*d, count, on_phones.get(d).copied().unwrap_or(0.0)))
        })
        .collect();
    let (_, items) = callout(root, "anomaly-closed");
    assert_eq!(items.len(), expected.len(), "{items:?}: {expected:?}");
    let closed_notes = of_kind("shifts_on_closed_day");
    assert_eq!(closed_notes.len(), expected.len());
    for ((item, (day, count, agent_hours)), note) in items.iter().zip(&expected).zip(closed_notes) {
        let (label, figures) = item.split_once(": ").unwrap();
        assert_eq!(label, day_label(*day), "{item}");
        assert_eq!(number(figures.split(' ').next().unwrap()), *count, "{item}");
        shows(number(after(figures, ", ")), *agent_hours, 1, item);
        assert_eq!(date(&note["date"]), *day);
        assert_eq!(note["shifts"].as_f64().unwrap(), *count, "{note}");
        shows(
            note["agent_hours"].as_f64().unwrap(),
            *agent_hours,
            3,
            "note",
        );
    }

    // Days below target: the simulated mean where the plan simulated, else the
    // projection, below the queue's target; in date and queue order.
    let mut below: Vec<(chrono::NaiveDate, String, &serde_json::Value, f64)> = Vec::new();
    for queue in summary["service_level"].as_array().unwrap() {
        let Some(target) = queue["target"].as_f64() else {
            continue;
        };
        let name = queue["queue"].as_str().unwrap().to_string();
        for day in queue["days"].as_array().unwrap() {
            let level = estimate(&day["simulated"])
                .map(|e| e.0)
                .or(day["projected"].as_f64());
            if level.is_some_and(|l| l < target) {
                below.push((date(&day["date"]), name.clone(), day, target));
            }
        }
    }
    below.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
    let (_, items) = callout(root, "anomaly-below-target");
    assert_eq!(items.len(), below.len(), "{items:?}");
    let below_notes = of_kind("day_below_target");
    assert_eq!(below_notes.len(), below.len());
    for ((item, (day, queue, figures, target)), note) in items.iter().zip(&below).zip(below_notes) {
        let (name, shown) = item.split_once(": ").unwrap();
        assert_eq!(name, format!("{queue} {}", day_label(*day)), "{item}");
        match estimate(&figures["simulated"]) {
            Some((mean, low, high)) => {
                assert!(shown.contains("% simulated ("), "{item}");
                shows(
                    number(shown.split(' ').next().unwrap()),
                    mean * 100.0,
                    1,
                    item,
                );
                shows(number(after(shown, "(")), low * 100.0, 1, item);
                shows(number(after(shown, "%-")), high * 100.0, 1, item);
            }
            None => {
                assert!(shown.contains("% projected"), "{item}");
                let projected = figures["projected"].as_f64().unwrap();
                shows(
                    number(shown.split(' ').next().unwrap()),
                    projected * 100.0,
                    1,
                    item,
                );
            }
        }
        shows(number(after(shown, "target ")), target * 100.0, 1, item);
        assert_eq!(
            (date(&note["date"]), note["queue"].as_str().unwrap()),
            (*day, queue.as_str())
        );
    }

    // Agent-hours on queues in intervals with no calls, per queue: the total, the
    // days, and the day with the most.
    let mut idle: BTreeMap<String, BTreeMap<chrono::NaiveDate, f64>> = BTreeMap::new();
    for row in &coverage.rows {
        let scheduled: f64 = row["scheduled"].parse().unwrap();
        if row["calls"].parse::<f64>().unwrap() > 0.0 || scheduled <= 1e-9 {
            continue;
        }
        *idle
            .entry(row["queue"].clone())
            .or_default()
            .entry(local_date(row))
            .or_default() += scheduled * hours;
    }
    let (_, items) = callout(root, "anomaly-without-calls");
    assert_eq!(items.len(), idle.len(), "{items:?}");
    for (item, (queue, days)) in items.iter().zip(&idle) {
        let (name, rest) = item.split_once(' ').unwrap();
        assert_eq!(name, queue, "{item}");
        shows(
            number(rest.split(' ').next().unwrap()),
            days.values().sum(),
            2,
            item,
        );
        assert_eq!(
            number(after(rest, "agent-hours on ")),
            days.len() as f64,
            "{item}"
        );
        let most = days.values().copied().fold(0.0, f64::max);
        shows(number(after(rest, "(most ")), most, 2, item);
        let on = rest.rsplit_once(" on ").unwrap().1.trim_end_matches(')');
        let day = days
            .iter()
            .find(|(d, _)| day_label(**d) == on)
            .unwrap_or_else(|| panic!("{item}: no such day"));
        shows(*day.1, most, 2, item);
    }
    let idle_notes = of_kind("hours_without_calls");
    assert_eq!(
        idle_notes.len(),
        idle.values().map(BTreeMap::len).sum::<usize>()
    );
    for note in idle_notes {
        let hours = idle[note["queue"].as_str().unwrap()][&date(&note["date"])];
        shows(note["agent_hours"].as_f64().unwrap(), hours, 3, "note");
    }
}

/// The lead and the headline table: the horizon and queues of summary.json, the
/// totals of the CSVs (forecast calls, agent-hours, short intervals, shifts) and
/// of summary.json (paid hours, cost, solver, roster).
fn check_headline(root: roxmltree::Node, out: &Path, summary: &serde_json::Value, coverage: &Csv) {
    let horizon = &summary["horizon"];
    let long = |key: &str| {
        let date =
            chrono::NaiveDate::parse_from_str(horizon[key].as_str().unwrap(), "%Y-%m-%d").unwrap();
        format!("{} {}", date.format("%-d"), date.format("%B %Y"))
    };
    let queues = str_list(summary, "queues");
    let lead = root
        .descendants()
        .find(|n| n.attribute("class") == Some("lead"))
        .map(text_of)
        .unwrap();
    assert_eq!(
        lead,
        format!(
            "{} to {} ({} days), site time {}; queues {}.",
            long("start"),
            long("end"),
            horizon["days"],
            horizon["time_zone"].as_str().unwrap(),
            queues.join(", ")
        )
    );
    let table = by_id(root, "totals").unwrap();
    let rows: BTreeMap<String, String> = table
        .children()
        .filter(|n| n.has_tag_name("tr"))
        .map(|tr| {
            let cell = |tag: &str| text_of(tr.children().find(|c| c.has_tag_name(tag)).unwrap());
            (cell("th"), cell("td"))
        })
        .collect();
    let hours = horizon["interval_minutes"].as_f64().unwrap() / 60.0;
    let column = |csv: &Csv, name: &str| -> Vec<f64> {
        csv.rows.iter().map(|r| r[name].parse().unwrap()).collect()
    };
    let agent_hours = |name: &str| column(coverage, name).iter().sum::<f64>() * hours;
    let forecast = Csv::read(&out.join("forecast.csv"));
    let shifts = Csv::read(&out.join("shifts.csv"));
    let totals = &summary["totals"];
    for (label, file, decimals) in [
        ("Forecast calls", column(&forecast, "calls").iter().sum(), 0),
        ("Agent-hours required", agent_hours("required"), 1),
        ("Agent-hours scheduled", agent_hours("scheduled"), 1),
        ("Agent-hours short", agent_hours("shortfall"), 2),
        (
            "Half-hours short",
            column(coverage, "shortfall")
                .iter()
                .filter(|s| **s > 0.0)
                .count() as f64,
            0,
        ),
        ("Shifts", column(&shifts, "count").iter().sum(), 0),
        ("Paid hours", totals["paid_hours"].as_f64().unwrap(), 1),
        ("Cost", totals["cost"].as_f64().unwrap(), 2),
    ] {
        shows(number(&rows[label]), file, decimals, label);
    }
    let solver = &summary["solver"];
    assert_eq!(
        rows["Solver"],
        format!(
            "{}, within {:.2}% of the best possible",
            solver["status"].as_str().unwrap(),
            solver["gap"].as_f64().unwrap() * 100.0
        )
    );
    let roster = &summary["roster"];
    match rows.get("Roster cost") {
        None => assert!(roster.is_null()),
        Some(text) => {
            shows(
                number(text.split(" (").next().unwrap()),
                roster["cost"].as_f64().unwrap(),
                2,
                text,
            );
            shows(
                number(after(text, "(gap ")),
                roster["gap"].as_f64().unwrap() * 100.0,
                2,
                text,
            );
            shows(
                number(after(text, "%, ")),
                roster["shortfall_agent_hours"].as_f64().unwrap(),
                2,
                text,
            );
        }
    }
}

/// The service-level table, one row per queue of summary.json, its day counts
/// recounted here from the days (and the simulated intervals below target from
/// simulation.csv); and the sentence listing the projected days below target.
fn check_service_table(root: roxmltree::Node, out: &Path, summary: &serde_json::Value) {
    let table = by_id(root, "service").unwrap();
    let rows: Vec<Vec<String>> = table
        .children()
        .filter(|n| n.has_tag_name("tr"))
        .skip(1)
        .map(|tr| {
            tr.children()
                .filter(|c| c.has_tag_name("td"))
                .map(text_of)
                .collect()
        })
        .collect();
    let queues = summary["service_level"].as_array().unwrap();
    assert_eq!(rows.len(), queues.len());
    let simulation = out
        .join("simulation.csv")
        .exists()
        .then(|| Csv::read(&out.join("simulation.csv")));
    let mut low_days = Vec::new();
    for (row, queue) in rows.iter().zip(queues) {
        let name = queue["queue"].as_str().unwrap();
        let what = format!("{name}: {row:?}");
        assert_eq!(row[0], name);
        let target = queue["target"].as_f64().unwrap();
        shows(number(&row[1]), target * 100.0, 1, &what);
        shows(
            number(row[2].trim_end_matches(" s")),
            queue["answer_within_seconds"].as_f64().unwrap(),
            0,
            &what,
        );
        shows(
            number(&row[3]),
            queue["projected"].as_f64().unwrap() * 100.0,
            1,
            &what,
        );
        let days = queue["days"].as_array().unwrap();
        let projected_below: Vec<&serde_json::Value> = days
            .iter()
            .filter(|d| d["projected"].as_f64().is_some_and(|p| p < target))
            .collect();
        assert_eq!(number(&row[4]) as usize, projected_below.len(), "{what}");
        assert_eq!(
            queue["days_below_target"].as_u64().unwrap() as usize,
            projected_below.len()
        );
        low_days.extend(projected_below.into_iter().map(|d| (name, d)));
        let Some(simulation) = &simulation else {
            assert_eq!(row[5..], ["-", "-", "-"], "{what}");
            continue;
        };
        let (mean, low, high) = estimate(&queue["simulated"]["service_level"]).unwrap();
        shows(
            number(row[5].split(' ').next().unwrap()),
            mean * 100.0,
            1,
            &what,
        );
        shows(number(after(&row[5], "(")), low * 100.0, 1, &what);
        shows(number(after(&row[5], "%-")), high * 100.0, 1, &what);
        let simulated_below = days
            .iter()
            .filter(|d| estimate(&d["simulated"]).is_some_and(|e| e.0 < target))
            .count();
        assert_eq!(number(&row[6]) as usize, simulated_below, "{what}");
        let intervals_below = simulation
            .rows
            .iter()
            .filter(|r| r["queue"] == name && !r["service_level"].is_empty())
            .filter(|r| r["service_level"].parse::<f64>().unwrap() < target)
            .count();
        assert_eq!(number(&row[7]) as usize, intervals_below, "{what}");
    }
    let sentence = root
        .descendants()
        .filter(|n| n.has_tag_name("p"))
        .map(text_of)
        .find(|t| t.starts_with("Days below target: "));
    let Some(sentence) = sentence else {
        assert!(low_days.is_empty(), "{low_days:?}");
        return;
    };
    let items: Vec<&str> = sentence["Days below target: ".len()..]
        .trim_end_matches('.')
        .split("; ")
        .collect();
    assert_eq!(items.len(), low_days.len(), "{sentence}");
    for (item, (queue, day)) in items.iter().zip(low_days) {
        let date =
            chrono::NaiveDate::parse_from_str(day["date"].as_str().unwrap(), "%Y-%m-%d").unwrap();
        let (name, level) = item.split_once(": ").unwrap();
        assert_eq!(name, format!("{queue} {}", day_label(date)));
        shows(
            number(level),
            day["projected"].as_f64().unwrap() * 100.0,
            1,
            item,
        );
    }
}

/// The `<title>` texts of the circles of a figure (`plot-NAME`): the dots (the
/// legends' circles have none).
fn dot_titles(root: roxmltree::Node, figure: &str) -> Option<Vec<String>> {
    let figure = by_id(root, &format!("plot-{figure}"))?;
    Some(
        figure
            .descendants()
            .filter(|n| n.has_tag_name("circle"))
            .filter_map(|c| c.children().find(|t| t.has_tag_name("title")).map(text_of))
            .collect(),
    )
}

/// A dot's title, `sales, Tue 2026-12-15: figures`, as (queue, date) and figures;
/// the date is checked against the weekday.
fn dot_key(title: &str) -> ((String, String), String) {
    let (name, figures) = title.split_once(": ").unwrap();
    let (queue, day) = name.split_once(", ").unwrap();
    let (weekday, date) = day.split_once(' ').unwrap();
    let parsed = chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").unwrap();
    assert_eq!(parsed.format("%a").to_string(), weekday, "{title}");
    ((queue.to_string(), date.to_string()), figures.to_string())
}

/// A day's estimate (mean, low, high), its projection and the queue's target.
type DayFigures = ((f64, f64, f64), Option<f64>, Option<f64>);

/// The days of summary.json with `key` (an estimate), per (queue, date), with the
/// queue's target and the day's projection.
fn days_with(summary: &serde_json::Value, key: &str) -> BTreeMap<(String, String), DayFigures> {
    summary["service_level"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|q| {
            let queue = q["queue"].as_str().unwrap().to_string();
            let target = q["target"].as_f64();
            q["days"].as_array().unwrap().iter().filter_map(move |d| {
                Some((
                    (queue.clone(), d["date"].as_str().unwrap().to_string()),
                    (estimate(&d[key])?, d["projected"].as_f64(), target),
                ))
            })
        })
        .collect()
}

/// The per-day service-level chart: a dot per simulated queue-day, its title the
/// day's simulated level and 95% interval, projection and target of summary.json.
fn check_daily_service_chart(root: roxmltree::Node, summary: &serde_json::Value) {
    let titles = dot_titles(root, "daily-service-level").unwrap();
    let days = days_with(summary, "simulated");
    assert_eq!(titles.len(), days.len(), "daily service dots");
    let mut seen = std::collections::BTreeSet::new();
    for title in &titles {
        let (key, figures) = dot_key(title);
        assert!(seen.insert(key.clone()), "{title}: twice");
        let ((mean, low, high), projected, target) = days
            .get(&key)
            .unwrap_or_else(|| panic!("{title}: no such simulated day"));
        shows(
            number(after(&figures, "simulated ")),
            mean * 100.0,
            1,
            title,
        );
        shows(number(after(&figures, "interval ")), low * 100.0, 1, title);
        shows(number(after(&figures, "%-")), high * 100.0, 1, title);
        match projected {
            Some(p) => shows(number(after(&figures, "projected ")), p * 100.0, 1, title),
            None => assert!(!figures.contains("projected"), "{title}"),
        }
        if let Some(t) = target {
            shows(number(after(&figures, "target ")), t * 100.0, 1, title);
        }
    }
}

/// The waits chart (only when simulated): a dot per queue-day and measure, its
/// title the mean and 95% interval of summary.json's `simulated_asa_seconds`
/// (seconds, one decimal) or `simulated_abandon_rate` (percent, two decimals).
/// summary.json holds the only per-day figures: simulation.csv's are per interval.
fn check_waits_chart(root: roxmltree::Node, out: &Path, summary: &serde_json::Value) {
    let titles = dot_titles(root, "daily-waits");
    assert_eq!(
        titles.is_some(),
        out.join("plots/daily-waits.svg").exists(),
        "the chart is in the report when its file is"
    );
    let Some(titles) = titles else {
        return;
    };
    let asa = days_with(summary, "simulated_asa_seconds");
    let abandon = days_with(summary, "simulated_abandon_rate");
    assert!(!asa.is_empty());
    assert_eq!(titles.len(), asa.len() + abandon.len(), "waits dots");
    let mut seen = std::collections::BTreeSet::new();
    for title in &titles {
        let (key, figures) = dot_key(title);
        let asa_dot = figures.starts_with("average speed of answer ");
        assert!(seen.insert((key.clone(), asa_dot)), "{title}: twice");
        if asa_dot {
            let (mean, low, high) = asa.get(&key).unwrap_or_else(|| panic!("{title}")).0;
            assert!(figures.ends_with(" s)"), "{title}");
            shows(number(after(&figures, "answer ")), mean, 1, title);
            shows(number(after(&figures, "interval ")), low, 1, title);
            shows(number(after(&figures, "-")), high, 1, title);
        } else {
            let (mean, low, high) = abandon.get(&key).unwrap_or_else(|| panic!("{title}")).0;
            assert!(figures.contains("% abandoned ("), "{title}");
            shows(
                number(figures.split(' ').next().unwrap()),
                mean * 100.0,
                2,
                title,
            );
            shows(number(after(&figures, "interval ")), low * 100.0, 2, title);
            shows(number(after(&figures, "%-")), high * 100.0, 2, title);
        }
    }
}

/// The agent-hours chart: both bars of each day titled with the day's required,
/// scheduled and short agent-hours, summary.json's days and coverage.csv's sums
/// over the day's intervals.
fn check_hours_chart(root: roxmltree::Node, summary: &serde_json::Value, coverage: &Csv) {
    let hours = summary["horizon"]["interval_minutes"].as_f64().unwrap() / 60.0;
    let mut sums: BTreeMap<String, [f64; 3]> = BTreeMap::new();
    for row in &coverage.rows {
        let day = sums.entry(local_date(row).to_string()).or_default();
        for (sum, column) in day.iter_mut().zip(["required", "scheduled", "shortfall"]) {
            *sum += row[column].parse::<f64>().unwrap() * hours;
        }
    }
    let titles = cell_titles(root, "daily-hours");
    let days = summary["days"].as_array().unwrap();
    assert_eq!(titles.len(), 2 * days.len(), "two bars a day");
    // The required bars, then the scheduled ones, each in date order.
    for (title, day) in titles
        .chunks(days.len())
        .flat_map(|bars| bars.iter().zip(days))
    {
        let date = day["date"].as_str().unwrap();
        let (name, figures) = title.split_once(": ").unwrap();
        assert_eq!(name.split_once(' ').unwrap().1, date, "{title}");
        let file = sums.get(date).copied().unwrap_or_default();
        for ((key, label, decimals), from_csv) in [
            ("required_agent_hours", "required ", 1),
            ("scheduled_agent_hours", "scheduled ", 1),
            ("shortfall_agent_hours", "short ", 2),
        ]
        .into_iter()
        .zip(file)
        {
            let shown = number(after(figures, label));
            shows(shown, day[key].as_f64().unwrap(), decimals, title);
            shows(shown, from_csv, decimals, title);
        }
    }
}

/// The rest of the page's figures: the other notes (summary.json's texts, in
/// order), the number of shortfall runs and the price in the cost trade-off, and
/// the files of the footer (summary.json's outputs, the calendars as one entry).
fn check_text(root: roxmltree::Node, summary: &serde_json::Value) {
    let notes = summary["notes"].as_array().unwrap();
    let others: Vec<&str> = notes
        .iter()
        .filter(|n| {
            ![
                "shifts_on_closed_day",
                "day_below_target",
                "hours_without_calls",
                "shortfall",
            ]
            .contains(&n["kind"].as_str().unwrap())
        })
        .map(|n| n["text"].as_str().unwrap())
        .collect();
    let shown: Vec<String> = by_id(root, "other-notes")
        .map(|ul| {
            ul.children()
                .filter(|n| n.has_tag_name("li"))
                .map(text_of)
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(shown, others, "other notes");
    let runs = notes.iter().filter(|n| n["kind"] == "shortfall").count();
    if runs > 0 {
        let intro = root
            .descendants()
            .filter(|n| n.has_tag_name("p"))
            .map(text_of)
            .find(|t| t.contains("runs of half-hours the roster leaves short"))
            .unwrap();
        assert!(intro.starts_with(&format!("{runs} runs ")), "{intro}");
    }
    if let Some(tradeoff) = by_id(root, "cost-tradeoff") {
        let text = text_of(tradeoff);
        shows(
            number(after(&text, "priced at ")),
            summary["solver"]["under_per_agent_hour"].as_f64().unwrap(),
            2,
            &text,
        );
    }
    let footer = root
        .descendants()
        .find(|n| n.has_tag_name("footer"))
        .unwrap();
    let files: Vec<String> = footer
        .descendants()
        .filter(|n| n.has_tag_name("code"))
        .skip(1)
        .map(text_of)
        .collect();
    let outputs = str_list(summary, "outputs");
    let calendars = outputs
        .iter()
        .filter(|o| o.starts_with("schedules/"))
        .count();
    let mut expected: Vec<String> = Vec::new();
    for output in &outputs {
        if !output.starts_with("schedules/") {
            expected.push(output.to_string());
        } else if !expected.iter().any(|e| e == "schedules/*.ics") {
            expected.push("schedules/*.ics".to_string());
        }
    }
    assert_eq!(files, expected, "footer");
    if calendars > 0 {
        assert!(text_of(footer).contains(&format!("({calendars} agents)")));
    }
}

/// The Gantts: each work bar is a shift row of roster.csv on a shown day (same
/// agent, times and queue), each off or leave mark such a row, and none missing.
fn check_gantts(root: roxmltree::Node, out: &Path) {
    let roster = Csv::read(&out.join("roster.csv"));
    for figure in ["gantt", "gantt-day"] {
        let titles = cell_titles(root, figure);
        assert!(!titles.is_empty(), "{figure}");
        let mut shown: Vec<String> = titles
            .iter()
            .map(|t| {
                let (agent, rest) = t.split_once(' ').unwrap();
                let date = rest.split(", ").nth(1).unwrap();
                format!("{agent} {date}")
            })
            .collect();
        shown.sort();
        // The dates the figure covers, as `Mon 07 Dec` (`Mon 28 Dec: day off` on a
        // day nobody works).
        let dates: std::collections::BTreeSet<String> = titles
            .iter()
            .map(|t| {
                let rest = t.split(", ").nth(1).unwrap();
                let date = rest.split(' ').take(3).collect::<Vec<_>>().join(" ");
                date.trim_end_matches(':').to_string()
            })
            .collect();
        let mut expected: Vec<String> = roster
            .rows
            .iter()
            .filter(|r| ["shift", "off", "leave"].contains(&r["activity"].as_str()))
            .filter_map(|r| {
                let date = chrono::NaiveDate::parse_from_str(&r["date"], "%Y-%m-%d").unwrap();
                let label = date.format("%a %d %b").to_string();
                if !dates.contains(&label) {
                    return None;
                }
                let detail = match r["activity"].as_str() {
                    "shift" => format!("{label} {}-{} on {}", r["start"], r["end"], r["queue"]),
                    "off" => format!("{label}: day off"),
                    _ => format!("{label}: leave"),
                };
                Some(format!("{} {detail}", r["agent_id"]))
            })
            .collect();
        expected.sort();
        assert_eq!(shown, expected, "{figure}");
    }
}

/// A date of summary.json (`"2026-12-07"`).
fn json_date(value: &serde_json::Value) -> chrono::NaiveDate {
    chrono::NaiveDate::parse_from_str(value.as_str().unwrap(), "%Y-%m-%d").unwrap()
}

/// A number attribute of an SVG element.
fn attribute(node: roxmltree::Node, name: &str) -> f64 {
    node.attribute(name)
        .unwrap_or_else(|| panic!("no {name} in {node:?}"))
        .parse()
        .unwrap()
}

/// The vertices of a `<polyline>` or `<polygon>`, pixels.
fn vertices(node: roxmltree::Node) -> Vec<(f64, f64)> {
    node.attribute("points")
        .unwrap()
        .split_whitespace()
        .map(|pair| {
            let (x, y) = pair.split_once(',').unwrap();
            (x.parse().unwrap(), y.parse().unwrap())
        })
        .collect()
}

/// The elements named `tag` of a figure.
fn shapes<'a, 'i>(figure: roxmltree::Node<'a, 'i>, tag: &str) -> Vec<roxmltree::Node<'a, 'i>> {
    figure
        .descendants()
        .filter(|n| n.has_tag_name(tag))
        .collect()
}

/// The elements named `tag` of a figure that carry a `<title>`, with its text.
fn titled<'a, 'i>(
    figure: roxmltree::Node<'a, 'i>,
    tag: &str,
) -> Vec<(roxmltree::Node<'a, 'i>, String)> {
    shapes(figure, tag)
        .into_iter()
        .filter_map(|n| {
            let title = n.children().find(|c| c.has_tag_name("title"))?;
            Some((n, text_of(title)))
        })
        .collect()
}

/// A chart's axis as plotters drew it: pixel = `at` + `per` × value, fitted (least
/// squares) to the positions of its labels.
struct Axis {
    at: f64,
    per: f64,
}

impl Axis {
    /// The axis through `(value, pixel)` labels; each label within half a pixel
    /// (plotters rounds) of the fitted line.
    fn fit(labels: &[(f64, f64)], what: &str) -> Axis {
        assert!(labels.len() >= 2, "{what}: labels {labels:?}");
        let n = labels.len() as f64;
        let mean_v = labels.iter().map(|l| l.0).sum::<f64>() / n;
        let mean_p = labels.iter().map(|l| l.1).sum::<f64>() / n;
        let covariance: f64 = labels
            .iter()
            .map(|(v, p)| (v - mean_v) * (p - mean_p))
            .sum();
        let variance: f64 = labels.iter().map(|(v, _)| (v - mean_v).powi(2)).sum();
        let per = covariance / variance;
        let axis = Axis {
            at: mean_p - per * mean_v,
            per,
        };
        for (value, pixel) in labels {
            assert!(
                (axis.pixel(*value) - pixel).abs() <= 0.75,
                "{what}: label {value} at {pixel}, the axis puts it at {}",
                axis.pixel(*value)
            );
        }
        axis
    }

    fn pixel(&self, value: f64) -> f64 {
        self.at + self.per * value
    }

    /// Asserts that a mark drawn at `pixel` stands for `value` (within a pixel).
    fn shows(&self, pixel: f64, value: f64, what: &str) {
        assert!(
            (self.pixel(value) - pixel).abs() <= 1.0 + 1e-9,
            "{what}: drawn at {pixel}, {value} is at {}",
            self.pixel(value)
        );
    }
}

/// The value axis of a plotters chart: its labels (right-aligned numbers, `%` ones
/// as shares) and their heights.
fn value_axis(figure: roxmltree::Node, what: &str) -> Axis {
    let labels: Vec<(f64, f64)> = shapes(figure, "text")
        .into_iter()
        .filter(|t| t.attribute("text-anchor") == Some("end"))
        .filter_map(|t| {
            let text = text_of(t).trim().to_string();
            let value = match text.strip_suffix('%') {
                Some(percent) => percent.parse::<f64>().ok()? / 100.0,
                None => text.parse::<f64>().ok()?,
            };
            Some((value, attribute(t, "y")))
        })
        .collect();
    Axis::fit(&labels, what)
}

/// The labels under a plotters chart's x axis (the lowest row of centred,
/// top-anchored texts), left to right, empty ones included: (text, x).
fn x_labels(figure: roxmltree::Node) -> Vec<(String, f64)> {
    let below: Vec<roxmltree::Node> = shapes(figure, "text")
        .into_iter()
        .filter(|t| t.attribute("dy") == Some("0.76em"))
        .filter(|t| t.attribute("text-anchor") == Some("middle"))
        .collect();
    let lowest = below
        .iter()
        .map(|t| attribute(*t, "y"))
        .fold(f64::MIN, f64::max);
    let mut labels: Vec<(String, f64)> = below
        .into_iter()
        .filter(|t| attribute(*t, "y") == lowest)
        .map(|t| (text_of(t).trim().to_string(), attribute(t, "x")))
        .collect();
    labels.sort_by(|a, b| a.1.total_cmp(&b.1));
    labels
}

/// The one date from `first` to `last` that `label` names in `format`.
fn resolve_date(
    label: &str,
    format: &str,
    (first, last): (chrono::NaiveDate, chrono::NaiveDate),
) -> chrono::NaiveDate {
    let dates: Vec<chrono::NaiveDate> = first
        .iter_days()
        .take_while(|d| *d <= last)
        .filter(|d| d.format(format).to_string() == label)
        .collect();
    assert_eq!(dates.len(), 1, "{label:?}: {dates:?}");
    dates[0]
}

/// The horizon of summary.json: first and last day.
fn horizon(summary: &serde_json::Value) -> (chrono::NaiveDate, chrono::NaiveDate) {
    (
        json_date(&summary["horizon"]["start"]),
        json_date(&summary["horizon"]["end"]),
    )
}

/// The caption of a figure.
fn caption(root: roxmltree::Node, name: &str) -> String {
    let figure = by_id(root, &format!("plot-{name}")).unwrap();
    text_of(
        figure
            .children()
            .find(|c| c.has_tag_name("figcaption"))
            .unwrap(),
    )
}

/// Per queue and day: (calls, low, high), the day's sums of forecast.csv's
/// intervals (an interval without an interval counts its forecast).
type ForecastDays = BTreeMap<(String, String), (f64, f64, f64)>;

fn forecast_days(out: &Path) -> ForecastDays {
    let mut days = ForecastDays::new();
    for row in Csv::read(&out.join("forecast.csv")).rows {
        let figure = |column: &str| {
            let text = if row[column].is_empty() {
                &row["calls"]
            } else {
                &row[column]
            };
            text.parse::<f64>().unwrap()
        };
        let day = days
            .entry((row["queue"].clone(), local_date(&row).to_string()))
            .or_default();
        day.0 += figure("calls");
        day.1 += figure("calls_lo");
        day.2 += figure("calls_hi");
    }
    days
}

/// Offered calls per queue and site day over the `weeks` weeks before the
/// horizon, summed here from the plan's history input (the plan writes no file of
/// them).
fn history_days(
    history: &Path,
    summary: &serde_json::Value,
    weeks: i64,
) -> BTreeMap<(String, String), f64> {
    let zone: chrono_tz::Tz = summary["horizon"]["time_zone"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let start = horizon(summary).0;
    let first = start - chrono::Duration::days(7 * weeks);
    let queues = str_list(summary, "queues");
    let mut days = BTreeMap::new();
    for row in Csv::read(history).rows {
        if row["offered"].is_empty() || !queues.contains(&row["queue"].as_str()) {
            continue;
        }
        let date = chrono::DateTime::parse_from_rfc3339(&row["interval_start"])
            .unwrap()
            .with_timezone(&zone)
            .date_naive();
        if (first..start).contains(&date) {
            *days
                .entry((row["queue"].clone(), date.to_string()))
                .or_default() += row["offered"].parse::<f64>().unwrap();
        }
    }
    days
}

/// A hover dot of a line chart: its centre, its colour (the series') and title.
struct Dot {
    at: (f64, f64),
    fill: String,
    title: String,
}

fn dots(figure: roxmltree::Node) -> Vec<Dot> {
    titled(figure, "circle")
        .into_iter()
        .map(|(c, title)| Dot {
            at: (attribute(c, "cx"), attribute(c, "cy")),
            fill: c.attribute("fill").unwrap().to_string(),
            title,
        })
        .collect()
}

/// The polylines of a figure with `stroke` and `width`.
fn lines(figure: roxmltree::Node, stroke: &str, width: &str) -> Vec<Vec<(f64, f64)>> {
    shapes(figure, "polyline")
        .into_iter()
        .filter(|l| l.attribute("stroke") == Some(stroke))
        .filter(|l| l.attribute("stroke-width") == Some(width))
        .map(vertices)
        .collect()
}

/// A pixel of a chart: x, y.
type Pixel = (f64, f64);

/// A queue's dots of the forecast chart: the history's centres, the forecast's
/// with the heights of the day's low and high.
type QueueForecastDots = (Vec<Pixel>, Vec<(Pixel, f64, f64)>);

/// A queue's dots of the week's service level, and its target.
type QueueServiceDots = (Vec<Pixel>, Option<f64>);

/// The forecast chart: a dot per queue-day of the history (thin line) and of the
/// forecast (thick line), titled with the history's offered calls summed here
/// from the history input, and forecast.csv's calls and interval summed per day;
/// each dot where its figure is on the axes, each line through exactly its dots,
/// the band from each day's low to its high.
fn check_forecast_chart(
    root: roxmltree::Node,
    out: &Path,
    summary: &serde_json::Value,
    history: &Path,
) {
    let figure = by_id(root, "plot-forecast").unwrap();
    let text = caption(root, "forecast");
    let weeks: i64 = after(&text, "the last ").parse().unwrap();
    let level = after(&text, "half-hourly ").to_string();
    let mut past = history_days(history, summary, weeks);
    let mut ahead = forecast_days(out);
    assert!(!past.is_empty() && !ahead.is_empty());
    let (start, end) = horizon(summary);
    let offset = |date: &str| {
        (chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").unwrap() - start).num_days() as f64
    };
    let dates: Vec<(f64, f64)> = x_labels(figure)
        .into_iter()
        .map(|(label, x)| {
            // The chart spans the history's weeks and the horizon.
            let first = start - chrono::Duration::days(7 * weeks);
            let date = resolve_date(&label, "%d %b", (first, end));
            (offset(&date.to_string()), x)
        })
        .collect();
    let x = Axis::fit(&dates, "forecast days");
    let y = value_axis(figure, "forecast calls");
    // Per colour: the history's dots and the forecast's (centre, low, high).
    let mut series: BTreeMap<String, QueueForecastDots> = BTreeMap::new();
    for dot in dots(figure) {
        let ((queue, date), figures) = dot_key(&dot.title);
        let title = &dot.title;
        x.shows(dot.at.0, offset(&date), title);
        let entry = series.entry(dot.fill.clone()).or_default();
        if let Some(calls) = figures.strip_prefix("history ") {
            let file = past
                .remove(&(queue, date))
                .unwrap_or_else(|| panic!("{title}: no such day of history (or twice)"));
            shows(number(calls.trim_end_matches(" calls")), file, 0, title);
            y.shows(dot.at.1, file, title);
            entry.0.push(dot.at);
        } else {
            let (calls, low, high) = ahead
                .remove(&(queue, date))
                .unwrap_or_else(|| panic!("{title}: no such day of forecast.csv (or twice)"));
            shows(number(after(&figures, "forecast ")), calls, 1, title);
            assert!(figures.contains(&format!("({level} interval ")), "{title}");
            shows(number(after(&figures, "interval ")), low, 1, title);
            let high_text = figures.rsplit_once('-').unwrap().1.trim_end_matches(')');
            shows(number(high_text), high, 1, title);
            y.shows(dot.at.1, calls, title);
            entry.1.push((dot.at, y.pixel(low), y.pixel(high)));
        }
    }
    assert!(past.is_empty(), "history days without a dot: {past:?}");
    assert!(ahead.is_empty(), "forecast days without a dot: {ahead:?}");
    for (fill, (history_dots, forecast_dots)) in &series {
        let centres: Vec<(f64, f64)> = forecast_dots.iter().map(|d| d.0).collect();
        assert!(
            lines(figure, fill, "3").contains(&centres),
            "{fill}: forecast line"
        );
        if !history_dots.is_empty() {
            assert!(
                lines(figure, fill, "1").contains(history_dots),
                "{fill}: history line"
            );
        }
        let band = shapes(figure, "polygon")
            .into_iter()
            .filter(|p| p.attribute("fill") == Some(fill.as_str()))
            .map(vertices)
            .collect::<Vec<_>>();
        assert_eq!(band.len(), 1, "{fill}: one band");
        let expected: Vec<(f64, f64)> = forecast_dots
            .iter()
            .map(|(at, low, _)| (at.0, *low))
            .chain(
                forecast_dots
                    .iter()
                    .rev()
                    .map(|(at, _, high)| (at.0, *high)),
            )
            .collect();
        assert_eq!(band[0].len(), expected.len(), "{fill}: band");
        for (drawn, file) in band[0].iter().zip(&expected) {
            assert_eq!(drawn.0, file.0, "{fill}: band");
            assert!(
                (drawn.1 - file.1).abs() <= 1.0 + 1e-9,
                "{fill}: band at {drawn:?}, {file:?}"
            );
        }
    }
}

/// The week a week chart shows, from its day labels (`Mon 07`): its first day and
/// the x axis over its half-hours (0 at the first day's midnight).
fn week_axis(
    figure: roxmltree::Node,
    summary: &serde_json::Value,
) -> (chrono::NaiveDate, usize, Axis) {
    let labels = x_labels(figure);
    let days: Vec<(chrono::NaiveDate, f64)> = labels
        .iter()
        .map(|(label, x)| (resolve_date(label, "%a %d", horizon(summary)), *x))
        .collect();
    let first = days[0].0;
    let slots: Vec<(f64, f64)> = days
        .iter()
        .map(|(date, x)| ((*date - first).num_days() as f64 * 48.0, *x))
        .collect();
    (first, days.len(), Axis::fit(&slots, "week"))
}

/// A half-hour of a hover text (`Mon 2026-12-07 10:00-10:30`) as (date, `10:00`)
/// and its half-hour of the week from `first`; the weekday is checked.
fn half_hour(name: &str, first: chrono::NaiveDate) -> ((String, String), f64) {
    let (weekday, date, from, to) = when_parts(name);
    let parsed = chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").unwrap();
    assert_eq!(parsed.format("%a").to_string(), weekday, "{name}");
    let minute = |clock: &str| {
        let (h, m) = clock.split_once(':').unwrap();
        h.parse::<i64>().unwrap() * 60 + m.parse::<i64>().unwrap()
    };
    assert_eq!(minute(to) - minute(from), 30, "{name}");
    let slot = (parsed - first).num_days() * 48 + minute(from) / 30;
    ((date.to_string(), from.to_string()), slot as f64)
}

/// Two consecutive vertices from `left` to `right` at one height, near the pixel
/// of `value`: a step of a step line or area.
fn has_step(points: &[(f64, f64)], (left, right): (f64, f64), y: f64, what: &str) {
    let found = points.windows(2).any(|w| {
        w[0].0 == left && w[1].0 == right && w[0].1 == w[1].1 && (w[0].1 - y).abs() <= 1.0 + 1e-9
    });
    assert!(found, "{what}: no step from {left} to {right} at {y}");
}

/// The week's agents: a column per half-hour of the week titled with coverage.csv's
/// required, scheduled and short agents summed over the queues, every half-hour of
/// the file in the week with its column; under each column the shading at the
/// required agents, the line at the scheduled ones, and a red bar from one to the
/// other exactly where the file has shortfall.
fn check_week_agents_chart(root: roxmltree::Node, coverage: &Csv, summary: &serde_json::Value) {
    let figure = by_id(root, "plot-week-agents").unwrap();
    let (first, days, x) = week_axis(figure, summary);
    let last = first + chrono::Duration::days(days as i64);
    let mut pooled: BTreeMap<(String, String), [f64; 3]> = BTreeMap::new();
    for row in &coverage.rows {
        if !(first..last).contains(&local_date(row)) {
            continue;
        }
        let key = interval_key(row);
        let sums = pooled
            .entry((key.1[..10].to_string(), key.1[11..].to_string()))
            .or_default();
        for (sum, column) in sums.iter_mut().zip(["required", "scheduled", "shortfall"]) {
            *sum += row[column].parse::<f64>().unwrap();
        }
    }
    assert_eq!(pooled.len(), days * 48, "half-hours of the week");
    let y = value_axis(figure, "agents");
    let shading = shapes(figure, "polygon");
    assert_eq!(shading.len(), 1, "one shaded area");
    let shading = vertices(shading[0]);
    let line: Vec<Vec<(f64, f64)>> = lines(figure, "#D55E00", "2")
        .into_iter()
        .filter(|l| l.len() > 2)
        .collect();
    assert_eq!(line.len(), 1, "one line of agents");
    let short: BTreeMap<i64, roxmltree::Node> = shapes(figure, "rect")
        .into_iter()
        .filter(|r| r.attribute("fill") == Some("#C81E1E") && r.attribute("opacity") == Some("0.8"))
        .map(|r| (attribute(r, "x") as i64, r))
        .collect();
    let mut short_columns = 0;
    for (column, title) in titled(figure, "rect") {
        let (name, figures) = title.split_once(": ").unwrap();
        let (key, slot) = half_hour(name, first);
        let [required, scheduled, shortfall] = pooled
            .remove(&key)
            .unwrap_or_else(|| panic!("{title}: no such half-hour (or twice)"));
        shows(number(after(figures, "required ")), required, 2, &title);
        shows(number(after(figures, "scheduled ")), scheduled, 2, &title);
        shows(number(after(figures, "short ")), shortfall, 2, &title);
        let left = attribute(column, "x");
        let right = left + attribute(column, "width");
        x.shows(left, slot, &title);
        x.shows(right, slot + 1.0, &title);
        has_step(
            &shading,
            (left, right),
            y.pixel(required),
            &format!("{title}: shading"),
        );
        has_step(
            &line[0],
            (left, right),
            y.pixel(scheduled),
            &format!("{title}: line"),
        );
        match short.get(&(left as i64)) {
            Some(bar) => {
                assert!(shortfall > 0.0, "{title}: a red bar without shortfall");
                short_columns += 1;
                assert_eq!(attribute(*bar, "width"), right - left, "{title}");
                let (top, bottom) = (
                    attribute(*bar, "y"),
                    attribute(*bar, "y") + attribute(*bar, "height"),
                );
                y.shows(top, required.max(scheduled), &title);
                y.shows(bottom, required.min(scheduled), &title);
            }
            None => assert!(shortfall == 0.0, "{title}: shortfall without a red bar"),
        }
    }
    assert!(pooled.is_empty(), "half-hours without a column: {pooled:?}");
    assert_eq!(short.len(), short_columns, "red bars");
}

/// Each queue's projection per interval with calls, as (queue, `YYYY-MM-DD HH:MM`):
/// coverage.csv's service_level when its rows are per queue (a roster), else (the
/// pooled coverage of an anonymous schedule) summary.json's intervals.
fn projections(coverage: &Csv, summary: &serde_json::Value) -> BTreeMap<(String, String), f64> {
    let mut projected: BTreeMap<(String, String), f64> = BTreeMap::new();
    for queue in summary["service_level"].as_array().unwrap() {
        let name = queue["queue"].as_str().unwrap();
        for interval in queue["intervals"].as_array().into_iter().flatten() {
            let row: BTreeMap<String, String> = [
                ("queue".to_string(), name.to_string()),
                (
                    "interval_start".to_string(),
                    interval["interval_start"].as_str().unwrap().to_string(),
                ),
            ]
            .into();
            projected.insert(interval_key(&row), interval["projected"].as_f64().unwrap());
        }
    }
    if projected.is_empty() {
        for row in coverage
            .rows
            .iter()
            .filter(|r| !r["service_level"].is_empty())
        {
            projected.insert(interval_key(row), row["service_level"].parse().unwrap());
        }
    }
    projected
}

/// The week's service level: a dot per queue and half-hour with calls, titled with
/// its projection (coverage.csv's or summary.json's) and the queue's target
/// (summary.json's), where the figure is on the axes, every such interval of the
/// week with its dot; the queue's line has exactly its dots as vertices; the
/// queue's dashed target at the target's height.
fn check_week_service_chart(root: roxmltree::Node, coverage: &Csv, summary: &serde_json::Value) {
    let figure = by_id(root, "plot-week-service-level").unwrap();
    let (first, days, x) = week_axis(figure, summary);
    let last = first + chrono::Duration::days(days as i64);
    let mut projected: BTreeMap<(String, String), f64> = projections(coverage, summary)
        .into_iter()
        .filter(|((_, when), _)| {
            let date = chrono::NaiveDate::parse_from_str(&when[..10], "%Y-%m-%d").unwrap();
            (first..last).contains(&date)
        })
        .collect();
    assert!(!projected.is_empty());
    let targets: BTreeMap<&str, Option<f64>> = summary["service_level"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| (q["queue"].as_str().unwrap(), q["target"].as_f64()))
        .collect();
    let y = value_axis(figure, "service level");
    // Per colour: the dots' centres, and the queue's target.
    let mut queues: BTreeMap<String, QueueServiceDots> = BTreeMap::new();
    for dot in dots(figure) {
        let title = &dot.title;
        let (name, figures) = title.split_once(": ").unwrap();
        let (queue, when) = name.split_once(", ").unwrap();
        let ((date, from), slot) = half_hour(when, first);
        let file = projected
            .remove(&(queue.to_string(), format!("{date} {from}")))
            .unwrap_or_else(|| panic!("{title}: no such interval with calls (or twice)"));
        shows(number(after(figures, "projected ")), file * 100.0, 1, title);
        let target = targets[queue];
        match target {
            Some(t) => shows(number(after(figures, "target ")), t * 100.0, 1, title),
            None => assert!(!figures.contains("target"), "{title}"),
        }
        x.shows(dot.at.0, slot, title);
        y.shows(dot.at.1, file, title);
        let entry = queues.entry(dot.fill.clone()).or_default();
        entry.0.push(dot.at);
        entry.1 = target;
    }
    assert!(
        projected.is_empty(),
        "intervals without a dot: {projected:?}"
    );
    for (fill, (centres, target)) in &queues {
        // The legend's sample is a line of 18 pixels; the runs are the rest.
        let is_sample = |l: &Vec<(f64, f64)>| l.len() == 2 && l[1].0 - l[0].0 == 18.0;
        let mut drawn: Vec<(f64, f64)> = lines(figure, fill, "2")
            .into_iter()
            .filter(|l| !is_sample(l))
            .flatten()
            .collect();
        let mut expected = centres.clone();
        for points in [&mut drawn, &mut expected] {
            points.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
        }
        assert_eq!(drawn, expected, "{fill}: the line's vertices are its dots");
        let Some(target) = target else {
            continue;
        };
        let dashes: Vec<Vec<(f64, f64)>> = lines(figure, fill, "1")
            .into_iter()
            .filter(|l| !is_sample(l))
            .collect();
        assert!(!dashes.is_empty(), "{fill}: no target");
        for dash in dashes.iter().flatten() {
            y.shows(dash.1, *target, &format!("{fill}: target"));
        }
    }
}

/// Without a roster, the Gantts of shifts by template and start: a bar per
/// template, start, day and end of shifts.csv on a shown day (the lunch and break
/// variants summed), titled and labelled with the agents; each bar in the lane
/// labelled with its template and start, from its start to its end on its day.
fn check_shift_gantts(root: roxmltree::Node, out: &Path, summary: &serde_json::Value) {
    let minute = |clock: &str| {
        let (h, m) = clock.split_once(':').unwrap();
        h.parse::<f64>().unwrap() * 60.0 + m.parse::<f64>().unwrap()
    };
    let mut shifts: BTreeMap<(String, String, String, String), f64> = BTreeMap::new();
    for row in Csv::read(&out.join("shifts.csv")).rows {
        let lane = format!("{} {}", row["template"], row["start"]);
        *shifts
            .entry((
                row["date"].clone(),
                lane,
                row["start"].clone(),
                row["end"].clone(),
            ))
            .or_default() += row["count"].parse::<f64>().unwrap();
    }
    for name in ["gantt", "gantt-day"] {
        let figure = by_id(root, &format!("plot-{name}")).unwrap();
        // The day labels (`Tue 08, 08:00`, the first minute shown) and the end of
        // the last day (an empty label).
        let labels = x_labels(figure);
        let (week_end, days) = labels.split_last().unwrap();
        assert!(
            week_end.0.is_empty() && !days.is_empty(),
            "{name}: {labels:?}"
        );
        let dates: Vec<chrono::NaiveDate> = days
            .iter()
            .map(|(label, _)| {
                resolve_date(label.split(", ").next().unwrap(), "%a %d", horizon(summary))
            })
            .collect();
        let mut expected: BTreeMap<_, f64> = shifts
            .iter()
            .filter(|((date, ..), _)| dates.iter().any(|d| d.to_string() == *date))
            .map(|(k, v)| (k.clone(), *v))
            .collect();
        assert!(!expected.is_empty(), "{name}");
        let from = expected
            .keys()
            .map(|k| (minute(&k.2) / 60.0).floor() * 60.0)
            .fold(f64::MAX, f64::min);
        let to = expected
            .keys()
            .map(|k| (minute(&k.3) / 60.0).ceil() * 60.0)
            .fold(from + 60.0, f64::max);
        for (label, _) in days {
            assert_eq!(
                minute(label.split(", ").nth(1).unwrap()),
                from,
                "{name}: {label}"
            );
        }
        let span = to - from;
        let per_minute = (week_end.1 - days[0].1) / (span * days.len() as f64);
        let x = |day: usize, clock: &str| {
            days[0].1 + (day as f64 * span + minute(clock) - from) * per_minute
        };
        let lanes: BTreeMap<String, f64> = shapes(figure, "text")
            .into_iter()
            .filter(|t| t.attribute("text-anchor") == Some("end"))
            .map(|t| (text_of(t).trim().to_string(), attribute(t, "y")))
            .collect();
        let counts: Vec<(String, f64, f64)> = shapes(figure, "text")
            .into_iter()
            .filter(|t| t.attribute("fill") == Some("#FFFFFF"))
            .map(|t| {
                (
                    text_of(t).trim().to_string(),
                    attribute(t, "x"),
                    attribute(t, "y"),
                )
            })
            .collect();
        let bars = titled(figure, "rect");
        assert_eq!(counts.len(), bars.len(), "{name}: a number on each bar");
        let mut shown_lanes = std::collections::BTreeSet::new();
        for (bar, title) in bars {
            let (lane, rest) = title.split_once(", ").unwrap();
            let (when, agents) = rest.split_once(": ").unwrap();
            let (weekday, date, start, end) = when_parts(when);
            let count = expected
                .remove(&(
                    date.to_string(),
                    lane.to_string(),
                    start.to_string(),
                    end.to_string(),
                ))
                .unwrap_or_else(|| panic!("{name}: {title}: no such shifts (or twice)"));
            let day = dates.iter().position(|d| d.to_string() == date).unwrap();
            assert_eq!(dates[day].format("%a").to_string(), weekday, "{title}");
            assert!(lane.ends_with(&format!(" {start}")), "{title}");
            assert_eq!(number(agents.split(' ').next().unwrap()), count, "{title}");
            let (left, top) = (attribute(bar, "x"), attribute(bar, "y"));
            let (right, bottom) = (
                left + attribute(bar, "width"),
                top + attribute(bar, "height"),
            );
            let near = |a: f64, b: f64, what: &str| {
                assert!(
                    (a - b).abs() <= 1.0 + 1e-9,
                    "{name}: {title}: {what} {a}, expected {b}"
                )
            };
            near(left, x(day, start), "starts at");
            near(right, x(day, end), "ends at");
            let lane_y = *lanes
                .get(lane)
                .unwrap_or_else(|| panic!("{title}: no lane"));
            near((top + bottom) / 2.0, lane_y, "lane at");
            let label = counts
                .iter()
                .find(|(_, cx, cy)| {
                    (cx - (left + right) / 2.0).abs() <= 1.0 && (cy - lane_y).abs() <= 1.0
                })
                .unwrap_or_else(|| panic!("{name}: {title}: no number on it"));
            assert_eq!(number(&label.0), count, "{title}");
            shown_lanes.insert(lane.to_string());
        }
        assert!(
            expected.is_empty(),
            "{name}: shifts without a bar: {expected:?}"
        );
        let labelled: std::collections::BTreeSet<String> = lanes.into_keys().collect();
        assert_eq!(labelled, shown_lanes, "{name}: lanes");
    }
}
