//! Windows' equivalent of a 0700 folder: a protected DACL (no inherited entries) with one entry,
//! full control for the current user, inherited by everything created inside (so the parameter
//! file in it is private too, the 0600 equivalent). Plain Win32 calls (advapi32, kernel32):
//! no Windows-only crate.

use std::ffi::c_void;
use std::io;
use std::os::windows::ffi::OsStrExt;
use std::path::Path;

type Handle = *mut c_void;

const TOKEN_QUERY: u32 = 0x0008;
const TOKEN_USER_CLASS: u32 = 1;
const SDDL_REVISION_1: u32 = 1;
const DACL_SECURITY_INFORMATION: u32 = 0x0000_0004;
const PROTECTED_DACL_SECURITY_INFORMATION: u32 = 0x8000_0000;

#[link(name = "advapi32")]
extern "system" {
    fn OpenProcessToken(process: Handle, access: u32, token: *mut Handle) -> i32;
    fn GetTokenInformation(
        token: Handle,
        class: u32,
        info: *mut c_void,
        length: u32,
        returned: *mut u32,
    ) -> i32;
    fn ConvertSidToStringSidW(sid: *mut c_void, string: *mut *mut u16) -> i32;
    fn ConvertStringSecurityDescriptorToSecurityDescriptorW(
        sddl: *const u16,
        revision: u32,
        descriptor: *mut *mut c_void,
        size: *mut u32,
    ) -> i32;
    fn SetFileSecurityW(path: *const u16, info: u32, descriptor: *mut c_void) -> i32;
    fn GetFileSecurityW(
        path: *const u16,
        info: u32,
        descriptor: *mut c_void,
        length: u32,
        needed: *mut u32,
    ) -> i32;
    fn ConvertSecurityDescriptorToStringSecurityDescriptorW(
        descriptor: *mut c_void,
        revision: u32,
        info: u32,
        string: *mut *mut u16,
        length: *mut u32,
    ) -> i32;
}

#[link(name = "kernel32")]
extern "system" {
    fn GetCurrentProcess() -> Handle;
    fn CloseHandle(handle: Handle) -> i32;
    fn LocalFree(memory: *mut c_void) -> *mut c_void;
}

fn wide(path: &Path) -> io::Result<Vec<u16>> {
    let mut w: Vec<u16> = path.as_os_str().encode_wide().collect();
    if w.contains(&0) {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "a NUL in the path",
        ));
    }
    w.push(0);
    Ok(w)
}

/// The current user's SID as a string (`S-1-5-21-…`).
pub fn current_user_sid() -> io::Result<String> {
    // SAFETY: the token handle is closed once; the buffer is sized by the first call and holds a
    // TOKEN_USER whose first field is the SID pointer (into the same buffer); the string the
    // conversion allocates is freed with LocalFree after it is copied.
    unsafe {
        let mut token: Handle = std::ptr::null_mut();
        if OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &mut token) == 0 {
            return Err(io::Error::last_os_error());
        }
        let mut needed = 0u32;
        GetTokenInformation(
            token,
            TOKEN_USER_CLASS,
            std::ptr::null_mut(),
            0,
            &mut needed,
        );
        if needed == 0 {
            let e = io::Error::last_os_error();
            CloseHandle(token);
            return Err(e);
        }
        // u64s: TOKEN_USER starts with a pointer, so the buffer must be pointer-aligned.
        let mut buf = vec![0u64; (needed as usize).div_ceil(8)];
        let ok = GetTokenInformation(
            token,
            TOKEN_USER_CLASS,
            buf.as_mut_ptr().cast(),
            needed,
            &mut needed,
        );
        let e = io::Error::last_os_error();
        CloseHandle(token);
        if ok == 0 {
            return Err(e);
        }
        let sid = *buf.as_ptr().cast::<*mut c_void>();
        let mut string: *mut u16 = std::ptr::null_mut();
        if ConvertSidToStringSidW(sid, &mut string) == 0 || string.is_null() {
            return Err(io::Error::last_os_error());
        }
        let mut len = 0;
        while *string.add(len) != 0 {
            len += 1;
        }
        let text = String::from_utf16_lossy(std::slice::from_raw_parts(string, len));
        LocalFree(string.cast());
        Ok(text)
    }
}

