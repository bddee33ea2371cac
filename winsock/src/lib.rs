//! `SO_EXCLUSIVEADDRUSE` for a Windows socket, safely.
//!
//! On Windows, `SO_REUSEADDR` does not mean what it means on Unix: it lets
//! *another* program bind the same port and take datagrams meant for ours.
//! tftpd32 and every careful Windows server set `SO_EXCLUSIVEADDRUSE`
//! instead, so that nobody can bind the port while we hold it. socket2 has
//! no setter for it; this crate is that setter and nothing else, so the rest
//! of Lifeline stays free of `unsafe`.
//!
//! On other systems the crate is empty.

#[cfg(windows)]
mod windows {
    use std::io;
    use std::os::windows::io::AsRawSocket;

    use windows_sys::Win32::Networking::WinSock::{
        SO_EXCLUSIVEADDRUSE, SOCKET, SOCKET_ERROR, SOL_SOCKET, WSAGetLastError, setsockopt,
    };

    /// Sets `SO_EXCLUSIVEADDRUSE` on `socket`; call it before `bind`.
    pub fn set_exclusive_address_use(socket: &impl AsRawSocket) -> io::Result<()> {
        let handle = socket.as_raw_socket() as SOCKET;
        let on: i32 = 1;
        // SAFETY: `handle` is a live socket borrowed for this call; the
        // option value is a properly aligned i32 that outlives the call, and
        // its length is passed with it.
        #[allow(unsafe_code)]
        let result = unsafe {
            setsockopt(
                handle,
                SOL_SOCKET,
                SO_EXCLUSIVEADDRUSE,
                (&raw const on).cast::<u8>(),
                size_of::<i32>() as i32,
            )
        };
        if result == SOCKET_ERROR {
            // SAFETY: reads this thread's last Winsock error; no arguments.
            #[allow(unsafe_code)]
            let code = unsafe { WSAGetLastError() };
            return Err(io::Error::from_raw_os_error(code));
        }
        Ok(())
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        /// With the option on, a second socket cannot take the port, even
        /// one that asks for `SO_REUSEADDR`.
        #[test]
        fn a_second_socket_cannot_take_the_port() {
            let first = socket2::Socket::new(
                socket2::Domain::IPV4,
                socket2::Type::DGRAM,
                Some(socket2::Protocol::UDP),
            )
            .unwrap();
            set_exclusive_address_use(&first).unwrap();
            first
                .bind(&std::net::SocketAddr::from(([127, 0, 0, 1], 0)).into())
                .unwrap();
            let addr = first.local_addr().unwrap();
            let thief = socket2::Socket::new(
                socket2::Domain::IPV4,
                socket2::Type::DGRAM,
                Some(socket2::Protocol::UDP),
            )
            .unwrap();
            thief.set_reuse_address(true).unwrap();
            assert!(thief.bind(&addr).is_err());
        }
    }
}

#[cfg(windows)]
pub use windows::set_exclusive_address_use;
