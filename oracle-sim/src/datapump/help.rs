//! `expdp -help` / `impdp help=y`: the parameter summary printed after the banner.

use super::Tool;

/// The help text (a shortened version of the 19c text: same layout, every keyword listed).
pub fn text(tool: Tool) -> &'static str {
    match tool {
        Tool::Expdp => EXPORT,
        Tool::Impdp => IMPORT,
    }
}

const EXPORT: &str = "
The Data Pump export utility provides a mechanism for transferring data objects
between Oracle databases. The utility is invoked with the following command:

   Example: expdp scott/tiger DIRECTORY=dmpdir DUMPFILE=scott.dmp

You can control how Export runs by entering the 'expdp' command followed
by various parameters. To specify parameters, you use keywords:

   Format:  expdp KEYWORD=value or KEYWORD=(value1,value2,...,valueN)
   Example: expdp scott/tiger DUMPFILE=scott.dmp DIRECTORY=dmpdir SCHEMAS=scott
               or TABLES=(T1:P1,T1:P2), if T1 is partitioned table

USERID must be the first parameter on the command line.

------------------------------------------------------------------------------

The available keywords and their descriptions follow. Default values are listed within square brackets.

ABORT_STEP ACCESS_METHOD ATTACH CLUSTER COMPRESSION COMPRESSION_ALGORITHM
CONTENT DATA_OPTIONS DIRECTORY DUMPFILE ENABLE_SECURE_ROLES ENCRYPTION
ENCRYPTION_ALGORITHM ENCRYPTION_MODE ENCRYPTION_PASSWORD ENCRYPTION_PWD_PROMPT
ESTIMATE ESTIMATE_ONLY EXCLUDE FILESIZE FLASHBACK_SCN FLASHBACK_TIME FULL HELP
INCLUDE JOB_NAME KEEP_MASTER LOGFILE LOGTIME METRICS NETWORK_LINK NOLOGFILE
PARALLEL PARFILE QUERY REMAP_DATA REUSE_DUMPFILES SAMPLE SCHEMAS SERVICE_NAME
SOURCE_EDITION STATUS TABLES TABLESPACES TRANSPORTABLE TRANSPORT_FULL_CHECK
TRANSPORT_TABLESPACES TTS_CLOSURE_CHECK VERSION VIEWS_AS_TABLES

------------------------------------------------------------------------------

The following commands are valid while in interactive mode.
Note: abbreviations are allowed.

ADD_FILE CONTINUE_CLIENT EXIT_CLIENT FILESIZE HELP KILL_JOB PARALLEL
REUSE_DUMPFILES START_JOB STATUS STOP_JOB STOP_WORKER TRACE
";

const IMPORT: &str = "
The Data Pump Import utility provides a mechanism for transferring data objects
between Oracle databases. The utility is invoked with the following command:

     Example: impdp scott/tiger DIRECTORY=dmpdir DUMPFILE=scott.dmp

You can control how Import runs by entering the 'impdp' command followed
by various parameters. To specify parameters, you use keywords:

     Format:  impdp KEYWORD=value or KEYWORD=(value1,value2,...,valueN)
     Example: impdp scott/tiger DIRECTORY=dmpdir DUMPFILE=scott.dmp

USERID must be the first parameter on the command line.

------------------------------------------------------------------------------

The available keywords and their descriptions follow. Default values are listed within square brackets.

ABORT_STEP ACCESS_METHOD ATTACH CLUSTER CONTENT CREDENTIAL DATA_OPTIONS
DIRECTORY DUMPFILE ENABLE_SECURE_ROLES ENCRYPTION_PASSWORD ENCRYPTION_PWD_PROMPT
ESTIMATE EXCLUDE FLASHBACK_SCN FLASHBACK_TIME FULL HELP INCLUDE JOB_NAME
KEEP_MASTER LOGFILE LOGTIME MASTER_ONLY METRICS NETWORK_LINK NOLOGFILE PARALLEL
PARFILE PARTITION_OPTIONS QUERY REMAP_DATA REMAP_DATAFILE REMAP_DIRECTORY
REMAP_SCHEMA REMAP_TABLE REMAP_TABLESPACE REUSE_DATAFILES SCHEMAS SERVICE_NAME
SKIP_UNUSABLE_INDEXES SOURCE_EDITION SQLFILE STATUS STREAMS_CONFIGURATION
TABLE_EXISTS_ACTION TABLES TABLESPACES TARGET_EDITION TRANSFORM TRANSPORTABLE
TRANSPORT_DATAFILES TRANSPORT_FULL_CHECK TRANSPORT_TABLESPACES VERSION
VIEWS_AS_TABLES

------------------------------------------------------------------------------

The following commands are valid while in interactive mode.
Note: abbreviations are allowed.

CONTINUE_CLIENT EXIT_CLIENT HELP KILL_JOB PARALLEL START_JOB STATUS STOP_JOB
STOP_WORKER TRACE
";
