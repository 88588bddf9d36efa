#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "astn.settings.local")
    if sys.argv[1:2] == ["devservices"] and sys.argv[2:3] != ["start"]:
        # `status` and `stop` must not start the servers they are asked about.
        os.environ["ASTN_DEVSERVICES_AUTOSTART"] = "0"
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
