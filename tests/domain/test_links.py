from datetime import date

import pytest

from saleor_wfx_plugin.domain.links import (
    is_known_bot,
    safe_redirect_target,
    visitor_fingerprint,
    visitor_network,
)

SHOP = "https://shop.example.com"
ROOT_WITH_CODE = "https://shop.example.com/?ref=ANNA01"


def target(next_value, *, code="ANNA01", storefront=SHOP, allowed=("m.example.com",), param="ref"):
    return safe_redirect_target(storefront, allowed, next_value, code, param)


# --- where the visitor lands --------------------------------------------------------------------


def test_no_next_lands_on_the_storefront_root_with_the_code():
    assert target(None) == ROOT_WITH_CODE
    assert target("") == ROOT_WITH_CODE


def test_a_product_path_keeps_its_query_and_fragment_and_gains_the_code():
    assert (
        target("/products/serum?size=50ml&color=red#reviews")
        == "https://shop.example.com/products/serum?size=50ml&color=red&ref=ANNA01#reviews"
    )


def test_a_path_is_appended_to_a_storefront_mounted_under_a_prefix():
    assert (
        target("/products/serum", storefront="https://example.com/cn")
        == "https://example.com/cn/products/serum?ref=ANNA01"
    )
    assert target(None, storefront="https://example.com/cn") == "https://example.com/cn?ref=ANNA01"


def test_the_code_replaces_a_code_the_link_already_carried():
    assert (
        target("/products/serum?ref=OTHER01&utm_source=wechat&ref=THIRD01")
        == "https://shop.example.com/products/serum?utm_source=wechat&ref=ANNA01"
    )


def test_without_a_code_any_code_in_next_is_removed_and_other_params_stay():
    assert (
        target("/products/serum?ref=SUSPENDED1&utm_source=wechat", code=None)
        == "https://shop.example.com/products/serum?utm_source=wechat"
    )
    assert target(None, code=None) == "https://shop.example.com/"


def test_the_merchants_parameter_name_is_used():
    assert target("/p?ref=x", param="inviter") == "https://shop.example.com/p?ref=x&inviter=ANNA01"


def test_other_parameters_keep_their_exact_encoding():
    assert (
        target("/search?q=red%20dress&tag=a+b")
        == "https://shop.example.com/search?q=red%20dress&tag=a+b&ref=ANNA01"
    )


def test_unicode_slugs_are_percent_encoded_and_escapes_are_not_encoded_twice():
    assert (
        target("/products/面膜")
        == "https://shop.example.com/products/%E9%9D%A2%E8%86%9C?ref=ANNA01"
    )
    assert (
        target("/products/%E9%9D%A2%E8%86%9C")
        == "https://shop.example.com/products/%E9%9D%A2%E8%86%9C?ref=ANNA01"
    )


def test_an_absolute_url_on_the_storefront_host_is_kept():
    assert (
        target("https://shop.example.com/products/serum?a=1")
        == "https://shop.example.com/products/serum?a=1&ref=ANNA01"
    )
    assert target("HTTPS://SHOP.EXAMPLE.COM") == "https://shop.example.com/?ref=ANNA01"


def test_an_absolute_url_on_an_allowed_host_is_kept():
    assert target("https://m.example.com/p/1#top") == "https://m.example.com/p/1?ref=ANNA01#top"


def test_the_code_is_url_encoded():
    assert target(None, code="A&B=C") == "https://shop.example.com/?ref=A%26B%3DC"


# --- open-redirect attempts all land on the storefront root -------------------------------------

ATTACKS = [
    "https://evil.com",
    "https://evil.com/products/serum",
    "http://evil.com",
    "//evil.com",
    "///evil.com",
    "////evil.com/",
    "/\\evil.com",
    "\\\\evil.com",
    "/\\/evil.com",
    "\\/evil.com",
    "/%2Fevil.com",
    "/%2F%2Fevil.com",
    "%2F%2Fevil.com",
    "/%5Cevil.com",
    "/%255Cevil.com",
    "/%25252525252F%2Fevil.com",
    "/\t/evil.com",
    "/\n/evil.com",
    "/%09/evil.com",
    "/%0d%0aLocation:%20https://evil.com",
    "/products\r\nSet-Cookie: x=1",
    " //evil.com",
    "\x00//evil.com",
    "/\u200b/evil.com",
    "/\u202e/moc.live",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(document.cookie)",
    "javascript://shop.example.com/%0aalert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "ftp://shop.example.com/",
    "https:evil.com",
    "https:/evil.com",
    "https:///evil.com",
    "https://shop.example.com@evil.com",
    "https://shop.example.com:@evil.com",
    "https://user:pass@shop.example.com/",
    "https://evil.com#@shop.example.com",
    "https://evil.com?@shop.example.com",
    "https://evil.com\\@shop.example.com",
    "https://shop.example.com%40evil.com",
    "https://shop.example.com%2F@evil.com",
    "https://shop.example.com.evil.com",
    "https://evilshop.example.com",
    "https://example.com",
    "https://shop.example.com.",
    "https://shop.example.com:8443/",
    "https://m.example.com:8080/",
    "https://shop.example.com:abc/",
    "https://ѕhop.example.com",  # Cyrillic "ѕ"
    "https://shop.example.com\uff0fevil.com",
    "https://127.0.0.1/",
    "https://[::1]/",
    "https://2130706433/",
    "evil.com",
    "products/serum",
    "www.evil.com/products",
]


