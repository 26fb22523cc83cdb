//! Who may change the team. Personal keys make "who signed" provable only while nobody can make
//! a key someone else's, or make themselves the partner, so the team's own changes follow a rule:
//! - a member registers their own first key until the partner signs with a key; from then on,
//!   the partner registers it (`Rule::PartnerRegistersFirstKeys`): a member without a key is
//!   whoever knows the passphrase, so anyone could otherwise register a key in their name and
//!   sign as them. A key once registered is replaced only by the partner, signed in with hers;
//! - once the partner signs with a key, the team is theirs to change: they add members. While
//!   the team has a partner who has no key yet, anyone on the team may add a member but not
//!   another partner; while it has no partner at all, anyone may add one (there is nobody to ask,
//!   and the trail names who added whom: name the partner when the file is created);
//! - no key is two members', no initials are two members' (in any case, and a member is written
//!   as Tickmark writes one), and nobody is removed, renamed or given another role: Tickmark has
//!   no such action.
//!
//! The library refuses what breaks the rule; merging holds a change from another copy that
//! breaks it, judged on the team as it stands before the change in the one order every copy
//! applies; `verify` names a trail entry that breaks it, judged on the team as the trail stood.
//! Files made before Tickmark recorded which rule a file is made under (`engagement.team_rule`,
//! schema version 5) let a member register their own first key at any time: merging and
//! `verify` judge them by that rule, since their members did so (archived files included),
//! while the window and the CLI refuse it on them too.

use rusqlite::OptionalExtension;
use serde_json::Value;

use crate::model::{Role, TeamMember};

/// The rule a file's team changes are judged by: recorded when the file is made, never changed
/// (a change from another copy that sets it is refused whole, `sync::admission`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Rule {
    /// Files made before the rule was recorded: a member registers their own first key.
    OwnFirstKeys,
    /// Once the partner signs with a key, a member's first key is the partner's to register.
    PartnerRegistersFirstKeys,
}

impl Rule {
    /// The rule files are made under now, and the window and the CLI apply to every file.
    pub(crate) const NEW: Rule = Rule::PartnerRegistersFirstKeys;

    /// As `engagement.team_rule` stores it.
    pub(crate) fn number(self) -> i64 {
        match self {
            Rule::OwnFirstKeys => 1,
            Rule::PartnerRegistersFirstKeys => 2,
        }
    }

    /// The rule a file made under rule number `number` (absent: made before rules were
    /// recorded) is judged by. A number this version does not know is not one Tickmark wrote (a
    /// newer Tickmark would have a newer schema): judged by the strictest rule known.
    pub(crate) fn numbered(number: Option<i64>) -> Rule {
        match number {
            None => Rule::OwnFirstKeys,
            Some(n) if n == Rule::OwnFirstKeys.number() => Rule::OwnFirstKeys,
            Some(_) => Rule::PartnerRegistersFirstKeys,
        }
    }

    /// The rule the file on `conn` was made under, as the entry that created it records it: the
    /// trail's, signed by its creator, so that no later change (a forged one from another copy,
    /// or a row edited in the file) sets it back. `verify` names any entry that changes it.
    pub(crate) fn of(conn: &rusqlite::Connection) -> crate::error::Result<Rule> {
        let number: Option<i64> = conn
            .query_row("SELECT json_extract(after, '$.team_rule') FROM trail WHERE entity = 'engagement' AND action = 'create' ORDER BY seq LIMIT 1", [], |r| r.get(0))
            .optional()?
            .flatten();
        Ok(Rule::numbered(number))
    }
}

