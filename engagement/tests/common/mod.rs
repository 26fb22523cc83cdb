#![allow(dead_code)]

pub mod forgery;
pub mod workflow;

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use engagement::control::{AttributeInput, ControlInput, Nature};
use engagement::model::{Category, Examination, NewEngagement, Role, TeamMember};
use engagement::EngagementFile;

pub const PASSPHRASE: &str = "correct horse battery";

pub fn date(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

pub fn new_engagement() -> NewEngagement {
    NewEngagement {
        client: "Northwind Payroll, Inc.".into(),
        system: "Payroll platform".into(),
        examination: Examination::Type2 { period_start: date("2025-10-01"), period_end: date("2026-09-30") },
        categories: vec![Category::Availability],
        team: vec![
            TeamMember { name: "Dana Whitfield".into(), initials: "DW".into(), role: Role::Senior, public_key: None },
            TeamMember { name: "Joaquín Ibáñez".into(), initials: "JI".into(), role: Role::Manager, public_key: None },
        ],
    }
}

pub fn create(dir: &Path) -> (EngagementFile, PathBuf) {
    let path = dir.join("northwind.tickmark");
    let file = EngagementFile::create(&path, PASSPHRASE, &new_engagement()).unwrap();
    (file, path)
}

pub fn change_control() -> ControlInput {
    ControlInput {
        reference: "CC8.1-01".into(),
        description: "Changes to production are approved by someone other than the developer before deployment.".into(),
        criteria: vec!["CC8.1".into()],
        frequency: sampling::Frequency::MultipleTimesPerDay,
        nature: Nature::Manual,
        owner: "Head of Engineering".into(),
        attributes: vec![
            AttributeInput { label: "A".into(), question: "Approved before deployment?".into() },
            AttributeInput { label: "B".into(), question: "Approver is not the developer?".into() },
        ],
    }
}

/// The bytes of the file and of any WAL beside it, to show a refusal changed nothing.
pub fn bytes(path: &Path) -> (Vec<u8>, Option<Vec<u8>>) {
    (std::fs::read(path).unwrap(), std::fs::read(format!("{}-wal", path.display())).ok())
}

/// Dana (senior) and Joaquín (manager), each with a personal key: the engagement and the keys.
#[allow(dead_code)] // not every test binary that includes `common` signs with keys
pub fn keyed_team() -> (NewEngagement, engagement::keys::PersonalKey, engagement::keys::PersonalKey) {
    let dana = engagement::keys::PersonalKey::generate("Dana Whitfield", "DW");
    let joaquin = engagement::keys::PersonalKey::generate("Joaquín Ibáñez", "JI");
    let mut new = new_engagement();
    new.team = vec![
        TeamMember { name: dana.name.clone(), initials: "DW".into(), role: Role::Senior, public_key: Some(dana.public_key()) },
        TeamMember { name: joaquin.name.clone(), initials: "JI".into(), role: Role::Manager, public_key: Some(joaquin.public_key()) },
    ];
    (new, dana, joaquin)
}

/// Every table a sync carries, row by row: two copies with the same dump hold the same work.
pub fn content(path: &Path) -> String {
    let conn = forgery::raw(path);
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sync_%' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let mut out = String::new();
    for table in tables {
        let columns = conn.prepare(&format!("SELECT * FROM {table}")).unwrap().column_count();
        let order = (1..=columns).map(|i| i.to_string()).collect::<Vec<_>>().join(", ");
        let mut stmt = conn.prepare(&format!("SELECT * FROM {table} ORDER BY {order}")).unwrap();
        let rows = stmt
            .query_map([], |r| Ok((0..columns).map(|i| format!("{:?}", r.get_ref(i).unwrap())).collect::<Vec<_>>().join("|")))
            .unwrap()
            .map(Result::unwrap)
            .collect::<Vec<_>>();
        out.push_str(&format!("{table}\n{}\n", rows.join("\n")));
    }
    out
}
