//! Headcount projection: today's staff thinned by attrition, plus hiring classes that
//! train, then ramp up to full productivity.
//!
//! The projection is a deterministic cohort model in FTE (expected values, fractional):
//! a cohort of `n` that starts in week `s` holds `n · S(t - s)` people in week `t`,
//! where the survival `S(k) = Π_{j<k} (1 - a_j)` compounds the weekly attrition rate of
//! each week of tenure `j` (new-hire attrition while `j < new_hire_weeks`, the tenured
//! rate after), and contributes `n · S(t - s) · p(t - s)` productive FTE, `p` being 0
//! during training and the ramp after it. This is the standard "stock and flow" model
//! of workforce planning (e.g. Bartholomew, Forbes & McClean, *Statistical Techniques
//! for Manpower Planning*, 2nd ed., 1991, ch. 2-3), and it is linear in the class
//! sizes, which is what lets the hiring plan be a MIP.

/// Productive share of a new agent in each week after training; 100% after the last.
#[derive(Debug, Clone, PartialEq)]
pub struct Ramp {
    shares: Vec<f64>,
}

impl Ramp {
    /// A ramp of explicit weekly shares (trailing 100% weeks are dropped).
    pub fn new(mut shares: Vec<f64>) -> Self {
        while shares.last() == Some(&1.0) {
            shares.pop();
        }
        Ramp { shares }
    }

    /// `start` in the first week after training, rising in a straight line to 100%
    /// in week `weeks` (e.g. 50% to 100% over 8 weeks: 50, 57.1, ..., 92.9, 100).
    pub fn linear(start: f64, weeks: u32) -> Self {
        if weeks <= 1 {
            return Ramp::new(Vec::new());
        }
        let steps = f64::from(weeks - 1);
        Ramp::new(
            (0..weeks - 1)
                .map(|week| start + (1.0 - start) * f64::from(week) / steps)
                .collect(),
        )
    }

    /// The shares of the weeks below 100%.
    pub fn shares(&self) -> &[f64] {
        &self.shares
    }

    /// Productive share in week `week` after training (0 = the first).
    pub fn productivity(&self, week: usize) -> f64 {
        self.shares.get(week).copied().unwrap_or(1.0)
    }
}

/// How people join, learn and leave.
#[derive(Debug, Clone, PartialEq)]
pub struct Workforce {
    /// Weekly attrition of tenured staff (today's staff included).
    pub weekly_attrition: f64,
    /// Weekly attrition in the first `new_hire_weeks` of tenure.
    pub new_hire_attrition: f64,
    pub new_hire_weeks: u32,
    /// Lead time before a class can start: a class starts no earlier than this week.
    pub recruiting_weeks: u32,
    /// Weeks in the classroom (paid, not productive).
    pub training_weeks: u32,
    pub ramp: Ramp,
}

impl Workforce {
    /// Attrition rate in week `tenure` of a new hire (0 = the class's first week).
    pub fn attrition_at(&self, tenure: usize) -> f64 {
        if tenure < self.new_hire_weeks as usize {
            self.new_hire_attrition
        } else {
            self.weekly_attrition
        }
    }

    /// Share of a class still employed `tenure` weeks after its start:
    /// `S(k) = Π_{j<k} (1 - a_j)`.
    pub fn survival(&self, tenure: usize) -> f64 {
        (0..tenure).map(|j| 1.0 - self.attrition_at(j)).product()
    }

    /// Productive share of a class member in week `tenure` of the class.
    pub fn productivity(&self, tenure: usize) -> f64 {
        let training = self.training_weeks as usize;
        if tenure < training {
            0.0
        } else {
            self.ramp.productivity(tenure - training)
        }
    }

    /// Whether a class member is in the classroom in week `tenure`.
    pub fn in_training(&self, tenure: usize) -> bool {
        tenure < self.training_weeks as usize
    }

    /// Productive FTE per hire of a class `tenure` weeks old: `S(k) · p(k)`.
    pub fn productive_per_hire(&self, tenure: usize) -> f64 {
        self.survival(tenure) * self.productivity(tenure)
    }

    /// Tenured survival after `weeks`: today's staff.
    pub fn existing_survival(&self, weeks: usize) -> f64 {
        (1.0 - self.weekly_attrition).powi(weeks as i32)
    }
}

