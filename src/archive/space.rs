//! Free space on the archive's file system, for the dry run and the pre-flight warning.

use std::io;
use std::path::Path;

/// Bytes an unprivileged writer can still use on the file system holding `dir`
/// (`f_bavail × f_frsize`, what `df` shows as "Avail").
#[cfg(unix)]
pub fn free_space(dir: &Path) -> io::Result<u64> {
    let stat = nix::sys::statvfs::statvfs(dir).map_err(io::Error::from)?;
    #[allow(clippy::useless_conversion)] // the field types differ between platforms
    let free = u64::from(stat.blocks_available()).saturating_mul(u64::from(stat.fragment_size()));
    Ok(free)
}

/// Bytes the calling user can still use on the volume holding `dir` (`GetDiskFreeSpaceExW`'s
/// "free bytes available to caller", which honours disk quotas, as `df`'s "Avail" does). A
/// missing folder is an error, as on Unix. Drive letters and UNC shares (`\\server\share\dir`)
/// both work: the function takes any directory on the volume.
#[cfg(windows)]
pub fn free_space(dir: &Path) -> io::Result<u64> {
    use std::os::windows::ffi::OsStrExt;

    #[link(name = "kernel32")]
    extern "system" {
        fn GetDiskFreeSpaceExW(
            directory: *const u16,
            free_to_caller: *mut u64,
            total_bytes: *mut u64,
            total_free_bytes: *mut u64,
        ) -> i32;
    }

    // The call accepts a file's parent volume for any existing directory; a file or a missing
    // path must not be answered with some other folder's figure.
    if !std::fs::metadata(dir)?.is_dir() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{} is not a folder", dir.display()),
        ));
    }
    let mut wide: Vec<u16> = dir.as_os_str().encode_wide().collect();
    if wide.contains(&0) {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "a NUL in the path",
        ));
    }
    // GetDiskFreeSpaceExW wants a directory name ending in a backslash.
    if wide.last() != Some(&u16::from(b'\\')) && wide.last() != Some(&u16::from(b'/')) {
        wide.push(u16::from(b'\\'));
    }
    wide.push(0);
    let mut free_to_caller = 0u64;
    // SAFETY: `wide` is a NUL-terminated UTF-16 string that outlives the call; the out pointer
    // is a valid u64; the two optional out pointers may be null.
    let ok = unsafe {
        GetDiskFreeSpaceExW(
            wide.as_ptr(),
            &mut free_to_caller,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
        )
    };
    if ok == 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(free_to_caller)
}

/// The most an archive of `bytes_in` input bytes in `entries` files can take: deflate falls back
/// to stored blocks (5 bytes per 64 KiB), plus headers and the central directory.
pub fn worst_case_size(bytes_in: u64, entries: usize, name_bytes: usize) -> u64 {
    let stored_overhead = 5 * bytes_in.div_ceil(65_535).max(1);
    // Local header + data descriptor + central header with ZIP64 fields, per entry.
    let per_entry = 30 + 24 + 46 + 28 + 16;
    bytes_in + stored_overhead + (entries * per_entry + 2 * name_bytes) as u64 + 98
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_temp_folder_has_some_free_space() {
        let free = free_space(&std::env::temp_dir()).unwrap();
        assert!(free > 0);
    }

    #[test]
    fn a_missing_folder_is_an_error() {
        assert!(free_space(Path::new("/no/such/folder/bizscript")).is_err());
    }

    #[test]
    fn worst_case_exceeds_the_input() {
        assert!(worst_case_size(1 << 30, 2, 20) > 1 << 30);
        assert!(worst_case_size(1 << 30, 2, 20) < (1 << 30) + (1 << 20));
    }
}
