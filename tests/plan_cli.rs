//! `wfm plan` end to end on a reduced sample (one week of December 2026, both sample
//! queues): every output's columns, the files against each other (coverage rebuilt
//! from the shifts, summary totals from the CSVs), byte-identical reruns, and the same
//! files as the single-step commands chained by hand.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use assert_cmd::assert::OutputAssertExt;

mod exports_check;
mod report_check;

fn wfm() -> Command {
    Command::new(env!("CARGO_BIN_EXE_wfm"))
}

fn sample(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("data/sample")
        .join(name)
}

/// A one-week plan of the sample site from `start`, written to `dir/name`, reading
/// the sample's files by absolute path; `extra` is appended (more sections).
fn week_config(dir: &Path, name: &str, start: &str, extra: &str) -> PathBuf {
    let text = format!(
        r#"
[site]
time_zone = "Europe/London"
open = "Mon-Fri 08:00-20:00, Sat-Sun 09:00-17:00"

[inputs]
history = "{history}"
calendar = "{calendar}"
shifts = "{shifts}"

[horizon]
start = "{start}"
days = 7

[targets.default]
service_level = "80%"
answer_within = "20s"
max_asa = "20s"
max_occupancy = "90%"
shrinkage = "30%"
model = "erlang-c"

[targets.queue.sales]
service_level = "80%"
answer_within = "30s"

[solver]
time_limit = "300s"
{extra}
"#,
        history = sample("history.csv").display(),
        calendar = sample("calendar.csv").display(),
        shifts = sample("shifts.toml").display(),
    );
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// The week of Monday 7 December 2026.
fn write_config(dir: &Path, extra: &str) -> PathBuf {
    week_config(dir, "plan.toml", "2026-12-07", extra)
}

fn plan(config: &Path, out: &Path, extra: &[&str]) -> Output {
    wfm()
        .arg("plan")
        .arg("--config")
        .arg(config)
        .arg("--out")
        .arg(out)
        .args(extra)
        .output()
        .unwrap()
}

/// A CSV file as its header and rows of fields.
struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    fn read(path: &Path) -> Table {
        let mut reader = csv::Reader::from_path(path).unwrap();
        let header = reader.headers().unwrap().iter().map(String::from).collect();
        let rows = reader
            .records()
            .map(|r| r.unwrap().iter().map(String::from).collect())
            .collect();
        Table { header, rows }
    }

    fn column(&self, name: &str) -> usize {
        self.header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no column {name}"))
    }

    fn numbers(&self, name: &str) -> Vec<f64> {
        let c = self.column(name);
        self.rows
            .iter()
            .map(|row| row[c].parse::<f64>().unwrap())
            .collect()
    }
}

fn minutes(clock: &str) -> u32 {
    let (h, m) = clock.split_once(':').unwrap();
    h.parse::<u32>().unwrap() * 60 + m.parse::<u32>().unwrap()
}

/// Paid hours and hourly cost of the sample templates (data/sample/shifts.toml).
fn template(name: &str) -> (f64, f64) {
    match name {
        "FT8" => (8.0, 1.0),
        "PT6" => (6.0, 1.05),
        "PT4" => (4.0, 1.1),
        other => panic!("unknown template {other}"),
    }
}

/// Agents working per (date, half-hour "HH:MM"), rebuilt from shifts.csv on a
/// 15-minute grid: shifts minus lunches and breaks, averaged over each half-hour, and
/// the weaker of its quarter-hours.
fn rebuild_coverage(shifts: &Table) -> BTreeMap<(String, String), (f64, f64)> {
    let mut quarters: BTreeMap<String, Vec<i64>> = BTreeMap::new();
    let column = |name: &str| shifts.column(name);
    for row in &shifts.rows {
        let count: i64 = row[column("count")].parse().unwrap();
        let grid = quarters
            .entry(row[column("date")].clone())
            .or_insert_with(|| vec![0; 96]);
        let mut add = |from: &str, to: &str, delta: i64| {
            for quarter in minutes(from) / 15..minutes(to) / 15 {
                grid[quarter as usize] += delta * count;
            }
        };
        add(&row[column("start")], &row[column("end")], 1);
        if !row[column("lunch_start")].is_empty() {
            add(&row[column("lunch_start")], &row[column("lunch_end")], -1);
        }
        for rest in row[column("breaks")].split(';').filter(|b| !b.is_empty()) {
            let (from, to) = rest.split_once('-').unwrap();
            add(from, to, -1);
        }
    }
    let mut agents = BTreeMap::new();
    for (date, grid) in quarters {
        for half in 0..48 {
            let mean = (grid[2 * half] + grid[2 * half + 1]) as f64 / 2.0;
            let weakest = grid[2 * half].min(grid[2 * half + 1]) as f64;
            let clock = format!("{:02}:{:02}", half / 2, (half % 2) * 30);
            agents.insert((date.clone(), clock), (mean, weakest));
        }
    }
    agents
}

fn close(a: f64, b: f64, tolerance: f64, what: &str) {
    assert!((a - b).abs() <= tolerance, "{what}: {a} vs {b}");
}

