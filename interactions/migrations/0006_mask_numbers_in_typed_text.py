"""Mask phone numbers that older rows kept whole in what was typed (issue 9).

Before this release a number with words around it (`Phone: 212-555-0100`,
`tel:+12125550100`, `call 2125550100`) was stored as typed. Masking is
idempotent, so rows already masked are left as they are.
"""

from django.db import migrations

from interactions.masking import mask_query

BATCH = 2000


def mask_stored_queries(apps, schema_editor):
    InteractionAccess = apps.get_model("interactions", "InteractionAccess")
    rows = (
        InteractionAccess.objects.exclude(query_masked="")
        .filter(query_masked__regex=r"[0-9]")
        .order_by("pk")
    )
    last = 0
    while True:
        batch = list(rows.filter(pk__gt=last).only("pk", "query_masked")[:BATCH])
        if not batch:
            return
        changed = []
        for row in batch:
            masked = mask_query(row.query_masked)
            if masked != row.query_masked:
                row.query_masked = masked
                changed.append(row)
        # The historical model has a plain manager: the append-only guard of
        # the application is not in the way of this one-off correction.
        InteractionAccess.objects.bulk_update(changed, ["query_masked"])
        last = batch[-1].pk


class Migration(migrations.Migration):
    dependencies = [("interactions", "0005_access_source_and_help_text")]

    operations = [
        migrations.RunPython(mask_stored_queries, migrations.RunPython.noop),
    ]
