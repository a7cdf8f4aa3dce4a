//! The Windows registry's Oracle homes (`HKLM\SOFTWARE\ORACLE\KEY_<HomeName>`), read with
//! `reg query` so that no Windows-only crate is needed. On other systems there is no registry.

use crate::host::context::HostCtx;
use crate::oracle::oracle_homes::RegistryHome;

/// The registered Oracle homes (empty off Windows, or when `reg` cannot be run).
#[cfg(windows)]
pub fn registry_homes(ctx: &HostCtx) -> Vec<RegistryHome> {
    use crate::oracle::oracle_homes::parse_reg_query;
    use crate::process::capture::{capture, Invocation};
    // 32-bit clients on 64-bit Windows register under WOW6432Node (unverified, docs/oracle.md §7.1);
    // reading both costs nothing.
    [r"HKLM\SOFTWARE\ORACLE", r"HKLM\SOFTWARE\WOW6432Node\ORACLE"]
        .into_iter()
        .filter_map(|key: &str| {
            let mut invocation = Invocation::new("reg", &["query", key, "/s"]);
            invocation.timeout = std::time::Duration::from_secs(10);
            capture(&invocation, &ctx.cancel).ok()
        })
        .flat_map(|captured| parse_reg_query(&captured.stdout))
        .collect()
}

/// The registered Oracle homes (empty off Windows, or when `reg` cannot be run).
#[cfg(not(windows))]
pub fn registry_homes(_ctx: &HostCtx) -> Vec<RegistryHome> {
    Vec::new()
}

/// The NLS_LANG the registry gives the Oracle home in use (`None` off Windows). The home's
/// `bin\oracle.key` names its registry key; failing that, the key whose ORACLE_HOME matches.
pub fn registry_nls_lang(ctx: &HostCtx, homes: &[RegistryHome]) -> Option<String> {
    let home = ctx.env.oracle_home();
    let oracle_key = home
        .as_ref()
        .and_then(|h| std::fs::read_to_string(h.join("bin").join("oracle.key")).ok());
    crate::oracle::oracle_homes::registry_nls_lang(homes, home.as_deref(), oracle_key.as_deref())
}
