#!/usr/bin/env python
"""Django's command-line utility for the portal."""

import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pactportal.settings")
    from django.core.management import execute_from_command_line
    from multidb.pinning import pin_this_thread

    # A command reads what it writes (migrations, the data loader, imports): with read
    # replicas configured, all of it goes to the primary, never to a replica that lags.
    pin_this_thread()
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