/// Why `actor` (`signed`: signed in with their personal key) may not turn member row `before`
/// into `after` (None: no row), judged by `rule` on `team` as it stands before the change. None
/// when they may.
pub(crate) fn refusal(rule: Rule, team: &[TeamMember], actor: &str, signed: bool, before: Option<&TeamMember>, after: Option<&TeamMember>) -> Option<String> {
    let by_partner = signs_as_partner(team, actor, signed);
    // A key another member holds: whoever holds the key would sign as both.
    let taken = |m: &TeamMember| {
        let key = m.public_key.as_deref()?;
        team.iter().find(|o| !same_initials(&o.initials, &m.initials) && o.public_key.as_deref().is_some_and(|k| k.eq_ignore_ascii_case(key)))
    };
    if let Some(unwritten) = after.filter(|m| **m != m.normalised()) {
        return Some(format!("{} is not written as Tickmark writes a member: initials in capitals, the key's hex in lower case", unwritten.initials));
    }
    match (before, after) {
        (None, None) => None,
        (Some(gone), None) => Some(format!("{} is not removed from the team: Tickmark has no such action", gone.initials)),
        (Some(was), Some(now)) if (&was.name, &was.initials, was.role) != (&now.name, &now.initials, now.role) => {
            Some(format!("{}'s name, initials and role are not changed once on the team: Tickmark has no such action", was.initials))
        }
        (None, Some(added)) => {
            if team.iter().any(|m| same_initials(&m.initials, &added.initials)) {
                Some(format!("the initials {} are already on the team", added.initials))
            } else if partner_adds(team, actor, signed) {
                Some(format!("{} is added to the team by the engagement partner, signed in with their key, now that the partner signs with one", added.initials))
            } else if added.role == Role::Partner && team.iter().any(|m| m.role == Role::Partner) && !by_partner {
                Some(format!("{} is added as a partner by the engagement partner, signed in with their key: the partner registers theirs first", added.initials))
            } else {
                taken(added).map(|holder| format!("{}'s key is already {}'s", added.initials, holder.initials))
            }
        }
        (Some(was), Some(now)) if was.public_key == now.public_key => None,
        (Some(was), Some(now)) => {
            let own_first = was.public_key.is_none() && same_initials(&was.initials, actor);
            match taken(now) {
                Some(holder) => Some(format!("{}'s new key is already {}'s", was.initials, holder.initials)),
                None if own_first && !by_partner && rule == Rule::PartnerRegistersFirstKeys && first_key_by_partner(team, &was.initials) => Some(format!(
                    "{}'s first key is registered by the engagement partner, signed in with their key, now that the partner signs with one: give them its public key",
                    was.initials
                )),
                None => (!own_first && !by_partner)
                    .then(|| format!("{0}'s key is registered by {0}, or replaced by the engagement partner signed in with their own key", was.initials)),
            }
        }
    }
}

/// Whether the first key of member `initials` is the partner's to register now: a partner signs
/// with a key, and `initials` is not theirs.
pub(crate) fn first_key_by_partner(team: &[TeamMember], initials: &str) -> bool {
    team.iter().any(|m| signing_partner(m) && !same_initials(&m.initials, initials))
}

/// Whether members are now the partner's to add (the partner signs with a key) and `actor`
/// is not the partner signed in with theirs: what the window says in place of the form.
pub(crate) fn partner_adds(team: &[TeamMember], actor: &str, signed: bool) -> bool {
    team.iter().any(signing_partner) && !signs_as_partner(team, actor, signed)
}

fn signing_partner(m: &TeamMember) -> bool {
    m.role == Role::Partner && m.public_key.is_some()
}

/// Whether `actor`, signed in with their key (`signed`), is a partner who signs with one: who
/// registers members' first keys and replaces lost ones.
pub(crate) fn signs_as_partner(team: &[TeamMember], actor: &str, signed: bool) -> bool {
    signed && team.iter().any(|m| same_initials(&m.initials, actor) && signing_partner(m))
}

/// Initials name one member whatever their case: sign-ins and signatures compare them so.
fn same_initials(a: &str, b: &str) -> bool {
    a.trim().to_uppercase() == b.trim().to_uppercase()
}

