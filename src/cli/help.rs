//! The command line's own words in the console's language: the help of every command and
//! option, clap's headings and usage, the `help` command, and clap's error messages.
//!
//! Every command's description is the label `help_<path>` (`help_plan`,
//! `help_roster_import`; the program's is `help_about`) and every option's `help_<path>_<id>`
//! (`help_plan_out`; the shared options' `help_lang`, `help_skip_bad_rows`), from
//! `src/charts/labels.tsv`. A test walks the command tree and requires a label for each, so a
//! new option cannot ship English-only. English uses clap as it is.

use crate::charts::labels::Labels;
use clap::{Arg, ArgAction, Command};

/// `cmd` with every description, heading and usage in the language of `l`.
pub fn translated(cmd: Command, l: &Labels) -> Command {
    let usages = usages(&cmd);
    let cmd = cmd.disable_version_flag(true).arg(
        Arg::new("version")
            .short('V')
            .long("version")
            .action(ArgAction::Version)
            .help(l.get("help_version_flag", &[])),
    );
    command(cmd, &[], &usages, l)
}

/// Each command's usage line as clap writes it (`bienche plan [OPTIONS] --out <OUT>
/// <SCENARIO>`), by the path of subcommand names.
fn usages(cmd: &Command) -> Vec<(Vec<String>, String)> {
    let mut built = cmd.clone();
    built.build();
    let mut out = Vec::new();
    walk(&mut built, &mut Vec::new(), &mut out);
    out
}

fn walk(cmd: &mut Command, path: &mut Vec<String>, out: &mut Vec<(Vec<String>, String)>) {
    let usage = cmd.render_usage().to_string();
    let usage = usage.strip_prefix("Usage: ").unwrap_or(&usage).to_string();
    out.push((path.clone(), usage));
    for sub in cmd.get_subcommands_mut() {
        if sub.get_name() == "help" {
            continue;
        }
        path.push(sub.get_name().to_string());
        walk(sub, path, out);
        path.pop();
    }
}

/// The label key of a command (`help_plan`) or, with `id`, of one of its options.
pub fn key(path: &[String], id: Option<&str>) -> String {
    match (path.is_empty(), id) {
        (true, None) => "help_about".into(),
        (true, Some(id)) => format!("help_{id}"),
        (false, None) => format!("help_{}", path.join("_")),
        (false, Some(id)) => format!("help_{}_{id}", path.join("_")),
    }
}

fn command(
    mut cmd: Command,
    path: &[String],
    usages: &[(Vec<String>, String)],
    l: &Labels,
) -> Command {
    if let Some(about) = l.lookup(&key(path, None)) {
        cmd = cmd.about(about.to_string()).long_about(None);
    }
    // Each option's value name (`<OUT>`) in words: the label `help_value_OUT`.
    let value_names: Vec<(String, String, String)> = cmd
        .get_arguments()
        .filter(|a| a.get_action().takes_values())
        .filter_map(|a| {
            let name = value_name(a);
            let words = l.lookup(&format!("help_value_{name}"))?;
            Some((a.get_id().to_string(), name, words.to_string()))
        })
        .collect();
    if let Some((_, usage)) = usages.iter().find(|(p, _)| p == path) {
        let mut usage = usage
            .replace("[OPTIONS]", &l.get("help_options_placeholder", &[]))
            .replace("<COMMAND>", &l.get("help_command_placeholder", &[]));
        for (_, name, words) in &value_names {
            usage = usage.replace(&format!("<{name}>"), &format!("<{words}>"));
        }
        cmd = cmd.override_usage(usage);
    }
    let (positional, options) = (l.get("help_arguments", &[]), l.get("help_options", &[]));
    let default = l.get("help_default", &[]);
    let ids: Vec<String> = cmd
        .get_arguments()
        .map(|a| a.get_id().to_string())
        .collect();
    for id in ids {
        let help = l.lookup(&key(path, Some(&id))).map(str::to_string);
        let value_name = value_names
            .iter()
            .find(|(i, _, _)| *i == id)
            .map(|(_, _, words)| words.clone());
        let (positional, options, default) = (positional.clone(), options.clone(), default.clone());
        cmd = cmd.mut_arg(&id, move |a| {
            let heading = if a.is_positional() {
                positional
            } else {
                options
            };
            let a = match value_name {
                Some(name) => a.value_name(name),
                None => a,
            };
            let defaults: Vec<String> = a
                .get_default_values()
                .iter()
                .map(|v| v.to_string_lossy().into_owned())
                .collect();
            let mut a = a.help_heading(heading);
            if let Some(mut help) = help {
                if !defaults.is_empty() {
                    help = format!("{help} [{default}: {}]", defaults.join(", "));
                    a = a.hide_default_value(true);
                }
                a = a.help(help);
            }
            a
        });
    }
    cmd = own_words(cmd, l).subcommand_help_heading(l.get("help_commands", &[]));
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    if !names.is_empty() {
        // clap's own `help` command cannot be translated: ours, with its words.
        let word = l.get("help_command_word", &[]);
        let bin: Vec<&str> = std::iter::once("bienche")
            .chain(path.iter().map(String::as_str))
            .collect();
        let help = Command::new("help")
            .about(l.get("help_help", &[]))
            .override_usage(format!("{} help [{word}]...", bin.join(" ")))
            .arg(
                Arg::new("command")
                    .num_args(0..)
                    .action(ArgAction::Append)
                    .value_name(word)
                    .help(l.get("help_help_command", &[]))
                    .help_heading(l.get("help_arguments", &[])),
            );
        cmd = cmd
            .disable_help_subcommand(true)
            .subcommand(own_words(help, l));
    }
    for name in names {
        let mut sub_path = path.to_vec();
        sub_path.push(name.clone());
        cmd = cmd.mut_subcommand(&name, |s| command(s, &sub_path, usages, l));
    }
    cmd
}

