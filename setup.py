from pathlib import Path

from setuptools import find_packages, setup

HERE = Path(__file__).parent

setup(
    name="saleor-wfx-plugin",
    version="0.1.0",
    description=(
        "Compliant social distribution (微分销) for Saleor: referral attribution and "
        "commissions capped at three levels."
    ),
    long_description=(HERE / "README.md").read_text(encoding="utf-8"),
    long_description_content_type="text/markdown",
    license="BSD-3-Clause",
    python_requires=">=3.11",
    packages=[
        *find_packages(include=["saleor_wfx_plugin", "saleor_wfx_plugin.*"]),
        "saleor_wfx_plugin.migrations",
    ],
    # The user's layout keeps migrations at the repository root; Django looks for them at
    # `<app module>.migrations`, so the folder is installed as that package.
    package_dir={"saleor_wfx_plugin.migrations": "migrations"},
    include_package_data=True,
    # Package data: the API's translated messages (Django finds an app's locale/ folder itself),
    # and the dashboard pages, built by `npm run build` and committed: merchants need no Node.
    package_data={
        "saleor_wfx_plugin": ["locale/*/LC_MESSAGES/django.po", "locale/*/LC_MESSAGES/django.mo"],
        "saleor_wfx_plugin.dashboard": ["static/*.html", "static/assets/*"],
        "saleor_wfx_plugin.sandbox": ["host.html"],
    },
    # Ranges, not pins, and every one inside what Saleor 3.24's uv.lock pins: installing the plugin
    # must never upgrade or downgrade a library Saleor depends on. Saleor itself is not listed: the
    # `saleor` on PyPI is the unrelated 2.x relic; the plugin runs inside the merchant's Saleor.
    install_requires=[
        "Django>=5.2,<5.3",
        "celery>=5.3,<6",
        # Encryption at rest of ID numbers and payee accounts (Fernet); Saleor pins 49.0.0.
        "cryptography>=42,<50",
        # The API follows Saleor's own GraphQL stack, which is still graphene 2.
        "graphene>=2.1.9,<3",
        "Pillow>=10",
        "segno>=1.5,<2",
    ],
    entry_points={
        "saleor.plugins": [
            "saleor_wfx_plugin = saleor_wfx_plugin.saleor_host.plugin:DistributionPlugin",
        ],
    },
    classifiers=[
        "Framework :: Django :: 5.2",
        "Programming Language :: Python :: 3.12",
        "License :: OSI Approved :: BSD License",
    ],
)
