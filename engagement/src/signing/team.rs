//! Who may change the team. Personal keys make "who signed" provable only while nobody can make
//! a key someone else's, or make themselves the partner, so the team's own changes follow a rule:
//! - a member registers their own first key; a key once registered is replaced only by the
//!   engagement partner, signed in with their own;
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
//!
//! The window and the CLI refuse one thing more (`refusal_now`): once the partner signs with a
//! key, a member's first key is the partner's to register. A member without a key is whoever
//! knows the passphrase, so anyone could otherwise register a key in their name and sign as
//! them. Merging and `verify` do not judge by it: files and copies made before it registered
//! members' own first keys after the partner's, and would then fail `verify`, or be held on one
//! copy and not on another that took them before.

use serde_json::Value;

use crate::model::{Role, TeamMember};

/// Why `actor` (`signed`: signed in with their personal key) may not turn member row `before`
/// into `after` (None: no row), judged on `team` as it stands before the change. None when
/// they may.
pub(crate) fn refusal(team: &[TeamMember], actor: &str, signed: bool, before: Option<&TeamMember>, after: Option<&TeamMember>) -> Option<String> {
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
                None => (!own_first && !by_partner)
                    .then(|| format!("{0}'s key is registered by {0}, or replaced by the engagement partner signed in with their own key", was.initials)),
            }
        }
    }
}

