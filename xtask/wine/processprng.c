/*
 * Test-only stand-in for bcryptprimitives.dll's ProcessPrng, which Rust's
 * std (and getrandom) call on Windows and Wine 8 lacks. `cargo xtask cross`
 * builds it with mingw-w64 into a scratch Wine prefix under target/, so the
 * Windows binaries start under Wine. It is never part of a release.
 */
#include <windows.h>
#include <ntsecapi.h>

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
    while (len > 0) {
        ULONG chunk = len > 0x10000000 ? 0x10000000 : (ULONG)len;
        if (!RtlGenRandom(data, chunk))
            return FALSE;
        data += chunk;
        len -= chunk;
    }
    return TRUE;
}
