//! The engagement at a glance: where each control's workpaper stands, and what is still open.

use serde::Serialize;

use crate::conclusion::Conclusion;
use crate::error::Result;
use crate::model::{EngagementInfo, Examination};
use crate::store::EngagementFile;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ControlProgress {
    pub id: i64,
    pub reference: String,
    pub description: String,
    pub criteria: Vec<String>,
    pub walkthroughs: i64,
    /// Populations in use (not removed).
    pub populations: i64,
    /// Items of the live sample; voided samples count nowhere.
    pub sample_items: i64,
    /// Results recorded against (items × attributes) of the live sample.
    pub results_recorded: i64,
    pub results_expected: i64,
    /// Exceptions that count (not on a voided sample).
    pub exceptions: i64,
    /// Of those, exceptions with no management response (nor a recorded refusal) yet.
    pub exceptions_unanswered: i64,
    pub conclusion: Option<Conclusion>,
    pub preparer: Option<String>,
    pub reviewer: Option<String>,
    /// The work changed after the preparer's (reviewer's) sign-off.
    pub preparer_changed: bool,
    pub reviewer_changed: bool,
    pub open_review_notes: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Overview {
    pub path: String,
    pub user: Option<String>,
    /// Whether the user signed in with a personal key (their entries are signed).
    pub signed: bool,
    /// Each member's key fingerprint, to compare in person; none for a member without a key.
    pub fingerprints: Vec<MemberKey>,
    pub info: EngagementInfo,
    pub controls: Vec<ControlProgress>,
    /// The documentation completion date, once recorded: the file is read-only after it.
    pub completed_on: Option<chrono::NaiveDate>,
    /// The reason of the addendum the user has open: the changes they make now are recorded
    /// under it. None when no addendum is open.
    pub addendum: Option<String>,
    /// Why the user cannot add members to the team now, said where the form would be: the
    /// partner signs with a key and adds them. None when they can.
    pub team_closed: Option<String>,
    /// Whether the user registers members' keys (first keys, replacements of lost ones): the
    /// partner, signed in with theirs.
    pub registers_keys: bool,
    /// The user's own key, made (or unlocked) in this session for the partner to register: what
    /// they give her, shown whenever they come back to it while the file is open, until they
    /// sign in with it.
    pub key_for_partner: Option<KeyForPartner>,
    pub open_requests: i64,
    /// Open requests whose due date has passed.
    pub overdue_requests: i64,
    pub evidence_files: i64,
    pub trail_entries: i64,
    /// What is left to do: one line per control with work open, then the requests.
    pub open_items: Vec<OpenItem>,
}

/// A member's own key made for the engagement partner to register: its public key as people
/// pass it on, its fingerprint as they compare it in person, and whether the registration has
/// reached this copy (then the member signs in with it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct KeyForPartner {
    pub public_key: String,
    pub fingerprint: String,
    pub registered: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct MemberKey {
    pub initials: String,
    pub fingerprint: Option<String>,
}

/// What is left on one control's workpaper, in the order of the work ("no sample drawn; no
/// conclusion recorded"), or on the requests; `control_id` is set for a control.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct OpenItem {
    pub control_id: Option<i64>,
    pub reference: Option<String>,
    pub text: String,
}