#[test]
fn one_week_plan_outputs_agree_with_each_other() {
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(dir.path(), "");
    let out = dir.path().join("plan");
    let output = plan(&config, &out, &[]);
    let stderr = String::from_utf8_lossy(&output.stderr).to_string();
    output.assert().success();
    assert!(
        stderr.contains(&format!("wrote {}", out.display())),
        "{stderr}"
    );

    // forecast.csv: both queues, 7 days of 48 half-hours, lo <= calls <= hi.
    let forecast = Table::read(&out.join("forecast.csv"));
    assert_eq!(
        forecast.header,
        [
            "queue",
            "interval_start",
            "calls",
            "aht_seconds",
            "calls_lo",
            "calls_hi"
        ]
    );
    assert_eq!(forecast.rows.len(), 2 * 7 * 48);
    assert_eq!(forecast.rows[0][0], "sales");
    assert_eq!(forecast.rows[0][1], "2026-12-07T00:00:00+00:00");
    assert_eq!(forecast.rows[7 * 48][0], "support");
    let (calls, lo, hi) = (
        forecast.numbers("calls"),
        forecast.numbers("calls_lo"),
        forecast.numbers("calls_hi"),
    );
    for i in 0..calls.len() {
        assert!(lo[i] <= calls[i] && calls[i] <= hi[i], "row {i}");
    }
    let forecast_calls: f64 = calls.iter().sum();
    assert!(forecast_calls > 10_000.0, "{forecast_calls}");

    // requirements.csv: the forecast's rows staffed, in the same order.
    let requirements = Table::read(&out.join("requirements.csv"));
    assert_eq!(
        requirements.header,
        [
            "queue",
            "interval_start",
            "calls",
            "aht_seconds",
            "agents",
            "scheduled_staff",
            "service_level",
            "asa_seconds",
            "occupancy",
            "abandon_rate"
        ]
    );
    assert_eq!(requirements.rows.len(), forecast.rows.len());
    for (r, f) in requirements.rows.iter().zip(&forecast.rows) {
        assert_eq!(r[..4], f[..4]);
        let agents: f64 = r[4].parse().unwrap();
        let staff: f64 = r[5].parse().unwrap();
        // 30% shrinkage: scheduled staff = ceil(agents / 0.7).
        assert_eq!(staff, (agents / 0.7 - 1e-9).ceil(), "{r:?}");
    }

    // coverage.csv: one pooled row per half-hour; required is the queues' summed
    // scheduled staff; scheduled is what shifts.csv puts on the floor.
    let shifts = Table::read(&out.join("shifts.csv"));
    assert_eq!(
        shifts.header,
        [
            "date",
            "template",
            "start",
            "end",
            "lunch_start",
            "lunch_end",
            "breaks",
            "count"
        ]
    );
    let coverage = Table::read(&out.join("coverage.csv"));
    assert_eq!(
        coverage.header,
        [
            "queue",
            "interval_start",
            "calls",
            "aht_seconds",
            "required",
            "scheduled",
            "weakest_slot",
            "shortfall",
            "surplus",
            "service_level"
        ]
    );
    assert_eq!(coverage.rows.len(), 7 * 48);
    let mut required_by_time: BTreeMap<String, f64> = BTreeMap::new();
    for row in &requirements.rows {
        *required_by_time.entry(row[1].clone()).or_default() += row[5].parse::<f64>().unwrap();
    }
    let on_floor = rebuild_coverage(&shifts);
    for row in &coverage.rows {
        assert_eq!(row[0], "sales+support");
        let value = |c: usize| row[c].parse::<f64>().unwrap();
        assert_eq!(value(4), required_by_time[&row[1]], "required {}", row[1]);
        let key = (row[1][..10].to_string(), row[1][11..16].to_string());
        let (rebuilt, weakest) = on_floor.get(&key).copied().unwrap_or((0.0, 0.0));
        assert_eq!(value(5), rebuilt, "scheduled {}", row[1]);
        assert_eq!(value(6), weakest, "weakest slot {}", row[1]);
        assert_eq!(value(7), (value(4) - value(5)).max(0.0));
        assert_eq!(value(8), (value(5) - value(4)).max(0.0));
    }

    // summary.json: totals from the CSVs.
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
    let totals = &summary["totals"];
    let number = |v: &serde_json::Value| v.as_f64().unwrap();
    close(
        number(&totals["forecast_calls"]),
        forecast_calls,
        1e-3,
        "forecast calls",
    );
    let half_hours = |name: &str| coverage.numbers(name).iter().sum::<f64>() * 0.5;
    assert_eq!(
        number(&totals["required_agent_hours"]),
        half_hours("required")
    );
    assert_eq!(
        number(&totals["scheduled_agent_hours"]),
        half_hours("scheduled")
    );
    assert_eq!(
        number(&totals["shortfall_agent_hours"]),
        half_hours("shortfall")
    );
    assert_eq!(
        number(&totals["surplus_agent_hours"]),
        half_hours("surplus")
    );
    let short = coverage
        .numbers("shortfall")
        .iter()
        .filter(|s| **s > 0.0)
        .count();
    assert_eq!(totals["short_intervals"].as_u64().unwrap() as usize, short);
    let (mut count, mut paid, mut cost) = (0.0, 0.0, 0.0);
    for row in &shifts.rows {
        let n: f64 = row[7].parse().unwrap();
        let (hours, rate) = template(&row[1]);
        count += n;
        paid += n * hours;
        cost += n * hours * rate;
    }
    assert_eq!(number(&totals["shifts"]), count);
    assert_eq!(number(&totals["paid_hours"]), paid);
    close(number(&totals["cost"]), cost, 1e-6, "cost");
    // Paid hours cover the hours on the floor plus paid breaks (2 x 15 min per FT8,
    // 15 min per PT6), and at least the requirement less the shortfall.
    assert!(paid >= half_hours("scheduled"));
    assert!(half_hours("scheduled") + 1e-9 >= half_hours("required") - half_hours("shortfall"));

    assert_eq!(summary["horizon"]["start"], "2026-12-07");
    assert_eq!(summary["horizon"]["end"], "2026-12-13");
    assert_eq!(summary["queues"], serde_json::json!(["sales", "support"]));
    assert!(summary["roster"].is_null());
    assert_eq!(summary["solver"]["coverage"], "slot");
    assert!(summary.get("stamp").is_none());
    let days = summary["days"].as_array().unwrap();
    assert_eq!(days.len(), 7);
    let day_sum = |key: &str| days.iter().map(|d| number(&d[key])).sum::<f64>();
    close(
        day_sum("forecast_calls"),
        forecast_calls,
        0.01,
        "daily calls",
    );
    close(
        day_sum("required_agent_hours"),
        half_hours("required"),
        1e-6,
        "daily required",
    );
    close(day_sum("cost"), cost, 1e-6, "daily cost");
    assert_eq!(day_sum("shifts"), count);
    let service = summary["service_level"].as_array().unwrap();
    assert_eq!(service.len(), 2);
    for (queue, within) in service.iter().zip([30.0, 20.0]) {
        assert_eq!(number(&queue["target"]), 0.8);
        assert_eq!(number(&queue["answer_within_seconds"]), within);
        let projected = number(&queue["projected"]);
        assert!((0.5..=1.0).contains(&projected), "{queue}");
        assert_eq!(queue["days"].as_array().unwrap().len(), 7);
    }
    // Sales is closed on Sundays: no calls, no service level.
    let sales_sunday = &service[0]["days"][6];
    assert_eq!(sales_sunday["date"], "2026-12-13");
    assert!(sales_sunday["projected"].is_null());
    assert!(!out.join("roster.csv").exists());

    // The files are those summary.json lists, and the report is valid and offline.
    let listed: Vec<String> = summary["outputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o.as_str().unwrap().to_string())
        .collect();
    let mut present: Vec<String> = snapshot(&out)
        .into_keys()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    present.sort();
    let mut expected = listed.clone();
    expected.sort();
    assert_eq!(present, expected);
    check_report(&out, &listed);
    report_check::check_report_figures(&out, &sample("calendar.csv"), &sample("history.csv"));
}

/// `report.html` is well-formed (polyglot XHTML, so an XML parser reads it), refers to
/// nothing outside itself, and embeds every plot of `plots/` verbatim.
fn check_report(out: &Path, outputs: &[String]) {
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    let document = roxmltree::Document::parse_with_options(
        &html,
        roxmltree::ParsingOptions {
            allow_dtd: true,
            ..Default::default()
        },
    )
    .unwrap_or_else(|e| panic!("report.html is not well-formed: {e}"));
    let root = document.root_element();
    assert_eq!(root.tag_name().name(), "html");
    let title = root
        .descendants()
        .find(|n| n.has_tag_name("title"))
        .unwrap();
    assert_eq!(
        title.text(),
        Some("Staffing plan, 7 December 2026 to 13 December 2026")
    );

    // Self-contained: no element that loads anything, no attribute that points
    // anywhere, no CSS import or url(); the only URL is the SVG namespace, which
    // names the vocabulary and is never fetched.
    const SVG_NAMESPACE: &str = "http://www.w3.org/2000/svg";
    for node in root.descendants().filter(|n| n.is_element()) {
        let name = node.tag_name().name();
        assert!(
            !["script", "link", "img", "iframe", "object", "embed", "image", "use", "base"]
                .contains(&name),
            "report.html has a <{name}>"
        );
        for attribute in node.attributes() {
            assert!(
                !["src", "href", "srcset", "data", "action", "background"]
                    .contains(&attribute.name()),
                "<{name}> has {}=\"{}\"",
                attribute.name(),
                attribute.value()
            );
            assert!(!attribute.value().contains("url("), "{}", attribute.value());
        }
        if name == "svg" {
            assert_eq!(node.tag_name().namespace(), Some(SVG_NAMESPACE));
        }
    }
    let style = root
        .descendants()
        .find(|n| n.has_tag_name("style"))
        .unwrap();
    let css = style.text().unwrap();
    assert!(!css.contains("url(") && !css.contains("@import"), "{css}");
    let without_namespace = html.replace(&format!("xmlns=\"{SVG_NAMESPACE}\""), "");
    assert!(
        !without_namespace.contains("http://"),
        "report.html names a URL"
    );
    assert!(
        !without_namespace.contains("https://"),
        "report.html names a URL"
    );
    assert!(
        !without_namespace.contains("xmlns"),
        "a namespace other than SVG's"
    );

    // Every plot is a file of plots/ and the same SVG inline in its figure.
    let plots: Vec<&String> = outputs.iter().filter(|o| o.starts_with("plots/")).collect();
    assert_eq!(plots.len(), 10);
    // The daily service-level chart: one dot per simulated queue-day of summary.json
    // (and one per simulated queue in the legend), one whisker each.
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    let (mut dots, mut legend) = (0, 0);
    for queue in summary["service_level"].as_array().unwrap() {
        let simulated = queue["days"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["simulated"].is_object())
            .count();
        dots += simulated;
        legend += usize::from(simulated > 0);
    }
    let chart = std::fs::read_to_string(out.join("plots/daily-service-level.svg")).unwrap();
    assert_eq!(chart.matches("<circle").count(), dots + legend);
    assert!(dots > 0, "the plan simulates its roster");
    let figures: Vec<roxmltree::Node> = root
        .descendants()
        .filter(|n| n.has_tag_name("figure"))
        .collect();
    assert_eq!(figures.len(), plots.len());
    for (plot, figure) in plots.iter().zip(&figures) {
        let svg = std::fs::read_to_string(out.join(plot)).unwrap();
        let name = plot.trim_start_matches("plots/").trim_end_matches(".svg");
        assert_eq!(
            figure.attribute("id"),
            Some(format!("plot-{name}").as_str())
        );
        let embedded = &html[figure.range()];
        assert!(
            embedded.contains(&svg),
            "{plot} is not embedded in its figure"
        );
        let parsed = roxmltree::Document::parse(&svg).unwrap();
        assert_eq!(parsed.root_element().tag_name().name(), "svg");
        assert!(parsed
            .root_element()
            .descendants()
            .any(|n| n.has_tag_name("text")));
    }
}

#[test]
fn reruns_are_byte_identical_and_match_the_single_step_commands() {
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(dir.path(), "");
    let first = dir.path().join("first");
    let second = dir.path().join("second");
    plan(&config, &first, &["--quiet"]).assert().success();
    plan(&config, &second, &["--quiet"]).assert().success();
    let names = [
        "forecast.csv",
        "requirements.csv",
        "shifts.csv",
        "coverage.csv",
    ];
    let (a, b) = (snapshot(&first), snapshot(&second));
    assert_eq!(a.len(), 17, "{:?}", a.keys());
    for (name, bytes) in &a {
        assert!(
            b.get(name) == Some(bytes),
            "{} differs between runs",
            name.display()
        );
    }

    // The same chain by hand: wfm forecast, wfm staff (targets.toml holds the same
    // targets), wfm schedule (with them, for each queue's projected service level).
    let chain = dir.path().join("chain");
    std::fs::create_dir(&chain).unwrap();
    let run = |args: &[&str]| {
        wfm().arg("--quiet").args(args).assert().success();
    };
    let path = |name: &str| chain.join(name).display().to_string();
    run(&[
        "forecast",
        "--history",
        &sample("history.csv").display().to_string(),
        "--calendar",
        &sample("calendar.csv").display().to_string(),
        "--tz",
        "Europe/London",
        "--open",
        "Mon-Fri 08:00-20:00, Sat-Sun 09:00-17:00",
        "--start",
        "2026-12-07",
        "--days",
        "7",
        "-o",
        &path("forecast.csv"),
    ]);
    run(&[
        "staff",
        "--forecast",
        &path("forecast.csv"),
        "--targets",
        &sample("targets.toml").display().to_string(),
        "-o",
        &path("requirements.csv"),
    ]);
    run(&[
        "schedule",
        "--requirements",
        &path("requirements.csv"),
        "--shifts",
        &sample("shifts.toml").display().to_string(),
        "--tz",
        "Europe/London",
        "--start",
        "2026-12-07",
        "--days",
        "7",
        "--time-limit",
        "300s",
        "--targets",
        &sample("targets.toml").display().to_string(),
        "-o",
        &path("shifts.csv"),
        "--coverage",
        &path("coverage.csv"),
    ]);
    // The plan's simulation is `wfm simulate` of its shifts (same defaults and seed).
    run(&[
        "simulate",
        "--forecast",
        &path("forecast.csv"),
        "--shifts",
        &path("shifts.csv"),
        "--targets",
        &sample("targets.toml").display().to_string(),
        "--tz",
        "Europe/London",
        "-o",
        &path("simulation.csv"),
    ]);
    for name in names.iter().chain(&["simulation.csv"]) {
        let (planned, stepped) = (
            std::fs::read_to_string(first.join(name)).unwrap(),
            std::fs::read_to_string(chain.join(name)).unwrap(),
        );
        if *name == "coverage.csv" {
            // The plan's service_level is its projection over time (the queue carried
            // through the day, absence as its simulation draws it); `wfm schedule
            // --coverage` scores each interval in a steady state. Every other column
            // is the same.
            let without_level = |text: &str| -> Vec<String> {
                text.lines()
                    .map(|l| l.rsplit_once(',').unwrap().0.to_string())
                    .collect()
            };
            assert_eq!(without_level(&planned), without_level(&stepped), "{name}");
            continue;
        }
        assert_eq!(
            planned, stepped,
            "{name}: wfm plan differs from the single-step command"
        );
    }

    // The plan hands its forecast to staffing in memory: `wfm staff` on the plan's own
    // forecast.csv gives its requirements.csv (which `wfm schedule` turned into the same
    // shifts above).
    run(&[
        "staff",
        "--forecast",
        &first.join("forecast.csv").display().to_string(),
        "--targets",
        &sample("targets.toml").display().to_string(),
        "-o",
        &path("from_plan.csv"),
    ]);
    assert_eq!(
        std::fs::read(first.join("requirements.csv")).unwrap(),
        std::fs::read(chain.join("from_plan.csv")).unwrap(),
        "wfm staff on the plan's forecast.csv differs from the plan's requirements.csv"
    );
}

#[test]
fn bad_configs_are_input_errors() {
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(dir.path(), "[report]\nweek = \"2027-01-04\"\n");
    let output = plan(&config, &dir.path().join("out"), &[]);
    let stderr = String::from_utf8_lossy(&output.stderr).to_string();
    output.assert().code(2);
    assert!(
        stderr.contains("report.week 2027-01-04 is outside the horizon"),
        "{stderr}"
    );
    assert!(!dir.path().join("out").exists());

    let missing = dir.path().join("missing.toml");
    plan(&missing, &dir.path().join("out"), &[])
        .assert()
        .code(2);

    for (extra, expected) in [
        (
            "[simulation]\nrouting = \"skills\"\n",
            "simulation.routing: the plan simulates the routing of [site] routing",
        ),
        (
            "[simulation]\nmax_rounds = 0\n",
            "simulation.max_rounds = 0; expected 1 to 20",
        ),
        (
            "[simulation]\nreplications = 1\n",
            "at least 2 replications",
        ),
        (
            "[simulation]\nabsence = \"hourly\"\n",
            "simulation: unknown variant `hourly`",
        ),
    ] {
        let config = write_config(dir.path(), extra);
        let output = plan(&config, &dir.path().join("out"), &[]);
        let stderr = String::from_utf8_lossy(&output.stderr).to_string();
        output.assert().code(2);
        assert!(stderr.contains(expected), "{extra}: {stderr}");
        assert!(!dir.path().join("out").exists());
    }
    let text = std::fs::read_to_string(write_config(dir.path(), ""))
        .unwrap()
        .replace("[inputs]", "routing = \"round-robin\"\n\n[inputs]");
    std::fs::write(&config, text).unwrap();
    let output = plan(&config, &dir.path().join("out"), &[]);
    output.assert().code(2).stderr(predicates::str::contains(
        "site.routing: \"round-robin\": expected assigned or skills",
    ));
}

/// Every file under `dir` with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(next) = pending.pop() {
        for entry in std::fs::read_dir(&next).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let bytes = std::fs::read(&path).unwrap();
                files.insert(path.strip_prefix(dir).unwrap().to_path_buf(), bytes);
            }
        }
    }
    files
}

