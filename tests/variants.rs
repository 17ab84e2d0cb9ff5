//! Variants: settings and rows overridden, provenance in check, bad overrides named.

use crate::common;

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

/// `[[remove]]` takes the bases' rows out before the variant's own are laid on: the
/// fixture's only exam row (2026–2027 at 100 a hire) removed and a row for 2027 alone at
/// 150 added, the four hires cost 150 each: 4 × 150 + a promotion at 10 = 610 (410 with
/// the base's row kept). A whole table is removed by naming no cell.
#[test]
fn a_variant_removes_the_bases_rows_by_their_cells() {
    let (tmp, variant) = base_and_variant(
        "extends = \"../scenario\"\n\n[[remove]]\ntable = \"channels.csv\"\nchannel = \"exam\"\n\n[[remove]]\ntable = \"staff.csv\"\n",
    );
    std::fs::write(
        variant.join("channels.csv"),
        "channel,year,groups,kinds,max_hires,cost_per_hire,women_share,trained\nexam,2027,EM,commune,,150,50,yes\n",
    )
    .unwrap();
    std::fs::write(
        variant.join("staff.csv"),
        "unit,group,gender,role,trained,count\nC1,Kinh,M,staff,yes,6\n",
    )
    .unwrap();
    let o = bienche(&["check", variant.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let stdout = String::from_utf8_lossy(&o.stdout);
    let base = tmp.path().join("scenario");
    let toml = variant.join("scenario.toml");
    assert!(
        stdout.contains(&format!(
            "  channels.csv: 1 rows from {}; 1 rows removed by {}; 0 rows replaced and 1 added by {}",
            base.join("channels.csv").display(),
            toml.display(),
            variant.join("channels.csv").display()
        )),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!(
            "  staff.csv: 1 rows from {}; 1 rows removed by {}; 0 rows replaced and 1 added by {}",
            base.join("staff.csv").display(),
            toml.display(),
            variant.join("staff.csv").display()
        )),
        "{stdout}"
    );
    let out = plan(&variant, &tmp);
    assert_eq!(num(&summary(&out), &["solver", "objective"]), 610.0);
    let hires: u32 = read_csv(&out.join("flows.csv"))
        .iter()
        .filter(|r| r["flow"] == "hire")
        .map(|r| {
            assert_eq!(r["year"], "2027", "{r:?}");
            r["count"].parse::<u32>().unwrap()
        })
        .sum();
    assert_eq!(hires, 4);
}

/// A removal that names an unknown table, a column the table lacks, or cells no row
/// holds is an error naming the entry's line and field, in English and in Vietnamese.
#[test]
fn a_bad_removal_is_named_with_its_line_and_field() {
    let cases = [
        (
            "extends = \"../scenario\"\n\n[[remove]]\ntable = \"chanels.csv\"\n",
            "error: scenario.toml, line 3: field 'remove[0].table': expected the file name of a scenario table (groups.csv, units.csv, staff.csv, retirements.csv, quotas.csv, channels.csv, channel_caps.csv, transfers.csv, budget.csv, attrition.csv, hiring_mix.csv), found chanels.csv\n",
            "lỗi: scenario.toml, dòng 3: cột 'remove[0].table': cần tên tệp của một bảng kịch bản (groups.csv, units.csv, staff.csv, retirements.csv, quotas.csv, channels.csv, channel_caps.csv, transfers.csv, budget.csv, attrition.csv, hiring_mix.csv), gặp chanels.csv\n",
        ),
        (
            "extends = \"../scenario\"\n\n[[remove]]\ntable = \"staff.csv\"\n\n[[remove]]\ntable = \"channels.csv\"\nchanel = \"exam\"\n",
            "error: scenario.toml, line 6: field 'remove[1].chanel': channels.csv has no such column; expected one of channel, year, groups, kinds, max_hires, cost_per_hire, women_share, trained\n",
            "lỗi: scenario.toml, dòng 6: cột 'remove[1].chanel': channels.csv không có cột này; cần một trong: channel, year, groups, kinds, max_hires, cost_per_hire, women_share, trained\n",
        ),
        (
            "extends = \"../scenario\"\n\n[[remove]]\ntable = \"channels.csv\"\nchannel = \"exam\"\nyear = 2026\n",
            "error: scenario.toml, line 3: field 'remove[0]': no row of channels.csv has channel = exam, year = 2026 as written; expected the cells of rows the bases hold\n",
            "lỗi: scenario.toml, dòng 3: cột 'remove[0]': không dòng nào của channels.csv có đúng channel = exam, year = 2026; cần các ô của những dòng có trong kịch bản gốc\n",
        ),
        (
            "extends = \"../scenario\"\n\n[[remove]]\ntable = \"budget.csv\"\n",
            "error: scenario.toml, line 3: field 'remove[0].table': no scenario this one extends has budget.csv to remove rows from; expected a table of the bases\n",
            "lỗi: scenario.toml, dòng 3: cột 'remove[0].table': không kịch bản gốc nào có budget.csv để bỏ dòng; cần một bảng của kịch bản gốc\n",
        ),
        (
            // Headers with comments, as the docs write them: the second entry's own line.
            "extends = \"../scenario\"\n\n[[remove]]   # the staff, replaced\ntable = \"staff.csv\"\n\n[[ remove ]] # a typo\ntable = \"channels.csv\"\nchannel = \"exma\"\n",
            "error: scenario.toml, line 6: field 'remove[1]': no row of channels.csv has channel = exma as written; expected the cells of rows the bases hold\n",
            "lỗi: scenario.toml, dòng 6: cột 'remove[1]': không dòng nào của channels.csv có đúng channel = exma; cần các ô của những dòng có trong kịch bản gốc\n",
        ),
        (
            "extends = \"../scenario\"\nremove = \"staff.csv\"\n",
            "error: scenario.toml, line 2: field 'remove': expected [[remove]] entries, each with table = \"a table's file name\" and the cells of the rows to remove\n",
            "lỗi: scenario.toml, dòng 2: cột 'remove': cần các mục [[remove]], mỗi mục có table = \"tên tệp của bảng\" và các ô của những dòng cần bỏ\n",
        ),
    ];
    for (toml, english, vietnamese) in cases {
        let (_t, variant) = base_and_variant(toml);
        let o = bienche(&["check", variant.to_str().unwrap(), "--lang", "en"]);
        assert_eq!(o.status.code(), Some(2), "{toml}");
        assert_eq!(String::from_utf8_lossy(&o.stderr), english, "{toml}");
        let o = bienche(&["check", variant.to_str().unwrap(), "--lang", "vi"]);
        assert_eq!(o.status.code(), Some(2), "{toml}");
        assert_eq!(String::from_utf8_lossy(&o.stderr), vietnamese, "{toml}");
    }
}
