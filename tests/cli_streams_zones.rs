//! A safe and familiar command line (issue 17): standard streams (`-`, devices, FIFOs),
//! one grammar for durations in flags and config keys, and time zones that are never
//! guessed and never contradict the data.

use std::path::{Path, PathBuf};
use std::process::Command;

use assert_cmd::Command as AssertCommand;
use predicates::prelude::PredicateBooleanExt;
use predicates::str::contains;

const SAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/data/sample");

/// `wfm` with no site zone from the environment: each test says where it comes from.
fn wfm() -> AssertCommand {
    let mut command = AssertCommand::cargo_bin("wfm").unwrap();
    command
        .env_remove("WFM_TZ")
        .env_remove("WFM_HIGHS_LOG")
        .env_remove("RUST_LOG");
    command
}

fn sample(name: &str) -> String {
    format!("{SAMPLE}/{name}")
}

/// A forecast of one December day on the sample's queues, written as London's
/// canonical tables write it (`+00:00`).
const FORECAST: &str = "queue,interval_start,calls,aht_seconds\n\
sales,2026-12-01T09:00:00+00:00,40,300\n\
sales,2026-12-01T09:30:00+00:00,60,300\n\
sales,2026-12-01T10:00:00+00:00,50,300\n";

/// Requirements of one December morning in London.
const REQUIREMENTS: &str = "queue,interval_start,calls,aht_seconds,agents,scheduled_staff\n\
sales,2026-12-01T09:00:00+00:00,40,300,8,10\n\
sales,2026-12-01T09:30:00+00:00,60,300,12,15\n\
sales,2026-12-01T10:00:00+00:00,50,300,10,13\n";

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// The issue's pipe, through a real shell: `cat export.csv | wfm ingest - -o - |
/// wfm forecast --history - -o - | wfm staff --forecast -` gives what the same steps
/// give through files.
#[test]
fn the_issue_s_pipe_runs_through_a_shell() {
    let bin = assert_cmd::cargo::cargo_bin("wfm");
    let bin = bin.display();
    let dir = tempfile::tempdir().unwrap();
    let piped = dir.path().join("piped.csv");
    let forecast = "--start 2026-12-01 --days 1 --tz Europe/London";
    let script = format!(
        "set -e; cat {history} | {bin} ingest - --tz Europe/London -o - \
         | {bin} forecast --history - {forecast} -o - \
         | {bin} staff --forecast - --sl 80/20 -o - > {piped}",
        history = sample("history.csv"),
        piped = piped.display(),
    );
    let status = Command::new("sh")
        .arg("-c")
        .arg(&script)
        .env_remove("WFM_TZ")
        .status()
        .unwrap();
    assert!(status.success(), "{script}");

    let file = |name: &str| dir.path().join(name).display().to_string();
    wfm()
        .args(["forecast", "--history", &sample("history.csv")])
        .args(forecast.split(' '))
        .args(["-o", &file("forecast.csv")])
        .assert()
        .success();
    wfm()
        .args([
            "staff",
            "--forecast",
            &file("forecast.csv"),
            "--sl",
            "80/20",
        ])
        .args(["-o", &file("requirements.csv")])
        .assert()
        .success();
    let through_files = std::fs::read(file("requirements.csv")).unwrap();
    assert!(through_files.starts_with(b"queue,interval_start,calls,aht_seconds,agents"));
    assert_eq!(std::fs::read(&piped).unwrap(), through_files);
}

/// `-o /dev/stdout` writes through the link to the pipe the caller reads: the link
/// (which the atomic rename once replaced with a regular file, as root) stays a link.
#[test]
fn dev_stdout_is_written_through_not_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let forecast = write(dir.path(), "forecast.csv", FORECAST);
    let before = std::fs::read_link("/dev/stdout").unwrap();
    let output = wfm()
        .args(["staff", "--sl", "80/20", "--forecast"])
        .arg(&forecast)
        .args(["-o", "/dev/stdout"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    assert!(output.stdout.starts_with(b"queue,interval_start,calls"));
    let meta = std::fs::symlink_metadata("/dev/stdout").unwrap();
    assert!(meta.file_type().is_symlink(), "/dev/stdout was replaced");
    assert_eq!(std::fs::read_link("/dev/stdout").unwrap(), before);
}

/// A named pipe as the output: the reader at its other end gets the table and the
/// FIFO is still a FIFO (no temporary file renamed over it).
#[test]
fn a_fifo_output_is_written_directly_and_stays_a_fifo() {
    use std::os::unix::fs::FileTypeExt;
    let dir = tempfile::tempdir().unwrap();
    let forecast = write(dir.path(), "forecast.csv", FORECAST);
    let fifo = dir.path().join("requirements.pipe");
    assert!(Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
    };
    wfm()
        .args(["staff", "--sl", "80/20", "--forecast"])
        .arg(&forecast)
        .arg("-o")
        .arg(&fifo)
        .timeout(std::time::Duration::from_secs(60))
        .assert()
        .success();
    let text = reader.join().unwrap();
    assert!(text.starts_with("queue,interval_start,calls"), "{text}");
    assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo());
    let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(names.len(), 2, "no temporary file is left: {names:?}");
}

