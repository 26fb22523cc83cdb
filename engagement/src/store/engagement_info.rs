//! The engagement row and its team: what every screen's header and every report's cover shows.

use rusqlite::params;

use crate::error::{Error, Result};
use crate::keys::{MadeKey, PersonalKey};
use crate::model::{Category, EngagementInfo, NewEngagement, TeamMember};
use crate::store::{EngagementFile, Writer};

pub(crate) fn initialise(w: &Writer, new: &NewEngagement, categories: &[Category], rolled_from: Option<&str>) -> Result<()> {
    let tx = w.tx();
    tx.execute(
        "INSERT INTO engagement (id, uid, client, system, examination, categories, rolled_from, team_rule)
         VALUES (1, lower(hex(randomblob(16))), ?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            new.client.trim(),
            new.system.trim(),
            serde_json::to_string(&new.examination)?,
            serde_json::to_string(categories)?,
            rolled_from,
            crate::signing::team::Rule::NEW.number()
        ],
    )?;
    w.record("create", "engagement", 1, None)?;
    for member in &new.team {
        insert_member(w, &member.normalised())?;
    }
    Ok(())
}

/// Adds `member`, as `TeamMember::normalised` writes it.
fn insert_member(w: &Writer, member: &TeamMember) -> Result<()> {
    w.tx()
        .execute(
            "INSERT INTO team_member (name, initials, role, public_key, id) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![member.name, member.initials, serde_json::to_value(member.role)?.as_str(), member.public_key, w.new_id("team_member")?],
        )
        .map_err(|e| match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::ConstraintViolation) => {
                Error::invalid("team", format!("the initials {} are already on the team", member.initials))
            }
            _ => e.into(),
        })?;
    w.record("add", "team_member", w.tx().last_insert_rowid(), None)
}

impl EngagementFile {
    /// Registers `public_key` as the personal key of team member `initials`. A member registers
    /// their own first key; replacing a key (one lost, say) is for the partner, signed in with
    /// their own (`team`). From then on the member signs in with the key.
    pub fn register_key(&mut self, initials: &str, public_key: &str) -> Result<()> {
        let public_key = crate::keys::check_public_key(public_key)?;
        let initials = initials.trim().to_uppercase();
        let team = team(self.conn())?;
        let member = team.iter().find(|m| m.initials == initials).ok_or_else(|| Error::NotFound(format!("team member {initials}")))?;
        if member.public_key.as_deref() == Some(public_key.as_str()) {
            return Err(Error::invalid("key", format!("this key is already {initials}'s")));
        }
        self.may_change_team(&team, Some(member), &TeamMember { public_key: Some(public_key.clone()), ..member.clone() })?;
        self.write(|w| {
            let id: i64 = w.tx().query_row("SELECT id FROM team_member WHERE initials = ?1", [&initials], |r| r.get(0))?;
            let before = w.snapshot("team_member", id)?;
            w.tx().execute("UPDATE team_member SET public_key = ?2 WHERE id = ?1", params![id, public_key])?;
            w.record("register key", "team_member", id, before)
        })?;
        if self.user() == Some(initials.as_str()) {
            // Their own key registered (or, for the partner, replaced): from now on they work
            // only with that key, not with the passphrase or the key it replaced.
            self.sign_out();
        }
        Ok(())
    }

    /// Registers `key` as the signed-in member's own key. Their first key is registered by a
    /// change signed with that key itself, so that a member who has none yet can register it on
    /// a shared engagement, where every change is signed; registering it proves they hold it.
    /// Replacing a key is for the partner, signed in with theirs, as `register_key` says (a
    /// member seated without a key whose key arrived meanwhile from another copy is not signed
    /// in with it). They are then signed out.
    pub fn register_own_key(&mut self, key: &PersonalKey) -> Result<()> {
        let user = self.user().ok_or_else(|| Error::invalid("user", "sign in first"))?.to_owned();
        let first = team(self.conn())?.iter().any(|m| m.initials == user && m.public_key.is_none());
        if first && self.signer().is_none() {
            self.seat(user.clone(), Some(key.clone()));
            let registered = self.register_key(&user, &key.public_key());
            if registered.is_err() {
                self.seat(user.clone(), None);
            }
            return registered;
        }
        self.register_key(&user, &key.public_key())
    }

