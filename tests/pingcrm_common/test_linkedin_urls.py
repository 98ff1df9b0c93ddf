"""The profile address every service links a contact to."""

from __future__ import annotations

from pingcrm_common.linkedin_urls import profile_url


def test_profile_addresses_prefer_the_slug() -> None:
    assert profile_url("ACo1", "jane") == "https://www.linkedin.com/in/jane/"
    assert profile_url("ACo1", None) == "https://www.linkedin.com/in/ACo1/"
    assert profile_url("ACo1", "") == "https://www.linkedin.com/in/ACo1/"
    assert profile_url(None, "élodie") == "https://www.linkedin.com/in/%C3%A9lodie/"
    assert profile_url(None, "a/b?c") == "https://www.linkedin.com/in/a%2Fb%3Fc/"
    assert profile_url(None, None) == ""
    assert profile_url("", "") == ""
