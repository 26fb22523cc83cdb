//! An engagement described in JSON: the demo engagement in `fixtures/demo/` and any team that
//! sets up files from a template. Paths inside are relative to the JSON file.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::Deserialize;

use crate::control::ControlInput;
use crate::error::{Error, Result};
use crate::model::{Category, Examination, NewEngagement, TeamMember};
use crate::population::ColumnMapping;
use crate::request::RequestInput;
use crate::store::EngagementFile;
use crate::walkthrough::WalkthroughInput;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EngagementSpec {
    pub client: String,
    pub system: String,
    pub examination: Examination,
    pub categories: Vec<Category>,
    pub team: Vec<TeamMember>,
    #[serde(default)]
    pub controls: Vec<ControlInput>,
    #[serde(default)]
    pub requests: Vec<RequestSpec>,
    #[serde(default)]
    pub walkthroughs: Vec<WalkthroughSpec>,
    #[serde(default)]
    pub populations: Vec<PopulationSpec>,
    /// Complementary user entity controls, numbered CUEC-1, … in this order.
    #[serde(default)]
    pub user_entity_controls: Vec<crate::complementary::UserEntityControlInput>,
    #[serde(default)]
    pub subservice_organizations: Vec<crate::complementary::SubserviceInput>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequestSpec {
    pub number: String,
    pub title: String,
    pub control: Option<String>,
    pub requested_on: NaiveDate,
    pub due_on: Option<NaiveDate>,
    pub status: crate::request::RequestStatus,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WalkthroughSpec {
    pub control: String,
    pub date: NaiveDate,
    pub attendees: Vec<String>,
    pub narrative: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PopulationSpec {
    pub control: String,
    pub file: PathBuf,
    pub description: String,
    pub key_column: String,
    pub date_column: Option<String>,
    pub amount_column: Option<String>,
    #[serde(default)]
    pub stratum_column: Option<String>,
    /// What the items are called in the report ("change tickets").
    #[serde(default)]
    pub item_type: Option<String>,
}

impl EngagementSpec {
    pub fn read(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Io { path: path.to_owned(), source })?;
        serde_json::from_str(&text).map_err(|e| Error::Import {
            file: path.display().to_string(),
            row: Some(e.line() as u64),
            column: None,
            message: format!("not a valid engagement description: {e}"),
        })
    }
}

impl EngagementFile {
    /// Creates an engagement file holding everything the JSON description lists, as the first
    /// team member. Populations are imported from their files like any other import.
    pub fn create_from_spec(path: &Path, passphrase: &str, spec_path: &Path) -> Result<Self> {
        Self::create_from_spec_signed(path, passphrase, spec_path, None)
    }

    /// The same, signed with the first team member's key (required when the description
    /// gives them a public key).
    pub fn create_from_spec_signed(path: &Path, passphrase: &str, spec_path: &Path, key: Option<&crate::keys::PersonalKey>) -> Result<Self> {
        let spec = EngagementSpec::read(spec_path)?;
        let base = spec_path.parent().unwrap_or(Path::new("."));
        let new = NewEngagement {
            client: spec.client,
            system: spec.system,
            examination: spec.examination,
            categories: spec.categories,
            team: spec.team,
        };
        let mut file = EngagementFile::create_signed(path, passphrase, &new, key)?;
        let filled = (|| {
            for control in &spec.controls {
                file.add_control(control)?;
            }
            for r in &spec.requests {
                let control_id = r.control.as_deref().map(|c| file.control_by_reference(c).map(|c| c.id)).transpose()?;
                file.add_request(&RequestInput {
                    number: r.number.clone(),
                    title: r.title.clone(),
                    control_id,
                    requested_on: r.requested_on,
                    due_on: r.due_on,
                    status: r.status,
                })?;
            }
            for wt in &spec.walkthroughs {
                let control_id = file.control_by_reference(&wt.control)?.id;
                file.add_walkthrough(&WalkthroughInput {
                    control_id,
                    kind: crate::walkthrough::WalkthroughKind::Walkthrough,
                    held_on: wt.date,
                    attendees: wt.attendees.clone(),
                    narrative: wt.narrative.clone(),
                    evidence: Vec::new(),
                })?;
            }
            for c in &spec.user_entity_controls {
                file.add_user_entity_control(c)?;
            }
            for s in &spec.subservice_organizations {
                file.add_subservice(s)?;
            }
            for p in &spec.populations {
                let control_id = file.control_by_reference(&p.control)?.id;
                let mapping = ColumnMapping {
                    key: p.key_column.clone(),
                    date: p.date_column.clone(),
                    amount: p.amount_column.clone(),
                    stratum: p.stratum_column.clone(),
                };
                let population = file.import_population(control_id, &base.join(&p.file), &mapping, &p.description, &mut |_| true)?;
                if let Some(item_type) = &p.item_type {
                    file.set_item_type(population, item_type)?;
                }
            }
            Ok(())
        })();
        match filled {
            Ok(()) => Ok(file),
            Err(e) => {
                drop(file);
                crate::store::remove_unfinished(path);
                Err(e)
            }
        }
    }
}