/// "1 exception", "2 exceptions".
fn count(n: i64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

impl ControlProgress {
    /// What the workpaper still needs, in the order the work is done. A Type 1 examination
    /// tests design and implementation only, so it needs no population, sample or testing.
    pub fn open_items(&self, examination: &Examination) -> Vec<String> {
        let mut items = Vec::new();
        if self.walkthroughs == 0 {
            items.push("no walkthrough or interview recorded".to_owned());
        }
        let without_sample = matches!(self.conclusion, Some(Conclusion::DidNotOperate | Conclusion::NotEffective));
        if matches!(examination, Examination::Type2 { .. }) && !(without_sample && self.sample_items == 0) {
            if self.populations == 0 {
                items.push("no population imported".to_owned());
            } else if self.sample_items == 0 {
                items.push("no sample drawn".to_owned());
            }
            if self.results_recorded < self.results_expected {
                items.push(format!("{} of {} test results recorded", self.results_recorded, self.results_expected));
            }
        }
        if self.exceptions_unanswered > 0 {
            items.push(format!("{} without management's response", count(self.exceptions_unanswered, "exception", "exceptions")));
        }
        if self.conclusion.is_none() {
            items.push("no conclusion recorded".to_owned());
        }
        match (&self.preparer, &self.reviewer) {
            (None, _) => items.push("not yet signed by its preparer".to_owned()),
            (Some(p), _) if self.preparer_changed => items.push(format!("changed since {p} signed as preparer")),
            (Some(_), None) => items.push("awaiting review".to_owned()),
            (Some(_), Some(r)) if self.reviewer_changed => items.push(format!("changed since {r} signed as reviewer")),
            _ => {}
        }
        if self.open_review_notes > 0 {
            items.push(format!("{} open", count(self.open_review_notes, "review note", "review notes")));
        }
        items
    }
}

fn open_items(controls: &[ControlProgress], examination: &Examination, open_requests: i64, overdue_requests: i64, unsettled_conflicts: i64) -> Vec<OpenItem> {
    let mut items: Vec<OpenItem> = controls
        .iter()
        .filter_map(|c| {
            let open = c.open_items(examination);
            (!open.is_empty()).then(|| OpenItem { control_id: Some(c.id), reference: Some(c.reference.clone()), text: open.join("; ") })
        })
        .collect();
    if open_requests > 0 {
        let overdue = if overdue_requests > 0 { format!(", {overdue_requests} past due") } else { String::new() };
        items.push(OpenItem { control_id: None, reference: None, text: format!("{} not closed{overdue}", count(open_requests, "request", "requests")) });
    }
    if unsettled_conflicts > 0 {
        items.push(OpenItem { control_id: None, reference: None, text: format!("{} not settled (Team)", count(unsettled_conflicts, "sync conflict", "sync conflicts")) });
    }
    items
}

/// Per control; the live sample is the newest one not voided, as `EngagementFile::live_sample`
/// has it, and exceptions on voided samples are left out.
const PROGRESS_SQL: &str = "
WITH live AS (SELECT control_id, max(id) AS id FROM sample WHERE voided_at IS NULL GROUP BY control_id),
counted AS (SELECT e.* FROM exception e LEFT JOIN sample s ON s.id = e.sample_id WHERE s.voided_at IS NULL)
SELECT c.id, c.reference, c.description, c.criteria,
  (SELECT count(*) FROM walkthrough w WHERE w.control_id = c.id),
  (SELECT count(*) FROM population p WHERE p.control_id = c.id AND p.removed_at IS NULL),
  coalesce((SELECT json_array_length(s.selection, '$.items') FROM sample s JOIN live ON live.id = s.id WHERE live.control_id = c.id), 0),
  (SELECT count(*) FROM test_result t JOIN live ON live.id = t.sample_id WHERE live.control_id = c.id),
  coalesce((SELECT json_array_length(s.selection, '$.items') FROM sample s JOIN live ON live.id = s.id WHERE live.control_id = c.id), 0)
    * (SELECT count(*) FROM attribute a WHERE a.control_id = c.id),
  (SELECT count(*) FROM counted e WHERE e.control_id = c.id),
  (SELECT count(*) FROM counted e WHERE e.control_id = c.id AND e.management_response IS NULL),
  c.conclusion,
  (SELECT initials FROM signoff g WHERE g.control_id = c.id AND g.role = 'preparer' AND g.withdrawn_at IS NULL),
  (SELECT initials FROM signoff g WHERE g.control_id = c.id AND g.role = 'reviewer' AND g.withdrawn_at IS NULL),
  (SELECT count(*) FROM review_note n WHERE n.control_id = c.id AND n.cleared_at IS NULL)
FROM control c ORDER BY c.reference";

impl EngagementFile {
    /// The key the user made or unlocked in this session for the partner to register, while
    /// their row has no key or has that one: registered, it is theirs to sign in with.
    fn key_for_partner(&self, team: &[crate::model::TeamMember]) -> Option<KeyForPartner> {
        let user = self.user()?;
        let public_key = self.for_partner.get(user)?;
        let row = team.iter().find(|m| m.initials == user)?.public_key.as_ref();
        (!self.signed_in_with_key() && row.is_none_or(|k| k == public_key))
            .then(|| KeyForPartner { fingerprint: crate::keys::fingerprint(public_key), public_key: public_key.clone(), registered: row.is_some() })
    }

    pub fn overview(&self) -> Result<Overview> {
        let conn = self.conn();
        let mut stmt = conn.prepare(PROGRESS_SQL)?;
        let controls: Vec<ControlProgress> = stmt
            .query_map([], |r| {
                Ok((
                    ControlProgress {
                        id: r.get(0)?,
                        reference: r.get(1)?,
                        description: r.get(2)?,
                        criteria: Vec::new(),
                        walkthroughs: r.get(4)?,
                        populations: r.get(5)?,
                        sample_items: r.get(6)?,
                        results_recorded: r.get(7)?,
                        results_expected: r.get(8)?,
                        exceptions: r.get(9)?,
                        exceptions_unanswered: r.get(10)?,
                        conclusion: r.get::<_, Option<String>>(11)?.and_then(|c| serde_json::from_value(c.into()).ok()),
                        preparer: r.get(12)?,
                        reviewer: r.get(13)?,
                        preparer_changed: false,
                        reviewer_changed: false,
                        open_review_notes: r.get(14)?,
                    },
                    r.get::<_, String>(3)?,
                ))
            })?
            .map(|row| {
                let (mut progress, criteria) = row?;
                progress.criteria = serde_json::from_str(&criteria)?;
                if progress.preparer.is_some() {
                    let (preparer, reviewer) = self.signoffs(progress.id)?;
                    progress.preparer_changed = preparer.is_some_and(|s| s.changed_since.is_some());
                    progress.reviewer_changed = reviewer.is_some_and(|s| s.changed_since.is_some());
                }
                Ok(progress)
            })
            .collect::<Result<_>>()?;
        let number = |sql: &str| conn.query_row(sql, [], |r| r.get::<_, i64>(0));
        let info = self.info()?;
        let open_requests = number("SELECT count(*) FROM request WHERE status NOT IN ('closed', 'not_needed', 'not_provided')")?;
        // The laptop's calendar date: "past due" is what the auditor sees on the day.
        let overdue_requests = conn.query_row(
            "SELECT count(*) FROM request WHERE status NOT IN ('closed', 'not_needed', 'not_provided') AND due_on < ?1",
            [chrono::Local::now().date_naive().to_string()],
            |r| r.get::<_, i64>(0),
        )?;
        Ok(Overview {
            path: self.path().display().to_string(),
            user: self.user().map(str::to_owned),
            signed: self.signed_in_with_key(),
            fingerprints: info
                .team
                .iter()
                .map(|m| MemberKey { initials: m.initials.clone(), fingerprint: m.public_key.as_deref().map(crate::keys::fingerprint) })
                .collect(),
            open_items: open_items(&controls, &info.examination, open_requests, overdue_requests, crate::sync::conflicts::unsettled_count(conn)?),
            registers_keys: crate::signing::team::signs_as_partner(&info.team, self.user().unwrap_or_default(), self.signed_in_with_key()),
            key_for_partner: self.key_for_partner(&info.team),
            team_closed: crate::signing::team::partner_adds(&info.team, self.user().unwrap_or_default(), self.signed_in_with_key())
                .then(|| "Members are added by the engagement partner, signed in with their key, now that the partner signs with one.".to_owned()),
            info,
            controls,
            completed_on: self.completed_on()?,
            addendum: self.addendum_reason().map(str::to_owned),
            open_requests,
            overdue_requests,
            evidence_files: number("SELECT count(*) FROM evidence")?,
            trail_entries: number("SELECT count(*) FROM trail")?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn progress() -> ControlProgress {
        ControlProgress {
            id: 7,
            reference: "CC8.1-01".into(),
            description: String::new(),
            criteria: vec!["CC8.1".into()],
            walkthroughs: 1,
            populations: 1,
            sample_items: 25,
            results_recorded: 50,
            results_expected: 50,
            exceptions: 1,
            exceptions_unanswered: 0,
            conclusion: Some(Conclusion::ExceptionsNoted),
            preparer: Some("DW".into()),
            reviewer: Some("JI".into()),
            preparer_changed: false,
            reviewer_changed: false,
            open_review_notes: 0,
        }
    }

    fn type2() -> Examination {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        Examination::Type2 { period_start: d("2026-01-01"), period_end: d("2026-12-31") }
    }

    #[test]
    fn a_finished_workpaper_has_nothing_open() {
        assert!(progress().open_items(&type2()).is_empty());
    }

    #[test]
    fn a_new_control_lists_the_work_in_order() {
        let new = ControlProgress {
            walkthroughs: 0,
            populations: 0,
            sample_items: 0,
            results_recorded: 0,
            results_expected: 0,
            exceptions: 0,
            conclusion: None,
            preparer: None,
            reviewer: None,
            ..progress()
        };
        assert_eq!(
            new.open_items(&type2()),
            ["no walkthrough or interview recorded", "no population imported", "no conclusion recorded", "not yet signed by its preparer"]
        );
        let type1 = Examination::Type1 { as_of: "2026-06-30".parse().unwrap() };
        assert_eq!(new.open_items(&type1), ["no walkthrough or interview recorded", "no conclusion recorded", "not yet signed by its preparer"], "a Type 1 needs no testing");
    }

    #[test]
    fn testing_under_way_says_how_far_it_has_got() {
        let c = ControlProgress { results_recorded: 12, exceptions_unanswered: 2, open_review_notes: 1, reviewer: None, ..progress() };
        assert_eq!(c.open_items(&type2()), ["12 of 50 test results recorded", "2 exceptions without management's response", "awaiting review", "1 review note open"]);
    }

    #[test]
    fn one_line_per_control_with_work_open_then_the_requests_then_the_sync_conflicts() {
        let open = ControlProgress { id: 9, reference: "CC6.1-02".into(), conclusion: None, reviewer: None, ..progress() };
        let items = open_items(&[progress(), open], &type2(), 3, 1, 2);
        assert_eq!(
            items,
            [
                OpenItem { control_id: Some(9), reference: Some("CC6.1-02".into()), text: "no conclusion recorded; awaiting review".into() },
                OpenItem { control_id: None, reference: None, text: "3 requests not closed, 1 past due".into() },
                OpenItem { control_id: None, reference: None, text: "2 sync conflicts not settled (Team)".into() },
            ]
        );
        assert!(open_items(&[progress()], &type2(), 0, 0, 0).is_empty());
    }
}
