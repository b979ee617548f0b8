from samsyn.letters.services._common import LetterError
from samsyn.letters.services.letters import make_letter, record_signed_consent, send_letter
from samsyn.letters.services.library import ensure_library, save_guide, save_template
from samsyn.letters.services.notes import copy_note_to_plan, save_note

__all__ = [
    "LetterError",
    "copy_note_to_plan",
    "ensure_library",
    "make_letter",
    "record_signed_consent",
    "save_guide",
    "save_note",
    "save_template",
    "send_letter",
]
