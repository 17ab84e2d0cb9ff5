//! Roster columns: the fields bienche reads, the headings it accepts for each (English and
//! Vietnamese, compared without case, spaces or diacritics), and the personal columns it
//! recognises only to leave alone.

use std::collections::BTreeMap;
use unicode_normalization::UnicodeNormalization;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Field {
    Unit,
    Birth,
    Sex,
    Group,
    Role,
    Trained,
    Hired,
    Difficult,
    Left,
    LeaveReason,
}

impl Field {
    pub const ALL: [Field; 10] = [
        Field::Unit,
        Field::Birth,
        Field::Sex,
        Field::Group,
        Field::Role,
        Field::Trained,
        Field::Hired,
        Field::Difficult,
        Field::Left,
        Field::LeaveReason,
    ];

    /// Name used in `[roster.columns]` and in messages.
    pub fn name(self) -> &'static str {
        match self {
            Field::Unit => "unit",
            Field::Birth => "birth",
            Field::Sex => "sex",
            Field::Group => "group",
            Field::Role => "role",
            Field::Trained => "trained",
            Field::Hired => "hired",
            Field::Difficult => "difficult_15y",
            Field::Left => "left",
            Field::LeaveReason => "leave_reason",
        }
    }

    pub fn from_name(name: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|f| f.name() == name)
    }

    pub fn names() -> Vec<&'static str> {
        Field::ALL.iter().map(|f| f.name()).collect()
    }

    pub fn required(self) -> bool {
        matches!(
            self,
            Field::Unit | Field::Birth | Field::Sex | Field::Group | Field::Role | Field::Trained
        )
    }

    /// Accepted headings, folded (see [`fold`]); the first is the one suggested in messages.
    fn headings(self) -> &'static [&'static str] {
        match self {
            Field::Unit => &["donvi", "unit", "madonvi", "donvicongtac", "coquan"],
            Field::Birth => &[
                "ngaysinh",
                "birth",
                "born",
                "birthdate",
                "dateofbirth",
                "namsinh",
                "ngaythangnamsinh",
            ],
            Field::Sex => &["gioitinh", "sex", "gender"],
            Field::Group => &["dantoc", "group", "ethnicgroup", "ethnicity"],
            Field::Role => &["vaitro", "role", "chucvu"],
            Field::Trained => &["dadaotao", "trained", "daotao", "dadaotaoboiduong"],
            Field::Hired => &[
                "ngaytuyendung",
                "hired",
                "hiredate",
                "ngayvaolam",
                "ngaybatdaucongtac",
            ],
            Field::Difficult => &[
                "congtacvungdbkktu15nam",
                "difficult15y",
                "difficultarea15y",
                "vungdbkk15nam",
                "dbkk15nam",
            ],
            Field::Left => &[
                "ngaynghiviec",
                "left",
                "leavedate",
                "ngaynghi",
                "ngaythoiviec",
            ],
            Field::LeaveReason => &["lydonghiviec", "leavereason", "lydonghi", "lydo"],
        }
    }

    /// The heading a planner would recognise, for messages about a missing column.
    pub fn suggested_heading(self) -> &'static str {
        match self {
            Field::Unit => "Đơn vị",
            Field::Birth => "Ngày sinh",
            Field::Sex => "Giới tính",
            Field::Group => "Dân tộc",
            Field::Role => "Vai trò",
            Field::Trained => "Đã đào tạo",
            Field::Hired => "Ngày tuyển dụng",
            Field::Difficult => "Công tác vùng ĐBKK từ 15 năm",
            Field::Left => "Ngày nghỉ việc",
            Field::LeaveReason => "Lý do nghỉ việc",
        }
    }

    pub fn matches(self, heading: &str) -> bool {
        let h = fold(heading);
        self.headings().contains(&h.as_str())
    }
}

