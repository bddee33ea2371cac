//! The kernel filter of the neighbour socket: only CDP (to `01:00:0c:cc:cc:cc`)
//! and LLDP (EtherType `0x88cc`, also behind one 802.1Q tag) frames reach
//! Lifeline, optionally only from one interface; everything else is dropped in
//! the kernel and never copied out.
//!
//! Classic BPF, as `tcpdump -d 'ether proto 0x88cc or ether dst
//! 01:00:0c:cc:cc:cc'` compiles it, plus the ifindex check. Each instruction
//! is `(code, jump if true, jump if false, k)`. Cisco's other protocols to the
//! CDP address (VTP, DTP, PAgP) pass too; the parser tells them apart by their
//! SNAP protocol id and they are skipped.

/// `ld [k]` (a 32-bit word at offset k).
const LD_W: u16 = 0x20;
/// `ldh [k]` (a 16-bit half word at offset k).
const LD_H: u16 = 0x28;
/// `jeq #k, jt, jf`.
const JEQ: u16 = 0x15;
/// `ret #k`.
const RET: u16 = 0x06;
/// The ancillary offset of the interface index (`SKF_AD_OFF + SKF_AD_IFINDEX`).
const IFINDEX: u32 = 0xffff_f000 + 8;

/// One instruction.
pub type Insn = (u16, u8, u8, u32);

/// The program: frames of interface `ifindex` only when given.
pub fn program(ifindex: Option<u32>) -> Vec<Insn> {
    let mut p: Vec<Insn> = Vec::new();
    // Indices below are relative to the body; `ACCEPT` and `DROP` are its end.
    const ACCEPT: usize = 9;
    const DROP: usize = 10;
    let body: [Insn; 11] = [
        (LD_H, 0, 0, 12),
        (JEQ, (ACCEPT - 2) as u8, 0, 0x88cc),
        (JEQ, 0, 2, 0x8100),
        (LD_H, 0, 0, 16),
        (JEQ, (ACCEPT - 5) as u8, 0, 0x88cc),
        (LD_W, 0, 0, 0),
        (JEQ, 0, (DROP - 7) as u8, 0x0100_0ccc),
        (LD_H, 0, 0, 4),
        (JEQ, 0, (DROP - 9) as u8, 0xcccc),
        // Accept: the whole frame (up to the parser's bound).
        (RET, 0, 0, 65_535),
        (RET, 0, 0, 0),
    ];
    if let Some(index) = ifindex {
        p.push((LD_W, 0, 0, IFINDEX));
        // To the body's first instruction, or over all of it to its DROP.
        p.push((JEQ, 0, DROP as u8, index));
    }
    p.extend_from_slice(&body);
    p
}

/// What the program decides for `frame` received on interface `ifindex`: an
/// interpreter of the few instructions it uses, so tests check the program
/// itself, not a copy of its intent.
pub fn accepts(program: &[Insn], frame: &[u8], ifindex: u32) -> bool {
    let mut acc: u32 = 0;
    let mut pc = 0;
    while let Some(&(code, jt, jf, k)) = program.get(pc) {
        pc += 1;
        match code {
            LD_W if k == IFINDEX => acc = ifindex,
            LD_W => match frame.get(k as usize..k as usize + 4) {
                Some(b) => acc = u32::from_be_bytes([b[0], b[1], b[2], b[3]]),
                None => return false,
            },
            LD_H => match frame.get(k as usize..k as usize + 2) {
                Some(b) => acc = u32::from(u16::from_be_bytes([b[0], b[1]])),
                None => return false,
            },
            JEQ => pc += usize::from(if acc == k { jt } else { jf }),
            RET => return k != 0,
            _ => return false,
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use lifeline_proto::neighbour::{cdp, lldp};
    use lifeline_proto::testkit::announcements;

    #[test]
    fn only_cdp_and_lldp_frames_pass_and_only_from_the_chosen_interface() {
        let a = &announcements()[0];
        let cdp = cdp::emit(a, 2);
        let lldp = lldp::emit(a);
        let mut tagged = lldp[..12].to_vec();
        tagged.extend_from_slice(&[0x81, 0x00, 0x00, 0x6e]);
        tagged.extend_from_slice(&lldp[12..]);
        let mut ip = vec![0x00, 0x11, 0x22, 0x33, 0x44, 0x55];
        ip.extend_from_slice(&cdp[6..12]);
        ip.extend_from_slice(&[0x08, 0x00, 0x45, 0x00, 0, 20]);
        let mut other_multicast = cdp.clone();
        other_multicast[5] = 0xcd;
        let any = program(None);
        for f in [&cdp, &lldp, &tagged] {
            assert!(accepts(&any, f, 3));
        }
        for f in [&ip, &other_multicast, &cdp[..3].to_vec()] {
            assert!(!accepts(&any, f, 3));
        }
        let only = program(Some(7));
        assert!(accepts(&only, &cdp, 7) && accepts(&only, &lldp, 7));
        assert!(!accepts(&only, &cdp, 3) && !accepts(&only, &lldp, 3));
        assert!(!accepts(&only, &ip, 7));
    }
}