/// An output in a directory that does not exist: exit 4, the message names the path
/// given and the directory, never a temporary file.
#[test]
fn a_missing_output_directory_is_named_plainly() {
    let dir = tempfile::tempdir().unwrap();
    let forecast = write(dir.path(), "forecast.csv", FORECAST);
    let out = dir.path().join("no/such/requirements.csv");
    let output = wfm()
        .args(["staff", "--sl", "80/20", "--forecast"])
        .arg(&forecast)
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(4), "{output:?}");
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains(&out.display().to_string()), "{stderr}");
    assert!(stderr.contains("does not exist"), "{stderr}");
    assert!(!stderr.contains(".wfm-"), "{stderr}");
}

/// TOML inputs read standard input for `-` too; only one input can.
#[test]
fn toml_inputs_read_standard_input_and_only_one_input_can() {
    let dir = tempfile::tempdir().unwrap();
    let forecast = write(dir.path(), "forecast.csv", FORECAST);
    let targets = std::fs::read_to_string(sample("targets.toml")).unwrap();
    let from_stdin = wfm()
        .args(["staff", "--targets", "-", "--forecast"])
        .arg(&forecast)
        .write_stdin(targets)
        .output()
        .unwrap();
    assert!(from_stdin.status.success(), "{from_stdin:?}");
    let from_file = wfm()
        .args(["staff", "--targets", &sample("targets.toml"), "--forecast"])
        .arg(&forecast)
        .output()
        .unwrap();
    assert_eq!(from_stdin.stdout, from_file.stdout);
    wfm()
        .args(["staff", "--targets", "-", "--forecast", "-"])
        .write_stdin(FORECAST)
        .assert()
        .code(2)
        .stderr(contains(
            "standard input (-) is named for more than one input",
        ));
    wfm()
        .args(["staff", "--targets", "-", "--forecast"])
        .arg(&forecast)
        .write_stdin("[default]\nservice_level = \"eighty\"\n")
        .assert()
        .code(2)
        .stderr(contains("stdin:"));
}

