"""Pairing officials with households: who waits for a buddy, suggestions, pairing screens.

services.py holds the selectors and writes (the one-official-two-households rule itself is
officials.services.pairing_create); views.py, forms.py and urls.py the screens.
"""
