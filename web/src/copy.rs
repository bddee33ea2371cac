//! Copy buttons: what was copied and how it went, in words.

use lifeline_shared::dhcp::option150::Server;

/// What a copy button copies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CopyTarget {
    /// A DHCP server's snippet.
    Snippet(Server),
    /// The link to the settings.
    Link,
}

/// How a copy went.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CopyOutcome {
    /// It is on the clipboard.
    Copied,
    /// The browser has no clipboard here (a page not served from this computer
    /// or over https).
    Unavailable,
    /// The browser refused (permission).
    Refused,
}

/// The last copy: shown and announced next to its button.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CopyNote {
    /// What was copied.
    pub target: CopyTarget,
    /// How it went.
    pub outcome: CopyOutcome,
}

impl CopyNote {
    /// What to say.
    pub fn text(&self) -> &'static str {
        match self.outcome {
            CopyOutcome::Copied => "Copied",
            CopyOutcome::Unavailable => {
                "This browser does not allow copying on this page (it needs https or this computer's own address). The text is selected: press Ctrl+C (⌘C on a Mac)."
            }
            CopyOutcome::Refused => {
                "The browser refused to copy. The text is selected: press Ctrl+C (⌘C on a Mac)."
            }
        }
    }
}