/// Every spelling of the duration grammar reads the same from a flag (`--aht`,
/// `--time-limit`) and from config keys (`targets.toml` answer_within, plan.toml
/// `[solver] roster_time_limit`); the erlang echo names the unit whatever the spelling.
#[test]
fn every_duration_spelling_reads_the_same_in_flags_and_config_keys() {
    let spellings: [(&str, f64); 9] = [
        ("30m", 1800.0),
        ("1h30m", 5400.0),
        ("90s", 90.0),
        ("3min", 180.0),
        ("20 sec", 20.0),
        ("1:30", 90.0),
        ("5 minutes", 300.0),
        ("0:03:05", 185.0),
        ("2.5m", 150.0),
    ];
    let plan = std::fs::read_to_string(sample("plan.toml")).unwrap();
    let plan_path = Path::new(SAMPLE).join("plan.toml");
    for (text, seconds) in spellings {
        let flag = wfm::cli::values::duration(text).unwrap();
        assert_eq!(flag.seconds, seconds, "flag {text}");
        assert_eq!(
            wfm::cli::values::positive_duration(text).unwrap().seconds,
            seconds,
            "--time-limit {text}"
        );
        assert_eq!(
            wfm::cli::values::interval_length(text).unwrap().seconds,
            seconds,
            "--interval {text}"
        );

        let targets: wfm::staff::TargetsFile = toml::from_str(&format!(
            "[default]\nservice_level = \"80%\"\nanswer_within = \"{text}\"\n"
        ))
        .unwrap();
        let none = wfm::staff::ServiceTargets::default();
        let resolved = wfm::staff::QueueTargets::new(&targets, &none, "targets").unwrap();
        assert_eq!(
            resolved.for_queue("sales").answer_within,
            Some(seconds),
            "answer_within = \"{text}\""
        );

        let config: String = plan
            .lines()
            .map(|line| {
                if line.starts_with("roster_time_limit") {
                    format!("roster_time_limit = \"{text}\"\n")
                } else {
                    format!("{line}\n")
                }
            })
            .collect();
        assert_ne!(config, plan);
        let config = wfm::plan::config::PlanConfig::from_toml(&config, &plan_path).unwrap();
        assert_eq!(
            config.roster_time_limit_seconds, seconds,
            "roster_time_limit = \"{text}\""
        );

        let erlang = |interval: &str, aht: &str, json: bool| {
            let mut command = wfm();
            command
                .args(["erlang", "--calls", "100", "--sl", "80/20"])
                .args(["--interval", interval, "--aht", aht]);
            if json {
                command.arg("--json");
            }
            let output = command.output().unwrap();
            assert!(output.status.success(), "{interval} {aht}: {output:?}");
            output.stdout
        };
        let agents = |stdout: Vec<u8>| {
            let value: serde_json::Value = serde_json::from_slice(&stdout).unwrap();
            value["agents"].clone()
        };
        let in_seconds = format!("{seconds}s");
        assert_eq!(
            agents(erlang(text, text, true)),
            agents(erlang(&in_seconds, &in_seconds, true)),
            "--interval {text} --aht {text}"
        );
        let shown = String::from_utf8(erlang(text, "180s", false)).unwrap();
        let unit = if text.chars().any(|c| c.is_ascii_alphabetic()) {
            text.to_string()
        } else {
            in_seconds.clone()
        };
        assert!(
            shown.contains(&format!("100 calls in {unit},")),
            "--interval {text} echoes {unit}: {shown}"
        );
    }
    wfm()
        .args([
            "erlang",
            "--calls",
            "100",
            "--aht",
            "180s",
            "--interval",
            "30",
        ])
        .assert()
        .code(2)
        .stderr(contains("\"30\" has no unit").and(contains("30m")));
}

/// Shares read the same from a flag (`--mip-gap`, `--shrinkage`) and from config keys
/// (`targets.toml` shrinkage, plan.toml `[solver] mip_gap`): a percentage or a
/// fraction, never a bare number above 1.
#[test]
fn every_share_spelling_reads_the_same_in_flags_and_config_keys() {
    let spellings: [(&str, f64); 4] = [("30%", 0.3), ("0.3", 0.3), ("30 %", 0.3), ("12.5%", 0.125)];
    let plan = std::fs::read_to_string(sample("plan.toml")).unwrap();
    let plan_path = Path::new(SAMPLE).join("plan.toml");
    for (text, share) in spellings {
        assert_eq!(wfm::cli::values::share(text).unwrap(), share, "flag {text}");
        assert_eq!(
            wfm::cli::values::shrinkage(text).unwrap(),
            share,
            "--shrinkage {text}"
        );
        let targets: wfm::staff::TargetsFile = toml::from_str(&format!(
            "[default]\nmax_asa = \"20s\"\nshrinkage = \"{text}\"\n"
        ))
        .unwrap();
        let none = wfm::staff::ServiceTargets::default();
        let resolved = wfm::staff::QueueTargets::new(&targets, &none, "targets").unwrap();
        assert_eq!(
            resolved.for_queue("sales").shrinkage,
            share,
            "shrinkage = \"{text}\""
        );
        let config = plan.replace("mip_gap = \"0.5%\"", &format!("mip_gap = \"{text}\""));
        assert_ne!(config, plan);
        let config = wfm::plan::config::PlanConfig::from_toml(&config, &plan_path).unwrap();
        assert_eq!(config.limits.mip_gap, share, "mip_gap = \"{text}\"");
    }
    for bad in ["30", "thirty%", "inf%"] {
        assert!(wfm::cli::values::share(bad).is_err(), "{bad}");
        let parsed: Result<wfm::staff::TargetsFile, _> =
            toml::from_str(&format!("[default]\nshrinkage = \"{bad}\"\n"));
        assert!(parsed.is_err(), "shrinkage = \"{bad}\"");
    }
}

