//! What to do when a phone finishes, kept in this browser between visits, and
//! whether the browser lets this page notify (pure).
//!
//! Invariant: both choices are off unless the person turned them on, and a
//! notification is on only with the browser's permission.

/// The local storage key of [`Prefs`].
pub const PREFS_KEY: &str = "lifeline-prefs";

/// Whether the browser lets this page show notifications.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Permission {
    /// No Notification API here (an old browser, or a page not served over
    /// https or from this computer).
    #[default]
    Unsupported,
    /// Not asked yet: the browser asks when the person turns them on.
    Ask,
    /// Allowed.
    Granted,
    /// Refused (only the browser's site settings can change it).
    Denied,
}

impl Permission {
    /// `Notification.permission` (`default`, `granted`, `denied`), or `None`
    /// where there is no Notification API.
    pub fn of(value: Option<&str>) -> Permission {
        match value {
            None => Permission::Unsupported,
            Some("granted") => Permission::Granted,
            Some("denied") => Permission::Denied,
            Some(_) => Permission::Ask,
        }
    }

    /// Why notifications cannot be turned on, if they cannot.
    pub fn blocked(self) -> Option<&'static str> {
        match self {
            Permission::Unsupported => Some(
                "This browser shows no notifications for this page (it needs https or this computer's own address).",
            ),
            Permission::Denied => Some(
                "The browser blocks notifications for this page: allow them in its site settings (the icon left of the address), then turn this on again.",
            ),
            Permission::Ask | Permission::Granted => None,
        }
    }
}

/// What to do when a phone finishes, kept in this browser. Both off by default.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Prefs {
    /// Play a short sound, made in the page.
    pub sound: bool,
    /// Show a notification (needs the browser's permission).
    pub notify: bool,
    /// Keep the SIP passwords typed in step 3 in this browser, so a reload
    /// brings them back.
    pub remember: bool,
}

impl Prefs {
    /// The stored form: `v=1&sound=1&notify=0&remember=0`.
    pub fn encode(&self) -> String {
        format!(
            "v=1&sound={}&notify={}&remember={}",
            u8::from(self.sound),
            u8::from(self.notify),
            u8::from(self.remember)
        )
    }

    /// The stored form read back; anything unknown or damaged is off.
    pub fn decode(text: &str) -> Prefs {
        let mut prefs = Prefs::default();
        if !text.split('&').any(|part| part == "v=1") {
            return prefs;
        }
        for part in text.split('&') {
            match part {
                "sound=1" => prefs.sound = true,
                "notify=1" => prefs.notify = true,
                "remember=1" => prefs.remember = true,
                _ => {}
            }
        }
        prefs
    }

    /// The stored choices as they apply now: a notification only while the
    /// browser allows it.
    pub fn applied(self, permission: Permission) -> Prefs {
        Prefs {
            notify: self.notify && permission == Permission::Granted,
            ..self
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefs_are_off_by_default_and_round_trip() {
        assert_eq!(
            Prefs::default(),
            Prefs {
                sound: false,
                notify: false,
                remember: false
            }
        );
        for sound in [false, true] {
            for notify in [false, true] {
                for remember in [false, true] {
                    let p = Prefs {
                        sound,
                        notify,
                        remember,
                    };
                    assert_eq!(Prefs::decode(&p.encode()), p);
                }
            }
        }
        assert_eq!(
            Prefs {
                sound: true,
                notify: false,
                remember: true
            }
            .encode(),
            "v=1&sound=1&notify=0&remember=1"
        );
        // Stored before `remember` existed: off.
        assert!(!Prefs::decode("v=1&sound=1&notify=0").remember);
        // Nothing stored, another version, or damage: off.
        for text in ["", "sound=1", "v=2&sound=1", "v=1&sound=yes", "%%%"] {
            assert_eq!(Prefs::decode(text), Prefs::default(), "{text}");
        }
        assert!(Prefs::decode("notify=1&v=1").notify);
    }

    #[test]
    fn notifications_apply_only_with_the_browsers_permission() {
        let on = Prefs {
            sound: true,
            notify: true,
            remember: true,
        };
        assert_eq!(on.applied(Permission::Granted), on);
        for p in [Permission::Ask, Permission::Denied, Permission::Unsupported] {
            assert_eq!(
                on.applied(p),
                Prefs {
                    sound: true,
                    notify: false,
                    remember: true
                },
                "{p:?}"
            );
        }
        assert_eq!(Permission::of(None), Permission::Unsupported);
        assert_eq!(Permission::of(Some("default")), Permission::Ask);
        assert_eq!(Permission::of(Some("granted")), Permission::Granted);
        assert_eq!(Permission::of(Some("denied")), Permission::Denied);
        assert!(
            Permission::Denied
                .blocked()
                .unwrap()
                .contains("site settings")
        );
        assert!(Permission::Unsupported.blocked().is_some());
        assert_eq!(Permission::Ask.blocked(), None);
    }
}
