//! Sign-offs: the preparer's and the reviewer's names under a control's workpaper. A reviewer's
//! sign-off locks the workpaper; changing it then takes an explicit withdrawal with a reason,
//! which the trail keeps like every other change.

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::store::EngagementFile;
use crate::trail;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum SignoffRole {
    Preparer,
    Reviewer,
}

impl SignoffRole {
    fn as_str(self) -> &'static str {
        match self {
            SignoffRole::Preparer => "preparer",
            SignoffRole::Reviewer => "reviewer",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Signoff {
    pub id: i64,
    pub role: SignoffRole,
    pub initials: String,
    pub signed_at: String,
    /// The trail's head when signing: what exactly the signer vouched for.
    pub chain_head: String,
}

fn active(conn: &Connection, control_id: i64, role: SignoffRole) -> Result<Option<Signoff>> {
    conn.query_row(
        "SELECT id, initials, signed_at, chain_head FROM signoff
         WHERE control_id = ?1 AND role = ?2 AND withdrawn_at IS NULL",
        params![control_id, role.as_str()],
        |r| Ok(Signoff { id: r.get(0)?, role, initials: r.get(1)?, signed_at: r.get(2)?, chain_head: r.get(3)? }),
    )
    .optional()
    .map_err(Into::into)
}

/// Refuses a change to a workpaper its reviewer has signed.
pub(crate) fn ensure_unlocked(conn: &Connection, control_id: i64) -> Result<()> {
    if let Some(review) = active(conn, control_id, SignoffRole::Reviewer)? {
        let reference = load_reference(conn, control_id)?;
        return Err(Error::Locked {
            what: format!("workpaper {reference}"),
            reason: format!("signed by reviewer {} on {}; withdraw the sign-off to change it", review.initials, &review.signed_at[..10]),
        });
    }
    Ok(())
}

impl EngagementFile {
    pub fn signoffs(&self, control_id: i64) -> Result<(Option<Signoff>, Option<Signoff>)> {
        Ok((active(self.conn(), control_id, SignoffRole::Preparer)?, active(self.conn(), control_id, SignoffRole::Reviewer)?))
    }

    /// Signs the workpaper as the current user.
    pub fn sign(&mut self, control_id: i64, role: SignoffRole) -> Result<()> {
        self.write(|w| {
            let tx = w.tx();
            load_reference(tx, control_id)?;
            if let Some(existing) = active(tx, control_id, role)? {
                return Err(Error::invalid("signoff", format!("already signed as {} by {}", role.as_str(), existing.initials)));
            }
            if role == SignoffRole::Reviewer {
                let preparer = active(tx, control_id, SignoffRole::Preparer)?
                    .ok_or_else(|| Error::invalid("signoff", "the preparer signs before the reviewer"))?;
                if preparer.initials == w.user {
                    return Err(Error::invalid("signoff", "the reviewer must be someone other than the preparer"));
                }
            }
            tx.execute(
                "INSERT INTO signoff (control_id, role, initials, signed_at, chain_head) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![control_id, role.as_str(), w.user, w.at, trail::head(tx)?],
            )?;
            w.record("sign", "signoff", tx.last_insert_rowid(), None)
        })
    }

    /// Withdraws a sign-off (and the reviewer's, which rested on the preparer's), with a reason.
    pub fn withdraw_signoff(&mut self, control_id: i64, role: SignoffRole, reason: &str) -> Result<()> {
        if reason.trim().is_empty() {
            return Err(Error::invalid("reason", "say why the sign-off is withdrawn"));
        }
        self.write(|w| {
            let tx = w.tx();
            let roles: &[SignoffRole] = match role {
                SignoffRole::Preparer => &[SignoffRole::Reviewer, SignoffRole::Preparer],
                SignoffRole::Reviewer => &[SignoffRole::Reviewer],
            };
            let mut withdrawn = 0;
            for &r in roles {
                if let Some(signoff) = active(tx, control_id, r)? {
                    let before = w.snapshot("signoff", signoff.id)?;
                    tx.execute(
                        "UPDATE signoff SET withdrawn_at = ?2, withdrawn_reason = ?3 WHERE id = ?1",
                        params![signoff.id, w.at, reason.trim()],
                    )?;
                    w.record("withdraw", "signoff", signoff.id, before)?;
                    withdrawn += 1;
                }
            }
            if withdrawn == 0 {
                return Err(Error::invalid("signoff", format!("there is no {} sign-off to withdraw", role.as_str())));
            }
            Ok(())
        })
    }
}

fn load_reference(conn: &Connection, control_id: i64) -> Result<String> {
    conn.query_row("SELECT reference FROM control WHERE id = ?1", [control_id], |r| r.get(0))
        .optional()?
        .ok_or_else(|| Error::NotFound(format!("control {control_id}")))
}
