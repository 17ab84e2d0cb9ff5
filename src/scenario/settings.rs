//! Parsing `scenario.toml` into [`Config`]: errors name the line (or, for a variant, the
//! file that set the value) and the dotted field path.

use crate::domain::Config;
use crate::error::{Error, Result};
use std::path::Path;

/// Deserialises merged settings of a variant; errors name the field's dotted path, and
/// `locate` finds the file (and line) that set it.
pub fn from_merged(
    merged: toml::Table,
    locate: impl Fn(&str) -> (std::path::PathBuf, Option<usize>),
) -> Result<Config> {
    serde_path_to_error::deserialize(toml::Value::Table(merged)).map_err(|err| {
        let path = err.path().to_string();
        let inner = err.into_inner();
        let field = crate::error::serde_field(&path, inner.message());
        let message = crate::error::plain_serde_words(inner.message());
        let (file, line) = locate(if field == "-" { "" } else { &field });
        Error::input(&file, line, field, message)
    })
}

/// Parses `scenario.toml`; errors name the line and the dotted field path.
pub fn parse(path: &Path, text: &str) -> Result<Config> {
    let de = toml::Deserializer::new(text);
    serde_path_to_error::deserialize(de).map_err(|err| {
        let field = err.path().to_string();
        let inner = err.into_inner();
        let line = inner
            .span()
            .map(|span| text[..span.start.min(text.len())].matches('\n').count() + 1);
        let field = crate::error::serde_field(&field, inner.message());
        let message = crate::error::plain_serde_words(inner.message());
        Error::input(path, line, field, message)
    })
}