/// An option's value name as clap shows it (`OUT`).
fn value_name(a: &Arg) -> String {
    a.get_value_names()
        .and_then(|n| n.first())
        .map_or_else(|| a.get_id().as_str().to_uppercase(), |n| n.to_string())
}

/// `cmd` with the help flag and the help's layout in the language of `l`.
fn own_words(cmd: Command, l: &Labels) -> Command {
    cmd.disable_help_flag(true)
        .arg(
            Arg::new("help")
                .short('h')
                .long("help")
                .action(ArgAction::Help)
                .help(l.get("help_help_flag", &[]))
                .help_heading(l.get("help_options", &[])),
        )
        .help_template(format!(
            "{{before-help}}{{about-with-newline}}\n{} {{usage}}\n\n{{all-args}}{{after-help}}",
            l.get("help_usage", &[])
        ))
}

/// With the translated tree's own `help` command (`bienche help plan`): the help of the
/// command named, printed, and the exit code; `None` when the line asks something else.
pub fn help_command(cmd: &mut Command, matches: &clap::ArgMatches) -> Option<i32> {
    let mut names: Vec<String> = Vec::new();
    let mut m = matches;
    while let Some((name, sub)) = m.subcommand() {
        if name == "help" {
            let asked: Vec<String> = sub
                .get_many::<String>("command")
                .map(|v| v.cloned().collect())
                .unwrap_or_default();
            names.extend(asked);
            // Built, so that the shared options show under every command.
            cmd.build();
            let mut target = &mut *cmd;
            for n in &names {
                match target.find_subcommand_mut(n) {
                    Some(s) => target = s,
                    None => {
                        crate::errln!("error: unrecognized subcommand '{n}'");
                        return Some(2);
                    }
                }
            }
            let _ = target.print_help();
            return Some(0);
        }
        names.push(name.to_string());
        m = sub;
    }
    None
}

/// One of clap's messages (an unknown option, a missing argument, a bad value) in the
/// console's language, through the label table's message rows.
pub fn error_text(e: &clap::Error) -> String {
    crate::i18n::tr(e.render().to_string().trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    /// Every command and option has its words in every language of the label table.
    #[test]
    fn every_command_and_option_has_its_words() {
        let mut missing = Vec::new();
        for lang in crate::charts::labels::languages() {
            let l = Labels::new(&lang).unwrap();
            let mut stack = vec![(crate::cli::Args::command(), Vec::<String>::new())];
            while let Some((cmd, path)) = stack.pop() {
                let mut keys = vec![key(&path, None)];
                keys.extend(
                    cmd.get_arguments()
                        .map(|a| key(&path, Some(a.get_id().as_str()))),
                );
                // Each value's name (`<OUT>`) too.
                keys.extend(
                    cmd.get_arguments()
                        .filter(|a| a.get_action().takes_values())
                        .map(|a| format!("help_value_{}", value_name(a))),
                );
                missing.extend(
                    keys.into_iter()
                        .filter(|k| l.lookup(k).is_none_or(str::is_empty))
                        .map(|k| format!("{lang} {k}")),
                );
                for sub in cmd.get_subcommands() {
                    let mut p = path.clone();
                    p.push(sub.get_name().to_string());
                    stack.push((sub.clone(), p));
                }
            }
        }
        assert!(missing.is_empty(), "no label for: {missing:?}");
    }
}