@pytest.mark.parametrize("attack", ATTACKS)
def test_a_next_outside_the_allowed_hosts_lands_on_the_storefront_root(attack):
    assert target(attack) == ROOT_WITH_CODE


@pytest.mark.parametrize("attack", ATTACKS)
def test_an_attack_without_a_code_also_lands_on_the_bare_root(attack):
    assert target(attack, code=None) == "https://shop.example.com/"


def test_the_storefront_keeps_its_own_port():
    assert (
        target("https://localhost:3000/p", storefront="http://localhost:3000")
        == "https://localhost:3000/p?ref=ANNA01"
    )
    assert target("/p", storefront="http://localhost:3000") == "http://localhost:3000/p?ref=ANNA01"


def test_wildcard_hosts_are_not_patterns():
    # The settings refuse "*.example.com"; were one to slip through, it matches nothing.
    assert target("https://a.example.com/", allowed=("*.example.com",)) == ROOT_WITH_CODE


def test_a_storefront_url_that_is_not_http_is_refused():
    with pytest.raises(ValueError, match="not an absolute"):
        target(None, storefront="shop.example.com")


# --- bots ---------------------------------------------------------------------------------------

HUMANS = [
    # WeChat's in-app browser: the shoppers this programme is for.
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
    "Gecko) Mobile/15E148 MicroMessenger/8.0.47(0x18002f2c) NetType/WIFI Language/zh_CN",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.4 Safari/605.1.15",
    "Mozilla/5.0 (Linux; Android 9; CUBOT P30) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
    "Gecko) Mobile/15E148 [FBAN/FBIOS;FBAV/459.0.0.38.110]",
    "Mozilla/5.0 (Linux; U; Android 13; zh-cn; 22081212C) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Version/4.0 Chrome/109.0 Mobile Safari/537.36 XiaoMi/MiuiBrowser/18.1",
]

BOTS = [
    "",
    "   ",
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
    "Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)",
    "Sogou web spider/4.0(+http://www.sogou.com/docs/help/webmasters.htm#07)",
    "Mozilla/5.0 (compatible; Bytespider; spider-feedback@bytedance.com)",
    "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
    "WhatsApp/2.23.20.0 A",
    "TelegramBot (like TwitterBot)",
    "Twitterbot/1.0",
    "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
    "Slack-ImgProxy (+https://api.slack.com/robots)",
    "Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)",
    "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)",
    "Mozilla/5.0 (Windows NT 6.1; WOW64) SkypeUriPreview Preview/0.5",
    "Mozilla/5.0 (compatible; WeChat-Bot/1.0)",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/124.0 "
    "Safari/537.36",
    "curl/8.5.0",
    "Wget/1.21.4",
    "python-requests/2.32.3",
    "Python-urllib/3.12",
    "Go-http-client/2.0",
    "okhttp/4.12.0",
]


@pytest.mark.parametrize("user_agent", HUMANS)
def test_browsers_including_in_app_browsers_are_people(user_agent):
    assert is_known_bot(user_agent) is False


@pytest.mark.parametrize("user_agent", BOTS)
def test_previewers_crawlers_scripts_and_an_empty_user_agent_are_bots(user_agent):
    assert is_known_bot(user_agent) is True


# --- visitor ------------------------------------------------------------------------------------

DAY = date(2026, 11, 20)
PHONE = HUMANS[0]


def test_the_fingerprint_is_stable_for_one_address_on_one_day():
    first = visitor_fingerprint("secret", "203.0.113.9", DAY)
    assert first == visitor_fingerprint("secret", "203.0.113.9", DAY)
    assert len(first) == 64
    assert int(first, 16) >= 0


def test_the_fingerprint_differs_by_day_address_and_secret():
    first = visitor_fingerprint("secret", "203.0.113.9", DAY)
    others = {
        visitor_fingerprint("secret", "203.0.113.9", date(2026, 11, 21)),
        visitor_fingerprint("secret", "203.0.113.10", DAY),
        visitor_fingerprint("other-secret", "203.0.113.9", DAY),
    }
    assert first not in others
    assert len(others) == 3


def test_the_fingerprint_does_not_contain_the_address():
    assert "203.0.113.9" not in visitor_fingerprint("secret", "203.0.113.9", DAY)


def test_one_ipv6_network_is_one_visitor_whichever_address_it_picks():
    # A phone is given a whole /64 and may use a new address in it for every request.
    assert visitor_network("2001:db8:1:2:aaaa::1") == visitor_network("2001:db8:1:2:ffff::9")
    assert visitor_network("2001:db8:1:2::1") == "2001:db8:1:2::/64"
    assert visitor_network("2001:db8:1:3::1") != visitor_network("2001:db8:1:2::1")
    # An IPv4 visitor seen through an IPv6 socket is the same visitor.
    assert visitor_network("::ffff:203.0.113.9") == "203.0.113.9"
