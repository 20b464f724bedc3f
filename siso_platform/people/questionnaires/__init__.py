"""Regional questionnaire templates shipped with the platform (import with `import_form`)."""

from pathlib import Path

INTAKE_FORM = Path(__file__).parent / "scheda_accesso.json"