/// Why `actor` may not make this change of the team now, in the window or the CLI: the rule,
/// and, once the partner signs with a key, a member's first key registered by anyone but them.
pub(crate) fn refusal_now(team: &[TeamMember], actor: &str, signed: bool, before: Option<&TeamMember>, after: Option<&TeamMember>) -> Option<String> {
    refusal(team, actor, signed, before, after).or_else(|| match (before, after) {
        (Some(was), Some(now)) if was.public_key.is_none() && now.public_key.is_some() && first_key_by_partner(team, &was.initials) && !signs_as_partner(team, actor, signed) => Some(format!(
            "{}'s first key is registered by the engagement partner, signed in with their key, now that the partner signs with one: give them its public key",
            was.initials
        )),
        _ => None,
    })
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
        assert_eq!(refusal(&team, "ji", false, Some(&team[1]), Some(&with(&team[1], "ji1"))), None, "JI's own first key, by the rule");
        assert!(refusal(&team, "DW", true, Some(&team[1]), Some(&with(&team[1], "ji1"))).is_some(), "DW may not set JI's");
        assert!(refusal(&team, "DW", true, Some(&team[0]), Some(&with(&team[0], "dw2"))).is_some(), "nor replace her own");
        assert_eq!(refusal(&team, "PR", true, Some(&team[0]), Some(&with(&team[0], "dw2"))), None, "the partner replaces it");
        assert!(refusal(&team, "PR", false, Some(&team[0]), Some(&with(&team[0], "dw2"))).is_some(), "signed in with their key");
        assert!(refusal(&unkeyed, "PR", false, Some(&unkeyed[0]), Some(&with(&unkeyed[0], "dw2"))).is_some(), "a partner without a key replaces none");
    }

    #[test]
    fn a_change_that_leaves_a_member_as_they_were_breaks_no_rule() {
        let team = team(Some("pr1"));
        for m in &team {
            assert_eq!(refusal(&team, "DW", true, Some(m), Some(m)), None, "{}", m.initials);
        }
    }

    #[test]
    fn once_the_partner_signs_with_a_key_only_they_add_members() {
        let new = member("SM", Role::Staff, Some("sm1"));
        assert_eq!(refusal(&team(None), "DW", true, None, Some(&new)), None, "nobody to ask yet");
        let keyed = team(Some("pr1"));
        let refused = refusal(&keyed, "DW", true, None, Some(&new)).expect("refused");
        assert!(refused.contains("SM is added to the team by the engagement partner"), "{refused}");
        assert_eq!(refusal(&keyed, "pr", true, None, Some(&new)), None);
    }

    #[test]
    fn while_the_team_has_a_partner_nobody_but_a_signing_partner_adds_another() {
        let unkeyed = team(None);
        let minted = member("XP", Role::Partner, Some("xp1"));
        assert!(refusal(&unkeyed, "DW", true, None, Some(&minted)).expect("refused").contains("XP is added as a partner by the engagement partner"));
        assert_eq!(refusal(&unkeyed, "DW", true, None, Some(&member("SM", Role::Staff, None))), None, "staff, while the partner has no key");
        let partnerless = &unkeyed[..2];
        assert_eq!(refusal(partnerless, "DW", true, None, Some(&minted)), None, "nobody to ask");
    }

    #[test]
    fn no_key_or_initials_are_two_members() {
        let team = team(Some("pr1"));
        assert!(refusal(&team, "PR", true, None, Some(&member("DW", Role::Staff, None))).expect("refused").contains("initials DW are already on the team"));
        let forged_earlier = [team.clone(), vec![member("sm", Role::Staff, None)]].concat();
        assert!(refusal(&forged_earlier, "PR", true, None, Some(&member("SM", Role::Staff, None))).expect("refused").contains("initials SM are already on the team"));
        assert!(refusal(&team, "PR", true, None, Some(&member("SM", Role::Staff, Some("dw1")))).expect("refused").contains("SM's key is already DW's"));
        assert!(refusal(&team, "PR", true, None, Some(&member("SM", Role::Staff, Some("DW1")))).expect("refused").contains("the key's hex in lower case"));
        let with_dws = TeamMember { public_key: Some("dw1".into()), ..team[1].clone() };
        assert!(refusal(&team, "PR", true, Some(&team[1]), Some(&with_dws)).expect("refused").contains("JI's new key is already DW's"));
        assert!(refusal(&team, "PR", true, None, Some(&member("sm", Role::Staff, None))).expect("refused").contains("initials in capitals"));
        let own = TeamMember { public_key: Some("ji1".into()), ..team[1].clone() };
        assert_eq!(refusal(&team, "ji", false, Some(&team[1]), Some(&own)), None, "initials in any case are the member's");
    }

    /// In the window and the CLI, once the partner signs with a key, a member's first key is
    /// hers to register; before, and for the partner's own, the member's.
    #[test]
    fn once_the_partner_signs_a_members_first_key_is_hers_to_register_now() {
        let with = |m: &TeamMember, key: &str| TeamMember { public_key: Some(key.into()), ..m.clone() };
        let keyed = team(Some("pr1"));
        let refused = refusal_now(&keyed, "ji", false, Some(&keyed[1]), Some(&with(&keyed[1], "ji1"))).expect("refused");
        assert!(refused.contains("JI's first key is registered by the engagement partner"), "{refused}");
        assert!(refusal_now(&keyed, "PR", false, Some(&keyed[1]), Some(&with(&keyed[1], "ji1"))).is_some(), "the partner signed in with her key");
        assert_eq!(refusal_now(&keyed, "PR", true, Some(&keyed[1]), Some(&with(&keyed[1], "ji1"))), None, "the partner registers it");
        let unkeyed = team(None);
        assert_eq!(refusal_now(&unkeyed, "ji", false, Some(&unkeyed[1]), Some(&with(&unkeyed[1], "ji1"))), None, "before the partner signs");
        assert_eq!(refusal_now(&unkeyed, "pr", false, Some(&unkeyed[2]), Some(&with(&unkeyed[2], "pr1"))), None, "the partner's own");
        assert!(refusal_now(&keyed, "DW", true, Some(&keyed[0]), Some(&with(&keyed[0], "dw2"))).is_some(), "the rule still holds");
    }

    #[test]
    fn nobody_is_removed_renamed_or_given_another_role() {
        let team = team(None);
        assert!(refusal(&team, "PR", true, Some(&team[0]), None).is_some());
        let promoted = TeamMember { role: Role::Partner, ..team[0].clone() };
        assert!(refusal(&team, "PR", true, Some(&team[0]), Some(&promoted)).expect("refused").contains("role"));
        let renamed = TeamMember { name: "Someone Else".into(), ..team[0].clone() };
        assert!(refusal(&team, "PR", true, Some(&team[0]), Some(&renamed)).is_some());
    }
}
