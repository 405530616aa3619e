/* bcryptprimitives.dll for the wine prefix of the Windows build test ONLY (never shipped).
 *
 * Rust programs since Rust 1.78 take their random numbers from ProcessPrng in
 * bcryptprimitives.dll (Windows 10 and 11 have it). wine 8.0 (Debian 12) lacks the DLL, so
 * the Rust-built extensions in the program (cryptography's _rust.pyd, python-calamine) fail
 * to load under it ("DLL load failed ... Module not found"). This stand-in answers ProcessPrng
 * from the system RNG (BCryptGenRandom), as Windows' own does. build_windows.sh compiles it
 * with mingw-w64 into the prefix's C:\windows\system32; a real Windows uses its own.
 */
#include <windows.h>
#include <bcrypt.h>

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T size)
{
    while (size > 0) {
        ULONG chunk = size > 0x40000000 ? 0x40000000 : (ULONG)size;
        if (BCryptGenRandom(NULL, data, chunk, BCRYPT_USE_SYSTEM_PREFERRED_RNG) != 0)
            return FALSE;
        data += chunk;
        size -= chunk;
    }
    return TRUE;
}

BOOL WINAPI DllMain(HINSTANCE instance, DWORD reason, LPVOID reserved)
{
    (void)instance; (void)reason; (void)reserved;
    return TRUE;
}
