//! Checks that every figure `report.html` shows is the figure of `summary.json` or
//! of the CSV file it comes from, reading the page as XML (not with wfm's code):
//! the heatmaps' `<title>`s against `coverage.csv` and `simulation.csv`, the
//! shortfall table and the anomalies callout against `summary.json`'s notes, the
//! per-day charts' marks against its days, the Gantt's bars against `roster.csv`.
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
    let mut parts = when.split(' ');
    let (_weekday, date, hours) = (
        parts.next().unwrap(),
        parts.next().unwrap(),
        parts.next().unwrap(),
    );
    let start = hours.split('-').next().unwrap();
    (
        (queue.to_string(), format!("{date} {start}")),
        figures.to_string(),
    )
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

/// Checks the report of the plan in `out` against its files; returns the
/// report's size in bytes.
pub fn check_report_figures(out: &Path) -> usize {
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
    check_waits_chart(out, &summary);
    if out.join("roster.csv").exists() {
        check_gantts(root, out);
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
    // pooled schedule's coverage has one row for all queues, and the per-queue
    // projection is in no file: only the simulated figures are checked then.
    let per_queue = coverage
        .rows
        .iter()
        .all(|r| targets.contains_key(&r["queue"]));
    let titles = cell_titles(root, "month-service-level");
    assert!(!titles.is_empty());
    if per_queue {
        assert_eq!(titles.len(), rows.len(), "service cells");
    }
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
        if per_queue {
            let row = rows
                .get(&key)
                .unwrap_or_else(|| panic!("{title}: no such row"));
            near(after(&figures, "projected "), &row["service_level"], title);
            assert_eq!(after(&figures, "; "), row["calls"], "{title}");
        }
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

/// The waits chart: one dot per simulated queue-day and measure, plus one per
/// queue in each panel's legend.
fn check_waits_chart(out: &Path, summary: &serde_json::Value) {
    let path = out.join("plots/daily-waits.svg");
    if !path.exists() {
        return;
    }
    let queues = summary["service_level"].as_array().unwrap();
    let dots: usize = queues
        .iter()
        .flat_map(|q| q["days"].as_array().unwrap())
        .map(|d| {
            usize::from(d["simulated_asa_seconds"].is_object())
                + usize::from(d["simulated_abandon_rate"].is_object())
        })
        .sum();
    let chart = std::fs::read_to_string(path).unwrap();
    assert!(dots > 0);
    assert_eq!(chart.matches("<circle").count(), dots + 2 * queues.len());
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
        // The dates the figure covers, as `Mon 07 Dec`.
        let dates: std::collections::BTreeSet<String> = titles
            .iter()
            .map(|t| {
                let rest = t.split(", ").nth(1).unwrap();
                rest.split(' ').take(3).collect::<Vec<_>>().join(" ")
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