    /// Makes the signed-in member's own key: a new key file at `path`, sealed under
    /// `key_passphrase`, registered on the team (`register_own_key`); they are then signed in
    /// with it. When it cannot be registered, the key file is removed again, so that a second
    /// try is not refused for a file that holds a key nobody can use. Once the partner signs
    /// with a key, a first key is the partner's to register (`team::Rule`): the key file
    /// is then made and kept, unregistered, for the member to give the partner its public key.
    /// A key file already at `path` in this member's initials (kept so, or made with `tickmark
    /// key new`) is their key, unlocked with `key_passphrase`: asked again, they get it,
    /// registered if they may, signed in with it once the partner has registered it.
    pub fn make_own_key(&mut self, path: &std::path::Path, key_passphrase: &str) -> Result<MadeKey> {
        let user = self.user().ok_or_else(|| Error::invalid("user", "sign in first"))?.to_owned();
        let team = team(self.conn())?;
        let member = team.iter().find(|m| m.initials == user).ok_or_else(|| Error::NotFound(format!("team member {user}")))?.clone();
        let kept = if path.exists() {
            let key = PersonalKey::unlock(path, key_passphrase)?;
            if key.initials != member.initials {
                return Err(Error::invalid("key", format!("{} holds the key of {} ({}), not of {} ({user})", path.display(), key.name, key.initials, member.name)));
            }
            Some(key)
        } else {
            None
        };
        match (&member.public_key, kept) {
            (Some(registered), Some(key)) if *registered == key.public_key() => {
                self.sign_in(&key)?;
                Ok(MadeKey { key, registered: true })
            }
            (Some(_), Some(_)) => Err(Error::invalid(
                "key",
                format!("{user} has another key registered than the one in {}: sign in with that one, or ask the engagement partner to replace it", path.display()),
            )),
            (Some(_), None) => Err(Error::invalid("key", format!("{user} has a key registered already: sign in with its key file, or ask the engagement partner to replace a lost one"))),
            (None, kept) => {
                let made_now = kept.is_none();
                let key = match kept {
                    Some(key) => key,
                    None => {
                        let key = PersonalKey::generate(&member.name, &member.initials);
                        key.write(path, key_passphrase)?;
                        key
                    }
                };
                if crate::signing::team::first_key_by_partner(&team, &user) {
                    self.for_partner.insert(user, key.public_key());
                    return Ok(MadeKey { key, registered: false });
                }
                if let Err(refused) = self.register_own_key(&key) {
                    if made_now {
                        // Made just now, by this call: a key no one has registered.
                        let _ = std::fs::remove_file(path);
                    }
                    return Err(refused);
                }
                self.sign_in(&key)?;
                Ok(MadeKey { key, registered: true })
            }
        }
    }

    /// Adds a reviewer, manager or partner who joins the engagement after it was created: once
    /// the partner signs with a key, the partner adds them (`team`).
    pub fn add_team_member(&mut self, member: &TeamMember) -> Result<()> {
        member.validate()?;
        let member = member.normalised();
        self.may_change_team(&team(self.conn())?, None, &member)?;
        self.write(|w| insert_member(w, &member))
    }

    /// Refuses a change of the team that the user may not make now: by the rule files are made
    /// under now, on a file made under an earlier one too (`team::Rule`).
    fn may_change_team(&self, team: &[TeamMember], before: Option<&TeamMember>, after: &TeamMember) -> Result<()> {
        use crate::signing::team;
        match team::refusal(team::Rule::NEW, team, self.user().unwrap_or_default(), self.signed_in_with_key(), before, Some(after)) {
            Some(refusal) => Err(Error::invalid("team", refusal)),
            None => Ok(()),
        }
    }

    pub fn info(&self) -> Result<EngagementInfo> {
        let conn = self.conn();
        let (id, client, system, examination, categories): (String, String, String, String, String) = conn.query_row(
            "SELECT uid, client, system, examination, categories FROM engagement WHERE id = 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )?;
        Ok(EngagementInfo {
            id,
            client,
            system,
            examination: serde_json::from_str(&examination)?,
            categories: serde_json::from_str(&categories)?,
            team: team(conn)?,
        })
    }
}

/// The team as it stands, in the order members joined.
pub(crate) fn team(conn: &rusqlite::Connection) -> Result<Vec<TeamMember>> {
    let mut stmt = conn.prepare("SELECT name, initials, role, public_key FROM team_member ORDER BY id")?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, Option<String>>(3)?)))?;
    rows.map(|row| {
        let (name, initials, role, public_key) = row?;
        Ok(TeamMember { name, initials, role: serde_json::from_value(role.into())?, public_key })
    })
    .collect()
}
