//! Minimisation of smoothing-parameter errors: a coarse grid for a start, then
//! Nelder-Mead (Nelder & Mead 1965, Computer Journal 7:308; the standard reflection,
//! expansion, contraction and shrink coefficients 1, 2, 1/2, 1/2) inside the unit box.

/// Minimises `cost` over points of `[0, 1]^n`: the best point of `grid` starts a
/// Nelder-Mead search of at most `max_evaluations` evaluations. Returns the best point
/// and its cost.
pub fn minimize_in_unit_box(
    cost: &mut dyn FnMut(&[f64]) -> f64,
    grid: &[Vec<f64>],
    step: f64,
    max_evaluations: usize,
) -> (Vec<f64>, f64) {
    let mut best = grid
        .iter()
        .map(|point| (point.clone(), cost(point)))
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .expect("a non-empty grid");
    let dimensions = best.0.len();
    let clamp =
        |point: Vec<f64>| -> Vec<f64> { point.into_iter().map(|x| x.clamp(0.0, 1.0)).collect() };
    // Initial simplex: the start and one step along each axis (inwards at the border).
    let mut simplex: Vec<(Vec<f64>, f64)> = vec![best.clone()];
    for axis in 0..dimensions {
        let mut point = best.0.clone();
        point[axis] += if point[axis] + step <= 1.0 {
            step
        } else {
            -step
        };
        let point = clamp(point);
        let value = cost(&point);
        simplex.push((point, value));
    }
    let mut evaluations = dimensions + 1;
    while evaluations < max_evaluations {
        simplex.sort_by(|a, b| a.1.total_cmp(&b.1));
        let spread = simplex[dimensions].1 - simplex[0].1;
        if spread.abs() <= 1e-10 * simplex[0].1.abs().max(1e-12) {
            break;
        }
        let centroid: Vec<f64> = (0..dimensions)
            .map(|i| {
                simplex[..dimensions].iter().map(|(p, _)| p[i]).sum::<f64>() / dimensions as f64
            })
            .collect();
        let along = |t: f64| -> Vec<f64> {
            clamp(
                (0..dimensions)
                    .map(|i| centroid[i] + t * (simplex[dimensions].0[i] - centroid[i]))
                    .collect(),
            )
        };
        let reflected = along(-1.0);
        let reflected_cost = cost(&reflected);
        evaluations += 1;
        if reflected_cost < simplex[0].1 {
            let expanded = along(-2.0);
            let expanded_cost = cost(&expanded);
            evaluations += 1;
            simplex[dimensions] = if expanded_cost < reflected_cost {
                (expanded, expanded_cost)
            } else {
                (reflected, reflected_cost)
            };
        } else if reflected_cost < simplex[dimensions - 1].1 {
            simplex[dimensions] = (reflected, reflected_cost);
        } else {
            let contracted = if reflected_cost < simplex[dimensions].1 {
                along(-0.5)
            } else {
                along(0.5)
            };
            let contracted_cost = cost(&contracted);
            evaluations += 1;
            if contracted_cost < simplex[dimensions].1.min(reflected_cost) {
                simplex[dimensions] = (contracted, contracted_cost);
            } else {
                let anchor = simplex[0].0.clone();
                for vertex in simplex.iter_mut().skip(1) {
                    let point: Vec<f64> = vertex
                        .0
                        .iter()
                        .zip(&anchor)
                        .map(|(x, a)| a + 0.5 * (x - a))
                        .collect();
                    vertex.1 = cost(&point);
                    vertex.0 = point;
                    evaluations += 1;
                }
            }
        }
    }
    simplex.sort_by(|a, b| a.1.total_cmp(&b.1));
    if simplex[0].1 < best.1 {
        best = simplex[0].clone();
    }
    best
}

/// Every combination of the given values per dimension.
pub fn grid(values: &[&[f64]]) -> Vec<Vec<f64>> {
    values.iter().fold(vec![Vec::new()], |points, axis| {
        points
            .iter()
            .flat_map(|point| {
                axis.iter().map(move |&x| {
                    let mut extended = point.clone();
                    extended.push(x);
                    extended
                })
            })
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_minimum_of_a_bowl_inside_the_box_and_on_its_border() {
        let mut bowl = |p: &[f64]| (p[0] - 0.3).powi(2) + 2.0 * (p[1] - 0.7).powi(2);
        let start = grid(&[&[0.1, 0.9], &[0.1, 0.9]]);
        assert_eq!(start.len(), 4);
        let (best, value) = minimize_in_unit_box(&mut bowl, &start, 0.1, 400);
        assert!(
            (best[0] - 0.3).abs() < 1e-3 && (best[1] - 0.7).abs() < 1e-3,
            "{best:?}"
        );
        assert!(value < 1e-6);
        // The unconstrained minimum (1.4, -0.2) is outside: the corner (1, 0) is best.
        let mut outside = |p: &[f64]| (p[0] - 1.4).powi(2) + (p[1] + 0.2).powi(2);
        let (best, _) = minimize_in_unit_box(&mut outside, &start, 0.1, 400);
        assert!(
            (best[0] - 1.0).abs() < 1e-3 && best[1].abs() < 1e-3,
            "{best:?}"
        );
    }
}
