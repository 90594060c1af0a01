def test_reference_data_is_loaded_by_migration(db):
    from agencies.models import Agency, District, Subdistrict

    assert District.objects.count() == 26
    assert Subdistrict.objects.count() == 199
    assert Agency.objects.count() == 15
