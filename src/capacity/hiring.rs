//! The hiring plan as a mixed-integer program: which weeks start a class, and how big.
//!
//! For weeks `t = 0..T` with requirement `R_t` (productive FTE) and class-start weeks
//! `s` from the recruiting lead time on:
//!
//! ```text
//! minimise   Σ_s (c_hire + c_salary · Σ_{t≥s} S(t-s)) · n_s  +  Σ_t (c_under · u_t + c_over · o_t)
//! subject to E_0 · (1-a)^t + Σ_{s≤t} S(t-s) · p(t-s) · n_s + u_t - o_t = R_t   (coverage)
//!            m · y_s ≤ n_s ≤ M · y_s                                         (class size)
//!            Σ_{s: t-s < training weeks} n_s ≤ C                             (classroom)
//!            n_s ∈ ℤ≥0, y_s ∈ {0,1}, u_t, o_t ≥ 0
//! ```
//!
//! with `S` and `p` the survival and productivity of [`Workforce`]: the cohort model
//! is linear in the class sizes. This is the classic aggregate hiring model (Holt,
//! Modigliani, Muth & Simon, *Planning Production, Inventories, and Work Force*, 1960;
//! for contact centers, Gans, Koole & Mandelbaum 2003, section 4.4 "hiring and
//! training"), with semi-continuous class sizes for the trainer's minimum and maximum.

use good_lp::{Expression, ProblemVariables, SolverModel};

use crate::error::Result;
use crate::mip::{add_binary, add_integer, run_mip, Column, HighsRun, SolveStatus, SolverLimits};

use super::headcount::{project, WeekProjection, Workforce};

/// Cap on the hiring MIP's wall clock. It stops on its gap long before (a year's plan
/// proves optimality in well under a second); the cap only guards a pathological
/// instance, whose plan would then be reported as not proven.
pub const TIME_LIMIT_SECONDS: f64 = 120.0;

/// Class sizes and the classroom.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ClassRules {
    pub min_size: u32,
    pub max_size: u32,
    /// People in training at once, over all classes.
    pub training_capacity: u32,
}

/// Prices of the plan (currency units).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Costs {
    /// One hire: recruiting and onboarding.
    pub hire: f64,
    /// One FTE for one week, trainees included.
    pub weekly_salary: f64,
    /// One FTE-week below the requirement.
    pub under: f64,
    /// One FTE-week above it.
    pub over: f64,
}

/// What the hiring plan is asked.
#[derive(Debug, Clone, PartialEq)]
pub struct HiringProblem {
    /// Productive FTE required, per week.
    pub required: Vec<f64>,
    /// Tenured FTE employed today.
    pub current: f64,
    pub workforce: Workforce,
    pub classes: ClassRules,
    pub costs: Costs,
}

/// The cost of a plan, split as a manager reads it.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct PlanCost {
    pub hiring: f64,
    /// Salaries of everyone employed over the horizon (today's staff included).
    pub salaries: f64,
    pub under_fte_weeks: f64,
    pub over_fte_weeks: f64,
    /// Penalties of under- and over-staffing.
    pub penalties: f64,
}

impl PlanCost {
    pub fn total(&self) -> f64 {
        self.hiring + self.salaries + self.penalties
    }
}

/// The chosen plan.
#[derive(Debug, Clone, PartialEq)]
pub struct HiringPlan {
    /// Class size per week (0: no class starts).
    pub classes: Vec<u32>,
    pub weeks: Vec<WeekProjection>,
    pub cost: PlanCost,
    pub status: SolveStatus,
    /// Proven relative gap of the objective.
    pub gap: f64,
}

impl HiringProblem {
    /// Weeks planned.
    pub fn weeks(&self) -> usize {
        self.required.len()
    }

    /// The first week a class may start: after the recruiting lead time.
    pub fn first_start(&self) -> usize {
        self.workforce.recruiting_weeks as usize
    }

