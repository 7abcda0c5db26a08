//! `report.html` of the sample month opened in a real browser (headless Chromium):
//! screenshots taken, and a copy of the page with a probe script appended checks
//! that every chart has drawn content, that no text overflows its box (SVG text
//! within its chart, table cells and paragraphs within their width) and that the
//! page logs no console error. Without a browser the test says so and passes:
//! `.ci/run` installs Debian's `chromium` where it can.
//!
//! `WFM_REPORT_SCREENSHOTS=docs/img cargo test --test report_browser` rewrites the
//! walkthrough's screenshots.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The browsers tried, in order (`WFM_CHROMIUM` first when set).
const BROWSERS: [&str; 4] = [
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
];

/// The first browser on PATH.
fn browser() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("WFM_CHROMIUM") {
        return Some(PathBuf::from(path));
    }
    let path = std::env::var_os("PATH")?;
    BROWSERS.iter().find_map(|name| {
        std::env::split_paths(&path)
            .map(|dir| dir.join(name))
            .find(|candidate| candidate.is_file())
    })
}

/// What a headless run printed.
struct Output {
    success: bool,
    stdout: String,
    stderr: String,
}

/// Runs the browser headless on `url` with `args`, killed after two minutes. Its
/// output goes to files (a page's DOM fills a pipe that nobody reads yet).
fn headless(browser: &Path, profile: &Path, args: &[String], url: &str) -> Output {
    let logs = profile.with_extension("logs");
    std::fs::create_dir_all(&logs).unwrap();
    let (out, err) = (logs.join("stdout"), logs.join("stderr"));
    let mut child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--no-first-run",
            "--disable-extensions",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .arg(url)
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out).unwrap())
        .stderr(std::fs::File::create(&err).unwrap())
        .spawn()
        .expect("the browser starts");
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > Duration::from_secs(120) {
            child.kill().unwrap();
            panic!("{} did not finish in two minutes", browser.display());
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let read = |path: &Path| String::from_utf8_lossy(&std::fs::read(path).unwrap()).into_owned();
    Output {
        success: status.success(),
        stdout: read(&out),
        stderr: read(&err),
    }
}

fn file_url(path: &Path) -> String {
    format!("file://{}", path.canonicalize().unwrap().display())
}

/// The console messages a page logged (Chromium prints them as `CONSOLE` lines).
fn console_lines(output: &Output) -> Vec<String> {
    output
        .stderr
        .lines()
        .filter(|l| l.contains(":CONSOLE"))
        .map(String::from)
        .collect()
}

/// Appended to a copy of the report: measures the page once laid out and writes
/// the findings as JSON into `<pre id="browser-check">`, which `--dump-dom` returns.
const PROBE: &str = r#"<script>
(function () {
  var out = { charts: {}, overflow: [], errors: window.__errors || [] };
  var figures = document.querySelectorAll('figure');
  for (var i = 0; i < figures.length; i++) {
    var figure = figures[i];
    var svg = figure.querySelector('svg');
    if (!svg) { out.charts[figure.id] = 0; continue; }
    var width = svg.viewBox.baseVal && svg.viewBox.baseVal.width || svg.width.baseVal.value;
    var height = svg.viewBox.baseVal && svg.viewBox.baseVal.height || svg.height.baseVal.value;
    var drawn = 0;
    var marks = svg.querySelectorAll('rect, path, circle, polyline, polygon, line');
    for (var j = 0; j < marks.length; j++) {
      var box = marks[j].getBBox();
      var background = box.width >= width - 1 && box.height >= height - 1;
      if ((box.width > 0 || box.height > 0) && !background) drawn++;
    }
    out.charts[figure.id] = drawn;
    // Texts on screen (rotated ones too) within the chart's box on screen.
    var frame = svg.getBoundingClientRect();
    var texts = svg.querySelectorAll('text');
    for (var k = 0; k < texts.length; k++) {
      if (!texts[k].textContent.trim()) continue;
      var b = texts[k].getBoundingClientRect();
      if (b.left < frame.left - 0.5 || b.top < frame.top - 0.5 ||
          b.right > frame.right + 0.5 || b.bottom > frame.bottom + 0.5) {
        out.overflow.push(figure.id + ': "' + texts[k].textContent.trim() + '" at ' +
          [b.left - frame.left, b.top - frame.top, b.width, b.height].map(Math.round).join(','));
      }
    }
  }
  var boxes = document.querySelectorAll('h1, h2, p, li, th, td, figcaption, footer');
  for (var m = 0; m < boxes.length; m++) {
    var element = boxes[m];
    if (element.scrollWidth > element.clientWidth + 1) {
      out.overflow.push(element.tagName + ': ' + element.textContent.slice(0, 80));
    }
  }
  if (document.documentElement.scrollWidth > window.innerWidth + 1) {
    out.overflow.push('the page is ' + document.documentElement.scrollWidth + ' px wide');
  }
  var pre = document.createElement('pre');
  pre.id = 'browser-check';
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
})();
</script>"#;

