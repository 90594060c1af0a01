"""Personal data (PDPA): consent records, a person's data export, anonymising a household."""
