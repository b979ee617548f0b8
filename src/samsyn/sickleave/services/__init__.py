"""Writes of the sick-leave app, by concept: certificates and their materialised cases
(`certificates`), the import of a file of certificates as a job (`importing`) and the
unit's settings (`unit_settings`)."""

from samsyn.sickleave.services.certificates import (
    NOT_AT_UNIT,
    CertificateData,
    CertificatePermissionError,
    PeriodInput,
    case_rows,
    refresh_sick_leave_cases,
    register_certificate,
    sick_period,
    to_engine_input,
)
from samsyn.sickleave.services.importing import (
    DuplicateImport,
    ImportReport,
    execute_certificate_import,
    import_certificates,
    import_job_for,
    run_certificate_import,
    start_certificate_import,
)
from samsyn.sickleave.services.unit_settings import (
    RECOMPUTE_BATCH,
    UNIT_SETTINGS_ROLES,
    UnitSettingsChange,
    UnitSettingsPermissionError,
    change_unit_settings,
    recompute_unit_cases,
    recompute_unit_cases_job,
)

__all__ = [
    "NOT_AT_UNIT",
    "RECOMPUTE_BATCH",
    "UNIT_SETTINGS_ROLES",
    "CertificateData",
    "CertificatePermissionError",
    "DuplicateImport",
    "ImportReport",
    "PeriodInput",
    "UnitSettingsChange",
    "UnitSettingsPermissionError",
    "case_rows",
    "change_unit_settings",
    "execute_certificate_import",
    "import_certificates",
    "import_job_for",
    "recompute_unit_cases",
    "recompute_unit_cases_job",
    "refresh_sick_leave_cases",
    "register_certificate",
    "run_certificate_import",
    "sick_period",
    "start_certificate_import",
    "to_engine_input",
]
