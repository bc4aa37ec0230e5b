import pytest

from saleor_wfx_plugin.saleor_host.version import UnsupportedSaleorVersion, check_saleor_version


@pytest.mark.parametrize("version", ["3.24.0", "3.24.0-a.0", "3.24.7"])
def test_supported_saleor_versions_start(version):
    check_saleor_version(version)


@pytest.mark.parametrize("version", ["3.23.9", "3.25.0", "4.0.0", "2.10.1", "nonsense"])
def test_other_saleor_versions_are_refused_with_what_to_do(version):
    with pytest.raises(UnsupportedSaleorVersion, match=r"WFX_ALLOW_UNSUPPORTED_SALEOR|cannot read"):
        check_saleor_version(version)