/// The commands that take `--tz`, each on London data (every offset `+00:00`), with
/// `--tz America/New_York`: exit 2 naming the file's line, its offset and the zone's,
/// nothing written.
#[test]
fn a_zone_that_contradicts_the_data_is_an_error_naming_both() {
    let dir = tempfile::tempdir().unwrap();
    let forecast = write(dir.path(), "forecast.csv", FORECAST);
    let requirements = write(dir.path(), "requirements.csv", REQUIREMENTS);
    let out = dir.path().join("out.csv");
    let (f, r, o) = (
        forecast.display().to_string(),
        requirements.display().to_string(),
        out.display().to_string(),
    );
    let history = sample("history.csv");
    let (shifts, agents, contracts, targets) = (
        sample("shifts.toml"),
        sample("agents.csv"),
        sample("contracts.toml"),
        sample("targets.toml"),
    );
    let horizon = ["--start", "2026-12-01", "--days", "1"];
    // New York is at -05:00 on the December tables, and at -04:00 on the sample
    // history's first row (1 November 2024, before its clocks went back).
    let commands: Vec<(Vec<&str>, String)> = vec![
        (vec!["ingest", &f, "-o", &o], f.clone()),
        (
            [&["forecast", "--history", &history, "-o", &o][..], &horizon].concat(),
            history.clone(),
        ),
        (vec!["backtest", "--history", &history], history.clone()),
        (
            [
                &["schedule", "--requirements", &r, "--shifts", &shifts][..],
                &horizon,
                &["-o", &o],
            ]
            .concat(),
            r.clone(),
        ),
        (
            [
                &["roster", "--requirements", &r, "--agents", &agents][..],
                &["--contracts", &contracts],
                &["--shifts", &shifts],
                &horizon,
                &["-o", &o],
            ]
            .concat(),
            r.clone(),
        ),
        (
            vec![
                "simulate",
                "--forecast",
                &f,
                "--roster",
                &r,
                "--targets",
                &targets,
                "-o",
                &o,
            ],
            f.clone(),
        ),
    ];
    for (args, file) in commands {
        for zone in [Some("America/New_York"), None] {
            let mut command = wfm();
            command.args(&args);
            match zone {
                Some(zone) => command.args(["--tz", zone]),
                None => command.env("WFM_TZ", "America/New_York"),
            };
            let output = command.output().unwrap();
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
            for part in [
                format!("{file}: line 2: "),
                "is at UTC offset +00:00".into(),
                format!(
                    "America/New_York (--tz or WFM_TZ) is at {} then",
                    if file == history { "-04:00" } else { "-05:00" }
                ),
            ] {
                assert!(stderr.contains(&part), "{args:?}: {part} in {stderr}");
            }
            assert!(!out.exists(), "{args:?} wrote {o}");
        }
    }
}

/// With neither `--tz` nor `WFM_TZ`: offsets that never change are read in the
/// fixed zone they imply, and the run says so; offsets that change (daylight saving)
/// and timestamps without an offset are errors that say what to give.
#[test]
fn without_a_zone_only_unchanging_offsets_decide_it() {
    let dir = tempfile::tempdir().unwrap();
    let requirements = write(dir.path(), "requirements.csv", REQUIREMENTS);
    let shifts = sample("shifts.toml");
    let schedule = |requirements: &Path, zone: Option<&str>| {
        let mut command = wfm();
        command
            .args(["schedule", "--shifts", &shifts, "--requirements"])
            .arg(requirements)
            .args([
                "--start",
                "2026-12-01",
                "--days",
                "1",
                "--time-limit",
                "20s",
            ]);
        if let Some(zone) = zone {
            command.args(["--tz", zone]);
        }
        command.output().unwrap()
    };
    let derived = schedule(&requirements, None);
    assert!(derived.status.success(), "{derived:?}");
    let stderr = String::from_utf8(derived.stderr).unwrap();
    assert!(
        stderr.contains("is at UTC offset +00:00, so it is read in the fixed zone UTC"),
        "{stderr}"
    );
    let named = schedule(&requirements, Some("Europe/London"));
    assert!(named.status.success(), "{named:?}");
    assert_eq!(derived.stdout, named.stdout, "December London is UTC");

    let history = sample("history.csv");
    wfm()
        .args(["forecast", "--history", &history])
        .args(["--start", "2026-12-01", "--days", "1"])
        .assert()
        .code(2)
        .stderr(
            contains("no time zone: pass --tz ZONE or set WFM_TZ")
                .and(contains("the UTC offsets change (+00:00 at"))
                .and(contains("+01:00 at")),
        );

    let naive = write(
        dir.path(),
        "naive.csv",
        "queue,interval_start,offered,handled,abandoned,aht_seconds\nsales,2026-12-01 09:00,10,10,0,180\n",
    );
    wfm()
        .arg("ingest")
        .arg(&naive)
        .assert()
        .code(2)
        .stderr(contains(format!(
            "{}: line 2: \"2026-12-01 09:00\" has no UTC offset",
            naive.display()
        )));
    let output = wfm()
        .arg("ingest")
        .arg(&naive)
        .args(["--tz", "Europe/London"])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "a zone given places naive times: {output:?}"
    );

    let exported = write(
        dir.path(),
        "export.csv",
        "queue,interval_start,offered,handled,abandoned,aht_seconds\nsales,2026-12-01T09:00:00+02:00,10,10,0,180\n",
    );
    let output = wfm().arg("ingest").arg(&exported).output().unwrap();
    assert!(output.status.success(), "{output:?}");
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(
        text.contains("sales,2026-12-01T09:00:00+02:00,10,"),
        "{text}"
    );
}

