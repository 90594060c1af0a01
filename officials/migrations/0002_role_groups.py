from django.db import migrations

# Frozen copy of officials.roles.GROUP_NAMES at the time of this migration.
GROUPS = [
    "เจ้าหน้าที่คู่เสี่ยว",
    "ผู้ประสานงานหน่วยงาน",
    "เจ้าหน้าที่อำเภอ",
    "เจ้าหน้าที่จังหวัด",
    "ผู้ดูแลระบบ",
]
ADMIN_GROUP = "ผู้ดูแลระบบ"
ADMIN_APPS = ["agencies", "officials", "households", "auth"]


def create_groups(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally made after all migrations; the admin group needs them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name in GROUPS:
        Group.objects.get_or_create(name=name)
    admin = Group.objects.get(name=ADMIN_GROUP)
    admin.permissions.add(*Permission.objects.filter(content_type__app_label__in=ADMIN_APPS))


class Migration(migrations.Migration):
    dependencies = [
        ("officials", "0001_initial"),
        ("households", "0002_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