/// One projected week.
#[derive(Debug, Clone, PartialEq)]
pub struct WeekProjection {
    /// FTE employed at the start of the week (trainees included).
    pub headcount: f64,
    /// FTE on the phones' side of the ledger: tenured staff plus trained hires at their
    /// ramp share.
    pub productive: f64,
    /// People whose class starts this week.
    pub hires_starting: u32,
    /// FTE in the classroom this week.
    pub in_training: f64,
    /// FTE expected to leave during the week.
    pub attrition: f64,
}

/// Projects `weeks` weeks from `current` FTE of tenured staff and `classes`, one entry
/// per week: the size of the class starting that week (0 for none).
pub fn project(
    workforce: &Workforce,
    current: f64,
    classes: &[u32],
    weeks: usize,
) -> Vec<WeekProjection> {
    (0..weeks)
        .map(|week| {
            let existing = current * workforce.existing_survival(week);
            let mut projection = WeekProjection {
                headcount: existing,
                productive: existing,
                hires_starting: classes.get(week).copied().unwrap_or(0),
                in_training: 0.0,
                attrition: existing * workforce.weekly_attrition,
            };
            for (start, &size) in classes.iter().enumerate().take(week + 1) {
                if size == 0 {
                    continue;
                }
                let tenure = week - start;
                let people = f64::from(size) * workforce.survival(tenure);
                projection.headcount += people;
                projection.productive += people * workforce.productivity(tenure);
                projection.attrition += people * workforce.attrition_at(tenure);
                if workforce.in_training(tenure) {
                    projection.in_training += people;
                }
            }
            projection
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn workforce() -> Workforce {
        Workforce {
            weekly_attrition: 0.01,
            new_hire_attrition: 0.01,
            new_hire_weeks: 0,
            recruiting_weeks: 1,
            training_weeks: 2,
            ramp: Ramp::new(vec![0.5]),
        }
    }

    /// 100 FTE today, 1% a week leaving, one class of 10 starting in week 2, two weeks
    /// of training, 50% productive in the first week after, fully after. By hand:
    /// existing staff in week t = 100 · 0.99^t; the class holds 10, 9.9, 9.801, ...
    /// from week 2, productive at 0, 0, 50%, 100%, ...
    #[test]
    fn hand_computed_eight_weeks() {
        let weeks = project(&workforce(), 100.0, &[0, 0, 10], 8);
        let expected_productive = [
            100.0,
            99.0,
            98.01,
            97.0299,
            96.059601 + 9.801 * 0.5,
            95.09900499 + 9.70299,
            94.1480149401 + 9.6059601,
            93.206534790699 + 9.509900499,
        ];
        let expected_headcount = [
            100.0,
            99.0,
            98.01 + 10.0,
            97.0299 + 9.9,
            96.059601 + 9.801,
            95.09900499 + 9.70299,
            94.1480149401 + 9.6059601,
            93.206534790699 + 9.509900499,
        ];
        for (week, projection) in weeks.iter().enumerate() {
            assert!(
                (projection.productive - expected_productive[week]).abs() < 1e-9,
                "week {week}: {projection:?}"
            );
            assert!((projection.headcount - expected_headcount[week]).abs() < 1e-9);
            assert!(
                (projection.attrition - expected_headcount[week] * 0.01).abs() < 1e-9,
                "week {week}"
            );
        }
        assert_eq!(weeks[2].hires_starting, 10);
        assert_eq!(weeks[2].in_training, 10.0);
        assert!((weeks[3].in_training - 9.9).abs() < 1e-12);
        assert_eq!(weeks[4].in_training, 0.0);
        // Stock and flow agree: next week's headcount is this week's less its leavers
        // plus next week's class.
        for week in 0..7 {
            let next = weeks[week].headcount - weeks[week].attrition
                + f64::from(weeks[week + 1].hires_starting);
            assert!((next - weeks[week + 1].headcount).abs() < 1e-9);
        }
    }

    #[test]
    fn tenure_attrition_and_linear_ramp() {
        let mut workforce = workforce();
        workforce.new_hire_attrition = 0.05;
        workforce.new_hire_weeks = 2;
        assert!((workforce.survival(3) - 0.95 * 0.95 * 0.99).abs() < 1e-15);
        let ramp = Ramp::linear(0.5, 8);
        assert_eq!(ramp.shares().len(), 7);
        assert!((ramp.productivity(1) - (0.5 + 0.5 / 7.0)).abs() < 1e-15);
        assert_eq!(ramp.productivity(7), 1.0);
        assert_eq!(Ramp::linear(0.5, 1).shares(), &[] as &[f64]);
    }
}
