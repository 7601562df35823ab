//! Findings kept once each, as they arrive. Every service that includes
//! common-auth finds common-auth's problems again: on a tree of 10,000 services,
//! collecting every copy until the end held most of the run's memory.

use std::collections::HashSet;
use std::hash::{Hash, Hasher};

use crate::model::Finding;

/// The first occurrence of each finding (same code, span and message, the key of
/// `resolve::dedup`), in arrival order.
#[derive(Debug, Default)]
pub struct UniqueFindings {
    seen: HashSet<Arrived>,
}

impl UniqueFindings {
    /// Add findings; a repeat of one already held is dropped.
    pub fn extend(&mut self, findings: impl IntoIterator<Item = Finding>) {
        for finding in findings {
            let order = self.seen.len();
            self.seen.insert(Arrived { order, finding });
        }
    }

    /// The findings in the order they first arrived.
    pub fn into_vec(self) -> Vec<Finding> {
        let mut all: Vec<Arrived> = self.seen.into_iter().collect();
        all.sort_unstable_by_key(|a| a.order);
        all.into_iter().map(|a| a.finding).collect()
    }
}

/// A finding and when it first arrived; equal and hashed by its key alone.
#[derive(Debug)]
struct Arrived {
    order: usize,
    finding: Finding,
}

impl Arrived {
    fn key(&self) -> (&str, &crate::model::Span, &str) {
        (
            self.finding.code(),
            &self.finding.span,
            &self.finding.message,
        )
    }
}

impl PartialEq for Arrived {
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
    }
}

impl Eq for Arrived {}

impl Hash for Arrived {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.key().hash(state);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Span;
    use std::path::Path;
    use std::sync::Arc;

    fn at(line: usize, message: &str) -> Finding {
        Finding::new(
            &crate::rules::pl202::INFO,
            Span::new(Arc::from(Path::new("common-auth")), line, 1, 4, 0),
            message.into(),
            String::new(),
        )
    }

    #[test]
    fn keeps_the_first_of_each_in_arrival_order() {
        let mut u = UniqueFindings::default();
        u.extend([at(3, "c"), at(1, "a")]);
        u.extend([at(1, "a"), at(2, "b"), at(3, "c"), at(1, "other message")]);
        let got: Vec<(usize, String)> = u
            .into_vec()
            .into_iter()
            .map(|f| (f.span.line, f.message))
            .collect();
        let want = [(3, "c"), (1, "a"), (2, "b"), (1, "other message")];
        assert_eq!(got, want.map(|(l, m)| (l, m.to_string())));
    }

    #[test]
    fn agrees_with_resolve_dedup() {
        let all = vec![at(2, "x"), at(1, "y"), at(2, "x"), at(2, "z"), at(1, "y")];
        let mut u = UniqueFindings::default();
        u.extend(all.clone());
        assert_eq!(u.into_vec(), crate::resolve::dedup(all));
    }
}
