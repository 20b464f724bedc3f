import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("workflows", "0002_working_days_skip_closures"),
    ]

    operations = [
        migrations.AddField(
            model_name="workflowdefinition",
            name="based_on_version",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="workflows.workflowversion",
                verbose_name="template version reviewed",
            ),
        ),
    ]
