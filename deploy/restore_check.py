"""The restore drill's check (docs/operations.md): counts of the main records, and every file a
record names found in the restored storage. Run against the restored copy:

    sudo -u siso env SISO_ENV_FILE=/etc/siso/restore-drill.env \\
        /opt/siso/current/deploy/siso-manage shell < /opt/siso/current/deploy/restore_check.py

and against the live installation (without SISO_ENV_FILE) to compare the counts.
"""

from django.apps import apps
from django.db.models import FileField

COUNTED = {"people.Person", "people.Household", "casework.Case", "audit.AuditEvent"}

for model in apps.get_models():
    fields = [field.name for field in model._meta.fields if isinstance(field, FileField)]
    if model._meta.label not in COUNTED and not fields:
        continue
    missing = 0
    for row in model._default_manager.all().iterator():
        for name in fields:
            file = getattr(row, name)
            if file and not file.storage.exists(file.name):
                missing += 1
    count = model._default_manager.count()
    print(f"{model._meta.label:32} {count:>10} rows  {missing:>6} files missing")