/// The SDDL of a folder only `sid` may use: protected (`P`, nothing inherited from the parent),
/// one entry granting full access (`FA`), inherited by files (`OI`) and folders (`CI`) inside.
pub fn private_sddl(sid: &str) -> String {
    format!("D:P(A;OICI;FA;;;{sid})")
}

/// Gives `dir` a DACL admitting only the current user (inherited by what is created inside).
/// An error when any step fails: the caller must not write a secret there.
pub fn make_private(dir: &Path) -> io::Result<()> {
    let sid = current_user_sid()?;
    let sddl: Vec<u16> = private_sddl(&sid).encode_utf16().chain([0]).collect();
    let path = wide(dir)?;
    // SAFETY: both strings are NUL-terminated and outlive the calls; the descriptor the
    // conversion allocates is freed with LocalFree once, after SetFileSecurityW used it.
    unsafe {
        let mut descriptor: *mut c_void = std::ptr::null_mut();
        if ConvertStringSecurityDescriptorToSecurityDescriptorW(
            sddl.as_ptr(),
            SDDL_REVISION_1,
            &mut descriptor,
            std::ptr::null_mut(),
        ) == 0
        {
            return Err(io::Error::last_os_error());
        }
        let ok = SetFileSecurityW(
            path.as_ptr(),
            DACL_SECURITY_INFORMATION | PROTECTED_DACL_SECURITY_INFORMATION,
            descriptor,
        );
        let e = io::Error::last_os_error();
        LocalFree(descriptor);
        if ok == 0 {
            return Err(e);
        }
    }
    Ok(())
}

/// The DACL of `path` as SDDL (`D:…`), as Windows reports it.
pub fn dacl_sddl(path: &Path) -> io::Result<String> {
    let path = wide(path)?;
    // SAFETY: the buffer is sized by the first call and pointer-aligned; the string the
    // conversion allocates is copied, then freed with LocalFree once.
    unsafe {
        let mut needed = 0u32;
        GetFileSecurityW(
            path.as_ptr(),
            DACL_SECURITY_INFORMATION,
            std::ptr::null_mut(),
            0,
            &mut needed,
        );
        if needed == 0 {
            return Err(io::Error::last_os_error());
        }
        let mut buf = vec![0u64; (needed as usize).div_ceil(8)];
        if GetFileSecurityW(
            path.as_ptr(),
            DACL_SECURITY_INFORMATION,
            buf.as_mut_ptr().cast(),
            needed,
            &mut needed,
        ) == 0
        {
            return Err(io::Error::last_os_error());
        }
        let mut string: *mut u16 = std::ptr::null_mut();
        if ConvertSecurityDescriptorToStringSecurityDescriptorW(
            buf.as_mut_ptr().cast(),
            SDDL_REVISION_1,
            DACL_SECURITY_INFORMATION,
            &mut string,
            std::ptr::null_mut(),
        ) == 0
            || string.is_null()
        {
            return Err(io::Error::last_os_error());
        }
        let mut len = 0;
        while *string.add(len) != 0 {
            len += 1;
        }
        let text = String::from_utf16_lossy(std::slice::from_raw_parts(string, len));
        LocalFree(string.cast());
        Ok(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_current_user_has_a_sid() {
        let sid = current_user_sid().unwrap();
        assert!(sid.starts_with("S-1-"), "{sid}");
    }

    #[test]
    fn the_sddl_admits_only_that_user_and_inherits_nothing() {
        assert_eq!(
            private_sddl("S-1-5-21-1-2-3-1001"),
            "D:P(A;OICI;FA;;;S-1-5-21-1-2-3-1001)"
        );
    }

    #[test]
    fn a_folder_is_made_private_and_a_missing_one_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        make_private(dir.path()).unwrap();
        let sid = current_user_sid().unwrap();
        assert_eq!(dacl_sddl(dir.path()).unwrap(), private_sddl(&sid));
        // The folder stays usable by its owner, and what is created inside can be read back.
        std::fs::write(dir.path().join("f"), "x").unwrap();
        assert_eq!(std::fs::read_to_string(dir.path().join("f")).unwrap(), "x");
        assert!(make_private(&dir.path().join("missing")).is_err());
    }
}