/// Headings of personal columns (names, ID numbers): recognised so that the import can say
/// it ignored them; their values are never read.
pub fn is_personal(heading: &str) -> bool {
    const PERSONAL: &[&str] = &[
        "hovaten",
        "hoten",
        "ten",
        "name",
        "fullname",
        "macanbo",
        "id",
        "idnumber",
        "cccd",
        "socccd",
        "cmnd",
        "socmnd",
        "sodinhdanh",
        "sodinhdanhcanhan",
        "sobhxh",
        "dienthoai",
        "email",
        "diachi",
        "quequan",
    ];
    PERSONAL.contains(&fold(heading).as_str())
}

/// Lower case, without diacritics, spaces or punctuation: "Ngày sinh" → "ngaysinh",
/// "Khơ Mú" → "khomu", "ĐBKK" → "dbkk".
pub fn fold(text: &str) -> String {
    text.nfd()
        .filter(|c| !('\u{300}'..='\u{36f}').contains(c))
        .map(|c| match c {
            'đ' | 'Đ' => 'd',
            c => c,
        })
        .flat_map(char::to_lowercase)
        .filter(|c| c.is_alphanumeric())
        .collect()
}

/// Yes/no values: `yes/no`, `có/không`, `x`, `1/0`, `true/false`.
pub fn yes_no(text: &str) -> Option<bool> {
    match fold(text).as_str() {
        "yes" | "y" | "co" | "x" | "1" | "true" | "dung" => Some(true),
        "no" | "n" | "khong" | "0" | "false" | "chua" => Some(false),
        _ => None,
    }
}

/// `F`/`M`, `Nữ`/`Nam`, `female`/`male`: true for women.
pub fn female(text: &str) -> Option<bool> {
    match fold(text).as_str() {
        "f" | "nu" | "female" | "w" | "woman" => Some(true),
        "m" | "nam" | "male" | "man" => Some(false),
        _ => None,
    }
}

/// `leader`/`staff`, `Lãnh đạo`/`Chuyên viên` and the usual variants: true for leaders.
pub fn leader(text: &str) -> Option<bool> {
    match fold(text).as_str() {
        "leader" | "lanhdao" | "lanhdaoquanly" | "quanly" | "manager" => Some(true),
        "staff" | "chuyenvien" | "nhanvien" | "congchuc" | "vienchuc" => Some(false),
        _ => None,
    }
}

/// A qualification written in the trained column: a degree or a certificate counts as
/// trained (R8 counts a professional qualification), "chưa qua đào tạo" as not.
pub fn qualification(text: &str) -> Option<bool> {
    let f = fold(text);
    const NOT: &[&str] = &[
        "chuaquadaotao",
        "chuadaotao",
        "khongquadaotao",
        "chuaco",
        "khongco",
    ];
    // Political theory is not the professional qualification meant here, and a course
    // still under way is not yet training received: the row asks for a plain yes or no.
    if ["lyluanchinhtri", "llct", "chinhtri", "danghoc"]
        .iter()
        .any(|w| f.contains(w))
    {
        return None;
    }
    const YES: &[&str] = &[
        "daihoc",
        "thacsi",
        "tiensi",
        "caodang",
        "trungcap",
        "socap",
        "caocap",
        "cunhan",
        "kysu",
        "boiduong",
        "dadaotao",
        "daquadaotao",
        "chungchi",
        "saudaihoc",
    ];
    if NOT.iter().any(|n| f.starts_with(n)) {
        Some(false)
    } else if YES.iter().any(|y| f.starts_with(y)) {
        Some(true)
    } else {
        None
    }
}

/// Job titles and the role each stands for: the built-in table (`job_titles.csv` of this
/// folder), and before it the rows of a `job_titles.csv` beside the roster. A title matches
/// when its letters (without case or diacritics) begin the cell's; the longest match wins,
/// so "Phó Chủ tịch UBND xã" is a Phó Chủ tịch, a leader.
pub struct JobTitles {
    /// Folded title → leader, longest first.
    titles: Vec<(String, bool)>,
}

const BUILT_IN_TITLES: &str = include_str!("job_titles.csv");