#[test]
fn a_killed_run_leaves_the_previous_plan_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("plan");
    let partial = dir.path().join(".plan.partial");
    let first = write_config(dir.path(), "");
    plan(&first, &out, &["--quiet"]).assert().success();
    let before = snapshot(&out);
    assert!(before.contains_key(Path::new("summary.json")));

    // A plan of the following week, killed once its forecast is written.
    let next = week_config(dir.path(), "next.toml", "2026-12-14", "");
    let mut child = wfm()
        .args(["--quiet", "plan", "--config"])
        .arg(&next)
        .arg("--out")
        .arg(&out)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(300);
    while !partial.join("forecast.csv").exists() {
        assert!(
            child.try_wait().unwrap().is_none(),
            "the run ended before it was killed"
        );
        assert!(
            std::time::Instant::now() < deadline,
            "no forecast.csv in {}",
            partial.display()
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(
        child.try_wait().unwrap().is_none(),
        "the run ended before it was killed"
    );
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(
        snapshot(&out),
        before,
        "the killed run changed the previous plan"
    );
    assert!(partial.exists(), "a killed run cannot clean up");

    // The next run tidies up and replaces the plan whole.
    plan(&next, &out, &["--quiet"]).assert().success();
    assert!(!partial.exists());
    assert!(!dir.path().join(".plan.old").exists());
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["horizon"]["start"], "2026-12-14");
    let forecast = std::fs::read_to_string(out.join("forecast.csv")).unwrap();
    assert!(forecast
        .lines()
        .nth(1)
        .unwrap()
        .starts_with("sales,2026-12-14T00:00:00+00:00,"));
}

