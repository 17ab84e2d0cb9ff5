//! Every word on a chart comes from `labels.tsv`: one row per label, one column per
//! language. A new language is a new column; `--lang` accepts any column's name.

use crate::error::{Error, Result};
use std::collections::BTreeMap;

const TABLE: &str = include_str!("labels.tsv");

#[derive(Clone)]
pub struct Labels {
    lang: String,
    text: BTreeMap<String, String>,
    /// The console's message templates (keys `m_…`): English, and this language's, in the
    /// table's order ([`crate::i18n`]).
    messages: Vec<(String, String)>,
}

/// The languages the table has.
pub fn languages() -> Vec<String> {
    TABLE
        .lines()
        .next()
        .map(|h| h.split('\t').skip(1).map(str::to_string).collect())
        .unwrap_or_default()
}

impl Labels {
    pub fn new(lang: &str) -> Result<Labels> {
        let mut lines = TABLE.lines();
        let header: Vec<&str> = lines.next().unwrap_or("").split('\t').collect();
        let col = header
            .iter()
            .position(|h| *h == lang)
            .filter(|&i| i > 0)
            .ok_or_else(|| {
                Error::Usage(format!(
                    "--lang: expected one of {}, found \"{lang}\"",
                    languages().join(", ")
                ))
            })?;
        let mut text = BTreeMap::new();
        let mut messages = Vec::new();
        for l in lines.filter(|l| !l.trim().is_empty()) {
            let cells: Vec<&str> = l.split('\t').collect();
            let here = cells.get(col).copied().unwrap_or("").to_string();
            if cells[0].starts_with("m_") {
                messages.push((
                    cells.get(1).copied().unwrap_or("").to_string(),
                    here.clone(),
                ));
            }
            text.insert(cells[0].to_string(), here);
        }
        Ok(Labels {
            lang: lang.to_string(),
            text,
            messages,
        })
    }

    pub fn lang(&self) -> &str {
        &self.lang
    }

    /// The label `key`, if the table has it.
    pub fn lookup(&self, key: &str) -> Option<&str> {
        self.text.get(key).map(String::as_str)
    }

    /// The label `key` with `{0}`, `{1}`, … filled in.
    pub fn get(&self, key: &str, args: &[&str]) -> String {
        let mut s = self
            .text
            .get(key)
            .cloned()
            .unwrap_or_else(|| format!("[{key}]"));
        for (i, a) in args.iter().enumerate() {
            s = s.replace(&format!("{{{i}}}"), a);
        }
        s
    }

    /// The message templates, English and this language's, in the table's order.
    pub fn messages(&self) -> Vec<(String, String)> {
        self.messages.clone()
    }

    /// A number with `decimals` places and the language's separators.
    pub fn num(&self, x: f64, decimals: usize) -> String {
        let s = format!("{:.*}", decimals, x.abs());
        let (int, frac) = s.split_once('.').unwrap_or((&s, ""));
        let sep = self.get("_thousands", &[]);
        let mut grouped = String::new();
        for (i, ch) in int.chars().enumerate() {
            if i > 0 && (int.len() - i) % 3 == 0 {
                grouped.push_str(&sep);
            }
            grouped.push(ch);
        }
        let sign = if x < 0.0 && s.chars().any(|c| c.is_ascii_digit() && c != '0') {
            "-"
        } else {
            ""
        };
        if frac.is_empty() {
            format!("{sign}{grouped}")
        } else {
            format!("{sign}{grouped}{}{frac}", self.get("_decimal", &[]))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_label_exists_in_every_language() {
        let langs = languages();
        assert!(langs.contains(&"vi".to_string()) && langs.contains(&"en".to_string()));
        for line in TABLE.lines().skip(1) {
            let cells: Vec<&str> = line.split('\t').collect();
            assert_eq!(cells.len(), langs.len() + 1, "{line}");
            assert!(cells.iter().all(|c| !c.is_empty()), "{line}");
        }
    }

    #[test]
    fn every_key_is_given_once() {
        let mut seen = std::collections::BTreeSet::new();
        for line in TABLE.lines().skip(1) {
            let key = line.split('\t').next().unwrap_or_default();
            assert!(seen.insert(key), "{key} is given twice");
        }
    }

    #[test]
    fn numbers_follow_the_language() {
        assert_eq!(Labels::new("en").unwrap().num(6781.94, 1), "6,781.9");
        assert_eq!(Labels::new("vi").unwrap().num(6781.94, 1), "6.781,9");
        assert_eq!(Labels::new("vi").unwrap().num(29.9, 1), "29,9");
        assert!(Labels::new("fr").is_err());
    }
}