    /// The cost of `classes` (one size per week) under this problem: the objective
    /// the MIP minimises plus today's staff's salaries, recomputed from the projection
    /// (so a plan found any way, brute force included, is costed alike).
    pub fn cost(&self, classes: &[u32]) -> PlanCost {
        let weeks = project(&self.workforce, self.current, classes, self.weeks());
        let hires: u32 = classes.iter().sum();
        let mut cost = PlanCost {
            hiring: self.costs.hire * f64::from(hires),
            ..PlanCost::default()
        };
        for (week, required) in weeks.iter().zip(&self.required) {
            cost.salaries += self.costs.weekly_salary * week.headcount;
            cost.under_fte_weeks += (required - week.productive).max(0.0);
            cost.over_fte_weeks += (week.productive - required).max(0.0);
        }
        cost.penalties =
            self.costs.under * cost.under_fte_weeks + self.costs.over * cost.over_fte_weeks;
        cost
    }

    /// Whether `classes` obeys the class sizes, the lead time and the classroom.
    pub fn allows(&self, classes: &[u32]) -> bool {
        let rules = self.classes;
        let sizes_ok = classes.iter().enumerate().all(|(week, &size)| {
            size == 0
                || (week >= self.first_start() && (rules.min_size..=rules.max_size).contains(&size))
        });
        let training = self.workforce.training_weeks as usize;
        let classroom_ok = (0..self.weeks()).all(|week| {
            let first = (week + 1).saturating_sub(training);
            classes[first..=week.min(classes.len() - 1)]
                .iter()
                .sum::<u32>()
                <= rules.training_capacity
        });
        sizes_ok && classroom_ok
    }

    /// Solves the hiring MIP to `mip_gap`.
    pub fn solve(&self, mip_gap: f64) -> Result<HiringPlan> {
        let mut model = HiringModel::new(self);
        model.class_sizes();
        model.coverage();
        model.classroom();
        model.solve(mip_gap)
    }
}

/// The MIP under construction: one method per constraint family.
struct HiringModel<'a> {
    problem: &'a HiringProblem,
    variables: ProblemVariables,
    objective: Expression,
    constraints: Vec<good_lp::Constraint>,
    /// Class size per allowed start week (`None` before the lead time).
    size: Vec<Option<Column>>,
    open: Vec<Option<Column>>,
}

impl<'a> HiringModel<'a> {
    /// The class variables and their cost: hiring plus the salaries of the class's
    /// expected survivors to the end of the horizon.
    fn new(problem: &'a HiringProblem) -> Self {
        let mut variables = ProblemVariables::new();
        let mut objective = Expression::default();
        let weeks = problem.weeks();
        let mut size = vec![None; weeks];
        let mut open = vec![None; weeks];
        for start in problem.first_start()..weeks {
            let n = add_integer(&mut variables, Some(f64::from(problem.classes.max_size)));
            let y = add_binary(&mut variables);
            let paid_weeks: f64 = (0..weeks - start)
                .map(|tenure| problem.workforce.survival(tenure))
                .sum();
            objective.add_mul(
                problem.costs.hire + problem.costs.weekly_salary * paid_weeks,
                n.var,
            );
            size[start] = Some(n);
            open[start] = Some(y);
        }
        HiringModel {
            problem,
            variables,
            objective,
            constraints: Vec::new(),
            size,
            open,
        }
    }

    /// A class is empty or between the minimum and maximum size.
    fn class_sizes(&mut self) {
        let rules = self.problem.classes;
        for (n, y) in self.size.iter().zip(&self.open) {
            if let (Some(n), Some(y)) = (n, y) {
                self.constraints
                    .push((n.var - f64::from(rules.max_size) * y.var).leq(0.0));
                self.constraints
                    .push((n.var - f64::from(rules.min_size) * y.var).geq(0.0));
            }
        }
    }

    /// Each week's productive FTE, with its shortfall and surplus priced.
    fn coverage(&mut self) {
        let problem = self.problem;
        for (week, &required) in problem.required.iter().enumerate() {
            let mut productive = Expression::default();
            for (start, n) in self.size.iter().enumerate().take(week + 1) {
                if let Some(n) = n {
                    let share = problem.workforce.productive_per_hire(week - start);
                    if share > 0.0 {
                        productive.add_mul(share, n.var);
                    }
                }
            }
            let existing = problem.current * problem.workforce.existing_survival(week);
            let under = self.variables.add(good_lp::variable().min(0.0));
            let over = self.variables.add(good_lp::variable().min(0.0));
            self.objective.add_mul(problem.costs.under, under);
            self.objective.add_mul(problem.costs.over, over);
            self.constraints
                .push((productive + under - over).eq(required - existing));
        }
    }

