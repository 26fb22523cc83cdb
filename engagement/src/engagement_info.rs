//! The engagement row and its team: what every screen's header and every report's cover shows.

use rusqlite::params;

use crate::error::{Error, Result};
use crate::model::{Category, EngagementInfo, NewEngagement, TeamMember};
use crate::store::{EngagementFile, Writer};

pub(crate) fn initialise(w: &Writer, new: &NewEngagement, categories: &[Category]) -> Result<()> {
    let tx = w.tx();
    tx.execute(
        "INSERT INTO engagement (id, uid, client, system, examination, categories)
         VALUES (1, lower(hex(randomblob(16))), ?1, ?2, ?3, ?4)",
        params![
            new.client.trim(),
            new.system.trim(),
            serde_json::to_string(&new.examination)?,
            serde_json::to_string(categories)?
        ],
    )?;
    w.record("create", "engagement", 1, None)?;
    for member in &new.team {
        insert_member(w, member)?;
    }
    Ok(())
}

fn insert_member(w: &Writer, member: &TeamMember) -> Result<()> {
    w.tx()
        .execute(
            "INSERT INTO team_member (name, initials, role) VALUES (?1, ?2, ?3)",
            params![member.name.trim(), member.initials.trim().to_uppercase(), serde_json::to_value(member.role)?.as_str()],
        )
        .map_err(|e| match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::ConstraintViolation) => {
                Error::invalid("team", format!("the initials {} are already on the team", member.initials.trim().to_uppercase()))
            }
            _ => e.into(),
        })?;
    w.record("add", "team_member", w.tx().last_insert_rowid(), None)
}

impl EngagementFile {
    /// Adds a reviewer, manager or partner who joins the engagement after it was created.
    pub fn add_team_member(&mut self, member: &TeamMember) -> Result<()> {
        member.validate()?;
        self.write(|w| insert_member(w, member))
    }

    pub fn info(&self) -> Result<EngagementInfo> {
        let conn = self.conn();
        let (id, client, system, examination, categories): (String, String, String, String, String) = conn.query_row(
            "SELECT uid, client, system, examination, categories FROM engagement WHERE id = 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )?;
        let mut stmt = conn.prepare("SELECT name, initials, role FROM team_member ORDER BY id")?;
        let team = stmt
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?)))?
            .map(|row| {
                let (name, initials, role) = row?;
                Ok(TeamMember { name, initials, role: serde_json::from_value(role.into())? })
            })
            .collect::<Result<_>>()?;
        Ok(EngagementInfo {
            id,
            client,
            system,
            examination: serde_json::from_str(&examination)?,
            categories: serde_json::from_str(&categories)?,
            team,
        })
    }
}
