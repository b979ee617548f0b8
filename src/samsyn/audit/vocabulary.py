"""The closed vocabulary of the access log: actions, grounds and object types.

Pure (no ORM): the consent policy's decisions carry the same `Ground` the audit log stores,
and the auditor refuses any action, ground or object type not named here.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from samsyn.core.choices import LabelledChoices


class Action(LabelledChoices):
    READ = "read", _("Läsning")
    CREATE = "create", _("Skapande")
    UPDATE = "update", _("Ändring")
    DELETE = "delete", _("Borttagning")
    PRINT = "print", _("Utskrift")
    EXPORT = "export", _("Export")
    DISCLOSE = "disclose", _("Utlämnande till extern aktör")
    DENIED = "denied", _("Nekad åtkomst")
    LOGIN = "login", _("Inloggning")
    LOGOUT = "logout", _("Utloggning")
    LOGIN_FAILED = "login_failed", _("Misslyckad inloggning")


class Ground(LabelledChoices):
    """Why access was granted: a closed set (DESIGN §5), shared with `consent.policy`."""

    UNIT_MEMBERSHIP = "unit_membership", _("Medarbetare vid vårdenheten")
    CONSENT = "consent", _("Samtycke")
    OWN_RECORD = "own_record", _("Egen uppgift")
    EMERGENCY = "emergency", _("Nödåtkomst")
    LEGAL_DUTY = "legal_duty", _("Lagstadgad skyldighet")
    ADMINISTRATION = "administration", _("Systemadministration")
    AUTHENTICATION = "authentication", _("Inloggning")
    SYSTEM = "system", _("Systemjobb")
    NONE = "none", _("Ingen grund (nekad)")


class ObjectType(LabelledChoices):
    """What an access event is about. A new kind of object is added here first."""

    NONE = "", _("Inget objekt")
    PAGE = "page", _("Sida")
    ACCESS_LOG = "access_log", _("Åtkomstloggen")
    PERSON = "person", _("Person")
    CASE = "case", _("Ärende")
    CASE_CONTACT = "case:contact", _("Ärende (kontaktuppgifter)")
    CASE_WORK_CAPACITY = "case:work_capacity", _("Ärende (arbetsförmåga)")
    CASE_CERTIFICATES = "case:certificates", _("Ärende (intyg)")
    CASE_DIAGNOSIS = "case:diagnosis", _("Ärende (diagnos)")
    CASE_PLAN = "case:plan", _("Ärende (plan)")
    CASE_MEETINGS = "case:meetings", _("Ärende (möten)")
    CASE_MESSAGES = "case:messages", _("Ärende (meddelanden)")
    CASE_INFORM_FK_REHAB_NEED = "case:inform_fk_rehab_need", _("Ärende (rehabiliteringsbehov)")
    CASE_ACTOR = "case_actor", _("Aktör i ärendet")
    CASE_ACTORS = "case_actors", _("Aktörer i ärendet")
    TASK = "task", _("Uppgift")
    WORKLIST = "worklist", _("Arbetslista")
    CERTIFICATE = "certificate", _("Intyg")
    CERTIFICATES = "certificates", _("Intyg (lista)")
    CONSENT = "consent", _("Samtycke")
    CONSENTS = "consents", _("Samtycken")
    CONSENT_DOCUMENT = "consent_document", _("Samtyckesdokument")
    CONTACT = "contact", _("Kontakt")
    CONTACTS = "contacts", _("Kontakter")
    THREAD = "thread", _("Konversation")
    MESSAGE = "message", _("Meddelande")
    ATTACHMENT = "attachment", _("Bilaga")
    STATEMENT = "statement", _("Uppgift från aktör")
    FK_REQUEST = "fk_request", _("Begäran från Försäkringskassan")
    HARM_ASSESSMENT = "harm_assessment", _("Menprövning")
    SHARED_CASE = "shared_case", _("Delat ärende")
    SHARED_CASE_LIST = "shared_case_list", _("Delade ärenden")
    COORDINATION_REPORT = "coordination_report", _("Uppföljning av samordning")
    ORGANISATION = "organisation", _("Organisation")
    CONTACT_PERSON = "contact_person", _("Kontaktperson")
    IMPORT = "import", _("Import")
    LOGIN = "login", _("Inloggning")
    # Planning surface (issues 13, 15, 17, 18) and the job queue (issue 14): reserved
    # here at once so that parallel work needs one audit migration, not several.
    PLAN = "plan", _("Plan")
    PLAN_VERSION = "plan_version", _("Planversion")
    PLAN_MEASURE = "plan_measure", _("Åtgärd i plan")
    PLAN_COMMENT = "plan_comment", _("Kommentar till åtgärd")
    NO_PLAN_DECISION = "no_plan_decision", _("Beslut om att plan inte behövs")
    TIMELINE = "timeline", _("Tidslinje")
    OWN_CASE = "own_case", _("Ditt ärende")
    JOB = "job", _("Jobb")
    NOTIFICATION = "notification", _("Avisering")
    MEETING = "meeting", _("Möte")
    MEETING_MINUTES = "meeting_minutes", _("Minnesanteckningar")
    REMINDER = "reminder", _("Påminnelse")
    LETTER = "letter", _("Brev")
    LETTER_TEMPLATE = "letter_template", _("Brevmall")
    CONVERSATION_NOTE = "conversation_note", _("Samtalsanteckning")
    SCREENING_RESPONSE = "screening_response", _("Bedömningsinstrument (svar)")
    PERSON_SEARCH = "person_search", _("Personsökning")
    SAVED_FILTER = "saved_filter", _("Sparat filter")


def case_category(category: str) -> ObjectType:
    """The object type of a read of one category of a case (`case:<category>`)."""
    return ObjectType(f"case:{category}")
