"""Writes of the actors' directory and of a case's actors.

Every service checks the permission, runs in one transaction and writes its audit event
in it. Directory changes (no person) are logged on the ground "administration"; links
between a case and an actor on the ground "unit membership", with the person.
Care units are never created, changed or merged here. An entry is changed by the care
unit that keeps it (ADR 008).
"""

from samsyn.directory.selectors import login_memberships, may_change_entry, may_edit_directory
from samsyn.directory.services._common import DirectoryError
from samsyn.directory.services.case_actors import end_case_actor, link_actor_to_case
from samsyn.directory.services.contacts import (
    ContactData,
    confirm_contact_login,
    create_contact_person,
    merge_contact_persons,
    update_contact_person,
)
from samsyn.directory.services.csv_import import (
    MAX_IMPORT_BYTES,
    DirectoryImportReport,
    RejectedRow,
    import_directory_csv,
)
from samsyn.directory.services.import_jobs import (
    DuplicateDirectoryImport,
    directory_import_for,
    execute_directory_import,
    run_directory_import,
    start_directory_import,
)
from samsyn.directory.services.organisations import (
    MergeReport,
    OrganisationData,
    create_organisation,
    merge_organisations,
    update_organisation,
)

__all__ = [
    "MAX_IMPORT_BYTES",
    "ContactData",
    "DirectoryError",
    "DirectoryImportReport",
    "DuplicateDirectoryImport",
    "MergeReport",
    "OrganisationData",
    "RejectedRow",
    "confirm_contact_login",
    "create_contact_person",
    "create_organisation",
    "directory_import_for",
    "end_case_actor",
    "execute_directory_import",
    "import_directory_csv",
    "link_actor_to_case",
    "login_memberships",
    "may_change_entry",
    "may_edit_directory",
    "merge_contact_persons",
    "merge_organisations",
    "run_directory_import",
    "start_directory_import",
    "update_contact_person",
    "update_organisation",
]
