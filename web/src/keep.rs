//! What a reload brings back (pure): the settings, the step on screen, the
//! passwords when the person asked for them to be remembered, whether the
//! firmware is kept in this browser, and the upgrade plan's target and start
//! kept with it.
//!
//! The settings are stored in the link's own format ([`crate::permalink`]),
//! so the stored copy and the address bar's fragment say the same thing. The
//! tab also keeps the fragment it last wrote (session storage): a reload finds
//! it there, while a link or bookmark opened in a new tab does not.
//!
//! Invariants:
//! - Passwords are stored only while "remember on this computer" is ticked;
//!   unticking it removes them.
//! - A link from elsewhere wins over the stored settings, and says so; the
//!   page's own fragment read back after a reload does not.
//! - The plan's choice is stored only while the firmware is kept, and goes
//!   with it (forgotten, or another firmware dropped).
//! - Nothing read back panics: damaged storage reads as nothing stored.

use std::fmt::Write as _;

use lifeline_shared::config::mac::Mac;
use lifeline_shared::config::phones::Column;

use crate::permalink::{self, LinkError};
use crate::settings::Form;
use crate::step::StepId;
use crate::upgrade::{Choice, Start};

/// The local storage key of the settings (a link fragment, `s=1&…`).
pub const SETTINGS_KEY: &str = "lifeline-settings";
/// The local storage key of the remembered passwords.
pub const PASSWORDS_KEY: &str = "lifeline-passwords";
/// The session storage key of the step on screen.
pub const VIEW_KEY: &str = "lifeline-view";
/// The session storage key of the fragment this tab last wrote.
pub const FRAGMENT_KEY: &str = "lifeline-fragment";
/// The local storage key of the upgrade plan's choice, kept with the firmware
/// ([`choice_encode`]).
pub const PLAN_KEY: &str = "lifeline-plan";

/// Whether the firmware on screen is kept in this browser for the next visit.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Kept {
    /// Not (yet): no usable firmware, or it is being stored.
    #[default]
    No,
    /// Stored: a reload reads it back.
    Yes,
    /// The person had it forgotten: a reload asks for it again.
    Forgotten,
    /// The browser would not store it (why).
    Refused(String),
}

/// The settings and step a page starts with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Restored {
    /// The settings to fill in, from the stored copy or the page's own link.
    pub form: Option<Form>,
    /// A link from elsewhere (a bookmark of other settings, a shared link): the
    /// fields take it and a notice says so.
    pub link: Option<Result<Form, LinkError>>,
    /// The step that was on screen.
    pub view: Option<StepId>,
    /// The upgrade plan's target and start kept with the firmware, put back
    /// once the firmware is read back.
    pub choice: Option<Choice>,
}

/// What to start with, from the address's fragment (without the token), the
/// fragment this tab wrote last, the stored settings, the remembered passwords,
/// the stored step and the stored plan's choice (which follows the kept
/// firmware, whatever the link says).
pub fn restore(
    fragment: &str,
    own: Option<&str>,
    stored: Option<&str>,
    passwords: Option<&str>,
    view: Option<&str>,
    plan: Option<&str>,
) -> Restored {
    let fragment = fragment.strip_prefix('#').unwrap_or(fragment);
    let stored_form = stored.and_then(|s| permalink::read(s)?.ok());
    let with_passwords = |mut form: Form| {
        if let Some(p) = passwords {
            merge_passwords(&mut form, p);
        }
        form
    };
    let view = view.and_then(view_decode);
    let choice = plan.and_then(choice_decode);
    match permalink::read(fragment) {
        // The page's own fragment, as it was written before the reload.
        Some(Ok(form)) if own == Some(fragment) => Restored {
            form: Some(with_passwords(form)),
            link: None,
            view,
            choice,
        },
        Some(Ok(form)) => Restored {
            form: None,
            link: Some(Ok(with_passwords(form))),
            view: None,
            choice,
        },
        Some(Err(e)) => Restored {
            form: stored_form.map(with_passwords),
            link: Some(Err(e)),
            view: None,
            choice,
        },
        None => Restored {
            form: stored_form.map(with_passwords),
            link: None,
            view,
            choice,
        },
    }
}

