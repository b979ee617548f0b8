from samsyn.consent.tests.fixtures import (  # noqa: F401
    case,
    patient_user,
    person,
)
