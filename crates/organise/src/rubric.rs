//! Rubric classification (placeholder: filled in by the rubric work).

use khronika_model::Rubric;

/// What the classifier looks at.
#[derive(Debug, Clone, Copy, Default)]
pub struct RubricInput<'a> {
    pub title: &'a str,
    /// The reader's text (lead first), as `Article::text()` gives it.
    pub text: &'a str,
    pub url: Option<&'a str>,
    /// The site's own section (JSON-LD `articleSection`, `article:section`, breadcrumbs).
    pub section: Option<&'a str>,
    /// The site's own tags.
    pub site_tags: &'a [String],
}

/// The rubric of one article.
pub fn classify(input: &RubricInput<'_>) -> Rubric {
    let _ = input;
    Rubric::Society
}
