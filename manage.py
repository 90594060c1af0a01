#!/usr/bin/env python
"""Django's command-line utility for Kuseaw."""

import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kuseaw.settings")
    if sys.argv[1:2] == ["demo"] or not os.environ.get("DATABASE_URL"):
        # The local demo, and any command on the embedded PostgreSQL (no DATABASE_URL),
        # is development: DEBUG on unless told otherwise. Production sets DATABASE_URL.
        os.environ.setdefault("DEBUG", "1")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
