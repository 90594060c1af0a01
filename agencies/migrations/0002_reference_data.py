from django.db import migrations


def load(apps, schema_editor):
    from agencies.services import reference_data_load

    reference_data_load(apps=apps)


class Migration(migrations.Migration):
    dependencies = [("agencies", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
