"""Dashboards for provincial, district and agency staff (issue 6), and an official's summary.

scope.py decides whose data a page may count (from Household.objects.visible_to and
Official.objects.visible_to, never on its own); filters.py reads the filters in the URL;
figures.py counts, grouped in SQL; charts.py lays out the SVG charts; exports.py turns
every table into .xlsx.
"""
