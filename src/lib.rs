//! bienche: plans hiring, promotion, training and rotation so that every unit of a
//! Vietnamese province meets the ethnic-minority staffing targets (rules R1–R8 of
//! Decision 470/QĐ-TTg as adopted by the province) at least cost, in whole people.
//!
//! Pipeline: [`scenario::load`] → [`recipe::build`] → [`solve::solve`] → [`plan::extract`] →
//! [`evaluate::evaluate`] → [`output::write`].

pub mod charts;
pub mod cli;
pub mod compare;
pub mod decompose;
pub mod diagnose;
pub mod domain;
pub mod error;
pub mod evaluate;
pub mod forecast;
pub mod generate;
pub mod model;
pub mod national;
pub mod output;
pub mod plan;
pub mod progress;
pub mod recipe;
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