/// An RFC 3339 UTC time with microseconds and a space, as `--log-timestamps` starts
/// a line with: `2026-12-07T05:30:01.123456Z `.
fn starts_with_timestamp(line: &str) -> bool {
    let Some((time, _)) = line.split_once(' ') else {
        return false;
    };
    time.len() == 27 && time.ends_with('Z') && chrono::DateTime::parse_from_rfc3339(time).is_ok()
}

#[test]
fn a_second_run_on_the_same_output_exits_75_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(dir.path(), "");
    let out = dir.path().join("plan");
    // An earlier plan in place (a run may replace it).
    std::fs::create_dir(&out).unwrap();
    let summary = format!(
        "{{\n  \"generator\": \"wfm plan {}\"\n}}\n",
        env!("CARGO_PKG_VERSION")
    );
    std::fs::write(out.join("summary.json"), summary).unwrap();
    std::fs::write(out.join("shifts.csv"), "earlier\n").unwrap();
    let before = snapshot(&out);
    // The lock a running plan holds: plan.lock beside the output directory.
    let lock_path = dir.path().join("plan.lock");
    let lock = std::fs::File::create(&lock_path).unwrap();
    fs4::FileExt::try_lock(&lock).unwrap();
    let output = plan(&config, &out, &["--strict"]);
    let stderr = String::from_utf8_lossy(&output.stderr).to_string();
    output.assert().code(75);
    assert_eq!(
        stderr,
        format!(
            "error: another wfm plan is writing {} (it holds {}); try again later\n",
            out.display(),
            lock_path.display()
        )
    );
    assert_eq!(snapshot(&out), before);
    assert!(!dir.path().join(".plan.partial").exists());

    // --log-timestamps (or WFM_LOG_TIMESTAMPS=1) stamps the line for a cron log.
    for (flag, env) in [("--log-timestamps", "0"), ("--quiet", "1")] {
        let output = wfm()
            .args([flag, "plan", "--config"])
            .arg(&config)
            .arg("--out")
            .arg(&out)
            .env("WFM_LOG_TIMESTAMPS", env)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(75));
        let stderr = String::from_utf8_lossy(&output.stderr).to_string();
        let (time, rest) = stderr.split_once(' ').unwrap();
        assert!(starts_with_timestamp(&stderr), "{stderr}");
        assert!(
            rest.starts_with("error: another wfm plan is writing"),
            "{time} {rest}"
        );
    }
    drop(lock);
    assert_eq!(snapshot(&out), before);
}

#[test]
fn an_output_that_is_not_a_plan_is_never_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(dir.path(), "");
    let out = dir.path().join("documents");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("budget.xlsx"), "keep me").unwrap();
    let output = plan(&config, &out, &[]);
    let stderr = String::from_utf8_lossy(&output.stderr).to_string();
    output.assert().code(2);
    assert!(stderr.contains("refusing to replace"), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(out.join("budget.xlsx")).unwrap(),
        "keep me"
    );
}

/// The week of 7 December 2026 with the sample templates capped at 20 shifts a day
/// (the week cannot be covered), written to `dir/name`; `extra` is appended.
fn capped_config(dir: &Path, name: &str, extra: &str) -> PathBuf {
    let shifts = std::fs::read_to_string(sample("shifts.toml")).unwrap()
        + "\n[limits]\nmax_headcount_per_day = 20\n";
    let capped = dir.join("capped.toml");
    std::fs::write(&capped, shifts).unwrap();
    let config = week_config(dir, name, "2026-12-07", extra);
    let text = std::fs::read_to_string(&config).unwrap().replace(
        &format!("shifts = \"{}\"", sample("shifts.toml").display()),
        "shifts = \"capped.toml\"",
    );
    std::fs::write(&config, text).unwrap();
    config
}

fn summary_of(out: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap()
}

#[test]
fn strict_fails_a_short_plan_after_writing_it_and_stamp_records_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let config = capped_config(dir.path(), "plan.toml", "");
    let out = dir.path().join("plan");
    let output = plan(&config, &out, &["--strict", "--stamp"]);
    let stderr = String::from_utf8_lossy(&output.stderr).to_string();
    output.assert().code(1);
    let summary = summary_of(&out);
    let totals = &summary["totals"];
    let required = totals["required_agent_hours"].as_f64().unwrap();
    // No [strict]: the default limit, 1% of the required agent-hours.
    let expected = format!(
        "error: the plan leaves {} intervals short ({} agent-hours), more than [strict] max_shortfall_hours = \"1%\" ({:.2} agent-hours of {} required) (--strict; the plan is written)\n",
        totals["short_intervals"],
        totals["shortfall_agent_hours"].as_f64().unwrap(),
        required / 100.0,
        required
    );
    assert!(stderr.ends_with(&expected), "{stderr}");
    let shifts = Table::read(&out.join("shifts.csv"));
    for day in summary["days"].as_array().unwrap() {
        assert!(day["shifts"].as_u64().unwrap() <= 20, "{day}");
    }
    assert!(shifts.numbers("count").iter().sum::<f64>() <= 7.0 * 20.0);
    assert!(summary["totals"]["short_intervals"].as_u64().unwrap() > 0);
    assert!(summary["totals"]["shortfall_agent_hours"].as_f64().unwrap() > 100.0);
    // --stamp: when, and how long each step took; nowhere else.
    let stamp = &summary["stamp"];
    assert!(
        stamp["generated_at"].as_str().unwrap().ends_with('Z'),
        "{stamp}"
    );
    let steps: Vec<&String> = stamp["step_seconds"].as_object().unwrap().keys().collect();
    assert_eq!(
        steps,
        ["forecast", "ingest", "schedule", "simulate", "staff"]
    );
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains(&format!(
        "Generated {}",
        stamp["generated_at"].as_str().unwrap()
    )));
}

#[test]
fn strict_thresholds_decide_what_fails() {
    let dir = tempfile::tempdir().unwrap();
    // Far more shortfall than the capped week has passes...
    let lenient = capped_config(
        dir.path(),
        "lenient.toml",
        "[strict]\nmax_shortfall_hours = 100000",
    );
    let out = dir.path().join("lenient");
    let output = plan(&lenient, &out, &["--strict"]);
    let stderr = String::from_utf8_lossy(&output.stderr).to_string();
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    let summary = summary_of(&out);
    assert!(summary["totals"]["shortfall_agent_hours"].as_f64().unwrap() > 100.0);
    assert!(!stderr.contains("error"), "{stderr}");
    // ...unless a day below target fails it: simulated days whose whole 95%
    // interval is below the target (the capped week serves almost no call in time).
    let days = capped_config(
        dir.path(),
        "days.toml",
        "[strict]\nmax_shortfall_hours = 100000\nfail_if_day_below_target = true",
    );
    let out = dir.path().join("days");
    let output = plan(&days, &out, &["--strict"]);
    let stderr = String::from_utf8_lossy(&output.stderr).to_string();
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    let summary = summary_of(&out);
    let mut below = 0;
    let mut first = None;
    for queue in summary["service_level"].as_array().unwrap() {
        let target = queue["target"].as_f64().unwrap();
        for day in queue["days"].as_array().unwrap() {
            if day["simulated"]["high"]
                .as_f64()
                .is_some_and(|h| h < target)
            {
                below += 1;
                first.get_or_insert(format!(
                    "{} {} simulated {:.1}%",
                    queue["queue"].as_str().unwrap(),
                    day["date"].as_str().unwrap(),
                    day["simulated"]["mean"].as_f64().unwrap() * 100.0
                ));
            }
        }
    }
    assert!(below >= 7, "{below}");
    let error = stderr.lines().last().unwrap();
    assert!(
        error.starts_with(&format!(
            "error: {below} queue-days are below their service-level target ([strict] fail_if_day_below_target): {}",
            first.unwrap()
        )),
        "{error}"
    );
    assert!(
        error.ends_with(&format!(
            "; {} more in summary.json (--strict; the plan is written)",
            below - 3
        )),
        "{error}"
    );
    assert!(!error.contains("max_shortfall_hours"), "{error}");
    // The same plan without --strict passes: the thresholds are --strict's alone.
    plan(&days, &dir.path().join("plain"), &["--quiet"])
        .assert()
        .success();
}