/// The passwords of `form` as stored: `ROW,password&…` (the row's place in
/// the phone table, from 0; the password %-escaped), only the rows that have one.
pub fn passwords_encode(form: &Form) -> String {
    let mut out = String::new();
    for (i, row) in form.rows.iter().enumerate() {
        let password = row.get(Column::Password);
        if password.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push('&');
        }
        let _ = write!(out, "{i},");
        permalink::escape(password, &mut out);
    }
    out
}

/// Puts stored passwords back into `form`'s rows. An entry names its row by
/// place; one stored by an earlier version names it by MAC. Damaged entries,
/// and entries for rows that are not there, are skipped.
pub fn merge_passwords(form: &mut Form, stored: &str) {
    for entry in stored.split('&').filter(|e| !e.is_empty()) {
        let Some((key, password)) = entry.split_once(',') else {
            continue;
        };
        let Ok(password) = permalink::unescape(password) else {
            continue;
        };
        let row = match key.parse::<usize>() {
            Ok(i) => form.rows.get_mut(i),
            Err(_) => match key.parse::<Mac>() {
                Ok(mac) => form
                    .rows
                    .iter_mut()
                    .find(|r| r.get(Column::Mac).parse::<Mac>() == Ok(mac)),
                Err(_) => None,
            },
        };
        if let Some(row) = row {
            row.set(Column::Password, password);
        }
    }
}

/// The step as stored: its number.
pub fn view_encode(view: StepId) -> String {
    view.number().to_string()
}

/// A stored step read back.
pub fn view_decode(text: &str) -> Option<StepId> {
    let n: usize = text.trim().parse().ok()?;
    StepId::ALL.get(n.checked_sub(1)?).copied()
}

/// The plan's choice as stored: the target's name (empty: the newest), a line
/// break, then `b` and a band's place (from 0), or `r` and the release as
/// typed, or nothing (unknown): `SCCP41.8-5-2S\nr8.0(4)`.
pub fn choice_encode(choice: &Choice) -> String {
    let start = match &choice.start {
        Start::Unknown => String::new(),
        Start::Band(i) => format!("b{i}"),
        Start::Typed(text) => format!("r{text}"),
    };
    format!("{}\n{start}", choice.target.as_deref().unwrap_or_default())
}