/// `--solver-log FILE` keeps HiGHS's own log in FILE; without it, `-v` shows wfm's
/// steps and none of the solver's lines.
#[test]
fn the_solver_log_only_on_request() {
    let dir = tempfile::tempdir().unwrap();
    let requirements = write(dir.path(), "requirements.csv", REQUIREMENTS);
    let log = dir.path().join("highs.log");
    let schedule = |extra: &[&str]| {
        wfm()
            .args([
                "schedule",
                "--shifts",
                &sample("shifts.toml"),
                "--requirements",
            ])
            .arg(&requirements)
            .args([
                "--start",
                "2026-12-01",
                "--days",
                "1",
                "--tz",
                "Europe/London",
            ])
            .args(extra)
            .output()
            .unwrap()
    };
    let verbose = schedule(&["-v"]);
    assert!(verbose.status.success(), "{verbose:?}");
    let stderr = String::from_utf8(verbose.stderr).unwrap();
    assert!(
        !stderr.contains("HiGHS") && !stderr.contains("Presolving"),
        "{stderr}"
    );
    assert!(stderr.contains("INFO wfm schedule: done in "), "{stderr}");
    assert!(!stderr.contains("DEBUG"), "{stderr}");
    let quiet = schedule(&[]);
    let stderr = String::from_utf8(quiet.stderr).unwrap();
    assert!(!stderr.contains("INFO"), "{stderr}");
    let logged = schedule(&["--solver-log", log.to_str().unwrap()]);
    assert!(logged.status.success(), "{logged:?}");
    assert_eq!(logged.stdout, verbose.stdout);
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(text.contains("HiGHS"), "{text}");
    let stderr = String::from_utf8(logged.stderr).unwrap();
    assert!(!stderr.contains("HiGHS"), "{stderr}");
}

/// `wfm plan` checks `[site] time_zone` against the history's offsets (with `--check`
/// too), and reads its config from standard input for `--config -`.
#[test]
fn plan_checks_its_zone_against_the_history_and_reads_config_from_stdin() {
    let mut config = std::fs::read_to_string(sample("plan.toml")).unwrap();
    for name in [
        "history.csv",
        "calendar.csv",
        "shifts.toml",
        "agents.csv",
        "contracts.toml",
        "availability.csv",
    ] {
        config = config.replace(&format!("\"{name}\""), &format!("\"{}\"", sample(name)));
    }
    wfm()
        .args(["plan", "--config", "-", "--check"])
        .write_stdin(config.clone())
        .assert()
        .success();
    let new_york = config.replace(
        "time_zone = \"Europe/London\"",
        "time_zone = \"America/New_York\"",
    );
    assert_ne!(new_york, config);
    wfm()
        .args(["plan", "--config", "-", "--check"])
        .write_stdin(new_york)
        .assert()
        .code(2)
        .stderr(
            contains(format!("{}: line 2: ", sample("history.csv")))
                .and(contains("America/New_York ([site] time_zone) is at -04:00")),
        );
}

/// `make install` installs a release build with `cargo install --path .`, then the
/// manual page and the bash completion from the installed binary (checked as a dry
/// run: a real one is a release build of HiGHS and polars).
#[test]
fn make_install_installs_the_binary_its_manual_page_and_completion() {
    let output = Command::new("make")
        .args(["-n", "install"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let plan = String::from_utf8(output.stdout).unwrap();
    for step in [
        "cargo install --locked --path .",
        "/.cargo/bin/wfm man > ",
        "/.cargo/bin/wfm completions bash > ",
    ] {
        assert!(plan.contains(step), "make install lacks {step}:\n{plan}");
    }
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    assert!(readme.contains("cargo install --locked --path ."));
}