/// The sample's ordinary month (about 61 agent-hours short of 11,106 required, where
/// contracts leave half an agent here and there) passes `--strict` under the default
/// limit, 1% of the required agent-hours. About 20 s.
/// The sample's `plan.toml` (the whole month), edited by `edit`, written to `dir`
/// with every input named by its absolute path.
fn sample_month_config(dir: &Path, edit: impl Fn(String) -> String) -> PathBuf {
    let mut text = edit(std::fs::read_to_string(sample("plan.toml")).unwrap());
    for name in [
        "history.csv",
        "calendar.csv",
        "shifts.toml",
        "agents.csv",
        "contracts.toml",
        "availability.csv",
    ] {
        let absolute = format!("\"{}\"", sample(name).display());
        text = text.replace(&format!("\"{name}\""), &absolute);
    }
    let config = dir.join("plan.toml");
    std::fs::write(&config, text).unwrap();
    config
}

/// Runs `f` while every core spins in a busy loop.
fn under_cpu_load<T>(f: impl FnOnce() -> T) -> T {
    use std::sync::atomic::{AtomicBool, Ordering};
    let stop = AtomicBool::new(false);
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    std::thread::scope(|scope| {
        for _ in 0..cores {
            scope.spawn(|| {
                let mut x: u64 = 1;
                while !stop.load(Ordering::Relaxed) {
                    for _ in 0..100_000 {
                        x = std::hint::black_box(
                            x.wrapping_mul(6364136223846793005).wrapping_add(1),
                        );
                    }
                }
            });
        }
        let result = f();
        stop.store(true, Ordering::Relaxed);
        result
    })
}

/// The sample month passes `--strict` (its shortfall is within 1%, and no wall-clock
/// limit stops a solver), and the same plan run beside a busy loop on every core (at
/// least twice as slow) is byte-identical: every solver and the roster's improvement
/// stop on deterministic limits (issue 17, item 7).
#[test]
fn strict_passes_the_ordinary_sample_month_and_cpu_load_changes_no_byte() {
    let dir = tempfile::tempdir().unwrap();
    let config = sample_month_config(dir.path(), |text| text);
    let out = dir.path().join("plan");
    let output = plan(&config, &out, &["--strict"]);
    let stderr = String::from_utf8_lossy(&output.stderr).to_string();
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    let summary = summary_of(&out);
    let totals = &summary["totals"];
    let short = totals["shortfall_agent_hours"].as_f64().unwrap();
    let required = totals["required_agent_hours"].as_f64().unwrap();
    assert!(short > 0.0 && totals["short_intervals"].as_u64().unwrap() > 0);
    assert!(short <= required / 100.0, "{short} of {required}");
    assert!(!stderr.contains("stale history"), "{stderr}");
    // The queue hand-out keeps agents off queues with no calls when another of their
    // skills has calls: without its price for idle queue time the sample gave 88
    // agent-hours there (sales before it opens at 09:00); what is left are minutes
    // at the ends of blocks that cover sales calls, kept by `min_queue_block`.
    let (avoidable_hours, idle_blocks) = idle_queue_hours(&out);
    assert_eq!(idle_blocks, 0);
    assert!(avoidable_hours <= 10.0, "{avoidable_hours} agent-hours");
    // The report's figures are the files', and the month's report stays small.
    let size =
        report_check::check_report_figures(&out, &sample("calendar.csv"), &sample("history.csv"));
    assert!(size < 5 * 1024 * 1024, "report.html is {size} bytes");
    assert_eq!(summary["solver"]["time_limit_hit"], false, "{summary}");

    let loaded = dir.path().join("loaded");
    let output = under_cpu_load(|| {
        wfm()
            .arg("plan")
            .arg("--config")
            .arg(&config)
            .arg("--out")
            .arg(&loaded)
            .arg("--strict")
            .output()
            .unwrap()
    });
    let stderr = String::from_utf8_lossy(&output.stderr).to_string();
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    let (idle, busy) = (snapshot(&out), snapshot(&loaded));
    assert_eq!(
        idle.keys().collect::<Vec<_>>(),
        busy.keys().collect::<Vec<_>>()
    );
    for (name, bytes) in &idle {
        assert!(
            busy[name] == *bytes,
            "{} differs under load",
            name.display()
        );
    }
}

/// A wall-clock limit that bites (a roster limit of 1 s on the sample month) is
/// recorded in `summary.json` with the step it stopped, and fails `--strict`.
#[test]
fn a_wall_clock_limit_that_bites_is_recorded_and_fails_strict() {
    let dir = tempfile::tempdir().unwrap();
    let config = sample_month_config(dir.path(), |text| {
        text.replace("roster_time_limit = \"300s\"", "roster_time_limit = \"1s\"")
            .replace("replications = 30", "replications = 2")
    });
    let out = dir.path().join("plan");
    let output = plan(&config, &out, &["--strict"]);
    let stderr = String::from_utf8_lossy(&output.stderr).to_string();
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("wall-clock time limit stopped roster best responses"),
        "{stderr}"
    );
    let solver = &summary_of(&out)["solver"];
    assert_eq!(solver["time_limit_hit"], true, "{solver}");
    assert_eq!(
        solver["time_limit_phases"][0], "roster best responses",
        "{solver}"
    );
}

#[test]
fn a_stale_history_warns_and_fails_under_strict() {
    // The sample history ends on 2026-11-30; a plan for June 2027 has 188 days of it missing.
    let dir = tempfile::tempdir().unwrap();
    let config = week_config(dir.path(), "plan.toml", "2027-06-07", "")
        .to_str()
        .unwrap()
        .to_string();
    let text = std::fs::read_to_string(&config)
        .unwrap()
        .replace("days = 7", "days = 2");
    std::fs::write(&config, &text).unwrap();
    let out = dir.path().join("plan");
    let warning = "stale history: sales and support end on 2026-11-30, 188 days before the horizon starts on 2027-06-07 (more than [inputs] max_history_age = \"14d\"); the forecast cannot know what happened since";

    // Without --strict: a warning (timestamped with --log-timestamps), kept first
    // among the notes of summary.json and not repeated as a note on stderr.
    let output = wfm()
        .args(["--log-timestamps", "plan", "--config", &config, "--out"])
        .arg(&out)
        .env_remove("RUST_LOG")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).to_string();
    assert!(output.status.success(), "{stderr}");
    let line = stderr.lines().next().unwrap();
    assert!(starts_with_timestamp(line), "{line}");
    assert_eq!(
        line.split_once(' ').unwrap().1.trim_start(),
        format!("WARN {warning}")
    );
    assert_eq!(stderr.matches("stale history").count(), 1, "{stderr}");
    let summary = summary_of(&out);
    assert_eq!(summary["notes"][0]["text"], warning);
    assert_eq!(summary["notes"][0]["kind"], "stale_history");
    let before = snapshot(&out);

    // --strict: an error before anything is solved (exit 2); the plan stays as it was.
    let output = plan(Path::new(&config), &out, &["--strict"]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        format!("error: {warning}; --strict refuses it: add the recent history, or raise max_history_age\n")
    );
    assert_eq!(snapshot(&out), before);
    assert!(!dir.path().join(".plan.partial").exists());
    // wfm plan --check warns of it too (and still validates).
    let output = wfm()
        .args(["plan", "--check", "--config", &config])
        .env_remove("RUST_LOG")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).to_string();
    assert!(output.status.success(), "{stderr}");
    assert!(
        stderr.contains(&format!("WARN {warning} (wfm plan --strict refuses it)")),
        "{stderr}"
    );

    // A limit that allows the gap: no warning, and --strict passes.
    std::fs::write(
        &config,
        text.replace("[horizon]", "max_history_age = \"27 weeks\"\n\n[horizon]"),
    )
    .unwrap();
    let output = plan(Path::new(&config), &out, &["--strict"]);
    let stderr = String::from_utf8_lossy(&output.stderr).to_string();
    assert!(output.status.success(), "{stderr}");
    assert!(!stderr.contains("stale"), "{stderr}");
    assert!(!summary_of(&out)["notes"].to_string().contains("stale"));
}