/// A stored plan's choice read back; `None` when it is damaged.
pub fn choice_decode(text: &str) -> Option<Choice> {
    let (target, start) = text.split_once('\n')?;
    let start = if start.is_empty() {
        Start::Unknown
    } else if let Some(i) = start.strip_prefix('b') {
        Start::Band(i.parse().ok()?)
    } else {
        Start::Typed(start.strip_prefix('r')?.into())
    };
    Some(Choice {
        target: (!target.is_empty()).then(|| target.into()),
        start,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> Form {
        let mut f = crate::test_support::form("192.168.10.105", "10.0.0.1", "001122aabbcc");
        crate::test_support::line(
            &mut f,
            0,
            &[(Column::User, "201"), (Column::Password, "s3cret&=,%")],
        );
        f
    }

    fn without_passwords(mut f: Form) -> Form {
        f.rows
            .iter_mut()
            .for_each(|r| r.set(Column::Password, String::new()));
        f
    }

    #[test]
    fn a_reload_brings_back_the_settings_and_the_step_without_a_notice() {
        let link = permalink::encode(&form());
        let r = restore(
            &format!("#{link}"),
            Some(&link),
            Some(&link),
            None,
            Some("3"),
            None,
        );
        assert_eq!(r.form, Some(without_passwords(form())));
        assert_eq!(r.link, None);
        assert_eq!(r.view, Some(StepId::Config));
        // Only the stored copy (the fragment was cut off): the same.
        let r = restore("", None, Some(&link), None, Some("4"), None);
        assert_eq!(r.form, Some(without_passwords(form())));
        assert_eq!(r.view, Some(StepId::Deliver));
    }

    #[test]
    fn passwords_come_back_only_when_remembered() {
        let link = permalink::encode(&form());
        let stored = passwords_encode(&form());
        assert_eq!(stored, "0,s3cret%26%3D%2C%25");
        let r = restore(&link, Some(&link), Some(&link), Some(&stored), None, None);
        assert_eq!(r.form, Some(form()));
        // An earlier version's entries name the phone by MAC; damaged ones,
        // and ones for rows that are not there, are skipped.
        let mut f = without_passwords(form());
        merge_passwords(
            &mut f,
            "junk&nope,x&0,%ZZ&00112233445A,no&001122aabbcc,ok&7,gone",
        );
        assert_eq!(f.rows.len(), 1);
        assert_eq!(f.rows[0].get(Column::Password), "ok");
        assert_eq!(passwords_encode(&Form::default()), "");
    }

    #[test]
    fn a_link_from_elsewhere_wins_and_says_so() {
        let mine = permalink::encode(&form());
        let mut other = form();
        other.tftp = "10.9.9.9".into();
        let theirs = permalink::encode(&other);
        let r = restore(
            &format!("#{theirs}"),
            Some(&mine),
            Some(&mine),
            None,
            Some("4"),
            None,
        );
        assert_eq!(r.form, None);
        assert_eq!(r.link, Some(Ok(without_passwords(other))));
        assert_eq!(r.view, None, "a new link starts at step 1");
        // The same settings, opened in a new tab (a bookmark): a link.
        let r = restore(&mine, None, Some(&mine), None, Some("4"), None);
        assert_eq!(r.link, Some(Ok(without_passwords(form()))));
        // A damaged link: the notice, over the stored settings.
        let r = restore(
            "#s=1&t=1.2.3.4&k=00000000",
            None,
            Some(&mine),
            None,
            None,
            None,
        );
        assert!(matches!(r.link, Some(Err(_))));
        assert_eq!(r.form, Some(without_passwords(form())));
    }

    #[test]
    fn nothing_stored_or_damaged_storage_is_nothing() {
        let r = restore("", None, None, None, None, None);
        assert_eq!(
            r,
            Restored {
                form: None,
                link: None,
                view: None,
                choice: None
            }
        );
        let r = restore(
            "",
            None,
            Some("s=1&t=garbage"),
            Some("%%"),
            Some("9"),
            Some("b1"),
        );
        assert_eq!(r.form, None);
        assert_eq!(r.view, None);
        assert_eq!(r.choice, None);
        for (text, step) in [("1", Some(StepId::Firmware)), ("5", Some(StepId::Recover))] {
            assert_eq!(view_decode(text), step);
        }
        for text in ["0", "6", "", "x", "-1"] {
            assert_eq!(view_decode(text), None, "{text}");
        }
        assert_eq!(
            view_decode(&view_encode(StepId::Deliver)),
            Some(StepId::Deliver)
        );
    }

    #[test]
    fn the_plans_choice_comes_back_as_stored_whatever_the_link_says() {
        let choices = [
            Choice::default(),
            Choice {
                target: Some("SCCP41.8-5-2S".into()),
                start: Start::Band(1),
            },
            Choice {
                target: None,
                start: Start::Typed("SIP 8.12(0) & b\nr".into()),
            },
            Choice {
                target: Some("SCCP41.9-4-2SR3-1S".into()),
                start: Start::Typed(String::new()),
            },
        ];
        for c in choices {
            assert_eq!(choice_decode(&choice_encode(&c)), Some(c.clone()), "{c:?}");
        }
        let typed = Choice {
            target: Some("SCCP41.8-5-2S".into()),
            start: Start::Typed("8.0(4)".into()),
        };
        let stored = choice_encode(&typed);
        assert_eq!(stored, "SCCP41.8-5-2S\nr8.0(4)");
        // The choice belongs to the kept firmware, not to the settings: a
        // reload, a link from elsewhere and a damaged link all bring it back.
        let mine = permalink::encode(&form());
        let mut other = form();
        other.tftp = "10.9.9.9".into();
        let theirs = permalink::encode(&other);
        for (fragment, own) in [
            (mine.as_str(), Some(mine.as_str())),
            (theirs.as_str(), Some(mine.as_str())),
            ("#s=1&t=1.2.3.4&k=00000000", None),
            ("", None),
        ] {
            let r = restore(fragment, own, Some(&mine), None, None, Some(&stored));
            assert_eq!(r.choice.as_ref(), Some(&typed), "{fragment}");
        }
        // Damaged storage reads as no choice.
        for damaged in ["", "SCCP41.8-5-2S", "\nbx", "\nb-1", "\nq1", "x\nb"] {
            assert_eq!(choice_decode(damaged), None, "{damaged}");
        }
    }
}
