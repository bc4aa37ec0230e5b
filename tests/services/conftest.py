from datetime import UTC, datetime
from decimal import Decimal

import pytest

from saleor_wfx_plugin.domain.settings import ProgramSettings
from saleor_wfx_plugin.models import Grade, ProgrammeSwitch
from saleor_wfx_plugin.sandbox.simulator import SimulatedLine, SimulatedShop
from saleor_wfx_plugin.services.distributors import create_distributor


@pytest.fixture(autouse=True)
def shop(settings):
    """A fresh simulated Saleor with the article's example rates and three levels."""
    SimulatedShop.reset()
    settings.WFX_SHOP_BACKEND = "saleor_wfx_plugin.sandbox.simulator.SimulatedShop"
    settings.WFX_PROGRAM_ACTIVE = True
    settings.WFX_PROGRAM_SETTINGS = {
        "default_seller_rate": "10",
        "level2_rate": "5",
        "level3_rate": "2",
        "commission_levels": "3",
    }
    yield SimulatedShop
    SimulatedShop.reset()


# The shops of these tests have had the programme switched on for years, so orders placed "now"
# or months ago were placed while it was on. Tests of the on/off rule switch it from there, or
# place orders before this moment.
PROGRAMME_ON_SINCE = datetime(2000, 1, 1, tzinfo=UTC)


@pytest.fixture(autouse=True)
def programme_switched_on_long_ago(request, _django_db_marker):
    names = set(request.fixturenames)
    if "transactional_db" in names or "live_server" in names:
        request.getfixturevalue("transactional_db")
    elif "db" in names:
        request.getfixturevalue("db")
    elif request.node.get_closest_marker("django_db") is None:
        return
    ProgrammeSwitch.objects.create(
        active=True, at=PROGRAMME_ON_SINCE, source=ProgrammeSwitch.Source.PLUGIN_UPDATE
    )


@pytest.fixture
def program(settings, shop):
    def configure(**overrides):
        settings.WFX_PROGRAM_SETTINGS = {**settings.WFX_PROGRAM_SETTINGS, **overrides}
        return ProgramSettings.from_mapping(settings.WFX_PROGRAM_SETTINGS)

    return configure


@pytest.fixture
def tree(db):
    """A recruited B, B recruited C, C recruited D: four generations."""
    a = create_distributor(code="AAA111", email="a@example.com", user_id="1")
    b = create_distributor(code="BBB222", email="b@example.com", user_id="2", upline=a)
    c = create_distributor(code="CCC333", email="c@example.com", user_id="3", upline=b)
    d = create_distributor(code="DDD444", email="d@example.com", user_id="4", upline=c)
    return a, b, c, d


@pytest.fixture
def gold(db):
    # The migrations install the default grade list; the tests pin gold's rate explicitly.
    grade, _ = Grade.objects.update_or_create(
        slug="gold", defaults={"name": "Gold", "seller_rate": Decimal("15"), "rank": 1}
    )
    return grade


SERUM = SimulatedLine("Serum", Decimal("299.00"), product_id="serum", category_id="skincare")
MASK = SimulatedLine("Mask", Decimal("9.90"), quantity=3, product_id="mask", category_id="masks")
