"""A partial index over pending tracking events (outcome ''), the rows `tracking_apply_pending`
claims in occurrence order: the claim stays an index range scan however many applied events
the table holds. Raw SQL (PostgreSQL and SQLite both have partial indexes) so that the model
state is untouched; the same index could later be declared in `TrackingEvent.Meta.indexes`
with `condition=Q(outcome="")` and this migration squashed."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("logistics", "0002_label_tracker_idx")]

    operations = [
        migrations.RunSQL(
            sql=(
                'CREATE INDEX "trackingevent_pending_idx" ON "logistics_trackingevent" '
                '("occurred_at", "id") WHERE "outcome" = \'\''
            ),
            reverse_sql='DROP INDEX "trackingevent_pending_idx"',
        )
    ]
