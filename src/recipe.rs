//! The model as an ordered recipe, in the manner of PyPSA's `create_model`: one step a
//! function, each adding its columns and rows to the shared [`Model`]:
//!
//! 1. cells each unit can hold ([`stocks::add_cells`]);
//! 2. flows: retirements and attrition as data, hires, promotions, step-downs, trainings,
//!    exits and transfers as whole-person columns ([`stocks::add_flows`]);
//! 3. stock balances ([`stocks::add_balances`]);
//! 4. staffing limits: quota, staffing floor, leader posts, step-downs, exit allowance
//!    ([`staffing`]);
//! 5. shared capacities: channels, women candidates, training seats, budget ([`capacity`]);
//! 6. the rules, family by family ([`crate::rules::FAMILIES`]): each family's set-up rows
//!    (and the rows of I1–I2, held every year), then for every year of the roadmap
//!    ([`crate::rules::roadmap`]: target years and the milestones between them) every
//!    family's targets ([`targets::add_chain`]); in target years also the clause rows, the
//!    coverage counts and the goals;
//! 7. the objective ([`objective`]).
//!
//! The formulation of each step is in its module's documentation; `docs/model.md` gathers it.

use crate::domain::Spec;
use crate::model::targets::{self, Coverage};
use crate::model::{capacity, objective, staffing, stocks, Model, Scope};
use crate::rules::{roadmap, FAMILIES};

/// Builds the model for a checked scenario, over the units of `scope`.
pub fn build(spec: &Spec, scope: Scope) -> Model {
    build_on(spec, scope, &roadmap::schedule(spec))
}

/// [`build`], with the roadmap's targets already worked out.
pub fn build_on(spec: &Spec, scope: Scope, schedule: &roadmap::Schedule) -> Model {
    let mut m = Model::new(scope);
    stocks::add_cells(spec, &mut m);
    stocks::add_flows(spec, &mut m);
    stocks::add_balances(spec, &mut m);
    staffing::add(spec, &mut m);
    capacity::add(spec, &mut m);
    add_rules(spec, &mut m, schedule);
    objective::add_objective(spec, &mut m);
    m
}

fn add_rules(spec: &Spec, m: &mut Model, schedule: &roadmap::Schedule) {
    for family in FAMILIES {
        family.prepare_rows(spec, m);
    }
    for (y, chains) in schedule {
        let mut coverage = Coverage::default();
        for chain in chains {
            targets::add_chain(spec, m, chain, y.level, &mut coverage);
        }
        if y.milestone {
            continue;
        }
        for family in FAMILIES {
            family.add_clause_rows(spec, m, y.year);
        }
        targets::add_coverage_counts(m, y.year, y.level, coverage);
        for family in FAMILIES {
            family.add_goal_rows(spec, m, y.year);
        }
    }
}
