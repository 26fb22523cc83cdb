//! The TypeScript declarations of every type the commands take or return, in one module the
//! UI imports. `cargo test` fails when the committed copy is stale, or when the capability
//! does not grant exactly the commands the app declares.

use ts_rs::{Config, TS};

pub fn bindings() -> String {
    let cfg = Config::new().with_large_int("number");
    let decls = [
        engagement::model::Category::decl(&cfg),
        engagement::model::Examination::decl(&cfg),
        engagement::model::Role::decl(&cfg),
        engagement::model::TeamMember::decl(&cfg),
        engagement::model::NewEngagement::decl(&cfg),
        engagement::model::EngagementInfo::decl(&cfg),
        engagement::model::Criterion::decl(&cfg),
        engagement::overview::ControlProgress::decl(&cfg),
        engagement::overview::Overview::decl(&cfg),
        engagement::overview::OpenItem::decl(&cfg),
        engagement::overview::MemberKey::decl(&cfg),
        engagement::overview::KeyForPartner::decl(&cfg),
        sampling::Frequency::decl(&cfg),
        engagement::control::Nature::decl(&cfg),
        engagement::control::AttributeInput::decl(&cfg),
        engagement::control::ControlInput::decl(&cfg),
        engagement::control::Attribute::decl(&cfg),
        engagement::control::Control::decl(&cfg),
        engagement::walkthrough::WalkthroughKind::decl(&cfg),
        engagement::walkthrough::WalkthroughInput::decl(&cfg),
        engagement::walkthrough::Walkthrough::decl(&cfg),
        engagement::population::ColumnMapping::decl(&cfg),
        engagement::population::CellAt::decl(&cfg),
        engagement::population::Findings::decl(&cfg),
        engagement::population::Removal::decl(&cfg),
        engagement::population::Population::decl(&cfg),
        engagement::population::PopulationItem::decl(&cfg),
        engagement::population::ListingPreview::decl(&cfg),
        engagement::sample::SampleMethod::decl(&cfg),
        engagement::sample::StratifyBy::decl(&cfg),
        engagement::sample::SizeRequest::decl(&cfg),
        engagement::sample::SampleRequest::decl(&cfg),
        engagement::sample::SamplePlan::decl(&cfg),
        engagement::sample::Voiding::decl(&cfg),
        engagement::monetary::AuditedAmount::decl(&cfg),
        engagement::monetary::MonetaryView::decl(&cfg),
        engagement::testing::Outcome::decl(&cfg),
        engagement::testing::Tickmark::decl(&cfg),
        engagement::testing::TestResult::decl(&cfg),
        engagement::conclusion::Conclusion::decl(&cfg),
        engagement::conclusion::ConclusionInput::decl(&cfg),
        engagement::exception::Exception::decl(&cfg),
        engagement::grid_import::ResultsImported::decl(&cfg),
        engagement::procedure::ProcedureNature::decl(&cfg),
        engagement::procedure::ProcedureInput::decl(&cfg),
        engagement::procedure::Performed::decl(&cfg),
        engagement::procedure::Procedure::decl(&cfg),
        engagement::complementary::UserEntityControlInput::decl(&cfg),
        engagement::complementary::UserEntityControl::decl(&cfg),
        engagement::complementary::SubserviceMethod::decl(&cfg),
        engagement::complementary::SubserviceInput::decl(&cfg),
        engagement::complementary::Subservice::decl(&cfg),
        super::matrix::Complementary::decl(&cfg),
        engagement::signoff::SignoffRole::decl(&cfg),
        engagement::signoff::Signoff::decl(&cfg),
        engagement::signoff::ChangedSince::decl(&cfg),
        engagement::review::ReviewNote::decl(&cfg),
        engagement::workpaper::SampleItem::decl(&cfg),
        engagement::workpaper::MonthCount::decl(&cfg),
        engagement::workpaper::SampleView::decl(&cfg),
        engagement::roll_forward::CarriedKind::decl(&cfg),
        engagement::roll_forward::CarriedNote::decl(&cfg),
        engagement::workpaper::Workpaper::decl(&cfg),
        engagement::request::RequestStatus::decl(&cfg),
        engagement::request::RequestInput::decl(&cfg),
        engagement::request::Request::decl(&cfg),
        engagement::request_list::RequestChange::decl(&cfg),
        engagement::request_list::ClientFiles::decl(&cfg),
        engagement::evidence::Evidence::decl(&cfg),
        engagement::evaluation::DeviationKind::decl(&cfg),
        engagement::evaluation::CriterionEffect::decl(&cfg),
        engagement::evaluation::EffectOn::decl(&cfg),
        engagement::evaluation::EvaluationInput::decl(&cfg),
        engagement::evaluation::Compensating::decl(&cfg),
        engagement::evaluation::Evaluation::decl(&cfg),
        engagement::evaluation::ExceptionEvaluation::decl(&cfg),
        engagement::criterion_conclusion::CriterionDecision::decl(&cfg),
        engagement::criterion_conclusion::CriterionStatus::decl(&cfg),
        engagement::scope_limitation::ScopeLimitation::decl(&cfg),
        engagement::opinion::OpinionKind::decl(&cfg),
        engagement::opinion::OpinionProposal::decl(&cfg),
        engagement::opinion::OpinionDecision::decl(&cfg),
        engagement::opinion::OpinionState::decl(&cfg),
        engagement::report_document::ReportDocumentKind::decl(&cfg),
        engagement::report_document::ReportDocuments::decl(&cfg),
        engagement::recent::RecentFile::decl(&cfg),
        engagement::trail::TrailEntry::decl(&cfg),
        engagement::verify::Verification::decl(&cfg),
        engagement::SyncReport::decl(&cfg),
        engagement::sync::conflicts::SyncConflict::decl(&cfg),
        engagement::sync::conflicts::ConflictCell::decl(&cfg),
        crate::error::CommandError::decl(&cfg),
        super::file::Startup::decl(&cfg),
        super::requests::ViewedEvidence::decl(&cfg),
        crate::state::Dropping::decl(&cfg),
        crate::state::DropKind::decl(&cfg),
    ];
    let mut out = String::from("// Generated from the Rust types by `cargo test -p tickmark-app` (UPDATE_BINDINGS=1 rewrites it). Do not edit.\n\n");
    for decl in decls {
        out.push_str("export ");
        out.push_str(&decl);
        out.push_str("\n\n");
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    fn here(relative: &str) -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)
    }

    #[test]
    fn committed_ui_bindings_are_current() {
        let path = here("../ui/src/bindings.ts");
        let generated = super::bindings();
        if std::env::var_os("UPDATE_BINDINGS").is_some() {
            std::fs::write(&path, &generated).unwrap();
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == generated,
            "ui/src/bindings.ts is stale: run `UPDATE_BINDINGS=1 cargo test -p tickmark-app bindings` and commit it"
        );
    }

    #[test]
    fn the_capability_grants_exactly_the_app_commands() {
        let commands: Vec<String> = serde_json::from_str(&std::fs::read_to_string(here("commands.json")).unwrap()).unwrap();
        let capability: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(here("capabilities/default.json")).unwrap()).unwrap();
        let mut granted: Vec<String> = capability["permissions"].as_array().unwrap().iter().map(|p| p.as_str().unwrap().to_owned()).collect();
        let mut wanted: Vec<String> = commands.iter().map(|c| format!("allow-{}", c.replace('_', "-"))).collect();
        granted.sort();
        wanted.sort();
        assert_eq!(granted, wanted, "no plugin or extra permission, and every command granted");
    }
}