/// Registers errors (scripts' and resources') before anything else loads.
const CATCHER: &str = r#"<script>
window.__errors = [];
window.addEventListener('error', function (e) {
  window.__errors.push(e.message || ('failed to load ' + (e.target && (e.target.src || e.target.href))));
}, true);
var __error = console.error;
console.error = function () { window.__errors.push([].join.call(arguments, ' ')); __error.apply(console, arguments); };
</script>"#;

/// The probe's findings in the dumped DOM.
fn findings(dom: &str) -> serde_json::Value {
    let start = dom
        .find("<pre id=\"browser-check\">")
        .expect("the probe ran and wrote its findings")
        + "<pre id=\"browser-check\">".len();
    let end = start + dom[start..].find("</pre>").unwrap();
    let json = dom[start..end]
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&amp;", "&");
    serde_json::from_str(&json).unwrap()
}

/// Plans the sample month into `dir/plan`.
fn sample_month(dir: &Path) -> PathBuf {
    let out = dir.join("plan");
    let config = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/sample/plan.toml");
    let output = Command::new(env!("CARGO_BIN_EXE_wfm"))
        .args(["--quiet", "plan", "--config"])
        .arg(&config)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    out
}

/// The screenshots: the report's first screen, and the charts a planner and a team
/// leader look at first, each at its own size.
fn screenshots(browser: &Path, profile: &Path, plan: &Path, into: &Path) -> Vec<PathBuf> {
    std::fs::create_dir_all(into).unwrap();
    let mut shots = vec![(
        "report-top.png".to_string(),
        plan.join("report.html"),
        (1100, 1500),
    )];
    for (chart, size) in [
        ("month-service-level", (960, 1150)),
        ("month-staffing", (960, 1150)),
        ("daily-waits", (960, 600)),
        ("gantt-day", (960, 1700)),
    ] {
        shots.push((
            format!("report-{chart}.png"),
            plan.join(format!("plots/{chart}.svg")),
            size,
        ));
    }
    let mut written = Vec::new();
    for (name, page, (width, height)) in shots {
        let path = into.join(&name);
        let output = headless(
            browser,
            profile,
            &[
                format!("--screenshot={}", path.display()),
                format!("--window-size={width},{height}"),
            ],
            &file_url(&page),
        );
        assert!(output.success, "screenshot of {name}: {}", output.stderr);
        assert_eq!(
            console_lines(&output),
            Vec::<String>::new(),
            "console messages on {name}"
        );
        let size = std::fs::metadata(&path).unwrap().len();
        assert!(size > 10_000, "{name} is {size} bytes: a blank page?");
        written.push(path);
    }
    written
}

#[test]
fn the_report_renders_in_a_browser_without_overflow_or_errors() {
    let Some(browser) = browser() else {
        eprintln!(
            "skipped: no Chromium found (tried {}; set WFM_CHROMIUM, or install Debian's \
             chromium package as .ci/run does)",
            BROWSERS.join(", ")
        );
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let profile = dir.path().join("profile");
    let plan = sample_month(dir.path());

    let into = std::env::var_os("WFM_REPORT_SCREENSHOTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| dir.path().join("screenshots"));
    screenshots(&browser, &profile, &plan, &into);

    // The probe runs in a copy beside the original (same relative paths).
    let html = std::fs::read_to_string(plan.join("report.html")).unwrap();
    let probed = html
        .replacen("<head>", &format!("<head>\n{CATCHER}"), 1)
        .replacen("</body>", &format!("{PROBE}\n</body>"), 1);
    let copy = plan.join("report-probed.html");
    std::fs::write(&copy, probed).unwrap();
    let output = headless(
        &browser,
        &profile,
        &[
            "--window-size=1100,1500".to_string(),
            "--dump-dom".to_string(),
        ],
        &file_url(&copy),
    );
    assert!(output.success, "{}", output.stderr);
    assert_eq!(console_lines(&output), Vec::<String>::new());
    let found = findings(&output.stdout);

    let charts = found["charts"].as_object().unwrap();
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(plan.join("summary.json")).unwrap()).unwrap();
    let plots = summary["outputs"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o.as_str().unwrap().starts_with("plots/"))
        .count();
    assert_eq!(charts.len(), plots, "{charts:?}");
    for (figure, drawn) in charts {
        assert!(
            drawn.as_u64().unwrap() >= 10,
            "{figure} draws {drawn} marks"
        );
    }
    assert_eq!(found["overflow"], serde_json::json!([]), "text overflows");
    assert_eq!(found["errors"], serde_json::json!([]), "errors on the page");
}