impl JobTitles {
    /// The built-in table, with the rows of `own` (a job_titles.csv) over it.
    pub fn new(own: Option<&crate::table::Table>) -> crate::error::Result<JobTitles> {
        let mut map: BTreeMap<String, bool> = BTreeMap::new();
        let built_in = crate::table::Table::parse(
            std::path::Path::new("job_titles.csv (built in)"),
            BUILT_IN_TITLES,
            &["title", "role"],
            &[],
        )?;
        for table in std::iter::once(&built_in).chain(own) {
            for f in table.fields() {
                let role = f.required("role")?;
                let leader = leader(role).ok_or_else(|| {
                    f.error(
                        "role",
                        format!("\"{role}\": expected leader or staff (Lãnh đạo or Chuyên viên)"),
                    )
                })?;
                map.insert(fold(f.required("title")?), leader);
            }
        }
        let mut titles: Vec<(String, bool)> =
            map.into_iter().filter(|(t, _)| !t.is_empty()).collect();
        titles.sort_by_key(|(t, _)| std::cmp::Reverse(t.len()));
        Ok(JobTitles { titles })
    }

    /// The role of a job title: true for a leader. A staff title followed by a leader's
    /// words ("Cán bộ quản lý", "Chuyên viên, Phó Trưởng phòng") is not decided here: the
    /// row asks for the title in the job titles table.
    pub fn role_of(&self, title: &str) -> Option<bool> {
        let f = fold(title);
        let (t, leader) = self
            .titles
            .iter()
            .find(|(t, _)| f.starts_with(t.as_str()))?;
        let rest = &f[t.len()..];
        const LEADER_WORDS: &[&str] = &[
            "lanhdao",
            "quanly",
            "truongphong",
            "phophong",
            "truongban",
            "phoban",
            "chutich",
            "giamdoc",
            "bithu",
            "truongkhoa",
            "truongtram",
            "chihuy",
        ];
        if !*leader && LEADER_WORDS.iter().any(|w| rest.contains(w)) {
            return None;
        }
        Some(*leader)
    }
}

/// Whether a leaving reason is retirement (not counted as attrition).
pub fn is_retirement(reason: &str) -> bool {
    matches!(
        fold(reason).as_str(),
        "nghihuu" | "huu" | "retired" | "retirement" | "nghihuutruoctuoi" | "earlyretirement"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn job_titles_and_qualifications() {
        let t = JobTitles::new(None).unwrap();
        assert_eq!(t.role_of("Chủ tịch UBND xã"), Some(true));
        assert_eq!(t.role_of("Phó Chủ tịch UBND xã"), Some(true));
        assert_eq!(t.role_of("Chuyên viên chính"), Some(false));
        assert_eq!(t.role_of("Kế toán trưởng"), Some(true));
        // A staff title with a leader's words is left to the planner's table.
        assert_eq!(t.role_of("Cán bộ quản lý"), None);
        assert_eq!(t.role_of("Chuyên viên, Phó Trưởng phòng"), None);
        assert_eq!(t.role_of("Thủ kho"), None);
        assert_eq!(qualification("Đại học"), Some(true));
        assert_eq!(qualification("Không có"), Some(false));
        assert_eq!(qualification("Trung cấp lý luận chính trị"), None);
        assert_eq!(qualification("Đại học (đang học)"), None);
    }

    #[test]
    fn folding() {
        assert_eq!(fold("Ngày sinh"), "ngaysinh");
        assert_eq!(fold("Khơ Mú"), "khomu");
        assert_eq!(
            fold("Công tác vùng ĐBKK từ 15 năm"),
            "congtacvungdbkktu15nam"
        );
        assert_eq!(fold("H'Mông"), "hmong");
        assert_eq!(fold("Họ và tên"), "hovaten");
        assert_eq!(female("Nữ"), Some(true));
        assert_eq!(leader("Lãnh đạo"), Some(true));
        assert_eq!(yes_no("Không"), Some(false));
    }
}