/// Agents on each queue per (queue, date, half-hour "HH:MM"), rebuilt from the `shift`
/// rows of roster.csv (each a run of working time on one queue) on a 15-minute grid:
/// the mean over each half-hour and the weaker quarter-hour.
fn rebuild_queue_coverage(roster: &Table) -> BTreeMap<(String, String, String), (f64, f64)> {
    let mut quarters: BTreeMap<(String, String), Vec<i64>> = BTreeMap::new();
    let column = |name: &str| roster.column(name);
    for row in &roster.rows {
        if row[column("activity")] != "shift" {
            continue;
        }
        let grid = quarters
            .entry((row[column("queue")].clone(), row[column("date")].clone()))
            .or_insert_with(|| vec![0; 96]);
        for quarter in minutes(&row[column("start")]) / 15..minutes(&row[column("end")]) / 15 {
            grid[quarter as usize] += 1;
        }
    }
    let mut agents = BTreeMap::new();
    for ((queue, date), grid) in quarters {
        for half in 0..48 {
            let mean = (grid[2 * half] + grid[2 * half + 1]) as f64 / 2.0;
            let weakest = grid[2 * half].min(grid[2 * half + 1]) as f64;
            let clock = format!("{:02}:{:02}", half / 2, (half % 2) * 30);
            agents.insert((queue.clone(), date.clone(), clock), (mean, weakest));
        }
    }
    agents
}

/// Per queue, local date and half-hour (`HH:MM`): whether the plan forecast calls.
fn queues_with_calls(coverage: &Path) -> BTreeMap<(String, String, String), bool> {
    let coverage = Table::read(coverage);
    let (queue, start, calls) = (
        coverage.column("queue"),
        coverage.column("interval_start"),
        coverage.column("calls"),
    );
    coverage
        .rows
        .iter()
        .map(|row| {
            // The sample's site time is London, at +00:00 all December.
            assert!(row[start].ends_with("+00:00"), "{}", row[start]);
            let key = (
                row[queue].clone(),
                row[start][..10].to_string(),
                row[start][11..16].to_string(),
            );
            (key, row[calls].parse::<f64>().unwrap() > 0.0)
        })
        .collect()
}

/// Agent-hours `roster.csv` hands to a queue in quarter-hours its forecast has no
/// calls while another of the agent's skills has calls then (recomputed from
/// roster.csv, coverage.csv and agents.csv), and how many of them sit in a queue
/// block with no calls at all: such a block could have gone whole to the other
/// queue, so none may exist.
fn idle_queue_hours(out: &Path) -> (f64, usize) {
    let with_calls = queues_with_calls(&out.join("coverage.csv"));
    let agents = Table::read(&sample("agents.csv"));
    let skills: BTreeMap<String, Vec<String>> = agents
        .rows
        .iter()
        .map(|row| {
            let names = row[agents.column("skills")]
                .split(';')
                .map(|skill| skill.split(':').next().unwrap().to_string())
                .collect();
            (row[agents.column("agent_id")].clone(), names)
        })
        .collect();
    let roster = Table::read(&out.join("roster.csv"));
    let column = |name: &str| roster.column(name);
    let (mut avoidable_hours, mut idle_blocks) = (0.0, 0);
    for row in roster
        .rows
        .iter()
        .filter(|r| r[column("activity")] == "shift")
    {
        let (queue, date) = (&row[column("queue")], &row[column("date")]);
        let calls_at = |queue: &str, quarter: u32| {
            let clock = format!("{:02}:{:02}", quarter / 4, quarter / 2 % 2 * 30);
            with_calls
                .get(&(queue.to_string(), date.clone(), clock))
                .copied()
                .unwrap_or(false)
        };
        let quarters = minutes(&row[column("start")]) / 15..minutes(&row[column("end")]) / 15;
        let idle: Vec<u32> = quarters
            .clone()
            .filter(|&q| !calls_at(queue, q))
            .filter(|&q| {
                skills[&row[column("agent_id")]]
                    .iter()
                    .any(|s| calls_at(s, q))
            })
            .collect();
        avoidable_hours += idle.len() as f64 * 0.25;
        if !idle.is_empty() && quarters.clone().all(|q| !calls_at(queue, q)) {
            idle_blocks += 1;
        }
    }
    (avoidable_hours, idle_blocks)
}

/// `wfm roster check` of `roster` against the sample's people files.
fn check_sample_roster(roster: &Path, extra: &[&str]) -> Output {
    let mut command = wfm();
    command.args(["roster", "check", "--roster"]).arg(roster);
    for (flag, name) in [
        ("--agents", "agents.csv"),
        ("--availability", "availability.csv"),
        ("--contracts", "contracts.toml"),
        ("--shifts", "shifts.toml"),
    ] {
        command.arg(flag).arg(sample(name));
    }
    command.args(extra).output().unwrap()
}

/// The sample's people files, by absolute path, for a week's config.
fn people_section() -> String {
    format!(
        "agents = \"{}\"\ncontracts = \"{}\"\navailability = \"{}\"\n\n[horizon]",
        sample("agents.csv").display(),
        sample("contracts.toml").display(),
        sample("availability.csv").display()
    )
}

