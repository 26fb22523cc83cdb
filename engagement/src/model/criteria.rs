//! The 2017 Trust Services Criteria by identifier. The AICPA's wording is copyrighted, so each
//! criterion carries a short title of our own; the identifier is what reports and reviewers cite.

use serde::Serialize;

use super::Category;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Criterion {
    pub id: &'static str,
    pub title: &'static str,
    pub category: Category,
}

const fn c(id: &'static str, title: &'static str, category: Category) -> Criterion {
    Criterion { id, title, category }
}

use Category::{Availability as A, Confidentiality as C, Privacy as P, ProcessingIntegrity as PI, Security as S};

pub const CRITERIA: [Criterion; 61] = [
    c("CC1.1", "Integrity and ethical values", S),
    c("CC1.2", "Board independence and oversight", S),
    c("CC1.3", "Structures, reporting lines and authority", S),
    c("CC1.4", "Attracting and keeping competent people", S),
    c("CC1.5", "Accountability for internal control", S),
    c("CC2.1", "Quality information for internal control", S),
    c("CC2.2", "Internal communication", S),
    c("CC2.3", "External communication", S),
    c("CC3.1", "Objectives clear enough to assess risk", S),
    c("CC3.2", "Identifying and analysing risk", S),
    c("CC3.3", "Fraud risk", S),
    c("CC3.4", "Changes that affect internal control", S),
    c("CC4.1", "Ongoing and separate evaluations", S),
    c("CC4.2", "Communicating deficiencies", S),
    c("CC5.1", "Control activities that mitigate risk", S),
    c("CC5.2", "General controls over technology", S),
    c("CC5.3", "Policies and procedures", S),
    c("CC6.1", "Logical access security", S),
    c("CC6.2", "Registering and authorising users", S),
    c("CC6.3", "Role-based access and least privilege", S),
    c("CC6.4", "Physical access", S),
    c("CC6.5", "Disposal of assets and data", S),
    c("CC6.6", "Threats from outside the system boundary", S),
    c("CC6.7", "Data in transmission and movement", S),
    c("CC6.8", "Unauthorised and malicious software", S),
    c("CC7.1", "Detecting configuration changes and vulnerabilities", S),
    c("CC7.2", "Monitoring for anomalies", S),
    c("CC7.3", "Evaluating security events", S),
    c("CC7.4", "Responding to incidents", S),
    c("CC7.5", "Recovering from incidents", S),
    c("CC8.1", "Change management", S),
    c("CC9.1", "Mitigating business disruption", S),
    c("CC9.2", "Vendor and business partner risk", S),
    c("A1.1", "Capacity management", A),
    c("A1.2", "Environmental protection, backup and recovery infrastructure", A),
    c("A1.3", "Testing recovery plans", A),
    c("C1.1", "Identifying and protecting confidential information", C),
    c("C1.2", "Disposing of confidential information", C),
    c("PI1.1", "Processing definitions and specifications", PI),
    c("PI1.2", "Complete and accurate inputs", PI),
    c("PI1.3", "Complete and accurate processing", PI),
    c("PI1.4", "Complete and accurate outputs", PI),
    c("PI1.5", "Complete and accurate stored data", PI),
    c("P1.1", "Privacy notice", P),
    c("P2.1", "Choice and consent", P),
    c("P3.1", "Collection limited to stated objectives", P),
    c("P3.2", "Explicit consent for collection", P),
    c("P4.1", "Use limited to stated objectives", P),
    c("P4.2", "Retention", P),
    c("P4.3", "Disposal", P),
    c("P5.1", "Access by data subjects", P),
    c("P5.2", "Correction by data subjects", P),
    c("P6.1", "Disclosure to third parties", P),
    c("P6.2", "Record of authorised disclosures", P),
    c("P6.3", "Record of unauthorised disclosures", P),
    c("P6.4", "Commitments from third parties", P),
    c("P6.5", "Incident notice from third parties", P),
    c("P6.6", "Breach notification", P),
    c("P6.7", "Accounting of disclosures", P),
    c("P7.1", "Quality of personal information", P),
    c("P8.1", "Inquiries, complaints and disputes", P),
];

pub fn criterion(id: &str) -> Option<&'static Criterion> {
    CRITERIA.iter().find(|c| c.id == id)
}

pub fn criteria_in_scope(categories: &[Category]) -> impl Iterator<Item = &'static Criterion> + '_ {
    CRITERIA.iter().filter(move |c| categories.contains(&c.category))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn library_counts_match_the_2017_criteria() {
        let count = |cat| CRITERIA.iter().filter(|c| c.category == cat).count();
        assert_eq!(count(Category::Security), 33);
        assert_eq!(count(Category::Availability), 3);
        assert_eq!(count(Category::Confidentiality), 2);
        assert_eq!(count(Category::ProcessingIntegrity), 5);
        assert_eq!(count(Category::Privacy), 18);
        let mut ids: Vec<_> = CRITERIA.iter().map(|c| c.id).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), 61, "identifiers are unique");
    }

    #[test]
    fn scope_follows_categories() {
        let ids: Vec<_> = criteria_in_scope(&[Category::Security, Category::Availability]).map(|c| c.id).collect();
        assert!(ids.contains(&"CC8.1") && ids.contains(&"A1.2"));
        assert!(!ids.iter().any(|id| id.starts_with('P') || id.starts_with('C') && !id.starts_with("CC")));
    }
}
