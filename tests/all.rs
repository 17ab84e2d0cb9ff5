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

/// Every `tests/<feature>.rs` is a module above: with `autotests = false` a file left out
/// would never be built or run.
#[test]
fn every_feature_file_is_a_module_of_this_binary() {
    let all = include_str!("all.rs");
    let tests = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let mut missing = Vec::new();
    for e in std::fs::read_dir(tests).unwrap().flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let Some(feature) = name.strip_suffix(".rs") else {
            continue;
        };
        if feature != "all" && feature != "corpus" && !all.contains(&format!("\nmod {feature};\n"))
        {
            missing.push(name);
        }
    }
    assert_eq!(
        missing,
        Vec::<String>::new(),
        "not declared in tests/all.rs"
    );
}