#[test]
fn a_plan_with_named_agents_rosters_them_and_every_file_describes_that_roster() {
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(dir.path(), "roster_time_limit = \"20s\"");
    let text = std::fs::read_to_string(&config)
        .unwrap()
        .replace("[horizon]", &people_section());
    std::fs::write(&config, &text).unwrap();
    let out = dir.path().join("plan");
    let output = plan(&config, &out, &[]);
    let stderr = String::from_utf8_lossy(&output.stderr).to_string();
    output.assert().success();

    // roster.csv: its columns, and every rule holds by `wfm roster check`.
    let roster = Table::read(&out.join("roster.csv"));
    assert_eq!(
        roster.header,
        ["agent_id", "date", "activity", "start", "end", "queue"]
    );
    let check = check_sample_roster(&out.join("roster.csv"), &[]);
    assert!(
        check.status.success(),
        "{}{}",
        String::from_utf8_lossy(&check.stdout),
        String::from_utf8_lossy(&check.stderr)
    );
    // simulation.csv: `wfm simulate` of the written roster.csv, read back from the
    // files, gives it byte for byte (the plan simulates in memory).
    let resimulated = dir.path().join("resimulated.csv");
    wfm()
        .args(["--quiet", "simulate", "--forecast"])
        .arg(out.join("forecast.csv"))
        .arg("--roster")
        .arg(out.join("roster.csv"))
        .arg("--targets")
        .arg(sample("targets.toml"))
        .args(["--tz", "Europe/London", "-o"])
        .arg(&resimulated)
        .assert()
        .success();
    assert_eq!(
        std::fs::read(out.join("simulation.csv")).unwrap(),
        std::fs::read(&resimulated).unwrap()
    );
    let agents_in_sample = std::fs::read_to_string(sample("agents.csv"))
        .unwrap()
        .lines()
        .count()
        - 1;
    let rostered: std::collections::BTreeSet<&str> =
        roster.rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(rostered.len(), agents_in_sample);

    // coverage.csv: one row per queue and half-hour; scheduled is what the roster's
    // shift rows put on that queue, required the queue's scheduled staff.
    let coverage = Table::read(&out.join("coverage.csv"));
    assert_eq!(coverage.rows.len(), 2 * 7 * 48);
    let requirements = Table::read(&out.join("requirements.csv"));
    let required: BTreeMap<(String, String), f64> = requirements
        .rows
        .iter()
        .map(|r| ((r[0].clone(), r[1].clone()), r[5].parse().unwrap()))
        .collect();
    let on_queue = rebuild_queue_coverage(&roster);
    for row in &coverage.rows {
        let value = |c: usize| row[c].parse::<f64>().unwrap();
        assert_eq!(value(4), required[&(row[0].clone(), row[1].clone())]);
        let key = (
            row[0].clone(),
            row[1][..10].to_string(),
            row[1][11..16].to_string(),
        );
        let (rebuilt, weakest) = on_queue.get(&key).copied().unwrap_or((0.0, 0.0));
        assert_eq!(value(5), rebuilt, "scheduled {key:?}");
        assert_eq!(value(6), weakest, "weakest slot {key:?}");
        assert_eq!(value(7), (value(4) - value(5)).max(0.0));
        assert_eq!(value(8), (value(5) - value(4)).max(0.0));
    }

    // shifts.csv counts the roster's shifts: per date, as many shifts as agents with
    // shift rows, and the same agents on the floor per half-hour.
    let shifts = Table::read(&out.join("shifts.csv"));
    let mut shifts_per_date: BTreeMap<String, f64> = BTreeMap::new();
    for row in &shifts.rows {
        *shifts_per_date.entry(row[0].clone()).or_default() += row[7].parse::<f64>().unwrap();
    }
    let mut agents_per_date: BTreeMap<String, std::collections::BTreeSet<&str>> = BTreeMap::new();
    for row in roster.rows.iter().filter(|r| r[2] == "shift") {
        agents_per_date
            .entry(row[1].clone())
            .or_default()
            .insert(row[0].as_str());
    }
    assert_eq!(shifts_per_date.len(), agents_per_date.len());
    for (date, agents) in &agents_per_date {
        assert_eq!(shifts_per_date[date], agents.len() as f64, "{date}");
    }
    let on_floor = rebuild_coverage(&shifts);
    let mut roster_floor: BTreeMap<(String, String), f64> = BTreeMap::new();
    for ((_, date, clock), (agents, _)) in &on_queue {
        *roster_floor
            .entry((date.clone(), clock.clone()))
            .or_default() += agents;
    }
    for (key, agents) in &roster_floor {
        assert_eq!(
            on_floor.get(key).copied().unwrap_or((0.0, 0.0)).0,
            *agents,
            "{key:?}"
        );
    }

    // summary.json: the roster's totals and the coverage's.
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
    let number = |v: &serde_json::Value| v.as_f64().unwrap();
    let totals = &summary["totals"];
    let half_hours = |name: &str| coverage.numbers(name).iter().sum::<f64>() * 0.5;
    assert_eq!(
        number(&totals["shortfall_agent_hours"]),
        half_hours("shortfall")
    );
    assert_eq!(
        number(&totals["scheduled_agent_hours"]),
        half_hours("scheduled")
    );
    let roster_totals = &summary["roster"];
    close(
        number(&roster_totals["shortfall_agent_hours"]),
        half_hours("shortfall"),
        1e-6,
        "roster shortfall",
    );
    let (mut paid, mut cost) = (0.0, 0.0);
    for row in &shifts.rows {
        let n: f64 = row[7].parse().unwrap();
        let (hours, rate) = template(&row[1]);
        paid += n * hours;
        cost += n * hours * rate;
    }
    close(number(&totals["paid_hours"]), paid, 1e-6, "paid hours");
    close(number(&roster_totals["cost"]), cost, 1e-6, "roster cost");
    assert!(summary["outputs"]
        .as_array()
        .unwrap()
        .contains(&serde_json::json!("roster.csv")));
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("The roster, the week of"), "{stderr}");
    report_check::check_report_figures(&out, &sample("calendar.csv"), &sample("history.csv"));

    // The agent-facing exports agree with roster.csv, and summary.json lists them.
    let events = exports_check::check_exports(
        &out,
        &out.join("roster.csv"),
        &sample("agents.csv"),
        "Europe/London",
    );
    assert!(events > rostered.len() * 5, "{events} events");
    let listed = report_check::str_list(&summary, "outputs");
    for name in ["grid.csv", "roster.xlsx", "schedules/A001.ics"] {
        assert!(listed.contains(&name), "{name}: {listed:?}");
    }
    let calendars = listed
        .iter()
        .filter(|o| o.starts_with("schedules/"))
        .count();
    assert_eq!(calendars, agents_in_sample);
    assert_eq!(
        std::fs::read_dir(out.join("schedules")).unwrap().count(),
        calendars
    );

    // Cron reruns: the same inputs give the same files, byte for byte.
    let again = dir.path().join("again");
    plan(&config, &again, &[]).assert().success();
    assert_eq!(snapshot(&out), snapshot(&again));

    // A people file that is missing is bad input, before any work.
    let text = text.replace("contracts.toml", "missing-contracts.toml");
    std::fs::write(&config, &text).unwrap();
    let output = plan(&config, &dir.path().join("other"), &[]);
    let stderr = String::from_utf8_lossy(&output.stderr).to_string();
    output.assert().code(2);
    assert!(stderr.contains("missing-contracts.toml"), "{stderr}");
}

#[test]
fn a_plan_reads_its_history_from_parquet_as_from_csv() {
    let dir = tempfile::tempdir().unwrap();
    let parquet = dir.path().join("history.parquet");
    wfm()
        .args(["--quiet", "ingest"])
        .arg(sample("history.csv"))
        .args(["--tz", "Europe/London", "-o"])
        .arg(&parquet)
        .assert()
        .success();
    let from_csv = write_config(dir.path(), "");
    let text = std::fs::read_to_string(&from_csv).unwrap().replace(
        &sample("history.csv").display().to_string(),
        &parquet.display().to_string(),
    );
    assert!(text.contains("history.parquet"), "{text}");
    let from_parquet = dir.path().join("parquet.toml");
    std::fs::write(&from_parquet, text).unwrap();
    let (csv_out, parquet_out) = (dir.path().join("csv"), dir.path().join("parquet"));
    plan(&from_csv, &csv_out, &["--quiet"]).assert().success();
    plan(&from_parquet, &parquet_out, &["--quiet"])
        .assert()
        .success();
    for name in ["forecast.csv", "requirements.csv", "shifts.csv"] {
        let read = |out: &Path| std::fs::read(out.join(name)).unwrap();
        assert!(
            read(&csv_out) == read(&parquet_out),
            "{name} differs between the CSV and the Parquet history"
        );
    }
}

#[test]
fn correct_raises_the_intervals_the_simulation_puts_below_target() {
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(
        dir.path(),
        "\n[simulation]\ncorrect = true\nmax_rounds = 1\n",
    );
    let out = dir.path().join("plan");
    plan(&config, &out, &["--quiet"]).assert().success();
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    let rounds = summary["correction"].as_array().unwrap();
    assert!(!rounds.is_empty() && rounds.len() <= 2, "{rounds:?}");
    // Round 0 raises exactly the intervals its simulation put below target, and a
    // round with more requirement costs at least as much.
    let below = |round: &serde_json::Value| -> u64 {
        round["queues"]
            .as_array()
            .unwrap()
            .iter()
            .map(|q| q["intervals_below_target"].as_u64().unwrap())
            .sum()
    };
    assert_eq!(
        rounds[0]["raised_intervals"].as_u64().unwrap(),
        below(&rounds[0])
    );
    if let [first, second] = &rounds[..] {
        assert!(second["cost"].as_f64().unwrap() >= first["cost"].as_f64().unwrap());
        assert_eq!(second["raised_intervals"], 0);
    }
    // The last round is the plan: its simulated levels are those of service_level[].
    let last = rounds.last().unwrap();
    for queue in summary["service_level"].as_array().unwrap() {
        let name = queue["queue"].as_str().unwrap();
        let round = last["queues"]
            .as_array()
            .unwrap()
            .iter()
            .find(|q| q["queue"] == name)
            .unwrap();
        assert_eq!(
            round["simulated"],
            queue["simulated"]["service_level"]["mean"]
        );
    }
}

