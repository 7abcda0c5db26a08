//! Published values and independent high-precision references for the formulas.
//!
//! "mpmath" values come from `tests/reference/erlang_reference.py`, which evaluates the
//! textbook definitions (factorial sums for Erlang B/C; the birth–death stationary law
//! plus hypoexponential waiting times for Erlang A) in 60–300 significant digits; it
//! shares no code or method with this module.

// Reference values are quoted with all the digits mpmath printed.
#![allow(clippy::excessive_precision)]

use super::*;

fn assert_close(actual: f64, expected: f64, relative: f64, what: &str) {
    assert!(
        (actual - expected).abs() <= relative * expected.abs(),
        "{what}: {actual} vs expected {expected} (relative tolerance {relative})"
    );
}

fn erlang_c_queue(load: f64, aht: f64) -> Queue {
    Queue::with_load(Model::ErlangC, load, aht).unwrap()
}

/// Call Centre Helper, "Erlang C Formula – Made Simple With an Easy Worked Example":
/// 100 calls in 30 minutes, AHT 180 s, 80/20 -> 14 agents with service level 88.8% and
/// occupancy 71.4%; 12 agents give P(wait) 0.449388 (A = 10 Erlangs).
#[test]
fn call_centre_helper_worked_example() {
    let queue = Queue::new(Model::ErlangC, 100.0, 1800.0, 180.0).unwrap();
    assert_eq!(queue.offered_load(), 10.0);
    assert_close(erlang_c(12, 10.0), 0.449388, 1e-6, "P(wait) at 12 agents");
    let at_14 = queue.metrics(14, Some(20.0));
    assert_eq!(
        (at_14.service_level.unwrap() * 1000.0).round() / 10.0,
        88.8,
        "service level at 14"
    );
    assert_eq!((at_14.occupancy * 1000.0).round() / 10.0, 71.4);
    // mpmath: SL 0.88835001917946688, ASA 7.8359370117772429 s, C 0.17413193359504984.
    assert_close(
        at_14.service_level.unwrap(),
        0.888_350_019_179_466_9,
        1e-13,
        "SL",
    );
    assert_close(
        at_14.asa_seconds.unwrap(),
        7.835_937_011_777_243,
        1e-13,
        "ASA",
    );
    assert_close(at_14.p_wait, 0.174_131_933_595_049_84, 1e-13, "C(14, 10)");
    // The article's 13 agents fall short of 80%.
    assert!(queue.metrics(13, Some(20.0)).service_level.unwrap() < 0.8);
}

/// The worked example of the widely reproduced web tutorial "The Erlang-C Formula"
/// (step-by-step calculation; also reproduced in Maxima's `erlang` package examples):
/// 360 calls per half hour, average call duration 4 min, 55 agents, target answer time
/// 15 s -> traffic 48 Erlangs, occupancy 0.873, E_C = 0.2387, average wait 8.184 s,
/// 84.59% answered within 15 s.
#[test]
fn erlang_c_tutorial_worked_example() {
    let queue = Queue::new(Model::ErlangC, 360.0, 1800.0, 240.0).unwrap();
    assert_eq!(queue.offered_load(), 48.0);
    let metrics = queue.metrics(55, Some(15.0));
    assert_eq!((metrics.occupancy * 1000.0).round(), 873.0);
    assert_eq!((metrics.p_wait * 10_000.0).round(), 2387.0);
    assert_eq!((metrics.asa_seconds.unwrap() * 1000.0).round(), 8184.0);
    assert_eq!((metrics.service_level.unwrap() * 10_000.0).round(), 8459.0);
    // mpmath to 14 digits.
    assert_close(metrics.p_wait, 0.238_700_936_378_009_22, 1e-13, "C(55, 48)");
    assert_close(
        metrics.service_level.unwrap(),
        0.845_883_092_170_580_3,
        1e-13,
        "SL",
    );
}

