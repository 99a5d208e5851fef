"""On PostgreSQL, the person-level tables' identity sequences step by 1,000: the SEN2 importer reserves a block of
ids with one ``nextval`` (``sen2.importer._Writer``) instead of one call per row, which cost a sixth of a large
import. Other inserts (there are none in the product) would simply use every thousandth id. SQLite assigns ids
under its write lock and is unchanged."""

from django.db import migrations

TABLES = ("outcomes_sen2person", "outcomes_ehcrequest", "outcomes_activeplan")


def step_by(step: int):
    def alter(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for table in TABLES:
            schema_editor.execute(f'ALTER TABLE "{table}" ALTER COLUMN "id" SET INCREMENT BY {step}')

    return alter


class Migration(migrations.Migration):
    dependencies = [("outcomes", "0002_person_level_links_checked_by_the_importer")]

    operations = [migrations.RunPython(step_by(1000), step_by(1))]
