"""Everything that touches the host Saleor, in one place: the plugin class and its hooks
(`plugin`), the reader of Saleor's orders and settings (`adapter`), authentication through
Saleor (`auth`), the version check (`version`) and the routes Saleor serves the plugin at
(`routes`).

No module outside this package imports `saleor`. Modules here import Saleor inside functions,
except `plugin` (its class derives from Saleor's `BasePlugin`), so the rest import where Saleor
is absent: the sandbox and the plugin's own test suite. The package is named `saleor_host`, not
`saleor`, so that no import inside it can resolve to this package instead of Saleor's.

Imports run one way (tests/test_import_graph.py checks there is no cycle): `plugin` → `adapter`
→ `version`, `routes`; the app config → `version`; `auth` → the plugin's own `auth` (the
`Viewer`). `version` and `routes` are leaves. This `__init__` imports nothing.
"""
