from samsyn.consent.tests.fixtures import (  # noqa: F401
    case,
    fk_org,
    fk_user,
    other_employer,
    other_employer_user,
    patient_user,
    person,
)
