"""The one shape every CSV download of the API has."""

from __future__ import annotations

import graphene


class CsvExport(graphene.ObjectType):
    filename = graphene.String(required=True)
    content = graphene.String(required=True, description="UTF-8 CSV with a header row.")
    rows = graphene.Int(required=True)
