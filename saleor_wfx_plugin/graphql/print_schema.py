"""Prints the API's schema: `python -m saleor_wfx_plugin.graphql.print_schema > schema.graphql`."""

import os

import django


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saleor_wfx_plugin.sandbox.settings")
    django.setup()
    from .api import schema

    print(schema)


if __name__ == "__main__":
    main()
