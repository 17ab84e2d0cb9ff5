//! The integration tests, one module per feature (`tests/<feature>.rs`), built as one
//! binary: one link instead of one per feature, and the slow tests of different features
//! run side by side. Run one feature's tests with `cargo test --release --test all
//! <feature>::`. The bad-input corpus is its own binary (`tests/corpus.rs`, its own main).

mod common;

mod actuals;
mod actuals_roster;
mod base_tenure;
mod booked;
mod budget;
mod charts;
mod compare;
mod confidence;
mod engine;
mod exits;
mod forecast;
mod forms;
mod frontier;
mod fuzz_loader;
mod golden;
mod history;
mod input_errors;
mod intent;
mod interrupts;
mod lang;
mod leader_terms;
mod national;
mod output_safety;
mod outputs;
mod prices;
mod readings;
mod replan;
mod report;
mod retirement;
mod roster;
mod scenario_workbook;
mod simulate;
mod variants;
mod workbook;
