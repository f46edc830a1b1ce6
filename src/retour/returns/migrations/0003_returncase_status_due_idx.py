from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("returns", "0002_case_market_policy_version_track_deadlines"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="returncase",
            index=models.Index(
                fields=["status", "refund_due_by"], name="returncase_status_due_idx"
            ),
        ),
    ]
