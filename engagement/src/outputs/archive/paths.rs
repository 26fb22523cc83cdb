//! File names from the client's evidence, made safe to unpack anywhere: a name can never leave
//! the folder it is written to, never means something special to Windows, macOS or Linux, and
//! two files that arrive with the same name both survive.

use std::collections::HashSet;

/// Characters that are reserved on some file system, plus `%`, which BagIt manifests would
/// have to percent-encode and which validators disagree on decoding.
const RESERVED: &[char] = &['<', '>', ':', '"', '/', '\\', '|', '?', '*', '%'];

/// Windows device names, reserved with any extension ("CON.txt" too).
const DEVICES: &[&str] = &[
    "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9", "LPT1", "LPT2", "LPT3",
    "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
];

/// Bytes allowed for one name; every file system in use takes 255.
const MAX_BYTES: usize = 200;

/// One path component, safe on every platform: separators and reserved or control characters
/// become `_`, leading and trailing dots and spaces go (so `..` cannot survive), device names
/// are prefixed, and an over-long name is shortened keeping its extension.
pub fn safe_name(name: &str) -> String {
    let replaced: String = name.chars().map(|c| if c.is_control() || RESERVED.contains(&c) { '_' } else { c }).collect();
    let trimmed = replaced.trim_matches(|c: char| c == '.' || c.is_whitespace());
    let mut safe = if trimmed.is_empty() { "unnamed".to_owned() } else { trimmed.to_owned() };
    let stem = safe.split('.').next().unwrap_or_default().trim_end().to_uppercase();
    if DEVICES.contains(&stem.as_str()) {
        safe.insert(0, '_');
    }
    shorten(&safe, MAX_BYTES)
}

/// Longest extension kept apart when a name is shortened or numbered.
const MAX_EXTENSION: usize = 16;

/// Splits "name.ext" into ("name", ".ext") where the extension is short enough to keep.
fn split_extension(name: &str) -> (&str, &str) {
    match name.rfind('.') {
        Some(dot) if dot > 0 && name.len() - dot <= MAX_EXTENSION + 1 => name.split_at(dot),
        _ => (name, ""),
    }
}

/// The longest prefix of `text` within `max` bytes that ends on a character boundary.
fn cut(text: &str, max: usize) -> &str {
    let mut end = max.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// `stem` + `suffix` within `max` bytes, shortening the stem.
fn fit(stem: &str, suffix: &str, max: usize) -> String {
    format!("{}{suffix}", cut(stem, max - suffix.len()).trim_end_matches(['.', ' ']))
}

/// Cuts `name` to at most `max` bytes, keeping its extension.
fn shorten(name: &str, max: usize) -> String {
    if name.len() <= max {
        return name.to_owned();
    }
    let (stem, extension) = split_extension(name);
    fit(stem, extension, max)
}

/// Hands out safe names that are unique within one folder, ignoring case (as Windows and macOS
/// compare names): a second "invoice.pdf" becomes "invoice (2).pdf".
#[derive(Default)]
pub struct NameSet {
    taken: HashSet<String>,
}

impl NameSet {
    pub fn claim(&mut self, name: &str) -> String {
        let safe = safe_name(name);
        let (stem, extension) = split_extension(&safe);
        let mut candidate = safe.clone();
        let mut n = 2;
        while !self.taken.insert(candidate.to_lowercase()) {
            candidate = fit(stem, &format!(" ({n}){extension}"), MAX_BYTES);
            n += 1;
        }
        candidate
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn is_safe(name: &str) -> bool {
        let path = std::path::Path::new(name);
        !name.is_empty()
            && name.len() <= MAX_BYTES
            && !path.is_absolute()
            && path.components().count() == 1
            && path.components().all(|c| matches!(c, std::path::Component::Normal(_)))
            && !name.chars().any(|c| c.is_control() || RESERVED.contains(&c))
            && name != "."
            && name != ".."
    }

    #[test]
    fn hostile_names_stay_inside_the_folder() {
        assert_eq!(safe_name("../../etc/passwd"), "_.._etc_passwd");
        assert_eq!(safe_name("/etc/passwd"), "_etc_passwd");
        assert_eq!(safe_name("C:\\Windows\\system.ini"), "C__Windows_system.ini");
        assert_eq!(safe_name(".."), "unnamed");
        assert_eq!(safe_name("CON.txt"), "_CON.txt");
        assert_eq!(safe_name("100% done?.pdf"), "100_ done_.pdf");
        assert_eq!(safe_name("Señor Núñez – contrato.pdf"), "Señor Núñez – contrato.pdf");
    }

    #[test]
    fn the_same_name_twice_keeps_both_files() {
        let mut names = NameSet::default();
        assert_eq!(names.claim("invoice.pdf"), "invoice.pdf");
        assert_eq!(names.claim("invoice.pdf"), "invoice (2).pdf");
        assert_eq!(names.claim("INVOICE.pdf"), "INVOICE (3).pdf");
        assert_eq!(names.claim("invoice (2).pdf"), "invoice (2) (2).pdf");
    }

    proptest! {
        #[test]
        fn every_name_is_safe_and_none_collide(names in proptest::collection::vec(any::<String>(), 1..40)) {
            let mut set = NameSet::default();
            let mut seen = HashSet::new();
            for name in &names {
                let safe = set.claim(name);
                prop_assert!(is_safe(&safe), "{name:?} became unsafe {safe:?}");
                prop_assert!(seen.insert(safe.to_lowercase()), "{name:?} collided as {safe:?}");
            }
        }

        #[test]
        fn traversal_and_absolute_paths_are_neutralised(parts in proptest::collection::vec(prop_oneof![Just("..".to_owned()), Just(".".to_owned()), Just(String::new()), "[a-zA-Z0-9 ._-]{1,12}"], 1..6), lead in prop_oneof![Just(""), Just("/"), Just("\\"), Just("C:\\")]) {
            for separator in ["/", "\\"] {
                let name = format!("{lead}{}", parts.join(separator));
                let safe = safe_name(&name);
                prop_assert!(is_safe(&safe), "{name:?} became {safe:?}");
            }
        }
    }
}
