//! Variants: settings and rows overridden, provenance in check, bad overrides named.

mod common;

use common::*;

#[test]
fn a_variant_overrides_settings_and_rows_and_check_says_where_each_came_from() {
    let (tmp, variant) = base_and_variant(
        "extends = \"../scenario\"\nname = \"variant\"\n\n[costs]\npromotion = 99.0\n",
    );
    std::fs::write(
        variant.join("channels.csv"),
        "channel,year,groups,kinds,max_hires,cost_per_hire,women_share,trained\nexam,2026-2027,EM,commune,,50,50,yes\n",
    )
    .unwrap();
    let o = bienche(&["check", variant.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let stdout = String::from_utf8_lossy(&o.stdout);
    let base = tmp.path().join("scenario");
    assert!(stdout.contains(&format!(
        "  costs.promotion = 99.0  ← {}",
        variant.join("scenario.toml").display()
    )));
    assert!(stdout.contains(&format!(
        "  costs.severance = 50.0  ← {}",
        base.join("scenario.toml").display()
    )));
    assert!(stdout.contains(&format!(
        "  channels.csv: 1 rows from {}; 1 rows replaced and 0 added by {}",
        base.join("channels.csv").display(),
        variant.join("channels.csv").display()
    )));
    // must-hire costs 4 hires × 100 + a promotion at 10 = 410; here 4 × 50 + 99 = 299.
    let out = plan(&variant, &tmp);
    assert_eq!(num(&summary(&out), &["solver", "objective"]), 299.0);
}

#[test]
fn a_bad_override_is_named_with_its_file_line_and_field() {
    let (_t, variant) =
        base_and_variant("extends = \"../scenario\"\n\n[polcy]\nroadmap = \"coverage\"\n");
    let o = bienche(&["check", variant.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&o.stderr),
        "error: scenario.toml, line 3: field 'polcy': unknown field `polcy`, expected one of `name`, `description`, `illustrative`, `time`, `policy`, `staffing`, `attrition`, `costs`, `training`, `promotion`, `intent`, `budget`, `solver`, `simulation`, `roster`, `adjust`\n"
    );
    let (_t, variant) =
        base_and_variant("extends = \"../scenario\"\n\n[adjust.channel_factor]\nnomnated = 2.0\n");
    let o = bienche(&["check", variant.to_str().unwrap()]);
    assert_eq!(
        String::from_utf8_lossy(&o.stderr),
        "error: scenario.toml, line 4: field 'adjust.channel_factor.nomnated': no channel \"nomnated\" in channels.csv; expected one of the channels: exam\n"
    );
    let (t, variant) = base_and_variant("extends = \"../nowhere\"\n");
    let o = bienche(&["check", variant.to_str().unwrap()]);
    assert_eq!(
        String::from_utf8_lossy(&o.stderr),
        format!(
            "error: scenario.toml, line 1: field 'extends': no scenario at {} (expected a folder holding scenario.toml)\n",
            t.path().join("nowhere").display()
        )
    );
    // A key overridden twice in a variant's table is an error at the second row.
    let (_t, variant) = base_and_variant("extends = \"../scenario\"\n");
    std::fs::write(
        variant.join("units.csv"),
        "id,name,kind,em_population_share,quota,leader_posts\nC1,A,commune,80,10,1\nC1,B,commune,80,12,1\n",
    )
    .unwrap();
    let o = bienche(&["check", variant.to_str().unwrap()]);
    assert_eq!(
        String::from_utf8_lossy(&o.stderr),
        "error: units.csv, line 3: field 'id': this key is already overridden on line 2; expected each key once in a variant's table\n"
    );
    // compare will not write over a scenario it reads.
    let o = compare(&[&variant], &variant, "1");
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("which writing the output would replace"));
    assert!(variant.join("scenario.toml").exists());
}
