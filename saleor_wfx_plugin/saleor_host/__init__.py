"""Everything that touches the host Saleor, in one place: the plugin class and its hooks
(`plugin`) with its settings' defaults and form fields (`plugin_configuration`); the shop backend
(`adapter`) and what it reads of Saleor's orders (`orders`), money given back on them
(`refunds`), customers and vouchers (`customers`) and products (`products`); authentication
through Saleor (`auth`), the version check (`version`) and the routes Saleor serves the plugin at
(`routes`).

No module outside this package imports `saleor`. Modules here import Saleor inside functions,
except `plugin` (its class derives from Saleor's `BasePlugin`) and `plugin_configuration` (only
`plugin` imports it), so the rest import where Saleor is absent: the sandbox and the plugin's
own test suite. The package is named `saleor_host`, not `saleor`, so that no import inside it can
resolve to this package instead of Saleor's.

Imports run one way (tests/test_import_graph.py checks there is no cycle): `plugin` →
`plugin_configuration`, `adapter` → `orders` → `refunds`, `customers`; `adapter` → `products`,
`version`, `routes`; the app config → `version`; `auth` → the plugin's own `auth` (the
`Viewer`). `version` and `routes` are leaves. This `__init__` imports nothing.
"""