/// Traffic a trunk group can carry at a blocking target, solved from our Erlang B by
/// bisection, against published figures: the erlang.com (Westbay Engineers) Erlang B manual
/// ("How much traffic can a trunk group handle?": 15 lines at 1% carry 8.108 Erlangs)
/// and the standard Erlang B table entries 10 lines 1% = 4.46, 20 lines 1% = 12.03,
/// 10 lines 2% = 5.08, 100 lines 2% = 87.97 Erlangs (values confirmed by mpmath).
#[test]
fn erlang_b_tables() {
    fn capacity(lines: u32, blocking: f64) -> f64 {
        let (mut low, mut high) = (0.0, f64::from(lines) * 2.0);
        for _ in 0..200 {
            let middle = 0.5 * (low + high);
            if erlang_b(lines, middle) > blocking {
                high = middle;
            } else {
                low = middle;
            }
        }
        low
    }
    assert_eq!((capacity(15, 0.01) * 1000.0).round() / 1000.0, 8.108);
    for (lines, blocking, published) in [
        (10, 0.01, 4.46),
        (20, 0.01, 12.03),
        (10, 0.02, 5.08),
        (100, 0.02, 87.97),
    ] {
        let solved = capacity(lines, blocking);
        assert!(
            (solved - published).abs() <= 0.005,
            "{lines} lines at {blocking}: {solved} vs table {published}"
        );
    }
    // Trunk sizing is the inverse: the table's traffic needs exactly the table's lines.
    assert_eq!(lines_for_blocking(8.108, 0.01), 15);
    assert_eq!(lines_for_blocking(8.2, 0.01), 16);
    assert_eq!(lines_for_blocking(4.46, 0.01), 10);
}

/// Trunk sizing at 1% for large loads, against exact lines from mpmath's recursion in
/// 50 digits (and the 10-Erlang case, 18 lines, as in Dordal's "Erlang models" table).
#[test]
fn trunk_sizing_large_loads() {
    for (load, lines) in [(10.0, 18), (100.0, 117), (500.0, 527), (1000.0, 1029)] {
        assert_eq!(lines_for_blocking(load, 0.01), lines, "{load} Erlangs");
    }
}

/// Erlang B against mpmath's factorial-sum definition, from 0.01 to 10,000 Erlangs.
#[test]
fn erlang_b_high_precision() {
    for (servers, load, expected) in [
        (1, 0.01, 0.009_900_990_099_009_901),
        (12, 10.0, 0.119_739_188_444_825_15),
        (100, 80.0, 0.003_992_028_604_553_197_5),
        (1000, 950.0, 0.003_649_293_688_942_41),
        (5100, 5000.0, 0.002_243_579_295_560_524_7),
        (10_050, 10_000.0, 0.005_063_869_846_449_674),
    ] {
        assert_close(erlang_b(servers, load), expected, 1e-12, "B");
    }
}

/// Erlang C metrics for large loads against mpmath (exact factorial sums in 60 digits).
#[test]
fn erlang_c_large_loads_high_precision() {
    for (agents, load, aht, p_wait, service_level, asa) in [
        (
            1,
            0.01,
            180.0,
            0.01,
            0.991_041_658_647_034_7,
            1.818_181_818_181_818_2,
        ),
        (
            5100,
            5000.0,
            300.0,
            0.102_881_413_600_934_03,
            0.999_869_069_635_521_8,
            0.308_644_240_802_802_1,
        ),
        (
            10_100,
            10_000.0,
            180.0,
            0.224_762_906_466_532_22,
            0.999_996_640_842_275,
            0.404_573_231_639_758,
        ),
        (
            10_010,
            10_000.0,
            180.0,
            0.880_598_544_313_114_1,
            0.710_113_134_138_273_6,
            15.850_773_797_636_054,
        ),
    ] {
        let metrics = erlang_c_queue(load, aht).metrics(agents, Some(20.0));
        assert_close(metrics.p_wait, p_wait, 1e-11, "P(wait)");
        assert_close(metrics.service_level.unwrap(), service_level, 1e-12, "SL");
        assert_close(metrics.asa_seconds.unwrap(), asa, 1e-11, "ASA");
    }
}

/// The fused four-step recursion equals the textbook one-step recursion
/// B(n) = A·B(n−1)/(n + A·B(n−1)) to rounding, including far into the tail.
#[test]
fn fused_recursion_matches_textbook_recursion() {
    for load in [0.01, 0.7, 3.3, 47.5, 299.9, 2500.0] {
        let mut textbook = 1.0_f64;
        for servers in 1..=(3.0 * load + 60.0) as u32 {
            textbook = load * textbook / (f64::from(servers) + load * textbook);
            let ours = erlang_b(servers, load);
            if textbook > 1e-290 {
                assert_close(ours, textbook, 1e-12, "B");
            }
        }
    }
}

