//! bienche: plans hiring, promotion, training and rotation so that every unit of a
//! Vietnamese province meets the ethnic-minority staffing targets (rules R1–R8 of
//! Decision 470/QĐ-TTg as adopted by the province) at least cost, in whole people.
//!
//! The pipeline, as [`run::plan`] runs it:
//! [`scenario::load`] (a checked [`domain::Spec`]) →
//! [`decompose::find_plan`] (for each group of units, [`recipe::build`] the model, then
//! [`solve::solve`] and [`plan::extract`] its tables; a proven bound) →
//! [`run::check_replay`] → [`evaluate::evaluate`] and [`diagnose::shortfalls`] →
//! [`forecast::forecast`] (no plan, for comparison) → [`output::tables::plan_tables`];
//! then [`run::write`] writes the tables with [`output::write`] and draws the
//! [`charts`] into an output folder kept by [`output::folder`].
//!
//! The modules stand on floors: [`domain`] (the words) at the bottom; then the readers of
//! inputs ([`scenario`], [`roster`]); the model's parts ([`model`]); a plan's tables
//! ([`plan`]); the rule families ([`rules`]), each holding its requirement, rows,
//! evaluation and explanation; the recipe, evaluation and diagnosis; the decomposition;
//! the output contract and charts; the pipeline ([`run`]); what runs it many times
//! ([`compare`], [`national`], [`simulate`]); and the command line ([`cli`]) on top. No
//! module imports one above it. `docs/architecture.md` has the map.

pub mod actuals;
pub mod budget;
pub mod charts;
pub mod cli;
pub mod compare;
pub mod decompose;
pub mod diagnose;
pub mod domain;
pub mod error;
pub mod evaluate;
pub mod forecast;
pub mod forms;
pub mod frontier;
pub mod generate;
pub mod history;
pub mod i18n;
pub mod machine;
pub mod model;
pub mod national;
pub mod output;
pub mod plan;
pub mod prices;
pub mod progress;
pub mod readings;
pub mod recipe;
pub mod replan;
pub mod report;
pub mod retirement;
pub mod rng;
pub mod roster;
pub mod rounding;
pub mod rules;
pub mod run;
pub mod scenario;
pub mod simulate;
pub mod solve;
pub mod table;
pub mod threads;
pub mod workbook;
