//! The five steps of the frame, in order.

/// The five steps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StepId {
    /// 1: inspect the firmware.
    Firmware,
    /// 2: the TFTP address and option 150.
    Network,
    /// 3: call control, phones and the generated files.
    Config,
    /// 4: the bundle.
    Deliver,
    /// 5: reset the phones and watch them (live with the helper).
    Recover,
}

impl StepId {
    /// Every step, in order.
    pub const ALL: [StepId; 5] = [
        StepId::Firmware,
        StepId::Network,
        StepId::Config,
        StepId::Deliver,
        StepId::Recover,
    ];

    /// 1 to 5.
    pub fn number(self) -> usize {
        self as usize + 1
    }

    /// Its name, and its name where space is short (phones).
    pub fn labels(self) -> (&'static str, &'static str) {
        match self {
            StepId::Firmware => ("Firmware", "Firmware"),
            StepId::Network => ("Network", "Network"),
            StepId::Config => ("Configuration", "Config"),
            StepId::Deliver => ("Deliver", "Deliver"),
            StepId::Recover => ("Recover", "Recover"),
        }
    }

    /// The step after this one.
    pub fn next(self) -> Option<StepId> {
        StepId::ALL.get(self.number()).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn step_ids_know_their_neighbours() {
        assert_eq!(StepId::Firmware.next(), Some(StepId::Network));
        assert_eq!(StepId::Recover.next(), None);
        assert_eq!(StepId::Config.number(), 3);
        assert_eq!(StepId::Config.labels(), ("Configuration", "Config"));
    }
}
