//! Why a command could not do its work (as opposed to a script that ran and failed).

use crate::host::params::ParamError;
use crate::host::simulate::SimulateError;
use crate::host::sources::LoadError;

/// Errors of the host, each with the exit status it maps to.
#[derive(Debug, thiserror::Error)]
pub enum HostError {
    #[error(transparent)]
    Params(#[from] ParamError),
    #[error(transparent)]
    Load(#[from] LoadError),
    #[error("cannot prepare the simulated Oracle client: {0}")]
    Simulate(#[from] SimulateError),
    #[error("cannot write the report {path}: {source}")]
    Report {
        path: String,
        source: std::io::Error,
    },
    #[error("{0}")]
    Usage(String),
}

impl HostError {
    /// Usage errors exit 2; anything that stopped the work from starting is a failure (1).
    pub fn exit_status(&self) -> crate::primitives::outcome::ExitStatus {
        use crate::primitives::outcome::ExitStatus;
        match self {
            HostError::Params(_) | HostError::Load(_) | HostError::Usage(_) => ExitStatus::Usage,
            HostError::Simulate(SimulateError::UnknownScenario { .. }) => ExitStatus::Usage,
            HostError::Simulate(_) | HostError::Report { .. } => ExitStatus::Failure,
        }
    }
}
