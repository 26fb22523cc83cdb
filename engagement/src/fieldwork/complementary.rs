//! What the criteria rely on outside the service organisation's own controls: the controls user
//! entities are expected to have (complementary user entity controls, printed as CUEC-n) and the
//! subservice organisations it uses, presented carved out (their controls excluded, with the
//! complementary controls they are assumed to operate) or inclusive. The report prints both
//! where a SOC 2 report does: in the description of the scope, and beside each criterion they
//! bear on.

use rusqlite::params;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::criterion;
use crate::store::{enum_text, EngagementFile};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct UserEntityControlInput {
    /// As the report will state it ("User entities are responsible for removing their
    /// employees' access when they leave").
    pub text: String,
    pub criteria: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct UserEntityControl {
    pub id: i64,
    /// Its number in the report: CUEC-1, CUEC-2, … in the order recorded.
    pub number: usize,
    #[serde(flatten)]
    #[cfg_attr(feature = "ts", ts(flatten))]
    pub input: UserEntityControlInput,
}

/// How the report presents a subservice organisation's controls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum SubserviceMethod {
    /// Excluded from the description and the tests; the criteria depend on the complementary
    /// subservice organisation controls it is assumed to operate.
    CarvedOut,
    /// Included in the description and the tests, as the service organisation's own.
    Inclusive,
}

impl SubserviceMethod {
    pub fn title(self) -> &'static str {
        match self {
            SubserviceMethod::CarvedOut => "Carved out",
            SubserviceMethod::Inclusive => "Inclusive",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct SubserviceInput {
    pub name: String,
    /// What it provides ("hosting of the production environment").
    pub services: String,
    pub method: SubserviceMethod,
    /// For a carved-out organisation, the complementary subservice organisation controls the
    /// service organisation's controls assume, as the report will state them.
    #[serde(default)]
    pub controls: Vec<String>,
    pub criteria: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Subservice {
    pub id: i64,
    #[serde(flatten)]
    #[cfg_attr(feature = "ts", ts(flatten))]
    pub input: SubserviceInput,
}

fn check_criteria(criteria: &[String]) -> Result<()> {
    if criteria.is_empty() {
        return Err(Error::invalid("criteria", "name at least one criterion it bears on"));
    }
    match criteria.iter().find(|id| criterion(id).is_none()) {
        Some(unknown) => Err(Error::invalid("criteria", format!("{unknown} is not a Trust Services Criterion"))),
        None => Ok(()),
    }
}

fn required(field: &str, value: &str, what: &str) -> Result<()> {
    if value.trim().is_empty() {
        return Err(Error::invalid(field, what));
    }
    Ok(())
}

impl UserEntityControlInput {
    fn validate(&self) -> Result<()> {
        required("text", &self.text, "write the control as the report will state it")?;
        check_criteria(&self.criteria)
    }
}

impl SubserviceInput {
    fn validate(&self) -> Result<()> {
        required("name", &self.name, "name the subservice organisation")?;
        required("services", &self.services, "say what it provides")?;
        check_criteria(&self.criteria)?;
        if self.method == SubserviceMethod::CarvedOut && self.controls.iter().all(|c| c.trim().is_empty()) {
            return Err(Error::invalid("controls", "a carved-out organisation needs the complementary controls the service organisation's controls assume"));
        }
        Ok(())
    }
}

impl EngagementFile {
    pub fn add_user_entity_control(&mut self, input: &UserEntityControlInput) -> Result<i64> {
        input.validate()?;
        self.write(|w| {
            w.tx().execute("INSERT INTO user_entity_control (text, criteria, id) VALUES (?1, ?2, ?3)", params![input.text.trim(), serde_json::to_string(&input.criteria)?, w.new_id("user_entity_control")?])?;
            let id = w.tx().last_insert_rowid();
            w.record("add", "user_entity_control", id, None)?;
            Ok(id)
        })
    }

    pub fn add_subservice(&mut self, input: &SubserviceInput) -> Result<i64> {
        input.validate()?;
        let controls: Vec<&str> = input.controls.iter().map(|c| c.trim()).filter(|c| !c.is_empty()).collect();
        self.write(|w| {
            w.tx().execute(
                "INSERT INTO subservice_organization (name, services, method, controls, criteria, id) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![input.name.trim(), input.services.trim(), enum_text(input.method)?, serde_json::to_string(&controls)?, serde_json::to_string(&input.criteria)?, w.new_id("subservice_organization")?],
            )?;
            let id = w.tx().last_insert_rowid();
            w.record("add", "subservice_organization", id, None)?;
            Ok(id)
        })
    }

    /// Removes a complementary user entity control; the numbers of those after it move up.
    pub fn remove_user_entity_control(&mut self, id: i64) -> Result<()> {
        self.remove_row("user_entity_control", id)
    }

    pub fn remove_subservice(&mut self, id: i64) -> Result<()> {
        self.remove_row("subservice_organization", id)
    }

    fn remove_row(&mut self, table: &'static str, id: i64) -> Result<()> {
        self.write(|w| {
            let before = w.snapshot(table, id)?;
            if before.is_none() {
                return Err(Error::NotFound(format!("{} {id}", table.replace('_', " "))));
            }
            w.tx().execute(&format!("DELETE FROM {table} WHERE id = ?1"), [id])?;
            w.record("remove", table, id, before)
        })
    }

    pub fn user_entity_controls(&self) -> Result<Vec<UserEntityControl>> {
        let mut stmt = self.conn().prepare("SELECT id, text, criteria FROM user_entity_control ORDER BY id")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?)))?;
        rows.enumerate()
            .map(|(i, row)| {
                let (id, text, criteria) = row?;
                Ok(UserEntityControl { id, number: i + 1, input: UserEntityControlInput { text, criteria: serde_json::from_str(&criteria)? } })
            })
            .collect()
    }

    pub fn subservices(&self) -> Result<Vec<Subservice>> {
        let mut stmt = self.conn().prepare("SELECT id, name, services, method, controls, criteria FROM subservice_organization ORDER BY id")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?, r.get::<_, String>(4)?, r.get::<_, String>(5)?)))?;
        rows.map(|row| {
            let (id, name, services, method, controls, criteria) = row?;
            Ok(Subservice {
                id,
                input: SubserviceInput { name, services, method: serde_json::from_value(method.into())?, controls: serde_json::from_str(&controls)?, criteria: serde_json::from_str(&criteria)? },
            })
        })
        .collect()
    }
}