/// A member row as the trail records it (`None` for no row, or one that is not a member).
pub(crate) fn member(row: &Value) -> Option<TeamMember> {
    serde_json::from_value(row.clone()).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(initials: &str, role: Role, key: Option<&str>) -> TeamMember {
        TeamMember { name: format!("{initials} Name"), initials: initials.into(), role, public_key: key.map(str::to_owned) }
    }

    fn team(partner_key: Option<&str>) -> Vec<TeamMember> {
        vec![member("DW", Role::Senior, Some("dw1")), member("JI", Role::Manager, None), member("PR", Role::Partner, partner_key)]
    }

    #[test]
    fn a_member_registers_their_own_first_key_and_only_the_signing_partner_replaces_one() {
        let team = team(Some("pr1"));
        let with = |m: &TeamMember, key: &str| TeamMember { public_key: Some(key.into()), ..m.clone() };
        let unkeyed = self::team(None);
        assert_eq!(refusal(Rule::OwnFirstKeys, &team, "ji", false, Some(&team[1]), Some(&with(&team[1], "ji1"))), None, "JI's own first key, by the rule");
        assert!(refusal(Rule::OwnFirstKeys, &team, "DW", true, Some(&team[1]), Some(&with(&team[1], "ji1"))).is_some(), "DW may not set JI's");
        assert!(refusal(Rule::OwnFirstKeys, &team, "DW", true, Some(&team[0]), Some(&with(&team[0], "dw2"))).is_some(), "nor replace her own");
        assert_eq!(refusal(Rule::OwnFirstKeys, &team, "PR", true, Some(&team[0]), Some(&with(&team[0], "dw2"))), None, "the partner replaces it");
        assert!(refusal(Rule::OwnFirstKeys, &team, "PR", false, Some(&team[0]), Some(&with(&team[0], "dw2"))).is_some(), "signed in with their key");
        assert!(refusal(Rule::OwnFirstKeys, &unkeyed, "PR", false, Some(&unkeyed[0]), Some(&with(&unkeyed[0], "dw2"))).is_some(), "a partner without a key replaces none");
    }

    #[test]
    fn a_change_that_leaves_a_member_as_they_were_breaks_no_rule() {
        let team = team(Some("pr1"));
        for m in &team {
            assert_eq!(refusal(Rule::OwnFirstKeys, &team, "DW", true, Some(m), Some(m)), None, "{}", m.initials);
        }
    }

    #[test]
    fn once_the_partner_signs_with_a_key_only_they_add_members() {
        let new = member("SM", Role::Staff, Some("sm1"));
        assert_eq!(refusal(Rule::OwnFirstKeys, &team(None), "DW", true, None, Some(&new)), None, "nobody to ask yet");
        let keyed = team(Some("pr1"));
        let refused = refusal(Rule::OwnFirstKeys, &keyed, "DW", true, None, Some(&new)).expect("refused");
        assert!(refused.contains("SM is added to the team by the engagement partner"), "{refused}");
        assert_eq!(refusal(Rule::OwnFirstKeys, &keyed, "pr", true, None, Some(&new)), None);
    }

    #[test]
    fn while_the_team_has_a_partner_nobody_but_a_signing_partner_adds_another() {
        let unkeyed = team(None);
        let minted = member("XP", Role::Partner, Some("xp1"));
        assert!(refusal(Rule::OwnFirstKeys, &unkeyed, "DW", true, None, Some(&minted)).expect("refused").contains("XP is added as a partner by the engagement partner"));
        assert_eq!(refusal(Rule::OwnFirstKeys, &unkeyed, "DW", true, None, Some(&member("SM", Role::Staff, None))), None, "staff, while the partner has no key");
        let partnerless = &unkeyed[..2];
        assert_eq!(refusal(Rule::OwnFirstKeys, partnerless, "DW", true, None, Some(&minted)), None, "nobody to ask");
    }

    #[test]
    fn no_key_or_initials_are_two_members() {
        let team = team(Some("pr1"));
        assert!(refusal(Rule::OwnFirstKeys, &team, "PR", true, None, Some(&member("DW", Role::Staff, None))).expect("refused").contains("initials DW are already on the team"));
        let forged_earlier = [team.clone(), vec![member("sm", Role::Staff, None)]].concat();
        assert!(refusal(Rule::OwnFirstKeys, &forged_earlier, "PR", true, None, Some(&member("SM", Role::Staff, None))).expect("refused").contains("initials SM are already on the team"));
        assert!(refusal(Rule::OwnFirstKeys, &team, "PR", true, None, Some(&member("SM", Role::Staff, Some("dw1")))).expect("refused").contains("SM's key is already DW's"));
        assert!(refusal(Rule::OwnFirstKeys, &team, "PR", true, None, Some(&member("SM", Role::Staff, Some("DW1")))).expect("refused").contains("the key's hex in lower case"));
        let with_dws = TeamMember { public_key: Some("dw1".into()), ..team[1].clone() };
        assert!(refusal(Rule::OwnFirstKeys, &team, "PR", true, Some(&team[1]), Some(&with_dws)).expect("refused").contains("JI's new key is already DW's"));
        assert!(refusal(Rule::OwnFirstKeys, &team, "PR", true, None, Some(&member("sm", Role::Staff, None))).expect("refused").contains("initials in capitals"));
        let own = TeamMember { public_key: Some("ji1".into()), ..team[1].clone() };
        assert_eq!(refusal(Rule::OwnFirstKeys, &team, "ji", false, Some(&team[1]), Some(&own)), None, "initials in any case are the member's");
    }

    /// On a file made under the rule files are made under now, once the partner signs with a
    /// key, a member's first key is hers to register; before, and for the partner's own, the
    /// member's. On a file made before, the member's still.
    #[test]
    fn once_the_partner_signs_a_members_first_key_is_hers_to_register() {
        let with = |m: &TeamMember, key: &str| TeamMember { public_key: Some(key.into()), ..m.clone() };
        let keyed = team(Some("pr1"));
        let refused = refusal(Rule::PartnerRegistersFirstKeys, &keyed, "ji", false, Some(&keyed[1]), Some(&with(&keyed[1], "ji1"))).expect("refused");
        assert!(refused.contains("JI's first key is registered by the engagement partner"), "{refused}");
        assert!(refusal(Rule::PartnerRegistersFirstKeys, &keyed, "PR", false, Some(&keyed[1]), Some(&with(&keyed[1], "ji1"))).is_some(), "the partner signed in with her key");
        assert_eq!(refusal(Rule::PartnerRegistersFirstKeys, &keyed, "PR", true, Some(&keyed[1]), Some(&with(&keyed[1], "ji1"))), None, "the partner registers it");
        let unkeyed = team(None);
        assert_eq!(refusal(Rule::PartnerRegistersFirstKeys, &unkeyed, "ji", false, Some(&unkeyed[1]), Some(&with(&unkeyed[1], "ji1"))), None, "before the partner signs");
        assert_eq!(refusal(Rule::PartnerRegistersFirstKeys, &unkeyed, "pr", false, Some(&unkeyed[2]), Some(&with(&unkeyed[2], "pr1"))), None, "the partner's own");
        assert!(refusal(Rule::PartnerRegistersFirstKeys, &keyed, "DW", true, Some(&keyed[0]), Some(&with(&keyed[0], "dw2"))).is_some(), "the rest of the rule holds");
        assert_eq!(refusal(Rule::OwnFirstKeys, &keyed, "ji", false, Some(&keyed[1]), Some(&with(&keyed[1], "ji1"))), None, "a file made before");
    }

    #[test]
    fn nobody_is_removed_renamed_or_given_another_role() {
        let team = team(None);
        assert!(refusal(Rule::OwnFirstKeys, &team, "PR", true, Some(&team[0]), None).is_some());
        let promoted = TeamMember { role: Role::Partner, ..team[0].clone() };
        assert!(refusal(Rule::OwnFirstKeys, &team, "PR", true, Some(&team[0]), Some(&promoted)).expect("refused").contains("role"));
        let renamed = TeamMember { name: "Someone Else".into(), ..team[0].clone() };
        assert!(refusal(Rule::OwnFirstKeys, &team, "PR", true, Some(&team[0]), Some(&renamed)).is_some());
    }
}
