"""Social distribution (微分销) for Saleor.

Importing this package must not import Saleor or touch Django models: Saleor appends the package to
INSTALLED_APPS while it is still building its settings.
"""

__version__ = "0.1.0"