    /// Trainees in the classroom at once stay within its capacity.
    fn classroom(&mut self) {
        let training = self.problem.workforce.training_weeks as usize;
        if training == 0 {
            return;
        }
        let capacity = f64::from(self.problem.classes.training_capacity);
        for week in 0..self.problem.weeks() {
            let first = (week + 1).saturating_sub(training);
            let mut trainees = Expression::default();
            let mut any = false;
            for n in self.size[first..=week].iter().flatten() {
                trainees += n.var;
                any = true;
            }
            if any {
                self.constraints.push(trainees.leq(capacity));
            }
        }
    }

    fn solve(self, mip_gap: f64) -> Result<HiringPlan> {
        let problem = self.problem;
        let mut highs = good_lp::solvers::highs::highs(self.variables.minimise(self.objective));
        for constraint in self.constraints {
            highs.add_constraint(constraint);
        }
        let limits = SolverLimits {
            time_limit_seconds: TIME_LIMIT_SECONDS,
            mip_gap,
        };
        let solution = run_mip(
            highs,
            limits,
            HighsRun::default(),
            "no hiring plan meets the class sizes and the classroom capacity",
        )?;
        let classes: Vec<u32> = self
            .size
            .iter()
            .map(|n| n.map_or(0, |n| solution.values[n.index].round().max(0.0) as u32))
            .collect();
        let cost = problem.cost(&classes);
        let weeks = project(
            &problem.workforce,
            problem.current,
            &classes,
            problem.weeks(),
        );
        Ok(HiringPlan {
            gap: crate::mip::relative_gap(solution.objective, solution.best_bound),
            status: solution.status,
            classes,
            weeks,
            cost,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::headcount::Ramp;
    use super::*;

    fn tiny() -> HiringProblem {
        HiringProblem {
            required: vec![20.0, 20.0, 22.0, 26.0, 27.0, 30.0, 30.0],
            current: 20.0,
            workforce: Workforce {
                weekly_attrition: 0.02,
                new_hire_attrition: 0.05,
                new_hire_weeks: 2,
                recruiting_weeks: 1,
                training_weeks: 1,
                ramp: Ramp::new(vec![0.5]),
            },
            classes: ClassRules {
                min_size: 2,
                max_size: 4,
                training_capacity: 5,
            },
            costs: Costs {
                hire: 300.0,
                weekly_salary: 100.0,
                under: 400.0,
                over: 20.0,
            },
        }
    }

    /// Every plan of the tiny instance (a class of 0 or 2-4 in each of weeks 1-6,
    /// 4^6 = 4096 plans), costed by the projection: the MIP's plan costs the least.
    #[test]
    fn mip_matches_brute_force() {
        let problem = tiny();
        let plan = problem.solve(0.0).unwrap();
        let sizes = [0_u32, 2, 3, 4];
        let starts = problem.weeks() - problem.first_start();
        let mut best = f64::INFINITY;
        let mut best_plan = Vec::new();
        for code in 0..sizes.len().pow(starts as u32) {
            let mut classes = vec![0_u32; problem.weeks()];
            let mut rest = code;
            for class in classes.iter_mut().skip(problem.first_start()) {
                *class = sizes[rest % sizes.len()];
                rest /= sizes.len();
            }
            if !problem.allows(&classes) {
                continue;
            }
            let total = problem.cost(&classes).total();
            if total < best - 1e-9 {
                best = total;
                best_plan = classes;
            }
        }
        assert!(problem.allows(&plan.classes));
        assert!(
            (plan.cost.total() - best).abs() < 1e-6,
            "MIP {:?} costs {}, brute force {:?} costs {best}",
            plan.classes,
            plan.cost.total(),
            best_plan
        );
        assert!(plan.classes.iter().sum::<u32>() > 0);
    }

    #[test]
    fn no_requirement_no_hires() {
        let mut problem = tiny();
        problem.required = vec![0.0; 7];
        let plan = problem.solve(0.0).unwrap();
        assert_eq!(plan.classes, vec![0; 7]);
        assert_eq!(plan.cost.hiring, 0.0);
    }
}
