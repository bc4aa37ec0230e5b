"""What the database and the private storage hold, as text, to look for personal data in."""

from pathlib import Path

from django.db import connection


def database_text() -> str:
    """Every row of every table of the plugin, as JSON text."""
    tables = [name for name in connection.introspection.table_names() if name.startswith("wfx_")]
    assert tables, "no wfx_ tables: the scan is broken"
    rows = []
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT row_to_json(t)::text FROM {connection.ops.quote_name(table)} t")
            rows += [row[0] for row in cursor.fetchall()]
    return "\n".join(rows)


def stored_files(root: Path) -> list[Path]:
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []
