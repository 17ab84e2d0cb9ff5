//! The planning model: the shared [`Model`] (columns, rows and their [`Registry`], the
//! objective), and the building blocks the recipe ([`crate::recipe::build`]) calls in order:
//! stocks and flows ([`stocks`]), staffing limits ([`staffing`]), shared capacities
//! ([`capacity`]), target rows ([`targets`], for every rule family of [`crate::rules`]),
//! and the objective ([`objective`]). How a model of part of the province treats what it
//! shares with the rest is [`coupling`].
//!
//! The model itself (columns, rows, objective) is [`problem::Model`].
//!
//! # Formulation
//!
//! Sets: units `u`, cells `c = (group, gender, role, trained)`, planned years
//! `t = base+1..=horizon`, target years `y` with roadmap level `λ_y`.
//!
//! Decisions (all **integer**, whole people): hires `h[u,k,g,s,t]` by channel-year `k`
//! (people who stay; see [`stocks`] for new-hire leavers); promotions `p[u,c,t]` (trained
//! EM staff → leader); trainings `r[u,c,t]` (EM untrained → trained); transfers
//! `x[route,u→v,c,t]` of EM staff; streamlining exits `e[u,c,t]`; step-downs `d[u,c,t]`
//! (a base-year leader at the end of a term → staff, [`staffing`]). Stocks `S[u,c,t]` are
//! continuous columns that the balances make whole.
//!
//! Stock balance (equality, one row per unit, cell and year):
//! `S[t] = S[t−1] − R[t] − A[t] + Σ_k h ± p ± d ± r − e + x_in − x_out`,
//! where `R` (retirements, input) and `A` (attrition of the existing workforce) are
//! **integer data**, see [`stocks`].
//!
//! ## Why this solves well, and why it is still correct
//! A naive model applies a fractional attrition rate to stock variables
//! (`S[t] = (1−a)·S[t−1] + …`). Stocks then take fractional values, every ceiling in a
//! target (“20% of 47 is 10 people”) needs its own integer rounding, and HiGHS spends its
//! time closing a gap made of fractions of people. Here every coefficient in a balance is
//! ±1 and every right-hand side an integer, so stocks are integral whenever the flows are,
//! and each rate rule with an integer right-hand side is already a whole-person rule
//! (`S_em ≥ ⌈0.16·47⌉ = 8`). Rules whose minimum depends on the plan (R6–R8) use an integer
//! “required” variable `m ≥ λ·rate·S_em`, which the objective pushes down to exactly
//! `⌈λ·rate·S_em⌉`. Attrition becomes data in two exact steps:
//! - The existing workforce's expected leavers are computed once per unit, cell and year
//!   on the base cohort (after retirements), and rounded by cumulative rounding so totals
//!   over the horizon stay within half a person of the expectation per cell.
//! - New hires leave with probability `P = 1−(1−a_new)^n` over their first `n` years; a
//!   planned hire is a person who stays, and costs `1/(1−P)` recruitments (the expected
//!   replacements) in money and channel capacity.
//!
//! What is given up: the existing workforce's attrition does not react to the plan (the
//! stock-non-negativity rows keep a cell's booked leavers in it until they leave), and
//! hires' attrition after their first years is not modelled. Both are documented in
//! `docs/model.md`.
//!
//! The whole-province model is too large for HiGHS's MIP heuristics; [`crate::decompose`]
//! plans it in groups of units and proves the gap with a Lagrangian bound.
//!
//! Every target row has a slack priced by [`crate::rules::intent::price`] (by default
//! `policy.shortfall_penalty` per person in a target year), far above
//! any real cost, so an unreachable target still yields the cheapest plan that gets closest,
//! and the report names the unit, rule, year and shortfall. Rows are recorded in a
//! [`Registry`] because HiGHS, through good_lp, drops names.

pub mod capacity;
pub mod coupling;
pub mod objective;
pub mod problem;
pub mod registry;
pub mod staffing;
pub mod stocks;
pub mod targets;

pub use crate::domain::FlowKind;
pub use coupling::{Coupling, Purchase, Scope, SharedRow, TargetChange};
pub use problem::{Amount, Flow, LimitSlack, Model, TargetSlack};
pub use registry::{Registry, RowKind, RowMeta};
