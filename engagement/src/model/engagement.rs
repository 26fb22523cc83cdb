use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// The Trust Services Categories. Security is always in scope; the others are the client's choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Category {
    Security,
    Availability,
    ProcessingIntegrity,
    Confidentiality,
    Privacy,
}

impl Category {
    pub const ALL: [Category; 5] = [
        Category::Security,
        Category::Availability,
        Category::ProcessingIntegrity,
        Category::Confidentiality,
        Category::Privacy,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Category::Security => "Security",
            Category::Availability => "Availability",
            Category::ProcessingIntegrity => "Processing Integrity",
            Category::Confidentiality => "Confidentiality",
            Category::Privacy => "Privacy",
        }
    }
}

/// Type 1 reports on design at a date; Type 2 on operating effectiveness through a period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Examination {
    Type1 { as_of: NaiveDate },
    Type2 { period_start: NaiveDate, period_end: NaiveDate },
}

impl Examination {
    /// The dates population items must fall within: the period, or the single as-of date.
    pub fn period(&self) -> (NaiveDate, NaiveDate) {
        match *self {
            Examination::Type1 { as_of } => (as_of, as_of),
            Examination::Type2 { period_start, period_end } => (period_start, period_end),
        }
    }

    pub fn describe(&self) -> String {
        match self {
            Examination::Type1 { as_of } => format!("SOC 2 Type 1 as of {}", long_date(*as_of)),
            Examination::Type2 { period_start, period_end } => format!("SOC 2 Type 2 for the period {} to {}", long_date(*period_start), long_date(*period_end)),
        }
    }
}

/// A date as a report writes it: "March 4, 2026".
pub fn long_date(d: NaiveDate) -> String {
    d.format("%B %-d, %Y").to_string()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Staff,
    Senior,
    Manager,
    Partner,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TeamMember {
    pub name: String,
    pub initials: String,
    pub role: Role,
    /// The member's Ed25519 public key (hex), once they have registered one: from then on
    /// they sign in with their key and every trail entry they write is signed.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub public_key: Option<String>,
}

impl TeamMember {
    /// As the team record holds it: name and key trimmed, initials in capitals, the key's hex in
    /// lower case; so that the same person or key is never held twice in two spellings.
    pub(crate) fn normalised(&self) -> TeamMember {
        TeamMember {
            name: self.name.trim().to_owned(),
            initials: self.initials.trim().to_uppercase(),
            role: self.role,
            public_key: self.public_key.as_deref().map(|k| k.trim().to_lowercase()),
        }
    }

    /// A name, and initials that sign-offs can show: 1 to 4 letters.
    pub fn validate(&self) -> Result<()> {
        if self.name.trim().is_empty() {
            return Err(Error::invalid("team", "every team member needs a name"));
        }
        let initials = self.initials.trim();
        if initials.is_empty() || initials.chars().count() > 4 || !initials.chars().all(char::is_alphabetic) {
            return Err(Error::invalid("team", format!("initials for {} must be 1 to 4 letters", self.name.trim())));
        }
        if let Some(key) = &self.public_key {
            crate::keys::check_public_key(key)?;
        }
        Ok(())
    }
}

/// What the auditor enters to create an engagement file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct NewEngagement {
    pub client: String,
    pub system: String,
    pub examination: Examination,
    pub categories: Vec<Category>,
    pub team: Vec<TeamMember>,
}

/// The engagement as stored: what was entered, plus the identifier that seeds derive from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct EngagementInfo {
    pub id: String,
    pub client: String,
    pub system: String,
    pub examination: Examination,
    pub categories: Vec<Category>,
    pub team: Vec<TeamMember>,
}

impl EngagementInfo {
    /// The engagement's identity as sampling seeds are derived from it: what a reviewer reads
    /// on the report and cannot be chosen freely. Client and system are normalised (Unicode
    /// NFC, lower case, surrounding spaces removed, inner runs of white space made one space),
    /// then written `client|system|type2|start|end` (a Type 1: `client|system|type1|as-of`),
    /// dates as ISO 8601. Two files made from the same description have the same identity.
    pub fn identity(&self) -> String {
        use unicode_normalization::UnicodeNormalization;
        let normal = |text: &str| text.nfc().collect::<String>().to_lowercase().split_whitespace().collect::<Vec<_>>().join(" ");
        let examination = match &self.examination {
            Examination::Type1 { as_of } => format!("type1|{as_of}"),
            Examination::Type2 { period_start, period_end } => format!("type2|{period_start}|{period_end}"),
        };
        format!("{}|{}|{examination}", normal(&self.client), normal(&self.system))
    }
}

impl NewEngagement {
    /// Checks what a form would, so the CLI and the app refuse the same things with the same words.
    /// Returns the categories normalised: Security added, duplicates removed, in the usual order.
    pub fn validate(&self) -> Result<Vec<Category>> {
        if self.client.trim().is_empty() {
            return Err(Error::invalid("client", "enter the client's name"));
        }
        if self.system.trim().is_empty() {
            return Err(Error::invalid("system", "enter the name of the system under examination"));
        }
        if let Examination::Type2 { period_start, period_end } = self.examination {
            if period_end < period_start {
                return Err(Error::invalid("period_end", "the period must end on or after its start"));
            }
        }
        if self.team.is_empty() {
            return Err(Error::invalid("team", "enter at least the preparer's name and initials"));
        }
        let mut initials_seen = std::collections::HashSet::new();
        for member in &self.team {
            member.validate()?;
            if !initials_seen.insert(member.initials.trim().to_uppercase()) {
                return Err(Error::invalid("team", format!("the initials {} are used twice", member.initials.trim())));
            }
        }
        let mut categories: Vec<Category> = self.categories.clone();
        categories.push(Category::Security);
        categories.sort();
        categories.dedup();
        Ok(categories)
    }
}