/// Stability: no NaN or infinity anywhere from 0.01 to 10,000 Erlangs, including
/// overload, deep underload (blocking underflows) and zero load.
#[test]
fn no_nan_or_infinity() {
    for load in [0.0, 0.01, 0.5, 10.0, 333.3, 9999.5, 10_000.0] {
        for model in [
            Model::ErlangC,
            Model::ErlangA {
                patience_seconds: 90.0,
            },
        ] {
            let queue = Queue::with_load(model, load, 240.0).unwrap();
            for agents in [
                0, 1, 2, 9, 10, 11, 400, 9_000, 10_000, 10_001, 11_000, 30_000,
            ] {
                let m = queue.metrics(agents, Some(20.0));
                let values = [
                    Some(m.p_wait),
                    m.service_level,
                    m.service_level_answered,
                    m.asa_seconds,
                    Some(m.occupancy),
                    m.abandon_rate,
                ];
                for value in values.into_iter().flatten() {
                    assert!(
                        value.is_finite() && value >= 0.0,
                        "{model:?} {load} {agents}: {m:?}"
                    );
                }
                for share in [
                    Some(m.p_wait),
                    m.service_level,
                    Some(m.occupancy),
                    m.abandon_rate,
                ]
                .into_iter()
                .flatten()
                {
                    assert!(share <= 1.0, "{model:?} {load} {agents}: {m:?}");
                }
            }
        }
    }
}

/// Erlang A against mpmath's independent computation (stationary law of the birth–death
/// chain; waiting times as hypoexponential sums with competing patience, 300 digits).
#[test]
fn erlang_a_high_precision() {
    struct Case {
        agents: u32,
        load: f64,
        aht: f64,
        patience: f64,
        within: f64,
        p_wait: f64,
        abandon: f64,
        service_level: f64,
        service_level_answered: f64,
        asa: f64,
        occupancy: f64,
    }
    let cases = [
        Case {
            agents: 12,
            load: 10.0,
            aht: 180.0,
            patience: 120.0,
            within: 20.0,
            p_wait: 0.279_807_018_645_444_22,
            abandon: 0.061_597_377_003_680_416,
            service_level: 0.825_582_644_361_764_2,
            service_level_answered: 0.879_774_442_366_410_7,
            asa: 6.334_774_172_819_166,
            occupancy: 0.782_002_185_830_266_3,
        },
        // Overloaded: 25 Erlangs on 20 agents, impatient callers.
        Case {
            agents: 20,
            load: 25.0,
            aht: 300.0,
            patience: 60.0,
            within: 30.0,
            p_wait: 0.619_487_991_750_225_9,
            abandon: 0.242_214_617_442_394_63,
            service_level: 0.629_498_420_187_576_1,
            service_level_answered: 0.830_708_053_595_534_9,
            asa: 12.772_236_297_445_004,
            occupancy: 0.947_231_728_197_006_7,
        },
        // A single agent.
        Case {
            agents: 1,
            load: 0.5,
            aht: 600.0,
            patience: 300.0,
            within: 60.0,
            p_wait: 0.371_976_276_342_755_43,
            abandon: 0.256_047_447_314_489_14,
            service_level: 0.655_766_074_840_940_7,
            service_level_answered: 0.881_462_228_301_743_6,
            asa: 33.076_805_580_404_12,
            occupancy: 0.371_976_276_342_755_43,
        },
        // The Erlang-C tutorial's load (48 Erlangs) with 3-minute patience.
        Case {
            agents: 55,
            load: 48.0,
            aht: 240.0,
            patience: 180.0,
            within: 15.0,
            p_wait: 0.163_806_446_200_707_2,
            abandon: 0.014_346_678_818_824_503,
            service_level: 0.922_525_247_362_497_2,
            service_level_answered: 0.935_953_065_381_012_9,
            asa: 2.418_793_760_078_343,
            occupancy: 0.860_206_534_849_025_9,
        },
    ];
    for case in cases {
        let queue = Queue::with_load(
            Model::ErlangA {
                patience_seconds: case.patience,
            },
            case.load,
            case.aht,
        )
        .unwrap();
        let m = queue.metrics(case.agents, Some(case.within));
        let what = format!("{} agents, {} Erlangs", case.agents, case.load);
        assert_close(m.p_wait, case.p_wait, 1e-11, &format!("{what}: P(wait)"));
        assert_close(
            m.abandon_rate.unwrap(),
            case.abandon,
            1e-11,
            &format!("{what}: abandon"),
        );
        assert_close(
            m.service_level.unwrap(),
            case.service_level,
            1e-11,
            &format!("{what}: SL"),
        );
        assert_close(
            m.service_level_answered.unwrap(),
            case.service_level_answered,
            1e-11,
            &format!("{what}: SL answered"),
        );
        assert_close(
            m.asa_seconds.unwrap(),
            case.asa,
            1e-11,
            &format!("{what}: ASA"),
        );
        assert_close(
            m.occupancy,
            case.occupancy,
            1e-11,
            &format!("{what}: occupancy"),
        );
    }
}

