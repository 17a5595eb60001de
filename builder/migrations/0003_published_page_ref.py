import django.db.models.deletion
from django.db import migrations, models


def backfill(apps, schema_editor):
    """A ref for every page of every application's current published version."""
    application_model = apps.get_model("builder", "Application")
    ref_model = apps.get_model("builder", "PublishedPageRef")
    published = application_model.objects.exclude(published_version=None).select_related(
        "published_version"
    )
    refs = [
        ref_model(page_id=page["id"], application_id=application.pk)
        for application in published.iterator()
        for page in application.published_version.snapshot.get("pages", [])
        if isinstance(page.get("id"), int)
    ]
    ref_model.objects.bulk_create(refs, ignore_conflicts=True, batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("builder", "0002_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="PublishedPageRef",
            fields=[
                ("page_id", models.BigIntegerField(primary_key=True, serialize=False)),
                (
                    "application",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="published_page_refs",
                        to="builder.application",
                    ),
                ),
            ],
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True),
    ]
