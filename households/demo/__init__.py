"""Demo data: a fictitious programme on the real districts, subdistricts and agencies."""