/// The issue-13 check on the whole sample month: under each routing, the projected
/// and simulated service levels agree within 2 points per queue, and on which days
/// are below target; under `assigned` no agent changes queue within an hour except at
/// a rest (`wfm roster check`). Measured on 2026-12-06 (closed days unworked): assigned
/// sales 87.3% against 85.0% (2.3 points), support 0.8 points, with 2026-12-15 and
/// 2026-12-19 on different sides of the target. Skills, the roster sized pooled
/// (11,500 paid hours): sales 88.3% against 87.6%, support 86.8% against 89.2% (2.4
/// points: the simulation serves primary skills first, the pooled Erlang projection
/// first come first served).
/// The plan's projection (the roster run through the day with the queue carried over
/// and whole-day absence averaged, `wfm::erlang::transient`) against its own
/// simulation: within 2 points per queue over the month, and on the same side of the
/// target on every day where the simulation's 95% interval is clear of it (with 30
/// replications a day's interval is about ±8 points wide under whole-day absence).
fn projection_and_simulation_agree(routing: &str) {
    let dir = tempfile::tempdir().unwrap();
    let config = sample_month_config(dir.path(), |text| {
        text.replace(
            "routing = \"assigned\"",
            &format!("routing = \"{routing}\""),
        )
    });
    let out = dir.path().join("plan");
    plan(&config, &out, &["--quiet"]).assert().success();
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    for queue in summary["service_level"].as_array().unwrap() {
        let projected = queue["projected"].as_f64().unwrap();
        let simulated = queue["simulated"]["service_level"]["mean"]
            .as_f64()
            .unwrap();
        assert!(
            (projected - simulated).abs() <= 0.02,
            "{routing} {}: projected {projected}, simulated {simulated}",
            queue["queue"]
        );
        let target = queue["target"].as_f64().unwrap();
        let mut conclusive = 0;
        for day in queue["days"].as_array().unwrap() {
            let (Some(p), Some(low), Some(high)) = (
                day["projected"].as_f64(),
                day["simulated"]["low"].as_f64(),
                day["simulated"]["high"].as_f64(),
            ) else {
                continue;
            };
            if high < target || low >= target {
                conclusive += 1;
                assert_eq!(
                    p < target,
                    high < target,
                    "{routing} {}: {day}",
                    queue["queue"]
                );
            }
        }
        assert!(
            conclusive > 0,
            "{routing} {}: no day was conclusive",
            queue["queue"]
        );
    }
}

#[test]
fn sample_month_projection_and_simulation_agree_under_assigned_routing() {
    projection_and_simulation_agree("assigned");
}

#[test]
fn sample_month_projection_and_simulation_agree_under_skills_routing() {
    projection_and_simulation_agree("skills");
}

#[test]
fn nobody_is_rostered_on_a_day_the_calendar_closes() {
    // The sample calendar closes Monday 2026-12-28 (the Boxing Day substitute).
    let dir = tempfile::tempdir().unwrap();
    let config = week_config(
        dir.path(),
        "plan.toml",
        "2026-12-28",
        "roster_time_limit = \"20s\"",
    );
    let text = std::fs::read_to_string(&config)
        .unwrap()
        .replace("[horizon]", &people_section());
    std::fs::write(&config, &text).unwrap();
    let out = dir.path().join("plan");
    plan(&config, &out, &["--quiet"]).assert().success();
    let roster = std::fs::read_to_string(out.join("roster.csv")).unwrap();
    let closed: Vec<&str> = roster
        .lines()
        .filter(|l| l.contains(",2026-12-28,"))
        .collect();
    assert!(!closed.is_empty());
    assert!(closed.iter().all(|l| !l.contains(",shift,")), "{closed:?}");
    assert!(roster.contains(",2026-12-29,shift,"));
    // The report's callout finds no shift on the closed day, as the files say.
    report_check::check_report_figures(&out, &sample("calendar.csv"), &sample("history.csv"));
    let calendar = sample("calendar.csv").display().to_string();
    let check = check_sample_roster(&out.join("roster.csv"), &["--calendar", &calendar]);
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );
}

#[test]
fn verbose_shows_the_steps_and_their_durations_without_solver_logs() {
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(dir.path(), "");
    let output = wfm()
        .arg("-v")
        .arg("plan")
        .arg("--config")
        .arg(&config)
        .arg("--out")
        .arg(dir.path().join("plan"))
        .env_remove("RUST_LOG")
        .output()
        .unwrap();
    assert!(output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    for step in [
        "ingest", "forecast", "staff", "schedule", "simulate", "report",
    ] {
        assert!(
            stderr.contains(&format!("INFO step {step}: ")),
            "{step}: {stderr}"
        );
    }
    assert!(!stderr.contains("DEBUG"), "{stderr}");
}

#[test]
fn check_validates_every_input_without_solving_or_writing() {
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(dir.path(), "");
    let text = std::fs::read_to_string(&config)
        .unwrap()
        .replace("[horizon]", &people_section());
    std::fs::write(&config, &text).unwrap();
    let output = wfm()
        .args(["plan", "--check", "--config"])
        .arg(&config)
        .output()
        .unwrap();
    assert!(output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("config and inputs are valid: ")
            && stderr.contains("110 agents on 2 contract(s)")
            && stderr.contains("queue(s) (sales, support)"),
        "{stderr}"
    );
    assert!(!dir.path().join("plan-out").exists());
    // A bad agents file is found without a run: exit 2 with its line.
    let agents = dir.path().join("agents.csv");
    std::fs::write(&agents, "agent_id,name,contract,skills\nA1,Ann,XX,sales\n").unwrap();
    std::fs::write(
        &config,
        text.replace(
            &sample("agents.csv").display().to_string(),
            &agents.display().to_string(),
        ),
    )
    .unwrap();
    let output = wfm()
        .args(["plan", "--check", "--config"])
        .arg(&config)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("line 2, column \"contract\""), "{stderr}");
    assert!(!dir.path().join("plan-out").exists());
}

/// `wfm plan --check` (which takes no `--out`), or the run.
fn plan_or_check(config: &Path, out: &Path, check: bool) -> Output {
    match check {
        true => wfm()
            .args(["plan", "--check", "--config"])
            .arg(config)
            .output()
            .unwrap(),
        false => plan(config, out, &[]),
    }
}

/// A week of the sample site with its agents, planning `[forecast] queues` only.
fn support_only_week(dir: &Path, targets_queue: &str, agents: &Path) -> PathBuf {
    let config = write_config(dir, "[forecast]\nqueues = [\"support\"]");
    let people = people_section().replace(
        &sample("agents.csv").display().to_string(),
        &agents.display().to_string(),
    );
    let text = std::fs::read_to_string(&config)
        .unwrap()
        .replace("[horizon]", &people)
        .replace(
            "[targets.queue.sales]",
            &format!("[targets.queue.{targets_queue}]"),
        );
    std::fs::write(&config, text).unwrap();
    config
}

#[test]
fn a_plan_of_some_queues_keeps_the_others_targets_and_skills_but_not_their_typos() {
    let dir = tempfile::tempdir().unwrap();
    // The sales section and the agents' sales skills name a queue of the history that
    // the plan leaves out: the plan runs on support alone.
    let config = support_only_week(dir.path(), "sales", &sample("agents.csv"));
    let out = dir.path().join("plan");
    let output = plan(&config, &out, &[]);
    output.assert().success();
    let roster = Table::read(&out.join("roster.csv"));
    let queue = roster.column("queue");
    let queues: std::collections::BTreeSet<&str> = roster
        .rows
        .iter()
        .map(|r| r[queue].as_str())
        .filter(|q| !q.is_empty())
        .collect();
    assert_eq!(queues, ["support"].into_iter().collect());
    let forecast = Table::read(&out.join("forecast.csv"));
    let column = forecast.column("queue");
    assert!(forecast.rows.iter().all(|r| r[column] == "support"));
    let summary = summary_of(&out);
    let levels: Vec<&str> = summary["service_level"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["queue"].as_str().unwrap())
        .collect();
    assert_eq!(levels, ["support"]);

    // A section for a queue the history does not have is a typo: exit 2, naming it.
    let typo = dir.path().join("typo");
    std::fs::create_dir(&typo).unwrap();
    let config = support_only_week(&typo, "sals", &sample("agents.csv"));
    for check in [true, false] {
        let output = plan_or_check(&config, &typo.join("plan"), check);
        assert_eq!(output.status.code(), Some(2), "check: {check}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains("[targets.queue.sals]") && stderr.contains("plan.toml"),
            "{stderr}"
        );
        assert!(!typo.join("plan").exists());
    }

    // So is an agent's skill on such a queue, in --check as in a run.
    let agents = dir.path().join("agents.csv");
    let text = std::fs::read_to_string(sample("agents.csv")).unwrap();
    std::fs::write(
        &agents,
        text.replacen("support;sales:2", "support;sale:2", 1),
    )
    .unwrap();
    let skills = dir.path().join("skills");
    std::fs::create_dir(&skills).unwrap();
    let config = support_only_week(&skills, "sales", &agents);
    for check in [true, false] {
        let output = plan_or_check(&config, &skills.join("plan"), check);
        assert_eq!(output.status.code(), Some(2), "check: {check}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains("agents.csv") && stderr.contains("\"sale\""),
            "{stderr}"
        );
        assert!(!skills.join("plan").exists());
    }
}