/// Erlang A at thousands of Erlangs, where the incomplete-gamma continued fraction and
/// large arguments are exercised, against mpmath's stationary law (P(abandon) from the
/// abandonment flow θ·E[queue]/λ).
#[test]
fn erlang_a_large_loads_high_precision() {
    for (agents, load, aht, patience, p_wait, abandon) in [
        (
            205,
            200.0,
            240.0,
            180.0,
            0.346_240_517_871_107_56,
            0.019_240_066_201_341_518,
        ),
        (
            9900,
            10_000.0,
            180.0,
            120.0,
            0.777_062_965_191_096_3,
            0.011_173_983_690_335_046,
        ),
        (
            10_100,
            10_000.0,
            300.0,
            600.0,
            0.180_213_697_933_041_93,
            0.000_574_652_695_350_768_4,
        ),
    ] {
        let queue = Queue::with_load(
            Model::ErlangA {
                patience_seconds: patience,
            },
            load,
            aht,
        )
        .unwrap();
        let m = queue.metrics(agents, Some(20.0));
        assert_close(m.p_wait, p_wait, 1e-11, "P(wait)");
        assert_close(m.abandon_rate.unwrap(), abandon, 1e-11, "abandon");
    }
}

/// Identities of the Erlang A formulas (GMR 2002; Mandelbaum & Zeltyn 2005, §4.5):
/// P(Ab) = P(W>0)·[1/(ρM) + 1 − 1/ρ], and SL at T = 0 is the share not waiting.
#[test]
fn erlang_a_identities() {
    let (agents, load, aht, patience) = (30_u32, 28.0, 200.0, 150.0);
    let queue = Queue::with_load(
        Model::ErlangA {
            patience_seconds: patience,
        },
        load,
        aht,
    )
    .unwrap();
    let m = queue.metrics(agents, Some(0.0));
    let x = f64::from(agents) * patience / aht;
    let y = load * patience / aht;
    let kummer = special::ln_kummer_m(x, y).exp();
    let rho = load / f64::from(agents);
    let gmr_abandon = m.p_wait * (1.0 / (rho * kummer) + 1.0 - 1.0 / rho);
    assert_close(m.abandon_rate.unwrap(), gmr_abandon, 1e-12, "P(Ab)");
    assert_close(m.service_level.unwrap(), 1.0 - m.p_wait, 1e-12, "SL(0)");
}

#[test]
fn zero_load_and_validation() {
    let idle = erlang_c_queue(0.0, 180.0).metrics(0, Some(20.0));
    assert_eq!(idle.service_level, Some(1.0));
    assert_eq!(idle.asa_seconds, Some(0.0));
    assert_eq!(idle.occupancy, 0.0);
    assert_eq!(erlang_b(0, 5.0), 1.0);
    assert_eq!(lines_for_blocking(0.0, 0.01), 0);
    assert!(Queue::new(Model::ErlangC, -1.0, 1800.0, 180.0).is_err());
    assert!(Queue::new(Model::ErlangC, 10.0, 1800.0, 0.0).is_err());
    assert!(Queue::new(Model::ErlangC, 10.0, 0.0, 180.0).is_err());
    assert!(Queue::new(Model::ErlangC, f64::NAN, 1800.0, 180.0).is_err());
    let no_patience = Model::ErlangA {
        patience_seconds: 0.0,
    };
    assert!(Queue::new(no_patience, 10.0, 1800.0, 180.0).is_err());
    assert!(Queue::with_load(Model::ErlangC, 2e6, 180.0).is_err());
    let endless = Model::ErlangA {
        patience_seconds: 1e12,
    };
    assert!(Queue::with_load(endless, 10.0, 180.0).is_err());
}
